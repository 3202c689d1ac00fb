"""The court bundle's optional RFC 3161 timestamp, against a timestamp server on 127.0.0.1 (no
internet): with one configured, manifest.tsr is added and verify shows its time; a timestamp that
is not of the manifest (the manifest changed and re-signed, or another bundle's) fails verify,
naming the timestamp; a server that is down or answers badly leaves the bundle made without one,
said and audited, never an error page. The documented openssl check works as written."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from aigaq import envconfig
from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.evidence import seal
from aigaq.evidence.models import EvidenceItem
from aigaq.lib import bundle as fmt
from aigaq.lib.crypto.signing import sign_bytes

from ..protection.helpers import stepped_up
from . import tsa
from .test_bundle_cli import bash, documented, members, rewrite, verify

AUTHORITY = tsa.Authority()  # one key pair and certificates for the module: generating is the slow part


@pytest.fixture
def server(settings: Any, tmp_path: Path) -> Iterator[tsa.Server]:
    ca_file = tmp_path / "tsa.pem"
    ca_file.write_bytes(AUTHORITY.ca_pem)
    with tsa.running(AUTHORITY) as running:
        settings.TSA_URL = running.url
        settings.TSA_CA_FILE = ca_file
        yield running


def make(case: Case, tmp_path: Path, name: str = "bundle.zip") -> tuple[Path, str, str]:
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / name
    call_command("bundle", case.code, "-o", str(path), stdout=out, stderr=err)
    return path, out.getvalue(), err.getvalue()


def sums(contents: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(contents.items()) if name != fmt.SUMS).encode()


def test_a_bundle_is_timestamped_and_verify_shows_the_time(
        server: tsa.Server, bundled_case: Case, tmp_path: Path) -> None:
    path, out, err = make(bundled_case, tmp_path)
    assert "timestamped by the timestamp server at" in out and err == ""
    contents = members(path)
    assert "manifest.tsr" in contents and b"  manifest.tsr\n" in contents["SHA256SUMS"]
    # What was asked: the SHA-256 of manifest.json's bytes, nothing of the case.
    asked = server.requests[-1]
    assert hashlib.sha256(contents["manifest.json"]).digest() in asked and bundled_case.code.encode() not in asked
    stamped = AuditEntry.objects.get(action=Action.BUNDLE_TIMESTAMPED)
    assert stamped.case_code == bundled_case.code and stamped.extra["at"] in out
    code, out, err = verify(path, "--tsa-ca", str(tmp_path / "tsa.pem"))
    assert code == 0, err
    assert f"OK: manifest.json timestamped at {stamped.extra['at']} by O=Aigaq test TSA,CN=Test TSA" in out
    assert "chain checked against the CA file given" in out
    code, out, _ = verify(path)  # without the CA file: the signature under the token's certificate only
    assert code == 0 and "its chain not checked" in out


def test_a_manifest_changed_and_re_signed_after_its_timestamp_fails_verify_naming_the_timestamp(
        server: tsa.Server, bundled_case: Case, tmp_path: Path) -> None:
    """Even the organisation, holding its key, cannot re-date a timestamped bundle."""
    path, _, _ = make(bundled_case, tmp_path)
    contents = members(path)
    manifest = json.loads(contents["manifest.json"])
    manifest["made_at"] = "2020-01-01T00:00:00+05:00"
    data = (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    key = seal.signing_key(bundled_case.organisation)
    contents.update({"manifest.json": data, "manifest.json.sig": sign_bytes(key, data)})
    rewrite(path, {"manifest.json": data, "manifest.json.sig": contents["manifest.json.sig"],
                   "SHA256SUMS": sums(contents)})
    code, _, err = verify(path)
    assert code == 1
    assert err.splitlines()[0].startswith("FAILED: the timestamp (manifest.tsr) is not of this manifest")


def test_another_bundles_timestamp_fails_verify_naming_the_timestamp(
        server: tsa.Server, bundled_case: Case, tmp_path: Path) -> None:
    first, _, _ = make(bundled_case, tmp_path, "first.zip")
    second, _, _ = make(bundled_case, tmp_path, "second.zip")
    contents = members(first)
    contents["manifest.tsr"] = members(second)["manifest.tsr"]
    rewrite(first, {"manifest.tsr": contents["manifest.tsr"], "SHA256SUMS": sums(contents)})
    code, _, err = verify(first)
    assert code == 1 and "FAILED: the timestamp (manifest.tsr) is not of this manifest" in err


@pytest.mark.parametrize("junk", [b"", b"\x30\x03\x02\x01\x00", b"not DER at all"])
def test_a_timestamp_that_is_not_one_fails_verify_naming_it(
        junk: bytes, server: tsa.Server, bundled_case: Case, tmp_path: Path) -> None:
    path, _, _ = make(bundled_case, tmp_path)
    contents = members(path)
    contents["manifest.tsr"] = junk
    rewrite(path, {"manifest.tsr": junk, "SHA256SUMS": sums(contents)})
    code, _, err = verify(path)
    assert code == 1 and "FAILED: the timestamp (manifest.tsr) " in err


def test_a_timestamp_not_signed_by_the_tsa_given_fails_verify(
        server: tsa.Server, bundled_case: Case, tmp_path: Path) -> None:
    path, _, _ = make(bundled_case, tmp_path)
    other = tmp_path / "other-tsa.pem"
    other.write_bytes(tsa.Authority().ca_pem)
    code, _, err = verify(path, "--tsa-ca", str(other))
    assert code == 1 and "FAILED: the timestamp (manifest.tsr) was signed by a certificate that does not chain" in err


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("mode", ["down", "garbage", "refuse", "error"])
def test_a_timestamp_server_down_or_answering_badly_leaves_the_bundle_made_without_one_and_says_so(
        mode: str, server: tsa.Server, settings: Any, bundled_case: Case, tmp_path: Path) -> None:
    if mode == "down":
        settings.TSA_URL = f"http://127.0.0.1:{closed_port()}/tsa"
    server.mode[0] = mode
    path, out, err = make(bundled_case, tmp_path)
    assert "WARNING: the bundle was made WITHOUT a timestamp: the timestamp server" in err
    assert "manifest.tsr" not in members(path)
    code, out, _ = verify(path)
    assert code == 0 and "note: no timestamp (manifest.tsr)" in out
    failed = AuditEntry.objects.get(action=Action.BUNDLE_NOT_TIMESTAMPED)
    assert failed.case_code == bundled_case.code and failed.extra["reason"].startswith("the timestamp server")
    assert AuditEntry.objects.filter(action=Action.BUNDLE_MADE).count() == 1


def test_without_a_timestamp_server_nothing_is_asked_or_said(bundled_case: Case, tmp_path: Path) -> None:
    path, out, err = make(bundled_case, tmp_path)
    assert "timestamped" not in out and "WARNING" not in err and "manifest.tsr" not in members(path)
    assert not AuditEntry.objects.filter(action__in=[Action.BUNDLE_TIMESTAMPED, Action.BUNDLE_NOT_TIMESTAMPED])


def test_the_web_bundle_is_timestamped_and_the_page_says_it_will_be(
        server: tsa.Server, bob: User, bundled_case: Case, items: list[EvidenceItem]) -> None:
    client = stepped_up(bob)
    url = f"/cases/{bundled_case.code}/evidence/bundle/"
    assert "timestamp server 127.0.0.1" in client.get(url).content.decode()
    response = client.post(url, {"evidence": [items[0].code], "language": "en"})
    assert response["Content-Type"] == "application/zip"
    verdict = fmt.verify(io.BytesIO(response.content), tsa_ca=AUTHORITY.ca_pem)
    assert verdict.ok and verdict.timestamp is not None and verdict.timestamp.chain_checked


def test_on_the_web_a_failed_timestamp_still_gives_the_bundle_and_the_next_page_says_so(
        server: tsa.Server, bob: User, bundled_case: Case, items: list[EvidenceItem]) -> None:
    server.mode[0] = "garbage"
    client = stepped_up(bob)
    url = f"/cases/{bundled_case.code}/evidence/bundle/"
    response = client.post(url, {"evidence": [items[0].code], "language": "kk"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert fmt.verify(io.BytesIO(response.content)).ok
    page = client.get(url).content.decode()
    assert "WITHOUT a timestamp" in page
    assert AuditEntry.objects.filter(action=Action.BUNDLE_NOT_TIMESTAMPED, actor_name="bob").count() == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_documented_openssl_timestamp_check_works(server: tsa.Server, bundled_case: Case, tmp_path: Path) -> None:
    path, _, _ = make(bundled_case, tmp_path)
    folder = tmp_path / "bundle"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    done = bash(documented("<!-- bundle-timestamp-check"), folder)
    assert done.returncode == 0, done.stderr
    assert "Verification: OK" in done.stdout and "Time stamp: " in done.stdout
    (folder / "manifest.json").write_bytes((folder / "manifest.json").read_bytes().replace(b'"bundle"', b'"bundlE"'))
    assert bash(documented("<!-- bundle-timestamp-check"), folder).returncode != 0


def test_python_m_checks_the_timestamp_with_the_tsa_certificate(
        server: tsa.Server, bundled_case: Case, tmp_path: Path) -> None:
    path, _, _ = make(bundled_case, tmp_path)
    done = subprocess.run([sys.executable, "-m", "aigaq.lib.bundle", str(path), "--tsa-ca", str(tmp_path / "tsa.pem")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "chain checked against the CA file given" in done.stdout


def test_the_timestamp_server_setting_must_be_an_http_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AIGAQ_TSA_URL", "ftp://tsa.example")
    with pytest.raises(ImproperlyConfigured, match="AIGAQ_TSA_URL must be an http"):
        envconfig.envurl("AIGAQ_TSA_URL")
    monkeypatch.setenv("AIGAQ_TSA_URL", "https://freetsa.example/tsr")
    assert envconfig.envurl("AIGAQ_TSA_URL") == "https://freetsa.example/tsr"
    monkeypatch.setenv("AIGAQ_TSA_CA_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ImproperlyConfigured, match="AIGAQ_TSA_CA_FILE points to"):
        envconfig.envfile("AIGAQ_TSA_CA_FILE")
