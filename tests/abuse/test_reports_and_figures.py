"""One click makes a PDF and a .docx report of the ticked entries with each file's SHA-256, in the
chosen language, audited; the figures by platform and month are suppressed like the dashboard's;
the entries never appear in survivors' cases, their search or their list."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import docx
from django.utils import timezone

from aigaq.abuse.models import AbuseFile
from aigaq.abuse.selectors import figures
from aigaq.accounts.models import User
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case

from ..conftest import client_for
from .helpers import MESSAGE, make_entry


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_and_docx_reports_hold_the_ticked_entries_and_their_hashes(alice: User, tmp_path: Path) -> None:
    first = make_entry(alice, attachments=[("shot.png", _png())])
    second = make_entry(alice, message="Second message qz", platform="telegram")
    left_out = make_entry(alice, message="Not in the report")
    sha = AbuseFile.objects.get().sha256
    client = client_for(alice)
    codes = [first.code, second.code]
    pdf = client.post("/abuse/report/", {"entries": codes, "format": "pdf", "language": "en"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content, tmp_path)
    flat = "".join(text.split())
    assert sha in flat and "marker-Ab7Q" in text and "Second message qz" in text
    assert "Not in the report" not in text and "Same sender as entries 2" in text
    word = client.post("/abuse/report/", {"entries": codes, "format": "docx", "language": "ru"})
    assert word.status_code == 200
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert sha in body and MESSAGE in body and "Second message qz" in body
    assert "Полученные угрозы и оскорбления в интернете" in body  # the title, in Russian
    made = AuditEntry.objects.filter(action=Action.ABUSE_REPORT_MADE).order_by("id")
    assert [(e.extra["format"], e.extra["language"], sorted(e.extra["entries"])) for e in made] == [
        ("pdf", "en", sorted(codes)), ("docx", "ru", sorted(codes))]
    assert left_out.code not in str(made[0].extra)


def test_the_report_in_kazakh(alice: User, tmp_path: Path) -> None:
    entry = make_entry(alice)
    pdf = client_for(alice).post("/abuse/report/", {"entries": [entry.code], "format": "pdf", "language": "kk"})
    assert "Интернеттегі қоқан-лоққы мен қорлау" in _pdf_text(pdf.content, tmp_path)


def test_a_report_with_no_entry_ticked_says_so(alice: User) -> None:
    make_entry(alice)
    response = client_for(alice).post("/abuse/report/", {"format": "pdf", "language": "en"})
    assert response.status_code == 400 and "Tick at least one entry." in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.ABUSE_REPORT_MADE).exists()


def test_counts_by_platform_and_month_are_suppressed(alice: User, cora: User, ann: User) -> None:
    now = timezone.now()
    for _ in range(6):
        make_entry(alice, platform="instagram", received_at=now)
    for _ in range(2):
        make_entry(alice, platform="telegram", received_at=now)
    found = figures(cora)
    assert found.platforms == ["Instagram", "Telegram"]
    month = dict(found.rows)[now.strftime("%Y-%m")]
    assert [c.text for c in month] == ["x", "<5", "8"]  # 6 hidden, or 8 - 6 would give the 2 away
    assert found.any_suppressed
    page = client_for(ann).get("/abuse/figures/").content.decode()
    assert "&lt;5" in page
    assert client_for(alice).get("/abuse/figures/").status_code == 404  # a caseworker: her own log only


def test_entries_never_appear_in_the_case_list_or_search(alice: User, cora: User, make_case) -> None:  # type: ignore[no-untyped-def]
    make_case(alice)
    make_entry(alice, sender_phone="+7 701 555 12 34", sender_name="Жәнібек Сейітов")
    for user in (alice, cora):
        listing = client_for(user).post("/cases/", {"q": "Ахметов"}).content.decode()
        assert "marker-Ab7Q" not in listing and "threatener" not in listing
        search = client_for(user).post("/cases/", {"q": "+77015551234"}).content.decode()
        assert "marker-Ab7Q" not in search
    assert Case.objects.count() == 1


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, "PNG")
    return out.getvalue()


def test_months_before_the_last_twelve_are_left_out(alice: User, cora: User) -> None:
    make_entry(alice, received_at=timezone.now() - dt.timedelta(days=400))
    assert figures(cora).platforms == []
