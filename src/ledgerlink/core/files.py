"""Files only this service's user may read: var/, the SQLite database, the development key.

The SQLite file holds sealed secrets and session keys, so it is created 0600 before SQLite ever opens it
(SQLite gives its -wal and -shm files the same mode) and var/ is 0700.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> None:
    """Create the directory 0700, or tighten it to 0700 when it is ours and looser."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIR)


def write_private(path: Path, text: str) -> None:
    """Write a new file that is never readable by others, not even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def private_sqlite_file(path: Path, var_dir: Path) -> None:
    """Create the database file 0600 (SQLite takes an empty file as an empty database) or tighten it.

    The directory that holds it is made 0700 when it is var/ (another directory the operator chose is
    left as it is, apart from being created).
    """
    if path.parent.resolve() == var_dir.resolve():
        private_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if each.exists() and each.stat().st_uid == os.getuid() and each.stat().st_mode & 0o077:
            each.chmod(PRIVATE_FILE)
