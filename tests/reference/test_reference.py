"""The reference code lists: complete labels, sources, unique codes and the lookups others rely on."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import aigaq.reference as ref
from aigaq.reference import Entry

LISTS: dict[str, Callable[[], Sequence[Entry]]] = {
    name: getattr(ref, name)
    for name in (
        "regions", "cities", "articles", "gbv_types", "event_types", "refusal_reasons",
        "defence_arguments", "sentence_types", "place_types", "referral_types", "referral_statuses",
        "termination_grounds", "relations", "cost_kinds", "payers", "complaint_targets",
        "complaint_outcomes", "verdict_outcomes", "appeal_outcomes", "admin_decision_outcomes", "sexes",
        "offices",
    )
}  # fmt: skip

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.parametrize("name", LISTS)
def test_every_entry_has_three_labels_a_source_and_an_ascii_code(name: str) -> None:
    entries = LISTS[name]()
    assert entries, name
    for e in entries:
        assert e.code.isascii() and e.code.strip() == e.code and e.code, e
        for lang in ("kk", "ru", "en"):
            assert e.labels.get(lang, "").strip(), (name, e.code, lang)
        assert e.source.strip(), (name, e.code)
        assert isinstance(e.verified, bool)


@pytest.mark.parametrize("name", LISTS)
def test_codes_are_unique_within_each_list(name: str) -> None:
    codes = [e.code for e in LISTS[name]()]
    assert len(codes) == len(set(codes))


def test_label_falls_back_to_english_and_accepts_language_tags() -> None:
    rape = ref.gbv_type("rape")
    assert rape is not None
    assert rape.label("kk") == "Зорлау"
    assert rape.label("ru-ru") == "Изнасилование"
    assert rape.label("de") == "Rape"


def test_choices_keep_the_list_order_in_the_requested_language() -> None:
    assert ref.choices(ref.sexes(), "ru") == [
        ("male", "Мужской"),
        ("female", "Женский"),
        ("unknown", "Неизвестно"),
    ]


# ISO 3166-2:KZ numeric code -> car-plate code, from the research table (domain-kz §3).
REGION_TABLE = {
    "10": "18", "11": "03", "15": "04", "19": "05", "23": "06", "27": "07", "31": "08", "33": "19",
    "35": "09", "39": "10", "43": "11", "47": "12", "55": "14", "59": "15", "61": "13", "62": "20",
    "63": "16", "71": "01", "75": "02", "79": "17",
}  # fmt: skip


def test_there_are_exactly_twenty_regions_with_their_iso_and_plate_codes() -> None:
    regions = ref.regions()
    assert len(regions) == 20
    assert {r.iso_numeric: r.plate_codes[0] for r in regions} == REGION_TABLE
    for r in regions:
        assert r.code == f"KZ-{r.iso_numeric}"
        assert ref.region(r.code) is r
        assert ref.region(r.iso_numeric) is r


def test_region_centres_are_cities_of_that_region_and_city_regions_have_none() -> None:
    for r in ref.regions():
        if r.iso_numeric in {"71", "75", "79"}:
            assert r.centre is None
            continue
        assert r.centre is not None
        centre = ref.city(r.centre)
        assert centre is not None and centre.region == r.code, r.code
    assert all(ref.region(c.region) is not None for c in ref.cities())
    assert {c.population_class for c in ref.cities()} <= {"city", "town", "village"}


@pytest.mark.parametrize(
    ("code", "kazakh"),
    [("KZ-35", "Қарағанды облысы"), ("KZ-47", "Маңғыстау облысы"), ("KZ-59", "Солтүстік Қазақстан облысы"),
     ("KZ-61", "Түркістан облысы"), ("KZ-62", "Ұлытау облысы"), ("KZ-63", "Шығыс Қазақстан облысы")],
)  # fmt: skip
def test_kazakh_region_names_use_kazakh_letters(code: str, kazakh: str) -> None:
    r = ref.region(code)
    assert r is not None and r.label("kk") == kazakh
    assert KAZAKH_LETTERS & set(kazakh)


def test_kazakh_labels_with_kazakh_sounds_are_not_written_in_russian_letters() -> None:
    # Spot checks where a Russian-letter spelling would be a telltale mistake.
    for code, label in [("oskemen", "Өскемен"), ("taldykorgan", "Талдықорған"), ("aktobe", "Ақтөбе")]:
        c = ref.city(code)
        assert c is not None and c.label("kk") == label


@pytest.mark.parametrize(
    ("name", "code"),
    [("Уральск", "oral"), ("Орал", "oral"), ("ORAL", "oral"), ("Oral", "oral"), ("Orál", "oral"),
     ("уральск", "oral"), ("Oral qalasy", "oral"), ("г. Уральск", "oral"), ("Орал қаласы", "oral"),
     ("Nur-Sultan", "astana"), ("Акмола", "astana"), ("Целиноград", "astana"), ("Akmolinsk", "astana"),
     ("Alma-Ata", "almaty"), ("город Алматы", "almaty"), ("Almaty city", "almaty"),
     ("Усть-Каменогорск", "oskemen"), ("Öskemen", "oskemen"), ("Ust-Kamenogorsk", "oskemen"),
     ("Семипалатинск", "semey"), ("Капшагай", "konaev"), ("Шевченко", "aktau"),
     ("Петропавловск", "petropavl"),
     ("Түркістан", "turkistan"), ("Чимкент", "shymkent"), ("Аулие-Ата", "taraz"), ("Джамбул", "taraz"),
     ("Ак-Мечеть", "kyzylorda"), ("Қызылорда", "kyzylorda"), ("Жезқазған", "zhezkazgan"),
     ("Талдыкорган", "taldykorgan"), ("Кокчетав", "kokshetau"), ("Актюбинск", "aktobe"),
     ("Aqtöbe", "aktobe")],
)  # fmt: skip
def test_find_city_resolves_old_names_and_any_script(name: str, code: str) -> None:
    found = ref.find_city(name)
    assert found is not None and found.code == code, name


@pytest.mark.parametrize("name", ["", "  ", "г.", "Xyzzyville", "Москва", "12345"])
def test_find_city_returns_none_for_unknown_names(name: str) -> None:
    assert ref.find_city(name) is None


def test_find_city_is_fast_enough_for_bulk_imports() -> None:
    names = ["Уральск", "Oral qalasy", "Nur-Sultan", "Öskemen", "nowhere"] * 1000
    started = time.perf_counter()
    for name in names:
        ref.find_city(name)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("name", "code"),
    [("Қарағанды облысы", "KZ-35"), ("Карагандинская обл.", "KZ-35"), ("Karaganda Region", "KZ-35"),
     ("область Абай", "KZ-10"), ("Абай облысы", "KZ-10"), ("ЗКО", "KZ-27"),
     ("South Kazakhstan Region", "KZ-61"), ("Алматы", "KZ-75"), ("г. Алматы", "KZ-75"),
     ("Алматы облысы", "KZ-19"), ("Алматинская область", "KZ-19"), ("KZ-62", "KZ-62"), ("62", "KZ-62")],
)  # fmt: skip
def test_find_region_tells_a_city_region_from_the_region_around_it(name: str, code: str) -> None:
    found = ref.find_region(name)
    assert found is not None and found.code == code, name
    assert ref.find_region("Нигде") is None


def test_no_two_settlements_share_a_name() -> None:
    seen: dict[str, str] = {}
    for c in ref.cities():
        for name in (*c.labels.values(), *c.alt_names):
            key = ref.name_key(name)
            assert seen.setdefault(key, c.code) == c.code, (name, seen[key], c.code)


@pytest.mark.parametrize(
    ("text", "code"),
    [("120", "CC-120"), ("ст. 120", "CC-120"), ("УК 120", "CC-120"), ("CC 120", "CC-120"),
     ("CC-120", "CC-120"), ("ст. 120 УК РК", "CC-120"), ("КоАП 434", "CAO-434"), ("434 КоАП", "CAO-434"),
     ("cao-434", "CAO-434"),
     ("ст. 121-1 УК", "CC-121-1"), ("121-1", "CC-121-1"), ("108-1", "CC-108-1"), ("ҚК 120-бап", "CC-120"),
     ("ч. 2 ст. 120 УК", "CC-120"), ("ч.1 ст.73-1 КоАП", "CAO-73-1")],
)  # fmt: skip
def test_articles_are_found_however_they_are_written(text: str, code: str) -> None:
    found = ref.parse_article(text)
    assert found is not None and found.code == code
    assert ref.article(text) is found


@pytest.mark.parametrize("text", ["", "ст.", "999", "КоАП 120", "hooliganism"])
def test_unknown_articles_are_none(text: str) -> None:
    assert ref.parse_article(text) is None


def test_sexual_offences_are_flagged_and_hooliganism_is_not() -> None:
    for number in ("120", "121", "121-1", "122", "123", "124"):
        a = ref.article(f"CC-{number}")
        assert a is not None and a.sexual, number
    for code in ("CC-293", "CAO-434"):
        a = ref.article(code)
        assert a is not None and not a.sexual


def test_articles_carry_severity_law_version_and_kind() -> None:
    for a in ref.articles():
        assert a.severity in ref.SEVERITIES
        assert a.law_version
        assert a.code == f"{a.code_kind}-{a.number}"
        assert (a.severity == "administrative") == (a.code_kind == "CAO")
    rape = ref.article("CC-120")
    assert rape is not None and rape.severity == "grave" and rape.valid_from == "2020-01-01"
    assert "292-VI" in rape.law_version
    hooliganism, petty = ref.article("CC-293"), ref.article("CAO-434")
    assert hooliganism is not None and petty is not None
    rank = ref.SEVERITIES.index
    assert rank(rape.severity) > rank(hooliganism.severity) > rank(petty.severity)


def test_gbv_types_follow_the_gbvims_order_of_elimination_with_a_question_each() -> None:
    codes = [t.code for t in ref.gbv_types()]
    assert codes == ["rape", "sexual_assault", "physical_assault", "forced_marriage", "denial_of_resources",
                     "psychological_abuse", "non_gbv"]  # fmt: skip
    for t in ref.gbv_types():
        assert all(t.question_label(lang).strip() for lang in ("kk", "ru", "en"))


def test_event_types_are_in_pathway_order() -> None:
    assert [e.code for e in ref.event_types()] == [
        "incident", "disclosure", "police_contacted", "police_arrived", "report_refused", "report_registered",
        "complaint_filed", "forensic_exam", "requalified", "investigation_terminated", "sent_to_court",
        "hearing", "verdict", "sentence", "appeal", "administrative_decision", "protective_order",
    ]  # fmt: skip
    assert all(e.description.get(lang) for e in ref.event_types() for lang in ("kk", "ru", "en"))
    assert ref.event_type("hearing") is not None and ref.event_type("nonsense") is None


def test_custodial_sentences_are_the_ones_that_take_liberty() -> None:
    custodial = {s.code for s in ref.sentence_types() if s.custodial}
    assert custodial == {"arrest", "imprisonment", "life_imprisonment"}


def test_the_article_s_defence_arguments_cite_it() -> None:
    by_code = {d.code: d for d in ref.defence_arguments()}
    for code in ("looked_provocative", "natural_urges", "mistaken_mutual_attraction", "entertained_by_glance",
                 "victim_mentally_unstable", "removing_stain", "married_family_man"):  # fmt: skip
        assert "Coming in from the Soviet Cold" in by_code[code].source
        assert by_code[code].verified


def test_the_package_never_imports_django() -> None:
    code = (
        "import sys, aigaq.reference as r\n"
        "r.regions(); r.cities(); r.find_city('Oral'); r.articles(); r.parse_article('120'); r.gbv_types()\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(SRC)}, timeout=30)
