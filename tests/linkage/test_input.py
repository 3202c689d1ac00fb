"""parse_mentions accepts the documented JSON lines and names the line and reason of bad ones."""

from __future__ import annotations

import pytest

from aigaq.linkage import InputError, parse_mentions

GOOD = '{"id": "c17-s1", "full_name": "Жәнібек Сейітов", "phones": ["8 (701) 555-12-34"], "age_at_incident": 34, "incident_date": "2022-05-01", "city": "Орал"}'  # noqa: E501


def test_the_issue_example_line_parses() -> None:
    mentions, unknown = parse_mentions([GOOD])
    assert unknown == set()
    m = mentions[0]
    assert (m.id, m.full_name, m.phones, m.age_at_incident, m.city) == (
        "c17-s1",
        "Жәнібек Сейітов",
        ["8 (701) 555-12-34"],
        34,
        "Орал",
    )


def test_empty_input_and_blank_lines_give_no_mentions() -> None:
    assert parse_mentions([]) == ([], set())
    assert parse_mentions(["", "   \n"]) == ([], set())


def test_unknown_fields_are_collected_once() -> None:
    lines = ['{"id": "a", "colour": "red", "shoe": 42}', '{"id": "b", "colour": "blue"}']
    mentions, unknown = parse_mentions(lines)
    assert [m.id for m in mentions] == ["a", "b"] and unknown == {"colour", "shoe"}


@pytest.mark.parametrize(
    ("lines", "line_no", "reason"),
    [
        (['{"id": "a"}', "{not json"], 2, "not JSON"),
        (['["a"]'], 1, "not a JSON object"),
        (['{"full_name": "x"}'], 1, "no id"),
        (['{"id": 17}'], 1, "id must be a non-empty string"),
        (['{"id": "a"}', "", '{"id": "a"}'], 3, "repeated id 'a'"),
        (['{"id": "a", "birth_date": "12.04.1985"}'], 1, "malformed date in birth_date"),
        (['{"id": "a", "birth_date": "1985-13"}'], 1, "malformed date in birth_date"),
        (['{"id": "a", "birth_date": "1985-02-30"}'], 1, "malformed date in birth_date"),
        (['{"id": "a", "incident_date": "2022"}'], 1, "malformed date in incident_date"),
        (['{"id": "a", "age_at_incident": "35"}'], 1, "age_at_incident must be an integer"),
        (['{"id": "a", "phones": [{"n": 1}]}'], 1, "phones must be a list of strings"),
        (['{"id": "a", "city": 5}'], 1, "city must be a string"),
    ],
)
def test_bad_lines_raise_input_error_naming_line_and_reason(lines: list[str], line_no: int, reason: str) -> None:
    with pytest.raises(InputError) as err:
        parse_mentions(lines)
    assert err.value.line_no == line_no
    assert reason in err.value.reason
    assert str(err.value).startswith(f"line {line_no}: ")


def test_partial_birth_dates_and_a_single_string_for_a_list_are_accepted() -> None:
    mentions, _ = parse_mentions(
        ['{"id": "a", "birth_date": "1985"}', '{"id": "b", "birth_date": "1985-04", "phones": "87015551234"}']
    )
    assert mentions[0].birth_date == "1985" and mentions[1].phones == ["87015551234"]
