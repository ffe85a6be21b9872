"""Recognise information-disclosure annual reports (政府信息公开工作年度报告) by their titles.

Who published a report, and whether it belongs to a place, is in :mod:`nianbao.agencies`.

Everything here works on plain strings: a link's text, a page's ``<title>``
or heading, a page's body text. Titles are normalised first (full-width
characters, Chinese-numeral years, stray spaces), because real titles come
as ``２０２１年度``, ``二〇二〇年`` and ``2020 年政府信息公开 公开工作年度报告``.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "TitleKind",
    "classify_title",
    "normalize_title",
    "report_year",
]


class TitleKind(str, enum.Enum):
    """What a title or link text names."""

    REPORT = "report"
    LOOKALIKE = "lookalike"
    COLUMN = "column"
    AGENCY = "agency"
    OTHER = "other"


_CHINESE_DIGITS = {
    "〇": "0",
    "○": "0",
    "零": "0",
    "O": "0",
    "o": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_CHINESE_YEAR = re.compile(r"[〇○零Oo一二三四五六七八九0-9]{4}(?=年)")


def _chinese_year_to_digits(match: re.Match[str]) -> str:
    chars = match.group(0)
    if chars.isdigit():
        return chars
    converted = "".join(_CHINESE_DIGITS.get(char, char) for char in chars)
    # "二〇二〇" → "2020"; anything that is not a plausible year stays as written.
    return converted if converted.isdigit() and converted.startswith("20") else chars


def normalize_title(text: str) -> str:
    """Full-width to ASCII (NFKC), Chinese-numeral years to digits, whitespace removed.

    >>> normalize_title(" ２０２１年度 政府信息公开\\u3000工作报告 ")
    '2021年度政府信息公开工作报告'
    >>> normalize_title("二〇二〇年政府信息公开年报")
    '2020年政府信息公开年报'
    """
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return _CHINESE_YEAR.sub(_chinese_year_to_digits, text)


# Page titles carry the site's name after a separator: 报告标题_某某县人民政府.
_TITLE_SEPARATOR = re.compile(r"_+|\|+|｜|—+|–|(?<=\s)-(?=\s)|>>|»")

_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])(年度|年|度)?")
# A year followed by a month or by a dashed date is a publication date, not the period.
_DATE_AFTER_YEAR = re.compile(r"年?[0-9]{1,2}月|[-./][0-9]{1,2}(?:[-./][0-9]{1,2})?(?![0-9])")

_DISCLOSURE = re.compile(r"(?<!环境)(?<!企业)(?<!高校)(?<!学校)(?:政府信息公开|政务公开|信息公开)")
_REPORT_WORD = re.compile(r"报告|年报")

# Titles that look like a report but are something else. Checked before
# anything else, so none of them can ever be classified as a report. Words
# that also occur in agency names (审计局, 机构编制委员会) are only matched in
# the phrases that make them look-alikes.
_LOOKALIKE_PHRASES = r"""
政府工作报告 法治政府 法治建设 总结 要点 决算 预算 绩效 统计年报 统计公报 统计年鉴 国民经济
信用报告 信用年报 社会责任报告 审计工作报告 审计报告 审计结果 工作计划 述职
企业年报 企业年度报告 年报公示 年度报告公示 个体工商户 年度报表 新媒体 学年
网站.{0,6}(?:年度|工作).{0,4}报[表告]
环境信息公开 企业信息公开 高校信息公开 学校信息公开 院务公开 校务公开 村务公开 党务公开 厂务公开
"""
_LOOKALIKE = re.compile("|".join(_LOOKALIKE_PHRASES.split()))

# Notices, templates and commentaries *about* the reports or the disclosure
# work: look-alikes when they mention reports or disclosure (通知公告 and
# 政策解读 alone are ordinary portal columns).
_NOTICE = re.compile(
    r"通知|报告编制|编制发布|编制工作|编制和|报送|做好|印发|格式|模板|填报|说明|解读|图解|读懂|"
    r"考核|测评|评估|评议|检查|督查|通报|方案|培训"
)
_NOTICE_CONTEXT = re.compile(r"报告|年报|报表|公开")

_COLUMN_CORE = re.compile(
    r"信息公开|政务公开|年度报告|年报|公开目录|公开指南|公开制度|主动公开|依申请公开"
)
# A column's name ends like one; 全县政务公开工作推进会 mentions a column but is news.
_COLUMN_END = re.compile(
    r"(?:信息公开|政务公开|年度报告|年报|目录|指南|制度|主动公开|依申请公开|公开内容|专栏|专题|"
    r"栏目|平台|频道)(?:\(.*\))?$"
)
# 2021年度报告, 2020年年报: one year's entry in a list of reports.
_YEAR_ENTRY = re.compile(r"20[0-9]{2}(?:年度|年|度)?(?:工作)?(?:年度报告|年报)")
_MAX_COLUMN_LENGTH = 24

_AGENCY_SUFFIX = re.compile(
    r"(?:局|委员会|管委会|联合会|协会|红十字会|工会|委|办公室|办|人民政府|政府|办事处|街道|中心|"
    r"镇|乡|厅|署|院|所|站|队|处|社|馆|(?:宣传|组织|统战|武装|人武)部|区|县|市|旗|州|盟)$"
)
_NOT_AGENCY = re.compile(
    r"网站|新闻中心|下载中心|帮助中心|用户中心|个人中心|会员中心|消息中心|场所|团队|小镇|城市$|"
    r"(?:主|承|协|督|在|已|待|代)办$|登录|注册|^走进|^魅力|^美丽|^印象|^今日|^关于|[:：]"
)
_MAX_AGENCY_LENGTH = 30


def _segments(title: str) -> list[str]:
    normalized = normalize_title(title)
    spaced = unicodedata.normalize("NFKC", title)
    # Split on the raw (spaced) title so that " - " separators survive, then normalise.
    parts = [normalize_title(part) for part in _TITLE_SEPARATOR.split(spaced)]
    parts = [part for part in parts if part]
    return parts or ([normalized] if normalized else [])


def _statistics_year(text: str) -> int | None:
    candidates: list[tuple[int, int]] = []  # (position, year)
    for match in _YEAR.finditer(text):
        if _DATE_AFTER_YEAR.match(text, match.end(1)):
            continue
        candidates.append((match.start(), int(match.group(1))))
    if not candidates:
        return None
    keyword = _DISCLOSURE.search(text) or _REPORT_WORD.search(text)
    if keyword:
        before = [year for position, year in candidates if position < keyword.start()]
        if before:
            return before[-1]
    return candidates[0][1]


def report_year(title: str) -> int | None:
    """The year a report covers (its statistics year), or None if the title names none.

    Publication dates (``2022年1月28日``, ``2022-01-28``) are skipped; when
    several years remain, the last one before the disclosure keyword wins.

    >>> report_year("昌乐县卫生健康局2020年政府信息公开工作年度报告")
    2020
    >>> report_year("聊城市卫生健康委员会2021年度政府信息公开工作报告(2022年1月28日)")
    2021
    >>> report_year("二〇二〇年政府信息公开工作年度报告"), report_year("２０２１年度政府信息公开工作报告")
    (2020, 2021)
    >>> report_year("政府信息公开年报") is None
    True
    """
    for segment in _segments(title):
        if _DISCLOSURE.search(segment) or _REPORT_WORD.search(segment):
            year = _statistics_year(segment)
            if year is not None:
                return year
    return _statistics_year(normalize_title(title))


def _classify_segment(text: str) -> TitleKind:
    if not text:
        return TitleKind.OTHER
    if _LOOKALIKE.search(text) or (_NOTICE.search(text) and _NOTICE_CONTEXT.search(text)):
        return TitleKind.LOOKALIKE
    has_year = _statistics_year(text) is not None
    if _DISCLOSURE.search(text) and _REPORT_WORD.search(text):
        return TitleKind.REPORT if has_year else TitleKind.COLUMN
    if _YEAR_ENTRY.fullmatch(text):
        return TitleKind.COLUMN
    if _REPORT_WORD.search(text) and (has_year or not _COLUMN_CORE.search(text)):
        # 2021年度法院工作报告, 调研报告: a report, but not a disclosure report.
        return TitleKind.LOOKALIKE
    if has_year or re.search(r"[0-9A-Za-z]", text):
        return TitleKind.OTHER
    if len(text) <= _MAX_COLUMN_LENGTH and _COLUMN_CORE.search(text) and _COLUMN_END.search(text):
        return TitleKind.COLUMN
    if (
        3 <= len(text) <= _MAX_AGENCY_LENGTH
        and _AGENCY_SUFFIX.search(text)
        and not _NOT_AGENCY.search(text)
    ):
        return TitleKind.AGENCY
    return TitleKind.OTHER


# When a page title has several parts, the most telling one decides.
_KIND_RANK = [
    TitleKind.REPORT,
    TitleKind.LOOKALIKE,
    TitleKind.COLUMN,
    TitleKind.AGENCY,
    TitleKind.OTHER,
]


@lru_cache(maxsize=8192)  # a site's menus repeat on every page: the same texts, again and again
def classify_title(title: str) -> TitleKind:
    """Classify a link text, heading or page title.

    - ``report``: names a disclosure annual report of a year;
    - ``lookalike``: another report, or a notice/commentary about the reports
      (never a report, whatever else it contains);
    - ``column``: a disclosure column or index (``政府信息公开年报``, ``信息公开指南``);
    - ``agency``: a department or town name (``昌乐县卫生健康局``, ``宝城街道``);
    - ``other``: anything else.

    Page titles with a site-name suffix (``…年度报告_某县人民政府``) are split
    on their separators and the most telling part decides.

    >>> classify_title("昌乐县卫生健康局2020年政府信息公开工作年度报告").value
    'report'
    >>> classify_title("关于做好2020年政府信息公开工作年度报告编制发布工作的通知").value
    'lookalike'
    >>> classify_title("政府信息公开年报").value, classify_title("安丘市卫生健康局").value
    ('column', 'agency')
    """
    kinds = {_classify_segment(segment) for segment in _segments(title)}
    return next((kind for kind in _KIND_RANK if kind in kinds), TitleKind.OTHER)
