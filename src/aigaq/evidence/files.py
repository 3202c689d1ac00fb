"""Evidence files: what kinds are accepted, metadata removal, and the encrypted file store.

Files are kept in $AIGAQ_DATA_DIR/files/<case code>/<random name>, each the output of
crypto.seal_stream under the case's data key with associated data "evidence:<case>:<item>". A
file's plaintext exists only in memory: uploads are held by aigaq.uploads.MemoryOnlyUploadHandler (never
Django's temporary-file handler) and downloads are decrypted straight into the response.
One folder per case lets erasure remove every file of a case, including any left by an upload
whose database transaction failed.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from aigaq.lib import crypto


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    looks_right: Callable[[bytes], bool]


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The first bytes may end in the middle of a character.
        return exc.start >= len(head) - 3
    return True


# The extension decides the type; the first bytes must agree, so a page or script renamed
# to .jpg is refused. Downloads always go out as attachments with nosniff.
KINDS: dict[str, Kind] = {k.extension: k for k in (
    Kind("jpg", "image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    Kind("jpeg", "image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    Kind("png", "image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    Kind("pdf", "application/pdf", lambda h: h.startswith(b"%PDF-")),
    Kind("txt", "text/plain; charset=utf-8", _text),
    Kind("mp3", "audio/mpeg", lambda h: h.startswith(b"ID3") or h[:2] in (b"\xff\xfb", b"\xff\xf3")),
    Kind("m4a", "audio/mp4", lambda h: h[4:8] == b"ftyp"),
    Kind("mp4", "video/mp4", lambda h: h[4:8] == b"ftyp"),
    Kind("ogg", "audio/ogg", lambda h: h.startswith(b"OggS")),
    Kind("wav", "audio/wav", lambda h: h.startswith(b"RIFF") and h[8:12] == b"WAVE"),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         lambda h: h.startswith(b"PK\x03\x04")),
)}


def kind_of(filename: str, head: bytes) -> Kind | None:
    """The file's kind if its extension is accepted and its first bytes agree, else None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = KINDS.get(extension)
    return kind if kind is not None and kind.looks_right(head) else None


def strip_metadata(data: bytes, kind: Kind) -> bytes | None:
    """The image re-encoded without EXIF (GPS, camera serial, time), comments or ICC profile,
    turned upright first. None if it is not an image we clean or is not a valid one."""
    if kind.content_type not in ("image/jpeg", "image/png"):
        return None
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        # A decompression bomb (a tiny file that decodes to gigapixels) is refused, not decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened) or opened
                # Keep only what drawing needs: every other info entry can carry metadata.
                image.info = {k: v for k, v in image.info.items() if k == "transparency"}
                out = io.BytesIO()
                if kind.content_type == "image/jpeg":
                    if image.mode not in ("RGB", "L", "CMYK"):
                        image = image.convert("RGB")
                    image.save(out, "JPEG", quality=95)
                else:
                    image.save(out, "PNG")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
                Image.DecompressionBombWarning):
            return None
    return out.getvalue()


def files_root() -> Path:
    return Path(settings.DATA_DIR) / "files"


def case_folder(case_code: str) -> Path:
    return files_root() / case_code


def stored_path(case_code: str, stored_name: str) -> Path:
    return case_folder(case_code) / stored_name


def aad(case_code: str, item_code: str) -> str:
    return f"evidence:{case_code}:{item_code}"


def write_sealed(dek: bytes, src: BinaryIO, *, case_code: str, item_code: str, stored_name: str) -> str:
    """Encrypts `src` into the file store; returns the plaintext's SHA-256. The file appears
    whole or not at all (written beside, fsynced, renamed)."""
    folder = case_folder(case_code)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / stored_name
    tmp = folder / f".{stored_name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as dst:
            digest = crypto.seal_stream(dek, src, dst, aad=aad(case_code, item_code))
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return digest


def read_sealed(dek: bytes, dst: BinaryIO, *, case_code: str, item_code: str, stored_name: str) -> str:
    """Decrypts a stored file into `dst`. The file on disk is seekable, so open_stream verifies
    it whole before writing: a tampered file raises DecryptionError with `dst` untouched."""
    with stored_path(case_code, stored_name).open("rb") as src:
        return crypto.open_stream(dek, src, dst, aad=aad(case_code, item_code))


def remove_case_files(case_code: str) -> None:
    shutil.rmtree(case_folder(case_code), ignore_errors=True)
