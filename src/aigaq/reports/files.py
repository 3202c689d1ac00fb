"""Files a survivor attaches: held in memory only while they arrive, then sealed under the
report's key in $AIGAQ_DATA_DIR/report-files/<report code>/<file code> (mode 0600 in 0700 folders).
When a case is made from the report they go to the evidence locker (cases.hooks), which removes
their metadata, hashes them and starts their chain of custody; deleting the report removes them."""

from __future__ import annotations

import io
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from aigaq.lib import crypto

MAX_BYTES = 5 * 1024 * 1024  # one photo or screenshot from a phone
MAX_FILES = 5  # per report
EXTENSIONS = ("jpg", "jpeg", "png", "pdf")


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps an upload in memory, up to MAX_BYTES, so no plaintext byte reaches a temporary file;
    a larger one is skipped and `too_big` set (as the evidence locker's handler does)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_big = False
        self.buffer = io.BytesIO()

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: str | None = None) -> None:
        if content_length > MAX_BYTES + 256 * 1024:
            self.too_big = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        if self.too_big:
            raise SkipFile()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > MAX_BYTES:
            self.too_big = True
            self.buffer = io.BytesIO()
            raise SkipFile()
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(self.buffer, self.field_name, self.file_name, self.content_type, file_size,
                                    self.charset, self.content_type_extra)


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
