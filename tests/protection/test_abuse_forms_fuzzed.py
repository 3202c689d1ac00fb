"""The abuse log's forms fuzzed with hypothesis: no server error, and invalid input saves nothing
(no entry, no revision, no report in the audit log)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aigaq.abuse.models import AbuseEntry, AbuseRevision
from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry

from ..abuse.helpers import make_entry
from ..conftest import client_for
from .test_forms_fuzzed import FUZZ, junk

ENTRY_FIELDS = ("platform", "received_on", "received_time", "sender_handle", "sender_phone", "sender_name", "message",
                "threat_level", "platform_reported_on", "platform_outcome", "police_reported_on", "police_outcome")


def _counts() -> tuple[int, int, int]:
    return (AbuseEntry.objects.count(), AbuseRevision.objects.count(),
            AuditEntry.objects.filter(action=Action.ABUSE_REPORT_MADE).count())


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={name: junk for name in ENTRY_FIELDS}))
def test_fuzzed_new_entries_never_fail_and_save_nothing_invalid(alice: User, data: dict[str, str]) -> None:
    before = _counts()
    response = client_for(alice).post("/abuse/new/", data)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert _counts() == before


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={name: junk for name in (*ENTRY_FIELDS, "version", "reason")}))
def test_fuzzed_corrections_never_fail_and_save_nothing_invalid(alice: User, data: dict[str, str]) -> None:
    entry = AbuseEntry.objects.first() or make_entry(alice)
    before = _counts()
    response = client_for(alice).post(f"/abuse/{entry.code}/edit/", data)
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code != 302:
        assert _counts() == before


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={"entries": junk, "format": junk, "language": junk}))
def test_fuzzed_reports_never_fail(alice: User, data: dict[str, str]) -> None:
    response = client_for(alice).post("/abuse/report/", data)
    assert response.status_code in (200, 400, 404), response.status_code
