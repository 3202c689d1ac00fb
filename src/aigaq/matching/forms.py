from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aigaq.formats.text import GuardedForm

from .models import Status


class DecisionForm(GuardedForm):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[
            (Status.CONFIRMED.value, _("Same man: link the cases")),
            (Status.REJECTED.value, _("Not the same man: never show this pair again")),
            (Status.UNSURE.value, _("Unsure: keep it in the queue")),
        ],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decided so. Stored encrypted; visible to coordinators only."),
    )
