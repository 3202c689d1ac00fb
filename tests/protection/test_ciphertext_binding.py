"""A ciphertext moved to another row fails to decrypt, instead of showing the wrong person."""

from __future__ import annotations

import pytest
from django.db import connection

from aigaq.accounts.models import User
from aigaq.cases.models import Suspect
from aigaq.lib.crypto import DecryptionError

from .helpers import secret_case


def test_a_ciphertext_moved_to_another_row_fails_to_decrypt(alice: User) -> None:
    case = secret_case(alice)
    other_case = secret_case(alice)
    source = Suspect.objects.get(case=case)
    same_case = Suspect.objects.create(case=case, full_name="Другой")
    target_other = Suspect.objects.get(case=other_case)
    table = connection.ops.quote_name(Suspect._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phones FROM {table} WHERE id = %s", [source.pk])  # noqa: S608
        sealed = cursor.fetchone()[0]
        for target in (same_case, target_other):
            cursor.execute(f"UPDATE {table} SET phones = %s WHERE id = %s", [sealed, target.pk])  # noqa: S608
    for target in (same_case, target_other):
        with pytest.raises(DecryptionError):
            Suspect.objects.get(pk=target.pk).phones  # noqa: B018


def test_a_ciphertext_moved_to_another_field_fails_to_decrypt(alice: User) -> None:
    case = secret_case(alice)
    suspect = Suspect.objects.get(case=case)
    table = connection.ops.quote_name(Suspect._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET full_name = phones WHERE id = %s", [suspect.pk])  # noqa: S608
    with pytest.raises(DecryptionError):
        Suspect.objects.get(pk=suspect.pk).full_name  # noqa: B018
