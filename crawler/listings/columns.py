"""Is a page a disclosure column, or a 年报 column? Told by the names a page goes by.

A column is named by the link that led to it, by its ``<title>`` and by its breadcrumb
(当前位置：首页 > 政务公开 > 政府信息公开年报); a report's own title names a report, not a
column, and is not counted.
"""

from __future__ import annotations

import re

from scrapy.http import TextResponse

from nianbao.titles import TitleKind, classify_title

from .base import collapse, is_html, meta_of

_REPORT_COLUMN = re.compile(r"年报|年度报告")
_DISCLOSURE_COLUMN = re.compile(r"信息公开|政务公开|政府公开|公开目录|公开指南")
_BREADCRUMB = (
    "//*[contains(@class,'position') or contains(@class,'crumb') or contains(@class,'location')"
    " or contains(@id,'position') or contains(@id,'crumb') or contains(@id,'location')"
    " or contains(@class,'dqwz') or contains(@class,'current')]"
)
_HERE = re.compile(r"(?:当前|您现在的|你现在的|您的|你的|所在)位置(?:是)?\s*[:：]?(.*)")
_SEPARATORS = re.compile(r"\s*(?:>|＞|»|›|→|/|>>)\s*")


def column_kind(*texts: str) -> str | None:
    """ "report" for a 年报 column, "disclosure" for another disclosure column, else None."""
    kinds = set()
    for text in texts:
        text = re.sub(r"\s+", "", text or "")
        if not text or _names_a_document(text):
            continue
        if _REPORT_COLUMN.search(text):
            kinds.add("report")
        elif _DISCLOSURE_COLUMN.search(text):
            kinds.add("disclosure")
    if "report" in kinds:
        return "report"
    return "disclosure" if kinds else None


def page_column_kind(response: TextResponse) -> str | None:
    """The column kind of a page, from the link that led to it, its title and its breadcrumb."""
    if not is_html(response):
        return None
    meta = meta_of(response)
    via_text = meta.get("via_text") or ""
    title = (response.xpath("//title/text()").get() or "").split("_")[0]
    if any(_names_a_document(text) for text in (via_text, title)):
        return None  # an article (a report, a notice): its breadcrumb names its column, not it
    return column_kind(via_text, title, breadcrumb_here(response))


def _names_a_document(text: str) -> bool:
    return bool(text.strip()) and classify_title(re.sub(r"\s+", "", text)) in (
        TitleKind.REPORT,
        TitleKind.LOOKALIKE,
    )


def breadcrumb_here(response: TextResponse) -> str:
    """The last step of the page's breadcrumb (the column it is in), or ""."""
    texts = [
        collapse(" ".join(node.xpath(".//text()").getall())) for node in response.xpath(_BREADCRUMB)
    ]
    # "您现在的位置是：" in an element whose links follow: read the whole element.
    for node in response.xpath("//body//*[text()[contains(., '位置')]]"):
        match = _HERE.search(collapse(" ".join(node.xpath(".//text()").getall())))
        if match:
            texts.append(match.group(1))
    for text in texts:
        if len(text) > 200:
            continue
        steps = [step for step in _SEPARATORS.split(_HERE.sub(r"\1", text)) if step.strip()]
        if steps:
            return steps[-1]
    return ""
