"""Evidence files: encrypted before they touch the disk, cleaned of location data, checked
against their extension, limited in size, and every download is in the chain of custody."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases import erasure
from aigaq.evidence.models import EvidenceItem

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


def test_a_stored_file_altered_on_disk_is_refused_not_served(alice: User) -> None:
    case = secret_case(alice)
    _upload(client_for(alice), case, "note.txt", b"what she said")
    item = EvidenceItem.objects.get()
    path = next((Path(settings.DATA_DIR) / "files" / case.code).iterdir())
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    from aigaq.lib.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        client_for(alice).get(f"/cases/{case.code}/evidence/{item.code}/")
    assert not AuditEntry.objects.filter(action=Action.EVIDENCE_DOWNLOADED).exists()


@pytest.mark.django_db(transaction=True)
def test_erasing_a_case_removes_its_stored_files(cora: User) -> None:
    case = secret_case(cora)
    _upload(client_for(cora), case, "note.txt", b"what she said")
    folder = Path(settings.DATA_DIR) / "files" / case.code
    assert folder.is_dir()
    erasure.case_erase(actor=cora, case=case)
    assert not folder.exists()
