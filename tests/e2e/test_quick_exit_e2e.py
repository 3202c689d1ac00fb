"""Quick exit in a real browser: Shift three times is ignored while she types and works elsewhere;
the button stays on screen on a 375 px phone (issue 12, "Quick exit and small screens")."""

from __future__ import annotations

from typing import Any

import pytest

from aigaq.accounts.models import Organisation

from ..conftest import make_user
from .test_case_e2e import SHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_shift_three_times_is_ignored_while_typing_and_leaves_elsewhere(
        page: Any, live_server: Any, settings: Any) -> None:
    settings.QUICK_EXIT_URL = f"{live_server.url}/static/img/favicon.svg"
    org = Organisation.objects.create(name="Crisis centre", default_language="en")
    base = live_server.url
    sign_in(page, base, make_user("alice", org, "caseworker"))
    page.set_viewport_size({"width": 375, "height": 667})
    form = f"{base}/cases/new/"
    page.goto(form)

    # On a phone the button is fixed and still inside the screen after scrolling to the bottom.
    exit_button = page.locator("#quick-exit")
    assert exit_button.evaluate("e => getComputedStyle(e).position") == "fixed"
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > 0  # the form is longer than the screen
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "quick-exit-375.png"))
    box = exit_button.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 667

    # "AAA" typed with Shift held (three Shift presses) in a text field, a text area, a select
    # and an editable element: she stays on the form and what she typed is there.
    pseudonym = page.get_by_label("Pseudonym")
    pseudonym.click()
    for _ in range(3):
        page.keyboard.press("Shift+A")
    page.wait_for_timeout(300)  # a navigation, if one had started, would show by now
    assert page.url == form
    story = page.get_by_label("What happened, in her words")
    story.click()
    for _ in range(3):
        page.keyboard.press("Shift+A")
    page.get_by_label("Region").focus()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.evaluate("""() => { const d = document.createElement('div'); d.id = 'editable';
        d.contentEditable = 'true'; document.querySelector('main').prepend(d); }""")
    page.locator("#editable").click()
    for _ in range(3):
        page.keyboard.press("Shift+A")
    page.wait_for_timeout(300)  # a navigation, if one had started, would show by now
    assert page.url == form
    assert not page.evaluate("document.body.classList.contains('exiting')")
    assert pseudonym.input_value() == "AAA"
    assert story.input_value() == "AAA"
    assert page.locator("#editable").inner_text() == "AAA"

    # Focus outside any field: Shift three times leaves for the neutral site.
    page.evaluate("document.activeElement.blur()")
    page.locator("h1").first.click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(settings.QUICK_EXIT_URL)
