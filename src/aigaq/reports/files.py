"""Files a survivor attaches: held in memory only while they arrive, then sealed under the
report's key in $AIGAQ_DATA_DIR/report-files/<report code>/<file code> (mode 0600 in 0700 folders).
When a case is made from the report they go to the evidence locker (cases.hooks), which removes
their metadata, hashes them and starts their chain of custody; deleting the report removes them."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from django.conf import settings

from aigaq.lib import crypto

MAX_BYTES = 5 * 1024 * 1024  # one photo or screenshot from a phone
MAX_FILES = 5  # per report
EXTENSIONS = ("jpg", "jpeg", "png", "pdf")


def folder(report_code: str) -> Path:
    return Path(settings.DATA_DIR) / "report-files" / report_code


def _aad(report_code: str, file_code: str) -> str:
    return f"report-file:{report_code}:{file_code}"


def write(dek: bytes, data: bytes, *, report_code: str, file_code: str) -> None:
    target = folder(report_code)
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = target / f".{file_code}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as dst:
            dst.write(crypto.seal(dek, data, aad=_aad(report_code, file_code)))
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target / file_code)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read(dek: bytes, *, report_code: str, file_code: str) -> bytes:
    return crypto.open_sealed(dek, (folder(report_code) / file_code).read_bytes(), aad=_aad(report_code, file_code))


def remove(report_code: str) -> None:
    shutil.rmtree(folder(report_code), ignore_errors=True)
