"""Organisations, users and their roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from aigaq.lib.crypto import random_code


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
    """A member of staff. Survivors never get accounts of this kind."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, blank=True)
    # Set when a coordinator issues a temporary password: she must choose her own before anything else.
    must_change_password = models.BooleanField(default=False)


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

    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "WebAuthn credential"

    def verify_token(self, token: object) -> bool:
        return False


class UserSession(models.Model):
    """Index from sessions to their user, so she and her coordinator can list and end them.

    Only a keyed hash of the session key is kept: this table never holds a usable cookie value.
    A signed-in request whose session has no row here is signed out (see GateMiddleware), which is
    how ending a session works without the session key itself.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now_add=True)
    # "Firefox on Windows": enough for her to recognise her devices, not a fingerprint; no IP.
    agent = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"session of {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class TokenBucket(models.Model):
    """A rate-limit bucket, after healthchecks' TokenBucket. `key` is a keyed hash, never a
    username or an address."""

    key = models.CharField(max_length=80, unique=True)
    tokens = models.FloatField(default=1.0)
    updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"bucket {self.key[:8]}: {self.tokens:.2f}"
