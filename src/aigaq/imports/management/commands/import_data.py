"""`aigaq import cases FILE` and `aigaq import template -o FILE` (docs/user-guide.md, "Importing
cases from a spreadsheet"). Problems are printed in the organisation's language, one a line, with
sheet, row and column; the exit status is 1 when nothing was written because of them. On a terminal
two progress bars show the rows checked and the cases saved; elsewhere (cron, a pipe) it is quiet."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from aigaq.accounts.models import Membership, Organisation, Role, User
from aigaq.imports import importer
from aigaq.imports.columns import KEYS, header_key, suggest
from aigaq.imports.reader import Unreadable, read


def _organisation(slug: str | None) -> Organisation:
    if slug:
        found = Organisation.objects.filter(code=slug).first() or Organisation.objects.filter(name=slug).first()
        if found is None:
            raise CommandError(f"no organisation {slug!r} (give its code or its exact name)")
        return found
    orgs = list(Organisation.objects.all()[:2])
    if len(orgs) != 1:
        raise CommandError("this instance has several organisations (or none): say which with --org")
    return orgs[0]


def _actor(org: Organisation, username: str | None) -> User:
    members = Membership.objects.filter(organisation=org, user__is_active=True).select_related("user")
    if username:
        member = members.filter(user__username=username).first()
    else:
        member = members.filter(role=Role.COORDINATOR).order_by("id").first()
    if member is None:
        raise CommandError("no such member of the organisation (give a coordinator with --as USERNAME)")
    return member.user


class Command(BaseCommand):
    help = "Import cases from a spreadsheet (xlsx or csv), or write the template"

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        cases = sub.add_parser("cases", help="import the cases of FILE")
        cases.add_argument("file")
        cases.add_argument("--org", help="the organisation's code or name (left out: the only one)")
        cases.add_argument("--as", dest="username", help="the member the cases are created by (default: a coordinator)")
        cases.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
        cases.add_argument("--mapping", help="JSON file: {header as in the sheet: column key}")
        cases.add_argument("--skip-bad-rows", action="store_true",
                           help="import the good rows and write the bad ones to an error sheet")
        cases.add_argument("--errors", help="where the error sheet goes (default: FILE-errors.xlsx)")
        cases.add_argument("--lenient", action="store_true", help="keep a row and drop only its bad values")
        for consent in ("matching", "statistics", "services"):
            cases.add_argument(f"--consent-{consent}", action="store_true",
                               help=f"rows without a consent_{consent} column have her consent to {consent}")
        template = sub.add_parser("template", help="write the template")
        template.add_argument("-o", "--output", required=True)
        template.add_argument("--org")
        template.add_argument("--language", choices=["kk", "ru", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "template":
            lang = options["language"] or (_organisation(options["org"]).default_language
                                           if options["org"] or Organisation.objects.count() == 1 else "kk")
            with translation.override(lang):
                Path(options["output"]).write_bytes(importer.template())
            self.stdout.write(f"template written to {options['output']}")
            return
        org = _organisation(options["org"])
        actor = _actor(org, options["username"])
        with translation.override(actor.language or org.default_language):
            self._cases(org, actor, options)

    def _cases(self, org: Organisation, actor: User, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            sheet = read(path.read_bytes(), path.name)
        except (OSError, Unreadable) as exc:
            raise CommandError(str(exc)) from exc
        if options["mapping"]:
            given = json.loads(Path(options["mapping"]).read_text(encoding="utf-8"))
            wanted = {header_key(k): str(val) for k, val in given.items()}
            mapping = [wanted.get(header_key(h), "") for h in sheet.headers]
            unknown = sorted(set(wanted.values()) - set(KEYS) - {""})
            if unknown:
                raise CommandError(f"unknown column keys in the mapping: {', '.join(unknown)}")
        else:
            mapping = suggest(sheet.headers)
        # Progress bars on a terminal only: a cron job's or a pipe's output stays quiet.
        quiet = not sys.stderr.isatty()
        with tqdm(total=len(sheet.rows), unit="row", desc="checking", file=sys.stderr, disable=quiet) as bar:
            plan = importer.plan(sheet, mapping, organisation=org, lenient=options["lenient"],
                                 progress=lambda done: bar.update(done - bar.n))
        opts = importer.Options(
            skip_bad_rows=options["skip_bad_rows"], lenient=options["lenient"], dry_run=options["dry_run"],
            consent_matching=options["consent_matching"], consent_statistics=options["consent_statistics"],
            consent_services=options["consent_services"],
        )
        for problem in plan.all_problems:
            self.stderr.write(str(problem))
        saving = not (plan.problems or (plan.bad_rows and not opts.skip_bad_rows) or opts.dry_run)
        with tqdm(total=len(plan.new_rows), unit="case", desc="saving", file=sys.stderr,
                  disable=quiet or not saving) as bar:
            result = importer.import_cases(actor=actor, plan=plan, options=opts, progress=bar.update)
        for key, count in sorted(plan.dropped.items()):
            self.stdout.write(f"dropped {count} value(s) of {key}")
        if opts.skip_bad_rows and plan.bad_rows and not plan.problems:
            target = Path(options["errors"] or path.with_name(path.stem + "-errors.xlsx"))
            target.write_bytes(importer.error_sheet(plan))
            self.stdout.write(f"{len(plan.bad_rows)} bad row(s) written to {target}")
        verb = "would be created" if opts.dry_run else "created"
        self.stdout.write(f"{result.created} case(s) {verb}, {result.already} already imported, "
                          f"{result.skipped} bad row(s) left out, {len(result.problems)} problem(s)")
        if result.problems and not (opts.skip_bad_rows and not plan.problems):
            raise CommandError("nothing was imported: fix the problems above (or use --skip-bad-rows / --lenient)")
