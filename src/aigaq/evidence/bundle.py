"""The court bundle of a case: the chosen evidence files as stored, their records and chains of
custody, the case's pathway timeline, a PDF index, all signed with the organisation's key.

The format (file names, manifest, signature, SHA256SUMS, receipts) and its checker are in
aigaq.lib.bundle; this module reads the case and writes one. Each file put into a bundle is an
entry in its chain of custody (EVIDENCE_BUNDLED), and the bundle itself is audited (BUNDLE_MADE).
With a timestamp server configured (settings.TSA_URL), the signed manifest is timestamped (RFC
3161) and the answer goes in as manifest.tsr; a server that is down or answers badly does not stop
the bundle: it is made without one, and that is audited and said (Made.timestamp_problem).
Plaintext never touches the disk here: the web view writes into memory; the command writes where
its operator said (-o), as she asked.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from aigaq import reference
from aigaq.accounts.members import current_member
from aigaq.accounts.models import Role, User
from aigaq.audit.log import record
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.lib import bundle, timestamp
from aigaq.lib.crypto import random_code
from aigaq.lib.crypto.signing import fingerprint, public_key_raw
from aigaq.lib.text import neutralise

from . import seal, services
from .files import KINDS
from .models import EvidenceItem
from .selectors import evidence_with_custody

LANGUAGES = ("kk", "ru", "en")
MAKERS = (Role.LAWYER, Role.COORDINATOR)
STYLESHEET = Path(__file__).resolve().parent / "static" / "css" / "bundle-index.css"


def may_bundle(actor: User, case: Case) -> bool:
    """A lawyer or a coordinator of the case's own organisation (whose key signs the bundle).
    The caller has already checked that she may read the case (cases.access)."""
    member = current_member(actor)
    return member is not None and member.role in MAKERS and member.organisation_id == case.organisation_id


@dataclass(frozen=True)
class Made:
    code: str
    files: int
    fingerprint: str
    timestamped_at: str = ""  # the timestamp server's time, when the bundle has manifest.tsr
    timestamp_problem: str = ""  # why it has none although a server is configured (English, for the CLI)


def _when(at: Any) -> str:
    return seal.received_at_text(at)


def _custody(entries: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    return [{"at": _when(e.at), "who": e.actor_name, "action": int(e.action),
             "what": str(Action(e.action).label), "detail": e.extra, "audit_hash": e.hash} for e in entries]


def _timeline(case: Case, lang: str) -> list[dict[str, Any]]:
    out = []
    for event in case.events.current().order_by("date", "placed_at", "id"):
        entry = reference.event_type(event.type)
        out.append({"date": event.date.isoformat(),
                    "time": f"{event.time_of_day:%H:%M}" if event.time_of_day else "",
                    "type": event.type, "what": entry.label(lang) if entry else event.type,
                    "facts": event.facts})
    return out


def _pdf(manifest: dict[str, Any], *, lang: str) -> bytes:
    # WeasyPrint is imported here, as in documents.render: it loads Pango and fonts.
    from weasyprint import CSS, HTML

    html = render_to_string("evidence/bundle_index.html", {"m": manifest, "lang": lang})
    # No base_url: nothing outside the document is fetched. Invisible characters made visible.
    pdf: bytes = HTML(string=neutralise(html)).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
    return pdf


def bundle_make(*, actor: User | None, case: Case, items: Sequence[EvidenceItem], lang: str,
                target: str | Path | IO[bytes]) -> Made:
    """Writes the bundle of `items` (files of `case`) into `target`, its index in `lang`.

    A file that fails its integrity check stops the bundle (services.EvidenceUnreadable, already
    in the audit log): a court bundle never holds a file that is not the one received."""
    if lang not in LANGUAGES:
        raise ValueError("unknown language")
    if any(item.case_id != case.pk for item in items):
        raise ValueError("a file of another case")
    organisation = case.organisation
    key = seal.signing_key(organisation, actor=actor)
    code = random_code()
    writer = bundle.BundleWriter(target)
    entries: list[dict[str, Any]] = []
    for n, item in enumerate(items, start=1):
        buffer = io.BytesIO()
        services.evidence_download(actor=actor, item=item, dst=buffer, bundle_code=code)  # type: ignore[arg-type]
        stem = f"{n:02d}-{item.code[:8]}"
        name = f"evidence/{stem}.{item.kind}"
        if writer.add(name, buffer.getvalue()) != item.sha256:
            services.evidence_integrity_failed(actor=actor, item=item, reason="altered")  # type: ignore[arg-type]
            raise services.EvidenceUnreadable("altered")
        receipt = None
        if item.receipt_signature:
            receipt = {"message": f"receipts/{stem}.txt", "signature": f"receipts/{stem}.sig"}
            writer.add(receipt["message"], seal.receipt_message(item))
            writer.add(receipt["signature"], base64.b64decode(item.receipt_signature))
        entries.append({"file": name, "item": item, "receipt": receipt})
    custody = {row.item.code: row.custody for row in evidence_with_custody(case)}
    with translation.override(lang):
        evidence = [{
            "file": e["file"], "code": e["item"].code, "title": e["item"].title,
            "original_name": e["item"].filename, "kind": e["item"].kind,
            "content_type": KINDS[e["item"].kind].content_type, "size": e["item"].size,
            "sha256": e["item"].sha256, "received_sha256": e["item"].received_sha256,
            "metadata_removed": e["item"].metadata_removed, "received_at": _when(e["item"].uploaded_at),
            "received_by": e["item"].uploaded_by.get_username() if e["item"].uploaded_by else "",
            "receipt": e["receipt"], "custody": _custody(custody.get(e["item"].code, [])),
        } for e in entries]
        manifest: dict[str, Any] = {
            "bundle": code, "language": lang, "made_at": _when(timezone.now()),
            "made_by": actor.get_username() if actor is not None else "",
            "organisation": {"code": organisation.code, "name": organisation.name},
            "case": {"code": case.code, "reference": case.short_code},
            "evidence": evidence, "timeline": _timeline(case, lang),
        }
        public = public_key_raw(key)
        index = _pdf(dict(manifest, fingerprint=fingerprint(public)), lang=lang)
    writer.add("index.pdf", index)
    record(actor=actor, action=Action.BUNDLE_MADE, organisation_code=organisation.code, case_code=case.code,
           object_code=code, extra={"files": [item.code for item in items], "language": lang,
                                    "fingerprint": fingerprint(public)})
    stamped = _Timestamper(settings.TSA_URL, settings.TSA_CA_FILE) if settings.TSA_URL else None
    writer.finish(manifest, private_key=key, timestamp=stamped)
    made = Made(code=code, files=len(items), fingerprint=fingerprint(public))
    if stamped is None:
        return made
    if stamped.stamp is not None:
        made = Made(code=code, files=len(items), fingerprint=fingerprint(public),
                    timestamped_at=f"{stamped.stamp.time:%Y-%m-%dT%H:%M:%SZ}")
        record(actor=actor, action=Action.BUNDLE_TIMESTAMPED, organisation_code=organisation.code,
               case_code=case.code, object_code=code,
               extra={"at": made.timestamped_at, "tsa": stamped.stamp.tsa, "serial": str(stamped.stamp.serial)})
    else:
        made = Made(code=code, files=len(items), fingerprint=fingerprint(public), timestamp_problem=stamped.problem)
        record(actor=actor, action=Action.BUNDLE_NOT_TIMESTAMPED, organisation_code=organisation.code,
               case_code=case.code, object_code=code, extra={"reason": stamped.problem[:300]})
    return made


class _Timestamper:
    """Asks the timestamp server for the manifest's token once; what failed is kept, not raised:
    a court bundle is still worth having without a timestamp."""

    def __init__(self, url: str, ca_file: Path | None) -> None:
        self.url, self.ca_file = url, ca_file
        self.stamp: timestamp.Stamp | None = None
        self.problem = ""

    def __call__(self, manifest: bytes) -> bytes | None:
        try:
            ca_pem = self.ca_file.read_bytes() if self.ca_file is not None else None
        except OSError as exc:
            self.problem = f"the TSA's CA file cannot be read ({exc.strerror})"
            return None
        try:
            answer, self.stamp = timestamp.fetch(self.url, manifest, ca_pem=ca_pem)
        except timestamp.TimestampError as exc:
            self.problem = str(exc)
            return None
        except Exception as exc:  # a stranger's bytes must never cost her the bundle (or a 500)
            self.problem = f"the timestamp server's answer could not be read ({type(exc).__name__})"
            return None
        return answer
