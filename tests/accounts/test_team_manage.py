"""Managing the team: inviting a member by a one-time link, changing a role, deactivating and
reactivating her, and resetting a lost second factor. The organisation always keeps a coordinator."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from aigaq.accounts import services
from aigaq.accounts.models import Invitation, Membership, TotpDevice, User, UserSession
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from tests.conftest import make_user

from .helpers import sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a river of quiet lanterns"


def invitation_link(cora: User, role: str = "caseworker") -> str:
    client, _ = sign_in("cora")
    response = client.post("/accounts/team/invite/", {"role": role})
    assert response.status_code == 200
    match = re.search(r"https?://[^/]+(/accounts/join/[^/<\s]+/)", response.content.decode())
    assert match, "the invitation page shows no link"
    return match.group(1)


def join(link: str, username: str = "dina", password: str = NEW_PASSWORD) -> Client:
    client = Client()
    client.post(link, {"username": username, "password1": password, "password2": password})
    return client


def test_an_invited_member_joins_with_the_role_she_was_invited_to(cora: User) -> None:
    link = invitation_link(cora, "lawyer")
    assert Client().get(link).status_code == 200
    join(link)
    dina = User.objects.get(username="dina")
    assert dina.membership.role == "lawyer"
    assert dina.membership.organisation == cora.membership.organisation
    assert dina.check_password(NEW_PASSWORD) and not dina.must_change_password
    assert AuditEntry.objects.filter(action=Action.INVITATION_ISSUED).exists()
    assert AuditEntry.objects.filter(action=Action.USER_CREATED, object_code=dina.code).exists()


def test_an_invitation_link_works_once(cora: User) -> None:
    link = invitation_link(cora)
    join(link, "dina")
    assert Client().get(link).status_code == 404
    join(link, "eve")
    assert not User.objects.filter(username="eve").exists()


def test_an_invitation_link_expires(cora: User) -> None:
    link = invitation_link(cora)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get(link).status_code == 404
    join(link)
    assert not User.objects.filter(username="dina").exists()


def test_only_a_hash_of_the_invitation_link_is_stored(cora: User) -> None:
    link = invitation_link(cora)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and token not in invitation.code


def test_joining_keeps_what_she_typed_when_the_password_is_refused(cora: User) -> None:
    link = invitation_link(cora)
    response = Client().post(link, {"username": "dina", "password1": "short", "password2": "short"})
    assert response.status_code == 400
    assert 'value="dina"' in response.content.decode()
    assert not User.objects.filter(username="dina").exists()


def test_a_coordinator_changes_a_members_role(cora: User, alice: User) -> None:
    client, _ = sign_in("cora")
    assert client.post(f"/accounts/team/{alice.code}/role/", {"role": "lawyer"}).status_code == 302
    assert Membership.objects.get(user=alice).role == "lawyer"
    entry = AuditEntry.objects.get(action=Action.USER_ROLE_CHANGED)
    assert entry.object_code == alice.code and entry.extra == {"from": "caseworker", "to": "lawyer"}


def test_the_last_coordinator_cannot_demote_or_deactivate_herself(cora: User) -> None:
    client, _ = sign_in("cora")
    client.post(f"/accounts/team/{cora.code}/role/", {"role": "caseworker"})
    assert Membership.objects.get(user=cora).role == "coordinator"
    client.post(f"/accounts/team/{cora.code}/deactivate/")
    cora.refresh_from_db()
    assert cora.is_active
    with pytest.raises(services.LastCoordinator):
        services.member_role_change(actor=cora, member=cora, role="lawyer")


def test_a_coordinator_steps_down_once_there_is_another(cora: User, org: object) -> None:
    zara = make_user("zara", cora.membership.organisation, "coordinator")
    services.member_role_change(actor=zara, member=cora, role="caseworker")
    assert Membership.objects.get(user=cora).role == "caseworker"
    with pytest.raises(services.LastCoordinator):
        services.member_deactivate(actor=zara, member=zara)


def test_a_deactivated_member_is_signed_out_at_once_and_cannot_sign_in(cora: User, alice: User,
                                                                      case: Case) -> None:
    hers, _ = sign_in("alice")
    assert hers.get("/cases/").status_code == 200
    TotpDevice.objects.create(user=alice, name="Phone", confirmed=True)
    coordinator, _ = sign_in("cora")
    assert coordinator.post(f"/accounts/team/{alice.code}/deactivate/").status_code == 302
    response = hers.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=alice).exists()
    assert not TotpDevice.objects.filter(user=alice).exists()
    again, _ = sign_in("alice")
    assert again.get("/cases/").status_code == 302  # the sign-in was refused


def test_deactivating_a_member_keeps_her_records_and_audit_entries(cora: User, alice: User, case: Case) -> None:
    entries = AuditEntry.objects.filter(actor=alice).count()
    services.member_deactivate(actor=cora, member=alice)
    assert User.objects.filter(pk=alice.pk).exists()
    assert case.assignments.filter(user=alice).exists()
    assert Case.objects.get(pk=case.pk).created_by == alice
    assert AuditEntry.objects.filter(actor=alice).count() == entries > 0
    assert AuditEntry.objects.filter(action=Action.USER_DEACTIVATED, object_code=alice.code).exists()


def test_a_reactivated_member_signs_in_with_a_temporary_password_and_enrols_again(
    cora: User, alice: User
) -> None:
    services.member_deactivate(actor=cora, member=alice)
    client, _ = sign_in("cora")
    response = client.post(f"/accounts/team/{alice.code}/reactivate/")
    temporary = response.context["password"]
    alice.refresh_from_db()
    assert alice.is_active and alice.must_change_password and alice.must_enrol_second_factor
    hers, _ = sign_in("alice", temporary)
    assert hers.get("/cases/")["Location"].startswith("/accounts/me/password/")
    assert AuditEntry.objects.filter(action=Action.USER_REACTIVATED, object_code=alice.code).exists()


def test_team_changes_need_a_fresh_password(cora: User, alice: User, login: object) -> None:
    client: Client = login(cora)  # type: ignore[operator]
    for action, data in (("role", {"role": "lawyer"}), ("deactivate", {}), ("reactivate", {})):
        response = client.post(f"/accounts/team/{alice.code}/{action}/", data)
        assert b'name="step_up_password"' in response.content
    assert client.post("/accounts/team/invite/", {"role": "lawyer"}).content.count(b'name="step_up_password"')
    alice.refresh_from_db()
    assert alice.is_active and alice.membership.role == "caseworker"
    assert not Invitation.objects.exists()


def test_a_coordinator_never_changes_another_organisations_member(olga: User, alice: User) -> None:
    client, _ = sign_in("olga")
    for action, data in (("role", {"role": "lawyer"}), ("deactivate", {}), ("reactivate", {})):
        assert client.post(f"/accounts/team/{alice.code}/{action}/", data).status_code == 404
    alice.refresh_from_db()
    assert alice.is_active and alice.membership.role == "caseworker"


def test_members_are_named_by_random_codes_never_ids(cora: User, alice: User) -> None:
    client, _ = sign_in("cora")
    body = client.get("/accounts/team/").content.decode()
    assert f"/accounts/team/{alice.code}/deactivate/" in body
    assert client.post(f"/accounts/team/{alice.pk}/deactivate/").status_code == 404


def test_a_reset_second_factor_must_be_set_up_again_at_the_next_sign_in(cora: User, alice: User) -> None:
    TotpDevice.objects.create(user=alice, name="Lost phone", confirmed=True)
    services.user_devices_revoke(actor=cora, user=alice)
    hers, _ = sign_in("alice")  # two-factor sign-in is not required in the tests' settings
    assert hers.get("/cases/")["Location"].startswith("/accounts/two-factor/")


def test_only_coordinators_reach_the_team_changes(alice: User, bob: User) -> None:
    client, _ = sign_in("alice")
    assert client.post(f"/accounts/team/{bob.code}/role/", {"role": "coordinator"}).status_code == 404
    assert client.post("/accounts/team/invite/", {"role": "coordinator"}).status_code == 404

