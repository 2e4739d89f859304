"""The ASGI app of `trendqa serve` (Starlette); `trendqa.server.run` serves it with uvicorn.

Endpoints (JSON in and out; errors are {"error": {"message", "exit_status", "kind"}}):

- GET  /v1/health   status, pid, index version, requests waiting
- GET  /v1/models   embedder, LLM, index, documents, chunks
- POST /v1/search   {"query", "options"} -> {"hits": [hit_dict...], "terms": [...]}
- POST /v1/ask      {"question", "options"} -> NDJSON events: queued, wait (heartbeat),
                    retrieval, token, warning, then answer (the `ask --json` object) or error
- POST /v1/rewrite  {"question", "history": [[q, a]...]} -> NDJSON, ending in a rewrite event
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

from trendqa.api import ask_options, query_terms, search_options, standalone_question
from trendqa.errors import TrendqaError
from trendqa.serialize import answer_dict, hit_dict
from trendqa.server.lane import Busy, Job, Lane
from trendqa.server.models import Held

HEARTBEAT_S = 5.0  # a waiting client hears from the server at least this often
_END = object()
Push = Callable[[Any], None]


def error_body(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, TrendqaError):
        kind = "busy" if isinstance(exc, Busy) else type(exc).__name__
        return {"error": {"message": str(exc), "exit_status": int(exc.exit_status), "kind": kind}}
    return {
        "error": {
            "message": f"internal server error: {exc!r} — see the server's log",
            "exit_status": 1,
            "kind": "internal",
        }
    }


def _line(event: Any) -> bytes:
    return (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")


def build_app(held: Held, lane: Lane, *, token: str | None = None) -> Any:
    """The Starlette app over loaded models and a lane."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    def fail(exc: BaseException) -> Response:
        status = 503 if isinstance(exc, Busy) else 400 if isinstance(exc, TrendqaError) else 500
        return JSONResponse(error_body(exc), status_code=status)

    def authorized(request: Request) -> bool:
        return token is None or request.headers.get("authorization") == f"Bearer {token}"

    async def body_of(request: Request) -> dict[str, Any]:
        try:
            data = json.loads(await request.body())
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise _BadRequest("the request body must be a JSON object")
        return data

    def stream(work: Callable[[Job, Push], None]) -> Response:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[Any] = asyncio.Queue()

        def push(event: Any) -> None:
            # RuntimeError: the loop is gone, the server is shutting down.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(events.put_nowait, event)

        def run(job: Job) -> None:
            try:
                work(job, push)
            except TrendqaError as exc:
                push({"event": "error", **error_body(exc)})
            except Exception as exc:
                push({"event": "error", **error_body(exc)})
            finally:
                push(_END)

        job = Job(run)
        ahead = lane.submit(job)  # Busy propagates: answered 503 before any streaming

        async def lines() -> AsyncIterator[bytes]:
            try:
                yield _line({"event": "queued", "ahead": ahead})
                while True:
                    try:
                        event = await asyncio.wait_for(events.get(), HEARTBEAT_S)
                    except TimeoutError:
                        yield _line({"event": "wait", "pending": lane.pending()})
                        continue
                    if event is _END:
                        return
                    yield _line(event)
            finally:
                job.cancel()  # the client went away, or the answer is out: nothing left to do

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    async def health(request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "pid": os.getpid(),
                "index_version": held.version,
                "pending": lane.pending(),
                "queue_size": lane.size,
            }
        )

    async def models(request: Request) -> Response:
        def facts() -> dict[str, Any]:
            meta = held.answerer().searcher.index.meta
            return {
                "embedder": meta.embedder.id,
                "llm": held.generator.name if held.generator else None,
                "index": str(held.settings.index_path),
                "index_version": held.version,
                "documents": len(meta.documents),
                "chunks": sum(e.chunks for e in meta.documents.values()),
            }

        return JSONResponse(await run_in_threadpool(facts))

    async def search(request: Request) -> Response:
        data = await body_of(request)
        query = str(data.get("query", ""))
        options = search_options(data.get("options") or {})

        def run() -> dict[str, Any]:
            hits = held.answerer().searcher.search(query, options)
            return {"hits": [hit_dict(h) for h in hits], "terms": query_terms(query)}

        return JSONResponse(await run_in_threadpool(run))

    async def ask(request: Request) -> Response:
        data = await body_of(request)
        question = str(data.get("question", ""))
        options = ask_options(data.get("options") or {})

        def work(job: Job, push: Push) -> None:
            held.bind(push)
            try:
                answerer = held.answerer(llm=not options.extractive)

                def on_token(text: str) -> None:
                    job.check()
                    push({"event": "token", "text": text})

                answer = answerer.ask(question, options, on_token=on_token)
                embedder = answerer.searcher.index.meta.embedder.id
                push({"event": "answer", "answer": answer_dict(answer, embedder)})
            finally:
                held.bind(None)

        return stream(work)

    async def rewrite(request: Request) -> Response:
        data = await body_of(request)
        question = str(data.get("question", ""))
        history = [(str(q), str(a)) for q, a in data.get("history") or []]

        def work(job: Job, push: Push) -> None:
            result = standalone_question(held.generator, question, history)
            push({"event": "rewrite", "question": result[0], "rewritten": result[1]})

        return stream(work)

    def guarded(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            if not authorized(request):
                return JSONResponse(
                    {"error": {"message": "missing or wrong token", "exit_status": 1}},
                    status_code=401,
                )
            try:
                return await handler(request)  # type: ignore[no-any-return]
            except _BadRequest as exc:
                return JSONResponse(
                    {"error": {"message": str(exc), "exit_status": 1}}, status_code=400
                )
            except Exception as exc:
                return fail(exc)

        return endpoint

    routes = [
        Route("/v1/health", guarded(health), methods=["GET"]),
        Route("/v1/models", guarded(models), methods=["GET"]),
        Route("/v1/search", guarded(search), methods=["POST"]),
        Route("/v1/ask", guarded(ask), methods=["POST"]),
        Route("/v1/rewrite", guarded(rewrite), methods=["POST"]),
    ]
    return Starlette(routes=routes)


class _BadRequest(Exception):
    pass
