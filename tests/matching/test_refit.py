"""Re-fitting the weights outside the request: a review decision only marks the organisation's
weights as due a re-fit; `aigaq manage matching_refit` or the thread of `aigaq serve` runs it."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from aigaq import worker as worker_module
from aigaq.accounts.models import User
from aigaq.cases.models import Case
from aigaq.matching import refit, review, services, weights
from aigaq.matching.management.commands.matching_refit import Command
from aigaq.matching.models import MatchAlert, MatchingModel, MatchingRefit, Status


def _decide(cora: User, n: int) -> None:
    """n review decisions on the one alert, confirming and rejecting in turn."""
    alert = MatchAlert.objects.get()
    for k in range(n):
        review.alert_decide(actor=cora, alert=alert, decision=(Status.CONFIRMED, Status.REJECTED)[k % 2])


def _refit_command(*args: str) -> str:
    out = io.StringIO()
    call_command("matching_refit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def fitted(astana_case: Case, oral_case: Case) -> MatchingModel:
    """The organisation's weights fitted once, before any review: nothing is due."""
    weights.model_reestimate(organisation_id=astana_case.organisation_id)
    return MatchingModel.objects.get()


@pytest.fixture
def spy() -> Any:
    with mock.patch.object(weights, "model_reestimate", wraps=weights.model_reestimate) as wrapped:
        yield wrapped


def test_a_decision_request_records_the_refit_and_does_not_run_it(
    astana_case: Case,
    oral_case: Case,
    cora: User,
    login: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    code = MatchAlert.objects.get().code
    with (
        mock.patch.object(weights, "model_reestimate") as reestimate,
        mock.patch.object(weights, "fit_encoded") as fit,
        django_capture_on_commit_callbacks(execute=True),  # what would run after the request's commit
    ):
        response = login(cora).post(f"/matching/{code}/decide/", {"decision": "confirmed"})
    assert response.status_code == 302
    assert MatchAlert.objects.get().status == Status.CONFIRMED
    reestimate.assert_not_called()
    fit.assert_not_called()
    assert not MatchingModel.objects.exists()
    due = MatchingRefit.objects.get()
    assert due.organisation_id == astana_case.organisation_id and due.started_at is None


def test_the_command_runs_the_due_refit_and_clears_it(astana_case: Case, oral_case: Case, cora: User) -> None:
    _decide(cora, 1)  # the first decision before any fit makes one due
    assert MatchingRefit.objects.count() == 1
    out = _refit_command()
    assert "[1/1] Crisis centre Almaty: re-fitted (" in out
    assert "1 re-fitted, 0 failed, 0 skipped of 1 due" in out
    assert not MatchingRefit.objects.exists()
    stored = MatchingModel.objects.get()
    assert stored.labels == 1 and stored.decisions_since == 0


def test_ten_decisions_lead_to_one_refit(fitted: MatchingModel, cora: User, spy: Any) -> None:
    _decide(cora, 9)
    assert not MatchingRefit.objects.exists()
    assert "no re-fit due" in _refit_command()
    spy.assert_not_called()
    _decide(cora, 1)
    assert MatchingRefit.objects.count() == 1
    _refit_command()
    _refit_command()
    assert spy.call_count == 1
    assert MatchingModel.objects.get().decisions_since == 0


def test_decisions_past_the_tenth_keep_one_due_refit(fitted: MatchingModel, cora: User, spy: Any) -> None:
    _decide(cora, 25)
    assert MatchingRefit.objects.count() == 1
    _refit_command()
    assert spy.call_count == 1
    assert not MatchingRefit.objects.exists()


def test_nothing_is_done_when_nothing_is_due(fitted: MatchingModel, spy: Any) -> None:
    before = MatchingModel.objects.get()
    assert _refit_command("--quiet") == ""
    assert "no re-fit due" in _refit_command()
    spy.assert_not_called()
    assert MatchingModel.objects.get().fitted_at == before.fitted_at


def test_an_unsure_decision_makes_no_refit_due(astana_case: Case, oral_case: Case, cora: User) -> None:
    review.alert_decide(actor=cora, alert=MatchAlert.objects.get(), decision=Status.UNSURE)
    assert not MatchingRefit.objects.exists()


def test_reviews_made_during_a_refit_stay_counted(
    fitted: MatchingModel, cora: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _decide(cora, 10)
    fit = weights.fit_encoded

    def fit_while_reviewing(*args: Any, **kwargs: Any) -> Any:
        _decide(cora, 3)  # three more reviews while the weights are being fitted
        return fit(*args, **kwargs)

    monkeypatch.setattr(weights, "fit_encoded", fit_while_reviewing)
    _refit_command()
    assert MatchingModel.objects.get().decisions_since == 3
    assert not MatchingRefit.objects.exists()
    monkeypatch.setattr(weights, "fit_encoded", fit)
    _decide(cora, 7)
    assert MatchingRefit.objects.count() == 1


def test_enough_reviews_during_a_refit_make_another_one_due(
    fitted: MatchingModel, cora: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _decide(cora, 10)
    fit = weights.fit_encoded

    def fit_while_reviewing(*args: Any, **kwargs: Any) -> Any:
        _decide(cora, 10)
        return fit(*args, **kwargs)

    monkeypatch.setattr(weights, "fit_encoded", fit_while_reviewing)
    _refit_command()
    assert MatchingModel.objects.get().decisions_since == 10
    due = MatchingRefit.objects.get()
    assert due.started_at is None  # released, for the next run of any worker


def test_a_failed_refit_keeps_the_previous_weights_logs_no_personal_data_and_is_retried_later(
    fitted: MatchingModel,
    oral_case: Case,
    cora: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _decide(cora, 11)  # the last one confirms

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ZHANIBEK SEITOV +7 701 555 1234")

    monkeypatch.setattr(weights, "fit_encoded", broken)
    with caplog.at_level(logging.ERROR, logger="aigaq.matching.refit"), pytest.raises(SystemExit) as exit_:
        _refit_command()
    assert exit_.value.code == 1
    assert "failed: RuntimeError at test_refit.py:" in caplog.text
    assert "ZHANIBEK" not in caplog.text and "555" not in caplog.text
    stored = MatchingModel.objects.get()
    assert (stored.model, stored.fitted_at) == (fitted.model, fitted.fitted_at)
    assert MatchingRefit.objects.get().started_at is not None
    # The suspect is still scored, with the previous weights.
    assert [a.status for a in services.suspect_match(suspect=oral_case.suspects.get())] == [Status.CONFIRMED]
    # The failed re-fit keeps its claim until it expires; then any worker takes it again.
    monkeypatch.undo()
    assert "skipped" in _refit_command()
    MatchingRefit.objects.update(started_at=timezone.now() - refit.CLAIM_EXPIRES - dt.timedelta(seconds=1))
    assert "re-fitted" in _refit_command()
    assert not MatchingRefit.objects.exists()
    assert MatchingModel.objects.get().labels == 1


def test_a_refit_another_worker_is_running_is_skipped(fitted: MatchingModel, cora: User, spy: Any) -> None:
    _decide(cora, 10)
    MatchingRefit.objects.update(started_at=timezone.now())
    assert "[1/1] Crisis centre Almaty: skipped" in _refit_command()
    spy.assert_not_called()
    assert MatchingRefit.objects.count() == 1


def test_the_worker_runs_due_refits_as_a_queued_task(astana_case: Case, oral_case: Case, cora: User) -> None:
    _decide(cora, 1)
    assert refit.refits_task.module_path in worker_module.enqueue_due(now=time.monotonic() + 10**9)
    worker_module.run_ready()
    assert not MatchingRefit.objects.exists()
    assert MatchingModel.objects.get().labels == 1


def test_the_refit_task_logs_a_failed_check_and_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    with (
        mock.patch.object(refit, "refits_run", side_effect=RuntimeError("Арулым Бекова")),
        caplog.at_level(logging.ERROR, logger="aigaq.matching.refit"),
    ):
        assert refit.refits_task.call() == 60
    assert "matching re-fit check failed: RuntimeError" in caplog.text
    assert "Арулым" not in caplog.text


def test_the_interval_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIGAQ_MATCHING_REFIT_SECONDS", raising=False)
    assert refit.refit_interval() == 60
    monkeypatch.setenv("AIGAQ_MATCHING_REFIT_SECONDS", "300")
    assert refit.refit_interval() == 300
    for wrong in ("soon", "-5", "1.5"):
        monkeypatch.setenv("AIGAQ_MATCHING_REFIT_SECONDS", wrong)
        with pytest.raises(ImproperlyConfigured):
            refit.refit_interval()


def test_the_refit_is_not_enqueued_when_turned_off(monkeypatch: pytest.MonkeyPatch, db: Any) -> None:
    monkeypatch.setenv("AIGAQ_MATCHING_REFIT_SECONDS", "0")
    assert refit.refits_task.module_path not in worker_module.enqueue_due(now=time.monotonic() + 10**9)


def test_the_refit_is_a_periodic_job_of_the_worker() -> None:
    jobs = {job.name: job for job in worker_module.periodic_jobs()}
    assert jobs[refit.refits_task.module_path].interval() == refit.refit_interval()


def test_the_command_help_says_when_and_how() -> None:
    text = Command().create_parser("aigaq manage", "matching_refit").format_help()
    assert "10 review decisions" in text
    assert "AIGAQ_MATCHING_REFIT_SECONDS" in text
    assert "*/5 * * * *" in text
    assert "--quiet" in text
