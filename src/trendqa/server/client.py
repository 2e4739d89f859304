"""The thin client of `trendqa serve`: stdlib HTTP and JSON only, so it starts in milliseconds.

Errors: a server that refuses the connection raises `ServerUnreachable` (nothing was
asked yet: the caller may work in-process instead); one that goes away after the
request was sent raises `ServerGone`; a full queue raises `ServerBusy`; an error the
server's pipeline raised comes back as `RemoteError` with the same message and exit code.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from trendqa.errors import ExitStatus, ServerError, TrendqaError
from trendqa.server.discovery import ServerInfo

# Longer than the server's heartbeat (HEARTBEAT_S in app.py): silence this long means it hangs.
READ_TIMEOUT_S = 60.0

Event = dict[str, Any]


class ServerUnreachable(ServerError):
    """Nobody answers at the server's address."""


class ServerGone(ServerError):
    """The server went away after the request was sent."""


class ServerBusy(ServerError):
    """The server's queue is full."""


class RemoteError(TrendqaError):
    """An error the server's pipeline raised, with its original exit code."""

    def __init__(self, message: str, exit_status: int) -> None:
        super().__init__(message)
        self.exit_status = ExitStatus(exit_status)


class ServerClient:
    """Talks to one running server."""

    def __init__(self, info: ServerInfo, timeout: float = READ_TIMEOUT_S) -> None:
        self.info = info
        parts = urlsplit(info.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout

    def _gone(self, exc: BaseException | None = None) -> ServerGone:
        why = f" ({exc})" if exc and str(exc) else ""
        return ServerGone(
            f"the trendqa server (pid {self.info.pid}) went away mid-request{why} — "
            "see its log, or run with --no-server"
        )

    def _send(self, method: str, path: str, body: Mapping[str, Any] | None) -> Any:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        # One request per connection, handed to the response: closing it closes the socket.
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if self.info.token:
            headers["Authorization"] = f"Bearer {self.info.token}"
        try:
            conn.connect()
        except OSError as exc:
            conn.close()
            raise ServerUnreachable(f"no trendqa server answers at {self.info.url}: {exc}") from exc
        try:
            data = json.dumps(body).encode("utf-8") if body is not None else None
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise self._gone(exc) from exc
        if response.status != 200:
            try:
                error = json.loads(response.read()).get("error", {})
            except (OSError, ValueError, AttributeError, http.client.HTTPException):
                error = {}
            response.close()
            raise _error(error, response.status)
        return response

    def get(self, path: str) -> dict[str, Any]:
        """A JSON GET (health, model info)."""
        return self._json(self._send("GET", path, None))

    def _json(self, response: Any) -> dict[str, Any]:
        try:
            data = json.loads(response.read())
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise self._gone(exc) from exc
        finally:
            response.close()
        if "error" in data:
            raise _error(data["error"], 200)
        return dict(data)

    def search(self, query: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """{"hits": [hit_dict, ...], "terms": [...]}."""
        return self._json(self._send("POST", "/v1/search", {"query": query, "options": options}))

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> dict[str, Any]:
        """{"question": standalone question, "rewritten": bool} for a chat follow-up."""
        body = {"question": question, "history": history}
        return self._stream("/v1/rewrite", body, "rewrite", lambda _e: None)

    def ask(
        self, question: str, options: Mapping[str, Any], on_event: Callable[[Event], None]
    ) -> dict[str, Any]:
        """Stream the NDJSON events of one question; returns the final answer object."""
        body = {"question": question, "options": options}
        return dict(self._stream("/v1/ask", body, "answer", on_event)["answer"])

    def _stream(
        self, path: str, body: Mapping[str, Any], final: str, on_event: Callable[[Event], None]
    ) -> Event:
        response = self._send("POST", path, body)
        try:
            for event in self._events(response):
                kind = event.get("event")
                if kind == final:
                    return event
                if kind == "error":
                    raise _error(event.get("error", {}), 200)
                on_event(event)
        finally:
            response.close()
        raise self._gone()

    def _events(self, response: Any) -> Iterator[Event]:
        while True:
            try:
                line = response.readline()
            except (OSError, http.client.HTTPException) as exc:
                raise self._gone(exc) from exc
            if not line:
                return
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:  # a line cut short by a dying server
                    raise self._gone(exc) from exc


def _error(error: Mapping[str, Any], status: int) -> TrendqaError:
    message = str(error.get("message") or f"the trendqa server answered HTTP {status}")
    if error.get("kind") == "busy":
        return ServerBusy(message)
    return RemoteError(message, int(error.get("exit_status", ExitStatus.ERROR)))
