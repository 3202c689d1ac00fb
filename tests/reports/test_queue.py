"""The coordinators' queue: what they see, turning a report into a case, and who is kept out."""

from __future__ import annotations

import pytest
from django.test import Client

from aigaq.accounts.models import Organisation, User
from aigaq.cases.models import Case
from aigaq.reports.models import Report

from ..conftest import client_for
from ..protection.helpers import sqlite_file_bytes
from .helpers import ACCOUNT, HIS_NAME, HIS_PHONE, open_with, send_report

pytestmark = pytest.mark.django_db


def test_coordinator_queue_lists_new_reports_and_reads_one(org: Organisation, cora: User) -> None:
    send_report(org)
    report = Report.objects.get()
    client = client_for(cora)
    assert report.short_code in client.get("/report/queue/").content.decode()
    page = client.get(f"/report/queue/{report.code}/").content.decode()
    assert ACCOUNT in page and HIS_NAME in page


def test_coordinator_queue_hides_sealed_reports_content(org: Organisation, cora: User) -> None:
    send_report(org, choice="sealed", contact_way="none", contact_details="")
    report = Report.objects.get()
    client = client_for(cora)
    queue = client.get("/report/queue/").content.decode()
    assert report.short_code in queue and f"/report/queue/{report.code}/" not in queue
    page = client.get(f"/report/queue/{report.code}/").content.decode()
    assert ACCOUNT not in page and HIS_NAME not in page and HIS_PHONE not in page
    assert client.get(f"/report/queue/{report.code}/case/").status_code == 404
    assert client.post(f"/report/queue/{report.code}/reply/", {"reply-text": "hello"}).status_code == 404


def test_report_turns_into_a_case_prefilled_with_her_consents(org: Organisation, cora: User) -> None:
    send_report(org)
    report = Report.objects.get()
    client = client_for(cora)
    form = client.get(f"/report/queue/{report.code}/case/").content.decode()
    assert HIS_NAME in form and ACCOUNT in form
    assert 'id="id_survivor-consent_services" checked' in form  # she chose (b): she may be contacted
    response = client.post(f"/report/queue/{report.code}/case/", {
        "survivor-sex": "female", "survivor-consent_services": "on",
        "incident-date_from": "2025-03-01", "incident-region": "KZ-75", "incident-area": "urban",
        "incident-place_type": "home", "incident-account": ACCOUNT, "incident-gbv_physical_assault": "on",
        "suspects-TOTAL_FORMS": "1", "suspects-INITIAL_FORMS": "0",
        "suspects-0-full_name": HIS_NAME, "suspects-0-phones": HIS_PHONE, "suspects-0-sex": "male",
        "suspects-0-relation": "unknown",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    report.refresh_from_db()
    assert report.status == "case" and report.case_code == case.code
    assert case.survivor.consent_services and not case.survivor.consent_matching
    assert case.suspects.get().full_name == HIS_NAME


def test_the_form_to_case_ticks_consent_to_services_only_when_she_chose_contact(org: Organisation, cora: User) -> None:
    send_report(org, choice="record", contact_way="none", contact_details="")
    report = Report.objects.get()
    form = client_for(cora).get(f"/report/queue/{report.code}/case/").content.decode()
    assert 'name="survivor-consent_services" id="id_survivor-consent_services" checked' not in form


def test_she_reads_the_coordinators_reply_with_her_code(org: Organisation, cora: User) -> None:
    _, code = send_report(org)
    report = Report.objects.get()
    client_for(cora).post(f"/report/queue/{report.code}/reply/", {"reply-text": "Мы позвоним во вторник"})
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    assert "Мы позвоним во вторник" in survivor.get("/report/mine/").content.decode()


def test_spam_leaves_the_new_queue(org: Organisation, cora: User) -> None:
    send_report(org)
    report = Report.objects.get()
    client = client_for(cora)
    client.post(f"/report/queue/{report.code}/spam/")
    assert report.short_code not in client.get("/report/queue/").content.decode()
    assert report.short_code in client.get("/report/queue/?show=spam").content.decode()


@pytest.mark.parametrize("path", ["", "case/"])
def test_outsiders_get_404_for_a_report(org: Organisation, olga: User, alice: User, path: str) -> None:
    send_report(org)
    report = Report.objects.get()
    for user in (olga, alice):
        assert client_for(user).get(f"/report/queue/{report.code}/{path}").status_code == 404
    assert client_for(alice).get("/report/queue/").status_code == 404


@pytest.mark.parametrize("path", ["reply/", "spam/"])
def test_outsiders_cannot_post_on_a_report(org: Organisation, olga: User, path: str) -> None:
    send_report(org)
    report = Report.objects.get()
    assert client_for(olga).post(f"/report/queue/{report.code}/{path}", {"reply-text": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.status == "new" and not report.messages.exists()


def test_queue_is_in_the_coordinators_menu(cora: User, alice: User) -> None:
    assert "/report/queue/" in client_for(cora).get("/cases/").content.decode()
    assert "/report/queue/" not in client_for(alice).get("/cases/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_nothing_she_wrote_is_in_plaintext_in_the_database_file(org: Organisation) -> None:
    client, code = send_report(org)
    open_with(client, code)
    client.post("/report/mine/add/", {"add-text": "Новый факт: он пришёл на работу"})
    blob = sqlite_file_bytes()
    for secret in (ACCOUNT, HIS_NAME, HIS_PHONE, "@erlan_k", "+7 705 111 22 33", "Новый факт", code):
        assert secret.encode() not in blob, secret
    assert Report.objects.get().account == ACCOUNT
