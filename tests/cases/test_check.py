"""`aigaq check` says clearly what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command


def test_a_sound_configuration_passes(db: Any, settings: Any, capsys: Any) -> None:
    settings.REQUIRE_2FA = True
    call_command("aigaq_check")
    assert "configuration looks right" in capsys.readouterr().out


def test_production_without_two_factor_is_a_problem(db: Any, settings: Any, capsys: Any) -> None:
    settings.REQUIRE_2FA = False
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    assert "two-factor authentication is switched off" in capsys.readouterr().err


def test_a_key_store_inside_the_data_directory_is_a_problem(db: Any, settings: Any, capsys: Any) -> None:
    settings.KEY_STORE = Path(settings.DATA_DIR) / "casekeys.sqlite3"
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    assert "key store is inside the data directory" in capsys.readouterr().err


def test_a_missing_key_file_says_how_to_create_one(db: Any, settings: Any, tmp_path: Path, capsys: Any) -> None:
    settings.KEY_FILE = tmp_path / "nowhere.json"
    with pytest.raises(CommandError):
        call_command("aigaq_check")
    assert "aigaq keys init" in capsys.readouterr().err


def test_a_timestamp_server_without_its_ca_file_is_pointed_out(db: Any, settings: Any, capsys: Any) -> None:
    settings.REQUIRE_2FA = True
    settings.TSA_URL, settings.TSA_CA_FILE = "https://tsa.example.org/", None
    call_command("aigaq_check")
    assert "AIGAQ_TSA_URL is set without AIGAQ_TSA_CA_FILE" in capsys.readouterr().out
