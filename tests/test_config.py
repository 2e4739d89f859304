"""Settings: defaults, trendqa.toml, environment variables and overrides, in that order."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from trendqa.config import DEFAULT_EMBEDDER_DIR, DEFAULT_LLM_FILE, Settings, load_settings
from trendqa.errors import InputError


def test_defaults_live_under_home(tmp_path: Path) -> None:
    settings = load_settings({"TRENDQA_HOME": str(tmp_path)})
    assert settings.home == tmp_path.resolve()
    assert settings.corpus_path == tmp_path / "corpus"
    assert settings.index_path == tmp_path / "index"
    assert settings.models_path == tmp_path / "models"
    assert settings.embedder_path == tmp_path / "models" / DEFAULT_EMBEDDER_DIR
    assert (settings.chunk_size, settings.chunk_overlap, settings.k) == (300, 45, 5)


def test_home_defaults_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).home == tmp_path.resolve()


def test_precedence_toml_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "trendqa.toml").write_text(
        'index_dir = "from-toml"\ncorpus_dir = "docs"\nchunk_size = 200\nthreads = 3\n',
        encoding="utf-8",
    )
    environ = {"TRENDQA_HOME": str(tmp_path), "TRENDQA_INDEX": "from-env"}
    settings = load_settings(environ)
    assert settings.index_path == tmp_path / "from-env"  # environment beats the file
    assert settings.corpus_path == tmp_path / "docs"
    assert (settings.chunk_size, settings.threads) == (200, 3)
    overridden = load_settings(environ, index_dir=Path("/abs/idx"), chunk_size=None)
    assert overridden.index_path == Path("/abs/idx")  # absolute paths are kept
    assert overridden.chunk_size == 200  # None means "not given"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("chunk_sise = 200\n", "unknown setting 'chunk_sise'"),
        ('chunk_size = "big"\n', "must be an integer"),
        ("chunk_size = \n", "cannot read"),
        ("home = '/elsewhere'\n", "unknown setting 'home'"),
    ],
)
def test_bad_config_file_is_an_input_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "trendqa.toml").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_settings({"TRENDQA_HOME": str(tmp_path)})


def test_embedder_choice_is_resolved_against_home(tmp_path: Path) -> None:
    settings = load_settings({"TRENDQA_HOME": str(tmp_path), "TRENDQA_EMBEDDER": "my-model"})
    assert settings.embedder_path == tmp_path / "my-model"
    explicit = settings.with_overrides(embedder="/opt/models/e5")
    assert explicit.embedder_path == Path("/opt/models/e5")
    assert settings.with_overrides(embedder=None) == settings


def test_llm_path_prefers_choice_then_default_then_a_single_gguf(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    assert settings.llm_path() is None  # no models folder
    models = tmp_path / "models"
    models.mkdir()
    (models / "a.gguf").write_bytes(b"")
    assert settings.llm_path() == models / "a.gguf"
    (models / "b.gguf").write_bytes(b"")
    assert settings.llm_path() is None  # ambiguous
    (models / DEFAULT_LLM_FILE).write_bytes(b"")
    assert settings.llm_path() == models / DEFAULT_LLM_FILE
    assert settings.with_overrides(llm="x.gguf").llm_path() == tmp_path / "x.gguf"


def test_every_setting_is_documented() -> None:
    assert all(f.metadata.get("doc") for f in fields(Settings))


def test_isolated_state_keeps_tests_away_from_the_real_home(isolated_state: Path) -> None:
    settings = load_settings()
    assert settings.home == isolated_state.resolve()
    assert settings.index_path.is_relative_to(isolated_state)


def test_prompt_states_default_to_the_user_cache_and_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = {"TRENDQA_HOME": str(tmp_path)}
    default = load_settings(home).prompt_states_path()
    assert default == tmp_path / "cache" / "trendqa" / "prompt-states"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert load_settings(home).prompt_states_path() == (
        tmp_path / "user" / ".cache" / "trendqa" / "prompt-states"
    )
    assert load_settings({**home, "TRENDQA_PROMPT_STATES": "off"}).prompt_states_path() is None
    moved = load_settings({**home, "TRENDQA_PROMPT_STATES": "states"}).prompt_states_path()
    assert moved == tmp_path / "states"
