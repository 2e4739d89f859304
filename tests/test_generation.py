"""Tests for trendqa.llm with real models: SmolLM2 in-process and behind a real server."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import trendqa.llm.base as base
import trendqa.llm.llamacpp as llamacpp
import trendqa.llm.openai as openai_llm
from conftest import GGUF, free_port, requires_gguf, requires_server
from models import llama_cpp_installed
from trendqa.config import Settings
from trendqa.errors import InputError, ModelError
from trendqa.llm import ChatMessage, ContextOverflowError, GenerationOptions
from trendqa.llm.llamacpp import LlamaCppGenerator
from trendqa.llm.openai import OpenAIGenerator
from trendqa.testing import FakeGenerator

QUESTION = [
    ChatMessage("system", "You are a concise assistant."),
    ChatMessage("user", "What is the capital of France?"),
]
# A system message long enough for its state to be saved (MIN_SAVED_TOKENS).
LONG_SYSTEM = [
    ChatMessage(
        "system",
        "You are a concise assistant. Answer in one short sentence, using only facts you "
        "are sure of; never add a greeting, a caveat or a question of your own. If you do "
        "not know, say so in five words or fewer.",
    ),
    ChatMessage("user", "What is the capital of France?"),
]
VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["yes", "no"]},
        "reason": {"type": "string", "maxLength": 80},
    },
    "required": ["verdict", "reason"],
    "additionalProperties": False,
}
VERDICT_QUESTION = [
    ChatMessage("system", "Reply in JSON with a verdict and a short reason."),
    ChatMessage("user", "Is Paris the capital of France?"),
]


def assert_valid_verdict(text: str) -> None:
    """`text` is JSON matching VERDICT_SCHEMA (checked by hand: no jsonschema dependency)."""
    reply = json.loads(text)
    assert set(reply) == {"verdict", "reason"}
    assert reply["verdict"] in ("yes", "no")
    assert isinstance(reply["reason"], str)
    assert len(reply["reason"]) <= 80


# --------------------------------------------------------------------------- no model needed


def test_import_does_not_load_llama_cpp() -> None:
    src = Path(base.__file__).resolve().parents[2]
    code = "import sys, trendqa.llm.llamacpp; print('llama_cpp' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False"


HYPERTHREADED_CPUINFO = "\n\n".join(
    f"processor\t: {n}\nphysical id\t: 0\ncore id\t\t: {n % 2}\ncpu cores\t: 2" for n in range(4)
)


def test_count_cores_counts_hyperthread_siblings_once() -> None:
    assert llamacpp.count_cores(HYPERTHREADED_CPUINFO, {0, 1, 2, 3}) == 2
    assert llamacpp.count_cores(HYPERTHREADED_CPUINFO, {0, 2}) == 1  # siblings of core 0
    assert llamacpp.count_cores("", {0, 1}) == 0  # unknown: caller falls back


def test_physical_cores_is_within_cpu_count() -> None:
    assert 1 <= llamacpp.physical_cores() <= (os.cpu_count() or 1)


def test_approximate_tokens_weighs_cjk_more() -> None:
    assert base.approximate_tokens("") == 0
    assert base.approximate_tokens("abcd" * 10) == 10
    assert base.approximate_tokens("人工智能发展趋势") == 6  # 8 Han characters / 1.5
    assert base.approximate_tokens("AI 芯片") > base.approximate_tokens("AI ab")


def test_check_fits_raises_with_the_numbers() -> None:
    base.check_fits(100, 28, 128)
    with pytest.raises(ContextOverflowError, match="101 tokens plus 28 .* context of 128"):
        base.check_fits(101, 28, 128)


def test_missing_model_file_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found — run `trendqa models install`"):
        LlamaCppGenerator(tmp_path / "absent.gguf")


def test_non_gguf_file_is_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "fake.gguf"
    path.write_bytes(b"<html>404 Not Found</html>" * 10)
    with pytest.raises(ModelError, match="is not a GGUF model file"):
        LlamaCppGenerator(path)


def test_sha256_mismatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelError, match="does not match its recorded sha256"):
        LlamaCppGenerator(path, expected_sha256="0" * 64)


def test_api_root_accepts_the_usual_spellings() -> None:
    for url in ("http://h:8000", "http://h:8000/", "http://h:8000/v1", "http://h:8000/v1/"):
        assert openai_llm.api_root(url) == "http://h:8000"
    assert openai_llm.api_root("http://h:8000/v1/chat/completions") == "http://h:8000"
    with pytest.raises(InputError):
        openai_llm.api_root("file:///etc/passwd")


def test_dead_port_is_a_model_error() -> None:
    gen = OpenAIGenerator(f"http://127.0.0.1:{free_port()}", timeout=5)
    with pytest.raises(ModelError, match="cannot reach LLM endpoint .* is the server running"):
        gen.generate(QUESTION, GenerationOptions(max_tokens=8))


# --------------------------------------------------------------------------- fake


def test_fake_streams_scripted_replies_char_by_char() -> None:
    fake = FakeGenerator(["你好 world", "second"])
    pieces: list[str] = []
    first = fake.generate(QUESTION, GenerationOptions(), pieces.append)
    assert first.text == "你好 world"
    assert pieces == list("你好 world")
    assert first.first_token_s is not None and first.first_token_s <= first.total_s
    assert fake.generate(QUESTION, GenerationOptions()).text == "second"
    assert [messages for messages, _ in fake.calls] == [tuple(QUESTION)] * 2
    with pytest.raises(AssertionError, match="no scripted reply"):
        fake.generate(QUESTION, GenerationOptions())


def test_fake_cuts_at_stop_and_max_tokens() -> None:
    fake = FakeGenerator(lambda messages, options: "one. two. three.")
    stopped = fake.generate(QUESTION, GenerationOptions(stop=(". t",)))
    assert (stopped.text, stopped.truncated) == ("one", False)
    cut = fake.generate(QUESTION, GenerationOptions(max_tokens=6))
    assert (cut.text, cut.truncated, cut.completion_tokens) == ("one. t", True, 6)


def test_fake_checks_the_context_like_a_real_model() -> None:
    fake = FakeGenerator(["never"], context_length=64)
    with pytest.raises(ContextOverflowError):
        fake.generate([ChatMessage("user", "算力" * 100)], GenerationOptions(max_tokens=8))


# --------------------------------------------------------------------------- llama.cpp


def _tokens_read(generator: LlamaCppGenerator) -> list[int]:
    """Records how many tokens each of the model's reads takes in (the real reads run)."""
    read: list[int] = []
    evaluate = generator._llm.eval

    def recorded(tokens: Any) -> None:
        read.append(len(tokens))
        evaluate(tokens)

    generator._llm.eval = recorded
    return read


@pytest.mark.models
@requires_gguf
class TestLlamaCpp:
    def test_generates_deterministically(self, smollm: LlamaCppGenerator) -> None:
        options = GenerationOptions(max_tokens=24)
        first = smollm.generate(QUESTION, options)
        second = smollm.generate(QUESTION, options)
        assert first.text.strip()
        assert first.text == second.text
        assert first.prompt_tokens == smollm.prompt_tokens(QUESTION) > 0
        assert 0 < first.completion_tokens <= 24 + 2  # re-tokenised, so close to exact

    def test_reused_prefix_gives_steady_replies(self, smollm: LlamaCppGenerator) -> None:
        assert GGUF is not None
        warm = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1)  # reuse_prefix by default
        options = GenerationOptions(max_tokens=24)
        cold = warm.generate(QUESTION, options).text
        assert cold == smollm.generate(QUESTION, options).text  # a fresh model: same reply
        # Later calls evaluate only the prompt's last token on top of the cached prefix; the
        # logits differ slightly from a whole-prompt batch, but are the same every time.
        assert warm.generate(QUESTION, options).text == warm.generate(QUESTION, options).text
        warm.close()

    def test_cached_prompt_states_hold_no_logits_buffer(self) -> None:
        # A saved llama.cpp state copies the n_batch x vocabulary logits buffer (311 MB for
        # Qwen2.5) that its cache neither counts nor needs: a server grew by that much per
        # prompt. States keep one row of it, and restoring one still gives steady replies.
        assert GGUF is not None
        warm = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1)
        options = GenerationOptions(max_tokens=8)
        first = warm.generate(QUESTION, options).text
        other = [ChatMessage("user", "Name a colour.")]
        warm.generate(other, options)
        states = list(warm._llm.cache.cache_state.values())
        assert len(states) == 2
        vocabulary = warm._llm.n_vocab()
        assert all(state.scores.shape == (1, vocabulary) for state in states)
        assert warm.generate(QUESTION, options).text == warm.generate(QUESTION, options).text
        assert first.strip()
        warm.close()

    def test_a_prompt_state_is_saved_in_one_copy_of_its_kv_data(self) -> None:
        # The library's save copies the state three times over, and the logits rows of
        # the prompt's last batch (up to n_batch x vocabulary floats: 155 MB for Qwen2.5
        # at the server's batch), after every reply: a server's memory peak. The lean
        # save holds the same KV bytes, copied once.
        assert GGUF is not None
        import tracemalloc

        from llama_cpp import Llama

        warm = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1)
        warm.generate(QUESTION, GenerationOptions(max_tokens=8))

        def traced(save: Any) -> tuple[Any, int]:
            tracemalloc.start()
            try:
                state = save()
                return state, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        full, full_peak = traced(lambda: Llama.save_state(warm._llm))
        lean, lean_peak = traced(warm._llm.save_state)
        assert bytes(lean.llama_state) == full.llama_state
        assert lean.n_tokens == full.n_tokens == full.scores.shape[0] > 1
        assert (lean.input_ids == full.input_ids).all()
        assert lean.scores.shape == (1, warm._llm.n_vocab())
        extra = lean.input_ids.nbytes + lean.scores.nbytes + (256 << 10)
        assert lean_peak < lean.llama_state_size + extra
        assert full_peak > 2 * lean.llama_state_size + full.scores.nbytes
        # Restoring neither copies the KV data again nor writes the logits buffer (the
        # library broadcasts the saved row into every row of it, making it all resident).
        warm._llm.scores[:] = np.nan
        _state, load_peak = traced(lambda: warm._llm.load_state(lean))
        assert load_peak < lean.input_ids.nbytes + (256 << 10)
        assert np.isnan(warm._llm.scores).all()
        options = GenerationOptions(max_tokens=8)
        assert warm.generate(QUESTION, options).text == warm.generate(QUESTION, options).text
        warm.close()

    def test_a_new_process_loads_the_system_prompts_state_instead_of_reading_it(
        self, tmp_path: Path
    ) -> None:
        # The first generator reads the system message and saves its state; a later one
        # (a new process's) loads the file and reads only the rest of the prompt.
        assert GGUF is not None
        folder = tmp_path / "states"
        options = GenerationOptions(max_tokens=12)
        first = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder)
        reply = first.generate(LONG_SYSTEM, options).text
        first.close()
        (saved,) = folder.glob("*.state")
        later = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder)
        read = _tokens_read(later)
        system = later._system_ids(LONG_SYSTEM, later._prompt_ids(LONG_SYSTEM))
        assert len(system) >= llamacpp.MIN_SAVED_TOKENS
        assert later.generate(LONG_SYSTEM, options).text == reply
        prompt = later.prompt_tokens(LONG_SYSTEM)
        assert read[0] == prompt - len(system)  # the user message and the reply's start
        assert list(folder.glob("*.state")) == [saved]
        # A second question in the same process reuses the state in memory, not the file.
        saved.unlink()
        later.generate([LONG_SYSTEM[0], ChatMessage("user", "Name a colour.")], options)
        assert not list(folder.glob("*.state"))
        later.close()

    def test_the_start_two_system_messages_share_is_saved_for_a_third_to_load(
        self, tmp_path: Path
    ) -> None:
        # Prompts of one kind differ only in their last rule (the question's type): once two
        # of them have been read, a third loads their shared start and reads only its end.
        assert GGUF is not None
        folder = tmp_path / "states"
        options = GenerationOptions(max_tokens=4)
        rules = LONG_SYSTEM[0].content
        systems = [
            [ChatMessage("system", f"{rules}\n{last}"), LONG_SYSTEM[1]]
            for last in ("Give a city.", "Give a country and its river.", "Give a year.")
        ]
        for messages in systems[:2]:
            model = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder)
            model.generate(messages, options)
            model.close()
        assert len(list(folder.glob("*.state"))) == 3  # each message, and their shared start
        third = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder)
        read = _tokens_read(third)
        ids = [third._system_ids(m, third._prompt_ids(m)) for m in systems]
        common = third._llm.longest_token_prefix  # llama-cpp-python's own helper
        shared = common(ids[0], ids[1])
        assert shared == common(ids[0], ids[2]) >= llamacpp.MIN_SAVED_TOKENS
        third.generate(systems[2], options)
        prompt = third.prompt_tokens(systems[2])
        assert read[:2] == [len(ids[2]) - shared, prompt - len(ids[2])]
        third.close()

    def test_a_damaged_state_file_is_replaced_and_the_prompt_read_as_usual(
        self, tmp_path: Path
    ) -> None:
        assert GGUF is not None
        folder = tmp_path / "states"
        options = GenerationOptions(max_tokens=12)
        first = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder)
        reply = first.generate(LONG_SYSTEM, options).text
        first.close()
        (saved,) = folder.glob("*.state")
        whole = saved.read_bytes()
        saved.write_bytes(whole[: len(whole) // 2])
        later = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder)
        read = _tokens_read(later)
        assert later.generate(LONG_SYSTEM, options).text == reply
        system = later._system_ids(LONG_SYSTEM, later._prompt_ids(LONG_SYSTEM))
        prompt = later.prompt_tokens(LONG_SYSTEM)
        assert read[:2] == [len(system), prompt - len(system)]  # all of it, in two parts
        assert saved.read_bytes() == whole  # saved again, whole
        later.close()

    def test_the_states_folder_keeps_the_most_recently_used_within_its_budget(
        self, tmp_path: Path
    ) -> None:
        assert GGUF is not None
        folder = tmp_path / "states"
        options = GenerationOptions(max_tokens=4)
        model = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder)
        model.generate(LONG_SYSTEM, options)
        (first,) = folder.glob("*.state")
        assert model._states is not None
        model._states.budget_bytes = first.stat().st_size  # room for one state
        killed = folder / "left-by-a-killed-process.part"  # written two hours ago
        killed.write_bytes(b"half a state")
        os.utime(killed, (killed.stat().st_atime - 7200, killed.stat().st_mtime - 7200))
        other = ChatMessage("system", LONG_SYSTEM[0].content.replace("one short", "a single"))
        model.generate([other, LONG_SYSTEM[1]], options)
        (second,) = folder.glob("*.state")
        assert second != first
        assert not first.with_suffix(".tokens").exists()
        assert not killed.exists()
        model.close()

    def test_states_are_neither_saved_nor_loaded_when_replies_must_be_reproducible(
        self, tmp_path: Path
    ) -> None:
        assert GGUF is not None
        folder = tmp_path / "states"
        exact = LlamaCppGenerator(GGUF, n_ctx=2048, threads=1, states=folder, reuse_prefix=False)
        exact.generate(LONG_SYSTEM, GenerationOptions(max_tokens=4))
        exact.close()
        assert not folder.exists()

    def test_a_servers_generator_reads_in_smaller_batches_and_caches_less(
        self, settings: Settings
    ) -> None:
        # `serve` holds the model for hours: the lean settings, and the same replies' kind.
        assert GGUF is not None
        from trendqa.api import open_generator

        lean = open_generator(settings.with_overrides(llm=str(GGUF)), lean=True)
        plain = open_generator(settings.with_overrides(llm=str(GGUF)))
        assert isinstance(lean, LlamaCppGenerator) and isinstance(plain, LlamaCppGenerator)
        assert lean._llm.n_batch == lean._llm.context_params.n_ubatch == llamacpp.LEAN_BATCH
        assert plain._llm.n_batch == llamacpp.DEFAULT_BATCH > llamacpp.LEAN_BATCH
        assert lean._llm.cache.capacity_bytes == llamacpp.LEAN_PREFIX_CACHE_BYTES
        assert plain._llm.cache.capacity_bytes == llamacpp.PREFIX_CACHE_BYTES
        assert lean.generate(QUESTION, GenerationOptions(max_tokens=8)).text.strip()
        lean.close()
        plain.close()

    def test_streams_pieces_that_add_up_to_the_text(self, smollm: LlamaCppGenerator) -> None:
        pieces: list[str] = []
        result = smollm.generate(QUESTION, GenerationOptions(max_tokens=24), pieces.append)
        assert len(pieces) > 1
        assert "".join(pieces) == result.text
        assert result.first_token_s is not None
        assert 0 < result.first_token_s <= result.total_s

    def test_json_schema_constrains_the_output(self, smollm: LlamaCppGenerator) -> None:
        pieces: list[str] = []
        options = GenerationOptions(max_tokens=96, json_schema=VERDICT_SCHEMA)
        result = smollm.generate(VERDICT_QUESTION, options, pieces.append)
        assert not result.truncated
        assert_valid_verdict(result.text)
        assert "".join(pieces) == result.text

    def test_latin_only_translations_write_no_chinese(self, smollm: LlamaCppGenerator) -> None:
        from trendqa.answer import prompts
        from trendqa.textnorm import han_share

        statements = ["截至2023年底，上海市人工智能企业数量为1,100家。"]
        options = GenerationOptions(
            max_tokens=64, json_schema=prompts.translate_schema(1, latin_only=True)
        )
        result = smollm.generate(prompts.translate_prompt(statements, "en"), options)
        assert prompts.latin_only(options)
        (text,) = json.loads(result.text)["translations"]
        assert han_share(text) == 0, text

    def test_greedy_replies_test_one_token_a_step_and_match_the_grammar_sampler(
        self, smollm: LlamaCppGenerator
    ) -> None:
        from trendqa.answer import prompts

        cases = [  # (prompt, schema, whether the prompt asks for that JSON)
            (QUESTION, VERDICT_SCHEMA, False),  # the model's own best tokens are no JSON
            (VERDICT_QUESTION, VERDICT_SCHEMA, True),
            (
                prompts.translate_prompt(["截至2023年底，上海市人工智能企业数量为1,100家。"], "en"),
                prompts.translate_schema(1, latin_only=True),
                True,
            ),
        ]
        used: list[llamacpp.GreedyGrammar] = []

        class Recorded(llamacpp.GreedyGrammar):
            def __init__(self, *args: Any) -> None:
                super().__init__(*args)
                used.append(self)

        refused = 0
        for messages, schema, asked in cases:
            smollm._llm.reset()
            sampled = smollm._llm.create_chat_completion(
                messages=[m.as_dict() for m in messages],
                max_tokens=64,
                temperature=0.0,
                repeat_penalty=1.0,
                grammar=smollm.grammar(schema),
            )["choices"][0]["message"]["content"]
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(llamacpp, "GreedyGrammar", Recorded)
                options = GenerationOptions(max_tokens=64, json_schema=schema)
                assert smollm.generate(messages, options).text == sampled
            greedy = used[-1]
            assert greedy._sampler is None  # freed with its reply
            if asked:  # most steps test a single token
                assert greedy.refused < greedy.steps / 2
            refused += greedy.refused
        assert len(used) == len(cases)
        assert refused > 0  # the whole-vocabulary fallback ran too, and chose as llama.cpp

    def test_sampled_replies_keep_the_grammar_in_the_sampler(
        self, smollm: LlamaCppGenerator, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def never(*_args: Any) -> None:
            raise AssertionError("GreedyGrammar used for a sampled reply")

        monkeypatch.setattr(llamacpp, "GreedyGrammar", never)
        options = GenerationOptions(max_tokens=96, temperature=0.7, json_schema=VERDICT_SCHEMA)
        assert_valid_verdict(smollm.generate(VERDICT_QUESTION, options).text)

    def test_grammar_is_built_once_per_schema(self, smollm: LlamaCppGenerator) -> None:
        assert smollm.grammar(VERDICT_SCHEMA) is smollm.grammar(
            json.loads(json.dumps(VERDICT_SCHEMA))
        )
        assert smollm.grammar(None) is None

    def test_unconvertible_schema_fails_loudly(self, smollm: LlamaCppGenerator) -> None:
        bad = GenerationOptions(json_schema={"type": "frobnicate"})
        with pytest.raises(ValueError, match="cannot be turned into a grammar"):
            smollm.generate(QUESTION, bad)

    def test_schema_giving_a_bad_grammar_fails_before_sampling(
        self, smollm: LlamaCppGenerator
    ) -> None:
        # The converter turns this into GBNF llama.cpp cannot parse; sampling with it
        # would crash the process (exit 139), so it must be refused up front.
        with pytest.raises(ValueError, match="cannot parse"):
            smollm.generate(QUESTION, GenerationOptions(json_schema={"enum": []}))

    def test_max_tokens_truncates(self, smollm: LlamaCppGenerator) -> None:
        result = smollm.generate(QUESTION, GenerationOptions(max_tokens=3))
        assert result.truncated
        assert result.text

    def test_stop_string_ends_the_reply(self, smollm: LlamaCppGenerator) -> None:
        free = smollm.generate(QUESTION, GenerationOptions(max_tokens=24)).text
        word = free.split()[1]  # stop at the reply's second word
        stopped = smollm.generate(QUESTION, GenerationOptions(max_tokens=24, stop=(word,)))
        assert stopped.text == free[: free.index(word)]
        assert not stopped.truncated

    def test_context_overflow_is_caught_before_generating(self, smollm: LlamaCppGenerator) -> None:
        long = [ChatMessage("user", "The market grew. " * 600)]
        with pytest.raises(ContextOverflowError, match="context of 2048 tokens"):
            smollm.generate(long, GenerationOptions(max_tokens=16))
        with pytest.raises(ContextOverflowError):  # the reply budget counts too
            smollm.generate(QUESTION, GenerationOptions(max_tokens=2048))

    def test_counts_tokens_with_the_model_tokenizer(self, smollm: LlamaCppGenerator) -> None:
        assert smollm.count_tokens("") == 0
        assert smollm.count_tokens("<|im_start|>") == 1  # special tokens are parsed
        assert smollm.count_tokens("hello hello hello") == 3


@pytest.mark.models
@requires_gguf
def test_quiet_load_and_generation_write_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    assert GGUF is not None
    default = LlamaCppGenerator(GGUF, n_ctx=512)
    assert default.threads == llamacpp.physical_cores()
    default.close()
    gen = LlamaCppGenerator(GGUF, n_ctx=512, threads=1)  # see the smollm fixture
    gen.generate(QUESTION, GenerationOptions(max_tokens=4, json_schema=VERDICT_SCHEMA))
    gen.close()
    os.write(2, b"fd 2 restored\n")
    out, err = capfd.readouterr()
    assert out == ""
    assert err == "fd 2 restored\n"


@pytest.mark.models
@requires_gguf
def test_verbose_load_shows_llama_cpp_logs(capfd: pytest.CaptureFixture[str]) -> None:
    assert GGUF is not None
    LlamaCppGenerator(GGUF, n_ctx=512, threads=1, verbose=True).close()
    out, err = capfd.readouterr()
    assert out == ""
    assert "llama_model_loader" in err  # so the silence above is not a capture failure


@pytest.mark.models
@pytest.mark.skipif(not llama_cpp_installed(), reason="needs llama-cpp-python")
def test_corrupt_gguf_is_a_quiet_model_error(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.gguf"
    path.write_bytes(b"GGUF" + os.urandom(4096))
    digest = llamacpp.file_sha256(path)
    with pytest.raises(ModelError, match=r"cannot load model .* run `trendqa models install`"):
        LlamaCppGenerator(path, expected_sha256=digest.upper())  # hash passes, load fails
    assert capfd.readouterr() == ("", "")


# --------------------------------------------------------------------------- HTTP, stub server


@dataclass
class Stub:
    """A real HTTP server answering chat requests from a queue, recording what it was sent."""

    url: str
    answers: list[tuple[int, str, bytes]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def sse(*chunks: dict[str, Any]) -> bytes:
    events = [f"data: {json.dumps(chunk)}\n\n" for chunk in chunks]
    return ("".join(events) + ": ping\n\ndata: [DONE]\n\n").encode()


def delta(text: str, finish: str | None = None) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]}


@pytest.fixture
def stub() -> Iterator[Stub]:
    state = Stub(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            if self.path != "/v1/chat/completions":  # e.g. tokenize routes: not offered
                self.send_error(404)
                return
            state.bodies.append(body)
            state.headers.append(dict(self.headers))
            status, kind, payload = state.answers.pop(0)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            self.send_error(404)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # keep the test output clean

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def test_openai_streams_sse(stub: Stub) -> None:
    stub.answers.append(
        (200, "text/event-stream", sse(delta("Par"), delta("is"), delta("", "length")))
    )
    pieces: list[str] = []
    result = OpenAIGenerator(stub.url, api_key="k").generate(
        QUESTION, GenerationOptions(), pieces.append
    )
    assert (result.text, pieces, result.truncated) == ("Paris", ["Par", "is"], True)
    assert result.completion_tokens == 2  # no usage sent: one token a chunk
    assert stub.headers[0]["Authorization"] == "Bearer k"
    assert stub.bodies[0]["repeat_penalty"] == 1.0


def test_openai_reads_a_whole_json_answer(stub: Stub) -> None:
    whole = {
        "choices": [{"message": {"content": "Paris."}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 21, "completion_tokens": 3},
    }
    stub.answers.append((200, "application/json", json.dumps(whole).encode()))
    result = OpenAIGenerator(stub.url).generate(QUESTION, GenerationOptions())
    assert (result.text, result.prompt_tokens, result.completion_tokens) == ("Paris.", 21, 3)
    assert not result.truncated


def test_openai_learns_the_llama_cpp_python_schema_form(stub: Stub) -> None:
    refusal = {"detail": [{"loc": ["body", "response_format", "type"], "msg": "bad literal"}]}
    stub.answers += [
        (422, "application/json", json.dumps(refusal).encode()),
        (200, "text/event-stream", sse(delta('{"verdict": "yes"}', "stop"))),
        (200, "text/event-stream", sse(delta("{}", "stop"))),
    ]
    gen = OpenAIGenerator(stub.url)
    options = GenerationOptions(json_schema=VERDICT_SCHEMA)
    assert gen.generate(VERDICT_QUESTION, options).text == '{"verdict": "yes"}'
    gen.generate(VERDICT_QUESTION, options)
    sent = [body["response_format"] for body in stub.bodies]
    assert sent[0]["type"] == "json_schema"
    assert sent[0]["json_schema"]["schema"] == VERDICT_SCHEMA
    assert sent[1] == sent[2] == {"type": "json_object", "schema": VERDICT_SCHEMA}  # remembered


def test_openai_drops_a_field_the_server_refuses(stub: Stub) -> None:
    stub.answers += [
        (400, "application/json", b'{"error": "Unrecognized request argument: repeat_penalty"}'),
        (200, "text/event-stream", sse(delta("ok", "stop"))),
    ]
    assert OpenAIGenerator(stub.url).generate(QUESTION, GenerationOptions()).text == "ok"
    assert "repeat_penalty" in stub.bodies[0]
    assert "repeat_penalty" not in stub.bodies[1]


def test_openai_maps_http_errors(stub: Stub) -> None:
    too_long = b'{"error": {"message": "This model\'s maximum context length is 2048 tokens."}}'
    stub.answers += [(500, "text/plain", b"boom"), (400, "application/json", too_long)]
    gen = OpenAIGenerator(stub.url)
    with pytest.raises(ModelError, match="answered HTTP 500: boom"):
        gen.generate(QUESTION, GenerationOptions())
    with pytest.raises(ContextOverflowError, match="rejected the prompt as too long"):
        gen.generate(QUESTION, GenerationOptions())


def test_openai_without_tokenizer_approximates(stub: Stub) -> None:
    gen = OpenAIGenerator(stub.url)
    assert gen.count_tokens("人工智能发展趋势") == base.approximate_tokens("人工智能发展趋势")
    assert gen.context_length == 4096  # /v1/models is absent: the default
    assert OpenAIGenerator(stub.url, context_length=8192).context_length == 8192


# --------------------------------------------------------------------------- HTTP, real server


@pytest.mark.models
@pytest.mark.server
@requires_server
class TestLlamaCppServer:
    def test_streams_a_completion(self, llama_server: str) -> None:
        gen = OpenAIGenerator(llama_server + "/v1", context_length=2048)
        pieces: list[str] = []
        result = gen.generate(QUESTION, GenerationOptions(max_tokens=24), pieces.append)
        assert result.text.strip()
        assert len(pieces) > 1 and "".join(pieces) == result.text
        assert result.first_token_s is not None and result.first_token_s <= result.total_s
        assert result.prompt_tokens > 0 and result.completion_tokens > 0

    def test_json_schema_constrains_the_output(self, llama_server: str) -> None:
        gen = OpenAIGenerator(llama_server, context_length=2048)
        options = GenerationOptions(max_tokens=96, json_schema=VERDICT_SCHEMA)
        assert_valid_verdict(gen.generate(VERDICT_QUESTION, options).text)

    def test_counts_tokens_like_the_model(
        self, llama_server: str, smollm: LlamaCppGenerator
    ) -> None:
        gen = OpenAIGenerator(llama_server)
        text = "Edge AI chips shipped 1.2 million units in 2024."
        assert gen.count_tokens(text) == smollm.count_tokens(text)

    def test_overflow_is_caught_before_sending(self, llama_server: str) -> None:
        gen = OpenAIGenerator(llama_server, context_length=2048)
        with pytest.raises(ContextOverflowError):
            gen.generate([ChatMessage("user", "The market grew. " * 600)], GenerationOptions())

    def test_wrong_path_is_a_model_error(self, llama_server: str) -> None:
        gen = OpenAIGenerator(llama_server + "/nowhere", context_length=2048)
        with pytest.raises(ModelError, match="answered HTTP 404"):
            gen.generate(QUESTION, GenerationOptions(max_tokens=4))


@requires_gguf
def test_the_model_loads_without_a_second_repacked_copy_of_its_weights(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The repacked weights cost 0.6 GB of the default model for no measured speed; the
    # parameters llama.cpp reads while loading must turn them off.
    import llama_cpp

    seen: list[bool] = []
    real = llama_cpp.Llama

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(llama_cpp.llama_cpp.llama_model_default_params().use_extra_bufts)
        return real(*args, **kwargs)

    monkeypatch.setattr(llama_cpp, "Llama", spy)
    assert GGUF is not None
    LlamaCppGenerator(GGUF)
    assert seen == [False]
    assert llama_cpp.llama_cpp.llama_model_default_params().use_extra_bufts  # restored after


def test_the_server_asks_for_the_lean_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trendqa.server.models as server_models

    asked: dict[str, Any] = {}

    def opened(_settings: Settings, **kwargs: Any) -> Any:
        asked.update(kwargs)
        raise RuntimeError("opened")

    monkeypatch.setattr(server_models, "index_version", lambda _s: "v1")
    monkeypatch.setattr(server_models, "open_answerer", opened)
    with pytest.raises(RuntimeError, match="opened"):
        server_models.Held(settings, loader=lambda *_a: None)
    assert asked["lean"] is True
