"""Restoring a key-store backup made before she deleted her report does not bring its key back."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from aigaq.accounts.models import Organisation
from aigaq.keys.store import case_key_exists, report_key_name
from aigaq.reports import services
from aigaq.reports.models import Report

from .helpers import send_report

pytestmark = pytest.mark.django_db(transaction=True)


def test_restoring_an_old_key_backup_keeps_a_deleted_reports_key_destroyed(org: Organisation, tmp_path: Path) -> None:
    send_report(org)
    report = Report.objects.get()
    keys_out = tmp_path / "keys.aigaqbak"
    call_command("backup", "--key-store", "-o", str(keys_out))
    services.report_delete(report=report)
    call_command("restore", "--key-store", str(keys_out))
    assert not case_key_exists(report_key_name(report.code))
