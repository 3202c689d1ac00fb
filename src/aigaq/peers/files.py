"""A network service's secrets on disk (its signing key, the key service's OPRF seed): a file of
`size` random bytes, mode 0600, in a folder made 0700 when the file is created, whatever the umask.

Never overwritten: a replaced signing key breaks every peer's trust in it, and a replaced OPRF seed
turns every token on the hub into noise. Read only when group and others cannot touch it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class SecretFileError(ValueError):
    """The file is missing, unsafe or not what it should be; the message says what to do."""


def secret_file(path: Path, size: int, *, create: bool) -> bytes:
    """The `size` bytes kept in `path`. With `create`, a missing file is made first (new random
    bytes); an existing one is read, never replaced. Without it, a missing file is an error."""
    if create:
        made = _create(path, size)
        if made is not None:
            return made
    return _read(path, size)


def _create(path: Path, size: int) -> bytes | None:
    """New bytes written to a new file, or None when the file is already there."""
    try:
        # The folder is the service's own data directory: nobody else has anything to do in it.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)  # mkdir's mode passes through the umask, and it may have been made earlier
    except OSError as exc:
        raise SecretFileError(f"cannot create {path}: {exc.strerror or exc}") from exc
    try:
        # O_EXCL: never follow or replace what is there; 0600 from the first byte on disk.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return None
    except OSError as exc:
        raise SecretFileError(f"cannot create {path}: {exc.strerror}") from exc
    data = secrets.token_bytes(size)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return data


def _read(path: Path, size: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            # fstat on the open file, not stat on the path, so the checked file is the one read.
            mode = os.fstat(handle.fileno()).st_mode
            if os.name == "posix" and mode & 0o077:
                raise SecretFileError(f"{path} is readable or writable by group or others "
                                      f"(mode {mode & 0o777:04o}); run `chmod 600 {path}`")
            data = handle.read(size + 1)
    except FileNotFoundError:
        raise SecretFileError(f"{path} does not exist; create it with the service's `init` command") from None
    except OSError as exc:
        raise SecretFileError(f"cannot read {path}: {exc.strerror}") from exc
    if len(data) != size:
        raise SecretFileError(f"{path} does not hold {size} bytes: it is damaged or not this kind of file")
    return data
