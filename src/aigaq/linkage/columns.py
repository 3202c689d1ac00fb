"""Every mention's features as flat numpy columns, built one mention at a time.

A million mentions as Features objects (tuples, frozensets, dataclasses) cost several GB and
comparing them pair by pair in Python is the slowest part of a run. The plain index therefore
keeps every field as flat numpy columns (interned integer ids; CSR offsets for lists), and
aigaq.linkage.batch compares candidate pairs in batches on them: the levels are the same as
compare_features gives.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .birth import DOCUMENTED, Birth
from .features import EMPTY, Features, build_features, initial_probe_keys, plain_block_keys
from .mention import Mention
from .names import NameVariant, TokenTable
from .normalise import CityKey

EXACT_FIELDS = ("phones", "handles", "plates", "iins", "other_ids")
_SOURCES = ("date", "iin", "age")
_SEX_CODE = {"m": 0, "f": 1}
_SEX_NAME = ("m", "f")


class Interner:
    """Strings to dense integer ids and back."""

    __slots__ = ("ids", "values")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: str) -> int:
        k = self.ids.get(value)
        if k is None:
            k = self.ids[value] = len(self.values)
            self.values.append(value)
        return k


class Csr:
    """Variable-length integer lists per mention: values[ptr[i]:ptr[i + 1]] belong to mention i."""

    __slots__ = ("ptr", "values")

    def __init__(self, ptr: np.ndarray, values: np.ndarray) -> None:
        self.ptr = ptr
        self.values = values

    def row(self, i: int) -> list[int]:
        return self.values[self.ptr[i] : self.ptr[i + 1]].tolist()


class _CsrBuilder:
    __slots__ = ("ptr", "values")

    def __init__(self) -> None:
        self.ptr = array("q", [0])
        self.values = array("i")

    def add(self, values: Iterable[int]) -> None:
        self.values.extend(values)
        self.ptr.append(len(self.values))

    def build(self) -> Csr:
        return Csr(np.frombuffer(self.ptr, dtype=np.int64).copy(), np.frombuffer(self.values, dtype=np.int32).copy())


@dataclass(slots=True)
class Columns:
    """Every mention's features as numpy columns; ``features(i)`` rebuilds one Features object."""

    ids: list[str]
    variants: Csr  # variant ids (see vtokens …) per mention, in written order
    variant_text: Csr  # id in texts of each variant as written (parallel to variants)
    vtokens: list[tuple[int, ...]]  # per variant id: name word token ids
    vinits: list[tuple[str, ...]]
    vfull: list[str]
    texts: list[str]
    patronymics: Csr
    exact: dict[str, tuple[Csr, list[str]]]  # field → (value ids per mention, values)
    birth_lo: np.ndarray  # float64, NaN when unknown
    birth_hi: np.ndarray
    birth_exact: np.ndarray  # int32 YYYYMMDD, 0 when not an exact date
    birth_source: np.ndarray  # int8 index into _SOURCES, −1 when unknown
    birth_documented: np.ndarray  # bool: from a date or an IIN; only these can make a conflict
    birth_label: np.ndarray  # int32 id in labels
    labels: list[str]
    sex: np.ndarray  # int8 0 m, 1 f, −1 unknown
    city: np.ndarray  # int32 id in places, −1
    city_text: np.ndarray  # int32 id in texts, −1
    region: np.ndarray  # int32 id in places, −1
    address: np.ndarray  # int32 id in addresses, −1
    places: list[str]
    addresses: list[str]
    block_hash: np.ndarray  # int64 hashes of every mention's block keys …
    block_member: np.ndarray  # … and the mention each belongs to (int32)
    probe_hash: np.ndarray  # one-sided keys (features.initial_probe_keys): probes …
    probe_member: np.ndarray
    target_hash: np.ndarray  # … and the targets they are compared with
    target_member: np.ndarray

    def features(self, i: int) -> Features:
        vids = self.variants.row(i)
        tids = self.variant_text.row(i)
        variants = tuple(
            NameVariant(self.vtokens[v], self.vinits[v], self.texts[t], self.vfull[v], v)
            for v, t in zip(vids, tids, strict=True)
        )
        values = {name: frozenset(vals[x] for x in csr.row(i)) or EMPTY for name, (csr, vals) in self.exact.items()}
        birth = None
        src = int(self.birth_source[i])
        if src >= 0:
            exact = int(self.birth_exact[i])
            birth = Birth(
                float(self.birth_lo[i]),
                float(self.birth_hi[i]),
                f"{exact:08d}" if exact else None,
                _SOURCES[src],
                self.labels[int(self.birth_label[i])],
            )
        sex = int(self.sex[i])
        city, region, ct, ad = int(self.city[i]), int(self.region[i]), int(self.city_text[i]), int(self.address[i])
        return Features(
            id=self.ids[i],
            variants=variants,
            patronymics=tuple(self.patronymics.row(i)),
            phones=values["phones"],
            handles=values["handles"],
            plates=values["plates"],
            iins=values["iins"],
            other_ids=values["other_ids"],
            birth=birth,
            sex=_SEX_NAME[sex] if sex >= 0 else None,
            city=self.places[city] if city >= 0 else None,
            city_text=self.texts[ct] if ct >= 0 else None,
            region=self.places[region] if region >= 0 else None,
            address=self.addresses[ad] if ad >= 0 else None,
        )


class ColumnBuilder:
    """Turns mentions one at a time into columns; nothing per mention outlives its row."""

    def __init__(self, tt: TokenTable, city_key: CityKey) -> None:
        self.tt = tt
        self.city_key = city_key
        self.ids: list[str] = []
        self.variants, self.variant_text, self.patronymics = _CsrBuilder(), _CsrBuilder(), _CsrBuilder()
        self.vtokens: list[tuple[int, ...]] = []
        self.vinits: list[tuple[str, ...]] = []
        self.vfull: list[str] = []
        self.texts, self.labels, self.places, self.addresses = Interner(), Interner(), Interner(), Interner()
        self.exact = {name: (_CsrBuilder(), Interner()) for name in EXACT_FIELDS}
        self.birth_lo, self.birth_hi = array("d"), array("d")
        self.birth_exact, self.birth_label = array("i"), array("i")
        self.birth_source, self.sex = array("b"), array("b")
        self.city, self.city_text, self.region, self.address = array("i"), array("i"), array("i"), array("i")
        self.block_hash, self.block_member = array("q"), array("i")
        self.probe_hash, self.probe_member = array("q"), array("i")
        self.target_hash, self.target_member = array("q"), array("i")

    def add(self, m: Mention) -> None:
        f = build_features(m, self.tt, self.city_key)
        k = len(self.ids)
        self.ids.append(f.id)
        for v in f.variants:
            if v.vid == len(self.vtokens):
                self.vtokens.append(v.tokens)
                self.vinits.append(v.initials)
                self.vfull.append(v.full_key)
        self.variants.add(v.vid for v in f.variants)
        self.variant_text.add(self.texts(v.text) for v in f.variants)
        self.patronymics.add(f.patronymics)
        for name, (csr, interner) in self.exact.items():
            csr.add(sorted(interner(x) for x in getattr(f, name)))
        b = f.birth
        self.birth_lo.append(b.lo if b else math.nan)
        self.birth_hi.append(b.hi if b else math.nan)
        self.birth_exact.append(int(b.exact) if b and b.exact else 0)
        self.birth_source.append(_SOURCES.index(b.source) if b else -1)
        self.birth_label.append(self.labels(b.label) if b else -1)
        self.sex.append(_SEX_CODE[f.sex] if f.sex else -1)
        self.city.append(self.places(f.city) if f.city else -1)
        self.city_text.append(self.texts(f.city_text) if f.city_text else -1)
        self.region.append(self.places(f.region) if f.region else -1)
        self.address.append(self.addresses(f.address) if f.address else -1)
        keys = plain_block_keys(f, self.tt)
        self.block_hash.extend(map(hash, keys))  # buckets within this process (blocking.candidate_pairs)
        self.block_member.extend([k] * len(keys))
        probes, targets = initial_probe_keys(f, self.tt)
        self.probe_hash.extend(map(hash, probes))
        self.probe_member.extend([k] * len(probes))
        self.target_hash.extend(map(hash, targets))
        self.target_member.extend([k] * len(targets))

    def build(self) -> Columns:
        def arr(a: array, dtype: type) -> np.ndarray:
            return np.frombuffer(a, dtype=dtype).copy() if len(a) else np.zeros(0, dtype=dtype)

        birth_source = arr(self.birth_source, np.int8)
        cols = Columns(
            ids=self.ids,
            variants=self.variants.build(),
            variant_text=self.variant_text.build(),
            vtokens=self.vtokens,
            vinits=self.vinits,
            vfull=self.vfull,
            texts=self.texts.values,
            patronymics=self.patronymics.build(),
            exact={name: (csr.build(), interner.values) for name, (csr, interner) in self.exact.items()},
            birth_lo=arr(self.birth_lo, np.float64),
            birth_hi=arr(self.birth_hi, np.float64),
            birth_exact=arr(self.birth_exact, np.int32),
            birth_source=birth_source,
            birth_documented=np.isin(birth_source, [_SOURCES.index(s) for s in DOCUMENTED]),
            birth_label=arr(self.birth_label, np.int32),
            labels=self.labels.values,
            sex=arr(self.sex, np.int8),
            city=arr(self.city, np.int32),
            city_text=arr(self.city_text, np.int32),
            region=arr(self.region, np.int32),
            address=arr(self.address, np.int32),
            places=self.places.values,
            addresses=self.addresses.values,
            block_hash=arr(self.block_hash, np.int64),
            block_member=arr(self.block_member, np.int32),
            probe_hash=arr(self.probe_hash, np.int64),
            probe_member=arr(self.probe_member, np.int32),
            target_hash=arr(self.target_hash, np.int64),
            target_member=arr(self.target_member, np.int32),
        )
        return cols
