"""In a real browser, in Kazakh: a refusal entered in error is retracted from its own page, the stage
goes back to "with the police", the refusal stays on the timeline struck through with the reason;
printed, the case page is a clean document without navigation, quick exit or forms."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from aigaq.accounts.models import Organisation
from aigaq.cases import services
from aigaq.evidence.services import evidence_add, evidence_describe

from ..conftest import INCIDENT, SURVIVOR, SUSPECT, make_user
from .test_case_e2e import SHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAY = dt.date(2025, 5, 4)


def test_retracting_a_refusal_in_kazakh_takes_the_stage_back_and_keeps_it_struck_through(
    page: Any, live_server: Any
) -> None:
    org = Organisation.objects.create(name="Дағдарыс орталығы", default_language="kk")
    alice = make_user("alice", org, "caseworker")
    alice.language = "kk"
    alice.save(update_fields=["language"])
    case = services.case_create(actor=alice, survivor=SURVIVOR, incident=dataclasses.replace(INCIDENT),
                                suspects=[SUSPECT])
    contacted = services.pathway_event_add(actor=alice, case=case, event_type="police_contacted", date=DAY,
                                           time=dt.time(9, 5), data={})
    services.pathway_event_correct(actor=alice, event=contacted, date=DAY, time=dt.time(9, 20), data={},
                                   reason="Қоңырау 09:20-да болды, куәнің телефонынан.")
    refusal = services.pathway_event_add(actor=alice, case=case, event_type="report_refused", date=DAY,
                                         data={"reason": "natural_instincts"})
    base = live_server.url
    sign_in(page, base, alice)
    page.goto(f"{base}/cases/{case.code}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator(".stage-box .stage").inner_text() == "Тіркеуден бас тартылды"

    page.locator(f"#event-{refusal.code} .event-actions a").click()
    page.wait_for_url(f"{base}/cases/{case.code}/event/{refusal.code}/")
    page.get_by_role("button", name="Қадамды қайтарып алу").click()  # no reason: refused, nothing saved
    assert page.locator(".error").first.is_visible()
    page.get_by_label("Қайтарып алу себебі").fill("Басқа іске қате енгізілген.")
    page.get_by_role("button", name="Қадамды қайтарып алу").click()
    page.wait_for_url(f"{base}/cases/{case.code}/")

    assert page.locator(".stage-box .stage").inner_text() == "Полицияда"
    entry = page.locator(f"#event-{refusal.code}")
    assert entry.locator("del").count() == 1
    assert "Басқа іске қате енгізілген." in entry.inner_text()
    assert "қате енгізілген деп қайтарып алынды" in entry.inner_text()
    timeline_text = page.locator(".timeline").inner_text()
    assert "2025-05-04 09:20" in timeline_text and "Қоңырау 09:20-да болды" in timeline_text
    assert page.locator(".timeline del").count() == 2  # the superseded contact and the retracted refusal
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-retracted-kk.png"), full_page=True)
    head, timeline = page.locator("#h-pathway").bounding_box(), page.locator(".timeline").bounding_box()
    page.screenshot(path=str(SHOTS / "timeline-corrected-kk.png"), full_page=True, clip={
        "x": timeline["x"] - 24, "y": head["y"] - 12, "width": timeline["width"] + 40,
        "height": timeline["y"] + timeline["height"] - head["y"] + 24})

    page.emulate_media(media="print")
    for hidden in ("#quick-exit", ".site-header", ".event-forms-block", ".event-actions"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("form:visible").count() == 0
    assert page.locator(".timeline").is_visible() and page.locator("h1").is_visible()
    page.screenshot(path=str(SHOTS / "case-print-kk.png"), full_page=True)


def test_the_correction_page_and_the_evidence_page_do_not_scroll_sideways_on_a_375_px_phone(
    page: Any, live_server: Any
) -> None:
    org = Organisation.objects.create(name="Дағдарыс орталығы", default_language="kk")
    alice = make_user("alice", org, "caseworker")
    case = services.case_create(actor=alice, survivor=SURVIVOR, incident=INCIDENT, suspects=[SUSPECT])
    refusal = services.pathway_event_add(actor=alice, case=case, event_type="report_refused", date=DAY,
                                         data={"reason": "natural_instincts", "quote": "Үйіңе бар. " * 20})
    item = evidence_add(actor=alice, case=case, filename="chat.txt", data=b"x", title="Хабарламалардың скриншоты")
    evidence_describe(actor=alice, item=item, title="3 мамырдағы хабарламалар", reason="Күні қате жазылған.")
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, alice)
    wide = {}
    for path in (f"/cases/{case.code}/event/{refusal.code}/", f"/cases/{case.code}/evidence/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            wide[path] = width
    assert wide == {}
