"""`aigaq bundle CASE -o bundle.zip`, `aigaq bundle verify bundle.zip`, `aigaq bundle public-key`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from aigaq.accounts.models import Organisation
from aigaq.cases.models import Case
from aigaq.evidence import bundle, seal, services
from aigaq.evidence.models import EvidenceItem
from aigaq.lib import bundle as bundle_format
from aigaq.lib.crypto.signing import SignatureError, public_key_from_text

USAGE = """
  aigaq bundle CASE -o bundle.zip [--evidence CODE ...] [--lang kk|ru|en]
      the court bundle of a case: its evidence files as stored (all of them, or those named by
      their codes or the first 8 characters of them), manifest.json and index.pdf with each file's
      SHA-256, size, type, receipt and chain of custody, the pathway timeline, SHA256SUMS, and
      the manifest's Ed25519 signature with the organisation's key. CASE: the case's code or its
      8-character reference. With AIGAQ_TSA_URL set, manifest.tsr too: a timestamp server's RFC
      3161 timestamp of manifest.json; if the server fails, the bundle is made without it and a
      warning says why. Audited; run it as the server's user, like other aigaq commands.
  aigaq bundle verify bundle.zip [--public-key FILE] [--tsa-ca FILE]
      prints OK, or names every file altered, added or removed and refuses a manifest whose
      signature does not hold, or a timestamp that is not of this manifest; exit status 1 then.
      --public-key: the organisation's public key (PEM or base64) obtained outside the bundle;
      without it, the key in the bundle is used. --tsa-ca: the timestamp server's CA
      certificate(s), PEM, to check manifest.tsr's certificate chain too.
  aigaq bundle public-key [--organisation CODE] [-o FILE]
      the organisation's public signing key (PEM) and its fingerprint, to publish or send
      separately from any bundle. --organisation is needed when the instance holds several.
"""


class Command(BaseCommand):
    help = "Make a court bundle of a case's evidence, check one, or print the organisation's public key."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.usage = "aigaq bundle CASE -o FILE | verify FILE | public-key" + USAGE
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("words", nargs="+", metavar="CASE | verify FILE | public-key")
        parser.add_argument("-o", "--output", default="", help="where to write the bundle (or the public key)")
        parser.add_argument("--evidence", nargs="+", default=[], metavar="CODE",
                            help="only these evidence files (default: every file of the case)")
        parser.add_argument("--lang", default="", help="language of index.pdf: kk, ru or en "
                                                       "(default: the organisation's language)")
        parser.add_argument("--public-key", default="", metavar="FILE",
                            help="verify: the organisation's public key, PEM or base64")
        parser.add_argument("--tsa-ca", default="", metavar="FILE",
                            help="verify: the timestamp server's CA certificate(s), PEM")
        parser.add_argument("--organisation", default="", metavar="CODE",
                            help="public-key: which organisation (its code)")

    def handle(self, *args: Any, **options: Any) -> None:
        # The command speaks English, as its --help does; only index.pdf is in --lang.
        with translation.override("en"):
            words = options["words"]
            if words[0] == "verify":
                if len(words) != 2:
                    raise CommandError("usage: aigaq bundle verify FILE [--public-key FILE] [--tsa-ca FILE]")
                self._verify(Path(words[1]), options["public_key"], options["tsa_ca"])
            elif words[0] == "public-key":
                if len(words) != 1:
                    raise CommandError("usage: aigaq bundle public-key [--organisation CODE] [-o FILE]")
                self._public_key(options["organisation"], options["output"])
            else:
                if len(words) != 1:
                    raise CommandError(f"unexpected {' '.join(words[1:])!r}: give one case, then -o FILE")
                self._make(words[0], options)

    def _make(self, case_ref: str, options: dict[str, Any]) -> None:
        case = _case(case_ref)
        lang = options["lang"] or case.organisation.default_language
        if lang not in bundle.LANGUAGES:
            raise CommandError(f"--lang must be kk, ru or en, not {lang!r}")
        if not options["output"]:
            raise CommandError("say where to write the bundle: -o bundle.zip")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"the folder {output.parent} does not exist")
        if output.exists():
            raise CommandError(f"{output} already exists; choose another name or remove it first")
        items = _items(case, options["evidence"])
        try:
            # 0600 from the first byte: the bundle holds the evidence in the clear.
            with os.fdopen(os.open(output, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as target:
                made = bundle.bundle_make(actor=None, case=case, items=items, lang=lang, target=target)
        except FileExistsError:
            raise CommandError(f"{output} already exists; choose another name or remove it first") from None
        except services.EvidenceUnreadable as failure:
            output.unlink(missing_ok=True)
            raise CommandError(f"a stored file failed its integrity check ({failure.reason}); "
                               "the bundle was not made, and the failure is in the audit log") from None
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        self.stdout.write(f"{output}: {made.files} evidence files, bundle {made.code}, "
                          f"signed with key {made.fingerprint}")
        if made.timestamped_at:
            self.stdout.write(f"timestamped by the timestamp server at {made.timestamped_at} (manifest.tsr)")
        elif made.timestamp_problem:
            self.stderr.write(f"WARNING: the bundle was made WITHOUT a timestamp: {made.timestamp_problem}. "
                              "It is signed and complete; make it again later to have one.")

    def _verify(self, path: Path, key_file: str, tsa_ca_file: str) -> None:
        key = None
        if key_file:
            try:
                key = public_key_from_text(Path(key_file).read_text("ascii"))
            except (OSError, UnicodeDecodeError, SignatureError) as exc:
                raise CommandError(f"--public-key {key_file}: {exc}") from None
        tsa_ca = None
        if tsa_ca_file:
            try:
                tsa_ca = Path(tsa_ca_file).read_bytes()
            except OSError as exc:
                raise CommandError(f"--tsa-ca {tsa_ca_file}: {exc.strerror}") from None
        try:
            verdict = bundle_format.verify(path, public_key=key, tsa_ca=tsa_ca)
        except (bundle_format.NotABundle, OSError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        if not verdict.ok:
            for line in verdict.lines():
                self.stderr.write(line)
            self.stderr.write(f"{path}: NOT OK")
            sys.exit(1)
        for line in verdict.summary():
            self.stdout.write(line)

    def _public_key(self, organisation_code: str, output: str) -> None:
        organisations = Organisation.objects.order_by("name")
        if organisation_code:
            organisations = organisations.filter(code=organisation_code)
        found = list(organisations[:2])
        if not found:
            raise CommandError(f"no organisation has the code {organisation_code!r}" if organisation_code
                               else "this instance has no organisation yet")
        if len(found) > 1:
            codes = ", ".join(f"{o.code} ({o.name})" for o in organisations)
            raise CommandError(f"several organisations: say which with --organisation CODE ({codes})")
        pem, fp = seal.public_key(found[0])
        if output:
            Path(output).write_text(pem, "ascii")
            self.stdout.write(f"{output}: public key of {found[0].name}, fingerprint {fp}")
        else:
            self.stdout.write(pem.rstrip("\n"))
            self.stdout.write(f"fingerprint: {fp}")


def _case(ref: str) -> Case:
    ref = ref.strip()
    if len(ref) == 8:
        matches = list(Case.objects.filter(code__startswith=ref.lower())[:2])
    else:
        matches = list(Case.objects.filter(code=ref.lower())[:1])
    if len(matches) != 1:
        raise CommandError(f"no case has the code {ref!r}" if not matches
                           else f"several cases start with {ref!r}: give the whole code")
    return matches[0]


def _items(case: Case, codes: list[str]) -> list[EvidenceItem]:
    every = list(case.evidence.select_related("uploaded_by", "case__organisation"))
    if not codes:
        if not every:
            raise CommandError("the case holds no evidence files")
        return every
    chosen = []
    for code in codes:
        found = [item for item in every if item.code == code.lower() or item.code[:8] == code.lower()]
        if len(found) != 1:
            raise CommandError(f"--evidence {code}: " + ("no file of this case has this code" if not found
                                                          else "several files start with it: give the whole code"))
        if found[0] not in chosen:
            chosen.append(found[0])
    return chosen
