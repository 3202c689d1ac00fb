"""Bidirectional overrides, zero-width and control characters are refused at input with a clear
message in her language, and shown as visible markers everywhere (pages, exports, the PDF report)
for text that holds them anyway."""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django import forms
from django.http import HttpRequest, HttpResponse
from django.test import Client

import aigaq
from aigaq.accounts.models import Organisation, User
from aigaq.cases import services
from aigaq.cases.models import Suspect
from aigaq.formats.text import GuardedForm
from aigaq.lib.text import neutralise, unsafe_characters
from aigaq.middleware import InvisibleCharactersMiddleware

from ..conftest import SUSPECT, case_data

RLO = "\u202e"
SAFE = [
    "Жәнібек Сейітов",
    "Арулым Бекова: ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І",
    "Моско́вский проспе́кт, д. 5",  # Russian stress marks (combining acute)
    "ZHANIBEK SEITOV, +7 701 555 12 34, @zhanibek_s, 123 ABC 02",
    "Он написал: «Ты никуда не денешься» 😡👩\u200d👧 ❤️\u200d🔥",
    "line one\r\nline two\tafter a tab",
]
UNSAFE = ["\u202a", "\u202b", "\u202c", "\u202d", RLO, "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
          "\u061c", "\u200b", "\u200c", "\u2060", "\ufeff", "\u00ad", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b",
          "\u2028", "\u2029", "\U000e0041"]


@pytest.mark.parametrize("text", SAFE)
def test_kazakh_russian_and_english_text_with_accents_and_emoji_passes(text: str) -> None:
    assert unsafe_characters(text) == []
    assert neutralise(text) == text


@pytest.mark.parametrize("char", UNSAFE, ids=lambda c: f"U+{ord(c):04X}")
def test_overrides_isolates_zero_width_and_control_characters_are_found_and_neutralised(char: str) -> None:
    text = f"Жәні{char}бек"
    assert [(u.position, u.char) for u in unsafe_characters(text)] == [(5, char)]
    assert neutralise(text) == f"Жәні[U+{ord(char):04X}]бек"


def test_a_zero_width_joiner_inside_a_word_is_refused() -> None:
    assert [u.code for u in unsafe_characters("Сей\u200dітов")] == ["U+200D"]
    assert [u.code for u in unsafe_characters("\u200dабв")] == ["U+200D"]


@pytest.mark.parametrize("lang,expected", [
    ("en", "invisible character that can disguise what is written (U+202E RIGHT-TO-LEFT OVERRIDE, character 9)"),
    ("kk", "U+202E RIGHT-TO-LEFT OVERRIDE, 9-таңба"),
    ("ru", "U+202E RIGHT-TO-LEFT OVERRIDE, символ 9"),
])
def test_a_suspect_name_with_a_right_to_left_override_is_refused_in_her_language_and_the_form_kept(
    alice: User, login: Callable[[User], Client], lang: str, expected: str
) -> None:
    case = services.case_create(actor=alice, **case_data())
    client = login(alice)
    client.post("/lang/", {"language": lang, "next": "/"})
    response = client.post(f"/cases/{case.code}/suspects/", {
        "suspect-full_name": f"Жәнібек {RLO}вотійеС", "suspect-sex": "male", "suspect-relation": "stranger",
    })
    body = response.content.decode()
    assert response.status_code == 400
    assert expected in body
    assert "Жәнібек [U+202E]вотійеС" in body  # what she typed is kept, the override made visible
    assert RLO not in body
    assert case.suspects.count() == 1


def test_every_form_where_a_person_types_text_refuses_invisible_characters() -> None:
    for module in pkgutil.walk_packages(aigaq.__path__, "aigaq."):
        if module.name.endswith(".forms") or module.name.endswith(".filters"):
            importlib.import_module(module.name)

    def subclasses(cls: type) -> list[type]:
        return [s for sub in cls.__subclasses__() for s in (sub, *subclasses(sub))]

    ours = [c for c in subclasses(forms.Form) if c.__module__.startswith("aigaq.") and c is not GuardedForm]
    unguarded = [c for c in ours if not issubclass(c, GuardedForm)]
    assert len(ours) > 15 and unguarded == []
    assert {c.__name__ for c in ours} >= {"LoginForm", "PasswordChangeForm", "MemberCreateForm", "JoinForm"}


def _guarded_forms() -> list[type[GuardedForm]]:
    def subclasses(cls: type) -> list[type]:
        return [s for sub in cls.__subclasses__() for s in (sub, *subclasses(sub))]

    return [c for c in subclasses(GuardedForm) if c.__module__.startswith("aigaq.")]


def test_only_password_fields_are_taken_exactly_as_typed() -> None:
    exempt = [(c, name) for c in _guarded_forms() for name in c.unguarded_fields]
    assert exempt, "the password fields of the accounts forms are exempt"
    for form, name in exempt:
        assert isinstance(form.base_fields[name].widget, forms.PasswordInput), f"{form.__name__}.{name}"


@pytest.mark.parametrize("char", [RLO, "\u200b", "\x1b"], ids=lambda c: f"U+{ord(c):04X}")
def test_staff_account_forms_refuse_invisible_characters_but_passwords_keep_any(
    char: str, alice: User, cora: User
) -> None:
    from aigaq.accounts.forms import JoinForm, LoginForm, MemberCreateForm, PasswordChangeForm, TotpSetupForm

    login = LoginForm({"username": f"ali{char}ce", "password": f"pass{char}word"})
    assert not login.is_valid() and list(login.errors) == ["username"]
    member = MemberCreateForm({"username": f"new{char}member", "role": "caseworker"})
    assert not member.is_valid() and "username" in member.errors
    device = TotpSetupForm({"name": f"Phone{char}", "code": "123456"})
    assert not device.is_valid() and list(device.errors) == ["name"]

    password = f"a long passphrase {char} with any character"
    alice.set_password("correct horse battery staple")
    change = PasswordChangeForm(alice, {"old_password": "correct horse battery staple",
                                        "new_password1": password, "new_password2": password})
    assert change.is_valid(), change.errors
    join = JoinForm({"username": "newmember", "password1": password, "password2": password})
    assert join.is_valid(), join.errors


def test_a_form_cannot_exempt_a_field_it_does_not_have() -> None:
    class Typo(GuardedForm):
        unguarded_fields = frozenset(("pasword",))
        password = forms.CharField(widget=forms.PasswordInput)

    with pytest.raises(ValueError, match="pasword"):
        Typo()


def test_text_saved_before_the_check_shows_markers_on_the_case_page(
    alice: User, login: Callable[[User], Client]
) -> None:
    case = services.case_create(actor=alice, **case_data(
        suspects=[dataclasses.replace(SUSPECT, full_name=f"Жәнібек {RLO}вотійеС", description="a\u200bb")]))
    assert Suspect.objects.get(case=case).full_name == f"Жәнібек {RLO}вотійеС"
    body = login(alice).get(f"/cases/{case.code}/").content.decode()
    assert "Жәнібек [U+202E]вотійеС" in body and "a[U+200B]b" in body
    assert not unsafe_characters(body)


@pytest.fixture
def overridden_org(org: Organisation) -> Organisation:
    org.name = f"Crisis centre {RLO}ytamlA"
    org.save()
    return org


def test_exports_show_markers_instead_of_invisible_characters(
    overridden_org: Organisation, ann: User, login: Callable[[User], Client]
) -> None:
    from aigaq.accounts.decorators import STEP_UP_KEY

    client = login(ann)
    session = client.session
    session[STEP_UP_KEY] = __import__("time").time()
    session.save()
    response = client.get("/insights/export.json")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert json.loads(text)["filter"]["organisations"] == "Crisis centre [U+202E]ytamlA"
    assert RLO not in text


def test_the_pdf_report_shows_markers_instead_of_invisible_characters(
    overridden_org: Organisation, tmp_path: Path
) -> None:
    from aigaq.insights.filters import Filter
    from aigaq.insights.report import render_report

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_report(Filter(organisations=(overridden_org,)), lang="en"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "[U+202E]" in text and RLO not in text


def _respond(response: HttpResponse) -> HttpResponse:
    return InvisibleCharactersMiddleware(lambda request: response)(HttpRequest())


def test_a_download_leaves_exactly_as_it_was_stored() -> None:
    original = f"her message: {RLO}evol\n".encode()
    download = HttpResponse(original, content_type="text/plain; charset=utf-8")
    download["Content-Disposition"] = 'attachment; filename="aigaq-x.txt"'
    assert _respond(download).content == original
    page = HttpResponse(f"<p>{RLO}</p>", content_type="text/html; charset=utf-8")
    page["Content-Length"] = "99"
    shown = _respond(page)
    assert shown.content == b"<p>[U+202E]</p>" and shown["Content-Length"] == str(len(shown.content))


def test_no_template_or_translation_holds_an_invisible_character_of_its_own() -> None:
    root = Path(aigaq.__file__).parent
    found = [
        (str(path.relative_to(root)), [u.code for u in unsafe_characters(path.read_text(encoding="utf-8"))])
        for pattern in ("**/templates/**/*.html", "**/locale/*/LC_MESSAGES/*.po")
        for path in root.glob(pattern)
    ]
    assert [f for f in found if f[1]] == []
