"""A report's three tables laid out as printed in its template, for the report page.

report-format.json names each row and column by its path in the printed table
(``三/（三）不予公开/1.属于国家秘密``, ``法人或其他组织/商业企业``). The printed tables merge
the cells of a shared prefix; :func:`spans` does the same for one axis, so the header of the
request table reads 自然人 | 法人或其他组织 (five columns under it) | 总计, and its rows are
grouped under 三、本年度办理结果 → （三）不予公开 → 1.属于国家秘密 as on paper. A 2019 report
gets the 2019 rows and columns only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao import format as report_format

_NUMBERED = re.compile(r"^([一二三四五六七八九十]+)、")


@dataclass
class Span:
    """One printed heading: its text, how many leaf rows/columns it covers, its depth span."""

    text: str
    span: int  # leaves covered (columns of a column heading, rows of a row heading)
    depth: int  # levels covered (a leaf reaching down to the cells covers the rest)
    level: int


def _clean(label: str) -> str:
    return label.split(" — ")[0].replace(" (2021 only)", "").strip()


def label_paths(labels: list[str]) -> list[list[str]]:
    """Labels split into their printed levels; ``三`` abbreviating ``三、本年度办理结果`` expanded."""
    paths = [_clean(label).split("/") for label in labels]
    full: dict[str, str] = {}
    for path in paths:
        for part in path:
            if match := _NUMBERED.match(part):
                full.setdefault(match.group(1), part)
    return [[full.get(part, part) for part in path] for path in paths]


def spans(paths: list[list[str]]) -> list[list[Span]]:
    """Per leaf index, the headings that start there (outermost first), merged like the print."""
    depth = max((len(path) for path in paths), default=1)
    starts: list[list[Span]] = [[] for _ in paths]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) <= level:
                i += 1
                continue
            j = i + 1
            if len(path) > level + 1:  # a group heading: covers the following leaves under it
                while (
                    j < len(paths)
                    and len(paths[j]) > level + 1
                    and paths[j][: level + 1] == path[: level + 1]
                ):
                    j += 1
            leaf_depth = depth - level if len(path) == level + 1 else 1
            starts[i].append(Span(path[level], j - i, leaf_depth, level))
            i = j
    return starts


def header_rows(paths: list[list[str]]) -> list[list[Span]]:
    """Column headings as table rows: row k holds the headings at level k, left to right."""
    depth = max((len(path) for path in paths), default=1)
    rows: list[list[Span]] = [[] for _ in range(depth)]
    for heads in spans(paths):
        for head in heads:
            rows[head.level].append(head)
    return rows


def printed_tables(format_version: str | None) -> list[dict]:
    """The tables of a template: key, title, column and row paths, in printed order."""
    version = format_version if format_version in report_format.VERSIONS else "2021"
    tables = []
    for tbl in ("requests", "appeals"):
        cols = report_format.col_keys(tbl, version)
        rows = report_format.row_keys(tbl, version)
        tables.append(
            {
                "tbl": tbl,
                "title": report_format.label(tbl),
                "cols": cols,
                "col_paths": label_paths([report_format.label(tbl, col=c) for c in cols]),
                "rows": rows,
                "row_paths": label_paths(
                    [report_format.label(tbl, row=r) if tbl != "appeals" else "件数" for r in rows]
                ),
            }
        )
    groups = []
    for group in report_format.active_groups(version):
        groups.append(
            {
                "tbl": "active",
                "title": group["clause"],
                "cols": list(group["cols"]),
                "col_paths": label_paths(list(group["cols"].values())),
                "rows": list(group["rows"]),
                "row_paths": label_paths(list(group["rows"].values())),
            }
        )
    active = {"tbl": "active", "title": report_format.label("active"), "groups": groups}
    return [active, *tables]
