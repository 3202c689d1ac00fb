"""The coordinators' import pages: upload, map the columns, preview, import."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from aigaq import worker
from aigaq.accounts.models import User
from aigaq.audit.log import verify
from aigaq.audit.models import Action, AuditEntry
from aigaq.cases.models import Case
from aigaq.imports.models import ColumnMapping, ImportedCase, ImportJob, PendingUpload

from .conftest import HEADER, good_row, xlsx

pytestmark = pytest.mark.django_db


def upload(client: Client, data: bytes, name: str = "cases.xlsx") -> str:
    response = client.post("/imports/upload/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content
    return str(response["Location"]).rstrip("/").rsplit("/", 1)[-1]


def mapping_post(columns: list[str], **extra: str) -> dict[str, str]:
    data = {f"col_{i}": key for i, key in enumerate(columns)}
    data.update({"mode": "strict", **extra})
    return data


SUGGESTED = ["external_ref", "incident_date", "region", "city", "violence_type", "suspect_phone", "suspect_name"]


def test_the_mapping_page_preselects_the_suggested_columns_and_previews_rows_as_they_will_be_saved(
    cora: User, login: Callable[[User], Client],
) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1), [*good_row(2)[:2], "Атлантида", *good_row(2)[3:]]]))
    response = client.get(f"/imports/{code}/")
    page = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert [form[f"col_{i}"].value() for i in range(len(HEADER))] == SUGGESTED
    assert "Almaty Region" in page and "Konaev" in page and "12.04.2021" in page
    assert "is not one of the regions of Kazakhstan" in page
    assert Case.objects.count() == 0


def import_from_the_page(client: Client, code: str, data: dict[str, str]) -> tuple[str, HttpResponse]:
    """Posts the import, checks that it was queued (nothing written in the request), runs the
    worker, and returns the job's code and its page."""
    response = client.post(f"/imports/{code}/", {**data, "action": "import"})
    assert response.status_code == 302, response.content
    job_url = str(response["Location"])
    assert job_url.startswith("/imports/jobs/")
    assert Case.objects.count() == 0 and ImportJob.objects.get().state == ImportJob.State.QUEUED
    assert DBTaskResult.objects.get().task_path == "aigaq.imports.jobs.import_task"
    worker.run_ready()
    return job_url.rstrip("/").rsplit("/", 1)[-1], client.get(job_url)


def test_an_import_from_the_page_is_a_task_run_by_the_worker_that_creates_the_cases_and_deletes_the_upload(
    cora: User, login: Callable[[User], Client],
) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1), good_row(2)]))
    _job, response = import_from_the_page(client, code, mapping_post(SUGGESTED))
    assert response.status_code == 200
    assert "New cases: 2." in response.content.decode()
    assert Case.objects.count() == 2
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert not PendingUpload.objects.filter(code=code).exists()
    assert client.get(f"/imports/{code}/").status_code == 404
    assert list(verify()) == []


def test_the_progress_page_shows_where_the_import_stands_after_a_reload(
    cora: User, login: Callable[[User], Client],
) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1), good_row(2)]))
    response = client.post(f"/imports/{code}/", {**mapping_post(SUGGESTED), "action": "import"})
    job_url = str(response["Location"])
    waiting = client.get(job_url)
    assert waiting.status_code == 200 and "Waiting for the worker" in waiting.content.decode()
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    ImportJob.objects.update(state=ImportJob.State.CHECKING, rows_total=2000, rows_done=500)
    again = login(cora).get(job_url)  # a reload, even from a new session, reads the job's row
    assert "Checking the rows: 500 of 2000." in again.content.decode() and again.context["percent"] == 25
    worker.run_ready()
    done = client.get(job_url)
    assert "New cases: 2." in done.content.decode() and '<meta http-equiv="refresh"' not in done.content.decode()
    job = ImportJob.objects.get()
    assert (job.state, job.rows_done, job.rows_total, job.created) == (ImportJob.State.DONE, 2, 2, 2)


def test_an_import_whose_worker_was_killed_says_it_failed_and_saved_nothing(
    cora: User, login: Callable[[User], Client]
) -> None:
    import datetime as dt

    from django.utils import timezone

    from aigaq.imports import jobs

    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1)]))
    job_url = str(client.post(f"/imports/{code}/", {**mapping_post(SUGGESTED), "action": "import"})["Location"])
    ImportJob.objects.update(state=ImportJob.State.SAVING,
                             created_at=timezone.now() - dt.timedelta(seconds=jobs.ABANDONED_SECONDS + 60))
    page = client.get(job_url)
    assert '<meta http-equiv="refresh"' not in page.content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.FAILED and Case.objects.count() == 0


def test_the_progress_page_is_only_for_who_started_the_import(
    cora: User, olga: User, alice: User, login: Callable[[User], Client],
) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1)]))
    job_url = str(client.post(f"/imports/{code}/", {**mapping_post(SUGGESTED), "action": "import"})["Location"])
    assert login(olga).get(job_url).status_code == 404
    assert login(alice).get(job_url).status_code == 404


def test_an_import_with_a_bad_row_saves_nothing_from_the_page(cora: User, login: Callable[[User], Client]) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1), [*good_row(2)[:5], "не телефон", "X"]]))
    _job, response = import_from_the_page(client, code, mapping_post(SUGGESTED))
    assert response.status_code == 400
    assert "not a phone number" in response.content.decode()
    assert Case.objects.count() == 0
    assert PendingUpload.objects.filter(code=code).exists()
    assert ImportJob.objects.get().state == ImportJob.State.REFUSED
    assert b"phone" not in bytes(ImportJob.objects.get().problems_sealed)  # sealed: it may quote the sheet


def test_an_import_that_fails_midway_saves_nothing_and_says_so(cora: User, login: Callable[[User], Client]) -> None:
    from unittest import mock

    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1), good_row(2)]))
    with mock.patch("aigaq.imports.importer.record", side_effect=RuntimeError("Серик Тест1")):
        _job, response = import_from_the_page(client, code, mapping_post(SUGGESTED))
    assert "error of the system" in response.content.decode()
    assert Case.objects.count() == 0 and ImportedCase.objects.count() == 0
    assert ImportJob.objects.get().state == ImportJob.State.FAILED
    assert "Серик" not in str(DBTaskResult.objects.values_list("return_value", "exception_class_path", "traceback"))


def test_skipping_bad_rows_from_the_page_offers_an_error_sheet(cora: User, login: Callable[[User], Client]) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1), [*good_row(2)[:5], "не телефон", "X"]]))
    _job, response = import_from_the_page(client, code, mapping_post(SUGGESTED, mode="skip"))
    assert Case.objects.count() == 1
    errors_code = response.context["job"].errors_code
    sheet = client.get(f"/imports/{errors_code}/errors.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(rows) == 2 and rows[1][0] == "A-2" and "phone" in str(rows[1][-1])
    assert AuditEntry.objects.filter(action=Action.EXPORTED, actor=cora).count() == 1


def test_the_mapping_is_remembered_for_the_organisation(cora: User, login: Callable[[User], Client]) -> None:
    client = login(cora)
    odd = ["Дело", "Когда", "Где", "Что"]
    code = upload(client, xlsx([odd, ["X-1", "12.04.2021", "ЗКО", "побои"]]))
    chosen = ["external_ref", "incident_date", "region", "violence_type"]
    client.post(f"/imports/{code}/", {**mapping_post(chosen), "action": "import"})
    assert ColumnMapping.objects.get().mapping["дело"] == "external_ref"
    again = upload(client, xlsx([odd, ["X-2", "13.04.2021", "ЗКО", "побои"]]))
    form = client.get(f"/imports/{again}/").context["form"]
    assert [form[f"col_{i}"].value() for i in range(4)] == chosen


def test_the_import_pages_are_for_coordinators_only(
    alice: User, cora: User, olga: User, login: Callable[[User], Client],
) -> None:
    assert login(alice).get("/imports/").status_code == 404
    code = upload(login(cora), xlsx([HEADER, good_row(1)]))
    assert login(olga).get(f"/imports/{code}/").status_code == 404
    assert login(alice).get(f"/imports/{code}/").status_code == 404


def test_an_uploaded_sheet_is_stored_only_sealed(cora: User, login: Callable[[User], Client]) -> None:
    data = "№;Дата;Область;Вид насилия\nSECRET-REF-777;12.04.2021;ЗКО;побои\n".encode()
    code = upload(login(cora), data, "cases.csv")
    sealed = bytes(PendingUpload.objects.get(code=code).sealed)
    assert b"SECRET-REF-777" not in sealed and data not in sealed


def test_an_upload_not_imported_within_the_hour_is_deleted(cora: User, login: Callable[[User], Client]) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1)]))
    PendingUpload.objects.filter(code=code).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/imports/{code}/").status_code == 404
    assert not PendingUpload.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_the_form_shown_again(
    cora: User, login: Callable[[User], Client],
) -> None:
    response = login(cora).post("/imports/upload/", {"file": SimpleUploadedFile("x.xlsx", b"PK not a zip")})
    assert response.status_code == 400
    assert "could not be read as an Excel workbook" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_the_mapping_page_speaks_russian_to_a_russian_speaking_coordinator(
    cora: User, login: Callable[[User], Client],
) -> None:
    cora.language = "ru"
    cora.save()
    client = login(cora)
    code = upload(client, xlsx([HEADER, [*good_row(1)[:2], "Атлантида", *good_row(1)[3:]]]))
    page = client.get(f"/imports/{code}/").content.decode()
    assert "Выберите столбцы" in page and "не регион Казахстана" in page and "строка 2" in page


def test_the_template_downloads_in_the_organisations_language(cora: User, login: Callable[[User], Client]) -> None:
    response = login(cora).get("/imports/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "external_ref" and sheet["A2"].value == "Your reference"
    assert ImportedCase.objects.count() == 0


def test_the_worker_deletes_expired_uploads_without_a_visit(cora: User, login: Callable[[User], Client]) -> None:
    import time

    from aigaq import worker
    from aigaq.imports.background import purge_task

    code = upload(login(cora), xlsx([HEADER, good_row(1)]))
    fresh = upload(login(cora), xlsx([HEADER, good_row(2)]))
    PendingUpload.objects.filter(code=code).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert purge_task.module_path in worker.enqueue_due(now=time.monotonic() + 10**9)
    worker.run_ready()
    assert list(PendingUpload.objects.values_list("code", flat=True)) == [fresh]


def test_a_sheet_over_the_size_limit_is_refused_and_never_stored(
    cora: User, login: Callable[[User], Client], settings: object,
) -> None:
    settings.IMPORT_MAX_BYTES = 1000  # type: ignore[attr-defined]
    big = xlsx([HEADER, *(good_row(n) for n in range(200))])
    response = login(cora).post("/imports/upload/", {"file": SimpleUploadedFile("big.xlsx", big)})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_the_preview_of_a_large_sheet_checks_only_the_rows_it_shows_and_the_import_checks_every_row(
    cora: User, login: Callable[[User], Client], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aigaq.imports import importer, views

    client = login(cora)
    rows = [good_row(n) for n in range(1, 41)]
    rows[29] = [*good_row(30)[:5], "не телефон", "X"]  # sheet row 31: far beyond the preview
    code = upload(client, xlsx([HEADER, *rows]))
    checked: list[int] = []
    real_check = importer._check_row
    monkeypatch.setattr(importer, "_check_row", lambda sheet, mapping, row, **kw: (
        checked.append(row.number), real_check(sheet, mapping, row, **kw))[1])
    response = client.get(f"/imports/{code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert len(checked) <= views.PREVIEW_ROWS + 1 and 31 not in checked
    assert "40 rows" in page  # counted without being read
    assert "not a phone number" not in page and 'data-testid="checked-at-import"' in page
    checked.clear()
    _job, response = import_from_the_page(client, code, mapping_post(SUGGESTED))
    assert len(checked) == 40
    assert response.status_code == 400
    assert "row 31, column F (Телефон подозреваемого)" in response.content.decode()
    assert Case.objects.count() == 0 and ImportedCase.objects.count() == 0


def test_a_short_sheet_is_still_checked_whole_on_the_preview(cora: User, login: Callable[[User], Client]) -> None:
    client = login(cora)
    code = upload(client, xlsx([HEADER, good_row(1), good_row(2)]))
    page = client.get(f"/imports/{code}/").content.decode()
    assert "New cases: 2." in page and 'data-testid="checked-at-import"' not in page
