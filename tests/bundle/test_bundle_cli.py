"""`aigaq bundle` then `aigaq bundle verify`: OK for a bundle as made; every file altered, added or
removed is named; a replaced manifest signature is refused; receipts made at receipt are checked;
and the documented standard-tools checks (sha256sum -c, openssl) actually work."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.evidence import seal
from aigaq.evidence.models import EvidenceItem
from aigaq.lib import bundle as fmt
from aigaq.lib.crypto.signing import public_key_from_text, public_key_pem, signature_valid


def make(case: Case, tmp_path: Path, *extra: str, name: str = "bundle.zip") -> Path:
    out = tmp_path / name
    call_command("bundle", case.code, "-o", str(out), *extra, stdout=io.StringIO())
    return out


def verify(path: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("bundle", "verify", str(path), *extra, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def rewrite(path: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> None:
    """The same ZIP with members replaced (bytes) or removed (None), and others added."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, data in change.items():
        if data is None:
            del members[name]
        else:
            members[name] = data
    members.update(add or {})
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def evidence_names(path: Path) -> list[str]:
    return sorted(n for n in members(path) if n.startswith("evidence/"))


def test_a_bundle_as_made_verifies_ok(bundled_case: Case, items: list[EvidenceItem], tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path)
    code, out, err = verify(path)
    assert code == 0, err
    assert out.startswith("OK: ") and "2 receipts checked" in out and "proves nothing" in out
    contents = members(path)
    assert set(contents) >= {"manifest.json", "manifest.json.sig", "public-key.pem", "SHA256SUMS", "index.pdf"}
    # The evidence is there byte for byte as stored.
    first = next(v for k, v in contents.items() if k.startswith("evidence/01-"))
    assert first == "Ол маған қол көтерді. What she said.\n".encode()
    manifest = json.loads(contents["manifest.json"])
    entry = manifest["evidence"][0]
    assert entry["sha256"] == items[0].sha256 and entry["size"] == items[0].size
    assert entry["content_type"].startswith("text/plain") and entry["received_by"] == "alice"
    assert [c["action"] for c in entry["custody"]] == [Action.EVIDENCE_ADDED, Action.EVIDENCE_BUNDLED]


def test_verify_with_the_organisations_key_obtained_separately(bundled_case: Case, tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path)
    key_file = tmp_path / "org.pem"
    call_command("bundle", "public-key", "-o", str(key_file), stdout=io.StringIO())
    assert key_file.read_bytes() == members(path)["public-key.pem"]
    code, out, _ = verify(path, "--public-key", str(key_file))
    assert code == 0 and "signed by the key given" in out


def test_one_byte_changed_in_one_file_is_named(bundled_case: Case, tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path)
    target = evidence_names(path)[1]
    data = bytearray(members(path)[target])
    data[len(data) // 2] ^= 0x01
    rewrite(path, {target: bytes(data)})
    code, _, err = verify(path)
    assert code == 1
    assert f"ALTERED: {target}" in err and "NOT OK" in err
    assert evidence_names(path)[0] not in err  # the other file is not accused


def test_a_file_added_is_named(bundled_case: Case, tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path)
    rewrite(path, {}, add={"evidence/03-planted.txt": b"not from the case"})
    code, _, err = verify(path)
    assert code == 1 and "ADDED: evidence/03-planted.txt" in err


def test_a_file_removed_is_named(bundled_case: Case, tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path)
    gone = evidence_names(path)[0]
    rewrite(path, {gone: None})
    code, _, err = verify(path)
    assert code == 1 and f"REMOVED: {gone}" in err


def test_a_replaced_manifest_signature_is_refused(bundled_case: Case, tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path)
    forged = Ed25519PrivateKey.generate().sign(members(path)["manifest.json"])
    rewrite(path, {"manifest.json.sig": forged})
    code, _, err = verify(path)
    assert code == 1 and "signature of manifest.json does not hold" in err


def test_a_rewritten_manifest_signed_with_another_key_is_refused_against_the_published_key(
        bundled_case: Case, tmp_path: Path) -> None:
    """Whoever rewrites the manifest and signs it with her own key, swapping public-key.pem too,
    passes the bundle's own check but not a check against the organisation's published key."""
    path = make(bundled_case, tmp_path)
    contents = members(path)
    manifest = json.loads(contents["manifest.json"])
    manifest["evidence"][0]["received_by"] = "someone else"
    body = json.dumps(manifest).encode()
    other = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization

    pem = other.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    rewrite(path, {"manifest.json": body, "manifest.json.sig": other.sign(body), "public-key.pem": pem})
    key_file = tmp_path / "org.pem"
    call_command("bundle", "public-key", "-o", str(key_file), stdout=io.StringIO())
    code, _, err = verify(path, "--public-key", str(key_file))
    assert code == 1 and "under the key given" in err


def test_evidence_is_sealed_at_receipt_with_the_organisations_key(items: list[EvidenceItem]) -> None:
    item = items[0]
    pem, _ = seal.public_key(item.case.organisation)
    message = seal.receipt_message(item)
    fields = fmt.parse_receipt(message)
    assert fields["sha256"] == item.sha256 and fields["case"] == item.case.code
    assert fields["size"] == str(item.size)
    assert signature_valid(public_key_from_text(pem), message, base64.b64decode(item.receipt_signature))
    added = AuditEntry.objects.get(action=Action.EVIDENCE_ADDED, object_code=item.code)
    assert added.extra["sealed"] is True and item.sha256 not in json.dumps(added.extra)


def test_a_receipt_signature_that_does_not_hold_fails_verify(
        bundled_case: Case, items: list[EvidenceItem], tmp_path: Path) -> None:
    """A receipt is checked, not only carried: one that was not made for this file fails."""
    item = items[1]
    item.receipt_signature = base64.b64encode(Ed25519PrivateKey.generate().sign(b"x")).decode()
    item.save(update_fields=["receipt_signature"])
    path = make(bundled_case, tmp_path)
    code, _, err = verify(path)
    assert code == 1 and "receipt signature of evidence/02-" in err


def test_a_file_received_before_sealing_is_noted_not_failed(
        bundled_case: Case, items: list[EvidenceItem], tmp_path: Path) -> None:
    EvidenceItem.objects.filter(pk=items[0].pk).update(receipt_signature="")
    code, out, _ = verify(make(bundled_case, tmp_path))
    assert code == 0 and "received before sealing at receipt existed" in out and "1 receipts checked" in out


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


def documented(marker: str) -> str:
    """The ```sh block that follows `marker` in the user guide."""
    text = GUIDE.read_text(encoding="utf-8")
    rest = text[text.index(marker):]
    start = rest.index("```sh\n") + len("```sh\n")
    return rest[start:rest.index("```\n", start)]


def bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", "set -e\n" + script], cwd=cwd, capture_output=True, text=True)


def test_the_documented_standard_tool_checks_work(bundled_case: Case, tmp_path: Path) -> None:
    """docs/user-guide.md's commands, run as they are written: unzip, cmp, openssl, sha256sum,
    the Python one-liner and the fingerprint."""
    path = make(bundled_case, tmp_path)
    call_command("bundle", "public-key", "-o", str(tmp_path / "org-public-key.pem"), stdout=io.StringIO())
    done = bash(documented("<!-- bundle-check"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Signature Verified Successfully") == 3  # the manifest and two receipts
    assert done.stdout.count(": OK") == len(members(path)) - 1 and done.stdout.count("same file") == 2
    checked = bash(documented("<!-- bundle-python"), tmp_path / "bundle")
    assert checked.stdout.strip() == "manifest signature OK", checked.stderr
    printed = bash(documented("<!-- bundle-fingerprint"), tmp_path / "bundle").stdout.strip()
    assert printed == fmt.verify(path).key_fingerprint.replace(" ", "")


def test_the_documented_checks_fail_on_a_changed_file(bundled_case: Case, tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path)
    call_command("bundle", "public-key", "-o", str(tmp_path / "org-public-key.pem"), stdout=io.StringIO())
    target = evidence_names(path)[0]
    rewrite(path, {target: b"changed"})
    done = subprocess.run(["bash", "-c", "set -e\n" + documented("<!-- bundle-check")], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode != 0 and f"{target}: FAILED" in done.stdout


def test_the_index_pdf_is_in_the_chosen_language(bundled_case: Case, items: list[EvidenceItem],
                                                 tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path, "--lang", "kk")
    pdf = tmp_path / "index.pdf"
    pdf.write_bytes(members(path)["index.pdf"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Сот" in text and bundled_case.short_code in text
    assert items[0].sha256[:32] in text.replace("\n", "")


def test_only_the_chosen_files_go_in_and_it_is_audited(bundled_case: Case, items: list[EvidenceItem],
                                                       tmp_path: Path) -> None:
    path = make(bundled_case, tmp_path, "--evidence", items[1].code[:8])
    assert [n.split("-", 1)[1] for n in evidence_names(path)] == [f"{items[1].code[:8]}.png"]
    made = AuditEntry.objects.get(action=Action.BUNDLE_MADE)
    assert made.case_code == bundled_case.code and made.extra["files"] == [items[1].code]
    assert made.organisation_code == bundled_case.organisation.code
    assert not AuditEntry.objects.filter(action=Action.EVIDENCE_BUNDLED, object_code=items[0].code).exists()


def test_bad_input_is_named(bundled_case: Case, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no case has the code 'zzzzzzzz'"):
        make(bundled_case, tmp_path, name="a.zip") if False else call_command(
            "bundle", "zzzzzzzz", "-o", str(tmp_path / "a.zip"))
    with pytest.raises(CommandError, match="--evidence nothere: no file of this case"):
        make(bundled_case, tmp_path, "--evidence", "nothere")
    with pytest.raises(CommandError, match="--lang must be kk, ru or en"):
        make(bundled_case, tmp_path, "--lang", "de")
    assert not (tmp_path / "bundle.zip").exists()
    not_zip = tmp_path / "x.zip"
    not_zip.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a readable ZIP"):
        verify(not_zip)


def test_the_public_key_is_kept_and_the_same_each_time(bundled_case: Case) -> None:
    organisation = bundled_case.organisation
    first, second = seal.public_key(organisation), seal.public_key(organisation)
    assert first == second and first[0] == public_key_pem(public_key_from_text(first[0]))
    assert AuditEntry.objects.filter(action=Action.SIGNING_KEY_CREATED).count() == 1


def test_the_signing_key_survives_key_rotation_and_is_not_counted_as_a_case(
        bundled_case: Case, tmp_path: Path) -> None:
    """Kept in the key store, it is re-wrapped with the case keys: bundles signed before a KEK
    rotation still verify against the same published key afterwards."""
    import shutil

    from django.conf import settings
    from django.test import override_settings

    from aigaq.keys import store

    before, _ = seal.public_key(bundled_case.organisation)
    key_file, key_store = tmp_path / "keys.json", tmp_path / "keys.casekeys.sqlite3"
    shutil.copy(settings.KEY_FILE, key_file)
    shutil.copy(settings.KEY_STORE, key_store)
    key_file.chmod(0o600)
    try:
        with override_settings(KEY_FILE=str(key_file), KEY_STORE=str(key_store)):
            store.forget_keyring()
            call_command("keys", "rotate", stdout=io.StringIO())
            store.forget_keyring()
            after, _ = seal.public_key(bundled_case.organisation)
            assert bundled_case.code in store.case_codes_with_keys()
            assert not any(n.startswith(store.SIGNING_KEY_PREFIX) for n in store.case_codes_with_keys())
    finally:
        store.forget_keyring()
    assert after == before


def test_a_file_the_survivor_sent_is_sealed_at_receipt_too(alice: User, bundled_case: Case) -> None:
    from aigaq.evidence.services import survivor_files_received

    survivor_files_received(actor=alice, case=bundled_case, files=[("her.txt", b"what I saw")])
    item = EvidenceItem.objects.get(case=bundled_case, size=len(b"what I saw"))
    pem, _ = seal.public_key(bundled_case.organisation)
    assert signature_valid(public_key_from_text(pem), seal.receipt_message(item),
                           base64.b64decode(item.receipt_signature))


def test_the_command_explains_itself() -> None:
    from aigaq.ops.cli import main

    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["bundle", "--help"])
    text = out.getvalue()
    for expected in ("aigaq bundle CASE -o bundle.zip", "aigaq bundle verify", "--public-key", "--tsa-ca",
                     "AIGAQ_TSA_URL", "aigaq bundle public-key", "--evidence", "--lang"):
        assert expected in text


def test_python_m_checks_a_bundle_without_an_instance(bundled_case: Case, tmp_path: Path) -> None:
    """`python -m aigaq.lib.bundle` needs no settings, database or key file: only the package."""
    import os
    import sys

    path = make(bundled_case, tmp_path)
    key_file = tmp_path / "org.pem"
    call_command("bundle", "public-key", "-o", str(key_file), stdout=io.StringIO())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIGAQ_", "DJANGO_"))}
    run = lambda: subprocess.run([sys.executable, "-m", "aigaq.lib.bundle", str(path), "--public-key",  # noqa: E731
                                  str(key_file)], capture_output=True, text=True, env=env)
    done = run()
    assert done.returncode == 0 and done.stdout.startswith("OK: ") and "signed by the key given" in done.stdout
    rewrite(path, {"SHA256SUMS": members(path)["SHA256SUMS"].replace(b"  index.pdf", b"  index2.pdf")})
    done = run()
    assert done.returncode == 1 and "ALTERED: SHA256SUMS" in done.stderr
