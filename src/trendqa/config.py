"""Settings: where the corpus, index and models live, and how to chunk and retrieve.

Precedence, highest first: command-line options, environment variables,
`trendqa.toml` in the home directory, the defaults below. `TRENDQA_HOME`
moves all state at once (default: the current directory).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from trendqa.errors import InputError

DEFAULT_EMBEDDER_DIR = "embeddinggemma-300m"
DEFAULT_LLM_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"

_ENV = {
    "corpus_dir": "TRENDQA_CORPUS",
    "index_dir": "TRENDQA_INDEX",
    "models_dir": "TRENDQA_MODELS",
    "embedder": "TRENDQA_EMBEDDER",
    "llm": "TRENDQA_MODEL",
    "llm_url": "TRENDQA_LLM_URL",
    "store": "TRENDQA_STORE",
    "embed_url": "TRENDQA_EMBED_URL",
    "embed_model": "TRENDQA_EMBED_MODEL",
    "pdf_password": "TRENDQA_PDF_PASSWORD",
    "prompt_states": "TRENDQA_PROMPT_STATES",
}


@dataclass(frozen=True)
class Settings:
    """Every knob trendqa has; each field says what it does."""

    home: Path = field(default_factory=Path.cwd, metadata={"doc": "base of relative paths"})
    corpus_dir: Path = field(default=Path("corpus"), metadata={"doc": "default ingest input"})
    index_dir: Path = field(default=Path("index"), metadata={"doc": "where the index lives"})
    models_dir: Path = field(default=Path("models"), metadata={"doc": "local model files"})
    embedder: str | None = field(
        default=None, metadata={"doc": "sentence-transformers model folder (default: models/)"}
    )
    store: str | None = field(
        default=None,
        metadata={"doc": "where the index lives: the index folder (default) or a milvus:// URL"},
    )
    embed_url: str | None = field(
        default=None, metadata={"doc": "OpenAI-compatible /v1/embeddings endpoint to embed with"}
    )
    embed_model: str | None = field(
        default=None, metadata={"doc": "model name to ask the embedding endpoint for"}
    )
    llm: str | None = field(default=None, metadata={"doc": "GGUF chat model file"})
    llm_url: str | None = field(default=None, metadata={"doc": "OpenAI-compatible endpoint"})
    chunk_size: int = field(default=300, metadata={"doc": "target chunk length in characters"})
    chunk_overlap: int = field(default=45, metadata={"doc": "overlap between chunks, characters"})
    k: int = field(default=5, metadata={"doc": "passages returned by search"})
    threads: int | None = field(default=None, metadata={"doc": "CPU threads (default: cores)"})
    pdf_password: str | None = field(
        default=None,
        metadata={"doc": "password for encrypted PDFs without one in manifest.toml"},
        repr=False,  # never printed with the settings
    )

    prompt_states: str | None = field(
        default=None,
        metadata={
            "doc": "folder of saved prompt states (default: $XDG_CACHE_HOME/trendqa/"
            "prompt-states); off to save none"
        },
    )

    def resolve(self, path: Path) -> Path:
        """`path` made absolute against the home directory."""
        return path if path.is_absolute() else self.home / path

    @property
    def corpus_path(self) -> Path:
        return self.resolve(self.corpus_dir)

    @property
    def index_path(self) -> Path:
        return self.resolve(self.index_dir)

    @property
    def models_path(self) -> Path:
        return self.resolve(self.models_dir)

    @property
    def embedder_path(self) -> Path:
        """The embedder folder to load: explicit choice, else the default in models/."""
        if self.embedder:
            return self.resolve(Path(self.embedder).expanduser())
        return self.models_path / DEFAULT_EMBEDDER_DIR

    def llm_path(self) -> Path | None:
        """The GGUF to load: explicit choice, the default file, or the single .gguf in models/."""
        if self.llm:
            return self.resolve(Path(self.llm).expanduser())
        default = self.models_path / DEFAULT_LLM_FILE
        if default.exists():
            return default
        ggufs = sorted(self.models_path.glob("*.gguf")) if self.models_path.is_dir() else []
        return ggufs[0] if len(ggufs) == 1 else None

    def prompt_states_path(self) -> Path | None:
        """Where a local model's prompt states are kept, or None when turned off."""
        if self.prompt_states is None:
            from trendqa.llm.states import default_folder

            return default_folder()
        if self.prompt_states.strip().lower() in {"off", "none", "no", "0", ""}:
            return None
        return self.resolve(Path(self.prompt_states).expanduser())

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the non-None overrides applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if "Path" in str(kind):
        return Path(str(value)).expanduser()
    if "int" in str(kind):
        try:
            return int(value)
        except ValueError as exc:
            raise InputError(f"setting {name!r} must be an integer, got {value!r}") from exc
    return str(value)


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from `trendqa.toml`, the environment and `overrides`, in rising precedence."""
    env = os.environ if environ is None else environ
    home = Path(env.get("TRENDQA_HOME") or Path.cwd()).expanduser().resolve()
    values: dict[str, Any] = {}
    config = home / "trendqa.toml"
    if config.is_file():
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read {config}: {exc}") from exc
        known = {f.name for f in fields(Settings)} - {"home"}
        for key, value in data.items():
            if key not in known:
                raise InputError(f"{config}: unknown setting {key!r}")
            values[key] = _coerce(key, value)
    for name, var in _ENV.items():
        if env.get(var):
            values[name] = _coerce(name, env[var])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(home=home, **values)
