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
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive import layout
from archive.reader import ArchivedRecord, ArchiveReadError
from archive.resync import SkippedBytes
from extract import books, discovered
from extract import document_store as store
from extract.captures import captures
from extract.db import open_database
from extract.document_rows import BookPage, consider, error_row, failed, parsed_row
from extract.merge import resolve_reports
from extract.sites import import_sites
from extract.summary import Summary
from extract.versions import import_crawls, refresh_versions
from extract.workers import WorkerFailure, WorkerPool, default_jobs

logger = logging.getLogger(__name__)

# Rows per commit: big enough to amortise the transaction, small enough to bound memory
# (a parsed report carries its section texts, a few tens of KB).
BATCH_SIZE = 100


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
    db = open_database(db_path)
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
    db = open_database(db_path)
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


def _skipped_row(skipped: SkippedBytes, warc_name: str) -> dict:
    return error_row(warc_name, skipped.offset, None, "read", skipped.describe())


def _reason_kind(reason: str | None) -> str:
    """Group reasons for the summary: 'unreadable: no text layer' counts as 'unreadable'."""
    return (reason or "unknown").split(":", 1)[0]
