"""Text generation: the one module that talks to an LLM, a local GGUF or an HTTP endpoint.

Every generator follows the `Generator` protocol: count tokens, and `generate` a reply to
chat messages, optionally constrained to a JSON schema and streamed piece by piece.

- `LlamaCppGenerator` runs a GGUF in-process with llama-cpp-python (imported lazily).
- `OpenAIGenerator` posts to any OpenAI-compatible `/v1/chat/completions` (stdlib only).
- `FakeGenerator` replays scripted replies, for testing the layers above.

Errors: a missing, corrupt or unreachable model raises `ModelError`; a prompt that cannot
fit the context window raises `ContextOverflowError`; a JSON schema that cannot be turned
into a grammar raises `ValueError` (a bug in the caller, not something a user can fix).
Nothing here writes to stdout.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import math
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from trendqa.errors import InputError, ModelError, TrendqaError

TokenCallback = Callable[[str], None]

GGUF_MAGIC = b"GGUF"
INSTALL_HINT = "run `trendqa models install` or pass --model PATH.gguf"
DEFAULT_CONTEXT_LENGTH = 4096


class ContextOverflowError(TrendqaError):
    """The prompt plus the reply budget does not fit the model's context window."""


@dataclass(frozen=True)
class ChatMessage:
    """One turn of a chat: role is "system", "user" or "assistant"."""

    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        """The OpenAI wire form."""
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class GenerationOptions:
    """How to generate: budget, sampling, output constraint, stop strings."""

    max_tokens: int = 512
    temperature: float = 0.0  # 0 is greedy: the same prompt gives the same reply
    json_schema: dict[str, Any] | None = None  # constrain the output to this JSON schema
    stop: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenerationResult:
    """A reply and what it cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    first_token_s: float | None  # from the call to the first piece of text; None if no text
    total_s: float
    truncated: bool  # the reply hit max_tokens (finish_reason "length")


ReplyScript = Callable[[Sequence[ChatMessage], GenerationOptions], str]


class Generator(Protocol):
    """Anything that turns chat messages into a reply."""

    @property
    def name(self) -> str:
        """What to show the user: a GGUF file name, or "URL:model"."""

    @property
    def context_length(self) -> int:
        """Tokens the prompt and the reply must fit in together."""

    def count_tokens(self, text: str) -> int:
        """Tokens `text` takes in this model (exact or approximate, see the implementation)."""

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        """Reply to `messages`, passing each piece of text to `on_token` as it arrives."""


def check_fits(prompt_tokens: int, max_tokens: int, context_length: int) -> None:
    """Raise `ContextOverflowError` unless the prompt and the reply budget fit the context."""
    if prompt_tokens + max_tokens > context_length:
        raise ContextOverflowError(
            f"prompt of {prompt_tokens} tokens plus {max_tokens} reply tokens exceeds the "
            f"model's context of {context_length} tokens — use fewer or shorter passages"
        )


# CJK ideographs, kana, CJK punctuation and full-width forms.
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def approximate_tokens(text: str) -> int:
    """Token count without a tokenizer: 1.5 CJK characters or 4 other characters a token."""
    # 1.5 is what Qwen2.5 does on this corpus (two fewer 300-character passages saved ~400
    # prompt tokens); 4 is the usual figure for English. Both err slightly high, which
    # is the safe side for an overflow check.
    cjk = len(_CJK.findall(text))
    return math.ceil(cjk / 1.5 + (len(text) - cjk) / 4)


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


@dataclass
class _Stream:
    """What came back from a stream of OpenAI-shaped chat chunks."""

    text: str
    pieces: int
    first_token_s: float | None
    finish_reason: str | None
    usage: Mapping[str, Any] | None


def _collect(
    chunks: Iterable[Mapping[str, Any]], start: float, on_token: TokenCallback | None
) -> _Stream:
    """Join the content deltas of chat chunks, passing each one on as it arrives."""
    parts: list[str] = []
    first: float | None = None
    finish: str | None = None
    usage: Mapping[str, Any] | None = None
    for chunk in chunks:
        usage = chunk.get("usage") or usage
        for choice in chunk.get("choices") or ():
            piece = (choice.get("delta") or {}).get("content") or ""
            if piece:
                if first is None:
                    first = time.perf_counter() - start
                parts.append(piece)
                if on_token is not None:
                    on_token(piece)
            finish = choice.get("finish_reason") or finish
    return _Stream("".join(parts), len(parts), first, finish, usage)


# --------------------------------------------------------------------------- llama.cpp


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


def _has_amx(llama_cpp: Any) -> bool:
    """True when llama.cpp would run matrix products on Intel AMX tiles."""
    return b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info()


def _load_llama(path: Path, *, n_ctx: int, threads: int, verbose: bool) -> Any:
    """A `Llama` for `path`, or `ModelError` naming the fix."""
    llama_cpp = _import_llama_cpp()
    # llama.cpp's AMX kernels segfault on the first decode on some Sapphire Rapids machines
    # (ggml-org/llama.cpp#20824, unfixed); AMX lives in the "extra buffer types", so turn
    # those off where AMX is present. Elsewhere keep them: they hold the faster repacked
    # weight layouts.
    use_extra = not _has_amx(llama_cpp)
    try:
        with _model_params_patched(llama_cpp, use_extra), stderr_silenced(not verbose):
            return llama_cpp.Llama(
                model_path=str(path),
                n_ctx=n_ctx,
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


class LlamaCppGenerator:
    """Generator running a local GGUF chat model in-process with llama.cpp.

    With `reuse_prefix` (the default) a prompt sharing its start with the previous one only
    evaluates the new tail: re-asking over the same passages is several times faster. The
    price: llama.cpp's logits depend slightly on how a prompt was split into batches, so a
    greedy reply can depend on what was asked before. Pass `reuse_prefix=False` where runs
    must be reproducible regardless of order (evaluations): every prompt is then evaluated
    from scratch and the same input always gives the same reply.
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
    ) -> None:
        self.path = Path(path)
        check_gguf(self.path, expected_sha256)
        self.name = self.path.name
        self.verbose = verbose
        self.reuse_prefix = reuse_prefix
        self.threads = threads or physical_cores()
        start = time.perf_counter()
        # One Llama for the generator's life: it keeps the KV cache of the last prompt.
        self._llm = _load_llama(self.path, n_ctx=n_ctx, threads=self.threads, verbose=verbose)
        self.load_s = time.perf_counter() - start
        self.context_length = int(self._llm.n_ctx())
        self._formatter = _gguf_chat_formatter(self._llm, self.path)
        self._grammars: dict[str, Any] = {}

    def count_tokens(self, text: str) -> int:
        """Exact tokens of `text` in this model's vocabulary, without BOS."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def prompt_tokens(self, messages: Sequence[ChatMessage]) -> int:
        """Exact tokens of the prompt `messages` become under the model's chat template."""
        rendered = self._formatter(messages=[m.as_dict() for m in messages])
        tokens = self._llm.tokenize(
            rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
        )
        return len(tokens)

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        """Reply to `messages`; greedy at temperature 0 (see the class doc on reproducibility)."""
        start = time.perf_counter()
        prompt_tokens = self.prompt_tokens(messages)
        check_fits(prompt_tokens, options.max_tokens, self.context_length)
        if not self.reuse_prefix:
            self._llm.reset()  # forget the cached prefix: evaluate the prompt from scratch
        chunks = self._llm.create_chat_completion(
            messages=[m.as_dict() for m in messages],
            max_tokens=options.max_tokens,
            temperature=options.temperature,
            repeat_penalty=1.0,  # the chat handlers default to 1.1, which fights verbatim quotes
            stop=list(options.stop),
            grammar=self.grammar(options.json_schema),
            stream=True,  # always, so that first_token_s is measured
        )
        try:
            stream = _collect(chunks, start, on_token)
        finally:
            chunks.close()
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


# --------------------------------------------------------------------------- HTTP


class _HTTPStatusError(Exception):
    """The endpoint answered with an HTTP error; kept apart to decide on a retry."""

    def __init__(self, url: str, status: int, detail: str) -> None:
        super().__init__(f"{url} answered HTTP {status}: {detail}")
        self.url = url
        self.status = status
        self.detail = detail

    def as_model_error(self) -> TrendqaError:
        if re.search(r"context (length|size|window)", self.detail, re.IGNORECASE):
            return ContextOverflowError(
                f"the LLM endpoint rejected the prompt as too long ({self.detail[:200]}) "
                "— use fewer or shorter passages"
            )
        if self.status in (401, 403):
            return ModelError(
                f"LLM endpoint {self.url} refused the request (HTTP {self.status}) "
                "— set TRENDQA_LLM_API_KEY"
            )
        return ModelError(
            f"LLM endpoint {self.url} answered HTTP {self.status}: {self.detail[:300]} "
            "— check the URL and the server's log"
        )


def api_root(url: str) -> str:
    """The server root of an OpenAI-style URL: ".../v1" and ".../v1/chat/completions" dropped."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"LLM URL {url!r} must look like http://HOST:PORT")
    root = url.strip().rstrip("/")
    for suffix in ("/chat/completions", "/v1"):
        root = root.removesuffix(suffix)
    return root


def _sse_chunks(response: Any, url: str) -> Iterator[dict[str, Any]]:
    """The JSON payloads of a server-sent-events chat stream, up to `data: [DONE]`."""
    try:
        for raw in response:
            line = raw.decode("utf-8").strip()
            if not line.startswith("data:"):
                continue  # blank separators, ": ping" comments, "event:" lines
            data = line[len("data:") :].strip()
            if data == "[DONE]":
                return
            chunk = json.loads(data)
            if "error" in chunk:
                raise ModelError(f"LLM endpoint {url} failed mid-reply: {chunk['error']}")
            yield chunk
    except (OSError, http.client.HTTPException) as exc:
        raise ModelError(f"lost the LLM endpoint {url} mid-reply: {exc}") from exc


def _completion_as_chunk(completion: Mapping[str, Any]) -> dict[str, Any]:
    """A whole (non-streamed) chat completion in the shape of one stream chunk."""
    choices = completion.get("choices") or [{}]
    message = choices[0].get("message") or {}
    return {
        "choices": [
            {
                "delta": {"content": message.get("content") or ""},
                "finish_reason": choices[0].get("finish_reason"),
            }
        ],
        "usage": completion.get("usage"),
    }


class OpenAIGenerator:
    """Generator for an OpenAI-compatible chat endpoint: llama.cpp's server, vLLM, ..."""

    # Tokenizer routes, tried in turn: llama-cpp-python's server, then llama.cpp's own.
    _TOKENIZE_ROUTES = (("/extras/tokenize/count", "input"), ("/tokenize", "content"))

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120,
        context_length: int | None = None,
    ) -> None:
        self.base_url = api_root(base_url)
        self.model = model
        self.api_key = (
            api_key or os.environ.get("TRENDQA_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY")
        )
        self.timeout = timeout
        self.name = f"{self.base_url}:{model}" if model else self.base_url
        self._context_length = context_length
        self._models: list[Mapping[str, Any]] | None = None
        self._tokenize_routes = list(self._TOKENIZE_ROUTES)
        # Dialect, learnt from refusals: the standard "json_schema" response format
        # or llama-cpp-python's {"type": "json_object", "schema": ...}; llama.cpp extras.
        self._schema_style = "json_schema"
        self._extras: dict[str, Any] = {
            "repeat_penalty": 1.0,  # llama.cpp servers default to 1.1, which fights quoting
            "stream_options": {"include_usage": True},
        }

    @property
    def context_length(self) -> int:
        """The constructor's value, else what /v1/models says, else 4096."""
        if self._context_length is None:
            self._context_length = self._advertised_context() or DEFAULT_CONTEXT_LENGTH
        return self._context_length

    def count_tokens(self, text: str) -> int:
        """The server's count where it has a tokenize route, else `approximate_tokens`."""
        exact = self._server_token_count(text)
        return approximate_tokens(text) if exact is None else exact

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        """Reply to `messages`, streamed over SSE (or whole, if the server does not stream)."""
        start = time.perf_counter()
        text = "\n".join(m.content for m in messages)
        exact = self._server_token_count(text)
        # ~4 tokens a message for the template's role markers.
        estimate = (approximate_tokens(text) if exact is None else exact) + 4 * len(messages)
        if exact is not None:  # an approximate count could refuse a prompt that fits
            check_fits(estimate, options.max_tokens, self.context_length)
        stream = self._chat(messages, options, start, on_token)
        usage = stream.usage or {}
        return GenerationResult(
            text=stream.text,
            prompt_tokens=int(usage.get("prompt_tokens") or estimate),
            # Without usage, count stream pieces: servers send about one token per chunk.
            completion_tokens=int(usage.get("completion_tokens") or stream.pieces),
            first_token_s=stream.first_token_s,
            total_s=time.perf_counter() - start,
            truncated=stream.finish_reason == "length",
        )

    def _chat(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        start: float,
        on_token: TokenCallback | None,
    ) -> _Stream:
        url = self.base_url + "/v1/chat/completions"
        for _ in range(1 + len(self._extras) + 1):  # one retry per dialect change at most
            body = self._body(messages, options)
            try:
                response = self._open(url, body)
            except _HTTPStatusError as err:
                if self._adapt(err):
                    continue
                raise err.as_model_error() from None
            with response:
                if "text/event-stream" in response.headers.get("Content-Type", ""):
                    return _collect(_sse_chunks(response, url), start, on_token)
                return _collect([_completion_as_chunk(self._read_json(response))], start, on_token)
        raise ModelError(f"LLM endpoint {url} rejected every request form — check the server")

    def _body(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> dict[str, Any]:
        body: dict[str, Any] = {
            "messages": [m.as_dict() for m in messages],
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "stream": True,
            **self._extras,
        }
        model = self.model or self._only_model_id()
        if model:
            body["model"] = model
        if options.stop:
            body["stop"] = list(options.stop)
        if options.json_schema is not None:
            body["response_format"] = self._response_format(options.json_schema)
        return body

    def _response_format(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        if self._schema_style == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema, "strict": True},
            }
        # llama-cpp-python's server knows only this form (llama.cpp's own takes both).
        return {"type": "json_object", "schema": schema}

    def _adapt(self, err: _HTTPStatusError) -> bool:
        """Switch dialect after a refusal naming a field we sent; True if worth retrying."""
        # llama-cpp-python's server reports its validation errors as HTTP 500, not 422.
        if err.status not in (400, 422, 500):
            return False
        if "response_format" in err.detail and self._schema_style == "json_schema":
            self._schema_style = "json_object"
            return True
        for field in list(self._extras):
            if field in err.detail:
                del self._extras[field]
                return True
        return False

    def _server_token_count(self, text: str) -> int | None:
        while self._tokenize_routes:
            route, key = self._tokenize_routes[0]
            try:
                reply = self._post_json(self.base_url + route, {key: text})
            except _HTTPStatusError:
                self._tokenize_routes.pop(0)  # this server has no such route
                continue
            if isinstance(reply.get("count"), int):
                return int(reply["count"])
            if isinstance(reply.get("tokens"), list):
                return len(reply["tokens"])
            self._tokenize_routes.pop(0)
        return None

    def _list_models(self) -> list[Mapping[str, Any]]:
        if self._models is None:
            try:
                reply = self._get_json(self.base_url + "/v1/models")
            except _HTTPStatusError:
                reply = {}
            data = reply.get("data")
            self._models = (
                [m for m in data if isinstance(m, Mapping)] if isinstance(data, list) else []
            )
        return self._models

    def _only_model_id(self) -> str | None:
        """The served model's id when there is exactly one; with several, guessing is wrong."""
        models = self._list_models()
        return str(models[0]["id"]) if len(models) == 1 and "id" in models[0] else None

    def _advertised_context(self) -> int | None:
        """vLLM's max_model_len, else llama.cpp's meta (n_ctx, else the training length)."""
        for entry in self._list_models():
            if self.model and entry.get("id") != self.model:
                continue
            meta = entry.get("meta") or {}
            for value in (entry.get("max_model_len"), meta.get("n_ctx"), meta.get("n_ctx_train")):
                if isinstance(value, int) and value > 0:
                    return value
        return None

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _open(self, url: str, body: Mapping[str, Any] | None) -> Any:
        """The open response to a GET (no body) or a JSON POST; errors as ModelError."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=self._headers())
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            with exc:  # an HTTPError holds the open response; close it
                detail = exc.read().decode("utf-8", errors="replace")
            raise _HTTPStatusError(url, exc.code, detail.strip()) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise ModelError(
                f"cannot reach LLM endpoint {self.base_url}: {reason} — is the server running?"
            ) from exc

    def _read_json(self, response: Any) -> dict[str, Any]:
        try:
            reply = json.loads(response.read().decode("utf-8"))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise ModelError(f"LLM endpoint {self.base_url} sent a broken answer: {exc}") from exc
        return reply if isinstance(reply, dict) else {}

    def _get_json(self, url: str) -> dict[str, Any]:
        with self._open(url, None) as response:
            return self._read_json(response)

    def _post_json(self, url: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self._open(url, body) as response:
            return self._read_json(response)


# --------------------------------------------------------------------------- fake


class FakeGenerator:
    """Generator replaying scripted replies, streamed one character at a time, for tests.

    `replies` is a list used in order, or a function of (messages, options). One character
    counts as one token: a reply longer than `max_tokens` is cut and marked truncated, as a
    real model's would be. Every call is recorded in `calls`.
    """

    def __init__(
        self,
        replies: Iterable[str] | ReplyScript,
        *,
        name: str = "fake",
        context_length: int = DEFAULT_CONTEXT_LENGTH,
    ) -> None:
        self.name = name
        self.context_length = context_length
        self.calls: list[tuple[tuple[ChatMessage, ...], GenerationOptions]] = []
        self._script: ReplyScript | None = None
        self._queue: list[str] = []
        if callable(replies):
            self._script = replies
        else:  # a lone string is one reply, not a reply per character
            self._queue = [replies] if isinstance(replies, str) else list(replies)

    def count_tokens(self, text: str) -> int:
        """`approximate_tokens`, like a server without a tokenizer."""
        return approximate_tokens(text)

    def generate(
        self,
        messages: Sequence[ChatMessage],
        options: GenerationOptions,
        on_token: TokenCallback | None = None,
    ) -> GenerationResult:
        """The next scripted reply, cut at a stop string or at max_tokens characters."""
        start = time.perf_counter()
        self.calls.append((tuple(messages), options))
        prompt_tokens = sum(self.count_tokens(m.content) for m in messages)
        check_fits(prompt_tokens, options.max_tokens, self.context_length)
        reply = self._next_reply(messages, options)
        for stop in options.stop:
            reply = reply.split(stop, 1)[0]
        text = reply[: options.max_tokens]
        stream = _collect(
            ({"choices": [{"delta": {"content": char}}]} for char in text), start, on_token
        )
        return GenerationResult(
            text=stream.text,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(text),
            first_token_s=stream.first_token_s,
            total_s=time.perf_counter() - start,
            truncated=len(reply) > options.max_tokens,
        )

    def _next_reply(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        if self._script is not None:
            return self._script(messages, options)
        if not self._queue:
            raise AssertionError(f"FakeGenerator has no scripted reply for call {len(self.calls)}")
        return self._queue.pop(0)
