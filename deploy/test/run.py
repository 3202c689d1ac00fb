#!/usr/bin/env python3
"""`make deploy-test`: the deployment of docs/deploy.md, for real, on this machine, in about a minute.

PostgreSQL-backed production mode (AIGAQ_DEV unset, two factors required) started the way
deploy/systemd/aigaq.service starts it, with the environment of deploy/aigaq.env.example, behind
a real nginx running deploy/nginx/aigaq.conf with a self-signed certificate. Only host names, ports
and paths are changed in those files (each substitution must match, so a changed file fails here
rather than drifting). Then, over HTTPS:

- plain HTTP is redirected once, to the HTTPS address, which answers without another redirect;
- HSTS is sent, and the cookies are __Host- cookies marked Secure;
- the first coordinator (made by `aigaq organisation create`) signs in with the printed password,
  replaces it, enrols an authenticator app (codes computed with django-otp, the project's own
  TOTP), and opens a case;
- failed sign-ins from one client address (127.0.0.2) lock that address out, while she signs in
  with her password and a TOTP code from another (127.0.0.3): nginx passes each address in
  X-Forwarded-For and the app believes it because nginx is AIGAQ_TRUSTED_PROXY;
- `aigaq check` passes: trusted proxy set, key store writable, private files 0600/0700.

Everything it started is stopped, and the database and folders it made are removed.

Database: a fresh database on the server of AIGAQ_TEST_DATABASE_URL, else on the local PostgreSQL
at 127.0.0.1:5432 as user postgres (trust authentication). nginx: installed by
`tools/system-packages deploy` (make deploy-test runs it first).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
AIGAQ = [sys.executable, "-m", "aigaq.ops.cli"]  # the venv's `aigaq`, whichever checkout runs this
INSTALLED_AIGAQ = "/opt/aigaq/venv/bin/aigaq"
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


class Failed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)
    say(f"✓ {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def substitute(text: str, replacements: list[tuple[str, str]], name: str) -> str:
    """Each `old` must be in the file: a deployment file that changed shape fails the test."""
    for old, new in replacements:
        if old not in text:
            raise Failed(f"{name} no longer contains {old!r}: update deploy/test/run.py with it")
        text = text.replace(old, new)
    return text


# --- The pieces ---------------------------------------------------------------------------------


def environment(tmp: Path, database_url: str, ports: dict[str, int]) -> dict[str, str]:
    """deploy/aigaq.env.example's settings plus the unit's Environment=, with /var/lib moved into
    `tmp` and this machine's host name, ports and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGAQ_")}  # AIGAQ_DEV above all
    lines = (DEPLOY / "aigaq.env.example").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if re.match(r"AIGAQ_[A-Z0-9_]+=", line))
    unit = (DEPLOY / "systemd" / "aigaq.service").read_text()
    for line in re.findall(r"^Environment=(.*)$", unit, re.M):
        settings.update(item.split("=", 1) for item in line.split())
    settings = {k: v.replace("/var/lib/", f"{tmp}/var/lib/") for k, v in settings.items()}
    settings.update(
        AIGAQ_DATABASE_URL=database_url,
        AIGAQ_ALLOWED_HOSTS="localhost",
        AIGAQ_CSRF_TRUSTED_ORIGINS=f"https://localhost:{ports['https']}",
        AIGAQ_PORT=str(ports["app"]),
    )
    env.update(settings)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    # The compiled linkage kernels: the user's cache, so the test does not compile them each run.
    env.setdefault("NUMBA_CACHE_DIR", str(Path.home() / ".cache" / "aigaq" / "numba"))
    return env


@contextmanager
def fresh_database() -> Iterator[str]:
    import psycopg

    base = os.environ.get("AIGAQ_TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    name = f"aigaq_deploy_test_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urllib.parse.urlsplit(base)._replace(path=f"/{name}").geturl()
    try:
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def certificate(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def nginx_config(tmp: Path, ports: dict[str, int], cert: Path, key: Path) -> Path:
    site = substitute((DEPLOY / "nginx" / "aigaq.conf").read_text(), [
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{ports['app']};"),
        ("server_name aigaq.example.kz;", "server_name localhost;"),
        ("/etc/letsencrypt/live/aigaq.example.kz/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/aigaq.example.kz/privkey.pem", str(key)),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{ports['https']}$request_uri;"),
    ], "deploy/nginx/aigaq.conf")
    (tmp / "aigaq.conf").write_text(site)
    temp = tmp / "nginx"
    temp.mkdir()
    main = tmp / "nginx.conf"
    main.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp}/aigaq.conf;
}}
""")
    return main


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"it stopped (exit {process.returncode}):\n{log.read_text()[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise Failed(f"nothing listens on {port} after {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- A browser, as far as the test needs one ----------------------------------------------------


class Browser:
    """Cookies, a client address of its own (127.0.0.x), no redirects followed unless asked."""

    def __init__(self, port: int, cafile: Path, source: str) -> None:
        self.port, self.source = port, source
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPSConnection("localhost", self.port, context=self.context, timeout=30,
                                           source_address=(self.source, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"https://localhost:{self.port}"})
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(cookie)
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, path: str, follow: bool = True) -> tuple[int, dict[str, str], str, str]:
        """GET, following same-site redirects; the final status, headers, body and path."""
        for _ in range(8):
            status, headers, text = self.request("GET", path)
            if not follow or status not in (301, 302, 303):
                return status, headers, text, path
            path = self.local(headers["location"])
        raise Failed(f"more than 8 redirects ending at {path}")

    def post(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, form)

    def local(self, location: str) -> str:
        parts = urllib.parse.urlsplit(location)
        if parts.netloc and parts.netloc != f"localhost:{self.port}":
            raise Failed(f"redirected away, to {location}")
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def form_post(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """GET the page for its CSRF token, then POST `fields` with it."""
        status, _, page, path = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise Failed(f"no form on {path} (status {status})")
        return self.post(path, {"csrfmiddlewaretoken": token.group(1), **fields})


def totp(secret: bytes, steps_ahead: int = 0) -> str:
    from django_otp.oath import TOTP

    checker = TOTP(secret)
    checker.time = checker.time + steps_ahead * 30
    return f"{checker.token():06d}"


INTAKE = {
    "survivor-pseudonym": "Synthetic Survivor", "survivor-sex": "female", "incident-date_from": "2025-05-04",
    "incident-region": "KZ-71", "incident-city": "astana", "incident-area": "urban", "incident-place_type": "park",
    "incident-gbv_sexual_assault": "on", "incident-account": "A synthetic account for the deployment test.",
    "suspects-TOTAL_FORMS": "1", "suspects-INITIAL_FORMS": "0", "suspects-0-full_name": "Test Suspect",
    "suspects-0-sex": "male", "suspects-0-relation": "stranger",
}


# --- The test -----------------------------------------------------------------------------------


def run_checks(ports: dict[str, int], cert: Path, env: dict[str, str], password: str) -> None:
    https = ports["https"]

    # Plain HTTP: one redirect, to HTTPS, which answers without another.
    conn = http.client.HTTPConnection("127.0.0.1", ports["http"], timeout=10)
    conn.request("GET", "/accounts/login/", headers={"Host": "localhost"})
    plain = conn.getresponse()
    plain.read()
    conn.close()
    target = f"https://localhost:{https}/accounts/login/"
    check(plain.status == 301 and plain.getheader("Location") == target,
          f"plain HTTP is redirected to HTTPS ({plain.status} → {plain.getheader('Location')})")
    dana = Browser(https, cert, "127.0.0.3")
    status, headers, _ = dana.request("GET", "/accounts/login/")
    check(status == 200, f"the HTTPS address answers without another redirect ({status})")
    hsts = headers.get("strict-transport-security", "")
    age = int(re.search(r"max-age=(\d+)", hsts).group(1)) if "max-age=" in hsts else 0  # type: ignore[union-attr]
    check(age >= 365 * 24 * 3600, f"HSTS is sent ({hsts!r})")

    # The first coordinator: printed password, her own password, an authenticator app, a case.
    status, headers, _ = dana.form_post("/accounts/login/", {"username": "dana", "password": password})
    check(status == 302, "the first coordinator signs in with the password `aigaq organisation create` printed")
    sid = [c for c in dana.set_cookies if c.startswith("__Host-sid=")]
    check(sid, "the session cookie is a __Host- cookie")
    latest = {c.split("=", 1)[0]: c for c in dana.set_cookies if c.startswith("__Host-")}
    for cookie in latest.values():
        attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
        check({"secure", "httponly", "path"} <= attributes and "domain" not in attributes,
              f"{cookie.split('=')[0]} is Secure, HttpOnly, for the whole host, without Domain")
    new_password = f"deploy test {secrets.token_hex(8)}"
    status, _, _, path = dana.get("/")
    check(path.startswith("/accounts/me/password/"), f"she is asked to replace the temporary password first ({path})")
    status, _, _ = dana.form_post("/accounts/me/password/", {
        "old_password": password, "new_password1": new_password, "new_password2": new_password})
    check(status == 302, "she chooses her own password")
    status, _, _, path = dana.get("/")
    check(path.startswith("/accounts/two-factor/"), f"then she must enrol a second factor ({path})")
    _, _, page, _ = dana.get("/accounts/two-factor/app/")
    shown = re.search(r'<p class="secret">([A-Z2-7 ]+)</p>', page)
    if shown is None:
        raise Failed("the authenticator-app page shows no key")
    from base64 import b32decode

    secret = b32decode(shown.group(1).replace(" ", ""))
    status, _, _ = dana.form_post("/accounts/two-factor/app/", {"name": "Phone", "code": totp(secret)})
    check(status == 302, "she enrols an authenticator app with a code from it")
    status, headers, text = dana.form_post("/cases/new/", INTAKE)
    check(status == 302 and re.fullmatch(r"/cases/[^/]+/", dana.local(headers.get("location", ""))),
          f"she opens a case ({status} {headers.get('location', text[:200])})")
    status, _, page, _ = dana.get(dana.local(headers["location"]))
    check(status == 200 and "Synthetic Survivor" in page, "the case page shows it")

    # One address guessing passwords is locked out; another address is not.
    attacker = Browser(https, cert, "127.0.0.2")
    statuses = [attacker.form_post("/accounts/login/", {"username": f"guess{i}", "password": "wrong guess"})[0]
                for i in range(21)]
    check(statuses[-1] == 429 and 429 not in statuses[:20],
          f"21 failed sign-ins from 127.0.0.2 lock that address out ({statuses.count(429)} refused with 429)")
    status, _, _ = attacker.form_post("/accounts/login/", {"username": "dana", "password": new_password})
    check(status == 429, "even her right password is refused from the attacking address")
    again = Browser(https, cert, "127.0.0.3")
    status, headers, _ = again.form_post("/accounts/login/", {"username": "dana", "password": new_password})
    check(status == 302, "from 127.0.0.3 she signs in with her password")
    status, _, _, path = again.get("/")
    check(path.startswith("/accounts/verify/"), f"and is asked for her code ({path})")
    # The next 30-second code: the one used to enrol is accepted only once.
    status, headers, _ = again.form_post("/accounts/verify/", {"code": totp(secret, steps_ahead=1)})
    check(status == 302, "she gives a TOTP code")
    status, _, _, path = again.get("/cases/")
    check(status == 200 and path == "/cases/", "and sees the case list")


def main() -> int:
    for tool in ("nginx", "openssl"):
        if shutil.which(tool) is None:
            print(f"deploy-test needs {tool}: run `tools/system-packages deploy` (or apt-get install {tool})",
                  file=sys.stderr)
            return 2
    tmp = Path(tempfile.mkdtemp(prefix="aigaq-deploy-test-"))
    ports = {"app": free_port(), "https": free_port(), "http": free_port()}
    server: subprocess.Popen[bytes] | None = None
    proxy: subprocess.Popen[bytes] | None = None
    try:
        with fresh_database() as database_url:
            say(f"fresh PostgreSQL database; working in {tmp}")
            env = environment(tmp, database_url, ports)

            def aigaq(*args: str) -> str:
                done = subprocess.run([*AIGAQ, *args], env=env, capture_output=True, text=True, timeout=300)
                if done.returncode:
                    raise Failed(f"aigaq {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
                return done.stdout

            command = re.search(r"^ExecStart=(\S+) (.*)$", (DEPLOY / "systemd" / "aigaq.service").read_text(), re.M)
            if command is None or command.group(1) != INSTALLED_AIGAQ:
                raise Failed(f"deploy/systemd/aigaq.service no longer runs {INSTALLED_AIGAQ}")
            aigaq("keys", "init")
            aigaq("manage", "migrate", "--verbosity", "0")
            password = aigaq("organisation", "create", "Deploy test", "--coordinator", "dana",
                             "--language", "en").strip().splitlines()[-1]
            say("keys made, database migrated, first coordinator created")
            log = tmp / "serve.log"
            with log.open("wb") as out:
                # The unit's umask is the app's own (files 0600): start from the usual 022 to show it.
                server = subprocess.Popen([*AIGAQ, *command.group(2).split()], env=env, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True,
                                          preexec_fn=lambda: os.umask(0o022))
            wait_for_port(ports["app"], server, log)
            say(f"aigaq serve is up on 127.0.0.1:{ports['app']}")
            cert, key = certificate(tmp)
            conf = nginx_config(tmp, ports, cert, key)
            tested = subprocess.run(["nginx", "-t", "-q", "-c", str(conf), "-e", str(tmp / "nginx-error.log")],
                                    capture_output=True, text=True)
            if tested.returncode:
                raise Failed(f"nginx refuses the configuration:\n{tested.stderr}")
            nginx_log = tmp / "nginx.out"
            with nginx_log.open("wb") as out:
                proxy = subprocess.Popen(["nginx", "-c", str(conf), "-e", str(tmp / "nginx-error.log"),
                                          "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            wait_for_port(ports["https"], proxy, nginx_log, seconds=10)
            say(f"nginx is up: https://localhost:{ports['https']}/ and http://localhost:{ports['http']}/")
            try:
                run_checks(ports, cert, env, password)
            except Failed:
                print(f"--- aigaq serve's output ---\n{log.read_text()[-4000:]}", file=sys.stderr)
                error_log = tmp / "nginx-error.log"
                if error_log.exists():
                    print(f"--- nginx's error log ---\n{error_log.read_text()[-2000:]}", file=sys.stderr)
                raise
            stop(proxy)
            stop(server)
            report = aigaq("check")
            check("configuration looks right" in report, "`aigaq check` passes (trusted proxy, key store, file modes)")
    except Failed as exc:
        print(f"deploy-test FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        stop(proxy)
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    say("deploy-test passed; everything it started is stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
