"""The one check every text a person types goes through: no invisible or reordering characters
(`aigaq.lib.text`), refused with a message that says which and where, in her language."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext_lazy

from aigaq.lib.text import unsafe_characters


def no_invisible_characters(value: Any) -> None:
    """A field validator: refuses text holding bidirectional overrides, zero-width or control
    characters, naming the first one and where it is."""
    if not isinstance(value, str):
        return
    found = unsafe_characters(value)
    if not found:
        return
    first = found[0]
    raise ValidationError(
        ngettext_lazy(
            "This text holds an invisible character that can disguise what is written (%(code)s %(name)s, "
            "character %(position)s). Delete it and type that part again; it often comes along when text is "
            "copied from a messenger or a document.",
            "This text holds %(count)s invisible characters that can disguise what is written (the first: "
            "%(code)s %(name)s, character %(position)s). Delete them and type that part again; they often come "
            "along when text is copied from a messenger or a document.",
            "count",
        ),
        code="invisible_character",
        params={"count": len(found), "code": first.code, "name": first.name, "position": first.position},
    )


class GuardedForm(forms.Form):
    """A form whose every text field refuses invisible characters (`no_invisible_characters`),
    whatever fields it declares or builds. Every form where a person types text derives from it.

    `unguarded_fields` names the fields taken exactly as typed: only passwords, which may hold any
    character (a password is never shown, so nothing in it can disguise what a page says, and
    refusing characters would lock out whoever chose them)."""

    unguarded_fields: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self, exempt=self.unguarded_fields)


def guard_text_fields(form: forms.BaseForm, *, exempt: frozenset[str] = frozenset()) -> None:
    """Adds the check to each text field of this form instance (fields are copied per instance),
    except the fields named in `exempt`."""
    unknown = exempt - form.fields.keys()
    if unknown:
        raise ValueError(f"{type(form).__name__} exempts fields it does not have: {sorted(unknown)}")
    for name, field in form.fields.items():
        if name in exempt:
            continue
        if isinstance(field, forms.CharField) and no_invisible_characters not in field.validators:
            field.validators.append(no_invisible_characters)
