"""A suspect as a linkage mention, for the network's inputs (`linkage.network.network_inputs`).

The same mapping as matching's (matching/encoding.py `mention_for`): kept here because network and
matching are independent feature apps and never import each other. It is generic (it needs only
cases' models and linkage) and could move to cases, so both apps use one. The mention lives in
memory only, for the time it takes to blind its inputs.
"""

from __future__ import annotations

from aigaq.cases.models import Suspect
from aigaq.linkage import Mention


def _lines(text: str) -> list[str]:
    return [part.strip() for line in (text or "").splitlines() for part in line.split(",") if part.strip()]


def mention_for(suspect: Suspect) -> Mention:
    """The suspect as linkage reads him; `suspect.case.incident` must be loaded or loadable."""
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
