"""The web load test: serve the bench database (bench/web/generate.py) with one WSGI server set-up,
time each page alone, then run Locust (bench/web/locustfile.py) at 5, 20 and 50 users, and print
the rows of docs/benchmarks.md "Web".

    AIGAQ_DEV=1 AIGAQ_DATA_DIR=/tmp/aigaq-bench-web .venv/bin/python bench/web/run.py \
        --server serve --users 5 20 50 --seconds 60

--server names a set-up (SERVERS below): `serve` is what `aigaq serve` runs; the others are the
candidates it was chosen from. Each is started fresh, on 127.0.0.1:8765, and stopped at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORT = 8765
APP = "aigaq.wsgi:application"
SERVERS = {
    "serve": [str(BIN / "aigaq"), "serve", "--no-migrate", "--port", str(PORT)],  # gunicorn, a worker per core
    "waitress-8": [str(BIN / "waitress-serve"), "--threads", "8", "--listen", f"127.0.0.1:{PORT}", APP],
    "waitress-1": [str(BIN / "waitress-serve"), "--threads", "1", "--listen", f"127.0.0.1:{PORT}", APP],
    "gunicorn-sync-2": [str(BIN / "gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{PORT}", APP],
    "gunicorn-sync-5": [str(BIN / "gunicorn"), "-w", "5", "-k", "sync", "-b", f"127.0.0.1:{PORT}", APP],
    "gunicorn-gthread-2x4": [str(BIN / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4",
                             "-b", f"127.0.0.1:{PORT}", APP],
    "granian-2": [str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--blocking-threads", "1",
                  "--host", "127.0.0.1", "--port", str(PORT), APP],
}
PAGES = ("case list", "search", "case page", "add event", "dashboard")


def wait_up(proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server stopped (exit {proc.returncode})")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not answer in time")


def single_times(bench: dict, repeat: int) -> dict[str, float]:
    """Median time of each page with nothing else running, signed in as the coordinator (the
    caseworker for adding an event)."""
    out: dict[str, float] = {}
    for role, pages in (("coordinator", ("case list", "search", "case page", "dashboard")),
                        ("caseworker", ("add event",))):
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        base = f"http://127.0.0.1:{PORT}"
        token = csrf(opener.open(f"{base}/accounts/login/").read().decode())
        account = bench["accounts"][role]
        post(opener, f"{base}/accounts/login/", {"username": account["username"],
                                                  "password": account["password"], "csrfmiddlewaretoken": token})
        code = bench["cases"][role][0]
        for page in pages:
            times = []
            for i in range(repeat + 1):
                start = time.perf_counter()
                if page == "case list":
                    opener.open(f"{base}/cases/").read()
                elif page == "search":
                    names = bench["names"][role]
                    opener.open(f"{base}/cases/?" + urlencode({"q": names[i % len(names)]})).read()
                elif page == "case page":
                    opener.open(f"{base}/cases/{bench['cases'][role][i % 50]}/").read()
                elif page == "dashboard":
                    opener.open(f"{base}/insights/").read()
                else:
                    token = csrf(opener.open(f"{base}/cases/{code}/").read().decode())
                    start = time.perf_counter()
                    post(opener, f"{base}/cases/{code}/events/disclosure/", {
                        "csrfmiddlewaretoken": token, "disclosure-date": time.strftime("%Y-%m-%d"),
                        "disclosure-to_whom": "a neighbour", "disclosure-note": ""})
                if i:  # the first is a warm-up
                    times.append((time.perf_counter() - start) * 1000)
            out[page] = statistics.median(times)
    return out


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def csrf(html: str) -> str:
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return m.group(1) if m else ""


def post(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str]) -> None:
    try:
        opener.open(url, urlencode(data).encode()).read()
    except urllib.error.HTTPError as e:
        if e.code != 302:
            raise


def locust(users: int, seconds: int, bench_file: Path, out: Path) -> dict[str, dict[str, float]]:
    prefix = out / f"u{users}"
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "web" / "locustfile.py"), "--headless",
                    "-u", str(users), "-r", "5", "-t", f"{seconds}s", "-H", f"http://127.0.0.1:{PORT}",
                    "--csv", str(prefix), "--only-summary", "--reset-stats", "--loglevel", "WARNING"],
                   env={**os.environ, "AIGAQ_BENCH_FILE": str(bench_file)}, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = {}
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {"n": float(row["Request Count"]), "fail": float(row["Failure Count"]),
                                 "p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"]),
                                 "rps": float(row["Requests/s"])}
    return rows


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the server's processes so far."""
    import psutil  # installed with locust

    root = psutil.Process(pid)
    total = 0.0
    for p in (root, *root.children(recursive=True)):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", choices=sorted(SERVERS), default="serve")
    parser.add_argument("--users", type=int, nargs="+", default=[5, 20, 50])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--single", type=int, default=10, help="requests of each page alone (median)")
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="the source tree to serve (another checkout's src/, for a before/after)")
    args = parser.parse_args()
    data = Path(os.environ.get("AIGAQ_DATA_DIR", "/tmp/aigaq-bench-web"))
    bench_file = data / "bench-web.json"
    bench = json.loads(bench_file.read_text())
    out = Path(tempfile.mkdtemp(prefix="aigaq-bench-web-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aigaq.settings", "PYTHONPATH": str(args.src.resolve()),
           "AIGAQ_MATCHING_REFIT_SECONDS": "0"}
    log = (out / "server.log").open("wb")
    proc = subprocess.Popen(SERVERS[args.server], env=env, cwd=args.src.resolve().parent, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_up(proc)
        if args.single:
            alone = single_times(bench, args.single)
            print(f"## {args.server}: one request alone (median of {args.single}, ms)")
            print(" | ".join(f"{p} {alone[p]:.0f}" for p in PAGES if p in alone))
        print("| server | users | page | requests | failures | p50 (ms) | p95 (ms) | p99 (ms) | req/s |")
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
        for users in args.users:
            cpu = cpu_seconds(proc.pid)
            rows = locust(users, args.seconds, bench_file, out)
            cpu = cpu_seconds(proc.pid) - cpu
            for name in (*PAGES, "Aggregated"):
                r = rows.get(name)
                if r:
                    print(f"| {args.server} | {users} | {name if name != 'Aggregated' else '**all**'} | {r['n']:.0f} "
                          f"| {r['fail']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['rps']:.1f} |")
            pages = [rows[name] for name in PAGES if name in rows]
            print(f"| {args.server} | {users} | pages (sign-in excluded) | {sum(r['n'] for r in pages):.0f} | "
                  f"{sum(r['fail'] for r in pages):.0f} | | | | {sum(r['rps'] for r in pages):.1f} |")
            total = rows.get("Aggregated", {}).get("n", 0)
            # Server CPU per request (sign-ins included): what the server costs, whatever else runs.
            print(f"<!-- {args.server} {users} users: server CPU {1000 * cpu / max(total, 1):.0f} ms per request -->")
            sys.stdout.flush()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
