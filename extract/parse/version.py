"""Tell the template version ('2019' or '2021') from the tables' own wording, not the year."""

from __future__ import annotations

import re

# Column headings and rows that only one template prints. Agencies kept the 2019 template for
# 2021-2022 reports, so the year alone does not tell.
_MARKERS = {
    "2019": r"本年新制作|本年新公开|对外公开总数|上一年项目数|本年增[/(]?减|采购项目数|采购总金额|"
    r"政府集中采购|对外管理服务",
    "2021": r"本年新?制发|本年废止|现行有效|本年处理决定|本年收费金额|逾期不补正|收费通知|缴纳费用",
}


def detect_version(table_text: str, year: int | None) -> tuple[str | None, str | None]:
    """``(version, problem)`` from the whitespace-free text of the active and requests tables.

    With no marker of either template (tables missing or unlabelled), the statistics year
    decides and the problem says so; with no year either, the version is unknown.
    """
    counts = {
        version: len(re.findall(pattern, table_text)) for version, pattern in _MARKERS.items()
    }
    if counts["2019"] != counts["2021"]:
        return max(counts, key=counts.get), None
    if year is None:
        return None, "template version unknown: the tables name no template-specific column or row"
    guess = "2021" if year >= 2021 else "2019"
    return guess, (
        f"template version taken from the year ({year}): the tables name "
        f"no template-specific column or row"
    )
