"""Organisations, users and their roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class User(AbstractUser):
    """A member of staff. Survivors never get accounts of this kind."""

    code = models.CharField(max_length=32, unique=True, default=random_code, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, blank=True)


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
