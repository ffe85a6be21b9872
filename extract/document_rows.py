"""What one capture is: its ``documents`` row, and its ``parsed_documents`` row if it reads as an
annual report, or its ``errors`` row if reading it failed (:func:`consider`, run in a worker)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from archive import layout
from archive.layout import CaptureKind
from archive.reader import ArchivedRecord, ContentTooLarge, decode_content
from extract import books
from extract.documents import DocumentError, read_document, sniff_type
from extract.documents.bounds import one_document
from extract.documents.model import SOURCE_TYPES
from extract.documents.ziparchive import iter_zip_documents
from extract.grouping import best_title
from extract.limits import MAX_DECODED_BODY
from extract.parse import parse_report
from extract.rendered import rendered_source_type
from nianbao.format import key_str
from nianbao.titles import TitleKind, classify_title, report_year

logger = logging.getLogger(__name__)

# Sniffed types turned into text (MIME HTML and RTF come back as html/doc; a ZIP as its best
# member); any other type (spreadsheets, OFD …) is recorded as not a text document, not an error.
READABLE_TYPES = frozenset(SOURCE_TYPES) | {"mht", "rtf", "zip"}


def consider(
    record: ArchivedRecord, metadata: dict, warc_name: str
) -> tuple[dict, dict | BookPage | None, dict | None]:
    """Decide what one archived response is: ``(documents row, parse result, errors row or None)``.

    The parse result is a parsed_documents row, a :class:`BookPage` (a flip-book page, whose
    text waits for its book's other pages), or None.
    """
    url = record.target_uri or ""
    kind = metadata.get(layout.KIND)
    hint = metadata.get(layout.VIA_TEXT) or None
    document = document_row(record, metadata, warc_name)

    def skip(reason: str, stage: str | None = None, detail: str | None = None):
        document["reason"] = reason
        if stage is None:
            return document, None, None
        logger.warning("%s@%s %s: %s failed: %s", warc_name, record.offset, url, stage, detail)
        return document, None, error_row(warc_name, record.offset, url, stage, detail)

    if record.rec_type == "revisit":  # seen again, content archived before: counted, never re-read
        return skip(
            "revisit: " + ("not modified" if record.http_status == 304 else "identical payload")
        )
    if record.rec_type == "response" and record.http_status != 200:
        return skip(f"HTTP {record.http_status}")
    if kind == CaptureKind.ROBOTS or url.split("?", 1)[0].endswith("/robots.txt"):
        return skip("robots.txt")
    is_book_page = books.book_page(url) is not None
    if kind == CaptureKind.LISTING and not is_book_page:
        return skip("listing page")
    if hint and classify_title(hint) is TitleKind.LOOKALIKE:
        return skip("look-alike title")
    try:
        body = decode_content(
            record.payload or b"", record.http_header("Content-Encoding"), limit=MAX_DECODED_BODY
        )
    except ContentTooLarge as exc:
        return skip(f"too large: {exc}", "decode", f"too large: {exc}")
    except ValueError as exc:
        return skip(f"undecodable: {exc}", "decode", str(exc))
    filename = metadata.get(layout.FILENAME) or url
    source_type = sniff_type(body, record.content_type, filename)
    document["source_type"] = source_type
    if source_type not in READABLE_TYPES:
        return skip(f"not a text document: {source_type or 'unknown type'}")
    if source_type == "image" and kind == CaptureKind.RESOURCE:
        return skip("page requisite image: not read by OCR")  # fetched by the browser
    try:
        with one_document():  # every level of a ZIP or DOCX counts towards one inflation bound
            if source_type == "zip":
                text = best_zip_member(body, hint)
            else:
                text = read_document(
                    body, content_type=record.content_type, filename=filename, url=url
                )
    except DocumentError as exc:
        return skip(f"unreadable: {exc.reason}", "document", exc.reason)
    except Exception as exc:  # noqa: BLE001 — a reader bug or an input no reader foresaw: record it, go on
        return skip(f"unreadable: {type(exc).__name__}", "document", f"{type(exc).__name__}: {exc}")
    document["source_type"] = rendered_source_type(
        record, "zip" if source_type == "zip" else text.source_type
    )
    # A page's own title beats the link text that led to it (list pages cut titles short with
    # '…'); an attachment's link text beats its file's title ('Microsoft Word - 文档1').
    document["title"] = title = best_title(
        [hint, text.title] if kind == CaptureKind.ATTACHMENT else [text.title, hint]
    )
    if text.needs_ocr:
        return skip("needs OCR")
    if is_book_page:
        document["reason"] = books.REASON
        return document, BookPage(text.text), None
    if (
        kind != CaptureKind.ATTACHMENT
        and text.title
        and classify_title(text.title) is TitleKind.LOOKALIKE
    ):
        return skip("look-alike title")
    try:
        report = parse_report(
            text.text,
            title_hint=title,
            cell_slots=text.cell_slots,
            cell_confidence=text.cell_confidence,
        )
    except Exception as exc:  # noqa: BLE001 — as for the readers: one bad text must not stop the run
        return skip(f"parse failed: {type(exc).__name__}", "parse", f"{type(exc).__name__}: {exc}")
    if not report.is_report():
        return skip("no report tables")
    return document, parsed_row(document, metadata, text, report), None


def document_row(record: ArchivedRecord, metadata: dict, warc_name: str) -> dict:
    """The documents row of one capture, before it is read (reason, type and title unset)."""
    url = record.target_uri or ""
    kind = metadata.get(layout.KIND)
    return {
        "record_id": record.record_id,
        "url": url,
        "warc_filename": warc_name,
        "warc_offset": record.offset,
        "payload_digest": record.payload_digest or layout.payload_digest(record.payload or b""),
        "captured_at": record.date,
        "http_status": record.http_status,
        "content_type": record.content_type,
        "kind": kind,
        "source_type": None,
        "title": metadata.get(layout.VIA_TEXT) or None,
        "page_url": metadata.get(layout.VIA)
        if kind == CaptureKind.ATTACHMENT and metadata.get(layout.VIA)
        else url,
        "site_name": metadata.get(layout.SITE_NAME),
        "is_report": 0,
        "reason": None,
        "revisit_of": record.refers_to if record.rec_type == "revisit" else None,
    }


def best_zip_member(body: bytes, title_hint: str | None):
    """The member of a ZIP attachment that reads as the most complete report (its text)."""
    best, best_cells, reasons = None, -1, []
    for name, text in iter_zip_documents(body, read_document):
        if isinstance(text, DocumentError):
            reasons.append(f"{name}: {text.reason}")
            continue
        cells = sum(
            c.value is not None
            for c in parse_report(
                text.text, title_hint=title_hint, cell_slots=text.cell_slots
            ).cells.values()
        )
        if cells > best_cells:
            best, best_cells = text, cells
    if best is None:
        raise DocumentError(
            "no readable document in the ZIP" + (f" ({'; '.join(reasons)})" if reasons else "")
        )
    return best


@dataclass
class BookPage:
    """What :func:`consider` gives for a flip-book text page: its text, joined later per book."""

    text: str


# The documents columns a parsed_documents row repeats (the merge reads them without a join).
PARSED_FROM_DOCUMENT = (
    "record_id",
    "url",
    "page_url",
    "payload_digest",
    "source_type",
    "captured_at",
    "warc_filename",
    "warc_offset",
    "site_name",
)


def parsed_row(document: dict, metadata: dict, text, report) -> dict:
    """The parsed_documents row of a document that parsed as a report."""
    titles = [t for t in (report.title, text.title, metadata.get(layout.VIA_TEXT)) if t]
    year = report.year
    if year is None:
        year = next((y for y in map(report_year, titles) if y is not None), None)
    # Every cell of a scan is marked OCR'd; in a PDF with a few scanned pages, the cells read
    # from them (they carry the engine's confidence).
    cells = [
        [
            *key, cell.value, cell.raw, cell.note, int(bool(cell.derived)),
            "ocr" if text.ocr_engine or cell.confidence is not None else "text",
            cell.confidence,
        ]
        for key, cell in sorted(report.cells.items())
    ]  # fmt: skip
    return {
        **{k: document[k] for k in PARSED_FROM_DOCUMENT},
        "site_region_code": metadata.get(layout.SITE_REGION_CODE),
        "site_level": metadata.get(layout.SITE_LEVEL),
        "title": titles[0] if titles else None,
        "agency": report.agency,
        "year": year,
        "format_version": report.format_version,
        "published": report.published,
        "page_published": text.published,
        "cells_read": sum(1 for cell in report.cells.values() if cell.value is not None),
        "problems": json.dumps(list(report.problems), ensure_ascii=False),
        "sections": json.dumps({str(n): s for n, s in report.sections.items()}, ensure_ascii=False),
        "cells": json.dumps(cells, ensure_ascii=False),
        "narrative": json.dumps(
            [
                [f.key if isinstance(f.key, str) else key_str(f.key), f.value, f.quote]
                for f in report.narrative
            ],
            ensure_ascii=False,
        ),
    }


def failed(record: ArchivedRecord, metadata: dict, warc_name: str, reason: str) -> tuple:
    """The rows of a document whose worker failed (out of memory or time, or died)."""
    document = document_row(record, metadata, warc_name)
    document["reason"] = f"unreadable: {reason}"
    logger.warning("%s@%s %s: %s", warc_name, record.offset, record.target_uri, reason)
    return document, None, error_row(warc_name, record.offset, record.target_uri, "worker", reason)


def error_row(warc_name: str, offset: int, url: str | None, stage: str, reason: str) -> dict:
    """A row of the errors table."""
    return {
        "warc_filename": warc_name,
        "offset": offset,
        "url": url,
        "stage": stage,
        "reason": reason,
    }
