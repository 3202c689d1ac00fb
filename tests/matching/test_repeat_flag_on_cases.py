"""The repeat-suspect state is a flag beside the stage on the case page and in the case list, and
the list can be filtered by it."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from aigaq.accounts.models import User
from aigaq.cases.listing import case_list
from aigaq.cases.models import Case
from aigaq.matching import review
from aigaq.matching.models import MatchAlert, Status


def _confirm(cora: User) -> None:
    review.alert_decide(actor=cora, alert=MatchAlert.objects.get(), decision=Status.CONFIRMED, note="Same phone.")


def test_a_confirmed_repeat_suspect_flags_the_case_on_its_page_and_in_the_list(
    astana_case: Case, oral_case: Case, cora: User, alice: User, login: Callable[[User], Client]
) -> None:
    _confirm(cora)
    page = login(alice).get(f"/cases/{astana_case.code}/").content.decode()
    head = page[page.index('class="stage-box"'):]
    assert "flag-repeat" in head[:head.index("</div>")]
    listing = login(alice).get("/cases/").content.decode()
    assert "flag-repeat" in listing
    assert list(case_list(cora, flag="repeat_suspect")) == [oral_case, astana_case]


def test_an_unconfirmed_alert_puts_no_repeat_flag_in_the_list(
    astana_case: Case, oral_case: Case, cora: User, login: Callable[[User], Client]
) -> None:
    assert "flag-repeat" not in login(cora).get("/cases/").content.decode()
    assert list(case_list(cora, flag="repeat_suspect")) == []
