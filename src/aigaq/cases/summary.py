"""What the case list sorts and filters on, kept on the case row.

The stage and flags are derived from the events by `pathway.derive`, and only there; this module
stores the result of that derivation on the case whenever the case changes (`hooks.case_changed`,
to which `CasesConfig.ready` subscribes `case_summary_refresh`), so that a page of the case list is
one indexed query even at 100,000 cases. The only fact that depends on the day, "waiting for a
decision", is stored as the date it started (`awaiting_since`) and compared with today in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from .models import Case, Incident, PathwayEvent
from .selectors import derived_for

# derive() counts an awaited decision as overdue only after this many days; with -1 every awaited
# decision counts from its first day, which gives the date it started.
_FROM_THE_FIRST_DAY = -1


def case_summary_refresh(*, case: Case) -> None:
    """Stores what the list needs of `case`, derived from its events as the case page derives it."""
    today = timezone.localdate()
    derived = derived_for(case, today=today, waiting_limit_days=_FROM_THE_FIRST_DAY)
    awaiting_since = today - dt.timedelta(days=derived.waiting_days) if derived.waiting_days is not None else None
    incident = Incident.objects.filter(case_id=case.pk).only("date_from").first()
    Case.objects.filter(pk=case.pk).update(
        incident_on=incident.date_from if incident is not None else None,
        stage=derived.stage,
        awaiting_since=awaiting_since,
        refused_registration=derived.refused_registration,
        downgraded=derived.downgraded,
        closed_hearing=derived.closed_hearing,
        custodial=derived.custodial,
        last_activity_at=timezone.now(),
    )


SUMMARY_FIELDS = ["incident_on", "stage", "awaiting_since", "refused_registration", "downgraded", "closed_hearing",
                  "custodial", "last_activity_at"]
BULK = 1000


def cases_summary_refresh(*, cases: Sequence[Case]) -> None:
    """`case_summary_refresh` for many cases (a bulk write): their events and incidents read a
    thousand cases at a time, the same derivation, one bulk update."""
    today = timezone.localdate()
    now = timezone.now()
    by_id = {case.pk: case for case in cases}
    date, stamp = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value(now)
    quote = connection.ops.quote_name
    columns = [str(f.column) for f in Case._meta.concrete_fields if f.name in SUMMARY_FIELDS]
    columns.sort(key=lambda c: SUMMARY_FIELDS.index(c))
    update = (f"UPDATE {quote(str(Case._meta.db_table))} SET {', '.join(f'{quote(c)} = %s' for c in columns)} "  # noqa: S608
              "WHERE id = %s")  # the model's own table and columns
    ids = sorted(by_id)
    for start in range(0, len(ids), BULK):
        part = ids[start : start + BULK]
        events: dict[int, list[PathwayEvent]] = {pk: [] for pk in part}
        for event in PathwayEvent.objects.filter(case_id__in=part):  # in the model's order
            event.case = by_id[event.case_id]
            events[event.case_id].append(event)
        dates = dict(Incident.objects.filter(case_id__in=part).values_list("case_id", "date_from"))
        rows = []
        for pk in part:
            derived = derived_for(by_id[pk], today=today, events=events[pk], waiting_limit_days=_FROM_THE_FIRST_DAY)
            awaiting = today - dt.timedelta(days=derived.waiting_days) if derived.waiting_days is not None else None
            rows.append([date(dates.get(pk)), derived.stage, date(awaiting), derived.refused_registration,
                         derived.downgraded, derived.closed_hearing, derived.custodial, stamp, pk])
        # One prepared UPDATE run for every row: Django's bulk_update builds a CASE of every row
        # for every field, which costs more than the derivation at a thousand rows.
        with connection.cursor() as cursor:
            cursor.executemany(update, rows)


def case_touched(*, case: Case) -> None:
    """Something was added to the case that changes no stage or flag (a note, a witness)."""
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())


def waiting_filter(today: dt.date) -> Q:
    """Cases whose awaited decision is overdue today: strictly more than WAITING_DAYS old."""
    return Q(awaiting_since__lt=today - dt.timedelta(days=settings.WAITING_DAYS))


def waiting_days(case: Case, today: dt.date) -> int | None:
    """Days the case has waited for a decision, when more than the limit (as `Derived.waiting_days`)."""
    if case.awaiting_since is None:
        return None
    days = (today - case.awaiting_since).days
    return days if days > settings.WAITING_DAYS else None
