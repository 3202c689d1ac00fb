"""The key service under test: its secrets in a throw-away data directory, the hub and a member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aigaq.keyservice import keyfiles
from aigaq.lib.crypto.oprf import KeyHolder

from .helpers import Party, new_party


@pytest.fixture
def data_dir(tmp_path: Path, settings: Any) -> Path:
    path: Path = tmp_path / "keyservice"
    settings.DATA_DIR = path
    return path


@pytest.fixture
def holder(data_dir: Path) -> KeyHolder:
    """The service's OPRF key, as `init` makes it (its signing key too)."""
    keyfiles.signing_key(create=True)
    return keyfiles.key_holder(create=True)


@pytest.fixture
def hub(db: Any) -> Party:
    return new_party("hub")


@pytest.fixture
def member(db: Any) -> Party:
    return new_party("m-aq1")
