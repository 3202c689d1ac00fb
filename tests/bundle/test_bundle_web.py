"""The court bundle on the web: a lawyer or coordinator of the case chooses files and a language,
confirms with step-up, and downloads a ZIP that verifies; making it is audited. Without step-up
nothing is made; a caseworker or analyst of the same organisation is not offered it."""

from __future__ import annotations

import io
from typing import Any

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.evidence.models import EvidenceItem
from aigaq.lib import bundle as fmt

from ..conftest import PASSWORD, client_for
from ..protection.helpers import stepped_up


def test_a_lawyer_makes_a_bundle_after_step_up_and_it_verifies(
        bob: User, bundled_case: Case, items: list[EvidenceItem]) -> None:
    client = stepped_up(bob)
    page = client.get(f"/cases/{bundled_case.code}/evidence/bundle/")
    assert page.status_code == 200 and items[0].code in page.content.decode()
    response = client.post(f"/cases/{bundled_case.code}/evidence/bundle/",
                           {"evidence": [items[0].code], "language": "ru"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    name = f"aigaq-bundle-{bundled_case.short_code.lower()}.zip"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    verdict = fmt.verify(io.BytesIO(response.content))
    assert verdict.ok and verdict.files == 5 and verdict.receipts == 1  # file, receipt .txt/.sig, index, key
    made = AuditEntry.objects.get(action=Action.BUNDLE_MADE)
    assert made.actor_name == "bob" and made.extra["files"] == [items[0].code] and made.extra["language"] == "ru"


def test_making_a_bundle_requires_step_up(bob: User, bundled_case: Case, items: list[EvidenceItem]) -> None:
    client = client_for(bob)
    url = f"/cases/{bundled_case.code}/evidence/bundle/"
    asked = client.post(url, {"evidence": [items[0].code], "language": "kk"})
    assert asked.status_code == 200 and asked["Content-Type"].startswith("text/html")
    assert 'name="step_up_password"' in asked.content.decode()
    assert not AuditEntry.objects.filter(action=Action.BUNDLE_MADE).exists()
    confirmed = client.post(url, {"evidence": [items[0].code], "language": "kk", "step_up_method": "POST",
                                  "step_up_password": PASSWORD})
    assert confirmed.status_code == 200 and confirmed["Content-Type"] == "application/zip"
    assert AuditEntry.objects.filter(action=Action.BUNDLE_MADE, actor_name="bob").count() == 1


def test_a_bundle_with_no_file_chosen_is_refused_with_the_choice_kept(
        cora: User, bundled_case: Case, items: list[EvidenceItem]) -> None:
    response = stepped_up(cora).post(f"/cases/{bundled_case.code}/evidence/bundle/", {"language": "en"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one file." in body and 'value="en" selected' in body
    assert not AuditEntry.objects.filter(action=Action.BUNDLE_MADE).exists()


def test_a_caseworker_or_analyst_is_not_offered_the_bundle(
        alice: User, ann: User, bundled_case: Case, items: list[EvidenceItem]) -> None:
    for user in (alice, ann):
        client = stepped_up(user)
        assert client.get(f"/cases/{bundled_case.code}/evidence/bundle/").status_code == 404
        assert client.post(f"/cases/{bundled_case.code}/evidence/bundle/",
                           {"evidence": [items[0].code], "language": "kk"}).status_code == 404
    assert "/evidence/bundle/" not in client_for(alice).get(f"/cases/{bundled_case.code}/evidence/").content.decode()
    assert not AuditEntry.objects.filter(action=Action.BUNDLE_MADE).exists()


def test_the_case_page_offers_the_bundle_to_its_lawyer(bob: User, bundled_case: Case) -> None:
    page = client_for(bob).get(f"/cases/{bundled_case.code}/").content.decode()
    assert f"/cases/{bundled_case.code}/evidence/bundle/" in page


def test_the_organisation_page_shows_the_key_that_signs_bundles(
        bob: User, bundled_case: Case, items: list[EvidenceItem]) -> None:
    client = stepped_up(bob)
    response = client.post(f"/cases/{bundled_case.code}/evidence/bundle/",
                           {"evidence": [items[0].code], "language": "en"})
    verdict = fmt.verify(io.BytesIO(response.content))
    page = client.get("/organisation/signing-key/").content.decode()
    assert verdict.key_fingerprint in page
    pem = client.get("/organisation/signing-key/public-key.pem")
    from aigaq.lib.crypto.signing import fingerprint, public_key_from_text

    assert fingerprint(public_key_from_text(pem.content.decode())) == verdict.key_fingerprint


def test_a_case_without_files_says_where_to_add_them(alice: User, cora: User, make_case: Any) -> None:
    case = make_case(alice)
    page = client_for(cora).get(f"/cases/{case.code}/evidence/bundle/").content.decode()
    assert "holds no evidence files yet" in page
    assert f'href="/cases/{case.code}/evidence/"' in page
