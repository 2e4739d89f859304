"""Where searches and questions are answered: in-process, or by a running `trendqa serve`.

Both sides hand back the `--json` shapes (`trendqa.serialize`), and the commands print
from those, so output is the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from trendqa.cli.env import Env, loader_of
from trendqa.config import Settings

if TYPE_CHECKING:
    from trendqa.api import ServerClient

OnToken = Callable[[str], None]


@dataclass(frozen=True)
class SearchResult:
    hits: list[dict[str, Any]]
    terms: list[str]  # what human output highlights


class Searches(Protocol):
    def search(self, query: str, options: Mapping[str, Any]) -> SearchResult: ...


class Answers(Protocol):
    @property
    def has_llm(self) -> bool: ...

    def ask(
        self, question: str, options: Mapping[str, Any], on_token: OnToken | None
    ) -> dict[str, Any]: ...

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> tuple[str, bool]: ...


def find_server(env: Env, settings: Settings, *, need_llm: bool) -> ServerClient | None:
    """A client for the running server of this index, if it holds what is asked for
    (none when TRENDQA_NO_SERVER is set)."""
    from trendqa.api import find_server as matching_server

    if "TRENDQA_NO_SERVER" in env.environ:
        return None
    return matching_server(settings, need_llm=need_llm)


# --------------------------------------------------------------------------- in-process


class LocalSearches:
    """Searches in this process (loads the embedder unless the mode is bm25)."""

    def __init__(self, env: Env, settings: Settings, mode: str) -> None:
        from trendqa.api import index_warnings, open_searcher

        self.searcher, _times = open_searcher(
            settings, need_dense=mode != "bm25", loader=loader_of(env)
        )
        for message in index_warnings(self.searcher.index.meta):
            env.warn(message)

    def search(self, query: str, options: Mapping[str, Any]) -> SearchResult:
        from trendqa.api import query_terms, search_options
        from trendqa.serialize import hit_dict

        hits = self.searcher.search(query, search_options(options))
        return SearchResult([hit_dict(h) for h in hits], query_terms(query))


class LocalAnswers:
    """Answers in this process (loads the embedder and, unless told not to, the LLM)."""

    def __init__(
        self, env: Env, settings: Settings, *, use_llm: bool, verbose: bool = False
    ) -> None:
        from trendqa.api import open_answerer

        self.answerer, _times = open_answerer(
            settings,
            loader=loader_of(env),
            generator=env.generator,
            use_llm=use_llm,
            verbose=verbose,
            on_warning=env.warn,
        )

    @property
    def has_llm(self) -> bool:
        return self.answerer.generator is not None

    def ask(
        self, question: str, options: Mapping[str, Any], on_token: OnToken | None
    ) -> dict[str, Any]:
        from trendqa.api import ask_options
        from trendqa.serialize import answer_dict

        answer = self.answerer.ask(question, ask_options(options), on_token=on_token)
        return answer_dict(answer, self.answerer.searcher.index.meta.embedder.id)

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> tuple[str, bool]:
        from trendqa.api import standalone_question

        return standalone_question(self.answerer.generator, question, history)


# --------------------------------------------------------------------------- through a server


class RemoteSearches:
    """Searches on the server; if it is gone, searches in-process instead."""

    def __init__(self, env: Env, settings: Settings, mode: str, client: ServerClient) -> None:
        self.env, self.settings, self.mode, self.client = env, settings, mode, client
        self.local: LocalSearches | None = None

    def search(self, query: str, options: Mapping[str, Any]) -> SearchResult:
        from trendqa.api import ServerGone, ServerUnreachable

        if self.local is None:
            try:
                data = self.client.search(query, options)
                return SearchResult(list(data["hits"]), list(data["terms"]))
            except ServerUnreachable:  # nothing was asked yet: a stale file, not news
                self.local = LocalSearches(self.env, self.settings, self.mode)
            except ServerGone as exc:
                self.env.warn(f"{exc}; searching in-process")
                self.local = LocalSearches(self.env, self.settings, self.mode)
        return self.local.search(query, options)


class RemoteAnswers:
    """Answers on the server: tokens stream back, warnings are shown as the server meets them."""

    def __init__(self, env: Env, client: ServerClient) -> None:
        self.env, self.client = env, client

    @property
    def has_llm(self) -> bool:
        return self.client.info.llm_name is not None

    def ask(
        self, question: str, options: Mapping[str, Any], on_token: OnToken | None
    ) -> dict[str, Any]:
        def on_event(event: dict[str, Any]) -> None:
            if event.get("event") == "token" and on_token is not None:
                on_token(event["text"])
            elif event.get("event") == "warning":
                self.env.warn(event["message"])

        return dict(self.client.ask(question, options, on_event))

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> tuple[str, bool]:
        data = self.client.rewrite(question, history)
        return str(data["question"]), bool(data["rewritten"])


def open_searches(env: Env, settings: Settings, mode: str, *, no_server: bool) -> Searches:
    """The server's searches when one runs for this index, else in-process ones."""
    client = None if no_server else find_server(env, settings, need_llm=False)
    if client is not None:
        return RemoteSearches(env, settings, mode, client)
    return LocalSearches(env, settings, mode)


def open_answers(
    env: Env,
    settings: Settings,
    *,
    use_llm: bool,
    verbose: bool = False,
    no_server: bool = False,
    announce: bool = False,
) -> Answers:
    """The server's answers when one runs with these models, else in-process ones (with
    `announce`, saying on stderr that the models load — a server has them loaded)."""
    from trendqa.api import ServerUnreachable

    # llama.cpp's own log (--verbose) and the tests' injected generator exist only here.
    local_only = no_server or verbose or env.generator is not None
    client = None if local_only else find_server(env, settings, need_llm=use_llm)
    if client is not None:
        try:
            client.get("/v1/health")  # cheap: a stale file of a reused pid is caught here
            return RemoteAnswers(env, client)
        except ServerUnreachable:
            pass
    if announce:
        env.warn("loading models…")
    return LocalAnswers(env, settings, use_llm=use_llm, verbose=verbose)
