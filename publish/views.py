"""Prepare an extraction database for Datasette: label and region tables, views, full-text index.

``python -m publish prepare FILE.db`` (and ``serve``, before it starts) runs :func:`prepare`. It
is idempotent: views are dropped and created again, the helper tables and the search index are
rebuilt from the current ``reports`` and ``cells``, so running it after a new extraction brings
everything up to date. It never changes the extractor's own tables.

What it adds:

- ``cell_labels`` — the official row and column labels of the three tables (from
  ``extract/report-format.json``) with their printed order, so views can show a report's
  tables in their printed shape.
- ``regions`` — name, city and province of every ``reports.region_code`` (from
  :mod:`nianbao.regions`), so reports can be faceted and summed by province.
- views ``report_requests_summary`` (one row per report, the request table's key figures),
  ``report_requests_table`` (one row per report and request-table row, seven columns),
  ``report_appeals_table`` (one row per report, fifteen columns) and ``report_active_table``
  (one row per report and active-disclosure row).
- ``reports_fts`` — an FTS5 index with the ``trigram`` tokenizer over each report's title,
  agency and section text (see :mod:`publish.search` for how queries use it).
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlite_utils

from extract import db as store
from nianbao import format as report_format

REQUEST_COLS = report_format.col_keys("requests", "2021")
APPEAL_COLS = report_format.col_keys("appeals", "2021")
# Every column key the active table has in either template, in a stable printed-ish order.
ACTIVE_COLS = list(
    dict.fromkeys(
        col
        for version in report_format.VERSIONS
        for group in report_format.active_groups(version)
        for col in group["cols"]
    )
)

# Runs of whitespace between two CJK characters are line wrapping in a PDF's text, not word
# breaks: 行政复\n议 must still be found by a search for 行政复议.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAPPED = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str | None) -> str:
    """Text as it is indexed: whitespace between CJK characters removed, other runs made one space."""
    if not text:
        return ""
    return _SPACES.sub(" ", _WRAPPED.sub("", text)).strip()


def _clean_label(text: str) -> str:
    # report-format.json annotates some labels: '… — the single row of …', '… (2021 only)'.
    return text.split(" — ")[0].replace(" (2021 only)", "").strip()


def label_rows() -> list[dict]:
    """The rows of ``cell_labels``: (tbl, axis, key, version, seq, label)."""
    rows: list[dict] = []
    fmt = report_format.FORMAT["tables"]

    def add(tbl, axis, key, version, seq, label):
        rows.append(
            {
                "tbl": tbl,
                "axis": axis,
                "key": key,
                "version": version,
                "seq": seq,
                "label": _clean_label(label),
            }
        )

    for seq, (key, label) in enumerate(fmt["requests"]["rows"].items()):
        add("requests", "row", key, "", seq, label)
    for seq, (key, label) in enumerate(fmt["requests"]["cols"].items()):
        add("requests", "col", key, "", seq, label)
    for seq, (key, label) in enumerate(fmt["appeals"]["cols"].items()):
        add("appeals", "col", key, "", seq, label)
    add("appeals", "row", "cases", "", 0, "件数")
    for version in report_format.VERSIONS:
        seen_cols: set[str] = set()
        row_seq = 0
        for group in report_format.active_groups(version):
            for key, label in group["rows"].items():
                add("active", "row", key, version, row_seq, f"{group['clause']} {label}")
                row_seq += 1
            for key, label in group["cols"].items():
                if key not in seen_cols:
                    seen_cols.add(key)
                    add("active", "col", key, version, ACTIVE_COLS.index(key), label)
    return rows


def region_rows(codes: list[str]) -> list[dict]:
    """One ``regions`` row per code: its name and the city and province it lies in."""
    try:
        from nianbao.regions import region_by_code
    except ImportError:  # the region data is optional here: fall back to the codes alone
        region_by_code = None
    rows = []
    for code in sorted(set(filter(None, codes))):
        row = {
            "code": code,
            "name": None,
            "level": None,
            "city_code": None,
            "city": None,
            "province_code": code[:2] + "0000" if len(code) >= 2 else None,
            "province": None,
        }
        region = region_by_code(code) if region_by_code else None
        chain = []
        while region is not None:
            chain.append(region)
            region = region_by_code(region.parent_code) if region.parent_code else None
        if chain:
            row["name"], row["level"] = chain[0].name, chain[0].level
        for region in chain:
            if region.level == "province":
                row["province_code"], row["province"] = region.code, region.name
            elif region.level == "city":
                row["city_code"], row["city"] = region.code, region.name
        rows.append(row)
    return rows


def _pivot(columns: list[str], alias: str = "c") -> str:
    return ",\n  ".join(
        f"max(case when {alias}.col = '{col}' then {alias}.value end) as [{col}]" for col in columns
    )


def _outcome_sum(prefix: str) -> str:
    return f"sum(case when c.row like '{prefix}\\_%' escape '\\' then c.value end)"


VIEWS: dict[str, str] = {
    "report_requests_summary": f"""
select
  r.id as report_id, r.agency, r.year, g.province, g.city, r.region_code, r.level, r.format_version,
  max(case when c.row = 'new' then c.value end) as new,
  max(case when c.row = 'carried_over' then c.value end) as carried_over,
  max(case when c.row = 'granted' then c.value end) as granted,
  max(case when c.row = 'partial' then c.value end) as partial,
  {_outcome_sum("denied")} as denied,
  {_outcome_sum("unavailable")} as unavailable,
  {_outcome_sum("rejected")} as rejected,
  max(case when c.row = 'other' then c.value end) as other,
  max(case when c.row = 'total' then c.value end) as total,
  max(case when c.row = 'carried_forward' then c.value end) as carried_forward,
  r.checks_failed
from reports r
left join cells c on c.report_id = r.id and c.tbl = 'requests' and c.col = 'total'
left join regions g on g.code = r.region_code
group by r.id
order by r.year desc, r.agency""",
    "report_requests_table": f"""
select
  c.report_id, r.agency, r.year, l.seq, c.row, l.label,
  {_pivot(REQUEST_COLS)}
from cells c
join reports r on r.id = c.report_id
left join cell_labels l on l.tbl = 'requests' and l.axis = 'row' and l.key = c.row and l.version = ''
where c.tbl = 'requests'
group by c.report_id, c.row
order by r.year desc, r.agency, c.report_id, l.seq""",
    "report_appeals_table": f"""
select
  c.report_id, r.agency, r.year,
  {_pivot(APPEAL_COLS)}
from cells c
join reports r on r.id = c.report_id
where c.tbl = 'appeals'
group by c.report_id
order by r.year desc, r.agency""",
    "report_active_table": f"""
select
  c.report_id, r.agency, r.year, r.format_version, l.seq, c.row, l.label,
  {_pivot(ACTIVE_COLS)}
from cells c
join reports r on r.id = c.report_id
left join cell_labels l on l.tbl = 'active' and l.axis = 'row' and l.key = c.row
  and l.version = coalesce(r.format_version, '2021')
where c.tbl = 'active'
group by c.report_id, c.row
order by r.year desc, r.agency, c.report_id, l.seq""",
}

FTS_TABLE = "reports_fts"
FTS_SQL = f"create virtual table [{FTS_TABLE}] using fts5(report_id unindexed, title, agency, body, tokenize='trigram')"


def report_body(report: dict) -> str:
    """The searchable text of a report: its six sections, normalised."""
    return "\n".join(
        normalize_text(report.get(f"section_{n}"))
        for n in range(1, 7)
        if report.get(f"section_{n}")
    )


def build_fts(db: sqlite_utils.Database) -> int:
    """(Re)build ``reports_fts`` from ``reports``; returns the number of reports indexed."""
    existing = db.execute("select sql from sqlite_master where name = ?", [FTS_TABLE]).fetchone()
    if existing is None or "trigram" not in existing[0]:
        db.execute(f"drop table if exists [{FTS_TABLE}]")
        db.execute(FTS_SQL)
    db.execute(f"delete from [{FTS_TABLE}]")
    columns = ["id", "title", "agency"] + [f"section_{n}" for n in range(1, 7)]
    count = 0
    rows = db.execute(f"select {', '.join(columns)} from reports").fetchall()
    for values in rows:
        report = dict(zip(columns, values))
        db.execute(
            f"insert into [{FTS_TABLE}] (report_id, title, agency, body) values (?, ?, ?, ?)",
            [
                report["id"],
                normalize_text(report["title"]),
                report["agency"] or "",
                report_body(report),
            ],
        )
        count += 1
    return count


def prepare(path: str | Path) -> dict:
    """Add labels, regions, views and the search index to the database at ``path``.

    Returns a small summary (``{'views': [...], 'regions': n, 'indexed': n}``).
    """
    db = sqlite_utils.Database(path)
    try:
        store.ensure_schema(db)  # the extractor's tables, so views can be made on a new database
        with db.conn:
            db.table("cell_labels").create(
                {"tbl": str, "axis": str, "key": str, "version": str, "seq": int, "label": str},
                pk=("tbl", "axis", "key", "version"),
                if_not_exists=True,
            )
            db.execute("delete from cell_labels")
            db.table("cell_labels").insert_all(label_rows())
            db.table("regions").create(
                {
                    "code": str,
                    "name": str,
                    "level": str,
                    "city_code": str,
                    "city": str,
                    "province_code": str,
                    "province": str,
                },
                pk="code",
                if_not_exists=True,
            )
            db.execute("delete from regions")
            codes = [
                row[0] for row in db.execute("select distinct region_code from reports").fetchall()
            ]
            regions = region_rows(codes)
            db.table("regions").insert_all(regions)
            for name, sql in VIEWS.items():
                db.execute(f"drop view if exists [{name}]")
                db.execute(f"create view [{name}] as {sql.strip()}")
            indexed = build_fts(db)
        return {"views": list(VIEWS), "regions": len(regions), "indexed": indexed}
    finally:
        db.close()
