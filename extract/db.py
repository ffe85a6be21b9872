"""The extraction database: its schema, created and migrated here, and how to open it.

Table and column names are a public interface (Datasette users, the rest of the project):
``reports`` (one row per report, its source copy cited down to the WARC record), ``cells``
(``tbl``/``row``/``col`` as in report-format.json), ``checks`` (one row per report and rule),
``narrative``, ``documents`` (every archived response considered, and why it is or is not a
report), ``errors`` and ``processed_warcs``. Writes are upserts keyed on stable ids, so running
the extractor twice over the same archive leaves the database as it was. The writes live in
:mod:`extract.document_store` (documents, parse results, errors, WARC progress) and
:mod:`extract.report_store` (reports and what hangs off them).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from extract.sites import ensure_sites_table

# (columns, pk, foreign keys), in creation order: a table comes after the tables it refers to.
# 'ANY' gives NUMERIC affinity, so counts stay integers and 万元 amounts stay fractional.
SCHEMA: dict[str, tuple[dict[str, object], object, list]] = {
    "reports": (
        {
            "id": str,
            "title": str,
            "agency": str,
            "year": int,
            "format_version": str,
            "region_code": str,
            "published": str,
            "source_url": str,
            "page_url": str,
            "source_type": str,
            "captured_at": str,
            "warc_filename": str,
            "warc_record_id": str,
            "warc_offset": int,
            "payload_digest": str,
            "site_name": str,
            "level": str,
            "section_1": str,
            "section_2": str,
            "section_3": str,
            "section_4": str,
            "section_5": str,
            "section_6": str,
            "copies": int,
            "cells_read": int,
            "checks_failed": int,
            "parse_problems": str,
            # The date the page itself carries (its 发布日期 meta), beside the one printed in the report.
            "page_published": str,
            # Over successive crawls (extract/versions.py): when its content was first and last
            # archived, when its page answered 404/410, and its place among versions of one address.
            "first_seen": str,
            "last_seen": str,
            "gone_at": str,
            "version": int,
            "superseded_by": str,
            "is_current": int,
        },
        "id",
        [],
    ),
    "documents": (
        {
            "record_id": str,
            "url": str,
            "warc_filename": str,
            "warc_offset": int,
            "payload_digest": str,
            "captured_at": str,
            "http_status": int,
            "content_type": str,
            "kind": str,
            "source_type": str,
            "title": str,
            "page_url": str,
            "site_name": str,
            "is_report": int,
            "report_id": str,
            "role": str,
            "reason": str,
            "revisit_of": str,  # a revisit record: the record id of the original it refers to
        },
        "record_id",
        [("report_id", "reports", "id")],
    ),
    "cells": (
        {
            "report_id": str,
            "tbl": str,
            "row": str,
            "col": str,
            "value": "ANY",
            "raw": str,
            "note": str,
            "derived": int,
            "source": str,  # 'ocr' for a cell read from a scan, else 'text'
            "confidence": float,  # the OCR engine's confidence in the cell's text (0–1)
        },
        ("report_id", "tbl", "row", "col"),
        [("report_id", "reports", "id")],
    ),
    "checks": (
        {"report_id": str, "rule": str, "ok": int, "detail": str},
        ("report_id", "rule"),
        [("report_id", "reports", "id")],
    ),
    "narrative": (
        {
            "report_id": str,
            "seq": int,
            "key": str,
            "narrative_value": "ANY",
            "table_value": "ANY",
            "agrees": int,
            "quote": str,
        },
        ("report_id", "seq"),
        [("report_id", "reports", "id")],
    ),
    # What each report-like document parsed to, so copies found in a later run can be merged
    # with it without reading the WARC again. 'resolved' is 0 until merged into `reports`.
    "parsed_documents": (
        {
            "record_id": str,
            "url": str,
            "page_url": str,
            "payload_digest": str,
            "source_type": str,
            "captured_at": str,
            "warc_filename": str,
            "warc_offset": int,
            "site_name": str,
            "site_region_code": str,
            "site_level": str,
            "title": str,
            "agency": str,
            "year": int,
            "format_version": str,
            "published": str,
            "page_published": str,
            "cells_read": int,
            "problems": str,
            "sections": str,
            "cells": str,
            "narrative": str,
            "resolved": int,
        },
        "record_id",
        [("record_id", "documents", "record_id")],
    ),
    # The text pages of flip-book reports, joined per book once the archive is read (books.py).
    "book_pages": (
        {
            "record_id": str,
            "book": str,
            "page": int,
            "text": str,
            "site_region_code": str,
            "site_level": str,
            "assembled": int,
        },
        "record_id",
        [("record_id", "documents", "record_id")],
    ),
    "errors": (
        {
            "warc_filename": str,
            "offset": int,
            "url": str,
            "stage": str,
            "reason": str,
            "logged_at": str,
        },
        ("warc_filename", "offset", "stage"),
        [],
    ),
    # One row per WARC file: 'offset' is where the next unread record starts; a file seen again
    # with the same size and complete=1 is skipped, a growing one is resumed at 'offset'.
    "processed_warcs": (
        # archive_dir: where the file was read from, so a server can find the originals again.
        {
            "filename": str,
            "archive_dir": str,
            "size": int,
            "offset": int,
            "complete": int,
            "records": int,
            "updated_at": str,
        },
        "filename",
        [],
    ),
    # One row per crawl run, from ARCHIVE_DIR/crawls.jsonl (written by crawler/recrawl.py).
    "crawls": (
        {
            "crawl_id": str,
            "started": str,
            "finished": str,
            "reason": str,
            "sites_file": str,
            "sites": int,
            "site_names": str,
            "pages": int,
            "attachments": int,
            "new": int,
            "changed": int,
            "gone": int,
            "revisits": int,
            "not_modified": int,
            "identical": int,
            "errors": int,
            "requests": int,
            "archived_bytes": int,
            "warc_files": str,
        },
        "crawl_id",
        [],
    ),
}

INDEXES: dict[str, list[list[str]]] = {
    "reports": [["agency", "year"], ["year", "region_code"], ["payload_digest"]],
    "documents": [["url"], ["payload_digest"], ["report_id"], ["page_url"]],
    "checks": [["rule", "ok"]],
    "parsed_documents": [
        ["agency", "year"],
        ["payload_digest"],
        ["page_url"],
        ["url"],
        ["resolved", "record_id"],
    ],
    "book_pages": [["assembled", "book"], ["book", "page"]],
}


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` with the current schema."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns and indexes; an older database gains new columns in place."""
    for name, (columns, pk, foreign_keys) in SCHEMA.items():
        table = db.table(name)
        if not table.exists():
            table.create(columns, pk=pk, foreign_keys=foreign_keys, if_not_exists=True)
            continue
        existing = table.columns_dict
        for column, column_type in columns.items():
            if column not in existing:
                table.add_column(column, column_type)
    for name, indexes in INDEXES.items():
        for columns in indexes:
            db.table(name).create_index(columns, if_not_exists=True)
    # The crawl's per-site figures: always there, so its canned query answers on any database.
    ensure_sites_table(db)


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
