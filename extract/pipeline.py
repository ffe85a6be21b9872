"""WARC → documents → reports: the extractor's main loop.

Every WARC file under the archive directory is read record by record (one payload in memory at a
time). Each response (and ``resource`` record) becomes a row of ``documents``; the ones that parse
as an annual report are kept in ``parsed_documents`` until :func:`extract.merge.resolve_reports`
merges copies of one report and writes ``reports``/``cells``/``checks``. Rows are committed in
batches together with the file's read position, so an interrupted run resumes where it stopped
and a second run over the same archive adds nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive import layout
from archive.reader import (
    ArchivedRecord,
    ArchiveReadError,
    ContentTooLarge,
    decode_content,
    iter_records,
)
from archive.resync import SkippedBytes
from extract import books, discovered
from extract import db as store
from extract.documents import DocumentError, read_document, sniff_type
from extract.documents.bounds import one_document
from extract.documents.model import SOURCE_TYPES
from extract.documents.ziparchive import iter_zip_documents
from extract.limits import MAX_DECODED_BODY
from extract.merge import best_title, resolve_reports
from extract.parse import parse_report
from extract.rendered import is_rendered_dom, rendered_source_type
from extract.sites import import_sites
from extract.summary import Summary
from extract.versions import import_crawls, refresh_versions
from extract.workers import WorkerFailure, WorkerPool, default_jobs
from nianbao.format import key_str
from nianbao.titles import TitleKind, classify_title, report_year

logger = logging.getLogger(__name__)

# Rows per commit: big enough to amortise the transaction, small enough to bound memory
# (a parsed report carries its section texts, a few tens of KB).
BATCH_SIZE = 100
# Sniffed types turned into text (MIME HTML and RTF come back as html/doc; a ZIP as its best
# member); any other type (spreadsheets, OFD …) is recorded as not a text document, not an error.
READABLE_TYPES = frozenset(SOURCE_TYPES) | {"mht", "rtf", "zip"}


@dataclass
class PendingWarc:
    """A WARC file with records not read yet: read ``path`` from byte ``start``."""

    path: Path
    name: str  # relative to the archive directory, without '.open': the name it will keep
    archive_dir: str
    size: int
    start: int
    is_open: bool
    records_before: int = 0  # captures read from it by earlier runs


def pending_warcs(archive_dir: str | os.PathLike, db) -> tuple[list[PendingWarc], int]:
    """The files (or file tails) to read, and how many files are skipped as already done."""
    root = Path(archive_dir)
    pending: dict[str, PendingWarc] = {}
    skipped = 0
    for path in layout.list_warcs(root, include_open=True):
        is_open = layout.is_open(path)
        name = layout.warc_name(root, path)
        if name in pending and is_open:
            continue  # the finished file of the same name wins over a stale .open copy
        size = path.stat().st_size
        state = store.warc_state(db, name)
        start = done = 0
        if state is not None:
            if state["complete"] and state["size"] == size:
                skipped += 1
                continue
            # An appended-to (or finished .open) file resumes; a shrunk or rewritten one restarts.
            if state["offset"] <= size:
                start, done = state["offset"], state["records"] or 0
        pending[name] = PendingWarc(path, name, str(root.resolve()), size, start, is_open, done)
    return sorted(pending.values(), key=lambda warc: warc.name), skipped


def pending_bytes(archive_dir: str | os.PathLike, db_path: str | os.PathLike) -> int:
    """Bytes the next :func:`extract_archive` call will read (for a progress bar)."""
    db = store.open_database(db_path)
    try:
        warcs, _ = pending_warcs(archive_dir, db)
        return sum(warc.size - warc.start for warc in warcs)
    finally:
        db.close()


def extract_archive(
    archive_dir: str | os.PathLike,
    db_path: str | os.PathLike,
    *,
    on_bytes: Callable[[int], None] | None = None,
    jobs: int | None = None,
) -> Summary:
    """Read the new records of every WARC under ``archive_dir`` into the database at ``db_path``.

    Documents are read by ``jobs`` worker processes (default: one per core) under the memory
    and time limits of :mod:`extract.limits`; ``jobs=0`` reads them in this process, without
    limits (for debugging). ``on_bytes(n)`` is called as WARC bytes are consumed. Returns the
    run's :class:`Summary`.
    """
    db = store.open_database(db_path)
    summary = Summary()
    jobs = default_jobs() if jobs is None else jobs
    try:
        warcs, summary.warcs_skipped = pending_warcs(archive_dir, db)
        with contextlib.ExitStack() as stack:
            pool = stack.enter_context(WorkerPool(consider, jobs)) if jobs and warcs else None
            for warc in warcs:
                read_warc(db, warc, summary, on_bytes, pool)
        books.assemble_books(db, parsed_row)
        resolve_reports(db, summary)
        discovered.refresh_missing(db)
        import_crawls(db, archive_dir)
        import_sites(db, archive_dir)  # what each crawl understood of each site
        refresh_versions(db)  # versions, first/last seen, gone: over every crawl read so far
        summary.reports_in_database = db.table("reports").count
    finally:
        db.close()
    return summary


# --- one WARC file ---------------------------------------------------------------------------


@dataclass
class _Batch:
    documents: list[dict] = field(default_factory=list)
    parsed: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    book_pages: list[dict] = field(default_factory=list)
    discovered: list[dict] = field(default_factory=list)


def read_warc(
    db,
    warc: PendingWarc,
    summary: Summary,
    on_bytes: Callable[[int], None] | None = None,
    pool: WorkerPool | None = None,
) -> None:
    """Consider every capture of one file from ``warc.start`` on, committing in batches.

    The file is read here, streaming; each capture goes to a worker of ``pool`` (or is read in
    this process without one) and its rows come back in file order, so the committed read
    position never passes a document whose rows are not committed with it.
    """
    summary.warcs_read += 1
    logger.info("Reading %s%s", warc.name, f" from byte {warc.start}" if warc.start else "")
    batch = _Batch()
    position = warc.start
    records = warc.records_before
    damage: list[ArchiveReadError] = []

    def commit(complete: bool) -> None:
        with db.atomic():
            store.upsert_documents(db, batch.documents)
            store.upsert_parsed(db, batch.parsed)
            store.record_errors(db, batch.errors)
            if batch.book_pages:
                db.table("book_pages").upsert_all(batch.book_pages, pk="record_id")
            discovered.store_discovered(db, batch.discovered)
            store.save_warc_state(
                db,
                warc.name,
                archive_dir=warc.archive_dir,
                size=max(warc.size, position),
                offset=position,
                complete=complete,
                records=records,
            )
        for rows in (
            batch.documents,
            batch.parsed,
            batch.errors,
            batch.book_pages,
            batch.discovered,
        ):
            rows.clear()

    def add_error(error: dict, where: str) -> None:
        batch.errors.append(error)
        summary.add_error(where, error["stage"], error["reason"])

    def discovery_found(record: ArchivedRecord) -> None:
        batch.discovered.extend(discovered.discovery_rows(record))

    for key, outcome in _considered(warc, pool, damage, discovery_found):
        killed = isinstance(outcome, WorkerFailure)
        if isinstance(key, SkippedBytes):
            add_error(_skipped_row(key, warc.name), f"{warc.name}@{key.offset}")
            end = key.offset + key.length
        else:
            record, metadata, end = key
            if killed:
                outcome = failed(record, metadata, warc.name, outcome.reason)
            document, parsed, error = outcome
            if isinstance(parsed, BookPage):
                batch.book_pages.append(books.page_row(document, metadata, parsed.text))
                parsed = None
            batch.documents.append(document)
            summary.documents += 1
            records += 1
            if parsed is not None:
                batch.parsed.append(parsed)
            else:
                summary.not_reports[_reason_kind(document["reason"])] += 1
            if error is not None:
                add_error(error, f"{warc.name}@{record.offset} {record.target_uri}")
        if on_bytes is not None:
            on_bytes(end - position)
        position = end
        # A document that cost its worker is committed at once: were the run to die next,
        # it would not be read (and cost a worker) again.
        if killed or len(batch.documents) >= BATCH_SIZE:
            commit(complete=False)
    if damage and not warc.is_open:
        # Read without resynchronising only to show a still-written file's torn tail; a
        # finished file's damage is stepped over above, so this is what the pool could not read.
        logger.warning("%s", damage[0])
    if on_bytes is not None and warc.size > position:
        on_bytes(warc.size - position)
    commit(complete=not warc.is_open)


def _considered(
    warc: PendingWarc,
    pool: WorkerPool | None,
    damage: list,
    on_metadata: Callable[[ArchivedRecord], None] | None = None,
) -> Iterator:
    """``(key, outcome)`` per capture in file order: ``key`` is ``(record without its payload,
    metadata, resume offset)``, ``outcome`` what :func:`consider` gave (or a WorkerFailure);
    a damaged span comes as ``(SkippedBytes, None)``. A still-written file's torn tail ends
    the stream quietly (``damage`` gets the error): it is read again next time.
    """

    def tasks():
        try:
            for item in captures(
                warc.path, start=warc.start, salvage=not warc.is_open, on_metadata=on_metadata
            ):
                if isinstance(item, SkippedBytes):
                    yield item, None
                    continue
                record, metadata, end = item
                # The payload goes to a worker; what stays here to write the rows is small.
                light = dataclasses.replace(
                    record,
                    payload=None,
                    payload_digest=record.payload_digest
                    or layout.payload_digest(record.payload or b""),
                )
                yield (light, metadata, end), (record, metadata, warc.name)
        except ArchiveReadError as error:
            damage.append(error)

    if pool is not None:
        yield from pool.map_ordered(tasks())
        return
    for key, arguments in tasks():
        yield key, None if arguments is None else consider(*arguments)


def failed(record: ArchivedRecord, metadata: dict, warc_name: str, reason: str) -> tuple:
    """The rows of a document whose worker failed (out of memory or time, or died)."""
    document = document_row(record, metadata, warc_name)
    document["reason"] = f"unreadable: {reason}"
    logger.warning("%s@%s %s: %s", warc_name, record.offset, record.target_uri, reason)
    return document, None, error_row(warc_name, record.offset, record.target_uri, "worker", reason)


def _skipped_row(skipped: SkippedBytes, warc_name: str) -> dict:
    return error_row(warc_name, skipped.offset, None, "read", skipped.describe())


def error_row(warc_name: str, offset: int, url: str | None, stage: str, reason: str) -> dict:
    """A row of the errors table."""
    return {
        "warc_filename": warc_name,
        "offset": offset,
        "url": url,
        "stage": stage,
        "reason": reason,
    }


def captures(
    path: Path,
    *,
    start: int = 0,
    salvage: bool = True,
    on_metadata: Callable[[ArchivedRecord], None] | None = None,
) -> Iterator[tuple[ArchivedRecord, dict, int] | SkippedBytes]:
    """Yield ``(record, metadata fields, resume offset)`` for each response, resource and revisit
    record, and each browser-rendered DOM (a ``conversion`` record, see extract/rendered.py).

    The metadata record the crawler writes right after a response is paired with it. The resume
    offset is where reading can restart without missing or repeating a document. A finished
    file (``salvage``) is read past damage: each damaged span comes as a :class:`SkippedBytes`
    and reading goes on at the next intact record. A file still being written stops at its
    damage with :class:`ArchiveReadError`: that is a half-written group whose metadata will be
    there next time. ``on_metadata`` is handed each metadata record that belongs to no capture
    (a discovery's).
    """
    pending: tuple[ArchivedRecord, int] | None = None
    errors = "resync" if salvage else "raise"
    for record in iter_records(path, start=start, errors=errors):
        if isinstance(record, SkippedBytes):
            if pending is not None:
                yield pending[0], {}, pending[1]
                pending = None
            yield record
            continue
        end = record.offset + record.length
        if pending is not None:
            held, held_end = pending
            pending = None
            if record.rec_type == "metadata" and record.concurrent_to == held.record_id:
                yield held, record.fields, end
                continue
            yield held, {}, held_end
        if record.rec_type in ("response", "resource", "revisit") or is_rendered_dom(record):
            pending = (record, end)
        elif record.rec_type == "metadata" and on_metadata is not None:
            on_metadata(record)
    if pending is not None:
        yield pending[0], {}, pending[1]


# --- one document ----------------------------------------------------------------------------


def _reason_kind(reason: str | None) -> str:
    """Group reasons for the summary: 'unreadable: no text layer' counts as 'unreadable'."""
    return (reason or "unknown").split(":", 1)[0]


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
    if kind == "robots" or url.split("?", 1)[0].endswith("/robots.txt"):
        return skip("robots.txt")
    is_book_page = books.book_page(url) is not None
    if kind == "listing" and not is_book_page:
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
    if source_type == "image" and kind == "resource":
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
        [hint, text.title] if kind == "attachment" else [text.title, hint]
    )
    if text.needs_ocr:
        return skip("needs OCR")
    if is_book_page:
        document["reason"] = books.REASON
        return document, BookPage(text.text), None
    if kind != "attachment" and text.title and classify_title(text.title) is TitleKind.LOOKALIKE:
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
        if kind == "attachment" and metadata.get(layout.VIA)
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
        **{
            k: document[k]
            for k in (
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
        },
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
