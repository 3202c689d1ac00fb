"""RFC 3161 timestamps: asking a timestamp server (TSA) to vouch that some bytes existed at a
time, and checking the token it answers with. The court bundle uses it for manifest.json, so that
its time rests on a third party's word, not only on the organisation's (aigaq.lib.bundle).

asn1crypto builds the request and reads the token; cryptography checks the signature and, given
the TSA's CA certificates, the chain. The token is a standard one: `openssl ts -verify -data
manifest.json -in manifest.tsr -CAfile tsa.pem` checks it too. Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from asn1crypto import cms, core, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder, Store, VerificationError

HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
MAX_ANSWER = 256 * 1024  # a token is a few kB; more is not an answer to read into memory
TIMEOUT = 10.0


class Reply(core.Sequence):
    """TimeStampResp (RFC 3161 section 2.4.2), its token optional as the RFC says: a refusal has
    none (asn1crypto's own declares it required)."""

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


class TimestampError(ValueError):
    """The server did not timestamp, or a token does not hold; the message says why, in words."""


@dataclass(frozen=True)
class Stamp:
    """What a token that holds says."""

    time: dt.datetime  # genTime, UTC
    tsa: str  # the signer's certificate subject (or the TSA's name when the token has no certificate)
    serial: int
    signature_checked: bool  # against the signer's certificate (in the token or the CA file)
    chain_checked: bool  # that certificate chains to the CA file given, with the timeStamping usage

    def line(self) -> str:
        how = ("its signature and certificate chain checked against the CA file given" if self.chain_checked
               else "its signature checked against the certificate in it, its chain not checked "
                    "(give the TSA's CA certificate to check it)" if self.signature_checked
               else "its signature NOT checked: the token holds no certificate (give the TSA's CA certificate)")
        return f"timestamped at {self.time:%Y-%m-%dT%H:%M:%SZ} by {self.tsa} (serial {self.serial}), {how}"


def request(data: bytes, *, nonce: int) -> bytes:
    """The DER TimeStampReq for the SHA-256 of `data`, asking for the TSA's certificate."""
    return tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": hashlib.sha256(data).digest()},
        "nonce": nonce,
        "cert_req": True,
    }).dump()


def fetch(url: str, data: bytes, *, ca_pem: bytes | None = None, timeout: float = TIMEOUT) -> tuple[bytes, Stamp]:
    """Asks the TSA at `url` for a token over `data`; returns its answer (the DER TimeStampResp
    holding the token, kept as it came so that openssl reads it) and what the token says,
    checked as `check` does (and for our nonce). TimestampError for anything else: the server
    down, slow, refusing, or answering with something that is not a token of these bytes."""
    nonce = secrets.randbits(63)
    post = urllib.request.Request(  # noqa: S310 (http(s) only: envconfig.envurl)
        url, data=request(data, nonce=nonce), method="POST",
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"})
    try:
        with urllib.request.urlopen(post, timeout=timeout) as answer:  # noqa: S310 (http(s) only: envconfig)
            body = answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampError(f"the timestamp server answered HTTP {exc.code}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TimestampError(f"the timestamp server could not be reached ({reason})") from None
    if len(body) > MAX_ANSWER:
        raise TimestampError("the timestamp server's answer is too long to be a timestamp")
    try:
        status = Reply.load(body)["status"]
        granted = status["status"].native in ("granted", "granted_with_mods")
        text = status["status_string"].native or []
        refused = f"{status['status'].native}{': ' + '; '.join(text) if text else ''}"
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampError(f"the timestamp server's answer is not a timestamp response ({exc})") from None
    if not granted:
        raise TimestampError(f"the timestamp server refused ({refused})")
    try:
        stamp = check(body, data, ca_pem=ca_pem, nonce=nonce)
    except TimestampError as exc:
        raise TimestampError(f"the timestamp server's answer {exc}") from None
    return body, stamp


def check(reply: bytes, data: bytes, *, ca_pem: bytes | None = None, nonce: int | None = None) -> Stamp:
    """Checks that `reply` (a DER TimeStampResp, as the server sent it: what `openssl ts -verify
    -in` reads) timestamps `data`: its message imprint is the hash of `data`, its signature holds
    under the signer's certificate, and with `ca_pem` (the TSA's CA certificates, PEM) that
    certificate chains to one of them and may timestamp."""
    try:
        return _check(reply, data, ca_pem=ca_pem, nonce=nonce)
    except TimestampError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:  # a stranger's bytes
        raise TimestampError(f"cannot be read ({type(exc).__name__})") from None


def _check(reply: bytes, data: bytes, *, ca_pem: bytes | None, nonce: int | None) -> Stamp:
    try:
        response = Reply.load(reply)
        if response["status"]["status"].native not in ("granted", "granted_with_mods"):
            raise TimestampError("is a refusal, not a timestamp")
        info = response["time_stamp_token"]
        if info["content_type"].native != "signed_data":
            raise TimestampError("is not a signed timestamp token")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise TimestampError("is not a timestamp token (no TSTInfo)")
        tst_bytes = encap["content"].contents
        tst = tsp.TSTInfo.load(tst_bytes)
        imprint = tst["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        hashed = imprint["hashed_message"].native
        gen_time = tst["gen_time"].native
        serial = int(tst["serial_number"].native)
        signers = signed["signer_infos"]
        certificates = [c.chosen for c in signed["certificates"] if c.name == "certificate"] \
            if signed["certificates"].native else []
    except TimestampError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise TimestampError(f"cannot be read ({exc})") from None
    if algorithm not in HASHES:
        raise TimestampError(f"uses the hash {algorithm}, which this checker does not know")
    if hashed != hashlib.new(algorithm, data).digest():
        raise TimestampError("is not of this manifest: its message imprint does not match (the manifest "
                             "was changed after it was timestamped, or the token is another bundle's)")
    if nonce is not None and tst["nonce"].native != nonce:
        raise TimestampError("answers another request (its nonce is not ours)")
    if len(signers) != 1:
        raise TimestampError("does not have exactly one signer")
    anchors = _pem_certificates(ca_pem) if ca_pem else []
    signer = signers[0]
    certificate = _signer_certificate(signer, certificates, anchors)
    tsa = tst["tsa"].native if tst["tsa"].native else None
    name = certificate.subject.rfc4514_string() if certificate is not None else str(tsa or "an unnamed TSA")
    if certificate is None:
        if ca_pem:
            raise TimestampError("names a signer that is neither in it nor in the CA file given")
        return Stamp(time=gen_time, tsa=name, serial=serial, signature_checked=False, chain_checked=False)
    _check_signature(signer, tst_bytes, certificate)
    chained = False
    if ca_pem:
        intermediates = [x509.load_der_x509_certificate(c.dump()) for c in certificates]
        _check_chain(certificate, intermediates, anchors, gen_time)
        chained = True
    return Stamp(time=gen_time, tsa=name, serial=serial, signature_checked=True, chain_checked=chained)


def _pem_certificates(pem: bytes) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise TimestampError(f"cannot be checked: the CA file holds no PEM certificate ({exc})") from None


def _signer_certificate(signer: cms.SignerInfo, certificates: list[cms.Certificate],
                        anchors: list[x509.Certificate]) -> x509.Certificate | None:
    sid = signer["sid"]
    candidates = [x509.load_der_x509_certificate(c.dump()) for c in certificates] + anchors
    for candidate in candidates:
        if sid.name == "issuer_and_serial_number":
            if (candidate.serial_number == sid.chosen["serial_number"].native
                    and candidate.issuer.public_bytes() == sid.chosen["issuer"].dump()):
                return candidate
        else:
            try:
                key_id = candidate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            except x509.ExtensionNotFound:
                continue
            if key_id == sid.chosen.native:
                return candidate
    return None


def _check_signature(signer: cms.SignerInfo, tst_bytes: bytes, certificate: x509.Certificate) -> None:
    digest_name = signer["digest_algorithm"]["algorithm"].native
    if digest_name not in HASHES:
        raise TimestampError(f"is signed with the hash {digest_name}, which this checker does not know")
    attributes = signer["signed_attrs"]
    if not attributes.native:
        raise TimestampError("has no signed attributes")
    found = {attribute["type"].native: attribute["values"][0].native for attribute in attributes}
    if found.get("content_type") != "tst_info":
        raise TimestampError("does not sign a TSTInfo")
    if found.get("message_digest") != hashlib.new(digest_name, tst_bytes).digest():
        raise TimestampError("was altered: its signed digest is not that of its content")
    signed_bytes = b"\x31" + attributes.dump()[1:]  # signed as a SET, stored [0] IMPLICIT
    signature = signer["signature"].native
    algorithm = signer["signature_algorithm"]
    key = certificate.public_key()
    chosen = HASHES[digest_name]()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if algorithm.signature_algo == "rsassa_pss":
                params = algorithm["parameters"]
                pss_hash = HASHES[params["hash_algorithm"]["algorithm"].native]()
                key.verify(signature, signed_bytes,
                           padding.PSS(mgf=padding.MGF1(pss_hash), salt_length=params["salt_length"].native), pss_hash)
            else:
                key.verify(signature, signed_bytes, padding.PKCS1v15(), chosen)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(chosen))
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, signed_bytes)
        else:
            raise TimestampError("is signed with a kind of key this checker does not know")
    except (InvalidSignature, ValueError, KeyError):
        raise TimestampError("does not hold: its signature is not the TSA's") from None


def _has_timestamping_usage(_policy: object, _certificate: x509.Certificate,
                            usage: x509.ExtendedKeyUsage | None) -> None:
    if usage is None or list(usage) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise ValueError("the TSA certificate's only extended key usage must be timeStamping (RFC 3161)")


def _check_chain(certificate: x509.Certificate, intermediates: list[x509.Certificate],
                 anchors: list[x509.Certificate], at: dt.datetime) -> None:
    leaf_policy = ExtensionPolicy.permit_all().require_present(
        x509.ExtendedKeyUsage, Criticality.CRITICAL, _has_timestamping_usage)
    verifier = (PolicyBuilder().store(Store(anchors)).time(at)
                .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=leaf_policy)
                .build_client_verifier())
    try:
        verifier.verify(certificate, [c for c in intermediates if c != certificate])
    except VerificationError as exc:
        raise TimestampError(f"was signed by a certificate that does not chain to the CA file given ({exc})") from None

