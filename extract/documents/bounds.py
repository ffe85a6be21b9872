"""Checks that keep one document's decoding within :mod:`extract.limits`."""

from __future__ import annotations

import base64
import io
import re
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar

from extract.limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_HTML_MARKUP,
    MAX_INFLATED_TOTAL,
    MAX_PDF_STREAM,
    MAX_PDF_STREAMS_TOTAL,
    MAX_XML_PART,
    MiB,
)

from .model import DocumentError

_MEMBER_STEP = 1 << 20


class TooLarge(DocumentError):
    """A document (or a part of it) would inflate past one of the limits above."""

    def __init__(self, what: str, limit: int):
        super().__init__(f"too large: {what} past the {limit // MiB} MiB limit")


def check_zip_sizes(archive: zipfile.ZipFile, what: str) -> int:
    """Refuse a ZIP-based file whose central directory declares too much; return its total.

    XML parts are held to :data:`MAX_XML_PART` each, the whole to what the document may still
    inflate (:func:`charge`). Declared sizes can lie: read members with :func:`read_member`.
    """
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise DocumentError(
            f"too large: {what} holds {len(members)} files, more than {MAX_ARCHIVE_MEMBERS}"
        )
    total = 0
    for info in members:
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            raise TooLarge(
                f"{what} part {info.filename} declares {info.file_size} bytes", MAX_XML_PART
            )
        total += info.file_size
    if total > MAX_INFLATED_TOTAL:
        raise TooLarge(f"{what} declares {total} bytes inflated", MAX_INFLATED_TOTAL)
    charge(total, what)
    return total


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, inflated in bounded steps.

    ``ZipFile.read`` asks zlib for up to 2 GiB at once and only then cuts the output to the
    declared size, so a member that lies about its size is inflated whole first. Read in
    steps, zipfile stops at the declared size and then fails the CRC check (BadZipFile).
    """
    chunks = []
    with archive.open(info) as member:
        while chunk := member.read(_MEMBER_STEP):
            chunks.append(chunk)
    return b"".join(chunks)


def check_office_zip(payload: bytes, what: str) -> None:
    """Check an Office file (DOCX/XLSX/WPS) before a library inflates its parts unbounded.

    Its declared sizes (:func:`check_zip_sizes`), then every part inflated once in bounded
    steps and thrown away, so a part that lies about its size fails here (CRC) instead of
    inside python-docx or openpyxl, which read parts with ``ZipFile.read``.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            check_zip_sizes(archive, what)
            for info in archive.infolist():
                with archive.open(info) as member:
                    while member.read(_MEMBER_STEP):
                        pass
    except (zipfile.BadZipFile, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise DocumentError(f"not a readable {what}: {type(exc).__name__}: {exc}") from exc


# Bytes inflated so far for the document being read, over every level of nesting.
_inflated: ContextVar[int] = ContextVar("inflated", default=0)


@contextmanager
def one_document():
    """Count inflated bytes afresh for one document (its members and parts all charged to it)."""
    token = _inflated.set(0)
    try:
        yield
    finally:
        _inflated.reset(token)


def charge(size: int, what: str) -> None:
    """Add ``size`` inflated bytes to the current document; raise :class:`TooLarge` past the total."""
    spent = _inflated.get() + size
    _inflated.set(spent)
    if spent > MAX_INFLATED_TOTAL:
        raise TooLarge(f"{what}: {spent} bytes inflated in all", MAX_INFLATED_TOTAL)


# An inline image (data: URI) long enough to matter: its bytes are one attribute, not a tree.
_DATA_URI = re.compile(rb"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{1024,}")


def check_html_size(payload: bytes) -> None:
    """Refuse an HTML page whose markup would build a tree of GBs (see MAX_HTML_MARKUP)."""
    if len(payload) <= MAX_HTML_MARKUP:
        return
    markup = len(payload) - sum(len(m.group()) for m in _DATA_URI.finditer(payload))
    if markup > MAX_HTML_MARKUP:
        raise TooLarge(f"HTML page of {markup} bytes of markup", MAX_HTML_MARKUP)


# 'stream' then its end of line starts a PDF stream's data ('endstream' does not).
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_SCAN_STEP = 1 << 16
_PDF_DICTIONARY_LOOKBACK = 4096
_ASCII85_FILTER = re.compile(rb"/(?:ASCII85Decode|A85)\b")


def check_pdf_streams(payload: bytes) -> None:
    """Refuse a PDF whose flate streams inflate past the limits, before pdfminer inflates them.

    pdfminer inflates a stream whole, with no bound, when a page needs it. So every stream whose
    data starts with a zlib header is inflated here first, chunk by chunk, counting and keeping
    nothing; so is one in ASCII85 (``/Filter [/ASCII85Decode /FlateDecode]``), decoded first.
    The stream's own /Length is not trusted: a deflate stream says where it ends, an ASCII85 one
    ends at ``~>``. Image streams are skipped (reading text never decodes them). Streams of an
    encrypted PDF, or behind another filter, are not seen: the worker's memory cap is the second
    line for those.
    """
    total = 0
    for match in _PDF_STREAM.finditer(payload):
        start = match.end()
        flate = _zlib_header(payload[start : start + 2])
        dictionary = payload[max(0, match.start() - _PDF_DICTIONARY_LOOKBACK) : match.start()]
        opened = dictionary.rfind(b" obj")  # this stream's object, not the one before it
        dictionary = dictionary[opened:] if opened >= 0 else dictionary
        if not flate and not _ASCII85_FILTER.search(dictionary):
            continue
        if b"/Image" in dictionary:
            continue
        total += _inflated_size(payload, start) if flate else _ascii85_inflated_size(payload, start)
        if total > MAX_PDF_STREAMS_TOTAL:
            raise TooLarge("PDF streams inflate", MAX_PDF_STREAMS_TOTAL)


def _ascii85_inflated_size(payload: bytes, start: int) -> int:
    """Bytes the ASCII85 stream at ``start`` inflates to, if it holds a zlib stream; else 0."""
    end = payload.find(b"~>", start)
    if end < 0:
        return 0
    try:
        # At most 4/5 of bytes the payload already holds; whitespace and "z" as the filter reads them.
        decoded = base64.a85decode(payload[start:end])
    except ValueError:
        return 0  # damaged: pdfminer gives up on it too
    return _inflated_size(decoded, 0) if _zlib_header(decoded[:2]) else 0


def _zlib_header(head: bytes) -> bool:
    return len(head) == 2 and head[0] & 0x0F == 8 and ((head[0] << 8) | head[1]) % 31 == 0


def _inflated_size(payload: bytes, start: int) -> int:
    """Bytes the zlib stream at ``start`` inflates to (up to where it is damaged), bounded."""
    inflater = zlib.decompressobj()
    view = memoryview(payload)
    position, size = start, 0
    try:
        while not inflater.eof and position < len(payload):
            data = view[position : position + _PDF_SCAN_STEP]
            position += len(data)
            while data and not inflater.eof:
                size += len(inflater.decompress(data, _PDF_SCAN_STEP * 16))
                data = inflater.unconsumed_tail
                if size > MAX_PDF_STREAM:
                    raise TooLarge("a PDF stream inflates", MAX_PDF_STREAM)
    except zlib.error:
        pass  # damaged: pdfminer inflates what it can of it, at most what was counted
    return size
