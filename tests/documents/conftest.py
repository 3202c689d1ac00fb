from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from aigaq.accounts.models import User
from aigaq.cases import services as case_services
from aigaq.cases.models import Assignment, Case
from aigaq.evidence import services as evidence_services

from ..conftest import SURVIVOR, SUSPECT

LEGAL_NAME = "Айгерім Нұрланқызы"
SUSPECT_NAME = "Жәнібек Сейітов"
KUI = "KUI-24-750-0041"
ERDR = "247500031000412"
OFFICER_WORDS = "Бұл отбасылық мәселе, үйге барыңыз"


@pytest.fixture
def record_case(alice: User, bob: User, make_case: Callable[..., Case]) -> Case:
    """A case with her legal name, a refusal with the officer's words, a registration and a
    requalification, one evidence file; bob (a lawyer) has a place on it."""
    case = make_case(alice, survivor=dataclasses.replace(SURVIVOR, name=LEGAL_NAME),
                     suspects=[dataclasses.replace(SUSPECT, full_name=SUSPECT_NAME)])
    Assignment.objects.create(case=case, user=bob, role=Assignment.Role.LAWYER)
    case_services.pathway_event_add(actor=alice, case=case, event_type="report_refused", date=dt.date(2025, 5, 5),
                                    time=dt.time(14, 30), data={"reason": "private_matter", "quote": OFFICER_WORDS,
                                                                "officer": "Капитан Ермеков",
                                                                "unit": "Алматы аудандық полиция басқармасы"})
    case_services.pathway_event_add(actor=alice, case=case, event_type="report_registered", date=dt.date(2025, 5, 12),
                                    data={"kui_number": KUI, "erdr_number": ERDR, "initial_article": "CC-120"})
    case_services.pathway_event_add(actor=alice, case=case, event_type="requalified", date=dt.date(2025, 6, 2),
                                    data={"from_article": "CC-120", "to_article": "CAO-434"})
    evidence_services.evidence_add(actor=alice, case=case, filename="messages.txt", data=b"his messages",
                                   title="His messages")
    return case


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for section in document.sections:
        lines += [p.text for p in section.footer.paragraphs]
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def texts(document: Any, actor: User) -> tuple[str, str]:
    from aigaq.documents import services

    return (docx_text(services.document_hand_out(actor=actor, document=document, fmt="docx")),
            pdf_text(services.document_hand_out(actor=actor, document=document, fmt="pdf")))
