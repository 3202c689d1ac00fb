"""Sealed until he does it again: a sealed report that names the same man as a later case (his
phone written another way) tells the coordinator, who still cannot read it until she agrees."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client

from aigaq.accounts.models import Organisation, User
from aigaq.cases import services as case_services
from aigaq.cases.inputs import SuspectInput
from aigaq.reports.models import Report

from ..conftest import INCIDENT, SURVIVOR, client_for
from .helpers import ACCOUNT, open_with, send_report

pytestmark = pytest.mark.django_db

SEALED = {"choice": "sealed", "contact_way": "none", "contact_details": "", "his_phones": "+7 701 999 12 34"}


def _later_case(alice: User, phones: str = "8 (701) 999-12-34") -> None:
    case_services.case_create(actor=alice, survivor=SURVIVOR, incident=INCIDENT,
                              suspects=[SuspectInput(full_name="Yerlan", phones=phones)])


def test_a_later_case_naming_the_same_man_tells_the_coordinator_but_does_not_open_the_report(
        org: Organisation, alice: User, cora: User) -> None:
    send_report(org, **SEALED)
    report = Report.objects.get()
    assert report.release == ""
    _later_case(alice)
    report.refresh_from_db(fields=["release", "status", "key_wrap"])
    assert report.release == "asked"
    coordinator = client_for(cora)
    assert "waiting for her answer" in coordinator.get("/report/queue/").content.decode()
    page = coordinator.get(f"/report/queue/{report.code}/").content.decode()
    assert 'id="sealed-match"' in page and ACCOUNT not in page
    assert coordinator.get(f"/report/queue/{report.code}/case/").status_code == 404


def test_a_case_with_another_man_asks_nothing(org: Organisation, alice: User) -> None:
    send_report(org, **SEALED)
    _later_case(alice, phones="+7 777 000 00 01")
    assert Report.objects.get().release == ""


def test_the_coordinator_reads_the_sealed_report_only_after_she_agrees(
        org: Organisation, alice: User, cora: User) -> None:
    _, code = send_report(org, **SEALED)
    _later_case(alice)
    report = Report.objects.get()
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    assert 'id="share-question"' in survivor.get("/report/mine/").content.decode()
    survivor.post("/report/mine/share/", {"answer": "yes"})
    report.refresh_from_db(fields=["release", "status", "key_wrap"])
    assert report.release == "agreed"
    assert ACCOUNT in client_for(cora).get(f"/report/queue/{report.code}/").content.decode()


def test_when_she_says_no_the_report_stays_sealed(org: Organisation, alice: User, cora: User) -> None:
    _, code = send_report(org, **SEALED)
    _later_case(alice)
    survivor = Client(HTTP_ACCEPT_LANGUAGE="en")
    open_with(survivor, code)
    survivor.post("/report/mine/share/", {"answer": "no"})
    report = Report.objects.get()
    assert report.release == "refused"
    assert ACCOUNT not in client_for(cora).get(f"/report/queue/{report.code}/").content.decode()


def test_another_report_naming_the_same_man_asks_about_the_sealed_one(org: Organisation) -> None:
    send_report(org, **SEALED)
    sealed = Report.objects.get()
    send_report(org, his_phones="87019991234")
    sealed.refresh_from_db(fields=["release", "status", "key_wrap"])
    assert sealed.release == "asked"


def test_a_sealed_report_sent_after_the_case_is_matched_at_once(org: Organisation, alice: User) -> None:
    _later_case(alice)
    send_report(org, **SEALED)
    assert Report.objects.get().release == "asked"


def test_two_name_words_in_another_alphabet_are_the_same_man(org: Organisation, alice: User) -> None:
    send_report(org, **{**SEALED, "his_phones": "", "his_handles": "", "his_plates": "", "his_name": "Ерлан Қасымов"})
    case_services.case_create(actor=alice, survivor=SURVIVOR, incident=dataclasses.replace(INCIDENT),
                              suspects=[SuspectInput(full_name="Yerlan Kasymov")])
    assert Report.objects.get().release == "asked"
