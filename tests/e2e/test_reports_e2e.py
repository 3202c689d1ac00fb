"""A survivor's own report in a real browser, in Kazakh, on a 375 px phone, without an account:
send it with a photo, write down the receipt code, come back with code and PIN, add a fact, change her choice,
delete it (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from aigaq.accounts.models import Organisation
from aigaq.reports.forms import question_terms
from aigaq.reports.models import Report

from .test_case_e2e import SHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_survivor_sends_reads_changes_and_deletes_her_report_in_kazakh(
        page: Any, live_server: Any, tmp_path: Path) -> None:
    photo = tmp_path / "screenshot.png"
    Image.new("RGB", (40, 30), "blue").save(photo, "PNG")
    org = Organisation.objects.create(name="Дағдарыс орталығы", default_language="kk")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/report/{org.code}/?lang=kk")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("#quick-exit").is_visible()
    page.get_by_label("Ол не істеді, өз сөзіңізбен").fill("Ол маған түнде қорқытып хат жазды")
    page.get_by_label("Оның сізге белгілі аты").fill("Ерлан")
    page.get_by_label("Ұйым маған хабарласа алады").check()
    page.get_by_label("Телефон арқылы").check()
    page.get_by_label("Қауіпсіз телефон нөмірі немесе мессенджер аккаунты").fill("+7 705 111 22 33")
    page.get_by_label("Фото немесе скриншот").set_input_files(str(photo))
    page.get_by_label("PIN-кодты таңдаңыз").fill("482913")
    page.get_by_label("PIN-кодты қайталаңыз").fill("482913")
    terms = question_terms(page.locator("input[name=question]").get_attribute("value"))
    assert terms is not None
    page.get_by_label(re.compile("неше болады")).fill(str(sum(terms)))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-form-kk.png"))
    page.get_by_role("button", name="Хабарымды жіберу").click()

    page.get_by_text("Хабарыңыз жіберілді").wait_for()
    code = page.locator("#receipt-code").inner_text().strip()
    assert len(code.split()) == 4
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-receipt-kk.png"), full_page=True)

    page.get_by_role("link", name="Хабарымды ашу").click()
    page.get_by_label("Түбіртек коды").fill(code)
    page.locator("#id_pin").fill("482913")
    page.get_by_role("button", name="Ашу").click()
    page.get_by_role("heading", name="Менің хабарым").wait_for()
    assert "Ол маған түнде қорқытып хат жазды" in page.content()
    assert "screenshot.png" in page.content()

    page.get_by_label("Қосатын нәрсе").fill("Ол бүгін тағы қоңырау шалды")
    page.get_by_role("button", name="Хабарыма қосу").click()
    page.get_by_text("Хабарыңызға қосылды.").wait_for()
    assert "Ол бүгін тағы қоңырау шалды" in page.content()

    page.get_by_label(re.compile("Мөрленген күйде сақтаңыз")).check()
    page.get_by_role("button", name="Таңдауымды сақтау").click()
    page.get_by_text("Таңдауыңыз сақталды.").wait_for()
    assert Report.objects.get().choice == "sealed"

    page.get_by_label("Иә, хабарымды біржола жойыңыз").check()
    page.get_by_role("button", name="Жою").click()
    page.get_by_role("heading", name="Хабарыңыз жойылды").wait_for()
    assert not Report.objects.exists()
    # No cookie of this site outlives the visit: each is a session cookie.
    assert all(c["expires"] == -1 for c in page.context.cookies())
