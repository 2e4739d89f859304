"""Expand the paths given to ingest into the files it can load."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from trendqa.records import Skipped

SUFFIXES = (".pdf", ".txt", ".md")
MANIFEST = "manifest.toml"


def discover(paths: Sequence[Path]) -> tuple[list[tuple[Path, str, Path]], list[Skipped]]:
    """Expand `paths` to loadable files as `(path, doc name, root)`, plus what was skipped."""
    found: list[tuple[Path, str, Path]] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            candidates = [
                (p, p.relative_to(given).as_posix(), given) for p in _walk(given, skipped)
            ]
        elif given.is_file():
            if given.suffix.lower() not in SUFFIXES:
                skipped.append(Skipped(str(given), _unsupported(given)))
                continue
            candidates = [(given, given.name, given.parent)]
        else:
            skipped.append(Skipped(str(given), "no such file or directory"))
            continue
        for path, doc, root in candidates:
            # The same file named twice (a folder and a file in it) is loaded once.
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append((path, doc, root))
    return found, skipped


def _unsupported(path: Path) -> str:
    kind = f"'{path.suffix}'" if path.suffix else "without a suffix"
    return f"unsupported file type {kind} (expected {', '.join(SUFFIXES)})"


def _walk(root: Path, skipped: list[Skipped]) -> list[Path]:
    """Supported, non-hidden files under `root`, sorted by their path relative to it."""

    def unreadable(exc: OSError) -> None:
        skipped.append(Skipped(str(exc.filename), f"cannot list folder: {exc.strerror}"))

    files: list[Path] = []
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(
            Path(folder, name)
            for name in names
            if not name.startswith(".")
            and name != MANIFEST
            and Path(name).suffix.lower() in SUFFIXES
        )
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())
