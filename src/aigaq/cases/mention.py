"""A suspect as a linkage mention: the one mapping matching (inside the organisation) and the
network (across organisations) both read him through. The mention lives in memory only, for the
time it takes to compare or encode it; it is never stored."""

from __future__ import annotations

from aigaq.linkage import Mention

from .models import Suspect


def identifier_lines(text: str) -> list[str]:
    """The values of a multi-value field, as people type them: one a line, or separated by commas."""
    return [part.strip() for line in (text or "").splitlines() for part in line.split(",") if part.strip()]


def mention_for(suspect: Suspect) -> Mention:
    """The suspect as linkage reads him; `suspect.case.incident` must be loaded or loadable (where
    and when it happened turns an approximate age into a birth interval)."""
    incident = getattr(suspect.case, "incident", None)
    return Mention(
        id=str(suspect.pk),
        full_name=suspect.full_name or None,
        aliases=[a.strip() for a in suspect.aliases.splitlines() if a.strip()],
        phones=identifier_lines(suspect.phones),
        handles=identifier_lines(suspect.handles),
        plates=identifier_lines(suspect.plates),
        iins=identifier_lines(suspect.iins),
        birth_date=suspect.birth_date or None,
        age_at_incident=suspect.approx_age,
        incident_date=incident.date_from.isoformat() if incident else None,
        sex=suspect.sex or None,
        city=(incident.city or None) if incident else None,
        region=(incident.region or None) if incident else None,
    )
