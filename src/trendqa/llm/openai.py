"""Any OpenAI-compatible `/v1/chat/completions` endpoint, over the standard library."""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from trendqa.errors import InputError, ModelError, TrendqaError
from trendqa.llm.base import (
    DEFAULT_CONTEXT_LENGTH,
    ChatMessage,
    ContextOverflowError,
    GenerationOptions,
    GenerationResult,
    TokenCallback,
    _collect,
    _Stream,
    approximate_tokens,
    check_fits,
)


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
