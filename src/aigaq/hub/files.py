"""Secret files of the hub (its signing key): mode 0600 in a 0700 directory, whatever the umask.

A small private helper until a shared one exists for every network service (the key service needs
the same for its own files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class SecretFileError(Exception):
    """A secret file that is missing, unreadable, or readable by others."""


def secret_write(path: Path, data: bytes) -> None:
    """Creates `path` with `data`, readable by its owner only; never overwrites one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SecretFileError(f"{path} already exists; it is never overwritten") from None
    try:
        os.fchmod(fd, 0o600)  # O_CREAT's mode is filtered by the umask
        os.write(fd, data)
    finally:
        os.close(fd)


def secret_read(path: Path) -> bytes:
    """The content of a secret file, refused when others may read or write it."""
    try:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretFileError(f"{path} can be read by others (mode {stat.S_IMODE(mode):o}); chmod 600 it")
        return path.read_bytes()
    except OSError as exc:
        raise SecretFileError(f"{path} cannot be read: {exc.strerror or exc}") from exc
