"""Finding the letter files under the paths a user gives."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

SIDECAR_SUFFIX = ".meta.json"


def sidecar_of(path: Path) -> Path:
    """Where a file's metadata sidecar lies: `letter.pdf` -> `letter.pdf.meta.json`."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every file under `paths` (files are taken as given), recursively, sorted, without repeats.

    Skips metadata sidecars (`*.meta.json`), hidden files and folders, and follows a symlinked
    folder only once, so a link loop ends.
    """
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_file():
            found.add(path)
            continue
        seen: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(path, followlinks=True):
            stat = os.stat(root)
            if (stat.st_dev, stat.st_ino) in seen:
                dirs[:] = []
                continue
            seen.add((stat.st_dev, stat.st_ino))
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX):
                    found.add(Path(root) / name)
    return sorted(found)
