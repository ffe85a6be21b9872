"""Finding where the next WARC record starts after damage, so reading can go on past it.

A ``.warc.gz`` holds one gzip member per record: after a corrupt member, or a record whose
Content-Length lies, the next member header (``1f 8b 08``) whose first inflated bytes are
``WARC/1.`` starts the next intact record. In an uncompressed ``.warc`` it is the next line
that begins ``WARC/1.0`` or ``WARC/1.1``. A false match (the bytes of an archived WARC, say) only
costs one more damaged span: reading resynchronises again after it.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n)")
_SCAN_CHUNK = 1 << 20
_OVERLAP = 16


@dataclass
class SkippedBytes:
    """A damaged span of a WARC file that reading stepped over: ``length`` bytes at ``offset``."""

    filename: str
    offset: int
    length: int
    reason: str

    def describe(self) -> str:
        return (
            f"damaged WARC: {self.length} bytes skipped at byte {self.offset} "
            f"of {self.filename}: {self.reason}"
        )


def is_gzipped(stream) -> bool:
    """Whether the WARC file open as ``stream`` is gzip-compressed (from its first bytes)."""
    stream.seek(0)
    return stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC


def next_record_start(stream, after: int, compressed: bool) -> int | None:
    """The offset of the first plausible record start past ``after``, or None up to the end."""
    position = after + 1
    while True:
        stream.seek(position)
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return None
        found = _gzip_start(stream, chunk, position) if compressed else _warc_line(chunk)
        if found is not None:
            return position + found
        if len(chunk) < _SCAN_CHUNK:
            return None
        position += len(chunk) - _OVERLAP  # a header cut by the chunk's end is seen next time


def _gzip_start(stream, chunk: bytes, base: int) -> int | None:
    index = chunk.find(GZIP_MAGIC)
    while index != -1:
        if _inflates_to_warc(stream, base + index):
            return index
        index = chunk.find(GZIP_MAGIC, index + 1)
    return None


def _inflates_to_warc(stream, offset: int) -> bool:
    stream.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        head = inflater.decompress(stream.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/1.")


def _warc_line(chunk: bytes) -> int | None:
    match = _WARC_LINE.search(chunk)
    return match.start(1) if match else None
