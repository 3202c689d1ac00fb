"""Photos she attaches: sealed while they wait, then into the evidence locker with their metadata
removed and a chain of custody that starts "submitted by the survivor"."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from aigaq.accounts.models import Organisation, User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.evidence.models import EvidenceItem
from aigaq.reports.models import Report

from ..conftest import client_for
from .helpers import open_with, report_post, send_report

pytestmark = pytest.mark.django_db


def photo() -> bytes:
    image = Image.new("RGB", (32, 32), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _folder(report: Report) -> Path:
    return Path(settings.DATA_DIR) / "report-files" / report.code


def test_a_photo_sent_with_the_report_is_stored_sealed(org: Organisation) -> None:
    send_report(org, attachment=SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg"))
    report = Report.objects.get()
    assert report.files.get().filename == "photo.jpg"
    stored = list(_folder(report).iterdir())
    assert len(stored) == 1 and b"SecretCam" not in stored[0].read_bytes()


def test_only_photos_screenshots_and_pdfs_are_taken(org: Organisation) -> None:
    response = report_post(Client(HTTP_ACCEPT_LANGUAGE="en"), org,
                           attachment=SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream"))
    assert response.status_code == 400 and "Only JPEG, PNG or PDF" in response.content.decode()
    assert not Report.objects.exists()


def test_she_adds_a_photo_later(org: Organisation) -> None:
    _, code = send_report(org)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(client, code)
    screenshot = SimpleUploadedFile("s.png", b"\x89PNG", "image/png")
    response = client.post("/report/mine/add/", {"add-attachment": screenshot})
    assert response.status_code == 302
    assert "s.png" in client.get("/report/mine/").content.decode()


def test_files_go_to_the_evidence_locker_with_custody_from_the_survivor(org: Organisation, cora: User) -> None:
    send_report(org, attachment=SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg"))
    report = Report.objects.get()
    response = client_for(cora).post(f"/report/queue/{report.code}/case/", {
        "survivor-sex": "female", "incident-date_from": "2025-03-01", "incident-region": "KZ-75",
        "incident-area": "urban", "incident-place_type": "home", "incident-gbv_physical_assault": "on",
        "suspects-TOTAL_FORMS": "0", "suspects-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    case = Case.objects.get()
    item = EvidenceItem.objects.get(case=case)
    assert item.filename == "photo.jpg" and item.metadata_removed
    first = AuditEntry.objects.filter(object_code=item.code).order_by("id").first()
    assert first is not None and first.action == Action.EVIDENCE_FROM_SURVIVOR


def test_deleting_the_report_removes_its_files(org: Organisation) -> None:
    _, code = send_report(org, attachment=SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg"))
    report = Report.objects.get()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(client, code)
    client.post("/report/mine/delete/", {"delete-confirm": "on"})
    assert not _folder(report).exists()
