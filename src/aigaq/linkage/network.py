"""What a suspect mention gives the network, and how the hub weighs what agrees.

Only whole values go through the network's OPRF: a unit with a small domain (one name bigram, a
birth year, a region code) could be evaluated for every possible value in a few thousand queries,
after which a member would hold the equivalent of the key (docs/network.md, "What a dictionary
costs"). So the inputs are exact identifiers and several whole-name keys of different strictness,
each spelled the same way whatever the alphabet (the skeletons and stems of `normalise`), each
naming at least two words of the name: the hub sees which of them agree, how many refs in the
network hold each agreeing token (a common name is weak evidence), and scores that pattern.

Name keys. Each word of a name has a role: a -ұлы/-қызы word is a father's name that may stand
for the surname but never for the forename; a word that lost a surname ending (-ов, -ева, -ин …)
is a surname; any other word may be the forename or a surname written without its ending. Every
pair "forename-capable word, other word" gives one key, the forename first, so that a name
written in any order, with or without its patronymic, meets, while two men whose forename and
father's name are swapped (Сәкен Саматов, Самат Сәкенұлы) do not. An everyday form also stands
for the full names it may stand for (Нурик: Нурлан, Нурбол …).

- name: the two stems ("jaslan ahmet").
- name_phonetic: the two stems' consonant keys ("jsln ahmt"): a slip in a vowel or late in a
  word, or a vowel another romanisation spells differently, still meets.
- name_initial: one stem and the first letter of another word or initial ("ahmet j"): a slip in
  the other word, or a name written as initials ("Ахметов Ж.").
- name_father: the forename and the father's name (-ович or -ұлы): the same name with two
  different fathers is two men.
- name_birth: each name key and the birth year, only where the birth is documented (a date, an
  IIN). name_age: each name key and each year the man may have been born in, from a documented
  birth (one year) or from an age a survivor estimated (two years): an estimate is not a
  documented birth and never gives name_birth.

Whatever agrees, the hub also learns a conflict: two refs whose names agree and which both hold
name_birth (name_age, name_father) tokens but share none were born in different years (have
different fathers).

`network_inputs` is the member's side (plaintext, never leaves the member); `score` is the hub's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .birth import birth_of
from .mention import Mention
from .normalise import (
    NameToken,
    canonical_forms,
    consonant_key,
    iin_is_valid,
    name_tokens,
    normalise_handle,
    normalise_iin,
    normalise_phone,
    normalise_plate,
    stem_of,
)

# Token kinds, strongest first: what a member keys (network_inputs). The hub shows coordinators
# the kinds that agreed, never values.
KINDS = ("iin", "phone", "handle", "plate", "name_birth", "name_father", "name_age", "name", "name_phonetic",
         "name_initial")
# The incident's region code travels in clear with each ref (docs/network.md, Upsert): the hub
# adds REGION to the agreeing kinds when both refs have the same code, to the conflicts when both
# have a code and they differ.
REGION = "region"
EVIDENCE_KINDS = (*KINDS, REGION)
# A conflict of birth or father's name says something only about two men of the same name: the hub
# passes it always, the score counts it only when "name" agrees.
NAMESAKE_KINDS = frozenset(("name_birth", "name_age", "name_father"))


@dataclass(frozen=True)
class Weights:
    """Log-likelihood ratios (natural log) of one fitted model."""

    agree: Mapping[str, float]  # per agreeing kind
    slope: Mapping[str, float]  # per agreeing kind, times log(n / 2) (see `score`)
    conflict: Mapping[str, float]  # per kind both refs hold and share no token of


# The score is the logistic of PRIOR plus the fitted weights of the pattern. Fitted by logistic
# regression on the labelled candidate pairs of bench/network (generate.py seed 11, census and
# stress names, three members), never on the seeds reported in docs/benchmarks.md:
# `python bench/network/fit.py` prints these tables.
PRIOR = -8.5  # fixed offset: log odds that two refs of different members are one man
FITTED = Weights(
    agree={"iin": 9.94, "phone": 12.38, "handle": 12.15, "plate": 11.83, "name_birth": 0.45,
           "name_father": 3.04, "name_age": 1.35, "name": 0.68, "name_phonetic": 2.45, "name_initial": 9.11,
           "region": 1.54},
    slope={"name_father": 1.75, "name": 0.12, "name_phonetic": 0.16, "name_initial": 1.25},
    conflict={"iin": -4.32, "name_birth": -6.23, "name_father": -3.32, "name_age": -1.67, "name": -0.88,
              "name_phonetic": -2.66, "region": -0.67},
)
FITTED_WITHOUT_COUNTS = Weights(
    agree={"iin": 9.92, "phone": 12.38, "handle": 11.98, "plate": 11.71, "name_birth": 0.94,
           "name_father": 2.13, "name_age": 2.32, "name": 0.60, "name_phonetic": 2.08, "name_initial": 6.82,
           "region": 1.60},
    slope={},
    conflict={"iin": -4.84, "name_birth": -6.58, "name_father": -3.23, "name_age": -1.77, "name": -0.96,
              "name_phonetic": -2.44, "region": -0.62},
)
MATCH_THRESHOLD = 0.5

MAX_FORMS = 6  # everyday forms of one word at most (Нурик stands for five names)


def _forms(t: NameToken) -> list[str]:
    """The word's stem, and the stems of the full names an everyday form of it may stand for."""
    stems = {t.stem} | {stem_of(c)[0] for c in canonical_forms(t.skel) if c != t.skel}
    return sorted(stems)[:MAX_FORMS]


def _role(t: NameToken) -> str:
    """"father" for a -ұлы/-қызы word (it may stand for the surname, never for the forename),
    "surname" for a word whose surname ending was removed, "plain" otherwise (a forename, or a
    surname written without its ending)."""
    if t.skel.endswith(("uli", "kizi")) and t.stem != t.skel:
        return "father"
    return "surname" if t.stem != t.skel else "plain"


def name_keys(text: str) -> dict[str, set[str]]:
    """The name kinds' values for one written name (see the module docstring)."""
    tokens = name_tokens(text)
    words = [t for t in tokens if t.kind == "name" and len(t.stem) >= 2]
    roles = [_role(t) for t in words]
    # The forename is a plain word; only a name without one (Кристина Иванова: both words lose an
    # ending) lets a surname-looking word be the forename.
    fore = [i for i, r in enumerate(roles) if r == "plain"] or [i for i, r in enumerate(roles) if r == "surname"]
    out: dict[str, set[str]] = {"name": set(), "name_phonetic": set(), "name_initial": set(), "name_father": set()}
    fathers = [t.stem for t in tokens if t.kind == "patronymic"]
    fathers += [w.stem for w, r in zip(words, roles, strict=True) if r == "father"]
    for i in fore:
        for f in fathers:
            out["name_father"] |= {f"{x} {f}" for x in _forms(words[i]) if x != f}
        for j, sur in enumerate(words):
            if j == i:
                continue
            for x in _forms(words[i]):
                if x != sur.stem:
                    out["name"].add(f"{x} {sur.stem}")
                    out["name_phonetic"].add(f"{consonant_key(x)} {consonant_key(sur.stem)}")
    letters = [{f[:1] for f in _forms(t)} if t.kind == "name" else {t.skel[:1]} for t in tokens]
    for i, t in enumerate(tokens):
        if t.kind == "name" and len(t.stem) >= 2:
            for j, initials in enumerate(letters):
                if j != i:
                    out["name_initial"] |= {f"{t.stem} {letter}" for letter in initials}
    return out


def network_inputs(m: Mention) -> dict[str, list[str]]:
    """Kind → the values to key for one mention (each value prefixed with its kind before the OPRF)."""
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    out["phone"] |= {p for p in map(normalise_phone, m.phones) if p}
    out["handle"] |= {h for h in map(normalise_handle, m.handles) if h}
    out["plate"] |= {p for p in map(normalise_plate, m.plates) if p}
    iins = [i for i in map(normalise_iin, m.iins) if iin_is_valid(i)]
    out["iin"] |= set(iins)
    for text in [m.full_name or "", *m.aliases]:
        for kind, values in name_keys(text).items():
            out[kind] |= values
    birth = birth_of(m, iins)
    # Every name key gets the years, so that two refs whose names agree and which both hold
    # tokens of the kind but share none were born apart (the conflicts of `score`).
    if birth is not None:
        years = range(int(birth.lo), int(birth.hi) + 1)
        out["name_age"] = {f"{k} {y}" for k in out["name"] for y in years}
        if birth.source in {"date", "iin"}:
            out["name_birth"] = {f"{k} {int(birth.lo)}" for k in out["name"]}
    return {k: sorted(v) for k, v in out.items() if v}


def score(
    kinds: Iterable[str], *, counts: Mapping[str, int] | None = None, conflicts: Iterable[str] = ()
) -> float:
    """The probability that two refs of different members are the same man.

    kinds: the evidence kinds that agree (kinds whose tokens meet, and REGION). counts: for each
    token kind among them, how many refs in the network hold the rarest agreeing token of that
    kind (the two included); a commoner token is weaker evidence. Without counts, the model fitted
    without frequencies. conflicts: the kinds both refs hold (tokens, or a region) but do not
    share.
    """
    agree = set(kinds)
    w = FITTED_WITHOUT_COUNTS if counts is None else FITTED
    total = PRIOR
    # Sorted: the same pattern gives the same float whatever the set's order (the hub and the
    # simulation chain links strongest first, and ties must be the same ties).
    for k in sorted(agree):
        total += w.agree.get(k, 0.0)
        if counts is not None and k in w.slope:
            total -= w.slope[k] * math.log(max(2, counts.get(k, 2)) / 2)
    for k in sorted(set(conflicts) - agree):
        if k not in NAMESAKE_KINDS or "name" in agree:
            total += w.conflict.get(k, 0.0)
    return 1.0 / (1.0 + math.exp(-total))


# Chaining (docs/network.md, "Chained alerts"). Links at CHAIN_THRESHOLD (chosen on the training
# seed 11 by bench/network: chaining at MATCH_THRESHOLD joins too many namesakes) between any two
# refs, one member's own too, are taken strongest first, and two clusters are never joined when
# they hold a cannot-link pair.
CHAIN_THRESHOLD = 0.75


def cannot_link(kinds: Iterable[str], conflicts: Iterable[str]) -> bool:
    """Two refs that cannot be one man whatever chain of links joins them: different valid IINs,
    or the same name with different documented birth years or different fathers' names."""
    conflicting = set(conflicts)
    return "iin" in conflicting or ("name" in set(kinds) and bool(conflicting & {"name_birth", "name_father"}))


@dataclass(frozen=True)
class Cluster:
    """Refs chained into one man, and the links that joined them (a spanning tree: the strongest
    chain between any two of them)."""

    nodes: tuple[int, ...]
    tree: tuple[tuple[float, int, int], ...]

    def chain_strengths(self) -> dict[tuple[int, int], float]:
        """For each pair (a < b) of the cluster, the product of the strengths of the links on the
        chain joining them (the probability that every link of it is right, were they independent)."""
        adjacent: dict[int, list[tuple[int, float]]] = {n: [] for n in self.nodes}
        for s, a, b in self.tree:
            adjacent[a].append((b, s))
            adjacent[b].append((a, s))
        out: dict[tuple[int, int], float] = {}
        for start in self.nodes:
            seen = {start: 1.0}
            stack = [start]
            while stack:
                x = stack.pop()
                for y, s in adjacent[x]:
                    if y not in seen:
                        seen[y] = seen[x] * s
                        stack.append(y)
            out |= {(start, y): p for y, p in seen.items() if start < y}
        return out


def chain(nodes: Iterable[int], links: Iterable[tuple[float, int, int]],
          cannot: Iterable[tuple[int, int]]) -> list[Cluster]:
    """The clusters of these refs: `links` (strength, a, b) taken strongest first (ties by the two
    refs, smaller first), never joining two clusters that hold a `cannot` pair. Every ref is in
    one cluster (a ref without links alone). A component of the links is clustered the same way
    whatever else is passed with it, so the hub may re-cluster only the components a change touched."""
    parent = {n: n for n in nodes}
    forbid: dict[int, set[int]] = {}
    for a, b in cannot:
        forbid.setdefault(a, set()).add(b)
        forbid.setdefault(b, set()).add(a)
    members: dict[int, list[int]] = {}
    tree: dict[int, list[tuple[float, int, int]]] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ordered_links = sorted(((s, min(a, b), max(a, b)) for s, a, b in links), key=lambda t: (-t[0], t[1], t[2]))
    for s, a, b in ordered_links:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members.get(ra, [ra]), members.get(rb, [rb])
        if len(ma) > len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        if any(x in forbid and not forbid[x].isdisjoint(mb) for x in ma):
            continue
        parent[ra] = rb
        members[rb] = mb + ma
        members.pop(ra, None)
        tree[rb] = tree.pop(rb, []) + tree.pop(ra, []) + [(s, a, b)]
    out = []
    for root in sorted({find(n) for n in parent}):
        nodes_of = tuple(sorted(members.get(root, [root])))
        out.append(Cluster(nodes=nodes_of, tree=tuple(tree.get(root, ()))))
    return out
