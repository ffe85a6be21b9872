"""Repairing ``.warc.gz.open`` files left behind by a killed crawl.

The writer flushes whole record groups (request, response, optional metadata), so a SIGKILL
leaves at most one torn group at the end of the file being written. Repair walks the gzip
members with zlib itself rather than warcio, because it must tell exactly where the last
*complete* member ends: gzip's end marker and CRC, and a block as long as its Content-Length.
It cuts the file there, after the last complete group, and gives it its finished name.

Run it only while no writer is using the directory, e.g. at crawl start.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeadersParser, StatusAndHeadersParserException

from archive.layout import OPEN_SUFFIX, unfinished_warcs

logger = logging.getLogger(__name__)

_READ_SIZE = 1 << 16
_OUTPUT_LIMIT = 1 << 20
_WARC_HEAD_LIMIT = 1 << 16
_WARC_PARSER = StatusAndHeadersParser(["WARC/1.1", "WARC/1.0"])


@dataclass
class RepairReport:
    """What repair did to one file: ``path`` is its finished name, or the ``.open`` name if removed."""

    path: Path
    kept_bytes: int
    dropped_bytes: int
    reason: str
    removed: bool = False


@dataclass
class _Member:
    offset: int
    end: int
    rec_type: str
    record_id: str
    concurrent_to: str | None


class _Torn(Exception):
    def __init__(self, offset: int, reason: str):
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


def repair_open_files(directory: str | os.PathLike) -> list[RepairReport]:
    """Repair every ``*.warc.gz.open`` file in ``directory``; one report per file, sorted by name.

    Each file is cut after its last complete record group and renamed to ``*.warc.gz``. A file
    with no complete record at all is removed. Raises ``FileExistsError`` rather than
    overwrite a finished file of the same name.
    """
    return [repair_open_file(path) for path in unfinished_warcs(directory)]


def repair_open_file(path: str | os.PathLike) -> RepairReport:
    """Repair one ``.warc.gz.open`` file; see :func:`repair_open_files`."""
    path = Path(path)
    if not path.name.endswith(OPEN_SUFFIX):
        raise ValueError(f"not an open archive file: {path}")
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    if final.exists():
        raise FileExistsError(f"{final} exists; refusing to replace it with {path.name}")
    size = path.stat().st_size
    kept, reason = complete_prefix(path)
    dropped = size - kept
    if kept == 0:
        path.unlink()
        reason = f"no complete record, file removed: {reason}"
        logger.warning("%s (%d bytes): %s", path, size, reason)
        return RepairReport(path, 0, dropped, reason, removed=True)
    if dropped:
        os.truncate(path, kept)
        logger.warning("%s: dropped %d bytes after byte %d: %s", path, dropped, kept, reason)
    os.rename(path, final)
    return RepairReport(final, kept, dropped, reason)


def complete_prefix(path: str | os.PathLike) -> tuple[int, str]:
    """How many leading bytes of a ``.warc.gz`` form complete record groups, and why not more.

    A ``request`` counts only once the ``response`` (or ``revisit``) it is concurrent to has
    followed it.
    """
    kept = 0
    pending_request: _Member | None = None
    with open(path, "rb") as stream:
        try:
            for member in _iter_members(stream):
                if pending_request is not None:
                    if (
                        member.rec_type not in ("response", "revisit")
                        or member.record_id != pending_request.concurrent_to
                    ):
                        return kept, (
                            f"request at byte {pending_request.offset} is not followed by its response"
                        )
                    pending_request = None
                if member.rec_type == "request":
                    pending_request = member
                else:
                    kept = member.end
        except _Torn as torn:
            return kept, f"torn record at byte {torn.offset}: {torn.reason}"
    if pending_request is not None:
        return kept, f"request at byte {pending_request.offset} has no response"
    return kept, "complete"


def _iter_members(stream) -> Iterator[_Member]:
    """Yield each complete gzip member as a parsed record; raise _Torn at the first bad one."""
    offset = 0
    data = stream.read(_READ_SIZE)
    read_end = len(data)
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        head = bytearray()
        tail = b""
        size = 0
        while not inflater.eof:
            try:
                out = inflater.decompress(data, _OUTPUT_LIMIT)
            except zlib.error as exc:
                raise _Torn(offset, f"not valid gzip: {exc}") from None
            size += len(out)
            if len(head) < _WARC_HEAD_LIMIT:
                head += out[: _WARC_HEAD_LIMIT - len(head)]
            tail = (tail + out)[-4:]
            data = inflater.unconsumed_tail
            # A full output buffer may hide more output for the same input: ask again first.
            if not data and not inflater.eof and len(out) < _OUTPUT_LIMIT:
                data = stream.read(_READ_SIZE)
                read_end += len(data)
                if not data:
                    raise _Torn(offset, "gzip member ends before its end marker")
        end = read_end - len(inflater.unused_data)
        yield _parse_member(offset, end, bytes(head), size, tail)
        offset = end
        data = inflater.unused_data
        if not data:
            data = stream.read(_READ_SIZE)
            read_end += len(data)


def _parse_member(offset: int, end: int, head: bytes, size: int, tail: bytes) -> _Member:
    header_end = head.find(b"\r\n\r\n")
    if header_end == -1:
        raise _Torn(offset, "WARC record header is incomplete")
    header_length = header_end + 4
    try:
        headers = _WARC_PARSER.parse(BytesIO(head[:header_length]))
    except (StatusAndHeadersParserException, EOFError) as exc:
        raise _Torn(offset, f"no WARC record header: {exc}") from None
    try:
        length = int(headers.get_header("Content-Length"))
    except (TypeError, ValueError):
        raise _Torn(offset, "WARC record has no valid Content-Length") from None
    if size != header_length + length + 4 or tail != b"\r\n\r\n":
        raise _Torn(
            offset, f"member holds {size} bytes, the record needs {header_length + length + 4}"
        )
    rec_type = headers.get_header("WARC-Type")
    record_id = headers.get_header("WARC-Record-ID")
    if not rec_type or not record_id:
        raise _Torn(offset, "WARC record lacks WARC-Type or WARC-Record-ID")
    return _Member(offset, end, rec_type, record_id, headers.get_header("WARC-Concurrent-To"))
