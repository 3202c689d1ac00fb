"""An import's progress page (/imports/jobs/<code>/) answers 404 to everyone but the coordinator who
started it: a coordinator of another organisation, and a caseworker of her own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aigaq import worker
from aigaq.accounts.models import User
from aigaq.imports.models import ImportJob

from ..conftest import client_for
from ..imports.conftest import HEADER, good_row, xlsx

COLUMNS = ["external_ref", "incident_date", "region", "city", "violence_type", "suspect_phone", "suspect_name"]


@pytest.mark.django_db
def test_an_import_job_page_is_denied_to_outsiders(cora: User, olga: User, alice: User) -> None:
    client = client_for(cora)
    response = client.post("/imports/upload/", {"file": SimpleUploadedFile("c.xlsx", xlsx([HEADER, good_row(1)]))})
    code = str(response["Location"]).rstrip("/").rsplit("/", 1)[-1]
    data = {f"col_{i}": key for i, key in enumerate(COLUMNS)} | {"mode": "strict", "action": "import"}
    job_url = str(client.post(f"/imports/{code}/", data)["Location"])
    for state in ("queued", "done"):
        for outsider in (olga, alice):
            for method in ("get", "post"):
                assert getattr(client_for(outsider), method)(job_url).status_code in (404, 405), (state, outsider)
            assert client_for(outsider).get(job_url).status_code == 404
        assert client.get(job_url).status_code == 200
        worker.run_ready()
    assert ImportJob.objects.get().state == ImportJob.State.DONE
