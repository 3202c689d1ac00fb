"""The abuse log: an entry with a screenshot (hashed, EXIF removed, sealed at rest), corrections
with the earlier version kept, the same sender found across entries whatever the phone's form."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from aigaq.abuse import services
from aigaq.abuse.models import AbuseEntry, AbuseFile, AbuseRevision
from aigaq.abuse.selectors import same_sender_counts, sender_groups
from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry

from ..conftest import client_for
from .helpers import HANDLE, MESSAGE, entry_input, form_data, jpeg_with_gps, make_entry


def test_an_entry_with_a_screenshot_keeps_its_hash_without_exif_and_encrypted_at_rest(alice: User) -> None:
    photo = jpeg_with_gps()
    client = client_for(alice)
    response = client.post("/abuse/new/", {**form_data(), "file": SimpleUploadedFile("screen.jpg", photo)})
    assert response.status_code == 302
    entry = AbuseEntry.objects.get()
    item = AbuseFile.objects.get()
    assert response["Location"] == f"/abuse/{entry.code}/"
    assert item.metadata_removed and item.received_sha256 == hashlib.sha256(photo).hexdigest()
    download = client.get(f"/abuse/{entry.code}/files/{item.code}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    body = download.content
    assert hashlib.sha256(body).hexdigest() == item.sha256 != item.received_sha256
    assert b"SecretCam" not in body and not Image.open(io.BytesIO(body)).getexif()
    stored = (Path(settings.DATA_DIR) / "files" / f"abuse-{entry.code}" / item.stored_name).read_bytes()
    assert b"\xff\xd8\xff" not in stored[:16] and b"JFIF" not in stored
    page = client.get(f"/abuse/{entry.code}/").content.decode()
    assert item.sha256 in page and MESSAGE in page
    actions = list(AuditEntry.objects.filter(object_code=entry.code).values_list("action", flat=True))
    assert actions == [Action.ABUSE_ENTRY_ADDED, Action.ABUSE_FILE_ADDED, Action.ABUSE_FILE_DOWNLOADED,
                       Action.ABUSE_ENTRY_VIEWED]


def test_what_she_wrote_is_sealed_in_the_database(alice: User) -> None:
    make_entry(alice, attachments=[("note.txt", b"saved words")], police_outcome="KUSP 123-secret")
    with connection.cursor() as cursor:
        for table in ("abuse_abuseentry", "abuse_abusefile", "abuse_sendertoken"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            blob = json.dumps(cursor.fetchall(), default=str)
            for plaintext in (MESSAGE, "threatener", "555-12-34", "7015551234", "Ахметов", "KUSP 123", "note.txt"):
                assert plaintext not in blob, (table, plaintext)


def test_a_saved_page_in_warc_is_accepted_and_a_renamed_file_refused(alice: User) -> None:
    import gzip

    entry = make_entry(alice)
    warc = b"WARC/1.1\r\nWARC-Type: response\r\n\r\n<html>threat</html>"
    client = client_for(alice)
    for name, data in (("page.warc", warc), ("page.warc.gz", gzip.compress(warc))):
        assert client.post(f"/abuse/{entry.code}/files/", {"file": SimpleUploadedFile(name, data)}).status_code == 302
    assert sorted(entry.files.values_list("kind", flat=True)) == ["warc", "warc.gz"]
    refused = client.post(f"/abuse/{entry.code}/files/", {"file": SimpleUploadedFile("x.warc", b"<html>")})
    assert refused.status_code == 400 and entry.files.count() == 2


def test_a_correction_keeps_the_earlier_version_with_who_and_why(alice: User) -> None:
    entry = make_entry(alice)
    client = client_for(alice)
    page = client.get(f"/abuse/{entry.code}/edit/")
    assert page.status_code == 200 and MESSAGE in page.content.decode()
    data = form_data(platform="instagram", received_on="2026-11-03", received_time="21:15", sender_handle=HANDLE,
                     message="Corrected text", threat_level="located", version="1", reason="typo in the text")
    assert client.post(f"/abuse/{entry.code}/edit/", data).status_code == 302
    entry.refresh_from_db()
    assert entry.message == "Corrected text" and entry.version == 2
    revision = AbuseRevision.objects.get(entry=entry)
    assert json.loads(revision.values)["message"] == MESSAGE and revision.reason == "typo in the text"
    history = client.get(f"/abuse/{entry.code}/").content.decode()
    assert MESSAGE in history and "typo in the text" in history
    change = AuditEntry.objects.get(action=Action.ABUSE_ENTRY_CHANGED)
    assert "message" in change.extra["fields"] and "Corrected" not in json.dumps(change.extra)
    # A save from the old version is refused, her input kept.
    stale = client.post(f"/abuse/{entry.code}/edit/", {**data, "message": "Mine", "reason": "again"})
    assert stale.status_code == 409 and "Mine" in stale.content.decode()
    entry.refresh_from_db()
    assert entry.message == "Corrected text"


def test_a_correction_without_a_reason_saves_nothing_and_keeps_her_input(alice: User) -> None:
    entry = make_entry(alice)
    data = form_data(message="New words", version="1", reason="")
    response = client_for(alice).post(f"/abuse/{entry.code}/edit/", data)
    assert response.status_code == 400 and "New words" in response.content.decode()
    entry.refresh_from_db()
    assert entry.message == MESSAGE and not entry.revisions.exists()


def test_a_future_date_is_refused_with_her_input_kept(alice: User) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client_for(alice).post("/abuse/new/", form_data(received_on=tomorrow))
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert not AbuseEntry.objects.exists()


def test_two_entries_with_the_same_phone_in_different_forms_are_linked(alice: User) -> None:
    first = make_entry(alice, sender_handle="", sender_name="", sender_phone="8 (701) 555-12-34")
    second = make_entry(alice, sender_handle="", sender_name="", sender_phone="+77015551234", platform="whatsapp")
    other = make_entry(alice, sender_handle="", sender_name="", sender_phone="+7 702 000 00 00")
    counts = same_sender_counts([first, second, other])
    assert counts == {first.code: 1, second.code: 1, other.code: 0}
    page = client_for(alice).get("/abuse/").content.decode()
    assert "same sender as 1 other entry" in page
    detail = client_for(alice).get(f"/abuse/{first.code}/").content.decode()
    assert f"/abuse/{second.code}/" in detail and f"/abuse/{other.code}/" not in detail


def test_handles_and_names_link_senders_in_any_form(alice: User) -> None:
    a = make_entry(alice, sender_phone="", sender_name="", sender_handle="@Threatener_KZ")
    b = make_entry(alice, sender_phone="", sender_name="", sender_handle="https://instagram.com/threatener_kz/")
    c = make_entry(alice, sender_phone="", sender_handle="", sender_name="Жәнібек Ахметов")
    d = make_entry(alice, sender_phone="", sender_handle="", sender_name="Zhanibek Akhmetov")
    e = make_entry(alice, sender_phone="", sender_handle="", sender_name="Ахметов")  # one word: not enough
    groups = sorted(sorted(x.code for x in g) for g in sender_groups([a, b, c, d, e]))
    assert sorted([a.code, b.code]) in groups and sorted([c.code, d.code]) in groups and [e.code] in groups
    page = client_for(alice).get("/abuse/senders/").content.decode()
    assert "2 entries" in page


def test_an_edit_that_changes_the_phone_moves_the_entry_to_its_new_sender(alice: User) -> None:
    first = make_entry(alice, sender_handle="", sender_name="")
    second = make_entry(alice, sender_handle="", sender_name="")
    services.entry_update(actor=alice, entry=second, version=1, reason="wrong number",
                          data=entry_input(sender_handle="", sender_name="", sender_phone="+7 777 111 22 33"))
    assert same_sender_counts([first, second]) == {first.code: 0, second.code: 0}


def test_an_altered_file_is_never_served_and_the_attempt_is_audited(alice: User) -> None:
    entry = make_entry(alice, attachments=[("note.txt", b"what he wrote")])
    item = AbuseFile.objects.get()
    path = Path(settings.DATA_DIR) / "files" / f"abuse-{entry.code}" / item.stored_name
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    response = client_for(alice).get(f"/abuse/{entry.code}/files/{item.code}/")
    assert response.status_code == 409 and b"what he wrote" not in response.content
    failed = AuditEntry.objects.get(action=Action.ABUSE_FILE_INTEGRITY_FAILED)
    assert failed.extra == {"file": item.code, "reason": "altered"}
    assert not AuditEntry.objects.filter(action=Action.ABUSE_FILE_DOWNLOADED).exists()


def test_a_date_long_ago_is_refused(alice: User) -> None:
    response = client_for(alice).post("/abuse/new/", form_data(received_on="0001-01-01", received_time="00:00"))
    assert response.status_code == 400 and not AbuseEntry.objects.exists()
