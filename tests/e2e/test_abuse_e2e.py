"""The abuse log in a real browser, in Russian: an activist records a threat with a screenshot
from the menu, and one click on the list gives the PDF report with the screenshot's SHA-256."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from aigaq.abuse.models import AbuseFile
from aigaq.accounts.models import Organisation

from ..conftest import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_activist_records_a_threat_with_a_screenshot_and_gets_its_pdf_report(
        browser: Any, live_server: Any, tmp_path: Path, plain_http: None) -> None:
    org = Organisation.objects.create(name="Crisis centre", default_language="ru")
    make_user("alice", org, "caseworker")
    shot = tmp_path / "screen.png"
    Image.new("RGB", (60, 40), (10, 120, 200)).save(shot, "PNG")
    base = live_server.url
    context = browser.new_context(locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases/$"))

    page.get_by_role("link", name="Журнал угроз").click()
    page.get_by_role("link", name="Записать сообщение").click()
    page.get_by_label("Где пришло").select_option("telegram")
    page.get_by_label("Дата получения").fill("2026-11-20")
    page.get_by_label("Аккаунт отправителя").fill("@threatener_kz")
    page.get_by_label("Сообщение, как оно написано").fill("Я знаю, где ты живёшь. metka-9Zt")
    page.get_by_label("Угроза с указанием, где она живёт, или её семьи").check()
    page.get_by_label("Снимок экрана или сохранённая страница").set_input_files(str(shot))
    page.get_by_role("button", name="Зашифровать и записать").click()
    assert "Запись сохранена и зашифрована." in page.locator("body").inner_text()
    sha = AbuseFile.objects.get().sha256
    assert sha in page.locator("body").inner_text()

    page.get_by_role("link", name="Журнал угроз").first.click()
    page.locator("input[name=entries]").first.check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Составить отчёт по отмеченным записям").click()
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(Path(download.value.path()).read_bytes())
    context.close()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Полученные угрозы и оскорбления в интернете" in text and "metka-9Zt" in text
    assert sha in "".join(text.split())
