"""Labels, places and search text for the publication tables (see :mod:`publish.prepare`).

- ``cell_labels`` — the official row and column labels of the three tables (from
  ``nianbao/report-format.json``) with their printed order.
- ``regions`` — name, county, city and province of every ``reports.region_code`` (from
  :mod:`nianbao.regions`), so reports can be faceted and summed by place.
- ``reports_fts`` — an FTS5 index with the ``trigram`` tokenizer over each report's title,
  agency and section text (see :mod:`publish.search` for how queries use it).
"""

from __future__ import annotations

import re

import sqlite_utils

from nianbao import format as report_format
from publish.tables import ACTIVE_COLS

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
            "county": None,
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
            elif region.level == "county":
                row["county"] = region.name
        rows.append(row)
    return rows


FTS_TABLE = "reports_fts"
FTS_SQL = f"create virtual table [{FTS_TABLE}] using fts5(report_id unindexed, title, agency, body, tokenize='trigram')"


def report_body(*sections: str | None) -> str:
    """The searchable text of a report: its six sections, normalised."""
    return "\n".join(normalize_text(text) for text in sections if text)


def build_fts(db: sqlite_utils.Database) -> int:
    """(Re)build ``reports_fts`` from ``reports`` in one statement; returns the reports indexed."""
    db.execute(f"drop table if exists [{FTS_TABLE}]")
    db.execute(FTS_SQL)
    db.conn.create_function("nianbao_normalize", 1, normalize_text, deterministic=True)
    db.conn.create_function("nianbao_body", 6, report_body, deterministic=True)
    sections = ", ".join(f"section_{n}" for n in range(1, 7))
    db.execute(
        # rowid = the report's rowid: a page fetches a few reports' text by rowid, never by scan.
        f"insert into [{FTS_TABLE}] (rowid, report_id, title, agency, body) "
        f"select rowid, id, nianbao_normalize(title), coalesce(agency, ''), "
        f"nianbao_body({sections}) from reports"
    )
    # Merge the index's segments into one: smaller, and faster to query.
    db.execute(f"insert into [{FTS_TABLE}]([{FTS_TABLE}]) values ('optimize')")
    return db.execute(f"select count(*) from [{FTS_TABLE}]").fetchone()[0]
