"""Writes of resolved reports: the ``parsed_documents`` candidates a merge reads, and the
``reports``, ``cells``, ``narrative`` and ``checks`` rows it writes, with each copy of a report
linked from ``documents``. The tables themselves are defined in :mod:`extract.db`."""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlite_utils

from extract.db import SCHEMA


def candidates_where(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    """parsed_documents rows (JSON columns decoded) plus their document's current report link."""
    rows = db.query(
        "select p.*, d.report_id as current_report_id from parsed_documents p "
        f"join documents d on d.record_id = p.record_id where {where}",
        params,
    )
    return [_decode_candidate(row) for row in rows]


def _decode_candidate(row: dict) -> dict:
    for column in ("sections", "cells", "narrative", "problems"):
        row[column] = (
            json.loads(row[column]) if row[column] else ([] if column != "sections" else {})
        )
    return row


def mark_resolved(db: sqlite_utils.Database, record_ids: Iterable[str]) -> None:
    ids = list(record_ids)
    if ids:
        db.execute(
            f"update parsed_documents set resolved = 1 where record_id in ({','.join('?' * len(ids))})",
            ids,
        )


# --- reports --------------------------------------------------------------------------------


def delete_report(db: sqlite_utils.Database, report_id: str) -> None:
    """Remove a report and everything hanging off it (its documents stay, unlinked)."""
    for table in ("cells", "checks", "narrative"):
        db.execute(f"delete from {table} where report_id = ?", [report_id])
    db.execute(
        "update documents set report_id = null, role = null, is_report = 1, reason = null where report_id = ?",
        [report_id],
    )
    db.execute("delete from reports where id = ?", [report_id])


def write_report(
    db: sqlite_utils.Database, report: dict, cells: list[dict], narrative: list[dict]
) -> None:
    """Write a report with its cells and narrative rows, replacing what it had before."""
    db.table("reports").upsert(report, pk="id")
    for table in ("cells", "narrative"):
        db.execute(f"delete from {table} where report_id = ?", [report["id"]])
    db.table("cells").insert_all(cells, pk=SCHEMA["cells"][1])
    db.table("narrative").insert_all(narrative, pk=SCHEMA["narrative"][1])


def write_checks(db: sqlite_utils.Database, report_id: str, results: Iterable) -> None:
    """Upsert one checks row per rule and refresh the report's count of failed checks."""
    rows = [
        {
            "report_id": report_id,
            "rule": r.rule,
            "ok": None if r.ok is None else int(r.ok),
            "detail": r.detail,
        }
        for r in results
    ]
    db.table("checks").upsert_all(rows, pk=SCHEMA["checks"][1])
    db.execute(
        "update reports set checks_failed = (select count(*) from checks where report_id = ? and ok = 0) where id = ?",
        [report_id, report_id],
    )


def link_documents(
    db: sqlite_utils.Database,
    report_id: str,
    source_record_id: str,
    copy_reason: str,
    record_ids: list[str],
) -> None:
    """Point every copy of a report at it: the source gets role 'source', the others 'copy'."""
    for record_id in record_ids:
        is_source = record_id == source_record_id
        db.execute(
            "update documents set is_report = 1, report_id = ?, role = ?, reason = ? where record_id = ?",
            [
                report_id,
                "source" if is_source else "copy",
                None if is_source else copy_reason,
                record_id,
            ],
        )


def report_cell_values(
    db: sqlite_utils.Database, report_id: str
) -> dict[tuple[str, str, str], object]:
    """``(tbl, row, col) -> value`` of one stored report."""
    return {
        (row["tbl"], row["row"], row["col"]): row["value"]
        for row in db.query(
            "select tbl, row, col, value from cells where report_id = ?", [report_id]
        )
    }
