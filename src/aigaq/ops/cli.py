"""The `aigaq` command.

    aigaq serve            serve the app (gunicorn) on 127.0.0.1:$AIGAQ_PORT (8000), with the worker
                           beside it (AIGAQ_SERVE_WORKER=0 or --no-worker: without)
    aigaq worker           the task queue's worker: web imports, matching re-fits when due (every
                           $AIGAQ_MATCHING_REFIT_SECONDS, 60; 0: off), the network sync, the upload purge
    aigaq demo             create the demo organisation, accounts and ~300 synthetic cases
    aigaq check            check the configuration and say clearly what is wrong
    aigaq organisation create NAME --coordinator USERNAME
                           a new organisation and its first coordinator (temporary password printed once)
    aigaq keys init|rotate create the key file / re-wrap every case key under a new key
    aigaq backup -o FILE   encrypted database backup (--key-store: the case keys, kept apart;
                           --files: the encrypted file store)
    aigaq restore FILE     restore a backup (stop the server first)
    aigaq audit verify     check that no audit entry was altered, removed or reordered (keyed links;
                           --checkpoints FILE: and that checkpoints kept elsewhere are still in it)
    aigaq audit checkpoint print the chain's head (aigaq-audit:COUNT:HASH) to keep outside the server
    aigaq network ...      the network of organisations (key service, hub, member; `aigaq network --help`)
    aigaq link ...         link suspect mentions (see `aigaq link --help`)
    aigaq link-eval ...    precision, recall and F1 of linkage against labels
    aigaq import cases FILE [--org CODE] [--dry-run] [--mapping MAPPING.json] [--skip-bad-rows] [--lenient]
                           import cases from a spreadsheet (xlsx or csv); nothing is written if a row is bad
    aigaq import template -o template.xlsx
                           the spreadsheet template (column keys, then their labels)
    aigaq bundle CASE -o bundle.zip [--evidence CODE ...] [--lang kk|ru|en]
                           a case's court bundle: evidence as stored, manifest, custody, timeline, signed
    aigaq bundle verify bundle.zip [--public-key FILE] [--tsa-ca FILE]
                           OK (and the timestamp's time), or every file altered, added or removed (exit 1)
    aigaq bundle public-key
                           the organisation's public signing key, to publish apart from any bundle
    aigaq manage ...       any Django management command (migrate, createsuperuser, ...)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence


def _manage(argv: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigaq.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["aigaq manage", *argv])
    return 0


def _command(name: str) -> Callable[[Sequence[str]], int]:
    """A sub-command implemented as a Django management command of the same name."""

    def run(argv: Sequence[str]) -> int:
        return _manage([name, *argv])

    return run


def _serve(argv: Sequence[str]) -> int:
    """The web app, plus the task queue's worker beside it (started by the serve command itself,
    after its migrations: aigaq.worker)."""
    return _manage(["serve", *argv])


NETWORK_HELP = """usage: aigaq network [keyservice|hub] COMMAND ...

  aigaq network keyservice init|trust-hub|serve|status|remove   the key service (holds the network's OPRF key)
  aigaq network hub init|invite|serve|status|remove|rematch    the hub (matches members' keyed encodings)
  aigaq network join [--rejoin]|leave|sync|status|alerts       this organisation's instance as a member

Each finds its instance from AIGAQ_DATA_DIR (and AIGAQ_DATABASE_URL where set); see docs/network.md."""


def _network(argv: Sequence[str]) -> int:
    """`aigaq network keyservice ...` and `aigaq network hub ...` run under their own settings
    (their own database); the member's commands under the instance's."""
    args = list(argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(NETWORK_HELP)
        return 0 if args else 2
    if args[0] in {"keyservice", "hub"}:
        role = args[0]
        if len(args) < 2 or args[1] in {"-h", "--help"}:
            print(NETWORK_HELP)
            return 0 if len(args) >= 2 else 2
        os.environ["DJANGO_SETTINGS_MODULE"] = f"aigaq.{role}.settings"
        return _manage([f"{role}_{args[1].replace('-', '_')}", *args[2:]])
    return _manage([f"network_{args[0].replace('-', '_')}", *args[1:]])


def _link(argv: Sequence[str]) -> int:
    from aigaq.linkage.cli import main_link

    return main_link(list(argv))


def _link_eval(argv: Sequence[str]) -> int:
    from aigaq.linkage.cli import main_link_eval

    return main_link_eval(list(argv))


COMMANDS: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "serve": (_serve, "serve the web app (and run the task queue's worker beside it)"),
    "worker": (_command("worker"), "run the task queue: web imports, matching re-fits, network sync, upload purge"),
    "demo": (_command("demo"), "create the demo organisation, accounts and synthetic cases"),
    "check": (_command("aigaq_check"), "check the configuration"),
    "organisation": (_command("organisation"), "a new organisation and its first coordinator"),
    "keys": (_command("keys"), "create the key file (init) or rotate the key-encryption key (rotate)"),
    "backup": (_command("backup"), "an encrypted backup of the database (--key-store: the keys, --files: the files)"),
    "restore": (_command("restore"), "restore a backup made by `aigaq backup` (stop the server first)"),
    "audit": (_command("audit"), "verify the audit chain"),
    "link": (_link, "link suspect mentions across cases (JSONL in, clusters out)"),
    "link-eval": (_link_eval, "pairwise precision, recall and F1 of linkage against labels"),
    "report": (_command("report"), "print the PDF report"),
    "import": (_command("import_data"), "import cases from a spreadsheet (xlsx, csv), or write its template"),
    "bundle": (_command("bundle"), "a case's signed court bundle; `bundle verify FILE` checks one"),
    "network": (_network, "the network of organisations: key service, hub, and this member (see docs/network.md)"),
    "manage": (_manage, "run a Django management command"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        parser = argparse.ArgumentParser(
            prog="aigaq",
            description="Aigaq: case and evidence system for survivors of sexual violence in Kazakhstan.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog="Run `aigaq COMMAND --help` for the options of a command.",
        )
        sub = parser.add_subparsers(title="commands", metavar="COMMAND")
        for name, (_, help_text) in COMMANDS.items():
            sub.add_parser(name, help=help_text)
        parser.print_help()
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"aigaq: unknown command {name!r}; run `aigaq --help` for the list", file=sys.stderr)
        return 2
    return COMMANDS[name][0](rest)


if __name__ == "__main__":
    sys.exit(main())
