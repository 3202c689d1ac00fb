"""Signing in through the real forms, a software authenticator for WebAuthn, and moving the
accounts tables to an earlier migration and back."""

from __future__ import annotations

import json
import os
import re
from base64 import b32decode
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django_otp.oath import TOTP
from fido2.cose import ES256
from fido2.utils import sha256, websafe_decode, websafe_encode
from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

from aigaq.accounts.models import TotpDevice
from tests.conftest import PASSWORD

ORIGIN = "https://testserver"


def sign_in(
    username: str,
    password: str = PASSWORD,
    address: str = "127.0.0.1",
    client: Client | None = None,
    **extra: Any,
) -> tuple[Client, Any]:
    client = client or Client(REMOTE_ADDR=address)
    response = client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )
    return client, response


def migrate_accounts(to: str | None) -> None:
    """Moves the accounts tables to migration `to`, or to the latest one with None (what every
    later test expects: a test that goes back must come forward again in a `finally`)."""
    executor = MigrationExecutor(connection)
    # Forward: every app's leaf, since going back also unapplied the apps that depend on accounts.
    targets = [("accounts", to)] if to else executor.loader.graph.leaf_nodes()
    executor.migrate(targets)


def totp_code(device: TotpDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def code_for(secret: bytes, offset: int = 0) -> str:
    """What an authenticator app holding `secret` shows now (or `offset` steps of 30 s away)."""
    totp = TOTP(secret)
    totp.time = totp.time + offset * 30
    return f"{totp.token():06d}"


def secret_on_page(response: Any) -> bytes:
    """The key the enrolment page shows for typing into an app, as the app would read it."""
    match = re.search(r'<p class="secret">([A-Z2-7 ]+)</p>', response.content.decode())
    assert match, "the enrolment page shows no key"
    return b32decode(match.group(1).replace(" ", ""))


class SoftKey:
    """A security key in software: an ES256 key pair answering WebAuthn ceremonies."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def _auth_data(self, rp_id: str, *, attested: bool) -> AuthenticatorData:
        self.counter += 1
        flags = AuthenticatorData.FLAG.UP
        credential = b""
        if attested:
            flags |= AuthenticatorData.FLAG.AT
            credential = AttestedCredentialData.create(
                b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.private.public_key())
            )
        return AuthenticatorData.create(sha256(rp_id.encode()), flags, self.counter, credential)

    def create(self, options: dict[str, Any], origin: str = ORIGIN) -> str:
        public_key = options["publicKey"]
        client_data = CollectedClientData.create(
            "webauthn.create", websafe_decode(public_key["challenge"]), origin
        )
        auth_data = self._auth_data(public_key["rp"]["id"], attested=True)
        attestation = AttestationObject.create("none", auth_data, {})
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "attestationObject": websafe_encode(attestation),
                },
            }
        )

    def get(self, options: dict[str, Any], origin: str = ORIGIN) -> str:
        public_key = options["publicKey"]
        client_data = CollectedClientData.create(
            "webauthn.get", websafe_decode(public_key["challenge"]), origin
        )
        auth_data = self._auth_data(public_key["rpId"], attested=False)
        signature = self.private.sign(auth_data + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "authenticatorData": websafe_encode(auth_data),
                    "signature": websafe_encode(signature),
                },
            }
        )


def options_in(response: Any) -> dict[str, Any]:
    """The WebAuthn options a page hands to webauthn.js."""
    body = response.content.decode()
    start = body.index('<script id="webauthn-options" type="application/json">') + len(
        '<script id="webauthn-options" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])
