"""Migration 0007 seals the names that earlier versions stored in clear, and keeps them readable."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.accounts.models import User

from .helpers import migrate_accounts

BEFORE = "0006_team_invitations"


def _raw_names() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, last_name FROM accounts_user ORDER BY id")
        return [(str(a), str(b)) for a, b in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_names_stored_in_clear_are_sealed_by_the_migration_and_still_shown() -> None:
    migrate_accounts(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(("accounts", BEFORE)).apps
        OldUser = old.get_model("accounts", "User")
        OldUser.objects.create(username="aigerim", first_name="Айгерім", last_name="Сейітқызы", code="u1")
        OldUser.objects.create(username="dana", first_name="Dana", last_name="", code="u2")
        OldUser.objects.create(username="nameless", code="u3")
    finally:
        migrate_accounts(None)

    raw = _raw_names()
    assert not {"Айгерім", "Сейітқызы", "Dana"} & {name for pair in raw for name in pair}
    assert raw[1][1] == "" and raw[2] == ("", "")  # emptiness is not hidden (as for case fields)
    names = {u.username: (u.first_name, u.last_name) for u in User.objects.all()}
    assert names == {"aigerim": ("Айгерім", "Сейітқызы"), "dana": ("Dana", ""), "nameless": ("", "")}


@pytest.mark.django_db(transaction=True)
def test_reversing_the_migration_gives_the_names_back_to_the_old_columns() -> None:
    User.objects.create_user("aigerim", first_name="Айгерім", last_name="Сейітқызы")
    migrate_accounts(BEFORE)
    try:
        assert _raw_names() == [("Айгерім", "Сейітқызы")]
    finally:
        migrate_accounts(None)
    assert User.objects.get().get_full_name() == "Айгерім Сейітқызы"
