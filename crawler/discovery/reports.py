"""Is a fetched page an annual report, or a cover for an attached one? (Titles: :mod:`nianbao.titles`.)"""

from __future__ import annotations

import itertools
import re

from nianbao.titles import TitleKind, classify_title, normalize_title

__all__ = ["is_report_page"]


# Section headings of both templates; wording varies, so each is a small regex.
_REPORT_MARKERS = [
    re.compile(r"总体情况"),
    re.compile(r"主动公开政府信息(?:的)?情况"),
    re.compile(r"收到和处理政府信息公开申请(?:的)?情况"),
    re.compile(r"行政复议"),
    re.compile(r"存在的?主要问题"),
    re.compile(r"其他需要报告的事项"),
    re.compile(r"本年新收政府信息公开申请"),
]
_MIN_MARKERS = 3
# A page this short with a report title is a cover for an attached file.
_SHORT_PAGE_CHARS = 1500
# "下载" alone is not a hint: portal footers offer 客户端下载 on every page.
_ATTACHMENT_HINT = re.compile(
    r"附件|\.(?:pdf|docx?|wps|xlsx?|et|ofd|zip|rar|7z|jpe?g|png|gif)\b", re.IGNORECASE
)
_HEADING_LINES = 8


def _heading_is_report(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines() if line.strip()][:_HEADING_LINES]
    # A heading is often split: 昌乐县卫生健康局 / 2020 年政府信息公开工作年度报告.
    candidates = lines + [a + b for a, b in itertools.pairwise(lines)]
    return any(classify_title(line) is TitleKind.REPORT for line in candidates if len(line) <= 80)


def is_report_page(title: str, text: str, *, has_attachment: bool | None = None) -> bool:
    """True if a page (its ``<title>`` or heading, and body text) is an annual report.

    Either the report is on the page (a report title in ``title`` or the
    first lines of ``text``, plus at least three of the report's section
    markers), or the page is a short cover whose title is a report title and
    which carries an attachment. ``has_attachment`` says whether the page
    links a file; when None, the text is searched for 附件 or a file name (pass it
    when the links are known: that is more reliable).

    >>> body = "一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况"
    >>> is_report_page("昌乐县卫生健康局2020年政府信息公开工作年度报告", body)
    True
    >>> is_report_page("2020年政府工作报告", body)
    False
    >>> is_report_page("2021年政府信息公开工作年度报告", "附件：2021年年报.pdf")
    True
    """
    normalized_text = normalize_title(text)
    title_kind = classify_title(title)
    if title_kind is TitleKind.LOOKALIKE:
        return False
    titled = title_kind is TitleKind.REPORT or _heading_is_report(text)
    if not titled:
        return False
    markers = sum(1 for marker in _REPORT_MARKERS if marker.search(normalized_text))
    if markers >= _MIN_MARKERS:
        return True
    if len(normalized_text) > _SHORT_PAGE_CHARS:
        return False
    if has_attachment is None:
        has_attachment = bool(_ATTACHMENT_HINT.search(text))
    return has_attachment
