"""`aigaq check`: is this installation configured safely and completely? Says what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.lib import crypto


class Command(BaseCommand):
    help = "Check the configuration (database, key file, secrets, production settings) and report problems."

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        notes: list[str] = []
        db = settings.DATABASES["default"]
        engine = str(db["ENGINE"])
        notes.append(f"database: {engine.rsplit('.', 1)[-1]} {db.get('NAME')}")
        try:
            connection.ensure_connection()
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                problems.append(f"{len(pending)} database migrations are not applied: run `aigaq manage migrate`")
        except Exception as exc:
            problems.append(f"cannot reach the database ({exc.__class__.__name__}: {exc}); check AIGAQ_DATABASE_URL")
        key_file = Path(settings.KEY_FILE)
        notes.append(f"key file: {key_file}")
        try:
            crypto.load_key_file(key_file)
        except crypto.KeyFileError as exc:
            problems.append(f"{exc} (create one with `aigaq keys init`)")
        data_dir = Path(settings.DATA_DIR).resolve()
        if key_file.resolve().is_relative_to(data_dir):
            problems.append("the key file is inside the data directory: a copy of the data would carry its key; "
                            "set AIGAQ_KEY_FILE to a path outside AIGAQ_DATA_DIR")
        key_store = Path(settings.KEY_STORE)
        notes.append(f"case key store: {key_store}")
        if key_store.resolve().is_relative_to(data_dir):
            problems.append("the case key store is inside the data directory: a backup of the data would carry the "
                            "case keys and erased cases could be read again; set AIGAQ_KEY_STORE outside it")
        if settings.DEV:
            notes.append("AIGAQ_DEV=1: development mode (plain HTTP cookies, no required 2FA) — never in production")
        else:
            if settings.DEBUG:
                problems.append("DEBUG is on in production")
            if "postgres" not in engine:
                notes.append("production on SQLite: fine for one small organisation; PostgreSQL is recommended")
            if not settings.REQUIRE_2FA:
                problems.append("two-factor authentication is switched off (AIGAQ_REQUIRE_2FA=0) in production")
            if set(settings.ALLOWED_HOSTS) <= {"127.0.0.1", "localhost"}:
                notes.append("AIGAQ_ALLOWED_HOSTS only lists this machine; set it to the public host name")
        for note in notes:
            self.stdout.write(f"  · {note}")
        if problems:
            for problem in problems:
                self.stderr.write(f"  ✗ {problem}")
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write("  ✓ configuration looks right")
