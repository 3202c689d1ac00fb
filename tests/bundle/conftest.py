"""A case with two evidence files (a text file and a PNG) and the lawyer bob on it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from aigaq.accounts.models import User
from aigaq.cases.models import Assignment, Case
from aigaq.evidence import services
from aigaq.evidence.models import EvidenceItem


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def bundled_case(alice: User, bob: User, make_case: Any) -> Case:
    case: Case = make_case(alice)
    Assignment.objects.create(case=case, user=bob, role=Assignment.Role.LAWYER)
    services.evidence_add(actor=alice, case=case, filename="statement.txt",
                          data="Ол маған қол көтерді. What she said.\n".encode(), title="Her statement")
    services.evidence_add(actor=alice, case=case, filename="bruise.png", data=png(), title="Photo")
    return case


@pytest.fixture
def items(bundled_case: Case) -> list[EvidenceItem]:
    return list(bundled_case.evidence.order_by("uploaded_at", "id"))
