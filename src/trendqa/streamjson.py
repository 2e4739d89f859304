"""Stream one string field out of a JSON object while the object is being generated."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

# One escape; a UTF-16 surrogate pair (how JSON spells characters beyond the BMP, e.g.
# emoji) is one escape too: decoded apart, its halves would be unprintable lone surrogates.
_ESCAPE = re.compile(
    r'\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|["\\/bfnrt])'
)
_HIGH_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")
# What the buffer may end with while the low half of a pair is still to come.
_LOW_SURROGATE_START = re.compile(r"(?:\\(?:u(?:[dD](?:[c-fC-F][0-9a-fA-F]{0,2})?)?)?)?")


class FieldStream:
    """Feed it JSON text piece by piece; it passes the decoded value of `name` to `emit`."""

    def __init__(self, name: str, emit: Callable[[str], None]) -> None:
        self._opening = re.compile(r'"' + re.escape(name) + r'"\s*:\s*"')
        self._emit = emit
        self._buffer = ""
        self._pos: int | None = None  # where the value starts in the buffer
        self._done = False

    def feed(self, piece: str) -> None:
        if self._done:
            return
        self._buffer += piece
        if self._pos is None:
            m = self._opening.search(self._buffer)
            if not m:
                return
            self._pos = m.end()
        self._drain()

    def _drain(self) -> None:
        assert self._pos is not None
        out = []
        i = self._pos
        buf = self._buffer
        while i < len(buf):
            ch = buf[i]
            if ch == '"':
                self._done = True
                i += 1
                break
            if ch == "\\":
                m = _ESCAPE.match(buf, i)
                if not m:
                    break  # escape not complete yet
                if _HIGH_SURROGATE.fullmatch(m.group()) and _LOW_SURROGATE_START.fullmatch(
                    buf, m.end()
                ):
                    break  # the first half of a surrogate pair: wait for the second
                out.append(json.loads(f'"{m.group()}"'))
                i = m.end()
                continue
            out.append(ch)
            i += 1
        self._pos = i
        if out:
            self._emit("".join(out))
