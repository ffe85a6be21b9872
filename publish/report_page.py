"""``/-/report/<id>`` (and ``.json``): one report as a reader wants it.

The title as heading; agency, place names, year, template, publication date and lateness;
key figures with units; the three tables laid out as printed in the report's template
(:mod:`publish.layout`) with the cells of a failing check highlighted and the check explained
in Chinese (:mod:`publish.rules`); the narrative figures that disagree with the tables; links
to the preserved original, the citation, the agency's other years and the other copies.
Everything is read from the prepared tables by primary key or index: a handful of lookups.
"""

from __future__ import annotations

from urllib.parse import quote

from datasette.utils.asgi import NotFound

from publish import layout, originals, rules
from publish.safety import safe_href
from publish.site import (
    archived_path,
    cite_path,
    page_or_json,
    report_path,
    reports_database,
    url_var,
)

KEY_FIGURES = (
    ("new", "本年新收申请", "件"),
    ("carried_over", "上年结转", "件"),
    ("granted", "予以公开", "件"),
    ("partial", "部分公开", "件"),
    ("denied", "不予公开", "件"),
    ("unavailable", "无法提供", "件"),
    ("rejected", "不予处理", "件"),
    ("total", "办理结果总计", "件"),
    ("carried_forward", "结转下年度继续办理", "件"),
    ("review_total", "行政复议", "件"),
    ("suit_total", "行政诉讼", "件"),
)


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _grid(table: dict, values: dict, failing: dict) -> dict:
    """One printed table: heading rows, and per row its headings and cells."""
    rows = []
    for key, heads in zip(table["rows"], layout.spans(table["row_paths"])):
        cells = []
        for col in table["cols"]:
            cell = values.get((table["tbl"], key, col), {})
            rules_here = failing.get((table["tbl"], key, col), [])
            cells.append(
                {
                    "col": col,
                    "value": _number(cell.get("value")),
                    "raw": cell.get("raw"),
                    "derived": bool(cell.get("derived")),
                    "failing": [rules.rule_name(rule) for rule in rules_here],
                }
            )
        rows.append({"row": key, "heads": heads, "cells": cells})
    row_depth = max((len(path) for path in table["row_paths"]), default=1)
    return {
        "title": table["title"],
        "header": layout.header_rows(table["col_paths"]),
        "row_depth": row_depth,
        "rows": rows,
    }


def _json_grid(grid: dict) -> dict:
    return {
        "title": grid["title"],
        "columns": [[h.text for h in row] for row in grid["header"]],
        "rows": [
            {
                "row": row["row"],
                "label": "/".join(h.text for h in row["heads"]),
                "cells": {c["col"]: c["value"] for c in row["cells"]},
                "failing": {c["col"]: c["failing"] for c in row["cells"] if c["failing"]},
            }
            for row in grid["rows"]
        ],
    }


async def _read(database, report_id: str) -> dict:
    one = "select * from {} where {} = ?"
    report = (await database.execute(one.format("reports", "id"), [report_id])).rows
    if not report:
        raise NotFound("No report with that id")
    summary = (
        await database.execute(one.format("report_requests_summary", "report_id"), [report_id])
    ).rows
    cells = await database.execute(
        "select tbl, row, col, value, raw, derived from cells where report_id = ?", [report_id]
    )
    checks = await database.execute(
        "select c.rule, c.ok, c.detail, k.name, k.explanation from checks c "
        "left join check_rules k on k.rule = c.rule where c.report_id = ? order by c.ok, c.rule",
        [report_id],
    )
    narrative = await database.execute(
        "select key, narrative_value, table_value, quote from narrative "
        "where report_id = ? and agrees = 0 order by seq",
        [report_id],
    )
    agency = report[0]["agency"]
    years = await database.execute(
        "select report_id, year, title from report_requests_summary where agency = ? "
        "order by year, report_id limit 100",
        [agency],
    )
    copies = await database.execute(
        "select record_id, url, source_type, role, captured_at from documents "
        "where report_id = ? order by role = 'source' desc, captured_at",
        [report_id],
    )
    return {
        "report": dict(report[0]),
        "summary": dict(summary[0]) if summary else {},
        "cells": {(c["tbl"], c["row"], c["col"]): dict(c) for c in cells.rows},
        "checks": [dict(c) for c in checks.rows],
        "narrative": [dict(n) for n in narrative.rows],
        "years": [dict(y) for y in years.rows if agency],
        "copies": [dict(c) for c in copies.rows],
    }


async def report_view(request, datasette):
    report_id = url_var(request, "report_id")
    database = reports_database(datasette)
    read = await _read(database, report_id)
    report, summary = read["report"], read["summary"]
    failing: dict[tuple, list[str]] = {}
    for check in read["checks"]:
        if check["ok"] == 0:
            for cell in rules.failing_cells(check["rule"], check["detail"]):
                failing.setdefault(cell, []).append(check["rule"])
    tables = layout.printed_tables(report.get("format_version"))
    active, printed = tables[0], tables[1:]
    grids = [_grid(t, read["cells"], failing) for t in printed]
    active_grids = [_grid(g, read["cells"], failing) for g in active["groups"]]
    figures = [
        {"key": key, "label": label, "unit": unit, "value": _number(summary.get(key))}
        for key, label, unit in KEY_FIGURES
    ]
    urls = datasette.urls
    record = report.get("warc_record_id")
    links = {
        "cite": urls.path(cite_path(report_id)),
        "original": urls.path(originals.original_path(record)) if record else None,
        "archived": urls.path(archived_path(record)) if record else None,
        "row": urls.row(database.name, "reports", report_id),
        "csv": urls.table(database.name, "report_requests_table", format="csv")
        + f"?report_id={quote(report_id, safe='')}&_bom=1&_dl=1",
    }
    details = {
        key: report.get(key) or summary.get(key)
        for key in ("title", "agency", "year", "format_version", "level", "source_type")
    }
    place = {key: summary.get(key) for key in ("province", "city", "county", "place")}
    dates = {key: summary.get(key) for key in ("published_on", "deadline", "days_late")}
    data = {
        "id": report_id,
        **details,
        "place": place,
        **dates,
        "key_figures": {f["key"]: f["value"] for f in figures},
        "tables": {
            "active": [_json_grid(g) for g in active_grids],
            "requests": _json_grid(grids[0]),
            "appeals": _json_grid(grids[1]),
        },
        "checks": read["checks"],
        "narrative_disagreements": read["narrative"],
        "other_years": read["years"],
        "copies": read["copies"],
        "links": links,
    }
    context = {
        "r": report,
        "details": details,
        "place": place,
        "dates": dates,
        "figures": figures,
        "grids": grids,
        "active_title": active["title"],
        "active_grids": active_grids,
        "checks": read["checks"],
        "narrative": read["narrative"],
        "years": [{**y, "href": urls.path(report_path(y["report_id"]))} for y in read["years"]],
        "copies": [
            {
                **c,
                "archived": urls.path(archived_path(c["record_id"])),
                "href": safe_href(c["url"]),
            }
            for c in read["copies"]
        ],
        "links": links,
        "source_href": safe_href(report.get("source_url")),
    }
    return await page_or_json(request, datasette, "nianbao_report.html", context, data)
