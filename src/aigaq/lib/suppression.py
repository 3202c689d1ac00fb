"""Small-cell suppression: counts below 5 are shown as "<5", and further cells are hidden ("x")
so that no suppressed count can be worked out by subtraction from the totals shown.

A table is a grid of counts. Its rows are groups (regions, years...) followed by a total row when
`rows_add_up` (each column is then an equation: the groups sum to the total). Each row is one of:

- "partition": the row's last cell is its total and the other cells sum to it;
- "nested": each cell is a subset of the one before it (the attrition funnel), so the drop between
  two shown cells is itself a count of people;
- "independent": the cells are separate measures with no equation between them.

The rules (docs/metrics.md gives the reasons):
1. primary: a count from 1 to 4 is shown as "<5";
2. an equation whose total is shown must have no suppressed cell, or at least two whose sum (which
   the reader can compute) is 5 or more; otherwise the smallest shown non-zero cell of that
   equation is hidden too, or the total when no such cell is left;
3. in a nested row, the drop between two consecutive shown cells must be 0 or 5 or more; otherwise
   the deeper cell is hidden.
The rules are applied until nothing changes; each pass only hides cells, so it ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5
SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"


def suppress(grid: Sequence[Sequence[int]], *, rows_add_up: bool, row_kind: str) -> list[list[str]]:
    """The state (SHOWN, SMALL or HIDDEN) of every cell of `grid`."""
    states = [[SMALL if 0 < v < THRESHOLD else SHOWN for v in row] for row in grid]
    lines: list[list[tuple[int, int]]] = []  # additive equations, total cell last
    if row_kind == "partition":
        lines += [[(i, j) for j in range(len(row))] for i, row in enumerate(grid)]
    if rows_add_up and grid:
        lines += [[(i, j) for i in range(len(grid))] for j in range(len(grid[0]))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            changed |= _protect_equation(grid, states, line)
        if row_kind == "nested":
            for i, row in enumerate(grid):
                changed |= _protect_nested(row, states[i])
    return states


def _protect_equation(grid: Sequence[Sequence[int]], states: list[list[str]], line: list[tuple[int, int]]) -> bool:
    *parts, total = line
    ti, tj = total
    if states[ti][tj] != SHOWN:
        return False
    hidden = [(i, j) for i, j in parts if states[i][j] != SHOWN]
    if not hidden or (len(hidden) >= 2 and sum(grid[i][j] for i, j in hidden) >= THRESHOLD):
        return False
    candidates = [(grid[i][j], i, j) for i, j in parts if states[i][j] == SHOWN and grid[i][j] > 0]
    if candidates:
        _, i, j = min(candidates)
        states[i][j] = HIDDEN
    else:
        states[ti][tj] = HIDDEN
    return True


def _protect_nested(row: Sequence[int], states: list[str]) -> bool:
    last: int | None = None
    for j, value in enumerate(row):
        if states[j] != SHOWN:
            continue
        if last is not None and 0 < last - value < THRESHOLD:
            states[j] = HIDDEN
            return True
        last = value
    return False


@dataclass(frozen=True)
class Cell:
    value: float | int | None  # None when suppressed or not computable
    text: str
    state: str = SHOWN

    @property
    def suppressed(self) -> bool:
        return self.state != SHOWN


def count_cell(value: int, state: str) -> Cell:
    if state == SMALL:
        return Cell(None, "<5", SMALL)
    if state == HIDDEN:
        return Cell(None, "x", HIDDEN)
    return Cell(value, str(value))


def rate_cell(numerator: Cell, denominator: Cell) -> Cell:
    """A share in per cent, shown only when both counts are shown (else it would give them away)."""
    if numerator.suppressed or denominator.suppressed:
        return Cell(None, "x", HIDDEN)
    if not denominator.value:
        return Cell(None, "–")
    share = 100 * float(numerator.value or 0) / float(denominator.value)
    return Cell(round(share, 1), f"{share:.1f}%")


def measure_cell(value: float | None, n: int, *, unit: str = "") -> Cell:
    """A median, a percentile or a sum over n cases: hidden below THRESHOLD cases."""
    if n < THRESHOLD:
        return Cell(None, "<5", SMALL) if n else Cell(None, "–")
    if value is None:
        return Cell(None, "–")
    number = round(value, 1)
    text = f"{number:g}" if isinstance(number, float) else str(number)
    return Cell(number, f"{text}{unit}")
