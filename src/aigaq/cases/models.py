"""Cases and what is recorded in them.

Every identifying or free-text field is a SealedTextField (encrypted under the case's data
key); `aigaq.cases.personal` lists them in one place and a test keeps that list and the
models in agreement. Codes from reference data (regions, articles, event types…) are stored
as their stable ASCII codes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.models import Organisation
from aigaq.keys.sealed import SealedTextField
from aigaq.lib.crypto import random_code


class Case(models.Model):
    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Assignment", related_name="assigned_cases"
    )
    # What the case list sorts and filters on, kept by `cases.summary.refresh` from the same
    # derivation as the case page (`pathway.derive`) whenever the case changes, so that one page
    # of a list of 100,000 cases is one indexed query instead of a derivation of every case.
    stage = models.CharField(max_length=16, default="intake")
    # The date of the last event, when it still awaits someone's decision ("waiting for a decision"
    # once it is older than settings.WAITING_DAYS); None when nothing is awaited.
    awaiting_since = models.DateField(null=True, blank=True)
    refused_registration = models.BooleanField(default=False)
    downgraded = models.BooleanField(default=False)
    closed_hearing = models.BooleanField(default=False)
    custodial = models.BooleanField(null=True, blank=True)  # None: no sentence yet
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # The incident's date (or the start of its period), the list's default order.
    incident_on = models.DateField(null=True, blank=True)
    # Set by her lawyer or caseworker on the case page when the court gives a date.
    next_hearing_on = models.DateField(_("next hearing"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "incident_on", "id"], name="case_org_incident"),
            models.Index(fields=["organisation", "stage"], name="case_org_stage"),
            models.Index(fields=["organisation", "awaiting_since"], name="case_org_awaiting"),
            models.Index(fields=["organisation", "last_activity_at"], name="case_org_activity"),
            models.Index(fields=["organisation", "next_hearing_on"], name="case_org_hearing"),
        ]

    def __str__(self) -> str:
        return self.code

    def data_key(self) -> bytes:
        """The case's data key, from the key store (never the database: see cases.keys).
        Raises keys.KeyDestroyed for an erased case."""
        dek = getattr(self, "_dek", None)
        if dek is None:
            from aigaq.keys.store import case_key

            dek = case_key(self.code)
            self._dek = dek
        return dek

    @property
    def short_code(self) -> str:
        return self.code[:8].upper()


class Assignment(models.Model):
    """A member's place on a case: her role there, and until when (`ends_on` included; her access
    ends the day after). Looked up by its random code, never by its id."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        CASEWORKER = "caseworker", _("caseworker")
        LAWYER = "lawyer", _("lawyer")
        READ_ONLY = "read_only", _("read-only")

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role on the case"), max_length=12, choices=Role.choices, default=Role.CASEWORKER)
    ends_on = models.DateField(_("access until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_assignment_per_user")]
        indexes = [models.Index(fields=["user", "ends_on"], name="assignment_user_ends")]

    @property
    def writes(self) -> bool:
        return self.role != self.Role.READ_ONLY


class CaseRecord(models.Model):
    """Something recorded in a case: it has its own random code and shares the case's key.

    `version` counts the saves of an editable record: an edit form carries the version it was
    loaded with, and a save from a stale version is refused (`services.StaleVersion`) instead of
    overwriting what someone else saved in between."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    case: models.ForeignKey[Case, Case]
    version: int  # a field of each editable record (not of pathway events, which are never edited)

    class Meta:
        abstract = True

    def data_key(self) -> bytes:
        return self.case.data_key()


class TimeOfDay(models.Model):
    """A local date (the field `DAY_FIELD` names) with an optional time of day.

    The instant is stored in UTC (`occurred_at`, None when no time was given); `time_of_day` reads
    and writes it as a time in the organisation's zone (settings.TIME_ZONE: Kazakhstan has one zone,
    UTC+5, since March 2024). Changing the date keeps the time of day. The model's constructor takes
    `time_of_day=` like a field (Django sets properties given as keyword arguments); mypy's plugin
    does not know that, so code sets `record.time_of_day` after constructing it."""

    DAY_FIELD = "date"
    occurred_at = models.DateTimeField(_("time"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        day: dt.date | None = getattr(self, self.DAY_FIELD)
        time = self.time_of_day
        self.occurred_at = (
            timezone.make_aware(dt.datetime.combine(day, time)) if day is not None and time is not None else None
        )
        self.__dict__.pop("_time_of_day", None)
        update_fields = kwargs.get("update_fields")
        # `time_of_day` is not a column: a save of it (or of the day) writes the instant.
        if update_fields is not None and {self.DAY_FIELD, "time_of_day"} & set(update_fields):
            kwargs["update_fields"] = {*(set(update_fields) - {"time_of_day"}), "occurred_at"}
        super().save(*args, **kwargs)

    @property
    def time_of_day(self) -> dt.time | None:
        if "_time_of_day" in self.__dict__:
            value: dt.time | None = self.__dict__["_time_of_day"]
            return value
        if self.occurred_at is None:
            return None
        return timezone.localtime(self.occurred_at).time().replace(second=0, microsecond=0)

    @time_of_day.setter
    def time_of_day(self, value: dt.time | None) -> None:
        self.__dict__["_time_of_day"] = value


class Survivor(CaseRecord):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="survivor")
    version = models.PositiveIntegerField(default=1, editable=False)
    # Sealed too: a code name she chose may still point to her.
    pseudonym = SealedTextField(_("pseudonym"))
    name = SealedTextField(_("name"), blank=True)
    contact = SealedTextField(_("contact details"), blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age_at_incident = models.PositiveSmallIntegerField(_("age at the incident"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, default="female")
    consent_services = models.BooleanField(_("consents to referrals to services"), default=False)
    consent_matching = models.BooleanField(_("consents to matching the suspect with other cases"), default=False)
    consent_statistics = models.BooleanField(_("consents to being counted in statistics"), default=False)
    # Separate from matching inside the organisation: consent to that does not carry over.
    consent_network = models.BooleanField(
        _("consents to network matching with other organisations"), default=False
    )


class Incident(TimeOfDay, CaseRecord):
    DAY_FIELD = "date_from"

    class Area(models.TextChoices):
        URBAN = "urban", _("urban")
        RURAL = "rural", _("rural")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="incident")
    version = models.PositiveIntegerField(default=1, editable=False)
    date_from = models.DateField(_("date (or start of the period)"), db_index=True)
    date_to = models.DateField(_("end of the period"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=8)
    city = models.CharField(_("city or settlement"), max_length=40, blank=True)
    settlement = SealedTextField(_("settlement, if not in the list"), blank=True)
    area = models.CharField(_("urban or rural"), max_length=8, choices=Area.choices)
    place_type = models.CharField(_("place"), max_length=20)
    gbv_type = models.CharField(_("type of violence (GBVIMS)"), max_length=24)
    account = SealedTextField(_("her account, in her words"), blank=True)


class Suspect(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspects")
    version = models.PositiveIntegerField(default=1, editable=False)
    full_name = SealedTextField(_("name as written"), blank=True)
    aliases = SealedTextField(_("other names and nicknames"), blank=True)
    phones = SealedTextField(_("phones"), blank=True)
    handles = SealedTextField(_("social media accounts"), blank=True)
    plates = SealedTextField(_("car plates"), blank=True)
    iins = SealedTextField(_("IIN"), blank=True)
    birth_date = SealedTextField(_("date or year of birth"), blank=True)
    approx_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, default="male")
    relation = models.CharField(_("relation to the survivor"), max_length=20, default="unknown")
    description = SealedTextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class SearchToken(models.Model):
    """Keyed blind index of a suspect's identifiers, for search without plaintext."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="search_tokens")
    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, related_name="search_tokens")
    purpose = models.CharField(max_length=12)
    token = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["organisation", "token"])]


class Witness(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="witnesses")
    version = models.PositiveIntegerField(default=1, editable=False)
    name = SealedTextField(_("name"), blank=True)
    contact = SealedTextField(_("contact details"), blank=True)
    statement = SealedTextField(_("what she or he saw"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Referral(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    version = models.PositiveIntegerField(default=1, editable=False)
    kind = models.CharField(_("service"), max_length=20)
    provider = SealedTextField(_("provider"), blank=True)
    status = models.CharField(_("status"), max_length=12)
    referred_on = models.DateField(_("referred on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = SealedTextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Note(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    version = models.PositiveIntegerField(default=1, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = SealedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class Cost(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="costs")
    version = models.PositiveIntegerField(default=1, editable=False)
    kind = models.CharField(_("what for"), max_length=20)
    amount = models.DecimalField(_("amount, tenge"), max_digits=12, decimal_places=2)
    payer = models.CharField(_("who paid"), max_length=24)
    paid_on = models.DateField(_("date"), null=True, blank=True)
    note = SealedTextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class PathwayEventQuerySet(models.QuerySet["PathwayEvent"]):
    def current(self) -> PathwayEventQuerySet:
        """The facts as they stand: neither superseded by a correction nor retracted."""
        return self.filter(superseded_at__isnull=True, retracted_at__isnull=True)


class PathwayEvent(TimeOfDay, CaseRecord):
    """One dated step of the case through police, prosecutor and court.

    `facts` holds the type's coded, non-identifying fields (articles, reasons, outcomes,
    lengths); `details` holds its identifying and free-text fields (an officer's name, the
    words he said, a register number), sealed. `aigaq.cases.pathway` defines both per type.

    Events are the case's history and are never edited in place: a correction is a new event
    that `corrects` the old one (which gets `superseded_at`), a retraction marks an event entered
    in error (`retracted_at`). Both keep their reason, sealed. Only current events count.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=32)
    date = models.DateField(_("date"))
    facts = models.JSONField(default=dict, blank=True)
    details_sealed = SealedTextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Where the event stands among the events of its day: when it was entered, or for a correction
    # when the event it corrects was entered (a correction takes the old event's place).
    placed_at = models.DateTimeField(null=True, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    correction_reason = SealedTextField(_("why it was corrected"), blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retraction_reason = SealedTextField(_("why it was retracted"), blank=True)

    objects = PathwayEventQuerySet.as_manager()

    class Meta:
        ordering = ["date", "placed_at", "id"]
        indexes = [models.Index(fields=["case", "type"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.placed_at is None:
            self.placed_at = self.corrects.placed_at if self.corrects is not None else timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.retracted_at is None

    @property
    def details(self) -> dict[str, Any]:
        raw = self.details_sealed
        return json.loads(raw) if raw else {}

    @details.setter
    def details(self, value: dict[str, Any]) -> None:
        clean = {k: v for k, v in value.items() if v not in (None, "", [])}
        self.details_sealed = json.dumps(clean, ensure_ascii=False, sort_keys=True) if clean else ""
