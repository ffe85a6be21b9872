"""The canonical report format (``report-format.json``): table, row and column keys per template.

The JSON file is read once, at import. Everything else here is a plain lookup over it, so
callers (the parser, the database loader, the checks) share one source of truth for key names,
their order and their official labels.

A cell is named by a ``(tbl, row, col)`` tuple, written ``'tbl.row.col'`` as a string.
"""

from __future__ import annotations

import json
from pathlib import Path

FORMAT_PATH = Path(__file__).with_name("report-format.json")
FORMAT: dict = json.loads(FORMAT_PATH.read_text(encoding="utf-8"))

TABLES = ("active", "requests", "appeals")
VERSIONS = ("2019", "2021")

CellKey = tuple[str, str, str]

# Request-table rows that exist only in the 2021 template ('(2021 only)' in their label).
_REQUEST_ROWS_2021_ONLY = tuple(
    row for row, text in FORMAT["tables"]["requests"]["rows"].items() if "(2021 only)" in text
)


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"unknown template version {version!r}; expected one of {VERSIONS}")


def _check_table(tbl: str) -> None:
    if tbl not in TABLES:
        raise ValueError(f"unknown table {tbl!r}; expected one of {TABLES}")


def section_titles() -> dict[int, str]:
    """Section number (1..6) → its official heading text, e.g. ``{1: '总体情况', ...}``."""
    return {int(number): title for number, title in FORMAT["sections"].items()}


_NUMERALS = "一二三四五六"


def section_headings() -> list[str]:
    """The six headings as reports print them: ``['一、总体情况', …, '六、其他需要报告的事项']``."""
    return [f"{_NUMERALS[number - 1]}、{title}" for number, title in section_titles().items()]


def active_groups(version: str) -> list[dict]:
    """The active-disclosure table's groups for a version: ``[{'clause', 'rows', 'cols'}, ...]``."""
    _check_version(version)
    return FORMAT["tables"]["active"]["versions"][version]["groups"]


def row_keys(tbl: str, version: str) -> list[str]:
    """Row keys of a table in printed order for a template version."""
    _check_table(tbl)
    _check_version(version)
    if tbl == "active":
        return [row for group in active_groups(version) for row in group["rows"]]
    rows = list(FORMAT["tables"][tbl]["rows"])
    if tbl == "requests" and version == "2019":
        rows = [row for row in rows if row not in _REQUEST_ROWS_2021_ONLY]
    return rows


def col_keys(tbl: str, version: str, row: str | None = None) -> list[str]:
    """Column keys of a table (of one row, for the active table whose groups differ)."""
    _check_table(tbl)
    _check_version(version)
    if tbl != "active":
        return list(FORMAT["tables"][tbl]["cols"])
    if row is None:
        raise ValueError("the active table's columns differ per row: pass row=")
    for group in active_groups(version):
        if row in group["rows"]:
            return list(group["cols"])
    raise ValueError(f"active table of template {version} has no row {row!r}")


def cell_keys(tbl: str, version: str) -> list[CellKey]:
    """Every ``(tbl, row, col)`` of one table of a template version, in printed order."""
    if tbl == "active":
        return [
            (tbl, row, col)
            for group in active_groups(version)
            for row in group["rows"]
            for col in group["cols"]
        ]
    return [(tbl, row, col) for row in row_keys(tbl, version) for col in col_keys(tbl, version)]


def all_cell_keys(version: str) -> list[CellKey]:
    """Every cell key of all three tables of a template version."""
    return [key for tbl in TABLES for key in cell_keys(tbl, version)]


def label(tbl: str, row: str | None = None, col: str | None = None, version: str = "2021") -> str:
    """The official label of a table, row or column (the text in report-format.json)."""
    _check_table(tbl)
    table = FORMAT["tables"][tbl]
    if row is None and col is None:
        return table["label"]
    if tbl == "active":
        for group in active_groups(version):
            if row is not None and row in group["rows"] and col is None:
                return group["rows"][row]
            if col is not None and col in group["cols"] and (row is None or row in group["rows"]):
                return group["cols"][col]
        raise ValueError(f"no active label for row={row!r} col={col!r} in template {version}")
    if col is not None:
        return table["cols"][col]
    return table["rows"][row]


def is_money(key: CellKey) -> bool:
    """True for cells held in 万元 (money columns are the only fractional values)."""
    return key[2].endswith("wan_yuan")


def key_str(key: CellKey) -> str:
    """``('requests', 'new', 'total')`` → ``'requests.new.total'``."""
    return ".".join(key)


def parse_key(text: str) -> CellKey:
    """``'requests.new.total'`` → ``('requests', 'new', 'total')``; a clear error otherwise."""
    parts = text.split(".")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"a cell key is 'table.row.col', got {text!r}")
    _check_table(parts[0])
    return parts[0], parts[1], parts[2]


def checks() -> dict[str, str]:
    """The arithmetic checks the format defines (rule name → description)."""
    return {name: text for name, text in FORMAT["checks"].items() if name != "note"}
