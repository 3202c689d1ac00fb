"""What a person enters for a record (its input) is exactly what the record holds: the services
take an input, which her form gives, and write every field of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.forms import CostForm, ReferralForm, SuspectForm, WitnessForm
from aigaq.cases.inputs import (
    CostInput,
    IncidentInput,
    RecordInput,
    ReferralInput,
    SurvivorInput,
    SuspectInput,
    WitnessInput,
)
from aigaq.cases.models import Case, Cost, Incident, Referral, Survivor, Suspect, TimeOfDay, Witness

INPUTS: list[tuple[type[RecordInput], type[models.Model]]] = [
    (SurvivorInput, Survivor), (IncidentInput, Incident), (SuspectInput, Suspect), (WitnessInput, Witness),
    (ReferralInput, Referral), (CostInput, Cost),
]


@pytest.mark.parametrize(("input_class", "model"), INPUTS, ids=lambda x: getattr(x, "__name__", ""))
def test_an_input_has_every_field_a_person_enters_in_its_record(
    input_class: type[RecordInput], model: type[models.Model]
) -> None:
    """A field added to the model and not to its input could never be entered or corrected."""
    entered = {f.name for f in model._meta.fields if f.editable and not f.primary_key and f.name != "case"}
    if issubclass(model, TimeOfDay):
        entered.add("time_of_day")  # the date's time of day, kept as the instant `occurred_at`
    assert set(input_class.names()) == entered


@pytest.mark.parametrize(("form_class", "input_class"), [
    (SuspectForm, SuspectInput), (WitnessForm, WitnessInput), (ReferralForm, ReferralInput), (CostForm, CostInput),
], ids=lambda x: getattr(x, "__name__", ""))
def test_a_record_form_has_a_field_for_each_of_its_inputs_fields(
    form_class: type[SuspectForm], input_class: type[RecordInput]
) -> None:
    assert set(input_class.names()) <= set(form_class.base_fields)


def test_the_suspect_form_gives_his_input_with_the_values_it_cleaned() -> None:
    form = SuspectForm({"suspect-full_name": "Ерлан", "suspect-phones": "8 701 111 22 33, +7 702 000 11 22",
                        "suspect-sex": "male", "suspect-relation": "stranger", "suspect-approx_age": "40"},
                       prefix="suspect")
    assert form.is_valid(), form.errors
    assert form.to_input() == SuspectInput(full_name="Ерлан", phones="8 701 111 22 33\n+7 702 000 11 22",
                                           approx_age=40, relation="stranger")


def test_a_record_holds_exactly_the_input_it_was_written_from(alice: User, case: Case) -> None:
    entered = CostInput(kind="lawyer", amount=Decimal("50000.00"), payer="survivor", paid_on=dt.date(2025, 5, 6),
                        note="first consultation")
    cost = services.cost_add(actor=alice, case=case, data=entered)
    assert CostInput.of(Cost.objects.get(pk=cost.pk)) == entered


def test_values_with_a_name_the_record_does_not_have_make_no_input() -> None:
    """Values kept as a mapping (the demo's plans) become an input by its constructor, which
    refuses a name the record lacks instead of dropping it."""
    values: dict[str, Any] = {"name": "A passer-by", "phone": "8 701 111 22 33"}
    with pytest.raises(TypeError):
        WitnessInput(**values)


def test_editing_a_suspect_writes_every_field_of_his_input(alice: User, case: Case) -> None:
    suspect = case.suspects.get()
    services.suspect_update(actor=alice, suspect=suspect, data=SuspectInput(full_name="Ерлан Омаров"),
                             version=suspect.version)
    suspect.refresh_from_db()
    assert SuspectInput.of(suspect) == SuspectInput(full_name="Ерлан Омаров")


def test_his_input_with_one_field_replaced_changes_only_that_field(alice: User, case: Case) -> None:
    suspect = case.suspects.get()
    before = SuspectInput.of(suspect)
    services.suspect_update(
        actor=alice, suspect=suspect, data=dataclasses.replace(SuspectInput.of(suspect), full_name="Ерлан Омаров"),
        version=suspect.version,
    )
    suspect.refresh_from_db()
    assert SuspectInput.of(suspect) == SuspectInput(**{**before.values(), "full_name": "Ерлан Омаров"})
    assert before.phones and SuspectInput.of(suspect).phones == before.phones
