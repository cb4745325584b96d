"""A build's scratch folder: on-disk stores and work files that live only while the build runs.

Each build gets `OUT/.scratch/<pid>-<random>`, removed when the build ends, whether it succeeds or fails.
A folder left by a build that was killed (its process is gone) is removed by the next build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(scratch: Path) -> list[Path]:
    """Remove the scratch folders whose build process is gone; the folders removed."""
    removed: list[Path] = []
    if not scratch.is_dir():
        return removed
    for entry in scratch.iterdir():
        pid = entry.name.partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


@contextmanager
def scratch_folder(scratch: Path) -> Iterator[Path]:
    """A fresh folder under `scratch` for this build, removed at the end."""
    remove_stale(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=scratch))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["remove_stale", "scratch_folder"]
