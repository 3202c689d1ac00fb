"""`aigaq demo`: the demo organisation, its four accounts and synthetic cases (see aigaq.demo.load).

`make run` calls it with --if-empty every time: once anything is in the database it only says where
the app and the demo passwords are, so running again keeps all data.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from aigaq.accounts.models import Organisation, User
from aigaq.demo.corpus import MEMBERS
from aigaq.demo.load import USERNAMES, accounts_text, demo_create


def write_private(path: Path, text: str) -> None:
    """Writes `text` to a file only its owner can read (0600), also when the file existed before."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # O_CREAT's mode applies only to a new file; an older one keeps its own until changed here.
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


class Command(BaseCommand):
    help = (
        "Create a demo organisation with four accounts (caseworker, lawyer, coordinator, analyst) and "
        "synthetic cases, and write the accounts' passwords to $AIGAQ_DATA_DIR/demo-accounts.txt (mode 0600)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing if any organisation exists (what `make run` uses)")
        parser.add_argument("--cases", type=int, default=300, help="how many cases, the story's two included "
                            "(default 300)")
        parser.add_argument("--seed", type=int, default=None,
                            help="the same seed gives the same cases; new passwords each time (default 2026, or the "
                            "network member's own)")
        parser.add_argument("--network-member", choices=sorted(MEMBERS), default=None,
                            help="load the demo of this member of the network demo instead (`make demo-network`): "
                            "its own organisation, its case of the story, its own seed")
        parser.add_argument("--accounts-file", type=Path, default=None,
                            help="where to write the accounts (default $AIGAQ_DATA_DIR/demo-accounts.txt)")

    def handle(self, *args: Any, **options: Any) -> None:
        url = f"http://127.0.0.1:{os.environ.get('AIGAQ_PORT') or '8000'}/"
        path: Path = options["accounts_file"] or Path(settings.DATA_DIR) / "demo-accounts.txt"
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("An organisation already exists: demo data not loaded, nothing changed.")
            self.stdout.write(f"Aigaq: {url}")
            if path.exists():
                self.stdout.write(f"Demo accounts and passwords: {path}")
            else:
                self.stdout.write(f"No demo accounts file at {path}.")
            return
        member = MEMBERS[options["network_member"]] if options["network_member"] else None
        least = len(member.story) if member else 2
        if options["cases"] < max(1, least):
            raise CommandError(f"--cases must be at least {max(1, least)}: the demo always holds its cases of the "
                               "article's story")
        seed = options["seed"] if options["seed"] is not None else (member.seed if member else 2026)
        taken = sorted(User.objects.filter(username__in=USERNAMES).values_list("username", flat=True))
        if taken:
            raise CommandError(
                f"the demo accounts exist already ({', '.join(taken)}): the demo is loaded; its passwords "
                f"are in {path}. Use a new data directory (AIGAQ_DATA_DIR) for a fresh demo."
            )
        started = time.monotonic()
        with tqdm(total=options["cases"], desc="demo cases", unit="case", disable=None) as bar:
            result = demo_create(count=options["cases"], seed=seed, on_case=bar.update, member=member)
        text = accounts_text(result, url)
        write_private(path, text)
        self.stdout.write(text)
        self.stdout.write(
            f"Created {result.cases} synthetic cases in {time.monotonic() - started:.1f} s. "
            f"The accounts above are also in {path} (readable only by you)."
        )
