"""Writes of the extraction's intake: ``documents`` (every capture considered), ``parsed_documents``
(report-like documents' parse results), ``errors`` and ``processed_warcs`` (how far each WARC
has been read). Upserts keyed on stable ids, so a second run over the same archive changes
nothing. The tables themselves are defined in :mod:`extract.db`."""

from __future__ import annotations

import sqlite_utils

from extract.db import SCHEMA, now


def upsert_documents(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Record considered documents; a document already linked to a report keeps that link."""
    if not rows:
        return
    linked = {
        row["record_id"]: row
        for row in db.query(
            "select record_id, is_report, report_id, role, reason from documents "
            f"where report_id is not null and record_id in ({','.join('?' * len(rows))})",
            [row["record_id"] for row in rows],
        )
    }
    db.table("documents").upsert_all(
        [{**row, **linked.get(row["record_id"], {})} for row in rows], pk="record_id"
    )


def upsert_parsed(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Store report-like documents' parse results (JSON columns) as unresolved."""
    if not rows:
        return
    db.table("parsed_documents").upsert_all(
        [{**row, "resolved": 0} for row in rows], pk="record_id"
    )


def record_errors(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Record read/decode/document/parse/db errors; the same error seen again is one row."""
    if rows:
        db.table("errors").upsert_all(
            [{**row, "logged_at": now()} for row in rows], pk=SCHEMA["errors"][1]
        )


def warc_state(db: sqlite_utils.Database, filename: str) -> dict | None:
    """The processed_warcs row of ``filename`` (relative to the archive directory), or None."""
    rows = list(db.query("select * from processed_warcs where filename = ?", [filename]))
    return rows[0] if rows else None


def save_warc_state(
    db: sqlite_utils.Database,
    filename: str,
    *,
    archive_dir: str,
    size: int,
    offset: int,
    complete: bool,
    records: int,
) -> None:
    """Remember how far ``filename`` has been read (``offset``) and whether it is finished."""
    db.table("processed_warcs").upsert(
        {
            "filename": filename,
            "archive_dir": archive_dir,
            "size": size,
            "offset": offset,
            "complete": int(complete),
            "records": records,
            "updated_at": now(),
        },
        pk="filename",
    )
