"""Every coordinator's page on a survivor's report (the URL patterns under /report/queue/<code>/,
swept, not hand-picked) answers 404 to a coordinator of another organisation, a caseworker and an
analyst of the report's own organisation, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from aigaq.accounts.models import Organisation, User
from aigaq.cases.models import Case, Note
from aigaq.reports.models import Report

from ..conftest import client_for
from ..reports.helpers import send_report
from .test_case_urls_deny_outsiders import _fill, _routes

pytestmark = pytest.mark.django_db


def report_routes() -> list[str]:
    return sorted(route for route, params in _routes(get_resolver().url_patterns)
                  if route.startswith("report/queue/<str:code>/"))


def test_the_sweep_finds_the_report_pages() -> None:
    routes = report_routes()
    for expected in ("report/queue/<str:code>/", "report/queue/<str:code>/merge/", "report/queue/<str:code>/case/"):
        assert expected in routes


def test_outsiders_get_404_on_every_page_of_a_report(
        org: Organisation, olga: User, alice: User, ann: User, case: Case) -> None:
    send_report(org)
    report = Report.objects.get()
    outsiders: dict[str, Client] = {"olga (other organisation)": client_for(olga),
                                    "alice (caseworker)": client_for(alice), "ann (analyst)": client_for(ann)}
    data = {"step": "confirm", "merge-case": case.code, "merge-suspect": "new", "merge-confirm": "on",
            "reply-text": "x"}
    failures = []
    for route in report_routes():
        url = _fill(route, {"code": report.code})
        for who, client in outsiders.items():
            for method in ("get", "post"):
                status = (client.post(url, data) if method == "post" else client.get(url)).status_code
                if status == 404:
                    continue
                same = getattr(client, method)(_fill(route, {"code": "a" * 26})).status_code
                if not (status == 405 and same == 405):
                    failures.append(f"{method.upper()} {route} as {who}: {status}")
    assert not failures, failures
    report = Report.objects.get()
    assert report.status == "new" and not report.messages.exists() and not Note.objects.filter(case=case).exists()
