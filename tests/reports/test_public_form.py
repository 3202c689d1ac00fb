"""The survivor's form, her receipt code and what she can do with it."""

from __future__ import annotations

import pytest
from django.test import Client

from aigaq.accounts.models import Organisation
from aigaq.audit.models import Action, AuditEntry
from aigaq.keys.store import case_key_exists, report_key_name
from aigaq.lib.crypto import receipt
from aigaq.reports.models import Report

from .helpers import ACCOUNT, PIN, open_with, report_post, send_report

pytestmark = pytest.mark.django_db


def test_the_form_opens_without_an_account_and_has_the_quick_exit(org: Organisation) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/report/{org.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="quick-exit"' in page
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page.replace(
        "https://www.gismeteo.kz/", "")


def test_report_start_page_goes_to_the_only_organisation(org: Organisation) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/report/")
    assert response.status_code == 302 and response["Location"] == f"/report/{org.code}/"


def test_form_errors_keep_everything_she_typed(org: Organisation) -> None:
    response = report_post(Client(HTTP_ACCEPT_LANGUAGE="en"), org, pin_again="000000", answer="999")
    assert response.status_code == 400
    page = response.content.decode()
    assert ACCOUNT in page and "@erlan_k" in page and "будни 10-13" in page
    assert "The two PINs are not the same." in page
    assert "That is not the answer." in page
    assert not Report.objects.exists()


def test_language_switch_lasts_the_visit_without_a_language_cookie(org: Organisation) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/report/{org.code}/?lang=kk").content.decode()
    assert 'lang="kk"' in page
    again = client.get(f"/report/{org.code}/")
    assert '<html lang="kk">' in again.content.decode()
    assert "aigaq_lang" not in client.cookies


def test_no_cookie_outlives_the_visit(org: Organisation) -> None:
    client, _ = send_report(org)
    for morsel in client.cookies.values():
        assert not morsel["max-age"] and not morsel["expires"], morsel.key


def test_receipt_code_has_at_least_64_bits_and_is_made_of_words() -> None:
    assert receipt.ENTROPY_BITS >= 64 and len(receipt.WORDS) == 256 == len(set(receipt.WORDS))
    code = receipt.new_receipt_code()
    assert all(word in receipt.WORDS for word in code.replace("-", " ").split())


def test_receipt_code_and_pin_open_her_report(org: Organisation) -> None:
    _, code = send_report(org)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = open_with(client, code.upper().replace("-", " "))
    assert response.status_code == 302 and response["Location"] == "/report/mine/"
    assert ACCOUNT in client.get("/report/mine/").content.decode()


def test_the_receipt_code_is_shown_only_once(org: Organisation) -> None:
    client, _ = send_report(org)
    assert client.get("/report/sent/").status_code == 302


def test_wrong_code_and_wrong_pin_give_the_same_answer(org: Organisation) -> None:
    _, code = send_report(org)
    wrong_pin = open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), code, "000000")
    wrong_code = open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), receipt.new_receipt_code(), PIN)
    assert wrong_pin.status_code == wrong_code.status_code == 400
    strip = lambda html: html.replace(code, "")  # noqa: E731 - the code she typed is shown back
    assert "is not right" in wrong_pin.content.decode()
    assert strip(wrong_pin.content.decode()).count("is not right") == strip(wrong_code.content.decode()).count(
        "is not right")
    assert AuditEntry.objects.filter(action=Action.REPORT_RECEIPT_FAILED).count() == 2


def test_guessing_codes_is_throttled_per_address(org: Organisation) -> None:
    _, code = send_report(org)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    statuses = [open_with(client, receipt.new_receipt_code()).status_code for _ in range(12)]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
    # Throttled, even the right code and PIN open nothing from this address.
    assert open_with(client, code).status_code == 429


def test_only_a_slow_hash_of_code_and_pin_is_stored(org: Organisation) -> None:
    _, code = send_report(org)
    report = Report.objects.get()
    assert report.receipt_hash.startswith("$argon2id$")
    assert code not in report.receipt_hash and PIN not in report.receipt_hash


def test_she_adds_to_her_report_and_changes_her_choice(org: Organisation) -> None:
    _, code = send_report(org)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(client, code)
    assert client.post("/report/mine/add/", {"add-text": "Он снова звонил вчера"}).status_code == 302
    response = client.post("/report/mine/choice/", {"choice-choice": "sealed", "choice-contact_way": "none"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.choice == "sealed"
    assert "Он снова звонил вчера" in client.get("/report/mine/").content.decode()


def test_deleting_her_report_shreds_its_key(org: Organisation) -> None:
    _, code = send_report(org)
    report = Report.objects.get()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(client, code)
    response = client.post("/report/mine/delete/", {"delete-confirm": "on"})
    assert response.status_code == 200
    assert not Report.objects.exists()
    assert not case_key_exists(report_key_name(report.code))
    assert open_with(Client(HTTP_ACCEPT_LANGUAGE="en"), code).status_code == 400


def test_her_report_page_closes_after_she_leaves(org: Organisation) -> None:
    _, code = send_report(org)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(client, code)
    client.post("/report/mine/leave/")
    assert client.get("/report/mine/").status_code == 302


def test_sending_is_rate_limited_per_address(org: Organisation) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        assert report_post(client, org).status_code == 302
    response = report_post(client, org)
    assert response.status_code == 400
    assert "Too many reports" in response.content.decode() and ACCOUNT in response.content.decode()


def test_a_full_daily_quota_says_so_clearly(org: Organisation, settings: object) -> None:
    settings.REPORTS_DAILY_QUOTA = 1  # type: ignore[attr-defined]
    send_report(org)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/report/{org.code}/")
    assert response.status_code == 503
    assert "cannot take more reports today" in response.content.decode()
