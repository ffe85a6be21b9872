"""Where things are in a report: the six section headings and the three tables' line ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.parse.normalize import compact
from nianbao.format import section_titles

_NUMERALS = "一二三四五六"
# Wordings of the headings besides the official ones of report-format.json (compared without
# punctuation or spaces).
_TITLE_VARIANTS = {
    2: ("主动公开政府信息情况", "主动公开政府信息"),
    3: ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请"),
    4: (
        "因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "因政府信息公开被申请行政复议提起行政诉讼情况",
        "政府信息公开行政复议行政诉讼情况",
    ),
    5: (
        "存在的主要问题及改进情况",
        "存在的主要问题及改进措施",
        "主要问题及改进情况",
        "存在的主要问题和改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
    ),
    6: ("其他需要报告的事项",),
}
# A heading numbered with its own section's numeral ('三、…') need only name its subject.
_KEYWORDS = {
    1: "总体",
    2: "主动公开",
    3: "申请",
    4: "行政复议|行政诉讼",
    5: "问题",
    6: "其他需要报告|其他事项",
}
_TOP_NUMBER = re.compile(rf"^(?:第([{_NUMERALS}])部分|([{_NUMERALS}])[、.])")
_ANY_NUMBER = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.]|"
    r"\([一二三四五六七八九十]+\)|\d+[、.]|\d+\))"
)
_PUNCT = re.compile(r"[、,，。.:：;；\"“”]")


def _titles(number: int) -> set[str]:
    official = _PUNCT.sub("", section_titles()[number])
    return {official, *(_PUNCT.sub("", t) for t in _TITLE_VARIANTS.get(number, ()))}


_TITLES = {number: _titles(number) for number in range(1, 7)}


def heading_number(line: str) -> int | None:
    """The section (1..6) a line is the heading of, or None.

    A heading is either numbered with its section's own numeral and names its subject
    ('四、政府信息公开行政复议、行政诉讼情况'), or is exactly a section's title under any
    numbering or none ('总体情况', '（六）其他需要报告的事项').
    """
    text = compact(line).rstrip("。.:：")
    if not text or len(text) > 40:
        return None
    numbered = _TOP_NUMBER.match(text)
    if numbered:
        number = _NUMERALS.index(numbered.group(1) or numbered.group(2)) + 1
        if re.search(_KEYWORDS[number], text):
            return number
    bare = _PUNCT.sub("", _ANY_NUMBER.sub("", text))
    for number, titles in _TITLES.items():
        if bare in titles:
            return number
    return None


def find_headings(lines: list[tuple[str, str]]) -> dict[int, int]:
    """Section number → line index of its heading; sections appear in increasing order."""
    found: dict[int, int] = {}
    last = 0
    for index, (orig, _norm) in enumerate(lines):
        number = heading_number(orig)
        if number is not None and number > last:
            found[number] = index
            last = number
    return found


def section_texts(lines: list[tuple[str, str]], headings: dict[int, int]) -> dict[int, str]:
    """Section number → its text (the lines after its heading, up to the next heading)."""
    starts = sorted(headings.items(), key=lambda item: item[1])
    texts: dict[int, str] = {}
    for position, (number, start) in enumerate(starts):
        end = starts[position + 1][1] if position + 1 < len(starts) else len(lines)
        texts[number] = "\n".join(orig for orig, _ in lines[start + 1 : end]).strip()
    return texts


@dataclass(frozen=True)
class Regions:
    """Line ranges ``(start, end)`` of the three tables; None for a table not found."""

    active: tuple[int, int] | None
    requests: tuple[int, int] | None
    appeals: tuple[int, int] | None

    def covers(self, index: int) -> bool:
        return any(
            r is not None and r[0] <= index < r[1]
            for r in (self.active, self.requests, self.appeals)
        )


def _short(norm: str, text: str, limit: int = 40) -> bool:
    """A table line: a TAB row, or short enough not to be a paragraph of prose."""
    return "\t" in norm or len(text) <= limit


def _is_active_start(norm: str, text: str) -> bool:
    if re.match(r"^第二十条第\(?[一二三四五六七八九十]+\)?项", text) and _short(norm, text):
        return True
    if "信息内容" in text and re.search(r"本年新?制|处理决定|上一年项目", text):
        return True
    # A table printed without clause or header rows starts at its first row.
    return bool(re.match(r"^规章[\d\s—-]", compact(norm) + " ")) and _short(norm, text)


def _is_requests_start(norm: str, text: str) -> bool:
    if "勾稽关系" in text and _short(norm, text, limit=80):
        return True
    return text.startswith(("申请人情况", "一、本年新收", "本年新收")) or (
        text.startswith("自然人") and "法人" in text
    )


def _is_appeals_start(norm: str, text: str) -> bool:
    return (text.startswith("行政复议") and _short(norm, text)) or "结果维持" in text


def _first(lines, start: int, end: int, test) -> int | None:
    for index in range(start, end):
        norm = lines[index][1]
        text = compact(norm)
        if text and test(norm, text):
            return index
    return None


def find_regions(lines: list[tuple[str, str]], headings: dict[int, int]) -> Regions:
    """Where each table starts (its first header or row line) and ends (the next landmark).

    A table is looked for inside its own section when that section's heading was found, so a
    row label quoted in prose elsewhere cannot start a table.
    """
    total = len(lines)

    def search_from(section: int, fallback: int) -> int:
        return headings[section] + 1 if section in headings else fallback

    def search_to(section: int) -> int:
        later = [index for number, index in headings.items() if number > section]
        return min(later, default=total)

    active = _first(lines, search_from(2, 0), search_to(2), _is_active_start)
    requests = _first(lines, search_from(3, active or 0), search_to(3), _is_requests_start)
    after = requests + 1 if requests is not None else (active or 0)
    appeals = _first(lines, search_from(4, after), search_to(4), _is_appeals_start)
    if appeals is None and 4 in headings:
        appeals = headings[4] + 1

    starts = [start for start in (active, requests, appeals) if start is not None]
    landmarks = sorted({*headings.values(), *starts})

    def region(start: int | None) -> tuple[int, int] | None:
        if start is None:
            return None
        return start, min((mark for mark in landmarks if mark > start), default=total)

    return Regions(region(active), region(requests), region(appeals))
