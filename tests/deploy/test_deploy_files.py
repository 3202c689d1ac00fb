"""The deployment files in deploy/ are what docs/deploy.md describes, and agree with the app: the
guide names every file (and copies none), the example environment lists exactly the variables
Aigaq reads, the units can write where the app writes, nginx sets the headers the app believes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from aigaq.ops.serving import PROXY_HEADERS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUIDE = ROOT / "docs" / "deploy.md"
ENV_EXAMPLE = DEPLOY / "aigaq.env.example"
SITE = DEPLOY / "nginx" / "aigaq.conf"
UNITS = sorted((DEPLOY / "systemd").iterdir())
SERVICES = [unit for unit in UNITS if unit.suffix == ".service"]
# The hub and the key service are other processes with their own environments (docs/deploy.md).
OTHER_SERVICES = ("hub", "keyservice")


def example_environment() -> dict[str, str]:
    """Every variable of the example, set or commented out, with its example value."""
    found: dict[str, str] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"#?(AIGAQ_[A-Z0-9_]+)=(.*)", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


# `make demo-network`'s orchestrator (its base port), not a setting of a deployed instance.
DEMO_ORCHESTRATOR = Path("demo") / "network.py"


def variables_aigaq_reads() -> set[str]:
    """The AIGAQ_* names the instance's code reads: each is written as a whole string literal where
    it is read (os.environ.get("AIGAQ_PORT"), envbool("AIGAQ_DEV"), INTERVAL_SETTING = "...")."""
    src = ROOT / "src" / "aigaq"
    names: set[str] = set()
    for path in src.rglob("*.py"):
        if path.relative_to(src).parts[0] in OTHER_SERVICES or path.relative_to(src) == DEMO_ORCHESTRATOR:
            continue
        text = path.read_text()
        names |= set(re.findall(r"""["'](AIGAQ_[A-Z0-9_]+)["']""", text))
        # envsecret(NAME) also reads NAME_FILE.
        names |= {f"{name}_FILE" for name in re.findall(r"""envsecret\(["'](AIGAQ_[A-Z0-9_]+)["']\)""", text)}
    return names


def test_the_deployment_guide_names_every_file_in_deploy() -> None:
    guide = GUIDE.read_text()
    files = [p.relative_to(ROOT).as_posix() for p in DEPLOY.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    assert [f for f in files if f not in guide] == []


def test_the_deployment_guide_copies_no_deployment_file() -> None:
    """It refers to the files instead, so the two cannot drift apart."""
    guide = GUIDE.read_text()
    for copied in ("[Service]", "ExecStart=", "proxy_pass", "ssl_certificate", "OnUnitActiveSec="):
        assert copied not in guide, f"docs/deploy.md copies {copied!r}: name the file in deploy/ instead"


def test_the_example_environment_lists_exactly_the_variables_aigaq_reads() -> None:
    example = set(example_environment())
    read = variables_aigaq_reads()
    assert "AIGAQ_TRUSTED_PROXY" in read
    assert sorted(read - example) == [], "read by Aigaq but missing from deploy/aigaq.env.example"
    assert sorted(example - read) == [], "in deploy/aigaq.env.example but read by nothing"


def test_every_unit_can_write_the_data_directory_and_the_key_store() -> None:
    """ProtectSystem=strict makes everything else read-only: new cases write their data key into
    the key store, so its folder (not only the data directory) must be in ReadWritePaths."""
    env = example_environment()
    needed = {env["AIGAQ_DATA_DIR"], str(Path(env["AIGAQ_KEY_STORE"]).parent), str(Path(env["AIGAQ_KEY_FILE"]).parent)}
    assert not Path(env["AIGAQ_KEY_STORE"]).is_relative_to(env["AIGAQ_DATA_DIR"])
    for unit in SERVICES:
        text = unit.read_text()
        assert "ProtectSystem=strict" in text and "UMask=0077" in text, unit.name
        writable = {p for line in re.findall(r"^ReadWritePaths=(.*)$", text, re.M) for p in line.split()}
        assert needed <= writable, f"{unit.name} cannot write {needed - writable}"
        assert "EnvironmentFile=/etc/aigaq/aigaq.env" in text, unit.name


def test_the_nginx_site_sets_exactly_the_headers_the_app_believes_from_the_trusted_proxy() -> None:
    site = SITE.read_text()
    env = example_environment()
    # Set to nginx's own view of the visitor, never appended to what she sent.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "$proxy_add_x_forwarded_for" not in site
    forwarded = {h.lower() for h in re.findall(r"proxy_set_header (X-Forwarded-[A-Za-z]+)", site)}
    assert forwarded == PROXY_HEADERS
    upstream = re.search(r"upstream aigaq \{\s*server ([0-9.]+):(\d+);", site)
    assert upstream, "deploy/nginx/aigaq.conf has no upstream aigaq"
    assert upstream.group(1) == env["AIGAQ_TRUSTED_PROXY"] == env["AIGAQ_HOST"]
    assert upstream.group(2) == env["AIGAQ_PORT"]
    assert "return 301 https://$host$request_uri;" in site


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_have_no_unknown_or_misspelt_settings(tmp_path: Path) -> None:
    true = shutil.which("true")
    assert true
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/aigaq/venv/bin/aigaq", true))
    done = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_the_worker_unit_runs_the_worker_with_the_web_servers_confinement() -> None:
    worker = (DEPLOY / "systemd" / "aigaq-worker.service").read_text()
    web = (DEPLOY / "systemd" / "aigaq.service").read_text()
    assert "ExecStart=/opt/aigaq/venv/bin/aigaq worker\n" in worker
    assert "AIGAQ_SERVE_WORKER=0" in worker  # only when serve starts none
    own = ("#", "ExecStart=", "Description=", "After=")
    settings = {line for line in web.splitlines() if line and not line.startswith(own)}
    assert settings - set(worker.splitlines()) == set()  # every setting of the web unit, the sandbox included
    assert "#AIGAQ_SERVE_WORKER=1" in ENV_EXAMPLE.read_text()
