"""The abuse log: an entry is seen only by its author and her organisation's coordinators. A
member of another organisation, a colleague who is neither (a caseworker, a lawyer, an analyst)
and an anonymous visitor get 404 on every URL of an entry, its files and its report."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from aigaq.abuse.models import AbuseEntry
from aigaq.accounts.models import Organisation, Role, User

from ..abuse.helpers import make_entry
from ..conftest import client_for, make_user


def _urls(entry: AbuseEntry) -> list[tuple[str, str, dict[str, object]]]:
    item = entry.files.get()
    return [
        ("get", reverse("abuse:detail", args=[entry.code]), {}),
        ("get", reverse("abuse:edit", args=[entry.code]), {}),
        ("post", reverse("abuse:edit", args=[entry.code]), {"version": "1", "reason": "x", "message": "changed"}),
        ("post", reverse("abuse:upload", args=[entry.code]), {}),
        ("get", reverse("abuse:download", args=[entry.code, item.code]), {}),
        ("post", reverse("abuse:report"), {"entries": [entry.code], "format": "pdf", "language": "en"}),
    ]


def test_every_abuse_url_the_author_and_coordinator_reach(alice: User, cora: User) -> None:
    entry = make_entry(alice, attachments=[("a.txt", b"saved")])
    for user in (alice, cora):
        client = client_for(user)
        for method, url, data in _urls(entry)[:2] + _urls(entry)[4:]:
            assert getattr(client, method)(url, data).status_code == 200, (user, url)


@pytest.fixture
def denied(olga: User, bob: User, ann: User, org: Organisation) -> dict[str, Client]:
    return {"olga (coordinator, other organisation)": client_for(olga),
            "bob (lawyer, same organisation)": client_for(bob),
            "ann (analyst, same organisation)": client_for(ann),
            "carl (caseworker, same organisation)": client_for(make_user("carl", org, Role.CASEWORKER)),
            "anonymous": Client()}


def test_an_entry_is_denied_to_everyone_but_its_author_and_coordinators(
        alice: User, denied: dict[str, Client]) -> None:
    entry = make_entry(alice, attachments=[("a.txt", b"saved")])
    failures = []
    for who, client in denied.items():
        for method, url, data in _urls(entry):
            status = getattr(client, method)(url, data).status_code
            # Anonymous visitors are sent to sign in; everyone else gets 404, as for no entry.
            if status != 404 and not (who == "anonymous" and status == 302):
                failures.append(f"{method} {url} as {who}: {status}")
    assert not failures
    entry.refresh_from_db()
    assert entry.version == 1 and entry.files.count() == 1


def test_another_organisation_sees_none_of_the_log(alice: User, olga: User) -> None:
    make_entry(alice)
    client = client_for(olga)
    assert "marker-Ab7Q" not in client.get("/abuse/").content.decode()
    assert "threatener" not in client.get("/abuse/senders/").content.decode()
    figures = client.get("/abuse/figures/")  # her own organisation's: empty
    assert figures.status_code == 200 and 'class="figures' not in figures.content.decode()


def test_a_colleague_does_not_see_the_entry_in_her_list(alice: User, bob: User) -> None:
    make_entry(alice)
    assert "@threatener_kz" not in client_for(bob).get("/abuse/").content.decode()
    assert "@threatener_kz" in client_for(alice).get("/abuse/").content.decode()


def test_a_coordinator_sees_every_entry_of_her_organisation_in_the_list(alice: User, cora: User) -> None:
    make_entry(alice)
    assert "marker-Ab7Q" not in client_for(cora).get("/abuse/").content.decode()  # the list shows no text
    assert "@threatener_kz" in client_for(cora).get("/abuse/").content.decode()


def test_an_entry_cannot_be_deleted_by_anyone_but_its_author_and_coordinators(
        alice: User, olga: User, bob: User, ann: User, org: Organisation) -> None:
    """Re-authenticated (so the step-up is not what stops them), an outsider and colleagues get 404
    on the confirmation page and on the deletion itself; the entry and its key stay."""
    from aigaq.keys.store import abuse_key_name, case_key_exists

    from .helpers import stepped_up

    entry = make_entry(alice, attachments=[("a.txt", b"saved")])
    url = reverse("abuse:delete", args=[entry.code])
    clients = {"olga (coordinator, other organisation)": stepped_up(olga), "bob (lawyer)": stepped_up(bob),
               "ann (analyst)": stepped_up(ann),
               "carl (caseworker)": stepped_up(make_user("carl", org, Role.CASEWORKER))}
    failures = [f"{method} as {who}: {status}" for who, client in clients.items()
                for method, status in (("get", client.get(url).status_code),
                                       ("post", client.post(url, {"confirm": entry.short_code}).status_code))
                if status != 404]
    anonymous = Client().post(url, {"confirm": entry.short_code})
    assert not failures, failures
    assert anonymous.status_code == 302  # sent to sign in
    assert AbuseEntry.objects.filter(pk=entry.pk).exists() and case_key_exists(abuse_key_name(entry.code))
