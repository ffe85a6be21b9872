"""Character normalisation and reading of the numbers printed in report tables.

Normalisation maps one character to one character, so a position in the normalised line is the
same position in the original: the parser matches on normalised text and still reports the raw
text exactly as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Full-width ASCII (！..～) to ASCII; ideographic and other odd spaces to a space; the minus-like
# dashes to '-'. The em dash '—' stays: reports use it for "nothing", never as a sign. Vertical
# bars that text converters (antiword, Markdown) draw between table cells become TABs.
_CHAR_MAP = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_CHAR_MAP.update({ord(c): " " for c in "\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"})
_CHAR_MAP.update({ord(c): "-" for c in "\u2013\u2212\ufe63"})
_CHAR_MAP.update({ord(c): "\t" for c in "|\uff5c\u2502\u2503\u00a6"})


_MAPPED = re.compile("[" + "".join(re.escape(chr(code)) for code in _CHAR_MAP) + "]")


def normalize(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; odd spaces to ' '. Keeps length."""
    # Most lines need no change; looking is much cheaper than translating.
    return text.translate(_CHAR_MAP) if _MAPPED.search(text) else text


_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)  # a line is compacted by several passes (headings, regions, labels)
def compact(text: str) -> str:
    """Normalised text without any whitespace: how labels wrapped over lines are compared."""
    return _WHITESPACE.sub("", normalize(text))


# Page furniture that a PDF's text carries between table rows: '- 3 -', '第 3 页', '3/12'.
_PAGE_NUMBER = re.compile(
    r"^(?:[-—―]\s*\d{1,4}\s*[-—―]"
    r"|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,/]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)


def is_page_number(line: str) -> bool:
    """True for a line that is only a page number ('- 3 -', '第 3 页', '3 / 12')."""
    return bool(_PAGE_NUMBER.match(normalize(line).replace("\t", " ").strip()))


@dataclass(frozen=True)
class Number:
    """A number read from a table cell; ``unit`` is '元' or '万元' when one was printed."""

    value: Decimal
    unit: str | None
    zero_marker: bool = False  # printed as '—', '/', '无' …


# One or two dashes ('—', '——') or a slash mean nothing; a longer run is a drawn rule.
_ZERO_MARKER = re.compile(r"^(?:[-—―─~/\\]{1,2}|无|空|暂无)$")
_NUMBER = re.compile(
    r"^(?P<sign>[+-])?\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
    r"\s*(?P<unit>万元|万|元|件|个|项|条|次|宗|起|人|家)?$"
)


def read_number(token: str) -> Number | None:
    """Read one printed cell ('12', '+28', '－5', '1,234', '425 万元', '—'); None if not a number."""
    text = normalize(token).strip()
    if _ZERO_MARKER.match(text):
        return Number(Decimal(0), None, zero_marker=True)
    match = _NUMBER.match(text)
    if not match:
        return None
    digits = match["digits"].replace(",", "") + (match["fraction"] or "")
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None
    if match["sign"] == "-":
        value = -value
    unit = match["unit"]
    if unit == "万":
        unit = "万元"
    return Number(value, unit if unit in ("元", "万元") else None)


def is_number(token: str) -> bool:
    """True when ``token`` reads as a table number (including zero markers)."""
    return read_number(token) is not None


def plain(value: Decimal) -> int | float:
    """A Decimal as int when whole, else float (money like 66.28 stays fractional)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def cell_value(
    raw: str, *, money: bool, default_unit: str = "万元"
) -> tuple[int | float, str | None]:
    """The stored value of a printed cell and a note on how it was read (None if plain).

    Money is stored in 万元: a cell printed in 元 (by its own unit, or by the column's unit when it
    prints none) is divided by 10000. Raises ValueError for text that is not a number.
    """
    number = read_number(raw)
    if number is None:
        raise ValueError(f"not a number: {raw!r}")
    if number.zero_marker:
        return 0, f"{raw.strip()!r} read as 0"
    if not money:
        return plain(number.value), None
    unit = number.unit or default_unit
    if unit == "元":
        converted = number.value / Decimal(10000)
        return plain(converted), f"{raw.strip()} → {plain(converted)}万元"
    return plain(number.value), None


_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "0": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """'二〇二一' → 2021, '十二' → 12, '二十二' → 22, '31' → 31; None if unreadable."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    if text and all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    return None
