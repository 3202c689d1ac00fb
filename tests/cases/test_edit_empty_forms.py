"""An empty witness or cost form saves no empty record: it is refused with a clear error, when
adding and when correcting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.inputs import CostInput, WitnessInput
from aigaq.cases.models import Case

from ..conftest import client_for
from .edit_helpers import edit_post

EMPTY_WITNESS = "The form is empty: write at least the witness&#x27;s name, contact or what she or he saw."


def test_an_empty_witness_form_adds_no_witness_and_says_why(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/witnesses/", {
        "witness-name": "  ", "witness-contact": "", "witness-statement": ""})
    assert response.status_code == 400
    assert EMPTY_WITNESS in response.content.decode()
    assert not case.witnesses.exists()


def test_a_witness_with_only_a_statement_is_added(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/witnesses/", {"witness-statement": "Саябақта көрді"})
    assert response.status_code == 302
    assert case.witnesses.count() == 1


def test_a_witness_corrected_to_nothing_is_refused(alice: User, case: Case) -> None:
    witness = services.witness_add(actor=alice, case=case, data=WitnessInput(name="Дана"))
    response = edit_post(client_for(alice), f"/cases/{case.code}/witnesses/{witness.code}/edit/", "witness",
                         witness, name="")
    assert response.status_code == 400
    assert EMPTY_WITNESS in response.content.decode()
    witness.refresh_from_db()
    assert witness.name == "Дана"


def test_a_cost_form_left_as_it_opens_adds_no_cost(alice: User, case: Case) -> None:
    """The selects post their first choice; the amount is what she left empty."""
    response = client_for(alice).post(f"/cases/{case.code}/costs/", {
        "cost-kind": "lawyer", "cost-payer": "survivor", "cost-amount": ""})
    assert response.status_code == 400
    assert not case.costs.exists()


def test_a_cost_of_nothing_is_refused_with_a_clear_error(alice: User, case: Case) -> None:
    response = client_for(alice).post(f"/cases/{case.code}/costs/", {
        "cost-kind": "lawyer", "cost-payer": "survivor", "cost-amount": "0"})
    assert response.status_code == 400
    assert "Enter what she paid, in tenge: an amount above 0." in response.content.decode()
    assert not case.costs.exists()


def test_a_cost_corrected_to_nothing_is_refused(alice: User, case: Case) -> None:
    cost = services.cost_add(actor=alice, case=case, data=CostInput(
        kind="travel", amount=Decimal(2000), payer="survivor", paid_on=dt.date(2025, 5, 6)))
    response = edit_post(client_for(alice), f"/cases/{case.code}/costs/{cost.code}/edit/", "cost", cost,
                         amount="0")
    assert response.status_code == 400
    cost.refresh_from_db()
    assert cost.amount == Decimal(2000)
