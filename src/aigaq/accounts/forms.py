from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UsernameField
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token

from aigaq.formats.text import GuardedForm

from .models import Role, TotpDevice, User


class LoginForm(GuardedForm):
    # Taken exactly as typed: a password may hold any character.
    unguarded_fields = frozenset(("password",))

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {"invalid_login": _("The username or the password is wrong.")}


def _code_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )


PASSWORD_HELP = _("At least 12 characters; a few unrelated words are easy to remember and hard to guess.")


def new_password_field(label: Any, *, help_text: Any = "") -> forms.CharField:
    """A password she chooses: taken exactly as typed (no stripping; list it in unguarded_fields)."""
    return forms.CharField(label=label, strip=False, max_length=4096, help_text=help_text,
                           widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


def check_new_password(form: forms.Form, field: str, user: User) -> None:
    """Django's password validators on the chosen password; their messages go under `field`."""
    try:
        password_validation.validate_password(form.cleaned_data[field], user)
    except forms.ValidationError as exc:
        form.add_error(field, exc)


class CodeForm(GuardedForm):
    """The six-digit code from her authenticator app, checked against her confirmed TOTP devices."""

    code = _code_field(_("Code from your authenticator app"))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: TotpDevice | None = None

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        for device in TotpDevice.objects.filter(user=self.user, confirmed=True):
            # verify_token locks the device row, applies django-otp's throttling and accepts each
            # code once only (last_t).
            if verify_token(self.user, device.persistent_id, code) is not None:
                self.device = device
                return code
        raise forms.ValidationError(_("This code is not valid. Codes change every 30 seconds and work once."))


class TotpSetupForm(GuardedForm):
    name = forms.CharField(label=_("Name of this device"), max_length=64, initial=_("Phone"))
    code = _code_field(_("Code shown by the app"))


class KeySetupForm(GuardedForm):
    name = forms.CharField(label=_("Name of this key"), max_length=64, initial=_("Security key"))
    response = forms.CharField(widget=forms.HiddenInput, max_length=20000)


class KeyForm(GuardedForm):
    response = forms.CharField(widget=forms.HiddenInput, max_length=20000)


class StepUpForm(GuardedForm):
    # Taken exactly as typed: a password may hold any character.
    unguarded_fields = frozenset(("step_up_password",))

    step_up_password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    step_up_code = forms.CharField(
        label=_("or a code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not TotpDevice.objects.filter(user=user, confirmed=True).exists():
            del self.fields["step_up_code"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("step_up_password")
        code = (data.get("step_up_code") or "").strip()
        if password and self.user.check_password(password):
            return data
        if code and any(
            verify_token(self.user, device.persistent_id, code) is not None
            for device in TotpDevice.objects.filter(user=self.user, confirmed=True)
        ):
            return data
        raise forms.ValidationError(_("That did not match. Enter your password again."))


class PasswordChangeForm(GuardedForm):
    # Taken exactly as typed: a password may hold any character.
    unguarded_fields = frozenset(("old_password", "new_password1", "new_password2"))

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = new_password_field(_("New password"), help_text=PASSWORD_HELP)
    new_password2 = new_password_field(_("New password again"))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(_("Your current password is not right."))
        return old

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2:
            if new1 != new2:
                self.add_error("new_password2", _("The two new passwords differ."))
            elif new1 == data.get("old_password"):
                self.add_error("new_password1", _("Choose a password different from the current one."))
            else:
                check_new_password(self, "new_password1", self.user)
        return data


class MemberCreateForm(GuardedForm):
    username = UsernameField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class MemberFindForm(GuardedForm):
    """The team page's search: part of a username, or a whole e-mail address. Never a name: names
    are sealed, and no index of them is kept."""

    find = forms.CharField(label=_("Username or e-mail address"), max_length=254, required=False)


class InviteForm(GuardedForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RoleForm(GuardedForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinForm(GuardedForm):
    """Joining through an invitation: her username and the password she chooses."""

    # Taken exactly as typed: a password may hold any character.
    unguarded_fields = frozenset(("password1", "password2"))

    username = UsernameField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password1 = new_password_field(_("Password"), help_text=PASSWORD_HELP)
    password2 = new_password_field(_("Password again"))

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new1, new2 = data.get("password1"), data.get("password2")
        if new1 and new2:
            if new1 != new2:
                self.add_error("password2", _("The two passwords differ."))
            else:
                check_new_password(self, "password1", User(username=data.get("username", "")))
        return data
