"""The import pages in a real browser, in Russian: a coordinator uploads a sheet, finds its columns
chosen for her, sees the bad row named in the preview (on a 375 px phone too), and imports the good
rows, following the import on its progress page while the worker runs it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aigaq import worker
from aigaq.accounts.models import Organisation
from aigaq.cases.models import Case

from ..conftest import PASSWORD, make_user
from ..imports.conftest import HEADER, good_row, xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_maps_previews_and_imports_a_sheet_in_russian(
    browser: Any, live_server: Any, plain_http: None, tmp_path: Path,
) -> None:
    cora = make_user("cora", Organisation.objects.create(name="Crisis centre", default_language="kk"), "coordinator")
    cora.language = "ru"
    cora.save()
    sheet = tmp_path / "дела.xlsx"
    sheet.write_bytes(xlsx([HEADER, good_row(1), [*good_row(2)[:2], "Атлантида", *good_row(2)[3:]]]))
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("cora")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/imports/")
    page.get_by_label("Таблица (xlsx или csv)").set_input_files(str(sheet))
    page.get_by_role("button", name="Загрузить и выбрать столбцы").click()
    page.wait_for_url(re.compile(r"/imports/\w+/$"))
    assert page.locator("h1").inner_text() == "Выберите столбцы"
    assert page.get_by_label("Область").input_value() == "region"
    assert page.get_by_label("Вид насилия").input_value() == "violence_type"
    page.set_viewport_size({"width": 375, "height": 800})  # a phone: the preview scrolls inside its box
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    body = page.locator("body").inner_text()
    assert "строка 3" in body and "«Атлантида» — не регион Казахстана." in body
    page.get_by_label("Импортировать верные строки, а ошибочные выдать в таблице ошибок").check()
    page.get_by_role("button", name="Импорт", exact=True).click()
    page.wait_for_url(re.compile(r"/imports/jobs/\w+/$"))  # the progress page: the worker imports
    assert page.locator("h1").inner_text() == "Идёт импорт…"
    assert "Ожидаем, когда фоновый процесс начнёт импорт." in page.locator("body").inner_text()
    worker.run_ready()
    page.locator("h1", has_text="Импортировано").wait_for(timeout=15000)  # the page reloads itself
    assert "Новых дел: 1." in page.locator("body").inner_text()
    assert Case.objects.count() == 1
    context.close()
