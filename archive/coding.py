"""Undoing an HTTP Content-Encoding, streaming and bounded (decompression bombs)."""

from __future__ import annotations

import zlib


class ContentTooLarge(ValueError):
    """A content-coded body inflates past the limit it was decoded under (a decompression bomb)."""


# What any reader may inflate one archived body to unless it says otherwise: archived bodies come
# from sites nobody controls, so the bound is the default, not something each caller remembers.
DECODED_LIMIT = 64 * 2**20


def decode_content(
    body: bytes, content_encoding: str | None, *, limit: int | None = DECODED_LIMIT
) -> bytes:
    """Undo an HTTP ``Content-Encoding`` (gzip, x-gzip, deflate, br, identity, stacked).

    Stacked codings are undone last-applied first (``gzip, br`` means brotli was applied
    last). An empty body is empty in every coding. Decoding streams: it stops as soon as a
    coding's output passes ``limit`` bytes (:data:`DECODED_LIMIT` unless given; None for no
    bound) and raises :class:`ContentTooLarge`, so a few KB that inflate to GBs never take more
    than ``limit`` bytes of memory. Raises
    ``ValueError`` for an unknown coding or bytes that do not decode completely.
    """
    codings = [token.strip().lower() for token in (content_encoding or "").split(",")]
    codings = [coding for coding in codings if coding]
    unknown = [coding for coding in codings if coding not in _DECODERS]
    if unknown:
        raise ValueError(f"unsupported content coding: {', '.join(unknown)}")
    for coding in reversed(codings):
        if not body:
            break
        try:
            body = _DECODERS[coding](body, limit)
        except (ImportError, ContentTooLarge):
            raise
        except Exception as exc:
            # zlib, gzip and brotli each raise their own exception types on bad input.
            raise ValueError(f"body is not valid {coding!r} content: {exc}") from exc
    return body


_DECODE_CHUNK = 1 << 20


class _Output:
    """Collects decoded chunks, refusing to grow past ``limit`` bytes."""

    def __init__(self, coding: str, limit: int | None):
        self.coding, self.limit = coding, limit
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise ContentTooLarge(
                f"{self.coding!r} body inflates past the {self.limit // 2**20} MiB limit"
            )
        self.chunks.append(chunk)

    def value(self) -> bytes:
        return b"".join(self.chunks)


def _inflate(body: bytes, wbits: int, coding: str, limit: int | None) -> bytes:
    """Inflate a zlib/gzip/raw deflate stream (gzip: every member) in bounded steps."""
    output = _Output(coding, limit)
    data = body
    while True:
        inflater = zlib.decompressobj(wbits)
        while data:
            output.add(inflater.decompress(data, _DECODE_CHUNK))
            data = inflater.unconsumed_tail
            if inflater.eof:
                break
        while not inflater.eof and (chunk := inflater.decompress(b"", _DECODE_CHUNK)):
            output.add(chunk)  # output still held back for input already taken
        if not inflater.eof:
            raise zlib.error(f"{coding} stream is truncated")
        data = inflater.unused_data
        # gzip allows several members in a row (what gzip.decompress reads too).
        if not (wbits & 16 and data.lstrip(b"\0")):
            return output.value()


def _gunzip(body: bytes, limit: int | None) -> bytes:
    return _inflate(body, zlib.MAX_WBITS | 16, "gzip", limit)


def _inflate_deflate(body: bytes, limit: int | None) -> bytes:
    # RFC 9110 deflate is zlib-wrapped, but many servers send raw deflate.
    try:
        return _inflate(body, zlib.MAX_WBITS, "deflate", limit)
    except zlib.error:
        return _inflate(body, -zlib.MAX_WBITS, "deflate", limit)


def _unbrotli(body: bytes, limit: int | None) -> bytes:
    import brotli  # optional: only needed for the rare br-coded response

    output = _Output("br", limit)
    decompressor = brotli.Decompressor()
    chunk = decompressor.process(body, output_buffer_limit=_DECODE_CHUNK)
    while True:
        output.add(chunk)
        if decompressor.is_finished() or decompressor.can_accept_more_data():
            break
        chunk = decompressor.process(b"", output_buffer_limit=_DECODE_CHUNK)
    if not decompressor.is_finished():
        raise brotli.error("brotli stream is truncated")
    return output.value()


_DECODERS = {
    "identity": lambda body, limit: body,
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _inflate_deflate,
    "br": _unbrotli,
}
