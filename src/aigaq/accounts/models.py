"""Organisations, users and their roles."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from aigaq.keys.sealed import SealedTextField
from aigaq.keys.store import keyring
from aigaq.lib.crypto import random_code

from . import totp

# The key-file subkey that seals staff names (accounts are not cases: no case key applies).
STAFF_NAMES_PURPOSE = "staff-names"


def staff_names_key() -> bytes:
    return keyring().subkey(STAFF_NAMES_PURPOSE)


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    LAWYER = "lawyer", _("Lawyer")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")


class Organisation(models.Model):
    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    name = models.CharField(_("name"), max_length=200)
    default_language = models.CharField(
        _("default language"), max_length=2, choices=settings.LANGUAGES, default="kk"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-stubs cannot follow FKs inherited from an abstract Device
    """A member of staff. Survivors never get accounts of this kind.

    Her first and last names are sealed like a case's personal fields (a copy of the database
    must not name every activist), under the key file's "staff-names" subkey and bound to her row
    ("accounts_user:<code>:first_name"). They are opened only where shown; nothing searches by
    them: staff are found by username (or e-mail address).
    """

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    first_name = SealedTextField(_("first name"), blank=True)
    last_name = SealedTextField(_("last name"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, blank=True)
    # Set when a coordinator issues a temporary password: she must choose her own before anything else.
    must_change_password = models.BooleanField(default=False)
    # Set when a coordinator reset her second factor (a lost phone): at her next sign-in she must
    # set up a new one before anything else, even where two-factor sign-in is not required.
    must_enrol_second_factor = models.BooleanField(default=False)

    def data_key(self) -> bytes:
        """The key of her sealed fields (SealedTextField): a key-file subkey, the same for all
        accounts, which outlives any case's erasure."""
        return staff_names_key()


class Membership(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user.username} @ {self.organisation} ({self.role})"

    @property
    def sees_records(self) -> bool:
        return self.role != Role.ANALYST


class WebAuthnCredential(Device):
    """A passkey or security key. A django-otp Device, so `is_verified()` and the login gate treat
    it like a TOTP app; it never takes typed tokens.

    `data` is fido2's AttestedCredentialData (credential id and public key): nothing secret and
    nothing about the person. The user handle given to the authenticator was random and is not kept.
    """

    # How her account page names this key when she removes it: never the sequential id.
    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "WebAuthn credential"

    def verify_token(self, token: object) -> bool:
        return False


class TotpDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238), in place of django-otp's TOTPDevice.

    The same fields and the same verification as django-otp's TOTPDevice (drift, tolerance, each
    code once through `last_t`, exponential throttling after wrong codes), except the secret: it is
    never stored in clear, only sealed under the key file's "totp" subkey and bound to this row's
    code and its owner's (see `aigaq.accounts.totp`). A copy of the database gives no secret.
    """

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    sealed_key = models.TextField(editable=False)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: only a later step is accepted (no replay).
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "TOTP device"

    def set_secret(self, secret: bytes) -> None:
        """Seals `secret` into this row; the owner must be set first (the seal names her)."""
        self.sealed_key = totp.seal_secret(secret, device_code=self.code, user_code=self.user.code)

    @property
    def bin_key(self) -> bytes:
        """The secret, opened for this verification only. Raises crypto.DecryptionError if the
        stored value is not this row's."""
        return totp.open_secret(self.sealed_key, device_code=self.code, user_code=self.user.code)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.sealed_key:
            # Like django-otp's default key: a device made without a secret gets a random one.
            self.set_secret(totp.new_secret())
        super().save(*args, **kwargs)

    def verify_token(self, token: object) -> bool:
        """django-otp's TOTPDevice.verify_token (django-otp 1.7), with the secret opened here.

        Call it through django_otp.verify_token, which locks the row (select_for_update) so two
        requests cannot both spend one code.
        """
        allowed, _why = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            code = int(str(token))
        except ValueError:
            verified = False
        else:
            checker = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            checker.time = time.time()
            verified = bool(checker.verify(code, self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = checker.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = checker.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))


class UserSession(models.Model):
    """Index from sessions to their user, so she and her coordinator can list and end them.

    Only a keyed hash of the session key is kept: this table never holds a usable cookie value.
    A signed-in request whose session has no row here is signed out (see GateMiddleware), which is
    how ending a session works without the session key itself.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    # How her account page names this session when she ends it: never the sequential id, and
    # nothing derived from the session key.
    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now_add=True)
    # "Firefox on Windows": enough for her to recognise her devices, not a fingerprint; no IP.
    agent = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"session of {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """A one-time link for joining the organisation with a role, valid until `expires_at`.

    Only a keyed hash of the link's secret is kept, so a copy of the database opens no invitation;
    the invitation is named by its random code on the team page. It is spent (`used_at`) by the
    account created with it, or withdrawn by a coordinator.
    """

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.code[:8]} ({self.role})"


class TokenBucket(models.Model):
    """A rate-limit bucket, after healthchecks' TokenBucket. `key` is a keyed hash, never a
    username or an address."""

    key = models.CharField(max_length=80, unique=True)
    tokens = models.FloatField(default=1.0)
    updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"bucket {self.key[:8]}: {self.tokens:.2f}"
