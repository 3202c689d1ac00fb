"""The people block of the case page: its forms (giving a member a place on the case, the date of
the next hearing) and what it shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aigaq.accounts.models import User
from aigaq.formats.text import GuardedForm

from .models import Assignment, Case
from .people import case_people, shareable_members


class ShareForm(GuardedForm):
    """A member of the organisation, her role on the case and, if her access should end, its last day."""

    member = forms.ChoiceField(label=_("Member"))
    role = forms.ChoiceField(label=_("Role on the case"), choices=Assignment.Role.choices,
                             initial=Assignment.Role.CASEWORKER)
    ends_on = forms.DateField(label=_("Access until (optional)"), required=False,
                              help_text=_("Her access ends after this day."),
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "share")
        super().__init__(*args, **kwargs)
        self.members = {m.code: m for m in shareable_members(case)}
        member_field = self.fields["member"]
        assert isinstance(member_field, forms.ChoiceField)
        member_field.choices = [("", "—"), *((m.code, m.username) for m in self.members.values())]

    def clean_ends_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("ends_on")
        if value is not None and value < timezone.localdate():
            raise ValidationError(_("This day has passed: choose today or a later day."), code="past")
        return value

    def chosen(self) -> User:
        return self.members[self.cleaned_data["member"]]


class NextHearingForm(GuardedForm):
    next_hearing_on = forms.DateField(label=_("Next hearing"), required=False,
                                      help_text=_("Leave empty when no hearing is set."),
                                      widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "hearing")
        super().__init__(*args, **kwargs)


def people_block(
    user: AbstractBaseUser | AnonymousUser, case: Case, invalid: forms.Form | None = None
) -> dict[str, Any]:
    """The case page's context for the people block; `invalid` (a form of the block that did not
    validate) is shown in place of the empty one."""
    share = invalid if isinstance(invalid, ShareForm) else ShareForm(case=case)
    hearing = invalid if isinstance(invalid, NextHearingForm) else NextHearingForm(
        initial={"next_hearing_on": case.next_hearing_on})
    return {"people": case_people(user, case), "share_form": share, "hearing_form": hearing}
