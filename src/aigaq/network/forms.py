"""A coordinator's answers to a network alert."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aigaq.formats.text import GuardedForm

from .models import Decision

CONTACT_HELP = _("Your name and a work phone or e-mail. It is shown to the other side only if contact is agreed.")


class DecisionForm(GuardedForm):
    decision = forms.ChoiceField(choices=Decision.choices)


class ContactRequestForm(GuardedForm):
    message = forms.CharField(
        label=_("Message to the other coordinator"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say nothing about the case or the survivor: only that you would like to talk."),
    )
    contact = forms.CharField(label=_("Your work contact"), max_length=300, help_text=CONTACT_HELP)


class ContactAnswerForm(GuardedForm):
    answer = forms.ChoiceField(choices=(("accept", _("Accept")), ("decline", _("Decline"))))
    contact = forms.CharField(label=_("Your work contact"), max_length=300, required=False, help_text=CONTACT_HELP)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "accept" and not data.get("contact"):
            self.add_error("contact", ValidationError(_("Give your work contact to accept."), code="required"))
        return data

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["answer"] == "accept"
