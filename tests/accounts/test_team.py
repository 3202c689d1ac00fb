"""The team page: coordinators add members (never choosing their password), see 2FA status and
revoke devices; nobody else reaches it, and no coordinator reaches another organisation."""

from __future__ import annotations

import pytest
from django.test import Client

from aigaq.accounts.models import Membership, TotpDevice, User
from aigaq.audit.models import Action, AuditEntry
from tests.conftest import PASSWORD

from .helpers import sign_in

pytestmark = pytest.mark.django_db


def test_only_coordinators_see_the_team_page(alice: User, bob: User, ann: User, cora: User) -> None:
    for user in (alice, bob, ann):
        client, _ = sign_in(user.username)
        assert client.get("/accounts/team/").status_code == 404
    client, _ = sign_in("cora")
    page = client.get("/accounts/team/").content.decode()
    assert "alice" in page and "bob" in page


def test_the_team_page_shows_each_members_name_opened_from_its_seal(alice: User, cora: User) -> None:
    alice.first_name, alice.last_name = "Әлия", "Бекова"
    alice.save()
    client, _ = sign_in("cora")
    page = client.get("/accounts/team/").content.decode()
    assert "alice <span class=\"member-name\">(Әлия Бекова)</span>" in page
    assert "cora <span" not in page  # no name given: only the username


def test_a_coordinator_finds_members_by_username_or_e_mail_address_never_by_name(
    alice: User, bob: User, cora: User, olga: User
) -> None:
    alice.first_name, alice.email = "Әлия", "aliya@example.org"
    alice.save()
    client, _ = sign_in("cora")

    def found(find: str) -> set[str]:
        page = client.post("/accounts/team/", {"find": find})
        assert page.status_code == 200
        return {u for u in ("alice", "bob", "cora", "olga") if f'id="member-{User.objects.get(username=u).code}"'
                in page.content.decode()}

    assert found("BO") == {"bob"}
    assert found("Aliya@Example.org") == {"alice"}
    assert found("aliya@") == set()  # an e-mail address is matched whole
    assert found("olga") == set()  # never another organisation's member
    assert found("Әлия") == set()  # names are sealed: nothing searches them
    assert found("") == {"alice", "bob", "cora"}
    assert "No member has this username" in client.post("/accounts/team/", {"find": "nobody"}).content.decode()
    refused = client.post("/accounts/team/", {"find": "bo\u202eb"})
    assert refused.status_code == 200 and "invisible character" in refused.content.decode()


def test_finding_a_member_never_puts_the_address_typed_into_a_url(alice: User, bob: User, cora: User) -> None:
    client, _ = sign_in("cora")
    page = client.get("/accounts/team/").content.decode()
    assert 'method="post" class="member-find"' in page
    ignored = client.get("/accounts/team/", {"find": "bob"}).content.decode()
    assert f'id="member-{alice.code}"' in ignored  # a "find" in an address is not searched


def test_a_coordinator_never_sees_or_touches_another_organisations_members(alice: User, olga: User) -> None:
    client, _ = sign_in("olga")
    assert "alice" not in client.get("/accounts/team/").content.decode()
    for action in ("sessions/end", "devices/revoke", "password"):
        assert client.post(f"/accounts/team/{alice.code}/{action}/").status_code == 404


def test_a_new_member_gets_a_temporary_password_she_must_replace(cora: User) -> None:
    client, _ = sign_in("cora")
    response = client.post("/accounts/team/new/", {"username": "dina", "role": "lawyer"})
    assert response.status_code == 200
    temporary = response.context["password"]
    assert len(temporary) >= 20
    dina = User.objects.get(username="dina")
    assert dina.membership.role == "lawyer" and dina.membership.organisation == cora.membership.organisation
    assert dina.must_change_password
    assert AuditEntry.objects.filter(action=Action.USER_CREATED, object_code=dina.code).exists()

    first, _ = sign_in("dina", temporary)
    assert first.get("/cases/").headers["Location"].startswith("/accounts/me/password/")
    new = "dina chooses her own passphrase"
    first.post(
        "/accounts/me/password/", {"old_password": temporary, "new_password1": new, "new_password2": new}
    )
    assert first.get("/cases/").status_code == 200


def test_creating_a_member_needs_a_fresh_password(cora: User, login: object) -> None:
    client: Client = login(cora)  # type: ignore[operator]
    response = client.post("/accounts/team/new/", {"username": "dina", "role": "lawyer"})
    assert b'name="step_up_password"' in response.content
    assert not User.objects.filter(username="dina").exists()
    client.post(
        "/accounts/team/new/",
        {"username": "dina", "role": "lawyer", "step_up_method": "POST", "step_up_password": PASSWORD},
    )
    assert Membership.objects.filter(user__username="dina").exists()


def test_revoking_her_devices_ends_her_sessions_and_she_enrols_again(
    alice: User, cora: User, settings: object
) -> None:
    settings.REQUIRE_2FA = True  # type: ignore[attr-defined]
    alices, _ = sign_in("alice")
    TotpDevice.objects.create(user=alice, name="Lost phone", confirmed=True)
    coordinator = Client()
    cora_device = TotpDevice.objects.create(user=cora, name="Phone", confirmed=True)
    sign_in("cora", client=coordinator)
    from .helpers import totp_code

    coordinator.post("/accounts/verify/", {"code": totp_code(cora_device)})
    response = coordinator.post(f"/accounts/team/{alice.code}/devices/revoke/")
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=alice).exists()
    assert alices.get("/cases/").status_code == 302
    again, _ = sign_in("alice")
    assert again.get("/cases/").headers["Location"].startswith("/accounts/two-factor/")
    assert AuditEntry.objects.filter(action=Action.DEVICE_REVOKED, object_code=alice.code).exists()


def test_a_taken_username_is_refused(cora: User, alice: User) -> None:
    client, _ = sign_in("cora")
    response = client.post("/accounts/team/new/", {"username": "Alice", "role": "lawyer"})
    assert response.status_code == 400
    assert 'value="Alice"' in response.content.decode()
    assert "password" not in (response.context or {}) or response.context.get("password") is None
    assert User.objects.filter(username__iexact="alice").count() == 1
