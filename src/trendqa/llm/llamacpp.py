"""A local GGUF chat model run in-process by llama-cpp-python (imported lazily)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from trendqa.errors import ModelError
from trendqa.llm.base import (
    DEFAULT_CONTEXT_LENGTH,
    ChatMessage,
    GenerationOptions,
    GenerationResult,
    TokenCallback,
    _collect,
    check_fits,
)
from trendqa.llm.grammar import GreedyGrammar
from trendqa.llm.states import PromptStates

GGUF_MAGIC = b"GGUF"
INSTALL_HINT = "run `trendqa models install` or pass --model PATH.gguf"


def physical_cores() -> int:
    """CPU cores this process may run on, counting hyperthread siblings once."""
    allowed = _allowed_cpus()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        cpuinfo = ""
    return count_cores(cpuinfo, allowed) or len(allowed) or os.cpu_count() or 1


def _allowed_cpus() -> set[int]:
    try:
        return set(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return set(range(os.cpu_count() or 1))


def count_cores(cpuinfo: str, allowed: set[int]) -> int:
    """Distinct physical cores among the `allowed` processors of /proc/cpuinfo; 0 if unknown."""
    cores: set[tuple[str, str]] = set()
    for block in cpuinfo.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        processor = fields.get("processor", "")
        if processor.isdigit() and "core id" in fields and int(processor) in allowed:
            cores.add((fields.get("physical id", "0"), fields["core id"]))
    return len(cores)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def check_gguf(path: Path, expected_sha256: str | None = None) -> None:
    """Raise `ModelError` unless `path` is a readable GGUF file (with that sha256, if given)."""
    if not path.is_file():
        raise ModelError(f"model file {path} not found — {INSTALL_HINT}")
    try:
        with path.open("rb") as fh:
            magic = fh.read(len(GGUF_MAGIC))
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror} — {INSTALL_HINT}") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(f"{path} is not a GGUF model file — {INSTALL_HINT}")
    if expected_sha256 and file_sha256(path) != expected_sha256.lower():
        raise ModelError(
            f"model file {path} does not match its recorded sha256 (corrupt or replaced) "
            "— reinstall it with `trendqa models install`"
        )


@contextmanager
def stderr_silenced(enabled: bool = True) -> Iterator[None]:
    """Point file descriptor 2 at /dev/null: llama.cpp's C code writes there, bypassing Python."""
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()  # what Python buffered meanwhile belongs to the silence too
        os.dup2(saved, 2)
        os.close(saved)


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except (ImportError, OSError, RuntimeError) as exc:
        raise ModelError(
            f"llama-cpp-python is not usable ({exc}) — `pip install llama-cpp-python` "
            "(it compiles for about 12 minutes), or set TRENDQA_LLM_URL to an "
            "OpenAI-compatible server"
        ) from exc
    return llama_cpp


_load_lock = threading.Lock()

# llama.cpp's "extra buffer types": a second, repacked copy of the weights in anonymous
# memory (+596 MB for the default 1.5B Q4_K_M model), and where AMX is present, kernels
# that segfault on the first decode on some Sapphire Rapids machines
# (ggml-org/llama.cpp#20824, unfixed). Measured on a 2-core CPU, one run, a 1,418-token
# prompt then 100 tokens: prompt 62.8 tok/s with them, 63.6 without; generation 5.6 s
# with them, 6.0 s without — the same seconds for an answer, for 0.6 GB less memory.
REPACKED_WEIGHTS = False


@contextmanager
def _model_params_patched(llama_cpp: Any, use_extra_bufts: bool) -> Iterator[None]:
    """Make `Llama()` load with `use_extra_bufts` set; its constructor has no argument for it."""
    module = llama_cpp.llama_cpp
    original = module.llama_model_default_params

    def params() -> Any:
        value = original()
        value.use_extra_bufts = use_extra_bufts
        return value

    with _load_lock:
        module.llama_model_default_params = params
        try:
            yield
        finally:
            module.llama_model_default_params = original


# Tokens llama.cpp reads a prompt in at once; its compute buffers grow with it.
DEFAULT_BATCH = 512
# A long-lived server's settings: half the batch (its compute buffer ~150 MB smaller, and
# a 1,400-token prompt read as fast on 2 cores: 39.7-39.8 against 38.2-43.2 tokens/s) and
# a quarter of the prompt-state cache (the answer rules and the check's rules still fit).
# Measured: a server after 8 dev questions held 2.95 GB instead of 3.34 GB.
LEAN_BATCH = 256
LEAN_PREFIX_CACHE_BYTES = 64 << 20


def _load_llama(
    path: Path, *, n_ctx: int, threads: int, verbose: bool, batch: int = DEFAULT_BATCH
) -> Any:
    """A `Llama` for `path`, or `ModelError` naming the fix."""
    llama_cpp = _import_llama_cpp()
    try:
        with (
            _model_params_patched(llama_cpp, REPACKED_WEIGHTS),
            stderr_silenced(not verbose),
        ):
            return llama_cpp.Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_batch=batch,
                n_ubatch=batch,
                n_threads=threads,
                n_threads_batch=threads,
                verbose=verbose,
            )
    except (ValueError, RuntimeError, OSError) as exc:
        detail = str(exc).replace(f": {path}", "")  # llama-cpp-python repeats the path
        raise ModelError(
            f"cannot load model {path} ({detail}) — the file may be truncated or of an "
            f"architecture this llama.cpp does not know; {INSTALL_HINT}"
        ) from exc


def _prefix_cache(capacity_bytes: int) -> Any:
    """llama-cpp-python's RAM cache of prompt states (filled by `_save_state`)."""
    from llama_cpp.llama_cache import LlamaRAMCache

    return LlamaRAMCache(capacity_bytes=capacity_bytes)


def _save_state(llm: Any) -> Any:
    """`llm`'s prompt state for the prefix cache, copied once and holding its KV data only.

    The library's `Llama.save_state` copies the state three times over (a buffer of the
    size llama.cpp reports, a compact copy, then `bytes` of that) and the whole logits
    buffer — n_batch × vocabulary floats, 155 MB at the server's batch for Qwen2.5's
    151,936 tokens — which the cache neither counts against its capacity nor needs: without
    `logits_all` that buffer is never read back (see `_load_state`), so one row of it is
    kept, for the record's shape. Those copies, made after every reply, were a server's
    memory peak.
    """
    import ctypes

    import llama_cpp
    from llama_cpp.llama import LlamaState

    ctx = llm._ctx.ctx
    size = int(llama_cpp.llama_state_get_size(ctx))
    data = bytearray(size)
    view = (ctypes.c_uint8 * size).from_buffer(data)
    written = int(llama_cpp.llama_state_get_data(ctx, view, size))
    del view  # the bytearray cannot shrink while a ctypes array exports it
    if written > size:
        raise RuntimeError("llama.cpp wrote more state than it reported")
    del data[written:]
    return LlamaState(
        input_ids=llm.input_ids.copy(),
        scores=llm._scores[:1].copy(),
        n_tokens=llm.n_tokens,
        llama_state=cast(bytes, data),  # a bytearray: `_load_state` reads it in place
        llama_state_size=written,
        seed=llm._seed,
    )


def _load_state(llm: Any, state: Any) -> None:
    """Restore a state `_save_state` made, without the library's copies: `Llama.load_state`
    copies the KV data once more and writes the saved logits row into every row of the
    logits buffer, making all n_batch × vocabulary floats of it resident (155 MB at the
    server's batch) though nothing reads them (sampling happens in llama.cpp's sampler;
    only logprobs or stopping criteria would, and trendqa asks for neither)."""
    import ctypes

    import llama_cpp

    llm.input_ids = state.input_ids.copy()
    llm.n_tokens = state.n_tokens
    llm._requires_eval = True
    llm._seed = state.seed
    size = state.llama_state_size
    view = (ctypes.c_uint8 * size).from_buffer(state.llama_state)
    try:
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, view, size) != size:
            raise RuntimeError("llama.cpp could not restore a saved prompt state")
    finally:
        del view


def _token_text(llm: Any, token: int) -> str:
    if token < 0:
        return ""
    return bytes(llm.detokenize([token], special=True)).decode("utf-8", errors="replace")


def _gguf_chat_formatter(llm: Any, path: Path) -> Any:
    """A formatter for the GGUF's own chat template, installed as `llm`'s chat handler."""
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        raise ModelError(
            f"{path.name} has no chat template, so it is not a chat model — use an "
            f"instruct GGUF; {INSTALL_HINT}"
        )
    from llama_cpp import llama_chat_format

    eos = int(llm.token_eos())
    formatter = llama_chat_format.Jinja2ChatFormatter(
        template=template,
        eos_token=_token_text(llm, eos),
        bos_token=_token_text(llm, int(llm.token_bos())),
        stop_token_ids=[eos],
    )
    # Our handler rather than the library's guess (it maps some templates to its generic
    # "chatml" code): the prompt we count is then exactly the prompt the model gets.
    llm.chat_handler = formatter.to_chat_handler()
    return formatter


# Memory for the states of recent prompts (see LlamaCppGenerator).
PREFIX_CACHE_BYTES = 256 << 20
# A system prompt shorter than this is read again rather than loaded from a file.
MIN_SAVED_TOKENS = 32


class LlamaCppGenerator:
    """Generator running a local GGUF chat model in-process with llama.cpp.

    With `reuse_prefix` (the default) a prompt sharing its start with the previous one only
    evaluates the new tail: re-asking over the same passages is several times faster. The
    price: llama.cpp's logits depend slightly on how a prompt was split into batches, so a
    greedy reply can depend on what was asked before. Pass `reuse_prefix=False` where runs
    must be reproducible regardless of order (evaluations): every prompt is then evaluated
    from scratch and the same input always gives the same reply.

    With `states` as well, the state of each system message is saved to a file the first
    time it is read and loaded from it by later processes (see `trendqa.llm.states`).
    """

    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int = DEFAULT_CONTEXT_LENGTH,
        threads: int | None = None,
        verbose: bool = False,
        expected_sha256: str | None = None,
        reuse_prefix: bool = True,
        batch: int = DEFAULT_BATCH,
        cache_bytes: int = PREFIX_CACHE_BYTES,
        states: Path | None = None,
    ) -> None:
        self.path = Path(path)
        check_gguf(self.path, expected_sha256)
        self.name = self.path.name
        self.verbose = verbose
        self.reuse_prefix = reuse_prefix
        self.threads = threads or physical_cores()
        start = time.perf_counter()
        # One Llama for the generator's life: it keeps the KV cache of the last prompt.
        self._llm = _load_llama(
            self.path, n_ctx=n_ctx, threads=self.threads, verbose=verbose, batch=batch
        )
        self.load_s = time.perf_counter() - start
        self.context_length = int(self._llm.n_ctx())
        self._formatter = _gguf_chat_formatter(self._llm, self.path)
        self._grammars: dict[str, Any] = {}
        if reuse_prefix:
            # The last few prompts' states, so a prompt that starts like any recent one (the
            # answer rules, the check's rules) skips its shared start even after a request
            # of another kind came in between. ~28 KB a token for the default model.
            self._llm.set_cache(_prefix_cache(cache_bytes))
            self._llm.save_state = functools.partial(_save_state, self._llm)
            self._llm.load_state = functools.partial(_load_state, self._llm)
        self._states = PromptStates(states, self.path) if reuse_prefix and states else None
        self._systems_read: set[str] = set()  # system messages read in this process

    def count_tokens(self, text: str) -> int:
        """Exact tokens of `text` in this model's vocabulary, without BOS."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def prompt_tokens(self, messages: Sequence[ChatMessage]) -> int:
        """Exact tokens of the prompt `messages` become under the model's chat template."""
        return len(self._prompt_ids(messages))

    def _prompt_ids(self, messages: Sequence[ChatMessage]) -> list[int]:
        rendered = self._formatter(messages=[m.as_dict() for m in messages])
        return list(
            self._llm.tokenize(
                rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
            )
        )

    def _system_ids(self, messages: Sequence[ChatMessage], prompt: Sequence[int]) -> list[int]:
        """The tokens `prompt` starts with that render its system message."""
        if not messages or messages[0].role != "system":
            return []
        alone = self._formatter(messages=[messages[0].as_dict()])
        whole = self._formatter(messages=[m.as_dict() for m in messages])
        shared = os.path.commonprefix([alone.prompt, whole.prompt])
        ids = self._llm.tokenize(
            shared.encode("utf-8"), add_bos=not whole.added_special, special=True
        )
        # The last token of a text cut short may merge differently: keep what agrees.
        return list(prompt[: self._llm.longest_token_prefix(ids, prompt)])

    def _read_system(self, messages: Sequence[ChatMessage], prompt: Sequence[int]) -> None:
        """Have the model hold its system message's state before the first request of each
        kind: loaded from a file a process saved, else read now and saved."""
        assert self._states is not None
        if not messages or messages[0].content in self._systems_read:
            return  # read already in this process: the prompt cache holds it
        self._systems_read.add(messages[0].content)
        system = self._system_ids(messages, prompt)
        if len(system) < MIN_SAVED_TOKENS:
            return
        held = self._llm.input_ids[: self._llm.n_tokens]
        if self._llm.longest_token_prefix(held, system) == len(system):
            return
        saved = self._states.prefixes()
        # The longest saved start of this system message: loaded, then its rest read.
        starts = [s for s in saved if len(s) >= MIN_SAVED_TOKENS and s == tuple(system[: len(s)])]
        start = max(starts, key=len, default=())
        if not (start and self._states.restore(self._llm, start)):
            self._llm.reset()
            start = ()
        if len(start) == len(system):
            return
        # Where another saved system message branches off this one: that start's state too.
        shared = max((self._llm.longest_token_prefix(s, system) for s in saved), default=0)
        read = len(start)
        if read < shared < len(system) and shared >= MIN_SAVED_TOKENS:
            self._llm.eval(system[read:shared])
            self._states.save(self._llm, system[:shared])
            read = shared
        self._llm.eval(system[read:])
        self._states.save(self._llm, system)

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        """Reply to `messages`; greedy at temperature 0 (see the class doc on reproducibility)."""
        start = time.perf_counter()
        prompt = self._prompt_ids(messages)
        prompt_tokens = len(prompt)
        check_fits(prompt_tokens, options.max_tokens, self.context_length)
        if not self.reuse_prefix:
            self._llm.reset()  # forget the cached prefix: evaluate the prompt from scratch
        elif self._states is not None:
            self._read_system(messages, prompt)
        grammar = self.grammar(options.json_schema)
        greedy = None
        constraint: dict[str, Any] = {"grammar": grammar}
        if grammar is not None and options.temperature == 0.0:
            # The same reply, without testing the whole vocabulary at every token.
            greedy = GreedyGrammar(_import_llama_cpp(), self._llm.model, grammar)
            constraint = {"logits_processor": [greedy]}
        chunks = self._llm.create_chat_completion(
            messages=[m.as_dict() for m in messages],
            max_tokens=options.max_tokens,
            temperature=options.temperature,
            repeat_penalty=1.0,  # the chat handlers default to 1.1, which fights verbatim quotes
            stop=list(options.stop),
            stream=True,  # always, so that first_token_s is measured
            **constraint,
        )
        try:
            stream = _collect(chunks, start, on_token)
        finally:
            chunks.close()
            if greedy is not None:
                greedy.close()
        return GenerationResult(
            text=stream.text,
            prompt_tokens=prompt_tokens,
            # The stream carries no usage; re-tokenising the reply counts what the model made.
            completion_tokens=self.count_tokens(stream.text),
            first_token_s=stream.first_token_s,
            total_s=time.perf_counter() - start,
            truncated=stream.finish_reason == "length",
        )

    def grammar(self, schema: Mapping[str, Any] | None) -> Any:
        """The llama.cpp grammar for `schema` (cached), or ValueError if it cannot be built."""
        if schema is None:
            return None
        # Not sort_keys: the order of "properties" is the order the model must write them in.
        key = json.dumps(schema, ensure_ascii=False)
        if key not in self._grammars:
            self._grammars[key] = self._build_grammar(key)
        return self._grammars[key]

    def _build_grammar(self, schema_json: str) -> Any:
        llama_cpp = _import_llama_cpp()
        try:
            grammar = llama_cpp.LlamaGrammar.from_json_schema(schema_json, verbose=self.verbose)
        except Exception as exc:  # the converter fails with AssertionError, KeyError, ...
            raise ValueError(f"JSON schema cannot be turned into a grammar: {exc}") from exc
        # The GBNF is only parsed when sampling starts, and a bad one crashes the process
        # there; parse it once now, against this model's vocabulary, to fail cleanly.
        vocab = llama_cpp.llama_model_get_vocab(self._llm.model)
        with stderr_silenced(not self.verbose):  # the parser reports errors with fprintf
            sampler = llama_cpp.llama_sampler_init_grammar(
                vocab, grammar._grammar.encode("utf-8"), b"root"
            )
        if not sampler:
            raise ValueError(f"JSON schema gave a grammar llama.cpp cannot parse: {schema_json}")
        llama_cpp.llama_sampler_free(sampler)
        return grammar

    def close(self) -> None:
        """Free the model's memory now rather than at garbage collection."""
        # Quiet even if a verbose Llama elsewhere raised llama-cpp-python's global log level.
        with stderr_silenced(not self.verbose):
            self._llm.close()
