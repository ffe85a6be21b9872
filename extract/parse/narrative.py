"""Figures the report's prose states that its tables also hold ('共收到政府信息公开申请 12 件').

The pipeline compares them with the tables; here they are only read. Only statements that
name one table cell unambiguously are taken: '行政诉讼 2 件' does not say whether the suits
followed a review, so it is recorded only when it is 0 or says which kind it was.
"""

from __future__ import annotations

import re

from extract.parse.model import NarrativeFigure

_COUNT = r"(\d+)(?:件|条|宗|个|份|起|次)"
_ZERO_VERB = (
    r"(?:未发生|没有发生|未出现|没有出现|未有|未收到|没有收到|未受理|没有受理|未接到|未被|无)"
)
_APPEALS_ZERO = (
    "appeals.cases.review_total",
    "appeals.cases.suit_direct_total",
    "appeals.cases.suit_after_review_total",
)
_SUITS = _APPEALS_ZERO[1:]

# (keys, pattern): a pattern with a number group gives that number; one without gives 0.
_PATTERNS: list[tuple[tuple[str, ...], re.Pattern]] = [
    (_APPEALS_ZERO, re.compile(rf"{_ZERO_VERB}[^。;\d]{{0,20}}?行政复议[^。;\d]{{0,12}}?行政诉讼")),
    (
        _APPEALS_ZERO,
        re.compile(r"行政复议[^。;\d]{0,12}?行政诉讼[^。;\d]{0,8}?(?:均为|都为|为|各|均)(?:0|零)"),
    ),
    (
        ("appeals.cases.review_total",),
        re.compile(rf"行政复议(?:申请|案件)?(?:共计|共|数量为|为)?{_COUNT}"),
    ),
    (("appeals.cases.review_total",), re.compile(rf"{_ZERO_VERB}[^。;,\d]{{0,12}}?行政复议")),
    (_SUITS, re.compile(rf"行政诉讼(?:案件)?(?:共计|共|数量为|为)?{_COUNT}")),
    (_SUITS, re.compile(rf"{_ZERO_VERB}[^。;,\d]{{0,12}}?行政诉讼")),
    (
        ("requests.new.total",),
        re.compile(
            rf"(?:收到|受理|接收|新收|接到)[^。;,\d]{{0,30}}?(?:公开申请|依申请公开(?:申请|事项)?|公开的申请)"
            rf"(?:共计|共|合计|总计|总数|数量为|数量|为)?{_COUNT}"
        ),
    ),
    (
        ("requests.new.total",),
        re.compile(rf"{_ZERO_VERB}[^。;,\d]{{0,20}}?(?:公开申请|依申请公开|公开的申请)"),
    ),
    (("requests.carried_over.total",), re.compile(rf"上年度?结转[^。;,\d]{{0,20}}?{_COUNT}")),
    (
        ("requests.carried_forward.total",),
        re.compile(
            rf"结转(?:至|到)?下一?年度?[^。;,\d]{{0,12}}?{_COUNT}|{_COUNT}[^。;,\d]{{0,6}}?结转(?:至|到)?下一?年"
        ),
    ),
    (("requests.granted.total",), re.compile(rf"予以公开(?:的)?{_COUNT}")),
    (("requests.partial.total",), re.compile(rf"部分公开(?:的)?{_COUNT}")),
]
# A request-count phrase about appeals or replies is not about applications received.
_NOT_REQUESTS = re.compile(r"复议|诉讼|答复|办结")


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in "。;") + 1
    right = min((i for i in (text.find(mark, end) for mark in "。;") if i >= 0), default=len(text))
    quote = text[left:right]
    if len(quote) > 80:
        offset = start - left
        quote = quote[max(0, offset - 30) : offset + (end - start) + 30]
    return quote


def find_figures(flat: str) -> list[NarrativeFigure]:
    """Narrative figures in whitespace-free, normalised prose; each (key, value) once.

    A span claimed by an earlier pattern (e.g. '未发生…行政复议、行政诉讼') is not read again
    by a later, narrower one.
    """
    figures: list[NarrativeFigure] = []
    seen: set[tuple[str, int]] = set()
    claimed: list[tuple[int, int]] = []
    for keys, pattern in _PATTERNS:
        for match in pattern.finditer(flat):
            if any(a < match.end() and match.start() < b for a, b in claimed):
                continue
            if keys[0].startswith("requests.new") and _NOT_REQUESTS.search(match.group(0)):
                continue
            number = next((g for g in match.groups() if g is not None), None)
            value = int(number) if number is not None else 0
            keys_here = _suit_kind(flat, match.start()) if keys == _SUITS and value else keys
            claimed.append(match.span())
            quote = _sentence(flat, match.start(), match.end())
            for key in keys_here:
                if (key, value) not in seen:
                    seen.add((key, value))
                    figures.append(NarrativeFigure(key, value, quote))
    return figures


def _suit_kind(flat: str, start: int) -> tuple[str, ...]:
    """Which suit total a non-zero count names, from the words just before it; () if unsaid."""
    before = flat[max(0, start - 15) : start + 15]
    if "直接起诉" in before or "未经复议" in before:
        return ("appeals.cases.suit_direct_total",)
    if "复议后" in before:
        return ("appeals.cases.suit_after_review_total",)
    return ()
