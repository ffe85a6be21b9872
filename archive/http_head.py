"""Reading and (minimally) rewriting an HTTP message head kept as raw bytes.

A head is the start line (status line or request line), the header lines and the blank line,
exactly as they crossed the wire. Header bytes are decoded as latin-1 because that is the only
decoding that maps every byte to one character and back: a GBK file name in a
``Content-Disposition`` header survives the round trip and can be re-decoded by whoever knows
better.

The single rewrite the archive makes (:func:`dechunked_head`) follows the convention of warcio,
Heritrix and wget: once transfer chunking has been undone, the ``Transfer-Encoding`` header is
renamed so replay tools do not try to de-chunk the body a second time, and ``Content-Length``
states the body length. Every other byte is left alone.
"""

from __future__ import annotations

import re

ORIGINAL_TRANSFER_ENCODING = b"X-Orig-Transfer-Encoding"

_STATUS_LINE = re.compile(r"(HTTP/\d(?:\.\d)?) (\d{3})(?: (.*))?")


def split_message(message: bytes) -> tuple[bytes, bytes]:
    """Split a whole HTTP message into ``(head, body)``; the head keeps its blank line.

    The head ends at the first empty line, whether lines end in CRLF or (as some servers send)
    a bare LF. Raises ``ValueError`` when there is no blank line at all.
    """
    start = 0
    while True:
        newline = message.find(b"\n", start)
        if newline == -1:
            raise ValueError("HTTP message has no blank line ending its head")
        if start > 0 and _without_eol(message[start : newline + 1]) == b"":
            return message[: newline + 1], message[newline + 1 :]
        start = newline + 1


def parse_head(raw: bytes) -> tuple[str, list[tuple[str, str]]]:
    """Parse a raw head into its start line and ``(name, value)`` header pairs, latin-1.

    Header order and repeats (``Set-Cookie``) are kept; values lose surrounding blanks, and
    obsolete folded continuation lines are joined to their header with one space. Raises
    ``ValueError`` for a head that does not end with a blank line, has an empty start line,
    a header line without a colon, or a continuation line with nothing to continue.
    """
    lines = _head_lines(raw)
    start_line = _without_eol(lines[0]).decode("latin-1")
    headers: list[tuple[str, str]] = []
    for group in _header_groups(lines[1:-1]):
        name, value = _split_header_line(group[0])
        for continuation in group[1:]:
            folded = _without_eol(continuation).strip(b" \t").decode("latin-1")
            value = f"{value} {folded}".strip()
        headers.append((name, value))
    return start_line, headers


def parse_status_line(status_line: str) -> tuple[str, int, str]:
    """Split ``HTTP/1.1 404 Not Found`` into ``("HTTP/1.1", 404, "Not Found")``.

    The reason phrase may be empty or anything at all (``HTTP/1.1 200 Okay``); raises
    ``ValueError`` when the line is not an HTTP status line.
    """
    match = _STATUS_LINE.fullmatch(status_line)
    if match is None:
        raise ValueError(f"not an HTTP status line: {status_line!r}")
    protocol, code, reason = match.groups()
    return protocol, int(code), reason or ""


def dechunked_head(raw: bytes, body_length: int) -> bytes:
    """Return the head to archive beside a body whose transfer chunking has been undone.

    When a ``Transfer-Encoding`` header lists ``chunked``, that header's *name* becomes
    ``X-Orig-Transfer-Encoding`` (value and spacing kept) and every ``Content-Length`` header
    gets ``body_length`` as its value; without one, a ``Content-Length`` line is added just
    before the blank line, using the head's own line ending. Any other head comes back
    unchanged, byte for byte. Raises ``ValueError`` for a malformed head or negative length.
    """
    if body_length < 0:
        raise ValueError(f"body length cannot be negative: {body_length}")
    lines = _head_lines(raw)
    groups = list(_header_groups(lines[1:-1]))
    if not any(_is_chunked_header(group[0]) for group in groups):
        return raw
    length = str(body_length).encode("ascii")
    out = [lines[0]]
    has_length = False
    for group in groups:
        first = group[0]
        name = first.split(b":", 1)[0].strip(b" \t").lower()
        if _is_chunked_header(first):
            out.append(ORIGINAL_TRANSFER_ENCODING + first[first.index(b":") :])
            out.extend(group[1:])
        elif name == b"content-length":
            has_length = True
            out.append(_with_value(first, length))
        else:
            out.extend(group)
    if not has_length:
        out.append(b"Content-Length: " + length + _eol(lines[0]))
    out.append(lines[-1])
    return b"".join(out)


def _head_lines(raw: bytes) -> list[bytes]:
    """The head's lines, each with its line ending; the last one is the blank line."""
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"a head must be bytes, not {type(raw).__name__}")
    pieces = bytes(raw).split(b"\n")
    if len(pieces) < 3 or pieces[-1] != b"":
        raise ValueError(f"HTTP head must end with a blank line: {bytes(raw[-40:])!r}")
    lines = [piece + b"\n" for piece in pieces[:-1]]
    if _without_eol(lines[-1]) != b"":
        raise ValueError(f"HTTP head must end with a blank line: {bytes(raw[-40:])!r}")
    for number, line in enumerate(lines[:-1], start=1):
        if _without_eol(line) == b"":
            raise ValueError(f"blank line {number} inside the HTTP head: the head ends there")
    if lines[0][:1] in (b" ", b"\t"):
        raise ValueError(f"HTTP start line begins with a blank: {lines[0]!r}")
    return lines


def _header_groups(lines: list[bytes]):
    """Yield each header line together with its folded continuation lines."""
    group: list[bytes] = []
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not group:
                raise ValueError(f"continuation line with no header before it: {line!r}")
            group.append(line)
            continue
        if group:
            yield group
        group = [line]
    if group:
        yield group


def _split_header_line(line: bytes) -> tuple[str, str]:
    content = _without_eol(line)
    if b":" not in content:
        raise ValueError(f"HTTP header line has no colon: {content!r}")
    name, value = content.split(b":", 1)
    name = name.strip(b" \t")
    if not name:
        raise ValueError(f"HTTP header line has an empty name: {content!r}")
    return name.decode("latin-1"), value.strip(b" \t").decode("latin-1")


def _is_chunked_header(line: bytes) -> bool:
    name, value = _split_header_line(line)
    return name.lower() == "transfer-encoding" and _lists_chunked(value)


def _lists_chunked(value: str) -> bool:
    return "chunked" in (token.strip().lower() for token in value.split(","))


def _with_value(line: bytes, value: bytes) -> bytes:
    """The header line with a new value; name, colon, spacing and line ending are kept."""
    before, after = line.split(b":", 1)
    spacing = after[: len(after) - len(after.lstrip(b" \t"))]
    return before + b":" + spacing + value + _eol(line)


def _eol(line: bytes) -> bytes:
    return b"\r\n" if line.endswith(b"\r\n") else b"\n"


def _without_eol(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith(b"\n") else line
