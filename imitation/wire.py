"""HTTP/1.1 as the imitation server reads and writes it: request heads and bodies in, status
lines, headers and chunked payloads out. Strict where a real client must be strict (a malformed
request is :class:`BadRequest`, answered 400), and deliberately varied where a crawler must cope
(chunk sizes).
"""

from __future__ import annotations

import asyncio
from urllib.parse import unquote, urlsplit

from imitation.model import Reply

# Varied on purpose: a 1-byte chunk and chunks that split multi-byte characters catch
# de-chunking bugs that equal-sized chunks would hide.
CHUNK_SIZES = (1, 7, 300, 4096, 13, 1000)


class BadRequest(Exception):
    """The client sent something that is not HTTP/1.x; answered 400 and the connection closed."""


def render_head(reply: Reply, payload_length: int) -> bytes:
    """The status line and header block for ``reply``, exactly as the server sends it."""
    lines = [f"HTTP/1.1 {reply.status} {reply.reason}".encode("latin-1")]
    names = set()
    for name, value in reply.headers:
        names.add(name.lower())
        # latin-1 lets a handler put raw bytes (GBK file names) into a header, as Java servlets do.
        lines.append(f"{name}: {value}".encode("latin-1"))
    if reply.gzip and "content-encoding" not in names:
        lines.append(b"Content-Encoding: gzip")
    if reply.chunked:
        if "transfer-encoding" not in names:
            lines.append(b"Transfer-Encoding: chunked")
    elif "content-length" not in names and has_body(reply.status):
        lines.append(b"Content-Length: %d" % payload_length)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def split_chunks(payload: bytes) -> list[bytes]:
    """Cut ``payload`` into pieces of the varied ``CHUNK_SIZES``; never an empty piece."""
    pieces, start, index = [], 0, 0
    while start < len(payload):
        size = CHUNK_SIZES[index % len(CHUNK_SIZES)]
        pieces.append(payload[start : start + size])
        start += size
        index += 1
    return pieces


def has_body(status: int) -> bool:
    return not (100 <= status < 200 or status in (204, 304))


async def read_head(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise BadRequest("connection closed in the middle of a request head") from exc
        return None
    except asyncio.LimitOverrunError as exc:
        raise BadRequest("request head too long") from exc
    # Tolerate stray CRLFs between keep-alive requests (RFC 9112 section 2.2).
    return head.lstrip(b"\r\n") or None


def parse_head(head: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"malformed request line {lines[0][:200]!r}")
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise BadRequest(f"malformed header line {line[:200]!r}")
        headers.append((name.strip(), value.strip()))
    return parts[0].upper(), parts[1], parts[2], headers


async def read_body(reader: asyncio.StreamReader, headers) -> bytes:
    if "chunked" in (header(headers, "Transfer-Encoding") or "").lower():
        body = b""
        while True:
            size_line = await reader.readuntil(b"\r\n")
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError as exc:
                raise BadRequest(f"bad chunk size line {size_line[:50]!r}") from exc
            if size == 0:
                await reader.readuntil(b"\r\n")  # no trailers expected from our clients
                return body
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    length = header(headers, "Content-Length")
    if not length:
        return b""
    if not length.isdigit():
        raise BadRequest(f"bad Content-Length {length!r}")
    return await reader.readexactly(int(length))


def split_target(target: str, headers) -> tuple[str, str, str, str]:
    """(host, routing path, query, url as logged) for a request target of either form."""
    if target.lower().startswith("http://") or target.lower().startswith("https://"):
        parts = urlsplit(target)
        host, url = (parts.hostname or ""), target
    elif target.startswith("/"):
        parts = urlsplit(target)
        authority = header(headers, "Host") or ""
        host = urlsplit("//" + authority).hostname or ""
        url = f"http://{authority}{target}"
    else:
        raise BadRequest(f"unsupported request target {target[:200]!r}")
    path = "/".join(segment.split(";")[0] for segment in (parts.path or "/").split("/"))
    return host.lower(), unquote(path, errors="replace"), parts.query, url


def header(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None
