"""Repeat suspects: the suspects a coordinator confirmed to be one man, kept as groups."""

from __future__ import annotations

from .models import MatchAlert, RepeatSuspect, RepeatSuspectMember, Status


def repeat_suspects_regroup(*, organisation_id: int) -> None:
    """Rebuilds the organisation's repeat-suspect groups: the connected components of its confirmed pairs."""
    pairs = list(
        MatchAlert.objects.filter(organisation_id=organisation_id, status=Status.CONFIRMED).values_list(
            "suspect_a_id", "case_a_id", "suspect_b_id", "case_b_id"
        )
    )
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    case_of: dict[int, int] = {}
    for sa, ca, sb, cb in pairs:
        case_of[sa], case_of[sb] = ca, cb
        parent[find(sa)] = find(sb)
    components: dict[int, list[int]] = {}
    for s in case_of:
        components.setdefault(find(s), []).append(s)
    RepeatSuspect.objects.filter(organisation_id=organisation_id).delete()
    for members in components.values():
        group = RepeatSuspect.objects.create(organisation_id=organisation_id)
        RepeatSuspectMember.objects.bulk_create(
            RepeatSuspectMember(group=group, suspect_id=s, case_id=case_of[s]) for s in sorted(members)
        )
