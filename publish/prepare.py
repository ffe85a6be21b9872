"""``python -m publish prepare FILE.db``: build everything the site reads, once, before serving.

The server opens the database immutable and never writes to it, so what pages need is built
here, after each extraction (``make demo``, ``make crawl`` and ``make extract`` run it):
labels and places (:mod:`publish.views`), the materialised publication tables
(:mod:`publish.tables`), the search index, the indexes facets use, and SQLite's statistics
(``ANALYZE``) so the planner picks those indexes. It is idempotent: the publication tables
are dropped and built again from the extractor's current ``reports`` and ``cells``; the
extractor's own rows are never changed.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import sqlite_utils

from extract import db as store
from nianbao.deadline import days_late, is_government_agency, publication_deadline
from publish.rules import rule_rows
from publish.tables import SOURCE_INDEXES, TABLES
from publish.views import build_fts, label_rows, region_rows

logger = logging.getLogger(__name__)

# Tables prepare owns (besides reports_fts); the marker says which version built them.
PUBLICATION_TABLES = ("cell_labels", "regions", "check_rules", *TABLES)
MARKER_TABLE = "nianbao_prepared"
# Row counts of every table, so a page never counts 16 million cells (see table_counts()).
COUNTS_TABLE = "nianbao_table_counts"
PREPARE_VERSION = 3


def _deadline(year, agency) -> str | None:
    if year is None:
        return None
    return publication_deadline(int(year), is_government=is_government_agency(agency)).isoformat()


def _days_late(year, published, agency) -> int | None:
    if year is None:
        return None
    return days_late(int(year), published, is_government=is_government_agency(agency))


def _register_functions(db: sqlite_utils.Database) -> None:
    """The deadline rules as SQL functions, so the tables use nianbao.deadline's one copy."""
    db.conn.create_function("nianbao_deadline", 2, _deadline, deterministic=True)
    db.conn.create_function("nianbao_days_late", 3, _days_late, deterministic=True)


def _drop(db: sqlite_utils.Database, name: str) -> None:
    """Drop a table or view (databases prepared by earlier versions had views of these names)."""
    row = db.execute("select type from sqlite_master where name = ?", [name]).fetchone()
    if row and row[0] in ("table", "view"):
        db.execute(f"drop {row[0]} [{name}]")


def _build_labels_and_regions(db: sqlite_utils.Database) -> int:
    for name in ("cell_labels", "regions", "check_rules"):
        _drop(db, name)
    db.table("check_rules").insert_all(rule_rows(), pk="rule")
    db.table("cell_labels").create(
        {"tbl": str, "axis": str, "key": str, "version": str, "seq": int, "label": str},
        pk=("tbl", "axis", "key", "version"),
    )
    db.table("cell_labels").insert_all(label_rows())
    db.table("regions").create(
        {
            "code": str,
            "name": str,
            "level": str,
            "city_code": str,
            "city": str,
            "county": str,
            "province_code": str,
            "province": str,
        },
        pk="code",
    )
    codes = [row[0] for row in db.execute("select distinct region_code from reports").fetchall()]
    regions = region_rows(codes)
    db.table("regions").insert_all(regions)
    return len(regions)


def _build_tables(db: sqlite_utils.Database) -> None:
    for name, (select, indexes) in TABLES.items():
        started = time.monotonic()
        _drop(db, name)
        db.execute(f"create table [{name}] as {select.strip()}")
        for columns in indexes:
            db.table(name).create_index(columns)
        logger.info("built %s in %.1f s", name, time.monotonic() - started)


def _count_tables(db: sqlite_utils.Database) -> None:
    db.execute(f"drop table if exists [{COUNTS_TABLE}]")
    db.execute(f"create table [{COUNTS_TABLE}] (name text primary key, count integer)")
    names = [
        row[0]
        for row in db.execute(
            "select name from sqlite_master where type in ('table', 'view') "
            "and name not like 'sqlite_%'"
        ).fetchall()
    ]
    for name in names:
        (count,) = db.execute(f"select count(*) from [{name}]").fetchone()
        db.execute(f"insert into [{COUNTS_TABLE}] values (?, ?)", [name, count])


def _read_only(path: str | Path):
    import sqlite3

    return sqlite3.connect(f"file:{Path(path).resolve()}?immutable=1", uri=True)


def table_counts(path: str | Path) -> dict[str, int]:
    """The row count of every table as prepare left it (read without writing).

    Datasette counts the rows of every table page it shows unless given these ("inspect
    data"); on an immutable database they cannot change.
    """
    conn = _read_only(path)
    try:
        return dict(conn.execute(f"select name, count from [{COUNTS_TABLE}]").fetchall())
    finally:
        conn.close()


def prepared_at(path: str | Path) -> str | None:
    """When prepare last finished on ``path`` (UTC, ISO 8601)."""
    conn = _read_only(path)
    try:
        return conn.execute(f"select max(prepared_at) from [{MARKER_TABLE}]").fetchone()[0]
    finally:
        conn.close()


def is_prepared(path: str | Path) -> bool:
    """Whether ``path`` holds the tables of this version of prepare (read without writing)."""
    conn = _read_only(path)
    try:
        row = conn.execute(
            "select 1 from sqlite_master where type = 'table' and name = ?", [MARKER_TABLE]
        ).fetchone()
        if row is None:
            return False
        (version,) = conn.execute(f"select max(version) from [{MARKER_TABLE}]").fetchone()
        return version == PREPARE_VERSION
    finally:
        conn.close()


def prepare(path: str | Path) -> dict:
    """Build labels, places, publication tables, search index and indexes in ``path``.

    Returns a small summary (``{'tables': [...], 'regions': n, 'indexed': n}``).
    """
    db = sqlite_utils.Database(path)
    try:
        store.ensure_schema(db)  # the extractor's tables, so a new database can be prepared
        _register_functions(db)
        with db.conn:
            regions = _build_labels_and_regions(db)
            _build_tables(db)
            indexed = build_fts(db)
            for table, indexes in SOURCE_INDEXES.items():
                for columns in indexes:
                    db.table(table).create_index(columns, if_not_exists=True)
            _count_tables(db)
            db.execute(f"drop table if exists [{MARKER_TABLE}]")
            db.execute(f"create table [{MARKER_TABLE}] (version integer, prepared_at text)")
            db.execute(
                f"insert into [{MARKER_TABLE}] values (?, ?)", [PREPARE_VERSION, store.now()]
            )
        # Statistics for the planner (sampled: a full ANALYZE of 10M cells takes minutes).
        db.execute("pragma analysis_limit = 1000")
        db.execute("analyze")
        if _small(path):
            db.execute("vacuum")
        return {"tables": list(TABLES), "regions": regions, "indexed": indexed}
    finally:
        db.close()


def _small(path: str | Path) -> bool:
    """Vacuum (to drop what rebuilding left free) only where it takes a moment."""
    return Path(path).stat().st_size < 200 * 1024 * 1024
