"""The one list of personal data agrees with the models and the pathway specs, so a new
personal field cannot be added in plaintext unnoticed."""

from __future__ import annotations

from django.apps import apps

from aigaq.cases.pathway import SPECS
from aigaq.cases.personal import PERSONAL_FIELDS
from aigaq.keys.sealed import SealedTextField

# Pathway text fields that are deliberately kept in plaintext: they name public institutions
# (a police unit, a court), never a person, and statistics group by them.
CODED_TEXT_FIELDS = {"unit", "court"}


def test_personal_fields_exactly_equal_the_sealed_fields_of_the_models() -> None:
    sealed: dict[str, set[str]] = {}
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields() if isinstance(f, SealedTextField)}
        if names:
            sealed[model.__name__] = names
    assert sealed == {model: set(fields) for model, fields in PERSONAL_FIELDS.items()}


def test_every_pathway_text_field_is_personal_or_a_documented_coded_field() -> None:
    for spec in SPECS.values():
        for field in spec.fields:
            if field.kind in ("text", "longtext"):
                assert field.personal or field.name in CODED_TEXT_FIELDS, f"{spec.type}.{field.name}"
