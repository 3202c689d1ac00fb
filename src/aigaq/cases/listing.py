"""The case list: saved views, filters and sorting as one SQL query, so that a page of it stays
fast at 100,000 cases. Only the rows of the page shown are turned into list rows.

Stage and flags come from the copy that `cases.summary` keeps on the case row (derived from the
events by `pathway.derive`, as on the case page); "waiting for a decision" compares the stored
date an awaited decision started with today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case as When_
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role

from . import search
from .access import active_assignments, visible_cases
from .models import Assignment, Case, PathwayEvent, SearchToken
from .pathway import STAGES, Derived
from .selectors import repeat_case_ids
from .summary import waiting_days, waiting_filter

VIEWS: tuple[tuple[str, Any], ...] = (
    ("", _("All cases")),
    ("mine", _("My cases")),
    ("unassigned", _("Unassigned")),
    ("waiting", _("Waiting for a decision")),
    ("hearing_week", _("Hearing this week")),
)
SORTS: tuple[tuple[str, Any], ...] = (
    ("date", _("Incident date, newest first")),
    ("activity", _("Last activity")),
    ("stage", _("Stage")),
    ("hearing", _("Next hearing")),
)
# Who works on a case: an unassigned case has nobody in either of these roles.
WORKING_ROLES = (Assignment.Role.OWNER, Assignment.Role.CASEWORKER)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    derived: Derived
    repeat_suspect: bool = False  # a suspect of the case is a confirmed repeat suspect


def _suspects_matching(user: AbstractBaseUser | AnonymousUser, groups: list[set[str]]) -> set[int]:
    member = current_member(user)
    if member is None or not groups:
        return set()
    found: set[int] = set()
    for group in groups:
        hits = (
            SearchToken.objects.filter(organisation_id=member.organisation_id, token__in=group)
            .values("suspect_id")
            .annotate(n=Count("token", distinct=True))
            .filter(n=len(group))
        )
        found.update(h["suspect_id"] for h in hits)
    return found


# Up to this many cases found, the search's hits are listed by id (SQLite then looks up each row
# instead of walking the whole organisation's cases in list order and testing each one).
_LISTED_HITS = 2000


def _search_hits(user: AbstractBaseUser | AnonymousUser, q: str) -> Q:
    """Cases whose code starts with the query, or with a suspect it names. Each part is found by
    an index (a range on the code, the tokens' index): a `code LIKE … OR id IN …` scans every case."""
    suspect_ids = _suspects_matching(user, search.query_groups(q))
    named = SearchToken.objects.filter(suspect_id__in=suspect_ids).values_list("case_id", flat=True)
    hits = set(named[:_LISTED_HITS + 1])
    codes = search.code_query(q)
    if codes:
        # Codes are lower-case base32 ([a-z2-7]): "~" sorts after all of them.
        # Any organisation's: the list's own query keeps only the cases she may see.
        prefixed = Case.objects.filter(code__gte=codes, code__lt=codes + "~").order_by()
        hits.update(prefixed.values_list("id", flat=True)[:100])
    if len(hits) > _LISTED_HITS:
        return Q(id__in=named.values("case_id")) | Q(id__in=sorted(hits))
    return Q(id__in=sorted(hits))


def default_sort(user: AbstractBaseUser | AnonymousUser) -> str:
    """A lawyer's list starts with the next hearing; everyone else's with the newest incident."""
    member = current_member(user)
    return "hearing" if member is not None and member.role == Role.LAWYER else "date"


def _week(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def _view(cases: QuerySet[Case], user: AbstractBaseUser | AnonymousUser, view: str, today: dt.date) -> QuerySet[Case]:
    member = current_member(user)
    if view == "mine" and member is not None:
        mine = Assignment.objects.filter(active_assignments(today), user=member.user).values("case_id")
        return cases.filter(id__in=mine)
    if view == "unassigned":
        working = Assignment.objects.filter(active_assignments(today), case_id=OuterRef("pk"), role__in=WORKING_ROLES)
        return cases.filter(~Exists(working))
    if view == "waiting":
        return cases.filter(waiting_filter(today))
    if view == "hearing_week":
        monday, sunday = _week(today)
        heard = PathwayEvent.objects.filter(case_id=OuterRef("pk"), type="hearing", date__range=(monday, sunday))
        return cases.filter(Q(next_hearing_on__range=(monday, sunday)) | Exists(heard))
    return cases


def _flag(flag: str, today: dt.date) -> Q:
    if flag == "waiting":
        return waiting_filter(today)
    if flag == "custodial":
        return Q(custodial=True)
    if flag == "non_custodial":
        return Q(custodial=False)
    if flag in ("refused_registration", "downgraded", "closed_hearing"):
        return Q(**{flag: True})
    return Q()


def _ordered(cases: QuerySet[Case], sort: str, today: dt.date) -> QuerySet[Case]:
    if sort == "activity":
        return cases.order_by("-last_activity_at", "-id")
    if sort == "stage":
        order = When_(*(When(stage=code, then=Value(i)) for i, (code, _label) in enumerate(STAGES)),
                      default=Value(len(STAGES)), output_field=IntegerField())
        return cases.order_by(order, "-incident_on", "-id")
    if sort == "hearing":
        # Hearings to come first, the soonest on top; then cases with no date or a past one.
        upcoming = When_(When(next_hearing_on__gte=today, then=Value(0)), default=Value(1),
                         output_field=IntegerField())
        return cases.order_by(upcoming, F("next_hearing_on").asc(nulls_last=True), "-id")
    return cases.order_by("-incident_on", "-id")


def case_list(
    user: AbstractBaseUser | AnonymousUser,
    *,
    q: str = "",
    stage: str = "",
    region: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    flag: str = "",
    view: str = "",
    sort: str = "",
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The cases she may see that the view and filters select, in the order asked, as one query
    (paginate it: nothing is read until a page is sliced)."""
    today = today or timezone.localdate()
    cases = visible_cases(user).select_related("incident")
    q = q.strip()
    if q:
        cases = cases.filter(_search_hits(user, q))
    if region:
        cases = cases.filter(incident__region=region)
    if since:
        cases = cases.filter(incident_on__gte=since)
    if until:
        cases = cases.filter(incident_on__lte=until)
    if stage:
        cases = cases.filter(stage=stage)
    if flag == "repeat_suspect":
        cases = cases.filter(id__in=sorted(repeat_case_ids(user)))
    elif flag:
        cases = cases.filter(_flag(flag, today))
    cases = _view(cases, user, view, today)
    return _ordered(cases, sort or default_sort(user), today)


def shown_flags(derived: Derived, repeat: bool) -> list[tuple[str, str]]:
    """The flags shown for a case, in order, as (kind, label): the list, the case page (flags.html,
    which styles each kind) and the list's export."""
    flags: list[tuple[str, object]] = []
    if derived.refused_registration:
        flags.append(("refused", _("Registration refused")))
    if derived.waiting:
        flags.append(("waiting", _("Waiting %(days)s days") % {"days": derived.waiting_days}))
    if derived.downgraded:
        flags.append(("downgraded", _("Downgraded")))
    if derived.closed_hearing:
        flags.append(("closed", _("Closed hearing")))
    if derived.custodial is True:
        flags.append(("custodial", _("Custodial sentence")))
    elif derived.custodial is False:
        flags.append(("noncustodial", _("No custody")))
    if repeat:
        flags.append(("repeat", _("Repeat suspect")))
    return [(kind, str(label)) for kind, label in flags]


def case_rows(
    cases: Iterable[Case], *, today: dt.date | None = None, repeat: Collection[int] = ()
) -> list[CaseRow]:
    """The rows of one page, with the stage and flags as the list shows them; `repeat`: the ids of
    cases with a confirmed repeat suspect (selectors.repeat_case_ids)."""
    today = today or timezone.localdate()
    return [
        CaseRow(case, Derived(case.stage, case.refused_registration, waiting_days(case, today), case.downgraded,
                              case.closed_hearing, case.custodial), case.pk in repeat)
        for case in cases
    ]
