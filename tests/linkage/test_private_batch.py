"""The vectorised private path: compiled Dice kernels, levels of many encoded pairs at once, and
weights fitted on encodings with reviewers' labels (aigaq.linkage.fit_encoded)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import aigaq.linkage
from aigaq.lib.crypto.linkage import BLOOM_BITS
from aigaq.linkage import EncodedIndex, Mention, Model, encode_mentions, fit_encoded, link_encoded, score_encoded
from aigaq.linkage.dice import dice_many_to_many, dice_one_to_many
from aigaq.linkage.features import FIELDS

from .synth import generate

KEY = bytes(range(32))
F = {name: k for k, name in enumerate(FIELDS)}


def _reference_dice(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    inter = np.bitwise_count(a[:, None, :] & b[None, :, :]).sum(axis=2)
    pa, pb = np.bitwise_count(a).sum(axis=1), np.bitwise_count(b).sum(axis=1)
    return 2.0 * inter / (pa[:, None] + pb[None, :])


def test_the_compiled_dice_kernels_agree_with_numpy_across_cache_tiles() -> None:
    rng = np.random.default_rng(2)
    a = rng.integers(0, 2**63, size=(5, BLOOM_BITS // 64), dtype=np.uint64) | np.uint64(2**63)
    b = rng.integers(0, 2**63, size=(4500, BLOOM_BITS // 64), dtype=np.uint64)  # more than two tiles
    expected = _reference_dice(a, b)
    assert np.allclose(dice_many_to_many(a, b), expected)
    assert np.allclose(dice_one_to_many(a[3], b), expected[3])


def test_an_empty_filter_has_dice_zero_not_a_division_error() -> None:
    zero = np.zeros((2, BLOOM_BITS // 64), dtype=np.uint64)
    assert dice_many_to_many(zero, zero).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def _levels(a: Mention, b: Mention) -> dict[str, int]:
    index = EncodedIndex(encode_mentions([a, b], KEY))
    lv, _, _ = index.levels_many(np.array([[0, 1]]))
    return {name: int(lv[0, k]) for name, k in F.items()}


def test_levels_of_encoded_pairs_follow_the_documented_table() -> None:
    a = Mention(id="a", full_name="Жәнібек Сейітов", phones=["87015551234"], other_ids=["N1234567"],
                birth_date="1985-04-12", city="Орал", sex="m")  # fmt: skip
    b = Mention(id="b", full_name="ZHANIBEK SEITOV", phones=["+7 701 555 12 34"], other_ids=["N1234576"],
                birth_date="1985-04-21", city="Уральск", sex="m")  # fmt: skip
    got = _levels(a, b)
    assert got["name"] == 5 and got["phone"] == 1 and got["place"] == 2 and got["sex"] == 1
    assert got["birth"] == 4  # day digits swapped: a typing slip
    assert got["other_id"] == 1  # two characters swapped
    assert got["handle"] == -1 and got["address"] == -1  # missing on both sides counts for nothing
    c = Mention(id="c", full_name="Жанибек Омаров", phones=["87770000000"], birth_date="1960")
    got = _levels(a, c)
    assert got["phone"] == 0 and got["birth"] == 0 and 0 <= got["name"] < 5


def test_the_engine_links_encodings_through_the_batch_levels(tmp_path: Path) -> None:
    mentions, _ = generate(200, seed=8)
    encoded = encode_mentions(mentions, KEY)
    index = EncodedIndex(encoded)
    pairs = np.array([[i, j] for i in range(0, 40) for j in range(i + 1, 40)])
    lv, keys = index.levels_batch(pairs[:, 0], pairs[:, 1])
    for (i, j), row, key in zip(pairs.tolist()[:50], lv[:50], keys[:50], strict=False):
        assert index.levels(i, j) == (row.tolist(), (int(key[0]),) if key[0] >= 0 else ())
    assert link_encoded(encoded).model is not None


def test_fitting_on_encodings_clamps_reviewed_pairs_and_scores_them_even_outside_the_blocks() -> None:
    mentions, _ = generate(300, seed=9)
    encoded = encode_mentions(mentions, KEY)
    far = (encoded[0].id, encoded[-1].id)  # almost surely in no common block
    plain = fit_encoded(encoded)
    labelled = fit_encoded(encoded, {far: True})
    pairs = {(labelled.index.ids[i], labelled.index.ids[j]) for i, j in labelled.pairs.tolist()}
    assert far in pairs
    assert labelled.model.mode == "private" and labelled.model.n_mentions == len(encoded)
    assert labelled.model.m != plain.model.m  # the label moved the weights
    links = plain.links(0.5)
    assert links and all(x.match_probability >= 0.5 and x.outcomes.get("birth") != "conflict" for x in links)


def test_score_encoded_takes_thousands_of_candidates_and_keeps_the_best_first() -> None:
    mentions, _ = generate(3000, seed=10)
    seitov = Mention(id="s", full_name="Жәнібек Сейітов", phones=["87015551234"])
    stored = encode_mentions([*mentions, seitov], KEY)
    new = encode_mentions([Mention(id="new", full_name="ZHANIBEK SEITOV", phones=["+77015551234"])], KEY)[0]
    scored = score_encoded(new, stored, Model.default("private"))
    assert len(scored) == len(stored) and scored[0].b == "s"
    assert score_encoded(new, stored, Model.default("private"), min_probability=0.5)[0].b == "s"


def test_the_kernel_cache_falls_back_to_memory_when_no_folder_is_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aigaq.linkage import kernels

    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("AIGAQ_DATA_DIR", str(blocker))  # a file: no folder can be made under it
    assert kernels._cache_dir() is None
    monkeypatch.setenv("AIGAQ_DATA_DIR", str(tmp_path))
    assert kernels._cache_dir() == str(tmp_path / "cache" / "numba")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker / "numba"))
    assert kernels._cache_dir() is None


def test_the_kernel_cache_is_numba_cache_dir_else_the_data_dir_else_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aigaq.linkage import kernels

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "given"))
    monkeypatch.setenv("AIGAQ_DATA_DIR", str(tmp_path / "data"))
    assert kernels._cache_dir() == str(tmp_path / "given")
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    assert kernels._cache_dir() == str(tmp_path / "data" / "cache" / "numba")
    monkeypatch.delenv("AIGAQ_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert kernels._cache_dir() == str(tmp_path / "xdg" / "aigaq" / "numba")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid by the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert kernels._cache_dir() == str(tmp_path / "home" / ".cache" / "aigaq" / "numba")


_COMPILE_ONCE = """
import numpy as np
from aigaq.linkage import kernels
kernels.popcounts(np.zeros((1, 8), dtype=np.uint64))
stats = kernels.popcounts.stats
print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
"""


def test_the_kernels_compile_once_and_later_processes_load_them_from_the_cache(tmp_path: Path) -> None:
    src = str(Path(aigaq.linkage.__file__).parents[2])
    env = {"PYTHONPATH": src, "PATH": "/usr/bin:/bin", "NUMBA_CACHE_DIR": str(tmp_path)}

    def run() -> tuple[int, int]:
        out = subprocess.run([sys.executable, "-c", _COMPILE_ONCE], env=env, capture_output=True, text=True, timeout=99)
        assert out.returncode == 0, out.stderr
        hits, misses = out.stdout.split()
        return int(hits), int(misses)

    assert run() == (0, 1)  # compiled, and written to the cache
    assert list(tmp_path.rglob("*.nbi")) and list(tmp_path.rglob("*.nbc"))
    assert run() == (1, 0)  # a new process loads it


def test_forked_workers_encode_exactly_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from aigaq.linkage import encode

    monkeypatch.setattr(encode, "ENCODE_CHUNK", 40)
    mentions, _ = generate(100, seed=11)
    one = encode_mentions(mentions, KEY)
    two = encode_mentions(mentions, KEY, workers=2)
    assert [e.to_json() for e in two] == [e.to_json() for e in one]
