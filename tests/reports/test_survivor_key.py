"""A sealed report (choice c) is protected from the server operator too: its data key is kept
wrapped only under a key derived from her receipt code and PIN, so the database and the key store
together, with the key file, do not open it. Her code and PIN do; her "yes" to a match, or a
choice other than sealed, wraps it for the server again; deleting it shreds both wraps."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from aigaq.accounts.models import Organisation, User
from aigaq.cases import services as case_services
from aigaq.cases.inputs import SuspectInput
from aigaq.keys import store
from aigaq.lib import crypto
from aigaq.lib.crypto import receipt
from aigaq.reports import files, services
from aigaq.reports.models import Report, ReportFile, ReportMessage
from aigaq.reports.public_views import visit_cookie

from ..conftest import INCIDENT, SURVIVOR, client_for
from .helpers import ACCOUNT, PIN, open_with, send_report
from .test_attachments import photo

pytestmark = pytest.mark.django_db

SEALED = {"choice": "sealed", "contact_way": "none", "contact_details": "", "his_phones": "+7 701 999 12 34"}
CHOICE = {"choice-contact_way": "none", "choice-contact_details": "", "choice-safe_times": ""}


def _fresh(report: Report) -> Report:
    """The row as a seized server reads it: nothing cached from her visit."""
    return Report.objects.get(pk=report.pk)


def _later_case(alice: User) -> None:
    case_services.case_create(actor=alice, survivor=SURVIVOR, incident=INCIDENT,
                              suspects=[SuspectInput(full_name="Yerlan", phones="8 (701) 999-12-34")])


def _every_server_key_fails(report: Report) -> None:
    """Every data key the server's key file unwraps from the key store fails on her report."""
    ring = store.keyring()
    with closing(sqlite3.connect(store.key_store_path())) as conn:
        server = conn.execute("SELECT case_code, wrapped FROM case_key").fetchall()
        survivor = conn.execute("SELECT name, wrapped FROM survivor_key").fetchall()
    keys = [crypto.unwrap_data_key(ring, bytes(w), context=f"case:{name}") for name, w in server]
    keys += list(ring.keks.values())  # the key-encryption keys themselves
    for dek in keys:
        with pytest.raises(crypto.DecryptionError):
            crypto.open_text(dek, Report.objects.filter(pk=report.pk).values_list("account", flat=True).get(),
                             aad=f"{Report._meta.db_table}:{report.code}:account")
    # Her wrap is not a key-file wrap: the server's ring cannot open it.
    for name, wrapped in survivor:
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_data_key(ring, bytes(wrapped), context=f"case:{name}")


def test_sealed_report_unreadable_with_server_keys_alone(org: Organisation) -> None:
    send_report(org, **SEALED, attachment=SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg"))
    report = _fresh(Report.objects.get())
    assert report.key_wrap == Report.KeyWrap.SURVIVOR
    assert not store.report_key_exists(report.code) and store.report_survivor_wrap_exists(report.code)
    with pytest.raises(crypto.DecryptionError):
        _ = report.account
    with pytest.raises(crypto.DecryptionError):
        _ = ReportFile.objects.get().filename
    _every_server_key_fails(report)
    # The tokens for matching stay.
    assert report.tokens.filter(purpose="phone").exists()
    # Nothing she wrote is in the database or the key store in plaintext.
    raw = Path(settings.DATABASES["default"]["NAME"]) if settings.DATABASES["default"]["ENGINE"].endswith(
        "sqlite3") else None
    for path in [store.key_store_path(), *([raw] if raw and raw.exists() else [])]:
        assert ACCOUNT.encode() not in path.read_bytes()


def test_her_code_and_pin_open_her_sealed_report_and_her_additions_are_sealed_too(org: Organisation) -> None:
    _, code = send_report(org, **SEALED)
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert open_with(survivor, code).status_code == 302
    assert ACCOUNT in survivor.get("/report/mine/").content.decode()
    survivor.post("/report/mine/add/", {"add-text": "Он писал мне снова в марте",
                                        "add-attachment": SimpleUploadedFile("s.png", b"\x89PNG fake", "image/png")})
    report = _fresh(Report.objects.get())
    assert report.files.count() == 1
    with pytest.raises(crypto.DecryptionError):
        _ = ReportMessage.objects.get().text
    with pytest.raises(crypto.DecryptionError):
        _ = report.files.get().filename
    dek = store.report_key_from_survivor(report.code, code=code, pin=PIN)
    assert dek is not None
    item = report.files.get()
    assert files.read(dek, report_code=report.code, file_code=item.code) == b"\x89PNG fake"
    again = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(again, code)
    page = again.get("/report/mine/").content.decode()
    assert "Он писал мне снова в марте" in page and "s.png" in page


def test_a_visit_without_its_browser_cookie_cannot_open_the_report(org: Organisation) -> None:
    """The server's session alone holds her key sealed under a key only her browser has."""
    _, code = send_report(org, **SEALED)
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    assert visit_cookie() in survivor.cookies
    assert not survivor.cookies[visit_cookie()]["max-age"] and not survivor.cookies[visit_cookie()]["expires"]
    del survivor.cookies[visit_cookie()]
    response = survivor.get("/report/mine/")
    assert response.status_code == 302 and response["Location"].endswith("/report/open/")


def test_wrong_pin_gives_the_same_answer_for_a_sealed_report(org: Organisation) -> None:
    _, code = send_report(org, **SEALED)
    wrong_pin = open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), code, "000000")
    wrong_code = open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), receipt.new_receipt_code(), PIN)
    assert wrong_pin.status_code == wrong_code.status_code == 400
    assert (wrong_pin.content.decode().replace(code, "").count("is not right")
            == wrong_code.content.decode().count("is not right") == 1)
    assert store.report_survivor_wrap_exists(Report.objects.get().code)
    with pytest.raises(crypto.DecryptionError):
        store.report_key_from_survivor(Report.objects.get().code, code=code, pin="000000")


def test_survivor_yes_makes_report_readable_to_coordinator(org: Organisation, alice: User, cora: User) -> None:
    _, code = send_report(org, **SEALED, attachment=SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg"))
    _later_case(alice)
    report = Report.objects.get()
    coordinator = client_for(cora)
    assert ACCOUNT not in coordinator.get(f"/report/queue/{report.code}/").content.decode()
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    survivor.post("/report/mine/share/", {"answer": "yes"})
    report = _fresh(report)
    assert report.release == "agreed" and report.key_wrap == Report.KeyWrap.BOTH
    assert report.account == ACCOUNT  # the server's keys open it now
    page = coordinator.get(f"/report/queue/{report.code}/").content.decode()
    assert ACCOUNT in page and "photo.jpg" in page


def test_survivor_no_keeps_the_report_closed_to_the_server(org: Organisation, alice: User) -> None:
    _, code = send_report(org, **SEALED)
    _later_case(alice)
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    survivor.post("/report/mine/share/", {"answer": "no"})
    report = _fresh(Report.objects.get())
    assert report.key_wrap == Report.KeyWrap.SURVIVOR and not store.report_key_exists(report.code)


def test_changing_her_choice_to_sealed_destroys_the_server_copy(org: Organisation, cora: User) -> None:
    _, code = send_report(org)  # choice (b), the helpers' default
    report = Report.objects.get()
    assert store.report_key_exists(report.code) and report.key_wrap == Report.KeyWrap.BOTH
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    assert survivor.post("/report/mine/choice/", {"choice-choice": "sealed", **CHOICE}).status_code == 302
    report = _fresh(report)
    assert report.choice == "sealed" and report.key_wrap == Report.KeyWrap.SURVIVOR
    assert not store.report_key_exists(report.code)
    assert client_for(cora).get(f"/report/queue/{report.code}/case/").status_code == 404
    again = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(again, code)
    assert ACCOUNT in again.get("/report/mine/").content.decode()


def test_changing_her_choice_from_sealed_wraps_it_for_the_server_again(org: Organisation, cora: User) -> None:
    _, code = send_report(org, **SEALED)
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    survivor.post("/report/mine/choice/", {"choice-choice": "record", **CHOICE})
    report = _fresh(Report.objects.get())
    assert report.key_wrap == Report.KeyWrap.BOTH and report.account == ACCOUNT
    assert ACCOUNT in client_for(cora).get(f"/report/queue/{report.code}/").content.decode()


def test_sealing_again_after_she_agreed_closes_it_until_a_new_yes(org: Organisation, alice: User) -> None:
    _, code = send_report(org, **SEALED)
    _later_case(alice)
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    survivor.post("/report/mine/share/", {"answer": "yes"})
    survivor.post("/report/mine/choice/", {"choice-choice": "record", **CHOICE})
    survivor.post("/report/mine/choice/", {"choice-choice": "sealed", **CHOICE})
    report = _fresh(Report.objects.get())
    assert not report.readable_by_staff and not store.report_key_exists(report.code)


@pytest.mark.parametrize("choice", ["sealed", "contact"])
def test_deleting_her_report_crypto_shreds_both_wraps(org: Organisation, choice: str) -> None:
    _, code = send_report(org, **(SEALED if choice == "sealed" else {}))
    report = Report.objects.get()
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    survivor.post("/report/mine/delete/", {"delete-confirm": "on"})
    assert not Report.objects.exists()
    assert not store.report_key_exists(report.code) and not store.report_survivor_wrap_exists(report.code)
    assert visit_cookie() not in survivor.cookies or not survivor.cookies[visit_cookie()].value


def test_a_report_from_before_survivors_keys_is_wrapped_for_her_at_her_next_visit(org: Organisation) -> None:
    _, code = send_report(org, **SEALED)
    report = Report.objects.get()
    # As the migration leaves a sealed report sent before this: only the server's wrap.
    dek = store.report_key_from_survivor(report.code, code=code, pin=PIN)
    assert dek is not None
    store.report_key_put(report.code, dek)
    with closing(sqlite3.connect(store.key_store_path())) as conn, conn:
        conn.execute("DELETE FROM survivor_key")
    Report.objects.filter(pk=report.pk).update(key_wrap=Report.KeyWrap.SERVER)
    assert _fresh(report).account == ACCOUNT  # readable by the server until she comes back
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    assert ACCOUNT in survivor.get("/report/mine/").content.decode()
    report = _fresh(report)
    assert report.key_wrap == Report.KeyWrap.SURVIVOR
    assert not store.report_key_exists(report.code) and store.report_survivor_wrap_exists(report.code)


def test_her_key_is_derived_with_argon2id_and_a_salt_of_its_own() -> None:
    code = receipt.new_receipt_code()
    salt_a, salt_b = receipt.new_receipt_salt(), receipt.new_receipt_salt()
    assert receipt.receipt_key(code, PIN, salt_a) == receipt.receipt_key(code.upper(), PIN, salt_a)
    assert receipt.receipt_key(code, PIN, salt_a) != receipt.receipt_key(code, PIN, salt_b)
    assert receipt.receipt_key(code, PIN, salt_a) != receipt.receipt_key(code, "000000", salt_a)


@pytest.mark.django_db(transaction=True)
def test_a_key_backup_keeps_her_wrap_and_not_a_deleted_reports(org: Organisation, tmp_path: Path) -> None:
    _, kept_code = send_report(org, **SEALED)
    send_report(org, **{**SEALED, "his_phones": "+7 777 000 00 02"})
    kept, gone = Report.objects.order_by("created_at", "id")
    out = tmp_path / "keys.aigaqbak"
    call_command("backup", "--key-store", "-o", str(out))
    services.report_delete(report=gone)
    call_command("restore", "--key-store", str(out))
    assert store.report_key_from_survivor(kept.code, code=kept_code, pin=PIN) is not None
    assert not store.report_survivor_wrap_exists(gone.code) and not store.report_key_exists(gone.code)


def test_restoring_an_older_key_backup_does_not_bring_back_the_server_copy_of_a_report_sealed_since(
    org: Organisation, tmp_path: Path
) -> None:
    _, code = send_report(org)  # choice (b): the server holds a wrap when the backup is made
    report = Report.objects.get()
    out = tmp_path / "keys.aigaqbak"
    call_command("backup", "--key-store", "-o", str(out))
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    assert survivor.post("/report/mine/choice/", {"choice-choice": "sealed", **CHOICE}).status_code == 302
    call_command("restore", "--key-store", str(out))
    assert not store.report_key_exists(report.code)
    _every_server_key_fails(_fresh(report))
    assert store.report_key_from_survivor(report.code, code=code, pin=PIN) is not None


def test_a_server_copy_left_by_a_failed_transaction_is_destroyed_at_her_next_visit(org: Organisation) -> None:
    """The key store commits before the database: if a choice change wrapped her key for the server
    and then failed, a sealed report would be readable with the server's keys. Her visit fixes it."""
    _, code = send_report(org, **SEALED)
    report = _fresh(Report.objects.get())
    dek = store.report_key_from_survivor(report.code, code=code, pin=PIN)
    assert dek is not None
    store.report_key_put(report.code, dek)  # as a rolled-back unsealing would leave it
    open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), code)
    assert not store.report_key_exists(report.code)
    _every_server_key_fails(report)


def test_a_server_copy_lost_by_a_failed_transaction_comes_back_at_her_next_visit(org: Organisation) -> None:
    _, code = send_report(org, choice="record")
    report = _fresh(Report.objects.get())
    assert report.key_wrap == Report.KeyWrap.BOTH
    store.report_key_destroy(report.code)  # as a rolled-back sealing would leave it
    open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), code)
    assert store.report_key_exists(report.code)
    assert _fresh(report).account == ACCOUNT
