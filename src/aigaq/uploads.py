"""Uploads held in memory only: no plaintext byte of a file a person uploads (evidence, a
survivor's photo, a spreadsheet of cases) ever reaches a temporary file on disk.

Django's own handlers spill an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file
in plaintext; this handler replaces them for the views that take files, keeps the file in a
buffer up to its limit, and skips a larger one (`too_big` set, so the view can say why). Each app
names its limit: `MemoryOnlyUploadHandler(request, limit=...)`.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

# What a multipart body may carry besides the file (boundaries, the form's other fields) before
# its declared length alone says that the file is over the limit.
ENVELOPE_BYTES = 256 * 1024


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Holds each uploaded file in memory, up to `limit` bytes; a larger one is skipped."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big = False
        self.buffer = io.BytesIO()

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: str | None = None) -> None:
        if content_length > self.limit + ENVELOPE_BYTES:  # the whole body is clearly too large
            self.too_big = True

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        if self.too_big:
            raise SkipFile()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.too_big = True
            self.buffer = io.BytesIO()
            raise SkipFile()
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(self.buffer, self.field_name, self.file_name, self.content_type, file_size,
                                    self.charset, self.content_type_extra)
