"""The three standard tables of an annual report, rendered as HTML from a gold file's cells.

The layout follows the official templates (国办公开办函〔2019〕60号 and 〔2021〕30号): merged
header cells, the rowspan of 三、本年度办理结果 and its groups, the two-level 行政诉讼 header. Labels
come from ``report-format.json`` so the farm and the extractor agree on wording.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from pathlib import Path

# The 2019 template prints （六）其他处理 as one row; the 2021 one splits it into three.
ROWS_2019_ONLY = ("other",)
ROWS_2021_ONLY = ("other_overdue_correction", "other_overdue_fee", "other_other")
REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@lru_cache(maxsize=2)
def load_format(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def tables_html(
    cells: dict[str, int | None], version: str, format_path: str | Path
) -> dict[str, str]:
    """``{"active": html, "requests": html, "appeals": html}`` for a report's gold ``cells``.

    ``version`` is the template version, "2019" or "2021". A cell missing from ``cells`` or None
    is printed empty, as reports leave cells blank.
    """
    if version not in ("2019", "2021"):
        raise ValueError(f"unknown template version {version!r}; expected '2019' or '2021'")
    spec = load_format(str(format_path))["tables"]
    return {
        "active": _active_table(spec["active"]["versions"][version], cells),
        "requests": _requests_table(spec["requests"], version, cells),
        "appeals": _appeals_table(spec["appeals"], cells),
    }


def _td(text, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<td{attrs}>{escape(_format_value(text))}</td>"


def _format_value(value) -> str:
    return "" if value is None else str(value)


def _table(rows: list[str]) -> str:
    body = "\n".join(f"<tr>{row}</tr>" for row in rows)
    return f'<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">\n{body}\n</table>'


def _active_table(version_spec: dict, cells) -> str:
    width = 1 + max(len(group["cols"]) for group in version_spec["groups"])
    rows = []
    for group in version_spec["groups"]:
        cols = list(group["cols"].items())
        rows.append(_td(group["clause"], colspan=width))
        header = [_td("信息内容")] + [_td(label) for _, label in cols]
        # The last column stretches so every group spans the full table width.
        header[-1] = _td(cols[-1][1], colspan=width - len(cols))
        rows.append("".join(header))
        for row_key, row_label in group["rows"].items():
            values = [cells.get(f"active.{row_key}.{col}") for col, _ in cols]
            tds = [_td(row_label)] + [_td(v) for v in values]
            tds[-1] = _td(values[-1], colspan=width - len(cols))
            rows.append("".join(tds))
    return _table(rows)


def _requests_table(spec: dict, version: str, cells) -> str:
    cols = list(spec["cols"])
    skip = ROWS_2021_ONLY if version == "2019" else ROWS_2019_ONLY
    row_keys = [key for key in spec["rows"] if key not in skip]
    org_labels = [spec["cols"][c].split("/")[-1] for c in cols[1:-1]]
    rows = [
        _td(REQUESTS_NOTE, rowspan=3, colspan=3) + _td("申请人情况", colspan=7),
        _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2),
        "".join(_td(label) for label in org_labels),
    ]
    # Row labels look like "三/（三）不予公开/1.属于国家秘密": up to three levels of merged cells.
    paths = {key: _label_path(spec["rows"][key]) for key in row_keys}
    outcome_keys = [key for key in row_keys if len(paths[key]) > 1]
    for key in row_keys:
        path = paths[key]
        values = "".join(_td(cells.get(f"requests.{key}.{col}")) for col in cols)
        if len(path) == 1:
            rows.append(_td(path[0], colspan=3) + values)
            continue
        lead = ""
        if key == outcome_keys[0]:
            lead += _td("三、本年度办理结果", rowspan=len(outcome_keys))
        if len(path) == 2:
            rows.append(lead + _td(path[1], colspan=2) + values)
            continue
        siblings = [k for k in outcome_keys if paths[k][:2] == path[:2]]
        if key == siblings[0]:
            lead += _td(path[1], rowspan=len(siblings))
        rows.append(lead + _td(path[2]) + values)
    return _table(rows)


def _label_path(label: str) -> list[str]:
    """Split a report-format row label into its printed levels, dropping the key's notes."""
    label = label.split(" — ")[0].replace(" (2021 only)", "")
    parts = label.split("/")
    if parts[0] in ("三", "三、本年度办理结果"):
        return ["三、本年度办理结果", *parts[1:]]
    return parts


def _appeals_table(spec: dict, cells) -> str:
    cols = list(spec["cols"])
    outcomes = [spec["cols"][c].split("/")[-1] for c in cols[:5]]
    rows = [
        _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10),
        "".join(_td(label, rowspan=2) for label in outcomes)
        + _td("未经复议直接起诉", colspan=5)
        + _td("复议后起诉", colspan=5),
        "".join(_td(label) for label in outcomes * 2),
        "".join(_td(cells.get(f"appeals.cases.{col}")) for col in cols),
    ]
    return _table(rows)


def tables_rows(cells: dict[str, int | None], version: str, format_path: str | Path) -> list[list]:
    """The three tables as plain rows (label cells then values), for spreadsheets: each merged
    label is written out in full on every row it covers, as people do when they retype a table
    into Excel."""
    spec = load_format(str(format_path))["tables"]
    rows: list[list] = [[spec["active"]["label"]]]
    for group in spec["active"]["versions"][version]["groups"]:
        cols = list(group["cols"])
        rows.append([group["clause"]])
        rows.append(["信息内容", *group["cols"].values()])
        for key, label in group["rows"].items():
            rows.append([label, *(cells.get(f"active.{key}.{col}") for col in cols)])
    requests = spec["requests"]
    skip = ROWS_2021_ONLY if version == "2019" else ROWS_2019_ONLY
    rows += [
        [requests["label"]],
        ["", *(label.split("/")[-1] for label in requests["cols"].values())],
    ]
    for key in requests["rows"]:
        if key not in skip:
            label = "".join(_label_path(requests["rows"][key]))
            rows.append([label, *(cells.get(f"requests.{key}.{col}") for col in requests["cols"])])
    appeals = spec["appeals"]
    rows += [
        [appeals["label"]],
        list(appeals["cols"].values()),
        [cells.get(f"appeals.cases.{col}") for col in appeals["cols"]],
    ]
    return rows
