from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq import locker
from aigaq.formats.text import GuardedForm

from .inputs import FIELDS, EntryInput
from .models import AbuseEntry, Platform, ThreatLevel
from .report import LANGUAGES

EARLIEST = dt.date(1990, 1, 1)  # no message of the internet era is older (and year 1 overflows in UTC)
ACCEPT = ",".join(f".{e}" for e in {**locker.KINDS, **locker.WEB_ARCHIVE_KINDS})
FILE_HELP = _("A screenshot (JPEG, PNG), a saved page (WARC, .warc or .warc.gz), PDF, text, audio or video. "
              "Location and camera details are removed from photos.")


class EntryForm(GuardedForm):
    platform = forms.ChoiceField(label=_("Where it came"), choices=Platform.choices)
    received_on = forms.DateField(label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"}))
    received_time = forms.TimeField(label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    sender_handle = forms.CharField(label=_("Sender's account"), required=False, max_length=500,
                                    help_text=_("@name or a link to the profile; one per line if several."))
    sender_phone = forms.CharField(label=_("Sender's phone number"), required=False, max_length=200,
                                   help_text=_("In any form: 8 701 …, +7 701 …"))
    sender_name = forms.CharField(label=_("Sender's name, if known"), required=False, max_length=300)
    message = forms.CharField(label=_("The message, as written"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    threat_level = forms.ChoiceField(label=_("Threat level"), choices=ThreatLevel.choices, widget=forms.RadioSelect)
    platform_reported_on = forms.DateField(label=_("Reported to the platform on"), required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))
    platform_outcome = forms.CharField(label=_("What the platform did"), required=False, max_length=5000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    police_reported_on = forms.DateField(label=_("Reported to the police on"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}))
    police_outcome = forms.CharField(label=_("What the police did"), required=False, max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text=_("The registration number (KUSP), a refusal, a decision."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        received = data.get("received_on")
        if received and received > today:
            self.add_error("received_on", forms.ValidationError(_("This date is in the future."), code="future"))
        elif received and received < EARLIEST:
            self.add_error("received_on", forms.ValidationError(
                _("This date is before %(year)d: please check it.") % {"year": EARLIEST.year}, code="early"))
            data.pop("received_on", None)
        for name in ("platform_reported_on", "police_reported_on"):
            day = data.get(name)
            if day and day > today:
                self.add_error(name, forms.ValidationError(_("This date is in the future."), code="future"))
            elif day and received and day < received:
                self.add_error(name, forms.ValidationError(
                    _("This is before the message was received."), code="before"))
        return data

    def to_input(self) -> EntryInput:
        data = self.cleaned_data
        received = timezone.make_aware(dt.datetime.combine(data["received_on"], data["received_time"] or dt.time()))
        return EntryInput(
            platform=data["platform"], received_at=received, threat_level=data["threat_level"],
            message=data["message"], sender_handle=data["sender_handle"], sender_phone=data["sender_phone"],
            sender_name=data["sender_name"], platform_reported_on=data["platform_reported_on"],
            platform_outcome=data["platform_outcome"], police_reported_on=data["police_reported_on"],
            police_outcome=data["police_outcome"])


class EntryCreateForm(EntryForm):
    file = forms.FileField(label=_("Screenshot or saved page"), required=False, help_text=FILE_HELP)

    def __init__(self, *args: Any, too_big: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["file"].widget.attrs["accept"] = ACCEPT

    def clean_file(self) -> Any:
        return check_file(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.too_big:
            self.errors.pop("file", None)
            self.add_error("file", too_big_error())
        return data


class EntryEditForm(EntryForm):
    """A correction: the version the form was filled from travels with it (a save after someone
    else's is refused), and she says why, which the history keeps with the earlier version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("The earlier version stays in the entry's history with this reason."))


def edit_initial(entry: AbuseEntry) -> dict[str, Any]:
    received = timezone.localtime(entry.received_at)
    initial = {name: getattr(entry, name) for name in FIELDS if name != "received_at"}
    return {**initial, "received_on": received.date(), "received_time": received.time().replace(second=0,
                                                                                                microsecond=0),
            "version": entry.version}


def check_file(upload: Any) -> Any:
    if upload is None:
        return None
    head = upload.read(locker.HEAD_BYTES)
    upload.seek(0)
    if locker.kind_of(upload.name or "", head, {**locker.KINDS, **locker.WEB_ARCHIVE_KINDS}) is None:
        raise forms.ValidationError(
            _("This kind of file is not accepted, or its content does not match its name."), code="kind")
    return upload


def too_big_error() -> forms.ValidationError:
    limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
    return forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit}, code="size")


class FileForm(GuardedForm):
    file = forms.FileField(label=_("Screenshot or saved page"), help_text=FILE_HELP)

    def __init__(self, *args: Any, too_big: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["file"].widget.attrs["accept"] = ACCEPT

    def clean_file(self) -> Any:
        return check_file(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.too_big:
            self.errors.pop("file", None)
            self.add_error("file", too_big_error())
        return data


class ReportForm(GuardedForm):
    """One click on the list: the entries ticked, the format and the language."""

    entries = forms.MultipleChoiceField(label=_("Entries"), widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _("Tick at least one entry.")})
    format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("docx", _("Word (.docx)"))],
                               initial="pdf")
    language = forms.ChoiceField(label=_("Language of the report"),
                                 choices=[(code, name) for code, name in settings.LANGUAGES if code in LANGUAGES])

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]


class DeleteForm(GuardedForm):
    """Deleting an entry: its number typed again, so that the wrong entry is not deleted by a slip."""

    confirm = forms.CharField(label=_("Type the entry's number to confirm"), max_length=32)

    def __init__(self, *args: Any, entry: AbuseEntry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value.upper() != self.entry.short_code:
            raise forms.ValidationError(_("This is not the number of this entry."), code="mismatch")
        return value
