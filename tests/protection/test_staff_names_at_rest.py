"""Staff first and last names are nowhere in the database in clear: not in the accounts table,
not on SQLite's free pages, not in its WAL. A seized copy of the data folder must not name every
activist who works on the cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from aigaq.accounts.models import User
from aigaq.lib.crypto import DecryptionError

from .helpers import database_files_after, sqlite_file_bytes

# Distinctive enough that finding them anywhere means a leak, not a coincidence.
NAMES = {"aigerim": ("Айгерім-Qw8", "Сейітқызы-Zr4"), "dana": ("Dana-Kx5", "Nurlanova-Pm2")}

_USERS = f"""
from aigaq.accounts import services
from aigaq.accounts.models import Membership, Organisation, Role, User
from aigaq.demo import load as demo

org = Organisation.objects.create(name="Crisis centre", default_language="en")
for username, (first, last) in {NAMES!r}.items():
    user = User.objects.create_user(username, password="correct horse battery staple",
                                    first_name=first, last_name=last)
    Membership.objects.create(user=user, organisation=org, role=Role.CASEWORKER)
# A name corrected later: neither the first spelling nor the second may stay in clear.
user = User.objects.get(username="dana")
user.first_name = "Dana-Kx5"
user.save()
for username, (first, last) in {NAMES!r}.items():
    assert User.objects.get(username=username).get_full_name() == f"{{first}} {{last}}"
demo.demo_create(count=1)
"""


def _names_in(blob: bytes) -> list[str]:
    from aigaq.demo.corpus import STAFF

    names = [n for pair in NAMES.values() for n in pair]
    names += [n for s in STAFF for n in (s.first_name, s.last_name) if len(n) > 3]
    return [n for n in names if n.encode("utf-8") in blob]


def test_staff_names_absent_from_the_database_file_and_its_wal(tmp_path: Path) -> None:
    files = database_files_after(_USERS, tmp_path)
    assert {name: _names_in(blob) for name, blob in files.items()} == {name: [] for name in files}


@pytest.mark.django_db(transaction=True)
def test_staff_names_absent_from_every_stored_value(alice: User) -> None:
    alice.first_name, alice.last_name = "Әлия-Qq1", "Бекова-Ww2"
    alice.save()
    stored = User.objects.filter(pk=alice.pk).values_list("first_name", "last_name").get()
    assert "Әлия-Qq1" not in repr(stored) and "Бекова-Ww2" not in repr(stored)
    assert User.objects.get(pk=alice.pk).get_full_name() == "Әлия-Qq1 Бекова-Ww2"
    assert b"Qq1" not in sqlite_file_bytes()


def test_a_sealed_name_moved_to_another_account_does_not_open(alice: User, bob: User) -> None:
    alice.first_name = "Әлия"
    alice.save()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET first_name = (SELECT first_name FROM accounts_user "
                       "WHERE id = %s) WHERE id = %s", [alice.pk, bob.pk])
    with pytest.raises(DecryptionError):
        User.objects.get(pk=bob.pk).first_name  # noqa: B018 - opening it is the test
