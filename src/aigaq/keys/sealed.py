"""Model fields whose values are stored encrypted under their case's data key.

A sealed field keeps plaintext only in memory. In the database it holds the output of
`aigaq.lib.crypto.seal_text` with associated data "<table>:<row code>:<field>", so a value
copied to another row or column fails to decrypt. Values are decrypted lazily on first access,
so listing rows does not decrypt what a page never shows.

Every model with sealed fields has a random `code` and a `data_key()` method that returns its
case's data key (a staff account, which belongs to no case, returns a key-file subkey instead:
`aigaq.accounts.models.User`). The fields marked here are exactly the personal data listed in
`aigaq.cases.personal`.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from aigaq.lib import crypto


class Sealed(str):
    """A ciphertext token as read from the database, not yet decrypted."""


class _SealedDescriptor:
    def __init__(self, field: SealedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if self.field.attname not in instance.__dict__:
            # A deferred field (queryset.only/defer): load it, as Django's DeferredAttribute does.
            instance.refresh_from_db(fields=[self.field.attname])
        value = instance.__dict__.get(self.field.attname, "")
        if isinstance(value, Sealed):
            value = crypto.open_text(instance.data_key(), str(value), aad=self.field.aad(instance))  # type: ignore[attr-defined]
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = "" if value is None else value


class SealedTextField(models.TextField):
    personal = True

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, _SealedDescriptor(self))

    def aad(self, instance: models.Model) -> str:
        return f"{instance._meta.db_table}:{instance.code}:{self.attname}"  # type: ignore[attr-defined]

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        plaintext = getattr(model_instance, self.attname)
        if not plaintext:
            # Emptiness is not hidden: an empty optional field stores "" (accepted, documented).
            return ""
        return crypto.seal_text(
            model_instance.data_key(),  # type: ignore[attr-defined]
            str(plaintext),
            aad=self.aad(model_instance),
        )

    def value_from_object(self, obj: models.Model) -> Any:
        return getattr(obj, self.attname)
