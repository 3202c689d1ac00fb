"""Every number a form takes has bounds: a sentence of 2**63 months is refused with a clear message,
and a number saved before the bounds existed cannot crash the statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.test import Client

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.forms import CostForm, EventForm, SurvivorForm, SuspectForm
from aigaq.cases.models import Case, PathwayEvent
from aigaq.cases.pathway import SPECS
from aigaq.insights.models import CaseFigures

from .helpers import secret_case

INT64 = 2**63


def test_a_sentence_of_2_to_the_63_months_is_refused_with_a_clear_message_and_the_form_kept(
    alice: User, login: Callable[[User], Client]
) -> None:
    case = secret_case(alice)
    response = login(alice).post(
        f"/cases/{case.code}/events/sentence/",
        {"sentence-date": "2025-09-01", "sentence-sentence_type": "imprisonment", "sentence-length_months": str(INT64)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 600." in body
    assert str(INT64) in body  # what she typed is kept
    assert not PathwayEvent.objects.filter(case=case, type="sentence").exists()


def test_every_number_field_of_every_form_has_a_lower_and_an_upper_bound_inside_32_bits() -> None:
    built: list[forms.Form] = [SurvivorForm(), SuspectForm(), CostForm()]
    built += [EventForm(spec) for name, spec in SPECS.items() if name != "incident"]
    numbers = [
        (type(form).__name__, name, field)
        for form in built
        for name, field in form.fields.items()
        if isinstance(field, forms.IntegerField | forms.DecimalField)
    ]
    assert numbers
    for form, name, field in numbers:
        assert field.min_value is not None, (form, name)
        if isinstance(field, forms.DecimalField):
            assert field.max_digits is not None and field.max_digits <= 15, (form, name)
        else:
            assert field.max_value is not None and field.max_value < 2**31, (form, name)


def test_a_huge_sentence_saved_before_the_bounds_does_not_crash_the_statistics(
    alice: User, ann: User, login: Callable[[User], Client]
) -> None:
    case = secret_case(alice)
    services.pathway_event_add(
        actor=alice, case=case, event_type="sentence", date=dt.date(2025, 9, 1),
        data={"sentence_type": "imprisonment", "length_months": INT64, "amount": Decimal(0)},
    )
    assert CaseFigures.objects.get(case=case).sentence_months is None
    assert login(ann).get("/insights/").status_code == 200


def test_a_case_with_a_bounded_sentence_keeps_its_length_in_the_statistics(alice: User) -> None:
    case: Case = secret_case(alice)
    services.pathway_event_add(
        actor=alice, case=case, event_type="sentence", date=dt.date(2025, 9, 1),
        data={"sentence_type": "imprisonment", "length_months": 600},
    )
    assert CaseFigures.objects.get(case=case).sentence_months == 600
