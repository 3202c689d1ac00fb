"""What a person enters for a record (its input) is exactly what the record holds, whichever way it
comes in: from its form, as an input, or as a mapping of the same names."""

from __future__ import annotations

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
from aigaq.cases.models import Case, Cost, Incident, Referral, Survivor, Suspect, Witness

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


def test_an_input_and_a_mapping_of_the_same_names_write_the_same_record(alice: User, case: Case) -> None:
    values: dict[str, Any] = {"kind": "lawyer", "amount": Decimal("50000.00"), "payer": "survivor",
                              "paid_on": dt.date(2025, 5, 6), "note": "first consultation"}
    typed = services.cost_add(actor=alice, case=case, data=CostInput(**values))
    mapped = services.cost_add(actor=alice, case=case, data=values)
    assert CostInput.of(Cost.objects.get(pk=typed.pk)) == CostInput.of(Cost.objects.get(pk=mapped.pk))


def test_a_mapping_with_a_name_the_record_does_not_have_is_refused(alice: User, case: Case) -> None:
    with pytest.raises(TypeError):
        services.witness_add(actor=alice, case=case, data={"name": "A passer-by", "phone": "8 701 111 22 33"})
    assert not case.witnesses.exists()


def test_editing_a_suspect_writes_every_field_of_his_input(alice: User, case: Case) -> None:
    suspect = case.suspects.get()
    services.suspect_update(actor=alice, suspect=suspect, data=SuspectInput(full_name="Ерлан Омаров"))
    suspect.refresh_from_db()
    assert SuspectInput.of(suspect) == SuspectInput(full_name="Ерлан Омаров")


def test_a_mapping_changes_only_the_suspects_fields_it_names(alice: User, case: Case) -> None:
    suspect = case.suspects.get()
    before = SuspectInput.of(suspect)
    services.suspect_update(actor=alice, suspect=suspect, data={"full_name": "Ерлан Омаров"})
    suspect.refresh_from_db()
    assert SuspectInput.of(suspect) == SuspectInput(**{**before.values(), "full_name": "Ерлан Омаров"})
