"""Who published a report, named in its title, and whether that body belongs to a site.

A report's agency is read from the title segment that names the report (its text before the
year, or between the year and 政府信息公开); scope is decided by place, through the
administrative divisions the agency's and the site's names start with.
"""

from __future__ import annotations

import re

from nianbao.regions import Region, is_within, leading_regions
from nianbao.titles import (
    _DISCLOSURE,
    _YEAR,
    TitleKind,
    _classify_segment,
    _segments,
    normalize_title,
)

__all__ = ["in_scope", "report_agency"]


_AGENCY_END = re.compile(
    r"(?:局|委员会|管委会|委|办公室|办|政府|办事处|街道|中心|镇|乡|厅|署|院|所|站|队|处|社|会|馆|部|"
    r"区|县|市|旗|州|盟|省|自治区)$"
)
_AGENCY_STRIP = "《》“”\"'()（）:：,，、.。的"


def _clean_agency(candidate: str) -> str | None:
    candidate = re.sub(r"关于$", "", candidate.strip(_AGENCY_STRIP))
    candidate = candidate.strip(_AGENCY_STRIP)
    # 全县, 本市, 我局: a reference to a body, not its name.
    if len(candidate) == 2 and candidate[0] in "全本我各该":
        return None
    if (
        2 <= len(candidate) <= 40
        and _AGENCY_END.search(candidate)
        and not re.search(r"[0-9]", candidate)
    ):
        return candidate
    return None


def report_agency(title: str) -> str | None:
    """The publishing body named in a report title, or None.

    >>> report_agency("昌乐县卫生健康局2020年政府信息公开工作年度报告")
    '昌乐县卫生健康局'
    >>> report_agency("安丘市人民政府办公室关于2020年政府信息公开工作年度报告的报告")
    '安丘市人民政府办公室'
    >>> report_agency("2021年昌乐县宝城街道办事处政府信息公开工作年度报告")
    '昌乐县宝城街道办事处'
    >>> report_agency("关于2019年政府信息公开工作年度报告") is None
    True
    """
    segments = _segments(title)
    segment = next((s for s in segments if _classify_segment(s) is TitleKind.REPORT), None)
    if segment is None:
        segment = next((s for s in segments if _DISCLOSURE.search(s)), None)
    if segment is None:
        return None
    disclosure = _DISCLOSURE.search(segment)
    end = disclosure.start() if disclosure else len(segment)
    year = _YEAR.search(segment, 0, end)
    if year:
        before = _clean_agency(segment[: year.start()])
        if before:
            return before
        # 2021年昌乐县宝城街道办事处政府信息公开…: the body follows the year.
        return _clean_agency(segment[year.end() : end])
    return _clean_agency(segment[:end])


def _places(name: str) -> list[Region]:
    text = normalize_title(name)
    text = re.sub(r"^中国[·•・]?", "", text)
    chain = leading_regions(text)
    return chain[-1] if chain else []


def in_scope(agency: str | None, site_name: str) -> bool:
    """Whether a report by ``agency`` belongs to the site called ``site_name``.

    Scope is decided by place: the most specific division that the agency's
    name starts with must be the site's own (or lie under it: a city portal
    also carries its districts' reports). An agency naming no place
    (``县卫生健康局``, ``宝城街道办事处``, ``XX镇人民政府``) is a body of
    the site's own place; so is an unknown agency (None), since nothing says
    otherwise. A site whose name carries no known place accepts everything.

    >>> in_scope("安丘市卫生健康局", "安丘市人民政府")
    True
    >>> in_scope("昌乐县卫生健康局", "安丘市人民政府"), in_scope("潍坊市卫生健康委员会", "安丘市人民政府")
    (False, False)
    >>> in_scope("县卫生健康局", "安丘市人民政府")
    True
    """
    if not agency:
        return True
    site_places = _places(site_name)
    agency_places = _places(agency)
    if not site_places or not agency_places:
        return True
    return any(is_within(place, site.code) for place in agency_places for site in site_places)
