"""The official printed labels of the requests and appeals tables, read from report-format.json.

The JSON names each requests row by its label path ("三/（三）不予公开/1.属于国家秘密"), with
remarks after " — " or in "(2021 only)"; this module turns those paths into the three label
levels a printed table shows.
"""

from __future__ import annotations

import re

from .model import report_format

REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
OUTCOME_LEVEL1 = "三、本年度办理结果"


def _request_row_labels() -> dict[str, tuple[str, str | None, str | None]]:
    labels = {}
    for row, path in report_format()["tables"]["requests"]["rows"].items():
        path = re.sub(r"\s+\(\d{4} only\)$", "", path.split(" — ")[0]).strip()
        parts = path.split("/")
        if len(parts) == 1:
            labels[row] = (parts[0], None, None)
        else:
            labels[row] = (OUTCOME_LEVEL1, parts[1], parts[2] if len(parts) > 2 else None)
    # Not in the template: the total line some reports print under （三）不予公开.
    labels["denied_subtotal"] = (OUTCOME_LEVEL1, labels["denied_state_secret"][1], "小计")
    return labels


def _last_part(mapping: dict[str, str]) -> dict[str, str]:
    return {key: label.split("/")[-1] for key, label in mapping.items()}


REQUEST_ROW_LABELS = _request_row_labels()
REQUEST_PERSON_LABELS = _last_part(report_format()["tables"]["requests"]["cols"])

_appeal_cols = report_format()["tables"]["appeals"]["cols"]
APPEAL_OUTCOME_LABELS = {
    key.split("_")[-1]: label.split("/")[-1]
    for key, label in _appeal_cols.items()
    if key.startswith("review_")
}
APPEAL_GROUP_LABELS = {
    "review": "行政复议",
    "suit_direct": _appeal_cols["suit_direct_total"].split("/")[1],
    "suit_after_review": _appeal_cols["suit_after_review_total"].split("/")[1],
}
