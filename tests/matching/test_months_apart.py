"""How far apart two incidents are, in the evidence of a match: whole months rounded to the nearest,
the same in either order (a six-month gap once read "5 ай")."""

from __future__ import annotations

import datetime as dt

import pytest

from aigaq.matching.evidence import months_apart

D = dt.date


@pytest.mark.parametrize(("a", "b", "months"), [
    (D(2024, 1, 22), D(2024, 7, 20), 6),  # five months and 28 days: six, not five
    (D(2025, 5, 4), D(2025, 11, 8), 6),  # the story's Astana and Oral cases
    (D(2023, 1, 15), D(2024, 1, 15), 12),
    (D(2024, 1, 1), D(2024, 1, 10), 0),
    (D(2024, 1, 1), D(2024, 1, 20), 1),
    (D(2024, 1, 31), D(2024, 2, 29), 1),
    (D(2024, 3, 31), D(2024, 9, 14), 5),  # five months and 14 days
])
def test_a_gap_is_rounded_to_the_nearest_month(a: dt.date, b: dt.date, months: int) -> None:
    assert months_apart(a, b) == months


def test_the_gap_is_the_same_in_either_order() -> None:
    assert months_apart(D(2025, 11, 8), D(2025, 5, 4)) == months_apart(D(2025, 5, 4), D(2025, 11, 8)) == 6
    assert months_apart(D(2024, 7, 20), D(2024, 1, 22)) == 6
