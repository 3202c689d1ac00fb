"""`make demo-network`: the network of organisations on one machine, as it runs in production.

    python -m aigaq.demo.network [--cases N] [--base-port PORT] [--sync-seconds S]

Five processes on 127.0.0.1, each an ordinary `aigaq` command with its own data directory under
$AIGAQ_DATA_DIR/network/<name>/ and its own database: the key service (`keyservice`), the hub
(`hub`) and three member instances (`astana`, `oral`, `almaty`, from data/network.json), each
with demo data and demo accounts. The men who come back are spread over the members, and the
article's man is among the Astana centre's suspects and, in another alphabet and with no phone,
among the Oral centre's: after the first syncs both coordinators have a network alert about him.

It sets up what is missing (key service key, hub key and trust, each member's keys, database,
demo data, invitation and join), starts the five servers, syncs every member twice (the first
member's alerts appear at the hub only after the later members uploaded), writes
$AIGAQ_DATA_DIR/network/urls.txt (one `name url` line each) once everything answers, prints the
URLs and where the demo passwords are, and waits. Ctrl+C stops all five. Running it again keeps
every party's data and its ports (read back from urls.txt).

The parties talk only HTTP with signed requests, as they would across machines; nothing here
reaches into another party's database. This module only orchestrates processes: it imports no
Django settings, so it can drive parties that each run under their own.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

from .corpus import MEMBERS

SERVICES = ("keyservice", "hub")
NAMES = (*SERVICES, *MEMBERS)
DEFAULT_BASE_PORT = 8100
DEFAULT_CASES = 120
READY_SECONDS = 90
# Settings of the shell that must not reach a party: each finds its instance from its own
# AIGAQ_DATA_DIR alone (its key file is derived from it), never from the caller's.
FOREIGN = ("DJANGO_SETTINGS_MODULE", "AIGAQ_DATABASE_URL", "AIGAQ_KEY_FILE", "AIGAQ_KEY_STORE", "AIGAQ_PORT",
           "AIGAQ_SECRET_KEY")


class SetupError(Exception):
    """A step failed; the message says which and shows what the command printed."""


@dataclass(frozen=True)
class Party:
    name: str
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, sync_seconds: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in FOREIGN and not k.startswith("PYTEST")}
        env |= {"AIGAQ_DATA_DIR": str(self.directory), "AIGAQ_PORT": str(self.port), "PYTHONUNBUFFERED": "1"}
        if self.name in MEMBERS:
            env |= {"AIGAQ_DEV": "1", "AIGAQ_NETWORK_SYNC_SECONDS": str(sync_seconds)}
        else:
            env.pop("AIGAQ_DEV", None)
        return env


def aigaq_command() -> list[str]:
    return [sys.executable, "-m", "aigaq.ops.cli"]


class Demo:
    def __init__(self, root: Path, *, base_port: int, cases: int, sync_seconds: int) -> None:
        self.root = root
        self.cases = cases
        self.sync_seconds = sync_seconds
        ports = self._ports_kept() or {name: base_port + i for i, name in enumerate(NAMES)}
        self.parties = {name: Party(name, root / name, ports[name]) for name in NAMES}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, IO[bytes]] = {}

    @property
    def urls_file(self) -> Path:
        return self.root / "urls.txt"

    def _ports_kept(self) -> dict[str, int] | None:
        """The ports of an earlier run: the hub and the members keep each other's URLs."""
        try:
            lines = self.urls_file.read_text(encoding="utf-8").split("\n")
        except FileNotFoundError:
            return None
        ports = {}
        for line in lines:
            name, _, url = line.partition(" ")
            if name in NAMES and url.rsplit(":", 1)[-1].isdigit():
                ports[name] = int(url.rsplit(":", 1)[-1])
        return ports if set(ports) == set(NAMES) else None

    # --- running commands -------------------------------------------------------------------------

    def run(self, name: str, *args: str) -> str:
        party = self.parties[name]
        done = subprocess.run([*aigaq_command(), *args],  # noqa: S603 - our own command, fixed arguments
                              env=party.env(self.sync_seconds), capture_output=True, text=True, timeout=900,
                              check=False)
        if done.returncode != 0:
            raise SetupError(f"{name}: `aigaq {' '.join(args[:3])}` failed:\n{done.stdout}{done.stderr}".rstrip())
        return done.stdout

    def start(self, name: str, *args: str) -> None:
        party = self.parties[name]
        if answers(party.port):
            raise SetupError(f"port {party.port} ({name}) is taken: is the network demo already running? "
                             f"Stop it, or start with --base-port")
        log = (party.directory / "serve.log").open("ab")
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [*aigaq_command(), *args], env=party.env(self.sync_seconds), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        # Whoever wants to stop or restart one party (a test of a hub that goes down) finds it here.
        (party.directory / "serve.pid").write_text(f"{self.processes[name].pid}\n", encoding="utf-8")
        deadline = time.monotonic() + READY_SECONDS
        while not answers(party.port):
            if self.processes[name].poll() is not None:
                raise SetupError(f"{name} stopped at start; the end of {party.directory / 'serve.log'}:\n"
                                 + _tail(party.directory / "serve.log"))
            if time.monotonic() > deadline:
                raise SetupError(f"{name} did not answer on port {party.port} in {READY_SECONDS} s")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs.values():
            log.close()
        for name in self.processes:
            (self.parties[name].directory / "serve.pid").unlink(missing_ok=True)

    # --- the steps --------------------------------------------------------------------------------

    def setup_keyservice(self) -> None:
        party = self.parties["keyservice"]
        if not (party.directory / "oprf-seed").exists():
            say("key service: creating the network's OPRF key")
            self.run("keyservice", "network", "keyservice", "init")
        self.start("keyservice", "network", "keyservice", "serve", "--port", str(party.port))

    def setup_hub(self) -> None:
        party = self.parties["hub"]
        out = self.run("hub", "network", "hub", "init", "--keyservice", self.parties["keyservice"].url)
        marker = "The hub's signing public key: "
        public = next(line[len(marker):].strip() for line in out.splitlines() if line.startswith(marker))
        self.run("keyservice", "network", "keyservice", "trust-hub", public)
        self.start("hub", "network", "hub", "serve", "--port", str(party.port))

    def setup_member_data(self) -> None:
        """Keys, database and demo data of each member, the three side by side."""

        def prepare(name: str) -> None:
            party = self.parties[name]
            loaded = (party.directory / "demo-accounts.txt").exists()
            say(f"{name}: {'keeps its data' if loaded else f'keys, database and {self.cases} demo cases'}")
            self.run(name, "keys", "init", "--if-missing")
            self.run(name, "manage", "migrate", "--verbosity", "0")
            self.run(name, "demo", "--if-empty", "--network-member", name, "--cases", str(self.cases))

        with ThreadPoolExecutor(max_workers=len(MEMBERS)) as pool:
            for future in [pool.submit(prepare, name) for name in MEMBERS]:
                future.result()

    def join(self, name: str) -> None:
        if "joined: yes" in self.run(name, "network", "status"):
            return
        member = MEMBERS[name]
        out = self.run("hub", "network", "hub", "invite", member.name)
        code = out.splitlines()[1].strip()  # the line after "Invitation for ...", shown only now
        self.run(name, "network", "join", self.parties["hub"].url, code, "--name", member.name,
                 "--city", member.city)
        say(f"{name}: joined the network")

    def sync_all(self) -> None:
        for _ in range(2):
            for name in MEMBERS:
                self.run(name, "network", "sync")

    def alerts(self, name: str) -> list[dict[str, object]]:
        out = self.run(name, "network", "alerts", "--json")
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def setup(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for party in self.parties.values():
            party.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.setup_keyservice()
        self.setup_hub()
        self.setup_member_data()
        for name in MEMBERS:
            self.join(name)
        say("syncing every member with the hub")
        self.sync_all()
        for name in MEMBERS:
            self.start(name, "serve", "--port", str(self.parties[name].port))
        text = "".join(f"{p.name} {p.url}\n" for p in self.parties.values())
        partial = self.urls_file.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.urls_file)  # whoever waits for the file sees it whole, and only when all answer

    def summary(self) -> str:
        lines = ["", "The network demo is running:"]
        for party in self.parties.values():
            lines.append(f"  {party.name:<11}{party.url}/")
        lines += ["", "Each member's demo accounts and passwords (coordinator sees the network alerts):"]
        for name in MEMBERS:
            open_alerts = sum(1 for a in self.alerts(name) if a.get("state") == "open")
            lines.append(f"  {name:<11}{self.parties[name].directory / 'demo-accounts.txt'}  "
                         f"({open_alerts} open network alerts)")
        lines += ["", f"URLs: {self.urls_file}", "Ctrl+C stops all five."]
        return "\n".join(lines)

    def wait(self) -> None:
        """Until Ctrl+C. A party that stops is reported once; the others go on (a member keeps
        its queue while the hub is down), and the party can be started again by hand."""
        reported: set[str] = set()
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None and name not in reported:
                    reported.add(name)
                    say(f"{name} stopped (exit {process.returncode}); the others keep running. "
                        f"The end of its log:\n{_tail(self.parties[name].directory / 'serve.log')}")
            time.sleep(0.5)


def answers(port: int) -> bool:
    """Whether an HTTP server answers on 127.0.0.1:port (any status counts)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def say(text: str) -> None:
    print(text, flush=True)


def _stop_on_signal(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make demo-network",
        description="Serve the network demo on 127.0.0.1: a key service, a hub and three members "
                    "(astana, oral, almaty), each with its own data directory under $AIGAQ_DATA_DIR/network/.",
    )
    parser.add_argument("--base-port", type=int, default=int(os.environ.get("AIGAQ_NETWORK_PORT", DEFAULT_BASE_PORT)),
                        help="the key service's port; the hub and the members take the next four "
                             f"(default {DEFAULT_BASE_PORT}, or $AIGAQ_NETWORK_PORT; an earlier run's ports are kept)")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES,
                        help=f"demo cases per member, the first time (default {DEFAULT_CASES})")
    parser.add_argument("--sync-seconds", type=int, default=30,
                        help="how often each member syncs in the background (default 30)")
    args = parser.parse_args(argv)
    data_dir = Path(os.environ.get("AIGAQ_DATA_DIR") or Path.cwd() / "var").resolve()
    demo = Demo(data_dir / "network", base_port=args.base_port, cases=args.cases, sync_seconds=args.sync_seconds)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        demo.setup()
        say(demo.summary())
        demo.wait()
    except KeyboardInterrupt:
        say("\nstopping the network demo ...")
        return 0
    except SetupError as exc:
        print(f"make demo-network: {exc}", file=sys.stderr)
        return 1
    finally:
        demo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
