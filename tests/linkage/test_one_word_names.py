"""Property: a suspect known only by a first name is common; no batch of one-word names may crash
the engine, in plain or private mode (issue 17 found an IndexError there)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigaq.linkage import Mention, link

FIRST_NAMES = ["Ерлан", "Yerlan", "Ерлан", "Асель", "Айгүл", "Руслан", "Ruslan", "Нұрлан", "Nurlan"]
PHONES = ["+7 701 555 12 34", "87015551234", "+7 777 100 20 30", None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FIRST_NAMES), st.sampled_from(PHONES)), min_size=2, max_size=12))
def test_batches_of_one_word_names_never_crash_and_every_id_gets_a_cluster(
    rows: list[tuple[str, str | None]],
) -> None:
    mentions = [
        Mention(id=f"m{i}", full_name=name, phones=[phone] if phone else []) for i, (name, phone) in enumerate(rows)
    ]
    result = link(mentions)
    assert set(result.clusters) == {m.id for m in mentions}
