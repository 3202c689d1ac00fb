"""The glossary (reference/data/glossary.json) is kept: no catalogue or reference label uses a wording
the Kazakh review found wrong, and the Django messages members meet first read in Kazakh and Russian."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

SRC = Path(__file__).resolve().parent.parent / "src" / "aigaq"
GLOSSARY = json.loads((SRC / "reference" / "data" / "glossary.json").read_text(encoding="utf-8"))


def _msgstrs(lang: str) -> list[tuple[str, str]]:
    out = []
    for po in SRC.glob(f"**/locale/{lang}/LC_MESSAGES/django.po"):
        for line in po.read_text(encoding="utf-8").splitlines():
            if line.startswith("msgstr"):
                out.append((str(po.relative_to(SRC)), line))
    return out


def _reference_labels(lang: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(name: str, node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == lang and isinstance(value, str):
                    out.append((name, value))
                else:
                    walk(name, value)
        elif isinstance(node, list):
            for item in node:
                walk(name, item)

    for path in (SRC / "reference" / "data").glob("*.json"):
        if path.name != "glossary.json":
            walk(path.name, json.loads(path.read_text(encoding="utf-8")))
    return out


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_catalogue_or_reference_label_uses_a_wording_the_glossary_rules_out(lang: str) -> None:
    avoid = [(w.lower(), t["en"]) for t in GLOSSARY["terms"] for w in t[f"{lang}_avoid"]]
    assert avoid, "the glossary lists wordings to avoid"
    found = [
        f"{where}: {text!r} uses {word!r} (glossary: {term})"
        for where, text in _msgstrs(lang) + _reference_labels(lang)
        for word, term in avoid
        if word in text.lower()
    ]
    assert found == []


def test_every_glossary_term_has_all_three_languages() -> None:
    for term in GLOSSARY["terms"]:
        assert term["en"] and term["kk"] and term["ru"], term


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_password_rules_and_form_errors_are_in_the_members_language(lang: str) -> None:
    with translation.override(lang):
        with pytest.raises(ValidationError) as err:
            validate_password("123")
        messages = err.value.messages
        with pytest.raises(ValidationError) as err2:
            forms.IntegerField().clean("x")
        messages += err2.value.messages
        with pytest.raises(ValidationError) as err3:
            forms.CharField().clean("")
        messages += err3.value.messages
    assert len(messages) >= 5
    for message in messages:
        assert not any("a" <= ch.lower() <= "z" for ch in message), message
    if lang == "kk":
        assert "Бүтін сан енгізіңіз." in messages
