from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.models import Membership

from .models import Action


class AuditFilterForm(forms.Form):
    user = forms.ChoiceField(label=_("Who"), required=False)
    case = forms.CharField(label=_("Case"), required=False, max_length=32,
                           help_text=_("The case number, or its first characters"))
    action = forms.TypedChoiceField(label=_("What"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Membership.objects.filter(organisation=member.organisation).select_related("user")
        user_field: Any = self.fields["user"]
        people_choices = sorted(((m.user.code, m.user.get_username()) for m in people), key=lambda c: c[1])
        user_field.choices = [("", "—"), *people_choices]
        action_field: Any = self.fields["action"]
        action_field.choices = [("", "—"), *Action.choices]

    def clean_case(self) -> str:
        value: str = self.cleaned_data["case"]
        if value and not value.strip().isalnum():
            raise forms.ValidationError(_("A case number has only letters and digits."), code="case")
        return value.strip()
