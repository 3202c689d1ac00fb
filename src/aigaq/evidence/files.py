"""Evidence files of a case in the shared file locker (aigaq.locker: accepted kinds, metadata
removal, the encrypted store).

Files are kept in $AIGAQ_DATA_DIR/files/<case code>/<random name>, each the output of
crypto.seal_stream under the case's data key with associated data "evidence:<case>:<item>".
One folder per case lets erasure remove every file of a case, including any left by an upload
whose database transaction failed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

from aigaq import locker
from aigaq.locker import KINDS, Kind, files_root, kind_of, strip_metadata

__all__ = ["KINDS", "Kind", "aad", "case_folder", "files_root", "kind_of", "read_sealed", "remove_case_files",
           "stored_path", "strip_metadata", "write_sealed"]


def case_folder(case_code: str) -> Path:
    return files_root() / case_code


def stored_path(case_code: str, stored_name: str) -> Path:
    return case_folder(case_code) / stored_name


def aad(case_code: str, item_code: str) -> str:
    return f"evidence:{case_code}:{item_code}"


def write_sealed(dek: bytes, src: BinaryIO, *, case_code: str, item_code: str, stored_name: str) -> str:
    """Encrypts `src` into the case's folder; returns the plaintext's SHA-256."""
    return locker.write_sealed(dek, src, folder=case_folder(case_code), stored_name=stored_name,
                               aad=aad(case_code, item_code))


def read_sealed(dek: bytes, dst: BinaryIO, *, case_code: str, item_code: str, stored_name: str) -> str:
    """Decrypts a stored file into `dst` (verified whole first: see locker.read_sealed)."""
    return locker.read_sealed(dek, dst, path=stored_path(case_code, stored_name), aad=aad(case_code, item_code))


def remove_case_files(case_code: str) -> None:
    shutil.rmtree(case_folder(case_code), ignore_errors=True)
