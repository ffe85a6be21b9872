"""The arithmetic checks (extract/checks.py) told in Chinese, and the cells each one is about.

A failing check's ``detail`` lists its failing equations as ``LABEL: … != …`` separated by
``; ``; LABEL is a column (balance, outcome, split, carry chain), a row (row total) or an
appeal group. :func:`failing_cells` turns that back into the table cells to highlight.
"""

from __future__ import annotations

import re

from extract.checks import APPEAL_GROUPS, APPEAL_OUTCOMES, OTHER_SPLIT, REQUEST_PARTIES
from nianbao import format as report_format

# rule -> (name, what must hold)
RULES: dict[str, tuple[str, str]] = {
    "requests_balance": (
        "申请收支平衡",
        "本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理（每一列）",
    ),
    "requests_row_total": (
        "各行总计",
        "每一行的“总计”= 自然人与五类法人或其他组织之和",
    ),
    "requests_outcome_total": (
        "办理结果合计",
        "办理结果总计 = 予以公开 + 部分公开 + 不予公开 + 无法提供 + 不予处理 + 其他处理（每一列）",
    ),
    "requests_other_split": (
        "其他处理细分",
        "其他处理 = 逾期未补正 + 逾期未缴费 + 其他（2021 年版格式，每一列）",
    ),
    "appeals_totals": (
        "复议诉讼合计",
        "行政复议、未经复议直接起诉、复议后起诉的“总计”= 维持 + 纠正 + 其他结果 + 尚未审结",
    ),
    "requests_carry_chain": (
        "跨年结转衔接",
        "本年“上年结转”= 上一年度报告的“结转下年度继续办理”",
    ),
    "active_in_force_chain": (
        "现行有效件数衔接",
        "现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
    ),
    "narrative_agrees": ("正文与表格一致", "正文中引述的数字与表格中的数字相同"),
}


def rule_name(rule: str) -> str:
    return RULES.get(rule, (rule, ""))[0]


def rule_rows() -> list[dict]:
    """The ``check_rules`` table: one row per rule with its Chinese name and explanation."""
    return [
        {"rule": rule, "name": name, "explanation": explanation}
        for rule, (name, explanation) in RULES.items()
    ]


def failing_labels(detail: str | None) -> list[str]:
    """The LABEL of each failing equation in a check's ``detail``."""
    text = (detail or "").split(" (not computed:")[0]
    text = re.sub(r"^against [^:]*: ", "", text)
    return [part.split(":", 1)[0].strip() for part in text.split("; ") if "!=" in part]


def failing_cells(rule: str, detail: str | None) -> set[tuple[str, str, str]]:
    """The ``(tbl, row, col)`` cells the failing equations of ``rule`` are made of."""
    cells: set[tuple[str, str, str]] = set()
    requests_cols = report_format.col_keys("requests", "2021")
    for label in failing_labels(detail):
        if rule == "requests_balance" and label in requests_cols:
            for row in ("new", "carried_over", "total", "carried_forward"):
                cells.add(("requests", row, label))
        elif rule == "requests_carry_chain" and label in requests_cols:
            cells.add(("requests", "carried_over", label))
        elif rule == "requests_row_total":
            for col in (*REQUEST_PARTIES, "total"):
                cells.add(("requests", label, col))
        elif rule == "requests_outcome_total" and label in requests_cols:
            rows = report_format.row_keys("requests", "2021")
            for row in rows[rows.index("granted") : rows.index("total") + 1]:
                if row not in OTHER_SPLIT:
                    cells.add(("requests", row, label))
        elif rule == "requests_other_split" and label in requests_cols:
            for row in ("other", *OTHER_SPLIT):
                cells.add(("requests", row, label))
        elif rule == "appeals_totals" and label in APPEAL_GROUPS:
            for outcome in (*APPEAL_OUTCOMES, "total"):
                cells.add(("appeals", "cases", f"{label}_{outcome}"))
        elif rule == "active_in_force_chain":
            for col in ("issued", "repealed", "in_force"):
                cells.add(("active", label, col))
    return cells
