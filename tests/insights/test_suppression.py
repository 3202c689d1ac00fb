"""Small cells: no count from 1 to 4 is shown, and none can be recovered from the totals shown."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from aigaq.lib.suppression import SHOWN, SMALL, THRESHOLD, count_cell, rate_cell, suppress


def with_totals(body: list[list[int]], *, partition: bool) -> list[list[int]]:
    rows = [[*r, sum(r)] for r in body] if partition else [list(r) for r in body]
    return [*rows, [sum(col) for col in zip(*rows, strict=True)]]


def assert_no_suppressed_value_can_be_derived(
    grid: list[list[int]], states: list[list[str]], *, partition: bool
) -> None:
    lines = [[(j, i) for j in range(len(grid))] for i in range(len(grid[0]))]
    if partition:
        lines += [[(i, j) for j in range(len(grid[0]))] for i in range(len(grid))]
    for line in lines:
        *parts, (ti, tj) = line
        if states[ti][tj] != SHOWN:
            continue
        hidden = [(i, j) for i, j in parts if states[i][j] != SHOWN]
        assert len(hidden) != 1, "a single suppressed cell would be total minus the others"
        if hidden:
            assert sum(grid[i][j] for i, j in hidden) >= THRESHOLD


small_tables = st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=5), min_size=1, max_size=5).filter(
    lambda rows: len({len(r) for r in rows}) == 1
)


@settings(max_examples=300, deadline=None)
@given(small_tables)
def test_no_suppressed_value_can_be_derived_by_subtraction_from_totals(body: list[list[int]]) -> None:
    grid = with_totals(body, partition=True)
    states = suppress(grid, rows_add_up=True, row_kind="partition")
    for row, row_states in zip(grid, states, strict=True):
        for value, state in zip(row, row_states, strict=True):
            assert not (0 < value < THRESHOLD and state == SHOWN)
    assert_no_suppressed_value_can_be_derived(grid, states, partition=True)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=6), min_size=1, max_size=4).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_no_drop_between_two_shown_funnel_steps_is_a_small_count(steps: list[list[int]]) -> None:
    nested = [sorted(r, reverse=True) for r in steps]
    grid = with_totals(nested, partition=False)
    states = suppress(grid, rows_add_up=True, row_kind="nested")
    for row, row_states in zip(grid, states, strict=True):
        shown = [v for v, s in zip(row, row_states, strict=True) if s == SHOWN]
        assert all(not 0 < a - b < THRESHOLD for a, b in itertools.pairwise(shown))
    assert_no_suppressed_value_can_be_derived(grid, states, partition=False)


def test_a_small_cell_is_shown_as_less_than_five_and_its_partner_is_hidden() -> None:
    grid = with_totals([[3, 20], [10, 12]], partition=True)
    states = suppress(grid, rows_add_up=True, row_kind="partition")
    assert states[0][0] == SMALL
    texts = [[count_cell(v, s).text for v, s in zip(r, st_, strict=True)] for r, st_ in zip(grid, states, strict=True)]
    assert texts[0][0] == "<5"
    assert sum(t == "x" for row in texts for t in row) >= 2


def test_a_share_is_hidden_when_its_count_is() -> None:
    assert rate_cell(count_cell(3, SMALL), count_cell(40, SHOWN)).text == "x"
    assert rate_cell(count_cell(10, SHOWN), count_cell(40, SHOWN)).text == "25.0%"
