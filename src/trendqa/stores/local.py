"""The default store: an index folder of versions (`trendqa.store`), as a `Store`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from trendqa import store
from trendqa.store import Index, IndexMeta
from trendqa.stores.base import StoreHealth


class LocalStore:
    """An index folder: SQLite chunks, bm25s matrix, FAISS vectors per version."""

    def __init__(self, root: Path, on_warning: Callable[[str], None] | None = None) -> None:
        self.root = root
        self._warn = on_warning or store._warn_stderr

    @property
    def location(self) -> str:
        return str(self.root)

    def read_meta(self) -> IndexMeta:
        return store.read_meta(self.root, self._warn)

    def open(self) -> Index:
        return store.load_index(self.root, self._warn)

    def live_version(self) -> str:
        return store._live_version(self.root).name

    def check(self) -> StoreHealth:
        health = store.check_index(self.root)
        intact = health.intact.name if health.intact else None
        return StoreHealth(intact, health.live_is_intact(self.root), health.damage)

    def version_meta(self, version: str) -> IndexMeta:
        return store.version_meta(self.root / version)

    def open_version(self, version: str) -> Index:
        return store.load_version(self.root / version, full=False)

    @contextmanager
    def lock(self) -> Iterator[None]:
        with store.write_lock(self.root):
            yield

    def write(self, snapshot: Index, keep: str | None = None) -> str:
        return store.write_index(self.root, snapshot, keep=keep).name
