"""Reading the WARC archive back: records, response/metadata captures, single records by offset.

Everything streams through warcio's ``ArchiveIterator`` one record at a time. HTTP heads are
parsed here (latin-1, order and repeats kept, see :mod:`archive.http_head`) rather than by
warcio, which decodes header bytes as UTF-8 when it can and so cannot round-trip them.

Damaged files: iteration yields every record before the damage, then raises
:class:`ArchiveReadError` (``errors="raise"``), logs it and stops (``errors="log"``), or steps
over the damaged span to the next intact record (``errors="resync"``), so one corrupt gzip
member or lying Content-Length costs only the records it damaged.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

# Re-exported: callers have always imported decoding from here.
from archive.coding import ContentTooLarge, decode_content  # noqa: F401
from archive.http_head import parse_head, parse_status_line
from archive.resync import SkippedBytes, is_gzipped, next_record_start

logger = logging.getLogger(__name__)

_HTTP_HEAD_LIMIT = 1 << 20
_READ_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
)


class ArchiveReadError(Exception):
    """A WARC file is damaged: ``path`` could not be read past the record at ``offset``.

    ``offset`` is the byte offset (in the file as stored, i.e. compressed) of the gzip member
    or record where reading failed; every record before it was read successfully.
    """

    def __init__(self, path: str | os.PathLike, offset: int, reason: str):
        super().__init__(f"{path}: damaged at byte {offset}: {reason}")
        self.path = str(path)
        self.offset = offset
        self.reason = reason


@dataclass
class ArchivedRecord:
    """One WARC record with its HTTP head parsed; payload bytes exactly as archived."""

    filename: str
    offset: int
    #: Bytes the record takes in the file as stored; None if it was not read to its end.
    length: int | None
    rec_type: str
    record_id: str
    target_uri: str | None
    date: str | None
    concurrent_to: str | None
    refers_to: str | None
    payload_digest: str | None
    block_digest: str | None
    http_status: int | None
    http_reason: str | None
    http_headers: list[tuple[str, str]]
    #: HTTP Content-Type for request/response records, the record's own for the others.
    content_type: str | None
    #: Content coding still applied (see :func:`decode_content`); None if not read.
    payload: bytes | None
    #: Parsed ``application/warc-fields`` of metadata and warcinfo records, else empty.
    fields: dict[str, str] = field(default_factory=dict)

    def http_header(self, name: str) -> str | None:
        """First value of an HTTP header, matched case-insensitively."""
        wanted = name.lower()
        return next((value for key, value in self.http_headers if key.lower() == wanted), None)


@dataclass
class Capture:
    """A response record and the fields of the metadata record written with it."""

    response: ArchivedRecord
    metadata: dict[str, str]


def iter_records(
    path: str | os.PathLike,
    *,
    with_payload: bool = True,
    errors: str = "raise",
    start: int = 0,
) -> Iterator[ArchivedRecord | SkippedBytes]:
    """Yield the records of a ``.warc.gz`` or ``.warc`` file in order, streaming, from byte ``start``.

    With ``with_payload=False`` payloads are skipped (``payload`` is None), which keeps
    indexing cheap. ``start`` must be a record boundary (an offset a record gave). On damage:
    ``errors="raise"`` raises :class:`ArchiveReadError` after the good records, ``errors="log"``
    logs a warning and stops, ``errors="resync"`` yields a :class:`SkippedBytes` for the damaged
    span, finds the next record (:mod:`archive.resync`) and goes on reading.
    """
    if errors not in ("raise", "log", "resync"):
        raise ValueError(f"errors must be 'raise', 'log' or 'resync': {errors!r}")
    path = Path(path)
    with open(path, "rb") as stream:
        offset = start
        while True:
            stream.seek(offset)
            try:
                yield from _read_records(stream, path, with_payload)
                return
            except ArchiveReadError as damage:
                if errors == "raise":
                    raise
                logger.warning("%s", damage)
                if errors == "log":
                    return
                offset = next_record_start(stream, damage.offset, is_gzipped(stream))
                end = offset if offset is not None else os.fstat(stream.fileno()).st_size
                yield SkippedBytes(path.name, damage.offset, end - damage.offset, damage.reason)
                if offset is None:
                    return


def iter_captures(
    path: str | os.PathLike, *, with_payload: bool = True, errors: str = "raise"
) -> Iterator[Capture]:
    """Yield each response with the fields of the metadata record concurrent to it ({} if none).

    Holds at most one response back while looking at the record after it.
    """
    pending: ArchivedRecord | None = None
    for record in iter_records(path, with_payload=with_payload, errors=errors):
        if isinstance(record, SkippedBytes):
            continue  # errors="resync": a damaged span, already logged
        if pending is not None:
            if record.rec_type == "metadata" and record.concurrent_to == pending.record_id:
                yield Capture(pending, record.fields)
                pending = None
                continue
            yield Capture(pending, {})
            pending = None
        if record.rec_type == "response":
            pending = record
    if pending is not None:
        yield Capture(pending, {})


#: Asked by :func:`read_record` after a record's HTTP head: read the payload? It is shown the
#: record (payload None) and the payload's first bytes as archived.
PayloadWanted = Callable[[ArchivedRecord, bytes], bool]


def read_record(
    path: str | os.PathLike,
    offset: int,
    *,
    payload_wanted: PayloadWanted | None = None,
    peek: int = 0,
) -> ArchivedRecord:
    """Read the one record whose gzip member (or record, uncompressed) starts at ``offset``.

    With ``payload_wanted``, the record's heads and the first ``peek`` bytes of its payload are
    read, and ``payload_wanted(record, first_bytes)`` decides whether the rest is: if not, the
    record comes back with ``payload`` and ``length`` None, having cost a gzip block or so, not
    the whole member; damage past what was read goes unnoticed.
    """
    path = Path(path)
    if offset < 0:
        raise ValueError(f"offset cannot be negative: {offset}")
    with open(path, "rb") as stream:
        stream.seek(offset)
        gate = (payload_wanted, peek) if payload_wanted is not None else None
        for record in _read_records(stream, path, with_payload=True, gate=gate):
            return record
    raise ArchiveReadError(path, offset, "no record at this offset (end of file)")


def _read_records(
    stream, path: Path, with_payload: bool, gate: tuple[PayloadWanted, int] | None = None
) -> Iterator[ArchivedRecord]:
    iterator = ArchiveIterator(stream, no_record_parse=True)
    records = iter(iterator)
    while True:
        start = iterator.offset
        try:
            warc_record = next(records)
        except StopIteration:
            # A member cut within its first bytes decompresses to nothing, which warcio takes
            # for the end of the file: whatever lies past the last record is damage.
            size = os.fstat(stream.fileno()).st_size
            if iterator.offset < size:
                raise ArchiveReadError(
                    path,
                    iterator.offset,
                    f"{size - iterator.offset} bytes at the end are not a record",
                ) from None
            return
        except _READ_ERRORS as exc:
            raise ArchiveReadError(path, start, f"{type(exc).__name__}: {exc}") from exc
        try:
            archived = _to_archived(warc_record, iterator, path.name, with_payload, start, gate)
        except _READ_ERRORS as exc:
            raise ArchiveReadError(path, start, f"{type(exc).__name__}: {exc}") from exc
        if iterator.err_count:
            raise ArchiveReadError(path, start, "record is not followed by its blank lines")
        yield archived


def _to_archived(
    record,
    iterator: ArchiveIterator,
    filename: str,
    with_payload: bool,
    start: int,
    gate: tuple[PayloadWanted, int] | None = None,
) -> ArchivedRecord:
    block = record.raw_stream
    content_type = record.rec_headers.get_header("Content-Type")
    http_head = b""
    if record.rec_type in ("request", "response", "revisit") and (content_type or "").startswith(
        "application/http"
    ):
        http_head = _read_http_head(block)
    archived = _described(record, filename, start, http_head)
    fields_wanted = (
        record.rec_type in ("metadata", "warcinfo") and content_type == "application/warc-fields"
    )
    if gate is not None and not fields_wanted:
        wanted, peek = gate
        first = block.read(peek)
        if not wanted(archived, first):
            return archived  # the rest of the member stays compressed, unread
        payload = first + block.read()
        payload_size = len(payload)
    elif with_payload or fields_wanted:
        payload = block.read()
        payload_size = len(payload)
    else:
        payload, payload_size = None, _drain(block)
    _check_complete(record, iterator, len(http_head) + payload_size)
    archived.offset, archived.length = iterator.member_info
    archived.payload = payload if with_payload else None
    if fields_wanted:
        archived.fields = parse_warc_fields(payload)
    return archived


def _described(record, filename: str, offset: int, http_head: bytes) -> ArchivedRecord:
    """The record as its WARC and HTTP heads describe it, its payload and length not yet read."""
    headers = record.rec_headers
    content_type = headers.get_header("Content-Type")
    status = reason = None
    http_headers: list[tuple[str, str]] = []
    if http_head:
        start_line, http_headers = parse_head(http_head)
        if record.rec_type != "request":
            _protocol, status, reason = parse_status_line(start_line)
        content_type = next((v for k, v in http_headers if k.lower() == "content-type"), None)
    return ArchivedRecord(
        filename=filename,
        offset=offset,
        length=None,
        rec_type=record.rec_type,
        record_id=headers.get_header("WARC-Record-ID"),
        target_uri=headers.get_header("WARC-Target-URI"),
        date=headers.get_header("WARC-Date"),
        concurrent_to=headers.get_header("WARC-Concurrent-To"),
        refers_to=headers.get_header("WARC-Refers-To"),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        block_digest=headers.get_header("WARC-Block-Digest"),
        http_status=status,
        http_reason=reason,
        http_headers=http_headers,
        content_type=content_type,
        payload=None,
    )


def _check_complete(record, iterator: ArchiveIterator, block_size: int) -> None:
    """Raise EOFError unless the record, and its gzip member if any, arrived whole.

    warcio reads a torn record without complaint (a cut WARC head simply has fewer fields, a
    cut block is short), so completeness is checked here.
    """
    if record.length is None or record.rec_headers.get_header("WARC-Record-ID") is None:
        raise EOFError("WARC header is incomplete (no Content-Length or WARC-Record-ID)")
    if block_size != record.length:
        raise EOFError(f"record block has {block_size} of its {record.length} bytes (truncated)")
    iterator.read_to_end()
    decompressor = iterator.reader.decompressor
    if decompressor is not None and not decompressor.eof:
        raise EOFError("gzip member is truncated")


def parse_warc_fields(block: bytes) -> dict[str, str]:
    """Parse an ``application/warc-fields`` block (UTF-8 ``name: value`` lines).

    A repeated name keeps its last value. Raises ``ValueError`` for a line without a colon.
    """
    fields: dict[str, str] = {}
    for line in block.decode("utf-8").splitlines():
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValueError(f"warc-fields line is not 'name: value': {line!r}")
        fields[name.strip()] = value.strip()
    return fields


def _read_http_head(block) -> bytes:
    """Read the HTTP head (through the blank line) off the start of a record block."""
    lines = []
    size = 0
    while True:
        line = block.readline()
        if not line:
            raise EOFError("HTTP head is not terminated by a blank line")
        lines.append(line)
        size += len(line)
        if size > _HTTP_HEAD_LIMIT:
            raise ValueError(f"HTTP head longer than {_HTTP_HEAD_LIMIT} bytes")
        if line in (b"\r\n", b"\n") and len(lines) > 1:
            return b"".join(lines)


def _drain(block) -> int:
    size = 0
    while chunk := block.read(1 << 16):
        size += len(chunk)
    return size
