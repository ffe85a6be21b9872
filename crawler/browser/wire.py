"""HTTP/1.1 message framing on asyncio streams, keeping every byte: what the recorder relays.

The recording proxy passes the browser's requests and the servers' answers through unchanged,
so it never re-serialises a message: it only needs to know where a head ends and how long a
body is (``Content-Length``, chunked, or up to the close of the connection). Bodies come out as
pieces of ``(wire bytes, payload bytes)``: the first go to the other side as they are, the second
(chunking undone, content coding kept) are what an :class:`archive.exchange.Exchange` holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

MAX_HEAD_BYTES = 64 * 1024
READ_SIZE = 64 * 1024


class WireError(Exception):
    """The peer sent something that is not HTTP/1.x framing we can relay."""


@dataclass
class Head:
    """A request or status line and its header lines, parsed from ``raw`` (which is kept)."""

    raw: bytes
    start_line: str
    headers: list[tuple[str, str]]

    def get(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def tokens(self, name: str) -> set[str]:
        """Comma-separated tokens of every ``name`` header, lower-cased (Connection, TE)."""
        found = set()
        for key, value in self.headers:
            if key.lower() == name.lower():
                found.update(token.strip().lower() for token in value.split(",") if token.strip())
        return found


@dataclass
class RequestHead(Head):
    method: str = ""
    target: str = ""
    version: str = ""


@dataclass
class StatusHead(Head):
    version: str = ""
    status: int = 0


async def read_head(reader: asyncio.StreamReader) -> bytes | None:
    """The next head, up to and including its blank line; None when the peer closed cleanly."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise WireError("connection closed in the middle of a head") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise WireError("head longer than the stream limit") from exc
    if len(raw) > MAX_HEAD_BYTES:
        raise WireError(f"head of {len(raw)} bytes is too long")
    # RFC 9112 2.2: a recipient should ignore empty lines before a request line.
    stripped = raw.lstrip(b"\r\n")
    return stripped or None


def _split_lines(raw: bytes) -> tuple[str, list[tuple[str, str]]]:
    lines = raw.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise WireError(f"malformed header line {line[:200]!r}")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


def parse_request_head(raw: bytes) -> RequestHead:
    start, headers = _split_lines(raw)
    parts = start.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise WireError(f"malformed request line {start[:200]!r}")
    return RequestHead(
        raw, start, headers, method=parts[0].upper(), target=parts[1], version=parts[2]
    )


def parse_status_head(raw: bytes) -> StatusHead:
    start, headers = _split_lines(raw)
    parts = start.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise WireError(f"malformed status line {start[:200]!r}")
    return StatusHead(raw, start, headers, version=parts[0], status=int(parts[1]))


# --- bodies -------------------------------------------------------------------------------------


def request_framing(head: RequestHead) -> tuple[str, int]:
    """How a request body is delimited: ``("chunked", 0)`` or ``("length", n)``."""
    if "chunked" in head.tokens("Transfer-Encoding"):
        return "chunked", 0
    return "length", _content_length(head)


def response_framing(head: StatusHead, request_method: str) -> tuple[str, int]:
    """How a response body is delimited (RFC 9112 6.3): none, chunked, length, or close."""
    if request_method == "HEAD" or 100 <= head.status < 200 or head.status in (204, 304):
        return "length", 0
    if "chunked" in head.tokens("Transfer-Encoding"):
        return "chunked", 0
    if head.get("Content-Length") is not None:
        return "length", _content_length(head)
    return "close", 0


def _content_length(head: Head) -> int:
    value = head.get("Content-Length")
    if value is None:
        return 0
    # Repeated identical values ("12, 12") are allowed; anything else is a framing error.
    values = {part.strip() for part in value.split(",")}
    if len(values) != 1 or not next(iter(values)).isdigit():
        raise WireError(f"bad Content-Length {value!r}")
    return int(values.pop())


async def body_pieces(
    reader: asyncio.StreamReader, framing: tuple[str, int]
) -> AsyncIterator[tuple[bytes, bytes]]:
    """The body as ``(bytes as on the wire, payload bytes)`` pieces, in order."""
    kind, length = framing
    if kind == "length":
        left = length
        while left > 0:
            data = await reader.read(min(READ_SIZE, left))
            if not data:
                raise WireError(f"connection closed with {left} body bytes still expected")
            left -= len(data)
            yield data, data
    elif kind == "close":
        while data := await reader.read(READ_SIZE):
            yield data, data
    else:
        async for piece in _chunks(reader):
            yield piece


async def _chunks(reader: asyncio.StreamReader) -> AsyncIterator[tuple[bytes, bytes]]:
    while True:
        size_line = await _line(reader)
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise WireError(f"bad chunk size line {size_line[:50]!r}") from exc
        if size == 0:
            # The last chunk, then trailer lines up to an empty one.
            trailer = size_line
            while (line := await _line(reader)) not in (b"\r\n", b"\n"):
                trailer += line
            yield trailer + line, b""
            return
        data = await reader.readexactly(size)
        ending = await reader.readexactly(2)
        if ending != b"\r\n":
            raise WireError("chunk data not followed by CRLF")
        yield size_line + data + ending, data


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        raise WireError("connection closed inside chunked framing") from exc


async def read_whole_body(reader: asyncio.StreamReader, framing: tuple[str, int]) -> bytes:
    """A (request) body as it was sent, framing included."""
    wire = bytearray()
    async for piece, _payload in body_pieces(reader, framing):
        wire += piece
    return bytes(wire)
