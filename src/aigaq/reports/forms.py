"""The survivor's forms and the coordinator's reply. They parse and validate; services write."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq.cases.forms import lazy_choices
from aigaq.formats.text import GuardedForm

from . import files
from .models import Choice, Contact
from .services import ReportInput

TEXT_MAX = 5000  # what happened, in her words
SHORT_MAX = 300
QUESTION_SALT = "aigaq.reports.question"
QUESTION_MAX_AGE = 3 * 3600  # seconds a question stays good: a slow visit still has time


def new_question() -> tuple[str, int, int]:
    """A small sum to answer (no JavaScript, no third party): a signed token holding it, and its terms."""
    a, b = secrets.randbelow(8) + 2, secrets.randbelow(8) + 2
    return signing.dumps([a, b], salt=QUESTION_SALT), a, b


def question_terms(token: str) -> tuple[int, int] | None:
    try:
        a, b = signing.loads(token, salt=QUESTION_SALT, max_age=QUESTION_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(a), int(b)


def _not_in_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class AttachmentMixin(GuardedForm):
    """One photo, screenshot or PDF per sending, held in memory only (aigaq.uploads.MemoryOnlyUploadHandler)."""

    attachment = forms.FileField(
        label=_("A photo or screenshot"), required=False,
        help_text=_("Optional. JPEG, PNG or PDF, up to 5 MB. Place and camera details are removed from photos."))

    def __init__(self, *args: Any, too_big: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if self.too_big:
            raise ValidationError(_("The file is larger than 5 MB."), code="too_big")
        if upload is not None:
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in files.EXTENSIONS:
                raise ValidationError(_("Only JPEG, PNG or PDF files can be attached."), code="kind")
        return upload

    def upload(self) -> tuple[str, bytes] | None:
        upload = self.cleaned_data.get("attachment")
        return None if upload is None else (str(upload.name), upload.read())


class ChoiceFields(GuardedForm):
    choice = forms.ChoiceField(
        label=_("What may happen with your report"), choices=Choice.choices, widget=forms.RadioSelect,
        initial=Choice.RECORD,
        help_text=_("A sealed report opens only with your receipt code and PIN: not the organisation, not the "
                    "server's keys. If you lose the code or the PIN, nobody can open it again."))
    network = forms.BooleanField(
        label=_("Also look for him in other organisations of the network"), required=False,
        help_text=_("Only with a sealed report. Only keyed codes of what you wrote about him are compared with "
                    "other organisations' cases and reports, never your words. If he is found, you are asked "
                    "here first, as for a match in this organisation."))
    contact_way = forms.ChoiceField(label=_("May we contact you?"), choices=Contact.choices,
                                    widget=forms.RadioSelect, initial=Contact.NONE)
    contact_details = forms.CharField(
        label=_("A safe phone number or messenger account"), max_length=SHORT_MAX, required=False,
        help_text=_("Only one that nobody else reads."))
    safe_times = forms.CharField(label=_("When it is safe to contact you"), max_length=SHORT_MAX, required=False,
                                 help_text=_("For example: weekdays 10:00-13:00."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact_way") in (Contact.PHONE, Contact.MESSENGER) and not data.get("contact_details"):
            self.add_error("contact_details", ValidationError(
                _("Write the phone number or account we may use, or choose “Do not contact me”."), code="missing"))
        if data.get("choice") == Choice.CONTACT and data.get("contact_way") == Contact.NONE:
            self.add_error("contact_way", ValidationError(
                _("To be contacted, say how: by phone or through a messenger."), code="no_way"))
        if data.get("choice") != Choice.SEALED:
            data["network"] = False  # only a sealed report is looked for in the network
        return data

    def without_network(self) -> None:
        """The organisation is in no network: the box is not offered."""
        self.fields.pop("network", None)


class ReportForm(AttachmentMixin, ChoiceFields):
    field_order = ["date_from", "date_to", "city", "place_type", "account", "his_name", "his_phones",
                   "his_handles", "his_plates", "his_description", "contact_way", "contact_details",
                   "safe_times", "choice", "network", "attachment", "pin", "pin_again", "answer"]

    date_from = forms.DateField(label=_("When it happened"), required=False, validators=[_not_in_future],
                                widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("If you do not know the day, give the start of the period."))
    date_to = forms.DateField(label=_("End of the period"), required=False, validators=[_not_in_future],
                              widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Only if it went on for a while."))
    city = forms.CharField(label=_("City or village"), max_length=SHORT_MAX, required=False)
    place_type = forms.ChoiceField(label=_("Place"), choices=lazy_choices("place_types", blank=True), required=False)
    account = forms.CharField(label=_("What he did, in your words"), max_length=TEXT_MAX, widget=_textarea(8))
    his_name = forms.CharField(label=_("His name, as you know it"), max_length=SHORT_MAX, required=False,
                               help_text=_("Any spelling, a nickname is fine."))
    his_phones = forms.CharField(label=_("His phone numbers"), max_length=SHORT_MAX, required=False,
                                 widget=_textarea(2))
    his_handles = forms.CharField(label=_("His social media accounts"), max_length=SHORT_MAX, required=False,
                                  widget=_textarea(2))
    his_plates = forms.CharField(label=_("His car plate"), max_length=SHORT_MAX, required=False)
    his_description = forms.CharField(label=_("What he looks like, anything else you know"), max_length=TEXT_MAX,
                                      required=False, widget=_textarea(3))
    pin = forms.RegexField(
        label=_("Choose a PIN"), regex=r"^\d{4,12}$", widget=forms.PasswordInput(render_value=True),
        help_text=_("4 to 12 digits. You need it, with the receipt code, to open your report again."),
        error_messages={"invalid": _("The PIN is 4 to 12 digits.")})
    pin_again = forms.CharField(label=_("The PIN again"), max_length=12,
                                widget=forms.PasswordInput(render_value=True))
    question = forms.CharField(widget=forms.HiddenInput)
    answer = forms.IntegerField(label=_("Answer to the question"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        token = self.data.get(self.add_prefix("question")) if self.is_bound else None
        terms = question_terms(token) if token else None
        if terms is None:
            token, *terms_new = new_question()
            terms = (terms_new[0], terms_new[1])
            if self.is_bound:
                data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
                data[self.add_prefix("question")] = token
                self.data = data
        self.initial["question"] = token
        self.terms = terms
        self.fields["answer"].label = _("How much is %(a)s plus %(b)s?") % {"a": terms[0], "b": terms[1]}
        self.fields["answer"].help_text = _("A question that keeps out machines sending junk.")

    def clean_answer(self) -> int:
        answer = self.cleaned_data["answer"]
        if answer != sum(self.terms):
            raise ValidationError(_("That is not the answer. Please count again."), code="wrong_answer")
        return int(answer)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ValidationError(_("The end of the period is before its start."), code="order"))
        if data.get("pin") and data.get("pin_again") != data.get("pin"):
            self.add_error("pin_again", ValidationError(_("The two PINs are not the same."), code="pin_mismatch"))
        return data

    def to_input(self) -> ReportInput:
        d = self.cleaned_data
        return ReportInput(**{name: d[name] for name in (
            "date_from", "date_to", "city", "place_type", "account", "his_name", "his_phones", "his_handles",
            "his_plates", "his_description", "contact_way", "contact_details", "safe_times", "choice")},
                           network=bool(d.get("network")))


class ReceiptForm(GuardedForm):
    code = forms.CharField(label=_("Receipt code"), max_length=200,
                           help_text=_("The words you wrote down, in any letters, with or without dashes."))
    pin = forms.CharField(label=_("PIN"), max_length=12, widget=forms.PasswordInput)


class AddForm(AttachmentMixin):
    text = forms.CharField(label=_("Something to add"), max_length=TEXT_MAX, widget=_textarea(5), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("attachment") and not self.errors:
            raise ValidationError(_("Write something to add, or choose a file."), code="empty")
        return data


class ReplyForm(GuardedForm):
    text = forms.CharField(label=_("Reply to her"), max_length=TEXT_MAX, widget=_textarea(4),
                           help_text=_("She reads it when she opens her report with her code. Never write "
                                       "anything that would harm her if someone else read it."))


class DeleteForm(GuardedForm):
    confirm = forms.BooleanField(label=_("Yes, delete my report for ever"))


class MergeCaseForm(GuardedForm):
    """Step one of adding a report to an existing case: which case."""

    case = forms.CharField(label=_("Case code"), max_length=32,
                           help_text=_("The code at the top of the case's page (8 letters and digits)."))


class MergeConfirmForm(GuardedForm):
    """Step two: what to do with the man she names, and the confirmation."""

    case = forms.CharField(widget=forms.HiddenInput, max_length=32)
    suspect = forms.ChoiceField(label=_("The man she names"), widget=forms.RadioSelect)
    confirm = forms.BooleanField(label=_("Yes, add this report to this case"))

    def __init__(self, *args: Any, suspects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["suspect"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = suspects
