"""`aigaq check`: is this installation configured safely and completely? Says what to fix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigaq.lib import crypto
from aigaq.matching.relink import outdated_encodings
from aigaq.ops.filemodes import too_open


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
            elif outdated := outdated_encodings():
                problems.append(f"{outdated} suspects in matching are encoded with an older encoding version and "
                                "would not meet new suspects as they should: run `aigaq manage relink`")
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
        problems += _key_store_writable(key_store)
        problems += too_open()
        if settings.DEV:
            notes.append("AIGAQ_DEV=1: development mode (plain HTTP cookies, no required 2FA) — never in production")
        else:
            if settings.DEBUG:
                problems.append("DEBUG is on in production")
            if "postgres" not in engine:
                notes.append("production on SQLite: fine for one small organisation; PostgreSQL is recommended")
            if not settings.REQUIRE_2FA:
                problems.append("two-factor authentication is switched off (AIGAQ_REQUIRE_2FA=0) in production")
            if settings.SECURE_SSL_REDIRECT and not settings.TRUSTED_PROXY:
                problems.append("AIGAQ_TRUSTED_PROXY is not set: behind the reverse proxy every request looks like "
                                "plain HTTP and is redirected to HTTPS again and again, and every visitor shares the "
                                "proxy's address (one rate limit for all); set it to the proxy's address, e.g. "
                                "127.0.0.1 (docs/deploy.md)")
            if settings.TSA_URL and not settings.TSA_CA_FILE:
                notes.append("AIGAQ_TSA_URL is set without AIGAQ_TSA_CA_FILE: court bundles' timestamps are "
                             "checked against the certificates the server sends, not a chain you chose; set it to "
                             "the timestamp server's CA certificate (docs/deploy.md)")
            if set(settings.ALLOWED_HOSTS) <= {"127.0.0.1", "localhost"}:
                notes.append("AIGAQ_ALLOWED_HOSTS only lists this machine; set it to the public host name")
        for note in notes:
            self.stdout.write(f"  · {note}")
        if problems:
            for problem in problems:
                self.stderr.write(f"  ✗ {problem}")
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write("  ✓ configuration looks right")


def _key_store_writable(key_store: Path) -> list[str]:
    """New cases write their data key, and `aigaq keys rotate` every key, into the key store: its
    folder must be writable by the server (not only the file: SQLite writes a journal beside it).
    Under systemd's ProtectSystem=strict that means listed in ReadWritePaths (deploy/systemd)."""
    folder = key_store.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # made on first use: the nearest existing folder must allow that
    targets = [folder] + ([key_store] if key_store.exists() else [])
    if all(os.access(target, os.W_OK) for target in targets):
        return []
    return [f"the case key store {key_store} cannot be written by this user: new cases and key rotation would "
            f"fail; make {folder} writable (under systemd: ReadWritePaths=, as in deploy/systemd/aigaq.service)"]
