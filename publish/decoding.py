"""Undoing a stored content coding (gzip, deflate, br) without ever producing more than a cap.

An archived response keeps the coding its server applied, so a 4 KB record can hold a gzip
body that inflates to gigabytes. :func:`bounded_decode` inflates one coding at a time in
chunks and gives up with :class:`TooLarge` as soon as the output would pass ``limit``; the
server then sends the stored bytes with their ``Content-Encoding`` or refuses (see
:func:`publish.originals.original_response`). Memory stays within about ``limit`` plus one
chunk, whatever the stored body claims.
"""

from __future__ import annotations

import zlib

CHUNK = 64 * 1024


class TooLarge(ValueError):
    """The decoded body would be larger than the cap."""


class UnknownCoding(ValueError):
    """A content coding this server does not undo."""


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    """zlib/gzip/raw deflate, member after member (gzip may concatenate members)."""
    out = bytearray()
    data = body
    while data:
        inflater = zlib.decompressobj(wbits)
        pending = data
        while pending and not inflater.eof:
            piece = inflater.decompress(pending, CHUNK)
            out += piece
            if len(out) > limit:
                raise TooLarge(f"decodes to more than {limit} bytes")
            pending = inflater.unconsumed_tail
        while not inflater.eof:
            piece = inflater.decompress(b"", CHUNK)
            if not piece:
                break
            out += piece
            if len(out) > limit:
                raise TooLarge(f"decodes to more than {limit} bytes")
        if not inflater.eof:
            raise ValueError("truncated compressed body")
        data = inflater.unused_data.lstrip(b"\x00")  # padding after the last member
    return bytes(out)


def _deflate(body: bytes, limit: int) -> bytes:
    # 'deflate' is zlib-wrapped per the RFC, but many servers send raw deflate.
    try:
        return _inflate(body, zlib.MAX_WBITS, limit)
    except zlib.error:
        return _inflate(body, -zlib.MAX_WBITS, limit)


def _brotli(body: bytes, limit: int) -> bytes:
    import brotli

    decompressor = brotli.Decompressor()
    out = bytearray(decompressor.process(body, output_buffer_limit=CHUNK))
    while len(out) <= limit and not decompressor.is_finished():
        if not decompressor.can_accept_more_data():
            out += decompressor.process(b"", output_buffer_limit=CHUNK)
        else:
            break
    if len(out) > limit:
        raise TooLarge(f"decodes to more than {limit} bytes")
    if not decompressor.is_finished():
        raise ValueError("truncated brotli body")
    return bytes(out)


def decode_one(body: bytes, coding: str, limit: int) -> bytes:
    coding = coding.strip().lower()
    if coding in ("gzip", "x-gzip"):
        try:
            return _inflate(body, 16 + zlib.MAX_WBITS, limit)
        except zlib.error as error:
            raise ValueError(f"bad gzip body: {error}") from error
    if coding == "deflate":
        try:
            return _deflate(body, limit)
        except zlib.error as error:
            raise ValueError(f"bad deflate body: {error}") from error
    if coding == "br":
        try:
            return _brotli(body, limit)
        except ImportError:
            raise UnknownCoding("br (the brotli module is not installed)") from None
        except Exception as error:  # brotli.error is not a ValueError subclass
            if isinstance(error, ValueError):
                raise
            raise ValueError(f"bad brotli body: {error}") from error
    raise UnknownCoding(coding)


def bounded_decode(body: bytes, codings: list[str], limit: int) -> bytes:
    """``body`` with ``codings`` undone, last applied first; TooLarge past ``limit`` bytes."""
    for coding in reversed(codings):
        body = decode_one(body, coding, limit)
    return body
