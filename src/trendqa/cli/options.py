"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder [default: index/].")]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Where the index lives: an index folder, milvus:///path/file.db (Milvus Lite) "
        "or milvus://HOST:PORT/COLLECTION.",
    ),
]
EmbedUrlOpt = Annotated[
    str | None,
    typer.Option("--embed-url", help="OpenAI-compatible /v1/embeddings server to embed with."),
]
EmbedderOpt = Annotated[
    str | None, typer.Option("--embedder", help="sentence-transformers model folder.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]
DocOpt = Annotated[list[str] | None, typer.Option("--doc", help="Only this document (repeatable).")]
KOpt = Annotated[int, typer.Option("--k", "-k", min=1, help="Number of passages.")]
PathsArg = Annotated[list[Path] | None, typer.Argument(help="Files or folders [default: corpus/].")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="GGUF chat model file.")]
LlmUrlOpt = Annotated[str | None, typer.Option("--llm-url", help="OpenAI-compatible endpoint URL.")]
NoServerOpt = Annotated[
    bool,
    typer.Option("--no-server", help="Work in-process even when `trendqa serve` is running."),
]
MODES = ("hybrid", "dense", "bm25")
