"""Vectors of finished embedding batches, kept on disk so a killed ingest resumes.

One SQLite file in the index folder, in WAL mode with `synchronous=FULL`:
each batch is one transaction, durable once `put` returns, so a kill -9 loses
at most the batch being embedded. Vectors are keyed by the embedder's identity
and a hash of exactly what was embedded (title and text); a finished ingest
deletes the file, since the new index then holds every vector.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from trendqa.embedding import EmbedderInfo, Vectors

FILE = "checkpoint.sqlite"


def text_key(title: str, text: str) -> str:
    """The key of one embedded passage: what the model saw, title included."""
    return hashlib.sha256(f"{title}\x1f{text}".encode()).hexdigest()


class Checkpoint:
    """Embedded vectors of one embedder, by `text_key`, durable across kill -9."""

    def __init__(self, root: Path, embedder: str) -> None:
        self.path = root / FILE
        self.embedder = embedder
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            # Only a cache: a damaged file costs the work it held, nothing else.
            self._remove_files()
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (embedder TEXT, key TEXT, vector BLOB,"
            " PRIMARY KEY (embedder, key)) WITHOUT ROWID"
        )
        db.execute("CREATE TABLE IF NOT EXISTS embedders (embedder TEXT PRIMARY KEY, info TEXT)")
        db.commit()
        return db

    def info(self) -> EmbedderInfo | None:
        """The embedder's facts, recorded with its first batch (no model load needed)."""
        row = self._db.execute(
            "SELECT info FROM embedders WHERE embedder=?", (self.embedder,)
        ).fetchone()
        return EmbedderInfo(**json.loads(row[0])) if row else None

    def get(self, keys: Iterable[str], dim: int | None = None) -> dict[str, Vectors]:
        """The stored vectors among `keys` (of dimension `dim` when given)."""
        wanted = list(dict.fromkeys(keys))
        out: dict[str, Vectors] = {}
        for begin in range(0, len(wanted), 500):
            part = wanted[begin : begin + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE embedder=? AND key IN ({marks})",
                (self.embedder, *part),
            )
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if dim is None or len(vector) == dim:
                    out[key] = vector
        return out

    def put(self, info: EmbedderInfo, keys: Sequence[str], vectors: Vectors) -> None:
        """Store one finished batch in one durable transaction."""
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO embedders VALUES (?, ?)",
                (self.embedder, json.dumps(info.to_dict())),
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [
                    (self.embedder, key, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                    for key, v in zip(keys, vectors, strict=True)
                ],
            )

    def count(self) -> int:
        """Vectors stored for this embedder."""
        row = self._db.execute(
            "SELECT count(*) FROM vectors WHERE embedder=?", (self.embedder,)
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()

    def discard(self) -> None:
        """Close and delete the file: its vectors are in the index now."""
        self.close()
        self._remove_files()

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()
