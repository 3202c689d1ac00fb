"""A timestamp server (TSA) for tests, on 127.0.0.1: RFC 3161 tokens signed by a test key whose
certificate a test CA issued, built with asn1crypto and cryptography. No internet needed."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from aigaq.lib.timestamp import Reply


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Aigaq test TSA")])


@dataclass
class Authority:
    """A CA and the TSA certificate it issued; `ca_pem` is what a checker is given."""

    ca_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))

    def __post_init__(self) -> None:
        now = dt.datetime.now(dt.UTC)
        start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=365)
        self.ca = (x509.CertificateBuilder().subject_name(_name("Test TSA root")).issuer_name(_name("Test TSA root"))
                   .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(end)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                                key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=True, crl_sign=True, encipher_only=False,
                                                decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), critical=False)
                   .sign(self.ca_key, hashes.SHA256()))
        self.certificate = (
            x509.CertificateBuilder().subject_name(_name("Test TSA")).issuer_name(self.ca.subject)
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), critical=False)
            .sign(self.ca_key, hashes.SHA256()))

    @property
    def ca_pem(self) -> bytes:
        return self.ca.public_bytes(serialization.Encoding.PEM)

    def token(self, imprint: bytes, *, nonce: int | None = None, serial: int = 1,
              at: dt.datetime | None = None) -> bytes:
        """A TimeStampToken (DER) over the SHA-256 `imprint`."""
        info = {"version": "v1", "policy": "1.2.3.4.1", "serial_number": serial,
                "gen_time": (at or dt.datetime.now(dt.UTC)).replace(microsecond=0),
                "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": imprint}}
        if nonce is not None:
            info["nonce"] = nonce
        tst = tsp.TSTInfo(info)
        tst_der = tst.dump()
        cert_der = self.certificate.public_bytes(serialization.Encoding.DER)
        cert = asn1_x509.Certificate.load(cert_der)
        attributes = cms.CMSAttributes([
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]},
            {"type": "signing_certificate_v2", "values": [{"certs": [{
                "hash_algorithm": {"algorithm": "sha256"}, "cert_hash": hashlib.sha256(cert_der).digest()}]}]},
        ])
        signature = self.key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
        signed = cms.SignedData({
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {"content_type": "tst_info", "content": tst},
            "certificates": [cert],
            "signer_infos": [{
                "version": "v1",
                "sid": {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}},
                "digest_algorithm": {"algorithm": "sha256"},
                "signed_attrs": attributes,
                "signature_algorithm": {"algorithm": "sha256_ecdsa"},
                "signature": signature,
            }],
        })
        return cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()

    def answer(self, request_der: bytes) -> bytes:
        request = tsp.TimeStampReq.load(request_der)
        token = self.token(request["message_imprint"]["hashed_message"].native, nonce=request["nonce"].native)
        return Reply({"status": {"status": "granted"}, "time_stamp_token": cms.ContentInfo.load(token)}).dump()


@dataclass
class Server:
    url: str
    authority: Authority
    requests: list[bytes]
    mode: list[str]  # "ok", "garbage", "refuse", "error"


@contextmanager
def running(authority: Authority) -> Iterator[Server]:
    """A TSA on a free port of 127.0.0.1 for the length of the block."""
    requests: list[bytes] = []
    mode = ["ok"]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(body)
            if mode[0] == "error":
                self.send_response(500)
                self.end_headers()
                return
            if mode[0] == "garbage":
                reply = b"<html>not a timestamp</html>"
            elif mode[0] == "refuse":
                reply = Reply({"status": {"status": "rejection", "status_string": ["bad request"]}}).dump()
            else:
                reply = authority.answer(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(url=f"http://127.0.0.1:{server.server_address[1]}/tsa", authority=authority,
                     requests=requests, mode=mode)
    finally:
        server.shutdown()
        server.server_close()
