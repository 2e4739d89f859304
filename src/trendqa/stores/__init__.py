"""Where the index lives: the local index folder (default) or Milvus, behind one `Store`.

Chosen by `--store`, `store =` in trendqa.toml or `TRENDQA_STORE`: nothing (the
index folder), a folder path, or a `milvus:` URL (see trendqa.stores.milvus).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trendqa.config import Settings
from trendqa.errors import InputError
from trendqa.stores.base import Lexicon, Store, StoredIndex, StoreHealth

if TYPE_CHECKING:
    from trendqa.stores.milvus import MilvusStore

__all__ = ["Lexicon", "Store", "StoreHealth", "StoredIndex", "close_stores", "open_store"]

# One client per Milvus target and process: a Lite file admits one, a server wants few.
_milvus: dict[object, MilvusStore] = {}


def open_store(settings: Settings, on_warning: Callable[[str], None] | None = None) -> Store:
    """The store the settings name; nothing is opened or imported before it is used."""
    spec = (settings.store or "").strip()
    if spec.startswith("milvus:"):
        from trendqa.stores.milvus import MilvusStore, MilvusTarget

        target = MilvusTarget.parse(spec, settings.home)
        if target not in _milvus:
            _milvus[target] = MilvusStore(target)
        return _milvus[target]
    if "://" in spec:
        raise InputError(f"unknown store {spec!r} — use an index folder or a milvus:// URL")
    from trendqa.stores.local import LocalStore

    root = settings.resolve(Path(spec).expanduser()) if spec else settings.index_path
    return LocalStore(root, on_warning)


def close_stores() -> None:
    """Close every database connection this process opened (a Lite file is then free)."""
    for store in list(_milvus.values()):
        store.close()
    _milvus.clear()
