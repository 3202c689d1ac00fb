"""Which of the installation's private files another user of the machine could read.

The database (SQLite, with its WAL and journal), the generated secret, the key file, the case key
store and the evidence files must be 0600 and their folders 0700 (aigaq.envconfig.private_files
makes everything the app creates so); anything wider, made before or by hand, is reported by
`aigaq check` with the command that fixes it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from aigaq.evidence.files import files_root


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.lstat().st_mode)
    except FileNotFoundError:
        return None


def _with_journals(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def private_paths() -> Iterator[tuple[Path, bool]]:
    """(path, is_folder) for each private file and folder of this installation, those not made yet
    left out; the file stores are walked file by file."""
    data_dir = Path(settings.DATA_DIR)
    key_file = Path(settings.KEY_FILE)
    key_store = Path(settings.KEY_STORE)
    folders = {data_dir, key_file.parent, key_store.parent}
    files = [data_dir / "secret_key", key_file, *_with_journals(key_store)]
    db = settings.DATABASES["default"]
    if "sqlite" in str(db["ENGINE"]):
        files += _with_journals(Path(str(db["NAME"])))
    for folder in sorted(folders):
        if folder.is_dir():
            yield folder, True
    for path in files:
        if path.exists():
            yield path, False
    for root in _file_stores():
        if not root.is_dir():
            continue
        yield root, True
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames:
                yield Path(dirpath) / name, True
            for name in filenames:
                yield Path(dirpath) / name, False


def _file_stores() -> tuple[Path, ...]:
    """Evidence and the abuse log (files/), survivors' reports' files (report-files/)."""
    return files_root(), Path(settings.DATA_DIR) / "report-files"


def too_open() -> list[str]:
    """One line per private file or folder that its group or other users can reach; within a file
    store, one line for all (there can be thousands)."""
    problems: list[str] = []
    stores = _file_stores()
    counts = dict.fromkeys(stores, 0)
    for path, is_folder in private_paths():
        mode = _mode(path)
        if mode is None or not mode & 0o077:
            continue
        store = next((root for root in stores if path != root and path.is_relative_to(root)), None)
        if store is not None:
            counts[store] += 1
            continue
        want = "700" if is_folder else "600"
        problems.append(f"{path} can be reached by other users of this machine (mode {mode:04o}); "
                        f"run `chmod {want} {path}`")
    for root, count in counts.items():
        if count:
            problems.append(f"{count} evidence files or folders under {root} can be reached by other users; "
                            f"run `chmod -R go= {root}`")
    return problems
