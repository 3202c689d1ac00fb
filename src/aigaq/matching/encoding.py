"""A suspect as a linkage mention, and its keyed encoding.

The mention is built in memory from the sealed suspect (and his case's incident: where and when
it happened, which turns an approximate age into a birth interval) and is never stored; only its
encoding under the key file's "linkage" subkey is.
"""

from __future__ import annotations

from aigaq.cases.models import Suspect
from aigaq.keys.store import keyring
from aigaq.linkage import EncodedMention, Mention, encode_mentions


def linkage_key() -> bytes:
    return keyring().subkey("linkage")


def _lines(text: str) -> list[str]:
    return [part.strip() for line in (text or "").splitlines() for part in line.split(",") if part.strip()]


def mention_for(suspect: Suspect) -> Mention:
    """The suspect as the engine reads him; `suspect.case.incident` must be loaded or loadable."""
    incident = getattr(suspect.case, "incident", None)
    return Mention(
        id=str(suspect.pk),
        full_name=suspect.full_name or None,
        aliases=[a.strip() for a in suspect.aliases.splitlines() if a.strip()],
        phones=_lines(suspect.phones),
        handles=_lines(suspect.handles),
        plates=_lines(suspect.plates),
        iins=_lines(suspect.iins),
        birth_date=suspect.birth_date or None,
        age_at_incident=suspect.approx_age,
        incident_date=incident.date_from.isoformat() if incident else None,
        sex=suspect.sex or None,
        city=(incident.city or None) if incident else None,
        region=(incident.region or None) if incident else None,
    )


def encode(mentions: list[Mention]) -> list[EncodedMention]:
    return encode_mentions(mentions, linkage_key())
