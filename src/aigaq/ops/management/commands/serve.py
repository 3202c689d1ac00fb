"""`aigaq serve` (and `aigaq manage serve`): migrate if needed, start the task queue's worker
(`aigaq worker`: web imports, matching re-fits, network sync, upload purge) as a child process
unless AIGAQ_SERVE_WORKER=0 or --no-worker, and serve with gunicorn (one process per core), or
waitress.

Why gunicorn: Python runs one request at a time per process, so waitress's threads share one core
however many there are; gunicorn's worker processes use every core. On a 2-core server with the
load test of docs/benchmarks.md ("Web") it served about twice the requests per second of waitress
with 8 threads, at lower latency. Gunicorn's workers run the application only: the background
work runs once, in the worker process, whatever the number of gunicorn workers; this process starts
both as child processes and waits for the server. Waitress stays
available (`--server waitress`, one process) for systems without fork, such as Windows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aigaq.ops.serving import proxy_options, refresh_query_statistics

SERVERS = ("gunicorn", "waitress")


def default_workers() -> int:
    """One worker process per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def gunicorn_argv(*, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The gunicorn command line: `workers` sync processes (gthread with `threads` > 1), none of
    them believing any peer's proxy headers (aigaq.ops.served applies the trusted-proxy rule)."""
    argv = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--worker-class", "gthread" if threads > 1 else "sync", "--threads", str(threads),
            # Gunicorn itself must not take X-Forwarded-Proto for HTTPS from anyone.
            "--forwarded-allow-ips", "", "--proxy-allow-from", "",
            # A request the server spends longer than this on is ended and its worker replaced.
            "--timeout", "120", "--graceful-timeout", "20",
            # No access log: a URL can carry a search for a suspect's name.
            "aigaq.ops.served:application"]
    if _has_control_socket():
        # Newer gunicorn opens a control socket in the home directory, which the systemd unit
        # hides (ProtectHome): nothing here uses it.
        argv[-1:-1] = ["--no-control-socket"]
    return argv


def _has_control_socket() -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


def worker_argv() -> list[str]:
    """The worker's command line: this interpreter, the same settings, and this process as the
    parent it stops without (aigaq.worker)."""
    return [sys.executable, "-m", "django", "worker", "--settings",
            os.environ.get("DJANGO_SETTINGS_MODULE", "aigaq.settings"), "--parent", str(os.getpid())]


def start_worker() -> subprocess.Popen[bytes]:
    """Starts `aigaq worker` as a child process; it stops on the signals forwarded to it, and by
    itself if this process is gone."""
    return subprocess.Popen(worker_argv())  # noqa: S603 -- our own interpreter and fixed arguments


class Command(BaseCommand):
    help = "Serve Aigaq on 127.0.0.1:$AIGAQ_PORT (default 8000) with gunicorn (or waitress), and its worker."
    worker: subprocess.Popen[bytes] | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("AIGAQ_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("AIGAQ_PORT", "8000")))
        parser.add_argument("--server", choices=SERVERS, default=os.environ.get("AIGAQ_SERVER", "gunicorn"),
                            help="gunicorn: one process per core (default); waitress: one process, threads")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("AIGAQ_WORKERS", "0")),
                            help="gunicorn's worker processes (default: one per core)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("AIGAQ_THREADS", "0")),
                            help="threads per process (default: 1 per gunicorn worker, 8 for waitress)")
        parser.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")
        parser.add_argument("--no-worker", action="store_true",
                            default=os.environ.get("AIGAQ_SERVE_WORKER", "1").strip() in {"0", "false", "no"},
                            help="do not start the task queue's worker (run `aigaq worker` on its own; "
                                 "default when AIGAQ_SERVE_WORKER=0)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["server"] == "gunicorn" and sys.platform == "win32":
            raise CommandError("gunicorn needs fork(): use --server waitress on Windows")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        refresh_query_statistics()
        # Imports, due re-fits of the matching weights, the network sync and the purge of unimported
        # sheets run beside the requests, never in them, in one worker process whatever the number
        # of server workers; started after the migrations, so it finds the tables it needs.
        self.worker = None if options["no_worker"] else start_worker()
        url = f"http://{options['host']}:{options['port']}/"
        proxy = settings.TRUSTED_PROXY
        behind = f", believing X-Forwarded-For/-Proto from {proxy} only" if proxy else ""
        if not proxy and not settings.DEV and settings.SECURE_SSL_REDIRECT:
            self.stderr.write("AIGAQ_TRUSTED_PROXY is not set: behind nginx every request will look like plain HTTP "
                              "and be redirected again (docs/deploy.md, \"Behind nginx\")")
        try:
            if options["server"] == "waitress":
                self._waitress(options, url, behind, proxy)
            else:
                self._gunicorn(options, url, behind)
        finally:
            if self.worker is not None and self.worker.poll() is None:
                self.worker.terminate()  # lets its running task finish
                self.worker.wait(timeout=60)

    def _waitress(self, options: dict[str, Any], url: str, behind: str, proxy: str | None) -> None:
        from waitress import serve

        # Imported after collectstatic: WhiteNoise indexes the static files when the app is built.
        from aigaq.wsgi import application

        self.stdout.write(f"Aigaq is serving on {url} with waitress{behind} (Ctrl+C to stop)")
        self.stdout.flush()
        serve(application, host=options["host"], port=options["port"], threads=options["threads"] or 8,
              ident="aigaq", **proxy_options(proxy))

    def _gunicorn(self, options: dict[str, Any], url: str, behind: str) -> None:
        workers = options["workers"] or default_workers()
        argv = gunicorn_argv(host=options["host"], port=options["port"], workers=workers,
                             threads=options["threads"] or 1)
        self.stdout.write(f"Aigaq is serving on {url} with gunicorn, {workers} worker processes{behind} "
                          "(Ctrl+C to stop)")
        self.stdout.flush()
        child = subprocess.Popen(argv)  # noqa: S603 -- our own interpreter and fixed arguments

        def forward(signum: int, _frame: FrameType | None) -> None:
            child.send_signal(signum)
            if self.worker is not None and signum != signal.SIGHUP and self.worker.poll() is None:
                self.worker.terminate()  # it finishes a running task first

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, forward)
        code = child.wait()
        if code not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise CommandError(f"gunicorn stopped with exit status {code}")
