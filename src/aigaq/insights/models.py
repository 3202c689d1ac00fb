"""The statistics cache: one row per case counted in statistics, derived from its events.

DESIGN.md says stage, flags and statistics are derived, never stored twice. `CaseFigures` is not a
second source of truth: it is a cache of what `aigaq.cases.pathway.derive()` and the rules in
`aigaq.insights.figures` compute from a case's events, incident, survivor consent and costs. It is
rebuilt for a case on every write to that case (the hook in `aigaq.cases.services`) and can be
rebuilt for all cases with `aigaq manage insights_rebuild`. It exists because aggregating a million
cases' JSON event facts on every dashboard view cannot answer in under a second; aggregating one
narrow row per case can. It holds codes, dates and counts only: no sealed or personal field.

Only cases whose survivor consented to statistics have a row, so no query can forget the consent.
"""

from __future__ import annotations

from django.db import models

from aigaq.accounts.models import Organisation
from aigaq.cases.models import Case


class CaseFigures(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    incident_date = models.DateField()
    year = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=8)
    city = models.CharField(max_length=40, blank=True)
    area = models.CharField(max_length=8)
    gbv_type = models.CharField(max_length=24)
    # 0 incident, 1 reported to police, 2 registered, 3 charged under a sexual-offence article,
    # 4 sent to court, 5 convicted, 6 custodial sentence: the deepest step of the nested funnel.
    funnel_step = models.PositiveSmallIntegerField(default=0)
    reported = models.BooleanField(default=False)
    refused = models.BooleanField(default=False)
    refusal_reason = models.CharField(max_length=32, blank=True)
    # The code of the first police unit (reference.offices()); "" when none of the list was chosen.
    police_unit = models.CharField(max_length=120, blank=True)
    days_to_registration = models.IntegerField(null=True)
    # Whole hours (rounded) from the first contact to registration, when both times were recorded.
    hours_to_registration = models.IntegerField(null=True)
    registered_sexual = models.BooleanField(default=False)
    downgraded = models.BooleanField(default=False)
    ending = models.CharField(max_length=32, blank=True)
    had_hearing = models.BooleanField(default=False)
    closed_hearing = models.BooleanField(default=False)
    # One bit per entry of reference.defence_arguments(), in list order.
    defence_mask = models.IntegerField(default=0)
    verdict_outcome = models.CharField(max_length=32, blank=True)
    sentence_type = models.CharField(max_length=32, blank=True)
    sentence_months = models.IntegerField(null=True)
    days_to_verdict = models.IntegerField(null=True)
    # Whole tenge paid by the survivor or her family (Cost.payer), in all and for a lawyer.
    survivor_paid = models.BigIntegerField(default=0)
    survivor_paid_lawyer = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["incident_date"], name="figures_date"),
            models.Index(fields=["organisation", "incident_date"], name="figures_org_date"),
        ]

    def __str__(self) -> str:
        return f"figures of case #{self.case_id}"


class FigureTally(models.Model):
    """The statistics cache summed by month: counts of `CaseFigures` rows per organisation, month of
    the incident, region and one breakdown group, for each measure the metrics read.

    Derived from `CaseFigures` by `aigaq.insights.rollup` and nothing else: a case's change moves
    its counts from its old rows to its new ones, and `insights_rebuild` recomputes them all. A
    dashboard over a million cases sums a few thousand of these rows instead of 850,000 cases.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # "month": the incidents of one month, `month` its first day; "year": the sum of a year's
    # month rows, `month` its 1 January. A period is read from whole years, then whole months.
    span = models.CharField(max_length=5)
    month = models.DateField()
    region = models.CharField(max_length=8)
    # Which breakdown `group` holds: "" (none; year and region come from month and region),
    # "area" or "gbv_type".
    by = models.CharField(max_length=8, blank=True)
    group = models.CharField(max_length=24, blank=True)
    measure = models.CharField(max_length=32)
    key = models.CharField(max_length=120, blank=True)
    value = models.IntegerField(default=0)
    n = models.BigIntegerField()
    total = models.BigIntegerField(default=0)
    total_lawyer = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["measure", "by", "span", "organisation", "region", "month"], name="tally_read"),
            models.Index(fields=["measure", "span", "organisation", "region", "key", "month"], name="tally_place"),
        ]
        constraints = [
            # One row per key: a case's change is an upsert on it (rollup.tally_change).
            models.UniqueConstraint(
                fields=["organisation", "span", "month", "region", "by", "group", "measure", "key", "value"],
                name="tally_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} of {self.month:%Y-%m}"
