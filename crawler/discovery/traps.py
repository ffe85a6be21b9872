"""Crawler traps: URL canonicalisation and URLs that only lead into endless spaces.

Government CMSs append session ids to every link (``;jsessionid=`` from Java
servers, ``PHPSESSID``, ``ASP.NET_SessionId``), calendars page through any
date, and broken relative links nest paths forever (``/a/b/a/b/a/b/``).
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = [
    "MAX_PATH_DEPTH",
    "MAX_QUERY_PARAMETERS",
    "MAX_URL_LENGTH",
    "MIN_YEAR",
    "canonical_url",
    "trap_reason",
]

MAX_URL_LENGTH = 400
MAX_QUERY_PARAMETERS = 12
MAX_PATH_DEPTH = 15
MIN_YEAR = 2000
# A block of path segments repeated this many times in a row is a loop.
MIN_REPEATS = 3

_SESSION_KEYS = frozenset(
    {"jsessionid", "phpsessid", "sessionid", "session_id", "asp.net_sessionid", "sid"}
)
_TRACKING_KEYS = frozenset({"spm"})
# "sid" is also a site id on some CMSs (?sid=3): only a long token is a session.
_SESSION_TOKEN = re.compile(r"^[0-9A-Za-z._-]{16,}$")
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid)=[^/?#]*", re.IGNORECASE)


def _drop_parameter(item: str) -> bool:
    key, _, value = item.partition("=")
    key = unquote(key).strip().lower()
    if key.startswith(("utm_", "aspsessionid")) or key in _TRACKING_KEYS:
        return True
    if key == "sid":
        return bool(_SESSION_TOKEN.match(unquote(value)))
    return key in _SESSION_KEYS


def canonical_url(url: str) -> str:
    """The URL without session ids, tracking parameters and fragment; nothing else changes.

    Parameter order and encoding are kept as they are (some .jsp servers
    depend on them); only the scheme and host are lowercased.

    >>> canonical_url("http://X.gov.cn/a.jsp;jsessionid=ABC123?id=2&utm_source=wx#top")
    'http://x.gov.cn/a.jsp?id=2'
    >>> canonical_url("http://x.gov.cn/list.php?b=2&PHPSESSID=0123456789abcdef01&a=1")
    'http://x.gov.cn/list.php?b=2&a=1'
    >>> canonical_url("http://x.gov.cn/col.jsp?sid=3&page=2")
    'http://x.gov.cn/col.jsp?sid=3&page=2'
    """
    parts = urlsplit(url.strip())
    path = _PATH_SESSION.sub("", parts.path)
    kept = [item for item in parts.query.split("&") if item and not _drop_parameter(item)]
    netloc = parts.netloc.lower()
    # Keep user info as written (rare, but case-sensitive).
    if "@" in parts.netloc:
        userinfo, _, hostport = parts.netloc.rpartition("@")
        netloc = f"{userinfo}@{hostport.lower()}"
    return urlunsplit((parts.scheme.lower(), netloc, path, "&".join(kept), ""))


# Query keys that carry a date or a year.
_DATE_KEY = re.compile(
    r"date|year|time|day|month|nian|riqi|^(?:y|d|m|yr|rq|ym|ymd)$|^(?:start|end|begin|from|to)(?:_?(?:date|time|day))?$",
    re.IGNORECASE,
)
_YEAR_VALUE = re.compile(
    r"^([0-9]{4})(?:$|[-./年]?(?:0?[1-9]|1[0-2])(?:[-./月]?(?:0?[1-9]|[12][0-9]|3[01]))?日?$)"
)
# A full date anywhere, whatever its key: 2031-05-01, 2031/5/1.
_DATE_ANYWHERE = re.compile(
    r"(?<![0-9])([0-9]{4})[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01])(?![0-9])"
)
_CALENDAR_SEGMENT = re.compile(r"calendar|rili|date|archives?|year|nian|day|month", re.IGNORECASE)
_MONTH_SEGMENT = re.compile(r"^(?:0?[1-9]|1[0-2])$")


def _years_in_query(query: str) -> list[int]:
    years = []
    for item in query.split("&"):
        key, _, value = item.partition("=")
        value = unquote(value).strip()
        if _DATE_KEY.search(unquote(key)):
            match = _YEAR_VALUE.match(value)
            if match:
                years.append(int(match.group(1)))
                continue
        years.extend(int(year) for year in _DATE_ANYWHERE.findall(value))
    return years


def _years_in_path(segments: list[str]) -> list[int]:
    years = []
    for index, segment in enumerate(segments):
        years.extend(int(year) for year in _DATE_ANYWHERE.findall(segment))
        if not re.fullmatch(r"[0-9]{4}", segment):
            continue
        after_calendar = index > 0 and _CALENDAR_SEGMENT.search(segments[index - 1])
        before_month = index + 1 < len(segments) and _MONTH_SEGMENT.match(segments[index + 1])
        if after_calendar or before_month:
            years.append(int(segment))
    return years


def _repeated_block(segments: list[str]) -> str | None:
    for size in range(1, len(segments) // MIN_REPEATS + 1):
        for start in range(len(segments) - size * MIN_REPEATS + 1):
            block = segments[start : start + size]
            if all(
                segments[start + size * repeat : start + size * (repeat + 1)] == block
                for repeat in range(1, MIN_REPEATS)
            ):
                return "/".join(block)
    return None


def trap_reason(url: str, *, current_year: int | None = None) -> str | None:
    """Why ``url`` looks like a crawler trap, or None if it looks fine.

    Traps: longer than :data:`MAX_URL_LENGTH`; more than
    :data:`MAX_QUERY_PARAMETERS` query parameters; path deeper than
    :data:`MAX_PATH_DEPTH`; a block of path segments repeated
    :data:`MIN_REPEATS` times in a row; a calendar date outside
    :data:`MIN_YEAR` … next year. A year counts only in a date context (a
    date-like query key, a full date, or a path ``/calendar/2035/`` or
    ``/2035/05/``), because CMSs use bare 4-digit numbers as ids.

    >>> trap_reason("http://x.gov.cn/cal.jsp?date=2031-05-01", current_year=2024)
    'date out of range: 2031 (allowed 2000-2025)'
    >>> trap_reason("http://x.gov.cn/a/b/a/b/a/b/index.html")
    "repeated path segments: 'a/b'"
    >>> trap_reason("http://x.gov.cn/art/2021/1/5/art_1890_1.html") is None
    True
    """
    if len(url) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH} characters ({len(url)})"
    parts = urlsplit(url.strip())
    parameters = [item for item in parts.query.split("&") if item]
    if len(parameters) > MAX_QUERY_PARAMETERS:
        return f"more than {MAX_QUERY_PARAMETERS} query parameters ({len(parameters)})"
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) > MAX_PATH_DEPTH:
        return f"path deeper than {MAX_PATH_DEPTH} segments ({len(segments)})"
    repeated = _repeated_block(segments)
    if repeated is not None:
        return f"repeated path segments: {repeated!r}"
    last_year = (current_year or datetime.date.today().year) + 1
    for year in _years_in_query(parts.query) + _years_in_path(segments):
        if not MIN_YEAR <= year <= last_year:
            return f"date out of range: {year} (allowed {MIN_YEAR}-{last_year})"
    return None
