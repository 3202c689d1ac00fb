"""`aigaq organisation create NAME --coordinator USERNAME`: the first organisation of a new
installation and its first coordinator, who then adds her team from the Team page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.accounts import services
from aigaq.accounts.models import User


class Command(BaseCommand):
    help = ("Create an organisation and its first coordinator; prints her temporary password once "
            "(she replaces it and enrols a second factor at her first sign-in).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("name", help="the organisation's name, as staff will see it")
        parser.add_argument("--coordinator", required=True, help="the first coordinator's username")
        parser.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES], default="kk",
                            help="the organisation's language (default kk)")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["coordinator"].strip()
        name = options["name"].strip()
        if not username or not name:
            raise CommandError("the organisation's name and the coordinator's username must not be empty")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"the username {username!r} is taken; choose another")
        issued = services.organisation_create(actor=None, name=name, language=options["language"],
                                              coordinator_username=username)
        self.stdout.write(f"Organisation created. {username}'s temporary password (shown once; she chooses her own "
                          f"at her first sign-in):")
        self.stdout.write(issued.password)
