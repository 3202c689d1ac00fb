"""The coordinators' review: the queue, the evidence in words, decisions that are remembered,
repeat-suspect flags that reveal nothing of the other case, and an audit of every look."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.inputs import SuspectInput
from aigaq.cases.models import Case
from aigaq.matching import relink, review, services, weights
from aigaq.matching.models import AlertDecision, MatchAlert, MatchingModel, Status
from aigaq.matching.selectors import linked_case_ids
from tests.conftest import PASSWORD


def _revealed(client: Client, alert: MatchAlert) -> Client:
    """The client after she asked to see both suspects' identifiers and confirmed it is her."""
    response = client.post(f"/matching/{alert.code}/reveal/", {"step_up_method": "POST", "step_up_password": PASSWORD})
    assert response.status_code == 302
    return client


def _confirm(cora: User) -> MatchAlert:
    alert = MatchAlert.objects.get()
    review.alert_decide(actor=cora, alert=alert, decision=Status.CONFIRMED, note="Same phone, same car.")
    return alert


def test_only_the_organisations_coordinators_see_its_alerts(
    astana_case: Case,
    oral_case: Case,
    cora: User,
    alice: User,
    olga: User,
    ann: User,
    login: Callable[[User], Client],
) -> None:
    page = login(cora).get("/matching/")
    assert page.status_code == 200
    assert astana_case.short_code in page.content.decode()
    assert "new" in page.content.decode()
    code = MatchAlert.objects.get().code
    for outsider in (alice, ann):
        assert login(outsider).get("/matching/").status_code == 404
    for outsider in (alice, ann, olga):
        assert login(outsider).get(f"/matching/{code}/").status_code == 404
        assert login(outsider).post(f"/matching/{code}/decide/", {"decision": "rejected"}).status_code == 404
    other_queue = login(olga).get("/matching/").content.decode()
    assert astana_case.short_code not in other_queue
    assert MatchAlert.objects.get().status == Status.OPEN


def test_the_alert_page_gives_the_evidence_in_words_and_marks_who_is_reviewing(
    astana_case: Case, oral_case: Case, cora: User, login: Callable[[User], Client]
) -> None:
    alert = MatchAlert.objects.get()
    html = _revealed(login(cora), alert).get(f"/matching/{alert.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "same phone +7 701 555 12 34" in html
    assert "Жәнібек Сейітов ~ ZHANIBEK SEITOV" in html
    assert "ages 34 and 35" in html
    assert "6 months apart" in html
    alert.refresh_from_db()
    assert alert.claimed_by == cora and alert.opened_at is not None
    queue = login(cora).get("/matching/").content.decode()
    assert "in review by cora" in queue


def test_the_evidence_is_written_in_kazakh_and_russian(
    astana_case: Case, oral_case: Case, cora: User, login: Callable[[User], Client]
) -> None:
    code = MatchAlert.objects.get().code
    client = _revealed(login(cora), MatchAlert.objects.get())
    client.post("/lang/", {"language": "kk", "next": "/"})
    assert "телефоны бірдей: +7 701 555 12 34" in client.get(f"/matching/{code}/").content.decode()
    client.post("/lang/", {"language": "ru", "next": "/"})
    assert "тот же телефон +7 701 555 12 34" in client.get(f"/matching/{code}/").content.decode()


def test_the_alert_page_masks_both_suspects_identifiers_until_she_takes_the_step_up(
    astana_case: Case, oral_case: Case, cora: User, login: Callable[[User], Client]
) -> None:
    alert = MatchAlert.objects.get()
    client = login(cora)
    html = client.get(f"/matching/{alert.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for identifier in ("555 12 34", "555-12-34", "555 1234"):
        assert identifier not in html
    assert "same phone •" in html and "34" in html  # what matched, masked as on the case page
    assert f"/matching/{alert.code}/reveal/" in html
    confirm = client.post(f"/matching/{alert.code}/reveal/")
    assert confirm.status_code == 200  # the step-up form: nothing revealed, nothing recorded yet
    assert not AuditEntry.objects.filter(action=Action.SUSPECT_REVEALED).exists()
    assert "555 12 34" not in client.get(f"/matching/{alert.code}/").content.decode()
    html = _revealed(client, alert).get(f"/matching/{alert.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "8 (701) 555-12-34" in html and "+7 701 555 1234" in html and "same phone +7 701 555 12 34" in html
    reveals = AuditEntry.objects.filter(action=Action.SUSPECT_REVEALED)
    assert {(e.case_code, e.object_code) for e in reveals} == {
        (astana_case.code, alert.suspect_a.code if alert.case_a == astana_case else alert.suspect_b.code),
        (oral_case.code, alert.suspect_b.code if alert.case_a == astana_case else alert.suspect_a.code),
    }
    assert all(e.actor_id == cora.id for e in reveals)


def test_only_the_alerts_coordinators_can_reveal_its_suspects_nor_see_the_confirmation(
    astana_case: Case, oral_case: Case, alice: User, olga: User, login: Callable[[User], Client]
) -> None:
    code = MatchAlert.objects.get().code
    for outsider in (alice, olga):
        assert login(outsider).post(f"/matching/{code}/reveal/").status_code == 404
        response = login(outsider).post(
            f"/matching/{code}/reveal/", {"step_up_method": "POST", "step_up_password": PASSWORD}
        )
        assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=Action.SUSPECT_REVEALED).exists()


def test_opening_and_deciding_an_alert_are_audited_on_both_cases_without_personal_data(
    astana_case: Case, oral_case: Case, cora: User, login: Callable[[User], Client]
) -> None:
    alert = MatchAlert.objects.get()
    client = login(cora)
    client.get(f"/matching/{alert.code}/")
    response = client.post(f"/matching/{alert.code}/decide/", {"decision": "confirmed", "note": "Same phone, car."})
    assert response.status_code == 302
    views = AuditEntry.objects.filter(action=Action.CASE_VIEWED, object_code=alert.code)
    assert {e.case_code for e in views} == {astana_case.code, oral_case.code}
    reviews = AuditEntry.objects.filter(action=Action.ALERT_REVIEWED, object_code=alert.code)
    assert {e.case_code for e in reviews} == {astana_case.code, oral_case.code}
    assert all(e.extra == {"decision": "confirmed"} for e in reviews)
    dump = repr(list(AuditEntry.objects.values()))
    # Not a bare "555": random hex hashes and codes contain it about one run in five.
    assert "Same phone" not in dump and "SEITOV" not in dump and "5551234" not in dump and "555 12" not in dump


def test_the_reviewer_note_is_stored_sealed(astana_case: Case, oral_case: Case, cora: User) -> None:
    _confirm(cora)
    assert AlertDecision.objects.get().note == "Same phone, same car."
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {AlertDecision._meta.db_table}")  # noqa: S608 - our own table
        raw = cursor.fetchone()[0]
    assert "Same phone" not in raw and raw


def test_a_confirmed_pair_groups_the_cases_under_one_repeat_suspect(
    astana_case: Case, oral_case: Case, cora: User
) -> None:
    _confirm(cora)
    assert linked_case_ids(organisation_ids=[astana_case.organisation_id]) == {astana_case.pk, oral_case.pk}
    assert linked_case_ids(organisation_ids=[astana_case.organisation_id + 1000]) == set()


def test_a_caseworker_without_access_to_the_other_case_sees_the_flag_and_nothing_of_it(
    astana_case: Case, oral_case: Case, cora: User, alice: User, login: Callable[[User], Client]
) -> None:
    _confirm(cora)
    html = login(alice).get(f"/cases/{astana_case.code}/").content.decode()
    assert "Repeat suspect" in html or "Қайталанған күдікті" in html or "Повторный подозреваемый" in html
    assert "1" in html
    for secret in (oral_case.code, oral_case.short_code, "Aru-Oral", "Арулым", "ZHANIBEK", "bus stop"):
        assert secret not in html
    assert login(alice).get(f"/cases/{oral_case.code}/").status_code == 404


def test_a_coordinator_sees_the_linked_case_named_on_the_flag(
    astana_case: Case, oral_case: Case, cora: User, login: Callable[[User], Client]
) -> None:
    _confirm(cora)
    html = login(cora).get(f"/cases/{astana_case.code}/").content.decode()
    assert f"/cases/{oral_case.code}/" in html


def test_an_unconfirmed_alert_puts_no_flag_on_the_case(
    astana_case: Case, oral_case: Case, alice: User, login: Callable[[User], Client]
) -> None:
    html = login(alice).get(f"/cases/{astana_case.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "repeat-flag" not in html


def test_a_rejected_pair_never_comes_back_after_relink(astana_case: Case, oral_case: Case, cora: User) -> None:
    alert = MatchAlert.objects.get()
    review.alert_decide(actor=cora, alert=alert, decision=Status.REJECTED)
    call_command("relink", "--quiet")
    assert MatchAlert.objects.get().status == Status.REJECTED
    assert MatchAlert.objects.count() == 1
    suspect = oral_case.suspects.get()
    services.suspect_match(suspect=suspect)
    assert MatchAlert.objects.get().status == Status.REJECTED


def test_relink_rebuilds_the_alerts_and_keeps_decisions(
    astana_case: Case, oral_case: Case, cora: User, alice: User, make_case: Callable[..., Case]
) -> None:
    _confirm(cora)
    make_case(alice, suspects=[SuspectInput(full_name="Ерлан Омаров", phones="+7 777 000 1122", sex="male")])
    MatchAlert.objects.filter(status=Status.OPEN).delete()
    call_command("relink", "--quiet")
    assert MatchAlert.objects.get().status == Status.CONFIRMED
    assert MatchingModel.objects.get().labels == 1


def test_decisions_reestimate_the_weights_with_the_reviewed_pairs_as_labels(
    astana_case: Case, oral_case: Case, cora: User
) -> None:
    weights.model_reestimate(organisation_id=astana_case.organisation_id)
    before = MatchingModel.objects.get()
    _confirm(cora)
    weights.model_reestimate(organisation_id=astana_case.organisation_id)
    after = MatchingModel.objects.get()
    assert after.labels == 1 and before.labels == 0
    assert after.model != before.model


def test_a_reviewer_of_another_organisation_cannot_decide(astana_case: Case, oral_case: Case, olga: User) -> None:
    alert = MatchAlert.objects.get()
    try:
        review.alert_decide(actor=olga, alert=alert, decision=Status.CONFIRMED)
    except PermissionError:
        pass
    else:
        raise AssertionError("olga decided another organisation's alert")
    assert MatchAlert.objects.get().status == Status.OPEN


def test_withdrawing_consent_on_the_case_page_takes_the_alert_out_of_the_queue(
    astana_case: Case, oral_case: Case, cora: User, dina: User, login: Callable[[User], Client]
) -> None:
    response = login(dina).post(f"/cases/{oral_case.code}/consent/", {"consent-statistics": "on"})
    assert response.status_code == 302
    oral_case.survivor.refresh_from_db()
    assert not oral_case.survivor.consent_matching
    assert MatchAlert.objects.get().status == Status.WITHDRAWN
    assert login(cora).get(f"/matching/{MatchAlert.objects.get().code}/").status_code == 404


def test_relink_refreshes_the_planner_statistics_of_the_tables_it_rewrote_on_postgresql(
    astana_case: Case, oral_case: Case
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is PostgreSQL's; SQLite plans from its indexes")
    executed: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        relink.relink()
    analysed = [sql for sql in executed if sql.startswith("ANALYZE")]
    assert any("matching_suspectblockkey" in sql for sql in analysed)
