"""The organisation's signing key, and evidence sealed with it when it is received.

Each organisation has one Ed25519 key, kept wrapped in the key store (keys.store) and made on
first use (audited). It signs a file's receipt, its hash, size, case and time of receipt, at the
moment the file is received, and later the manifest of every court bundle (evidence.bundle). Its
public key is published outside any bundle (`aigaq bundle public-key`, the organisation's key page)
so that whoever checks a bundle can tell it came from the organisation.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.db import transaction

from aigaq.accounts.models import Organisation, User
from aigaq.audit.log import record
from aigaq.audit.models import Action
from aigaq.keys.store import organisation_signing_key
from aigaq.lib import bundle
from aigaq.lib.crypto.signing import fingerprint, public_key_pem, public_key_raw, sign_bytes

from .models import EvidenceItem


def signing_key(organisation: Organisation, *, actor: User | None = None) -> bytes:
    """The organisation's private key; its creation, the first time, is in the audit log."""
    key, made = organisation_signing_key(organisation.code)
    if made:
        with transaction.atomic():
            record(actor=actor, action=Action.SIGNING_KEY_CREATED, organisation_code=organisation.code,
                   extra={"fingerprint": fingerprint(public_key_raw(key))})
    return key


def public_key(organisation: Organisation, *, actor: User | None = None) -> tuple[str, str]:
    """The organisation's public key as PEM, and its fingerprint."""
    raw = public_key_raw(signing_key(organisation, actor=actor))
    return public_key_pem(raw), fingerprint(raw)


def received_at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def receipt_message(item: EvidenceItem) -> bytes:
    """What the item's receipt signature vouches for (lib.bundle.receipt_message)."""
    return bundle.receipt_message(case_code=item.case.code, item_code=item.code, sha256=item.sha256,
                                  size=item.size, received_at=received_at_text(item.uploaded_at))


def seal_at_receipt(*, actor: User | None, item: EvidenceItem) -> None:
    """Signs the item's receipt with its organisation's key and keeps the signature in the item
    (sealed). Call once it is saved, so its time of receipt is the one stored."""
    key = signing_key(item.case.organisation, actor=actor)
    item.receipt_signature = base64.b64encode(sign_bytes(key, receipt_message(item))).decode("ascii")
    item.save(update_fields=["receipt_signature"])
