"""The ``sites`` table: what each crawl understood of each site, one row per site and crawl.

The crawler appends one JSON line per site to ``ARCHIVE_DIR/sites.jsonl`` when a crawl ends
(crawler/site_figures.py): the disclosure and 年报 columns it found, list pages fetched against
pages announced, items seen, the pagers it recognised, pages it sent to the browser and why,
reports and attachments found, and the problems that suggest the site was not understood.
This module streams those lines into the database; a site with problems is what the
"sites with problems" view of the publisher lists.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import sqlite_utils

logger = logging.getLogger(__name__)

# Written by crawler/site_figures.py (SITES_LOG); extract never imports the crawler.
SITES_LOG = "sites.jsonl"
COLUMNS: dict[str, type] = {
    "crawl_id": str,
    "site_key": str,
    "pages": int,
    "reports": int,
    "attachments": int,
    "errors": int,
    "report_columns": int,
    "disclosure_columns": int,
    "list_pages": int,
    "items_seen": int,
    "pagers": str,  # JSON list: trs, hanweb, vsb, jsonapi, flipbook, generic, probe
    "browser_pages": int,
    "problem_count": int,
    "problems": str,  # JSON list of sentences
    "columns": str,  # JSON: each column's url, kind, list pages, items, announced pages
    "browser": str,  # JSON: each page sent to the browser, with the reason
}
PRIMARY_KEY = ("crawl_id", "site_key")
BATCH = 500


def ensure_sites_table(db: sqlite_utils.Database) -> None:
    table = db.table("sites")
    if not table.exists():
        table.create(COLUMNS, pk=PRIMARY_KEY, if_not_exists=True)
        return
    for column, column_type in COLUMNS.items():
        if column not in table.columns_dict:
            table.add_column(column, column_type)


def import_sites(db: sqlite_utils.Database, archive_dir) -> int:
    """Load every ``sites.jsonl`` under ``archive_dir`` into ``sites``; returns the rows read.

    A line that is not a JSON object with a crawl id and a site key is logged and skipped; a
    crawl's later line for the same site replaces its earlier one.
    """
    ensure_sites_table(db)
    count = 0
    batch: list[dict] = []
    for path in sorted(Path(archive_dir).rglob(SITES_LOG)):
        with open(path, encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                row = site_row(line, path, number)
                if row is None:
                    continue
                batch.append(row)
                count += 1
                if len(batch) >= BATCH:
                    _write(db, batch)
                    batch = []
    _write(db, batch)
    return count


def site_row(line: str, path: Path, number: int) -> dict | None:
    try:
        entry = json.loads(line)
        if not (entry["crawl_id"] and entry["site_key"]):
            raise KeyError("crawl_id or site_key is empty")
    except (ValueError, KeyError, TypeError) as exc:
        logger.warning("%s line %d is not a site record (%s); skipped", path, number, exc)
        return None
    row = {name: _cell(entry.get(name)) for name in COLUMNS}
    row["problem_count"] = len(entry.get("problems") or [])
    return row


def _write(db: sqlite_utils.Database, rows: list[dict]) -> None:
    if rows:
        with db.conn:
            db.table("sites").upsert_all(rows, pk=PRIMARY_KEY)


def _cell(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
