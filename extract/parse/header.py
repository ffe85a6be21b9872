"""A report's metadata: title, agency, statistics year and the publication date it prints."""

from __future__ import annotations

import re

from extract.parse.normalize import chinese_number, compact, is_page_number

_YEAR = r"(?:20\d\d|二[〇零○O0][一二三四五六七八九〇零○O0]{2})"
_DATE_BODY = (
    rf"(?P<y>{_YEAR})年(?P<m>[0-9一二三四五六七八九十]{{1,3}})月"
    r"(?P<d>[0-9一二三四五六七八九十]{1,3})日?"
    r"|(?P<iso_y>20\d\d)[-./](?P<iso_m>\d{1,2})[-./](?P<iso_d>\d{1,2})"
)
# A line that is only a date, or a signature and its date on one line ('昌乐县卫生健康局 2021年1月22日').
_DATE_LINE = re.compile(
    rf"^(?P<agency>[\u4e00-\u9fff()·]{{2,40}}?)??[(\[【]?"
    rf"(?:(?:发布)?(?:日期|时间):?)?(?:{_DATE_BODY})[)\]】]?$"
)
# What a signing agency's name ends with.
_AGENCY_END = re.compile(
    r"(?:局|委员会|委|人民政府|政府|办公室|办公厅|厅|院|中心|所|队|署|会|处|站|镇|乡|街道办事处|"
    r"街道|管委会|公司|部|馆|社|台|集团)$"
)
_AGENCY = re.compile(r"^[\u4e00-\u9fff()（）·]{2,40}$")


def _title_in_text(lines: list[str]) -> str | None:
    """The report's first lines up to the one that says '…报告' (at most three)."""
    head: list[str] = []
    for line in lines:
        text = compact(line)
        if text:
            head.append(text)
            if len(head) == 3:
                break
    for count, line in enumerate(head, 1):
        if "报告" in line:
            return "".join(head[:count])
    return head[0] if head and len(head[0]) <= 60 else None


def find_title(lines: list[str], title_hint: str | None) -> str | None:
    """The title: ``title_hint`` when it names a report, else the report's first lines up to
    '…报告' (a hint like '附件1' or a bare agency name is a page's label, not the title)."""
    hint = compact(title_hint or "")
    if "报告" in hint:
        return hint
    return _title_in_text(lines) or hint or None


def read_signed_date(line: str) -> tuple[str | None, str | None]:
    """``(iso_date, agency)`` from a line that is only a date ('2021 年 1 月 22 日',
    '(2022年1月28日)') or an agency's name and a date; ``(None, None)`` otherwise."""
    match = _DATE_LINE.match(compact(line))
    if not match or (match["agency"] and not is_agency_name(match["agency"])):
        return None, None
    if match["iso_y"]:
        year, month, day = (int(match[name]) for name in ("iso_y", "iso_m", "iso_d"))
    else:
        year, month, day = (chinese_number(match[name]) for name in ("y", "m", "d"))
    if None in (year, month, day) or not (1 <= month <= 12 and 1 <= day <= 31):
        return None, None
    return f"{year:04d}-{month:02d}-{day:02d}", match["agency"]


def read_date(line: str) -> str | None:
    """The ISO date of a date line (see :func:`read_signed_date`), else None."""
    return read_signed_date(line)[0]


def _nonempty(lines: list[str]) -> list[int]:
    """Indexes of lines with text, page numbers ('3', '- 3 -', '第 3 页') left out."""
    return [
        index
        for index, line in enumerate(lines)
        if line.strip() and not line.strip().isdigit() and not is_page_number(line)
    ]


def find_published(lines: list[str]) -> tuple[str | None, int | None]:
    """``(iso_date, line_index)`` of the date printed at the report's end, or under its title."""
    filled = _nonempty(lines)
    for index in reversed(filled[-8:]):
        date = read_date(lines[index])
        if date:
            return date, index
    for index in filled[:6]:
        date = read_date(lines[index])
        if date:
            return date, index
    return None, None


def is_agency_name(text: str) -> bool:
    """True for a bare organisation name such as '昌乐县卫生健康局' (not '我局', '本机关')."""
    text = compact(text)
    return (
        bool(_AGENCY.match(text) and _AGENCY_END.search(text))
        and len(text) >= 3
        and "报告" not in text
        and not text.startswith(("我", "本", "该"))
    )


def agency_from_title(title: str | None) -> str | None:
    """The agency named in a title ('昌乐县卫生健康局2020年政府信息公开工作年度报告')."""
    if not title:
        return None
    match = re.match(rf"^(.*?)(?:关于)?{_YEAR}年度?(.*?)(?:政府信息公开|政务公开|信息公开)", title)
    if not match:
        return None
    name = (match.group(1) or match.group(2)).strip('《》“”"·_-— ')
    name = re.sub(r"关于$", "", name)
    return name if 2 <= len(name) <= 40 else None


def find_agency(
    lines: list[str], title: str | None, date_line: int | None, title_hint: str | None = None
) -> str | None:
    """The agency that signs the report (the name beside the closing date, or the last line),
    else the one the title names, else a hint that is itself an agency's name."""
    filled = _nonempty(lines)
    closing = filled[-8:]
    signed = read_signed_date(lines[date_line])[1] if date_line is not None else None
    if signed:
        return signed
    if date_line is not None and date_line in closing:
        position = filled.index(date_line)
        candidates = [filled[i] for i in (position - 1, position + 1) if 0 <= i < len(filled)]
    else:
        candidates = filled[-1:]
    for index in candidates:
        if is_agency_name(lines[index]):
            return compact(lines[index])
    named = agency_from_title(title) or agency_from_title(_title_in_text(lines))
    if named is None and title_hint and is_agency_name(title_hint):
        return compact(title_hint)
    return named


# '2020年1月1日起至2020年12月31日止', or with the second year left out ('…至12月31日').
_PERIOD = re.compile(
    rf"({_YEAR})年(?:1|一)月(?:1|一)日[^。]{{0,12}}?(?:({_YEAR})年)?(?:12|十二)月(?:31|三十一)日"
)
_STATISTICS = re.compile(rf"统计(?:期限|时限|期间|周期|时间|区间)[^。]{{0,15}}?({_YEAR})年")
_TITLE_YEAR = re.compile(rf"({_YEAR})年度?")


def find_year(flat: str, title: str | None) -> tuple[int | None, str | None]:
    """``(year, problem)``: the statistics period's year, else the title's year."""
    for pattern in (_PERIOD, _STATISTICS):
        match = pattern.search(flat)
        if match:
            return chinese_number([year for year in match.groups() if year][-1]), None
    if title:
        match = _TITLE_YEAR.search(title)
        if match:
            return chinese_number(match.group(1)), None
    return None, "statistics year not found (no 统计期限 and no year in the title)"
