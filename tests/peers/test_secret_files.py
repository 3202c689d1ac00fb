"""A service's secret files are made once, 0600 in a 0700 folder whatever the umask, never
replaced, and read only when nobody else could have read or changed them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aigaq.peers.files import SecretFileError, secret_file


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def test_a_new_secret_is_random_0600_in_a_0700_folder(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "data" / "seed"
    first = secret_file(path, 32, create=True)
    assert len(first) == 32 and path.read_bytes() == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    other = secret_file(tmp_path / "data" / "other", 32, create=True)
    assert other != first


def test_an_existing_folder_is_made_private_when_a_secret_is_created(tmp_path: Path, open_umask: None) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    secret_file(folder / "seed", 32, create=True)
    assert folder.stat().st_mode & 0o777 == 0o700


def test_an_existing_secret_is_read_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "seed"
    first = secret_file(path, 32, create=True)
    assert secret_file(path, 32, create=True) == first
    assert secret_file(path, 32, create=False) == first


def test_a_missing_secret_is_an_error_without_create(tmp_path: Path) -> None:
    with pytest.raises(SecretFileError, match="does not exist"):
        secret_file(tmp_path / "seed", 32, create=False)
    assert not (tmp_path / "seed").exists()


def test_a_secret_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "seed"
    secret_file(path, 32, create=True)
    path.chmod(0o640)
    with pytest.raises(SecretFileError, match="chmod 600"):
        secret_file(path, 32, create=False)


@pytest.mark.parametrize("content", [b"", b"x" * 31, b"x" * 33])
def test_a_secret_of_the_wrong_size_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "seed"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(SecretFileError, match="32 bytes"):
        secret_file(path, 32, create=True)


def test_a_secret_that_cannot_be_created_or_read_says_why(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_bytes(b"")
    with pytest.raises(SecretFileError, match="cannot create"):
        secret_file(not_a_folder / "seed", 32, create=True)
    with pytest.raises(SecretFileError, match="cannot read"):
        secret_file(not_a_folder / "seed", 32, create=False)
    folder = tmp_path / "folder"
    folder.mkdir(mode=0o700)
    with pytest.raises(SecretFileError, match=r"cannot read .*directory"):
        secret_file(folder, 32, create=False)
