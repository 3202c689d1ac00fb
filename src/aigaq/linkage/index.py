"""What the engine needs from mentions: the Index protocol that plain features
(aigaq.linkage.plain.PlainIndex) and keyed encodings (aigaq.linkage.encoded.EncodedIndex) implement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from .model import Evidence

Progress = Callable[[str, int, int], None]  # progress(stage, done, total)


class Index(Protocol):
    """What the engine needs from plain features or from encodings."""

    ids: list[str]
    mode: str

    def levels(self, i: int, j: int) -> tuple[list[int], tuple[int, ...]]: ...
    def levels_batch(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
    def tf_tables(self, groups: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray]: ...
    def hard_conflict(self, i: int, j: int) -> bool: ...
    def bounds(self, i: int) -> tuple[float, float] | None: ...
    def block_keys(self, i: int) -> list[str]: ...
    def place_key(self, i: int) -> str | None: ...
    def evidence(self, i: int, j: int, levels: list[int], weights: list[float]) -> list[Evidence]: ...
