"""The court bundle's format: a ZIP that anyone can check with standard tools, and its checker.

    manifest.json       what the bundle holds: every file's name, SHA-256 and size, and for each
                        evidence file its record and chain of custody (written by aigaq.evidence)
    manifest.json.sig   the detached Ed25519 signature of manifest.json's bytes (64 raw bytes)
    public-key.pem      the signing organisation's public key (compare it with the one published
                        outside the bundle: a key inside the bundle alone proves nothing)
    manifest.tsr        optional: a timestamp server's RFC 3161 answer (DER TimeStampResp) over the
                        SHA-256 of manifest.json, when the instance has one configured
                        (`openssl ts -verify -data manifest.json -in manifest.tsr -CAfile tsa.pem`)
    SHA256SUMS          `sha256sum -c SHA256SUMS` checks every other file
    receipts/NN-*.txt   for a file sealed when it was received: what was signed then (its hash,
    receipts/NN-*.sig   size, case and time of receipt), and the signature made at that moment
    evidence/NN-*.ext   the evidence files, byte for byte as stored
    index.pdf           the manifest as a document to read

`verify` names each file altered, added or removed, refuses a manifest whose signature does not
hold, checks every receipt, and the timestamp's imprint (and its signature and chain). Pure
Python: nothing here needs Django or the instance.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .crypto.signing import (
    fingerprint,
    public_key_from_text,
    public_key_pem,
    public_key_raw,
    sign_bytes,
    signature_valid,
)
from .timestamp import Stamp, TimestampError
from .timestamp import check as check_timestamp

FORMAT = "aigaq-court-bundle-v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
PUBLIC_KEY = "public-key.pem"
SUMS = "SHA256SUMS"
TIMESTAMP = "manifest.tsr"
UNLISTED = (MANIFEST, SIGNATURE, TIMESTAMP, SUMS)  # the manifest cannot list itself or what is made from it
RECEIPT_HEADER = "aigaq-evidence-receipt-v1"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Receipts: a file sealed when it was received ---------------------------------------------


def receipt_message(*, case_code: str, item_code: str, sha256: str, size: int, received_at: str) -> bytes:
    """What is signed when an evidence file is received: text, so that a person can read what
    the signature vouches for, and openssl can check it (`-rawin -in receipts/NN.txt`)."""
    return (f"{RECEIPT_HEADER}\ncase: {case_code}\nitem: {item_code}\nsha256: {sha256}\n"
            f"size: {size}\nreceived-at: {received_at}\n").encode("ascii")


def parse_receipt(message: bytes) -> dict[str, str]:
    """The fields of a receipt message; ValueError if it is not one."""
    lines = message.decode("ascii").split("\n")
    if not lines or lines[0] != RECEIPT_HEADER or lines[-1] != "":
        raise ValueError("not an evidence receipt")
    fields = dict(line.split(": ", 1) for line in lines[1:-1])
    if set(fields) != {"case", "item", "sha256", "size", "received-at"}:
        raise ValueError("not an evidence receipt")
    return fields


# --- Writing ---------------------------------------------------------------------------------


class BundleWriter:
    """Writes the bundle into `target` (a path or a binary file) one file at a time, so only one
    evidence file is in memory at once; `finish` adds the manifest, its signature and the sums."""

    def __init__(self, target: str | Path | IO[bytes]) -> None:
        # ZIP_STORED: evidence is mostly photos and PDFs, already compressed; stored members
        # also keep each file's bytes visible as they are.
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED)
        self._listed: list[dict[str, Any]] = []

    def add(self, name: str, data: bytes) -> str:
        """Adds a file; returns its SHA-256."""
        if name in UNLISTED or any(entry["name"] == name for entry in self._listed):
            raise ValueError(f"{name} is already in the bundle")
        digest = sha256(data)
        self._zip.writestr(name, data)
        self._listed.append({"name": name, "sha256": digest, "size": len(data)})
        return digest

    def finish(self, manifest: dict[str, Any], *, private_key: bytes,
               timestamp: Callable[[bytes], bytes | None] | None = None) -> bytes:
        """Signs and closes the bundle; returns the manifest's bytes as written. `timestamp`, given
        the manifest's bytes, returns a timestamp server's answer over them to add as manifest.tsr,
        or None to close the bundle without one."""
        public = public_key_raw(private_key)
        self.add(PUBLIC_KEY, public_key_pem(public).encode("ascii"))
        body = dict(manifest, format=FORMAT, files=self._listed,
                    signing_key={"algorithm": "Ed25519", "fingerprint": fingerprint(public),
                                 "public_key": public.hex()})
        data = (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
        signature = sign_bytes(private_key, data)
        self._zip.writestr(MANIFEST, data)
        self._zip.writestr(SIGNATURE, signature)
        sums = [(entry["name"], entry["sha256"]) for entry in self._listed]
        sums += [(MANIFEST, sha256(data)), (SIGNATURE, sha256(signature))]
        token = timestamp(data) if timestamp is not None else None
        if token is not None:
            self._zip.writestr(TIMESTAMP, token)
            sums.append((TIMESTAMP, sha256(token)))
        self._zip.writestr(SUMS, "".join(f"{digest}  {name}\n" for name, digest in sorted(sums)))
        self._zip.close()
        return data


# --- Checking --------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What `verify` found. `ok` only when nothing was: every problem names its file."""

    altered: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # signature, receipts, sums: in words
    key_fingerprint: str = ""
    key_given: bool = False  # checked against a key from outside the bundle
    files: int = 0
    receipts: int = 0
    unsealed: list[str] = field(default_factory=list)  # evidence received before sealing existed
    timestamp: Stamp | None = None  # manifest.tsr, when there is one and it holds

    @property
    def ok(self) -> bool:
        return not (self.altered or self.added or self.removed or self.problems)

    def lines(self) -> list[str]:
        """What failed, one line each (empty when ok)."""
        out = [f"ALTERED: {name}" for name in self.altered]
        out += [f"ADDED: {name}" for name in self.added]
        out += [f"REMOVED: {name}" for name in self.removed]
        out += [f"FAILED: {problem}" for problem in self.problems]
        return out

    def summary(self) -> list[str]:
        """What held, for a bundle that is ok."""
        source = "the key given" if self.key_given else "the key inside the bundle"
        out = [f"note: {name} was received before sealing at receipt existed (no receipt)" for name in self.unsealed]
        out.append(f"OK: {self.files} files as listed, manifest signed by {source} "
                   f"(fingerprint {self.key_fingerprint}), {self.receipts} receipts checked")
        if self.timestamp is not None:
            out.append(f"OK: {MANIFEST} {self.timestamp.line()}")
        else:
            out.append(f"note: no timestamp ({TIMESTAMP}): when the bundle was made rests on the "
                       "organisation's word (made_at in the manifest)")
        if not self.key_given:
            out.append("Compare that fingerprint with the organisation's published key "
                       "(or pass it with --public-key): a key inside the bundle alone proves nothing.")
        return out


class NotABundle(ValueError):
    """The file is not a ZIP, or has no manifest or signature: nothing can be checked."""


def _read(archive: zipfile.ZipFile) -> tuple[dict[str, bytes], list[str]]:
    contents: dict[str, bytes] = {}
    duplicated: list[str] = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.filename in contents:
            duplicated.append(info.filename)  # a second member of the same name: added
        contents[info.filename] = archive.read(info)
    return contents, duplicated


def verify(source: str | Path | IO[bytes], *, public_key: bytes | None = None,
           tsa_ca: bytes | None = None) -> Verdict:
    """Checks a bundle. `public_key`: the organisation's key (32 raw bytes) obtained elsewhere;
    without it the key in the bundle is used, which proves integrity but not who signed.
    `tsa_ca`: the timestamp server's CA certificates (PEM), to check the timestamp's chain."""
    try:
        with zipfile.ZipFile(source) as archive:
            contents, duplicated = _read(archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise NotABundle(f"not a readable ZIP file ({exc})") from None
    if MANIFEST not in contents or SIGNATURE not in contents:
        raise NotABundle(f"no {MANIFEST} or {SIGNATURE}: not a court bundle")
    manifest_bytes, signature = contents[MANIFEST], contents[SIGNATURE]
    verdict = Verdict(added=sorted(set(duplicated)))
    try:
        manifest = json.loads(manifest_bytes)
        listed = {entry["name"]: entry for entry in manifest["files"]}
    except (ValueError, KeyError, TypeError):
        raise NotABundle(f"{MANIFEST} cannot be read") from None
    key = public_key
    if key is None:
        try:
            key = public_key_from_text(contents.get(PUBLIC_KEY, b"").decode("ascii", "replace"))
        except ValueError:
            verdict.problems.append(f"{PUBLIC_KEY} is missing or is not an Ed25519 public key")
            key = b""
    verdict.key_given = public_key is not None
    if key:
        verdict.key_fingerprint = fingerprint(key)
    if not key or not signature_valid(key, manifest_bytes, signature):
        verdict.problems.append(
            f"the signature of {MANIFEST} does not hold"
            + (" under the key given" if public_key is not None else f" under {PUBLIC_KEY}")
            + ": the manifest or its signature was replaced; nothing in this bundle can be trusted")
        return verdict
    if public_key is not None and PUBLIC_KEY in contents:
        try:
            inside = public_key_from_text(contents[PUBLIC_KEY].decode("ascii", "replace"))
        except ValueError:
            inside = b""
        if inside != public_key:
            verdict.altered.append(PUBLIC_KEY)
    for name, data in sorted(contents.items()):
        if name in UNLISTED:
            continue
        entry = listed.get(name)
        if entry is None:
            verdict.added.append(name)
        elif (sha256(data) != entry.get("sha256") or len(data) != entry.get("size")) and name not in verdict.altered:
            verdict.altered.append(name)
    verdict.removed = sorted(name for name in listed if name not in contents)
    verdict.files = len(listed)
    if SUMS not in contents:
        verdict.removed.append(SUMS)
    else:
        _check_sums(contents, verdict)
    _check_receipts(manifest.get("evidence", []), contents, key, verdict)
    if TIMESTAMP in contents:
        try:
            verdict.timestamp = check_timestamp(contents[TIMESTAMP], manifest_bytes, ca_pem=tsa_ca)
        except TimestampError as exc:
            verdict.problems.append(f"the timestamp ({TIMESTAMP}) {exc}")
    verdict.added.sort()
    verdict.altered.sort()
    return verdict


def _check_sums(contents: dict[str, bytes], verdict: Verdict) -> None:
    """SHA256SUMS must still say what the files are (otherwise `sha256sum -c` would mislead)."""
    try:
        lines = contents[SUMS].decode("utf-8").splitlines()
        sums: dict[str, str] = {}
        for line in lines:
            digest, name = line.split("  ", 1)
            sums[name] = digest
    except ValueError:
        verdict.altered.append(SUMS)
        return
    expected = {name: sha256(data) for name, data in contents.items() if name != SUMS}
    differ = {name for name in set(sums) | set(expected) if sums.get(name) != expected.get(name)}
    if differ - set(verdict.altered) - set(verdict.added) - set(verdict.removed):
        verdict.altered.append(SUMS)


def _check_receipts(evidence: Iterable[dict[str, Any]], contents: dict[str, bytes], key: bytes,
                    verdict: Verdict) -> None:
    """Each sealed file's receipt: signed by the key, and naming the file that is in the bundle."""
    for item in evidence:
        name, receipt = item.get("file", ""), item.get("receipt")
        if not receipt:
            verdict.unsealed.append(name)
            continue
        message = contents.get(receipt.get("message", ""))
        signature = contents.get(receipt.get("signature", ""))
        if message is None or signature is None:
            continue  # already named as removed
        if not signature_valid(key, message, signature):
            verdict.problems.append(f"the receipt signature of {name} does not hold ({receipt['signature']})")
            continue
        try:
            fields = parse_receipt(message)
        except (ValueError, UnicodeDecodeError):
            verdict.problems.append(f"{receipt['message']} is not an evidence receipt")
            continue
        data = contents.get(name)
        if data is not None and (fields["sha256"] != sha256(data) or fields["size"] != str(len(data))):
            verdict.problems.append(f"{name} is not the file that was sealed when it was received")
            continue
        verdict.receipts += 1


def main(argv: list[str] | None = None) -> int:
    """`python -m aigaq.lib.bundle bundle.zip [--public-key FILE] [--tsa-ca FILE]`: the same check as
    `aigaq bundle verify`, for a computer with the aigaq package but no instance."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m aigaq.lib.bundle",
                                     description="Check an Aigaq court bundle: OK, or every file altered, "
                                                 "added or removed (exit status 1).")
    parser.add_argument("bundle", help="the bundle's ZIP file")
    parser.add_argument("--public-key", default="", metavar="FILE",
                        help="the organisation's public key (PEM or base64), obtained outside the bundle")
    parser.add_argument("--tsa-ca", default="", metavar="FILE",
                        help="the timestamp server's CA certificate(s), PEM: checks manifest.tsr's chain")
    args = parser.parse_args(argv)
    try:
        key = public_key_from_text(Path(args.public_key).read_text("ascii")) if args.public_key else None
        tsa_ca = Path(args.tsa_ca).read_bytes() if args.tsa_ca else None
        verdict = verify(args.bundle, public_key=key, tsa_ca=tsa_ca)
    except (NotABundle, OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"{args.bundle}: {exc}", file=sys.stderr)
        return 2
    if not verdict.ok:
        for line in verdict.lines():
            print(line, file=sys.stderr)
        print(f"{args.bundle}: NOT OK", file=sys.stderr)
        return 1
    print("\n".join(verdict.summary()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
