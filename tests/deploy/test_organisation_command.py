"""`aigaq organisation create`: a new installation's first organisation and coordinator, from the
console, with a temporary password she must replace (then she enrols a second factor)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from aigaq.accounts.models import Role, User
from aigaq.audit.models import Action, AuditEntry
from tests.accounts.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_the_first_coordinator_signs_in_with_the_printed_password_and_must_replace_it(capsys: Any) -> None:
    call_command("organisation", "create", "Crisis centre Oral", "--coordinator", "dana", "--language", "ru")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    dana = User.objects.get(username="dana")
    assert dana.membership.role == Role.COORDINATOR
    assert dana.membership.organisation.name == "Crisis centre Oral"
    assert dana.membership.organisation.default_language == "ru"
    assert dana.must_change_password
    client, response = sign_in("dana", password)
    assert response.status_code == 302
    assert client.get("/cases/").headers["Location"].startswith("/accounts/me/password/")


def test_creating_the_first_coordinator_is_audited_without_her_password(capsys: Any) -> None:
    call_command("organisation", "create", "Crisis centre Oral", "--coordinator", "dana")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    entry = AuditEntry.objects.get(action=Action.USER_CREATED)
    assert entry.actor is None and entry.object_code == User.objects.get(username="dana").code
    assert password not in str(entry.extra)


def test_a_taken_username_is_refused_and_nothing_is_created(alice: User) -> None:
    with pytest.raises(CommandError, match="is taken"):
        call_command("organisation", "create", "Another", "--coordinator", "alice")
    assert not User.objects.filter(membership__organisation__name="Another").exists()
