"""Evidence files: encrypted before they touch the disk, cleaned of location data, checked
against their extension, limited in size, and every download is in the chain of custody. A stored
file that fails its integrity check (or is gone) is never served: the user gets a page that says
so in her language, and the failure is in the audit chain."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from aigaq.accounts.models import User
from aigaq.audit import log as audit_log
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import erasure
from aigaq.evidence import files
from aigaq.evidence.models import EvidenceItem
from aigaq.lib.crypto import DecryptionError

from ..conftest import client_for
from .helpers import secret_case


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 54.0, 0.0)}  # GPS: Almaty
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _upload(client, case, name: str, data: bytes, title: str = ""):  # type: ignore[no-untyped-def]
    return client.post(f"/cases/{case.code}/evidence/upload/",
                        {"file": SimpleUploadedFile(name, data), "title": title})


def test_location_and_camera_details_are_removed_from_photos(alice: User) -> None:
    case = secret_case(alice)
    client = client_for(alice)
    original = _jpeg_with_gps()
    assert b"SecretCam" in original
    assert _upload(client, case, "photo.jpg", original).status_code == 302
    item = EvidenceItem.objects.get()
    assert item.metadata_removed and item.sha256 != item.received_sha256
    download = client.get(f"/cases/{case.code}/evidence/{item.code}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == f'attachment; filename="aigaq-{item.code[:8]}.jpg"'
    body = download.content
    assert b"SecretCam" not in body and not Image.open(io.BytesIO(body)).getexif()
    stored = next((Path(settings.DATA_DIR) / "files" / case.code).iterdir()).read_bytes()
    assert b"JFIF" not in stored and b"\xff\xd8\xff" not in stored[:16]


def test_every_download_is_in_the_chain_of_custody(alice: User, cora: User) -> None:
    case = secret_case(alice)
    _upload(client_for(alice), case, "note.txt", b"what she said")
    item = EvidenceItem.objects.get()
    assert client_for(cora).get(f"/cases/{case.code}/evidence/{item.code}/").content == b"what she said"
    custody = AuditEntry.objects.filter(object_code=item.code).order_by("id")
    assert [(e.actor_name, e.action) for e in custody] == [
        ("alice", Action.EVIDENCE_ADDED), ("cora", Action.EVIDENCE_DOWNLOADED)]
    page = client_for(cora).get(f"/cases/{case.code}/evidence/").content.decode()
    assert "alice" in page and "cora" in page


@pytest.mark.parametrize("name,data", [
    ("page.jpg", b"<html><script>alert(1)</script>"),  # a page renamed to .jpg
    ("tool.exe", b"MZ\x90\x00"),
    ("photo.png", b"\xff\xd8\xff\xe0 a JPEG named .png"),
    ("broken.jpg", b"\xff\xd8\xff\xe0 not really an image"),
])
def test_a_file_that_is_not_what_its_name_says_is_refused(alice: User, name: str, data: bytes) -> None:
    case = secret_case(alice)
    assert _upload(client_for(alice), case, name, data).status_code == 400
    assert not EvidenceItem.objects.exists()
    assert not (Path(settings.DATA_DIR) / "files" / case.code).exists()


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(alice: User) -> None:
    case = secret_case(alice)
    response = _upload(client_for(alice), case, "long.txt", b"a" * 5000)
    assert response.status_code == 400 and "1024" not in response.content.decode()
    assert not EvidenceItem.objects.exists()


def _stored_file(case) -> Path:  # type: ignore[no-untyped-def]
    return next((Path(settings.DATA_DIR) / "files" / case.code).iterdir())


def _tamper(case) -> None:  # type: ignore[no-untyped-def]
    path = _stored_file(case)
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))


def _tampered_upload(owner: User, name: str = "note.txt", title: str = "") -> tuple[Any, EvidenceItem]:
    """A case of the owner's with one uploaded file ("what she said") altered on disk."""
    case = secret_case(owner)
    _upload(client_for(owner), case, name, b"what she said", title=title)
    _tamper(case)
    return case, EvidenceItem.objects.get()


def _integrity_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=Action.EVIDENCE_INTEGRITY_FAILED).order_by("id"))


def test_a_stored_file_altered_on_disk_is_refused_not_served(alice: User) -> None:
    case, item = _tampered_upload(alice)
    response = client_for(alice).get(f"/cases/{case.code}/evidence/{item.code}/")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html") and "Content-Disposition" not in response
    assert b"what she said" not in response.content
    assert not AuditEntry.objects.filter(action=Action.EVIDENCE_DOWNLOADED).exists()


def test_an_integrity_failure_is_in_the_audit_chain_with_codes_only(alice: User) -> None:
    case, item = _tampered_upload(alice, "Гүлназ-statement.txt", title="her statement")
    client_for(alice).get(f"/cases/{case.code}/evidence/{item.code}/")
    [entry] = _integrity_entries()
    assert (entry.actor_name, entry.case_code, entry.object_code) == ("alice", case.code, item.code)
    assert entry.extra == {"reason": "altered"}
    assert list(audit_log.verify()) == []  # appended to the hash chain, not beside it
    # ...and so in the file's chain of custody, on the evidence page.
    alice.language = "en"
    alice.save()
    page = client_for(alice).get(f"/cases/{case.code}/evidence/").content.decode()
    assert "tried to open an evidence file that failed its integrity check" in page


@pytest.mark.parametrize("lang,texts", [
    ("kk", ["тұтастық тексерісінен өтпеді", "Үйлестірушіңізге дереу хабарлаңыз", "Бастапқы құрылғыны",
            "Файл туралы деректер сақталады", "серверде өзгертілген немесе бүлінген"]),
    ("ru", ["не прошёл проверку целостности", "Сразу сообщите координатору", "Сохраните исходное устройство",
            "Запись о файле сохранена", "изменена или повреждена на сервере"]),
    ("en", ["failed its integrity check and was not shown", "Tell your coordinator now",
            "Keep the original device", "The record of the file is kept", "altered or damaged on the server"]),
])
def test_a_tampered_file_gives_409_and_explains_in_her_language(alice: User, lang: str, texts: list[str]) -> None:
    alice.language = lang
    alice.save()
    case, item = _tampered_upload(alice)
    response = client_for(alice).get(f"/cases/{case.code}/evidence/{item.code}/")
    assert response.status_code == 409
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert [t for t in texts if t not in page] == []
    # The record that is kept is shown: its name and recorded hash, and the custody log.
    assert "note.txt" in page and item.sha256 in page
    assert b"what she said" not in response.content


def test_a_missing_file_gives_404_with_the_same_page(alice: User) -> None:
    alice.language = "en"
    alice.save()
    case = secret_case(alice)
    _upload(client_for(alice), case, "note.txt", b"what she said")
    item = EvidenceItem.objects.get()
    _stored_file(case).unlink()
    response = client_for(alice).get(f"/cases/{case.code}/evidence/{item.code}/")
    assert response.status_code == 404 and "Content-Disposition" not in response
    page = response.content.decode()
    assert "failed its integrity check and was not shown" in page and "missing from the server" in page
    assert "Tell your coordinator now" in page and "note.txt" in page
    [entry] = _integrity_entries()
    assert entry.object_code == item.code and entry.extra == {"reason": "missing"}
    assert not AuditEntry.objects.filter(action=Action.EVIDENCE_DOWNLOADED).exists()


def test_plaintext_written_before_a_failure_is_never_sent(alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """open_stream may leave a genuine prefix in its output when the file changes between its
    verifying pass and its writing pass: the view must drop it, not send it."""
    case = secret_case(alice)
    _upload(client_for(alice), case, "note.txt", b"what she said")
    item = EvidenceItem.objects.get()

    def half_then_fail(dek: bytes, dst: BinaryIO, **kwargs: str) -> str:
        dst.write(b"what she")
        raise DecryptionError("encrypted stream failed authentication at chunk 1")

    monkeypatch.setattr(files, "read_sealed", half_then_fail)
    response = client_for(alice).get(f"/cases/{case.code}/evidence/{item.code}/")
    assert response.status_code == 409 and b"what she" not in response.content
    assert not AuditEntry.objects.filter(action=Action.EVIDENCE_DOWNLOADED).exists()
    assert [e.extra for e in _integrity_entries()] == [{"reason": "altered"}]


def test_an_outsider_asking_for_a_tampered_file_learns_nothing_and_logs_nothing(alice: User, olga: User) -> None:
    case, item = _tampered_upload(alice)
    response = client_for(olga).get(f"/cases/{case.code}/evidence/{item.code}/")
    assert response.status_code == 404
    assert "integrity" not in response.content.decode() and "note.txt" not in response.content.decode()
    assert _integrity_entries() == []


@pytest.mark.django_db(transaction=True)
def test_erasing_a_case_removes_its_stored_files(cora: User) -> None:
    case = secret_case(cora)
    _upload(client_for(cora), case, "note.txt", b"what she said")
    folder = Path(settings.DATA_DIR) / "files" / case.code
    assert folder.is_dir()
    erasure.case_erase(actor=cora, case=case)
    assert not folder.exists()
