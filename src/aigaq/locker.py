"""The file locker that the evidence of a case and the abuse log share: which kinds of file are
accepted, metadata removal, hashing, and the encrypted file store.

Files are kept in $AIGAQ_DATA_DIR/files/<folder>/<random name>, each the output of
crypto.seal_stream under the owner's data key (a case's, an abuse log entry's) with associated data
that names the owner and the item, so a file copied under another item fails to open. A file's
plaintext exists only in memory: uploads are held by aigaq.uploads.MemoryOnlyUploadHandler and
downloads are decrypted straight into the response. The callers (aigaq.evidence.files, aigaq.abuse)
name the folder and the associated data; this module knows nothing of cases.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import secrets
import warnings
from collections.abc import Callable, Mapping
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


def _warc_gz(head: bytes) -> bool:
    """A gzipped WARC: gzip's magic, and its first member starts with a WARC record."""
    if not head.startswith(b"\x1f\x8b"):
        return False
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(head)) as unzipped:
            return unzipped.read(5) == b"WARC/"
    except (OSError, EOFError):
        # The head is only the first bytes: a member cut short may still begin with "WARC/".
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

# A saved web page (ISO 28500 WARC, as webrecorder / ArchiveWeb.page or wget --warc-file save it),
# accepted where a page is evidence of what was posted (the abuse log).
WEB_ARCHIVE_KINDS: dict[str, Kind] = {k.extension: k for k in (
    Kind("warc", "application/warc", lambda h: h.startswith(b"WARC/")),
    Kind("warc.gz", "application/warc+gzip", _warc_gz),
)}

IMAGE_TYPES = ("image/jpeg", "image/png")
HEAD_BYTES = 64


def extension_of(filename: str) -> str:
    """The name's extension, lower case; "warc.gz" counts as one."""
    name = filename.lower()
    if name.endswith(".warc.gz"):
        return "warc.gz"
    return name.rsplit(".", 1)[-1] if "." in name else ""


def kind_of(filename: str, head: bytes, kinds: Mapping[str, Kind] = KINDS) -> Kind | None:
    """The file's kind if its extension is among `kinds` and its first bytes agree, else None."""
    kind = kinds.get(extension_of(filename))
    return kind if kind is not None and kind.looks_right(head) else None


def strip_metadata(data: bytes, kind: Kind) -> bytes | None:
    """The image re-encoded without EXIF (GPS, camera serial, time), comments or ICC profile,
    turned upright first. None if it is not an image we clean or is not a valid one."""
    if kind.content_type not in IMAGE_TYPES:
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


class FileRefused(ValueError):
    """The upload is not an accepted kind of file, or is not what its extension says; the message
    is its extension."""


@dataclass(frozen=True)
class Prepared:
    """An accepted upload as it will be stored."""

    kind: Kind
    stored: bytes  # metadata removed from an image, else the bytes as received
    received_sha256: str
    metadata_removed: bool


def prepare(filename: str, data: bytes, kinds: Mapping[str, Kind] = KINDS) -> Prepared:
    """Checks the file's kind, hashes it as received and removes an image's metadata. Raises
    FileRefused for a kind not accepted, or for an image that cannot be read (refused rather than
    kept with its metadata)."""
    kind = kind_of(filename, data[:HEAD_BYTES], kinds)
    if kind is None:
        raise FileRefused(extension_of(filename))
    received_sha256 = hashlib.sha256(data).hexdigest()
    cleaned = strip_metadata(data, kind)
    if kind.content_type in IMAGE_TYPES and cleaned is None:
        raise FileRefused(kind.extension)
    return Prepared(kind=kind, stored=cleaned if cleaned is not None else data,
                    received_sha256=received_sha256, metadata_removed=cleaned is not None)


def files_root() -> Path:
    return Path(settings.DATA_DIR) / "files"


def write_sealed(dek: bytes, src: BinaryIO, *, folder: Path, stored_name: str, aad: str) -> str:
    """Encrypts `src` into `folder`/`stored_name`; returns the plaintext's SHA-256. The file appears
    whole or not at all (written beside, fsynced, renamed)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / stored_name
    tmp = folder / f".{stored_name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as dst:
            digest = crypto.seal_stream(dek, src, dst, aad=aad)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return digest


def read_sealed(dek: bytes, dst: BinaryIO, *, path: Path, aad: str) -> str:
    """Decrypts a stored file into `dst`. The file on disk is seekable, so open_stream verifies
    it whole before writing: a tampered file raises DecryptionError with `dst` untouched."""
    with path.open("rb") as src:
        return crypto.open_stream(dek, src, dst, aad=aad)
