"""A reader or a writer process against one Milvus server (test_milvus_store starts them).

`read N`: open the live version N times and search it; every hit must come from a
document of the version it opened (no half-written version is ever seen); print
each version's name. `write CORPUS`: add a file and ingest, twice.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from trendqa.api import ingest_paths, open_searcher
from trendqa.config import load_settings
from trendqa.retrieval import SearchOptions
from trendqa.testing import FakeEmbedderLoader


def read(times: int) -> None:
    settings = load_settings()
    for _ in range(times):
        searcher, _t = open_searcher(settings, loader=FakeEmbedderLoader())
        documents = searcher.index.meta.documents
        for query in ("量子计算", "深海探测机器人", "battery"):
            for hit in searcher.search(query, SearchOptions(k=5)):
                assert hit.chunk.doc in documents, (hit.chunk.doc, sorted(documents))
        print(getattr(searcher.index, "version", "?"), flush=True)
        time.sleep(0.3)


def write(corpus: Path) -> None:
    settings = load_settings()
    for n in range(2):
        extra = corpus / "extra.md"
        extra.write_text(f"# 深海\n\n深海探测机器人第{n + 1}次完成万米下潜。\n", encoding="utf-8")
        ingest_paths(settings, [corpus], loader=FakeEmbedderLoader())
        time.sleep(1.0)


if __name__ == "__main__":
    if sys.argv[1] == "read":
        read(int(sys.argv[2]))
    else:
        write(Path(sys.argv[2]))
