"""Need-to-know: who sees which case (the protection suite sweeps every URL pattern)."""

from __future__ import annotations

from collections.abc import Callable

from aigaq.accounts.models import User
from aigaq.cases import services
from aigaq.cases.models import Case

from ..conftest import client_for


def status(user: User, case: Case) -> int:
    return client_for(user).get(f"/cases/{case.code}/").status_code


def test_a_user_of_another_organisation_gets_404(olga: User, case: Case) -> None:
    assert status(olga, case) == 404


def test_an_analyst_never_sees_a_record(ann: User, case: Case) -> None:
    assert status(ann, case) == 404
    assert client_for(ann).get("/cases/").status_code == 404


def test_a_coordinator_sees_every_case_of_her_organisation(cora: User, case: Case) -> None:
    assert status(cora, case) == 200


def test_a_lawyer_sees_only_the_cases_shared_with_her(alice: User, bob: User, cora: User, case: Case) -> None:
    assert status(bob, case) == 404
    services.case_share(actor=cora, case=case, user=bob, role="lawyer")
    assert status(bob, case) == 200


def test_a_caseworker_sees_cases_shared_with_her(alice: User, org: object, make_case: Callable[..., Case],
                                                 cora: User) -> None:
    from ..conftest import make_user

    dana = make_user("dana", alice.membership.organisation, "caseworker")
    case = make_case(cora)
    assert status(dana, case) == 404
    services.case_share(actor=cora, case=case, user=dana)
    assert status(dana, case) == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(client: object, case: Case) -> None:
    response = client.get(f"/cases/{case.code}/")  # type: ignore[attr-defined]
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
