"""Forms: they parse and validate, with messages in the user's language; services write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq import reference
from aigaq.formats.text import GuardedForm
from aigaq.i18n import active_language
from aigaq.linkage.normalise import iin_is_valid

from . import offices
from .inputs import (
    AMOUNT_MAX_DIGITS,
    CostInput,
    IncidentInput,
    RecordInput,
    ReferralInput,
    SurvivorInput,
    SuspectInput,
    WitnessInput,
    event_number_max,
)
from .listing import SORTS, VIEWS
from .models import Case, Cost, Incident, Note, PathwayEvent, Referral, Survivor, Suspect, Witness
from .pathway import SPECS, STAGES, EventSpec, FieldSpec, choice_items, other_name
from .selectors import FLAGS

InputT = TypeVar("InputT", bound=RecordInput)
RECORD_INPUTS: dict[type, type[RecordInput]] = {
    Survivor: SurvivorInput, Incident: IncidentInput, Suspect: SuspectInput, Witness: WitnessInput,
    Referral: ReferralInput, Cost: CostInput,
}


def _input(cls: type[InputT], form: forms.Form) -> InputT:
    """The form's cleaned values as the record's input (a form may clean more than it holds)."""
    return cls(**{name: form.cleaned_data[name] for name in cls.names()})


def lazy_choices(list_name: str, *, blank: bool = False) -> Any:
    """Choices that follow the active language at render time."""

    def build() -> list[tuple[str, str]]:
        items = choice_items(list_name)
        return [("", "—"), *items] if blank else items

    return build


def region_choices() -> list[tuple[str, str]]:
    return [("", "—"), *reference.choices(reference.regions(), active_language())]


def city_choices() -> list[tuple[str, str]]:
    lang = active_language()
    groups: list[tuple[str, Any]] = [("", "—")]
    for region in reference.regions():
        cities = [(c.code, c.label(lang)) for c in reference.cities() if c.region == region.code]
        if cities:
            groups.append((region.label(lang), cities))
    return groups


def local_now() -> dt.datetime:
    """Now, in the organisation's zone (a function, so tests can fix the moment)."""
    return timezone.localtime()


def not_in_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


class ArticleField(forms.CharField):
    """An article of the Criminal Code or the Code of Administrative Offences, typed or chosen."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        found = reference.article(text) or reference.parse_article(text)
        if found is None:
            raise ValidationError(
                _("There is no article “%(text)s” in our list. Write it as, for example, “CC 120” or “CAO 434”."),
                code="unknown_article",
                params={"text": text},
            )
        return found.code


def parse_phones(text: str) -> list[str]:
    """One phone per line or separated by commas; each must be a real number (Kazakhstan by default)."""
    phones = []
    for raw in [p.strip() for chunk in text.splitlines() for p in chunk.split(",")]:
        if not raw:
            continue
        try:
            number = phonenumbers.parse(raw, "KZ")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_possible_number(number):
            raise ValidationError(
                _("“%(phone)s” is not a phone number. Write it as, for example, +7 701 555 12 34 or 8 701 555 12 34."),
                code="bad_phone",
                params={"phone": raw},
            )
        phones.append(raw)
    return phones


NETWORK_CONSENT_LABEL = _(
    "She agrees to network matching: other organisations may learn that a suspect matches"
    " (no details leave this organisation)"
)


class SurvivorForm(GuardedForm):
    pseudonym = forms.CharField(
        label=_("Pseudonym"), max_length=40, required=False,
        help_text=_("A code name used instead of her name. Left empty, one is made up."),
    )
    name = forms.CharField(label=_("Her name"), max_length=200, required=False,
                           help_text=_("Optional. Stored encrypted."))
    contact = forms.CharField(label=_("How to reach her safely"), widget=forms.Textarea(attrs={"rows": 2}),
                              required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900, max_value=2100)
    age_at_incident = forms.IntegerField(label=_("Age at the incident"), required=False, min_value=0, max_value=120)
    sex = forms.ChoiceField(label=_("Sex"), choices=lazy_choices("sexes"), initial="female")
    consent_services = forms.BooleanField(label=_("She agrees to be referred to services"), required=False)
    consent_matching = forms.BooleanField(
        label=_("She agrees that the suspect is compared with suspects in other cases"), required=False
    )
    consent_statistics = forms.BooleanField(
        label=_("She agrees that her case is counted in anonymous statistics"), required=False
    )
    consent_network = forms.BooleanField(label=NETWORK_CONSENT_LABEL, required=False)

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None and year > timezone.localdate().year:
            raise ValidationError(_("This year is in the future."), code="future")
        return year

    def to_input(self) -> SurvivorInput:
        return _input(SurvivorInput, self)


class IncidentForm(GuardedForm):
    date_from = forms.DateField(
        label=_("Date of the incident"), validators=[not_in_future],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("If the exact date is unknown, give the start of the period."),
    )
    time_of_day = forms.TimeField(label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                                  help_text=_("Optional: the time of day, if known."))
    date_to = forms.DateField(
        label=_("End of the period"), required=False, validators=[not_in_future],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when the date is approximate."),
    )
    region = forms.ChoiceField(label=_("Region"), choices=region_choices)
    city = forms.ChoiceField(label=_("City or settlement"), choices=city_choices, required=False)
    settlement = forms.CharField(label=_("Settlement, if not in the list"), max_length=200, required=False)
    area = forms.ChoiceField(
        label=_("Urban or rural"), choices=(("urban", _("urban")), ("rural", _("rural"))), widget=forms.RadioSelect
    )
    place_type = forms.ChoiceField(label=_("Place"), choices=lazy_choices("place_types"))
    account = forms.CharField(label=_("What happened, in her words"), widget=forms.Textarea(attrs={"rows": 6}),
                              required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The GBVIMS classification: yes/no questions asked in the GBVIMS order; the first "yes"
        # is the type (the order of elimination picks the most specific type that applies).
        for gbv in reference.gbv_types():
            if gbv.code == "non_gbv":
                continue
            self.fields[f"gbv_{gbv.code}"] = forms.BooleanField(
                label=gbv.question_label(active_language()), required=False
            )

    @property
    def gbv_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("gbv_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ValidationError(_("The end of the period is before its start."), code="order"))
        city_code, region_code = data.get("city"), data.get("region")
        if city_code and region_code:
            found = reference.city(city_code)
            if found is None or found.region != region_code:
                self.add_error("city", ValidationError(_("This city is not in the chosen region."), code="region"))
        data["gbv_type"] = next(
            (g.code for g in reference.gbv_types() if g.code != "non_gbv" and data.get(f"gbv_{g.code}")),
            "non_gbv",
        )
        return data

    def to_input(self) -> IncidentInput:
        return _input(IncidentInput, self)


class ConsentForm(GuardedForm):
    """Her consents after intake (she may change her mind at any time)."""

    services = forms.BooleanField(label=_("She agrees to be referred to services"), required=False)
    matching = forms.BooleanField(
        label=_("She agrees that the suspect is compared with suspects in other cases"), required=False,
        help_text=_("Withdrawing it takes her case out of match alerts at once."),
    )
    statistics = forms.BooleanField(
        label=_("She agrees that her case is counted in anonymous statistics"), required=False
    )
    network = forms.BooleanField(
        label=NETWORK_CONSENT_LABEL, required=False,
        help_text=_("Withdrawing it takes her case out of network alerts at the next sync."),
    )

    @classmethod
    def of(cls, survivor: Survivor) -> ConsentForm:
        """The form showing her consents as they are now."""
        return cls(prefix="consent", initial={
            "services": survivor.consent_services, "matching": survivor.consent_matching,
            "statistics": survivor.consent_statistics, "network": survivor.consent_network})


class SuspectForm(GuardedForm):
    full_name = forms.CharField(label=_("Name, exactly as written"), max_length=300, required=False,
                                help_text=_("In any alphabet. Do not correct the spelling."))
    aliases = forms.CharField(label=_("Other names and nicknames"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line."))
    phones = forms.CharField(label=_("Phones"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One per line, in any format."))
    handles = forms.CharField(label=_("Social media accounts"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("@name or a profile link; one per line."))
    plates = forms.CharField(label=_("Car plates"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    iins = forms.CharField(label=_("IIN"), required=False, max_length=100)
    birth_date = forms.CharField(label=_("Date or year of birth"), required=False, max_length=10,
                                 help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"))
    approx_age = forms.IntegerField(label=_("Approximate age"), required=False, min_value=5, max_value=110)
    sex = forms.ChoiceField(label=_("Sex"), choices=lazy_choices("sexes"), initial="male")
    relation = forms.ChoiceField(label=_("Relation to her"), choices=lazy_choices("relations"), initial="unknown")
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_phones(self) -> str:
        text = self.cleaned_data.get("phones", "")
        return "\n".join(parse_phones(text))

    def clean_iins(self) -> str:
        text = self.cleaned_data.get("iins", "")
        values = [v.strip() for v in text.replace(",", " ").split() if v.strip()]
        for value in values:
            if not value.isdigit() or len(value) != 12:
                raise ValidationError(_("An IIN has 12 digits: “%(iin)s” does not."), code="bad_iin",
                                      params={"iin": value})
            if not iin_is_valid(value):
                raise ValidationError(_("“%(iin)s” is not a valid IIN: its check digit does not match."),
                                      code="bad_iin_check", params={"iin": value})
        return "\n".join(values)

    def clean_birth_date(self) -> str:
        text = (self.cleaned_data.get("birth_date") or "").strip()
        if not text:
            return ""
        for fmt, length in (("%Y", 4), ("%Y-%m", 7), ("%Y-%m-%d", 10)):
            if len(text) == length:
                try:
                    parsed = dt.datetime.strptime(text, fmt).date()
                except ValueError:
                    break
                if parsed > timezone.localdate():
                    raise ValidationError(_("This date is in the future."), code="future")
                return text
        raise ValidationError(_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."), code="bad_date")

    def has_content(self) -> bool:
        d = self.cleaned_data
        return any(d.get(k) for k in ("full_name", "aliases", "phones", "handles", "plates", "iins", "description"))

    def to_input(self) -> SuspectInput:
        return _input(SuspectInput, self)


SuspectFormSet = forms.formset_factory(SuspectForm, extra=2, max_num=20)


OTHER_OFFICE_LABEL = _("Other: not in the list (write it below)")


def office_choices(kind: str, region: str) -> Any:
    """The offices of `kind` grouped by region (an optgroup each, so the list works without
    JavaScript), the case's region first, then "other"."""

    def build() -> list[tuple[str, Any]]:
        groups = offices.grouped_choices(kind, region, active_language())
        return [("", "—"), *groups, (offices.OTHER, str(OTHER_OFFICE_LABEL))]

    return build


def _form_field(spec: FieldSpec, *, region: str = "") -> forms.Field:
    if spec.kind == "office":
        return forms.ChoiceField(label=spec.label, required=spec.required,
                                 choices=office_choices(spec.choices, region),
                                 help_text=_("The offices of the case's region come first."))
    if spec.kind == "article":
        return ArticleField(label=spec.label, required=spec.required, help_text=spec.help or
                            _("For example: CC 120, CAO 434"))
    if spec.kind == "choice":
        return forms.ChoiceField(label=spec.label, required=spec.required,
                                 choices=lazy_choices(spec.choices, blank=not spec.required))
    if spec.kind == "multichoice":
        return forms.MultipleChoiceField(label=spec.label, required=spec.required, choices=lazy_choices(spec.choices),
                                         widget=forms.CheckboxSelectMultiple)
    if spec.kind == "bool":
        return forms.BooleanField(label=spec.label, required=False)
    if spec.kind == "int":
        return forms.IntegerField(label=spec.label, required=spec.required, min_value=0,
                                  max_value=event_number_max(spec.name))
    if spec.kind == "decimal":
        return forms.DecimalField(label=spec.label, required=spec.required, min_value=Decimal(0), decimal_places=2,
                                  max_digits=AMOUNT_MAX_DIGITS)
    if spec.kind == "longtext":
        return forms.CharField(label=spec.label, required=spec.required, widget=forms.Textarea(attrs={"rows": 3}))
    return forms.CharField(label=spec.label, required=spec.required, max_length=300, help_text=spec.help)


class EventForm(GuardedForm):
    """One form per event type, built from the type's spec in `aigaq.cases.pathway`."""

    date = forms.DateField(label=_("Date"), validators=[not_in_future],
                           widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Optional: the time of day, if it matters (for example, how long the police took)."),
    )

    def __init__(self, spec: EventSpec, *args: Any, incident_date: dt.date | None = None, region: str = "",
                 **kwargs: Any) -> None:
        kwargs.setdefault("prefix", spec.type)
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.incident_date = incident_date
        for field_spec in spec.fields:
            self.fields[field_spec.name] = _form_field(field_spec, region=region)
            if field_spec.kind == "office":
                self.fields[other_name(field_spec.name)] = forms.CharField(
                    label=_("If not in the list: its name"), required=False, max_length=300,
                    help_text=_("Stored encrypted; a coordinator later maps it onto an office of the list."),
                )

    def split(self) -> tuple[dt.date, dt.time | None, dict[str, Any]]:
        """The cleaned date, time of day and the type's own fields."""
        values = dict(self.cleaned_data)
        values.pop("correction_reason", None)
        return values.pop("date"), values.pop("time", None), values

    @classmethod
    def initial_of(cls, event: PathwayEvent) -> dict[str, Any]:
        """An event's values as a form's initial data (a correction starts from what was recorded)."""
        return {"date": event.date, "time": event.time_of_day, **(event.facts or {}), **event.details}

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if self.incident_date and date < self.incident_date and self.spec.type != "incident":
            raise ValidationError(_("This date is before the incident (%(date)s)."), code="before_incident",
                                  params={"date": self.incident_date.isoformat()})
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        now = local_now()
        if data.get("date") == now.date() and data.get("time") and data["time"] > now.time():
            self.add_error("time", ValidationError(_("This time is in the future."), code="future"))
        for field_spec in self.spec.fields:
            other = other_name(field_spec.name)
            if field_spec.kind == "office" and data.get(field_spec.name) == offices.OTHER and \
                    not (data.get(other) or "").strip():
                self.add_error(other, ValidationError(_("Write the name of the office that is not in the list."),
                                                      code="other_office"))
        if self.spec.type == "requalified" and data.get("from_article") and \
                data.get("from_article") == data.get("to_article"):
            self.add_error("to_article", ValidationError(_("The new article is the same as the old one."),
                                                          code="same_article"))
        return data


REASON_HELP = _("Why: the earlier entry stays in the case's history with this reason.")


class EventCorrectionForm(EventForm):
    """The event as it should have been recorded, and why: it supersedes the earlier entry."""

    # Not "reason": a refusal's own field is called that.
    correction_reason = forms.CharField(label=_("Reason for the correction"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["correction_reason"] = self.fields.pop("correction_reason")  # after the event's own fields


class EventRetractionForm(GuardedForm):
    """An event entered in error, and why."""

    reason = forms.CharField(label=_("Reason for retracting it"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP)


def event_forms(incident_date: dt.date | None, region: str = "") -> list[EventForm]:
    return [EventForm(spec, incident_date=incident_date, region=region) for spec in SPECS.values()
            if spec.type != "incident"]


class ReferralForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Service"), choices=lazy_choices("referral_types"))
    provider = forms.CharField(label=_("Provider"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=lazy_choices("referral_statuses"))
    referred_on = forms.DateField(label=_("Referred on"), validators=[not_in_future],
                                  widget=forms.DateInput(attrs={"type": "date"}))
    closed_on = forms.DateField(label=_("Closed on"), required=False, validators=[not_in_future],
                                widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("closed_on") and data.get("referred_on") and data["closed_on"] < data["referred_on"]:
            self.add_error("closed_on", ValidationError(_("This date is before the referral."), code="order"))
        return data

    def to_input(self) -> ReferralInput:
        return _input(ReferralInput, self)


class NoteForm(GuardedForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class CostForm(GuardedForm):
    kind = forms.ChoiceField(label=_("What for"), choices=lazy_choices("cost_kinds"))
    amount = forms.DecimalField(label=_("Amount, tenge"), min_value=Decimal(0), max_digits=AMOUNT_MAX_DIGITS,
                                decimal_places=2)
    payer = forms.ChoiceField(label=_("Who paid"), choices=lazy_choices("payers"))
    paid_on = forms.DateField(label=_("Date"), required=False, validators=[not_in_future],
                              widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise ValidationError(_("Enter what she paid, in tenge: an amount above 0."), code="empty_amount")
        return amount

    def to_input(self) -> CostInput:
        return _input(CostInput, self)


class WitnessForm(GuardedForm):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    statement = forms.CharField(label=_("What she or he saw"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name in WitnessInput.names()):
            raise ValidationError(_("The form is empty: write at least the witness's name, contact or what "
                                    "she or he saw."), code="empty")
        return data

    def to_input(self) -> WitnessInput:
        return _input(WitnessInput, self)


# --- Correcting a record: its creation form, with the version it was loaded with ----------------


class VersionedForm(GuardedForm):
    """The version of the record the form was filled from travels with it, hidden, so that a save
    made after someone else's is refused (services.StaleVersion) instead of overwriting it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SurvivorEditForm(VersionedForm, SurvivorForm):
    pass


class IncidentEditForm(VersionedForm, IncidentForm):
    pass


class SuspectEditForm(VersionedForm, SuspectForm):
    pass


class WitnessEditForm(VersionedForm, WitnessForm):
    pass


class ReferralEditForm(VersionedForm, ReferralForm):
    pass


class CostEditForm(VersionedForm, CostForm):
    pass


class NoteEditForm(VersionedForm, NoteForm):
    def to_input(self) -> str:
        text: str = self.cleaned_data["text"]
        return text


def edit_initial(record: Survivor | Incident | Suspect | Witness | Referral | Cost | Note) -> dict[str, Any]:
    """An edit form's starting values: the record as it is now (`Input.of`), and its version."""
    values: dict[str, Any] = (
        {"text": record.text} if isinstance(record, Note) else RECORD_INPUTS[type(record)].of(record).values()
    )
    if isinstance(record, Incident):
        values[f"gbv_{record.gbv_type}"] = True
    return {**values, "version": record.version}


class CaseFilterForm(GuardedForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("Case code, a suspect's name in any alphabet, a phone, an account or a plate"))
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    region = forms.ChoiceField(label=_("Region"), choices=region_choices, required=False)
    since = forms.DateField(label=_("Incident from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Incident until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.ChoiceField(label=_("Flag"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)
    # The saved view (my cases, unassigned, ...): chosen with the links above the form, kept by it.
    view = forms.ChoiceField(required=False, choices=VIEWS, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage_field, flag_field = self.fields["stage"], self.fields["flag"]
        assert isinstance(stage_field, forms.ChoiceField) and isinstance(flag_field, forms.ChoiceField)
        stage_field.choices = [("", _("any")), *((c, str(label)) for c, label in STAGES)]
        flag_field.choices = [("", _("any")), *((c, str(label)) for c, label in FLAGS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", ValidationError(_("The end of the period is before its start."), code="order"))
        return data


class EraseForm(GuardedForm):
    """Erasing a case: its number typed again, so that the wrong case is not erased by a slip."""

    confirm = forms.CharField(label=_("Type the case number to confirm"), max_length=32)

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value.upper() != self.case.short_code:
            raise forms.ValidationError(_("This is not the number of this case."), code="mismatch")
        return value
