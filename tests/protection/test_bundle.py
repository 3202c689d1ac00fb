"""The court bundle is made only by a lawyer or coordinator of the case's own organisation with
access to the case: anyone else gets 404 (even freshly stepped up), nothing is made and nothing
about the case is revealed; each organisation publishes its own signing key, never another's."""

from __future__ import annotations

from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.evidence import seal
from aigaq.evidence.services import evidence_add

from ..conftest import client_for
from .helpers import secret_case, stepped_up


def test_an_outsider_is_denied_the_bundle(alice: User, olga: User, bob: User) -> None:
    case = secret_case(alice)
    item = evidence_add(actor=alice, case=case, filename="a.txt", data=b"statement")
    url = f"/cases/{case.code}/evidence/bundle/"
    for user in (olga, bob):  # another organisation's coordinator; a lawyer not on the case
        client = stepped_up(user)
        assert client.get(url).status_code == 404
        response = client.post(url, {"evidence": [item.code], "language": "kk"})
        assert response.status_code == 404 and b"PK" not in response.content[:2]
    anonymous = client_for(alice)
    anonymous.logout()
    assert anonymous.post(url, {"evidence": [item.code], "language": "kk"}).status_code == 302
    assert not AuditEntry.objects.filter(action__in=[Action.BUNDLE_MADE, Action.EVIDENCE_BUNDLED]).exists()


def test_each_organisation_sees_its_own_signing_key_only(alice: User, olga: User) -> None:
    _own_pem, own_fp = seal.public_key(alice.membership.organisation)
    other_pem, other_fp = seal.public_key(olga.membership.organisation)
    assert own_fp != other_fp
    page = client_for(olga).get("/organisation/signing-key/").content.decode()
    assert other_fp in page and own_fp not in page
    assert client_for(olga).get("/organisation/signing-key/public-key.pem").content.decode() == other_pem
