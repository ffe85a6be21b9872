"""The sites list: which government portals to crawl, and what each one is.

A CSV with a header row and the columns ``name,region_code,level,url``, optionally
``allowed_domains`` (space-separated), ``robots`` (``obey`` | ``ignore``) and ``render``
(``auto`` | ``always`` | ``never``, for sites that need a browser) and ``path_scope`` (a URL
path the site's pages stay under: a department's column on its government's portal). Other
columns (a ``note``, say) are kept but not interpreted. The file is UTF-8 (with or without a BOM).

A malformed row is reported with its line number and skipped; the other rows still crawl. That
includes rows whose bytes are not UTF-8 (a GBK file: every row with Chinese in it), control or
line-separator characters in a field, and a host that is an IP address spelt to deceive
(``2130706433``, ``0x7f.1``, ``gov.cn@127.0.0.1``) or an internal one (``169.254.169.254``,
``[::1]``) — see :mod:`crawler.netguard` for the check every request gets as well.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.discovery.scope import site_domains
from crawler.netguard import internal_reason, ip_literal, normalise_host

LEVELS = ("province", "city", "county")
REQUIRED_COLUMNS = ("name", "region_code", "level", "url")
ROBOTS_POLICIES = ("obey", "ignore")
RENDER_POLICIES = ("auto", "always", "never")
KNOWN_COLUMNS = frozenset(REQUIRED_COLUMNS) | {"allowed_domains", "robots", "render", "path_scope"}
# Control (Cc), format (Cf: bidi overrides, zero-width spaces), surrogate, line and paragraph
# separator characters: none belongs in a sites list.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True)
class Site:
    name: str
    region_code: str
    level: str
    url: str
    domains: tuple[str, ...]
    line: int
    robots: str = "obey"
    render: str = "auto"
    path_scope: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        """A short stable id for logs and request meta: the start URL's host plus the line.

        A site found by discovery (crawler/discovery/governments.py) has no line (0): its start
        URL, which discovery keeps unique, names it instead.
        """
        if not self.line:
            parts = urlsplit(self.url)
            return f"{parts.hostname}{parts.path or '/'}"
        return f"{urlsplit(self.url).hostname}#{self.line}"


@dataclass(frozen=True)
class SiteError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class SitesFileError(ValueError):
    """The file as a whole cannot be read (missing, or its header lacks a required column)."""


def load_sites(
    path: str | Path, *, allow_internal: bool = False
) -> tuple[list[Site], list[SiteError]]:
    """Read a sites CSV. Returns the good sites and one error per malformed row.

    ``allow_internal`` (the crawl's ``ALLOW_INTERNAL_ADDRESSES``) lets a row name an internal
    IP address; unusual spellings of an address are refused whatever it says.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SitesFileError(f"cannot read sites file {path}: {exc.strerror}") from exc
    # Bytes that are not UTF-8 are kept as lone surrogates, so that the row holding them (and
    # only that row) is reported; a UTF-8 BOM (Excel writes one) is not part of the header.
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    # newline="": only CR and LF end a line (str.splitlines would also split at U+2028, U+0085,
    # form feeds...), and a quoted field may hold a line break.
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader, path)
    sites, errors = [], []
    while True:
        first = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(SiteError(first, f"not a CSV row: {exc}"))
            continue
        if not any(field.strip() for field in fields):
            continue
        try:
            row = _row(header, fields)
            sites.append(parse_site_row(row, first, allow_internal=allow_internal))
        except ValueError as exc:
            last = reader.line_num
            message = str(exc) + (f" (the row runs to line {last})" if last > first else "")
            errors.append(SiteError(first, message))
    return sites, errors


def _header(reader, path: Path) -> list[str]:
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        raise SitesFileError(f"{path}, line 1: the header is not a CSV row: {exc}") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SitesFileError(
            f"{path}, line 1: header must have the columns {', '.join(REQUIRED_COLUMNS)}; "
            f"missing {', '.join(missing)}" + _not_utf8_hint(",".join(header))
        )
    return header


def _row(header: list[str], fields: list[str]) -> dict[str, str]:
    if len(fields) > len(header):
        raise ValueError("more fields than the header has columns")
    row = dict(zip(header, fields))
    for column, value in row.items():
        _check_characters(column, value, interpreted=column in KNOWN_COLUMNS)
    return row


def _check_characters(column: str, value: str, *, interpreted: bool) -> None:
    """Refuse bytes that are not UTF-8, and control or separator characters in a field.

    A NUL, a bidi override or a U+2028 in a site's name is never meant, and ends up in logs,
    the archive's metadata and the published pages. Notes (columns not interpreted) may hold
    line breaks and tabs.
    """
    hint = _not_utf8_hint(value)
    if hint:
        raise ValueError(f"{column} has bytes that are not UTF-8{hint}")
    for position, char in enumerate(value, 1):
        if not interpreted and char in "\n\r\t":
            continue
        if unicodedata.category(char) in FORBIDDEN_CATEGORIES:
            name = unicodedata.name(char, "a control character")
            extra = " (an unclosed quote?)" if char in "\r\n" else ""
            raise ValueError(
                f"{column} has U+{ord(char):04X} ({name}) at character {position}{extra}"
            )


def _not_utf8_hint(value: str) -> str:
    """For text holding undecodable bytes: what they are, and what they say read as GB18030."""
    raw = value.encode("utf-8", errors="surrogateescape")
    try:
        raw.decode("utf-8")
        return ""
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 4].hex(" ")
    try:
        guess = f"; read as GBK it says {raw.decode('gb18030')[:40]!r}"
    except UnicodeDecodeError:
        guess = ""
    return f" (bytes {bad}...{guess}): save the file as UTF-8"


def parse_site_row(row: dict[str, str | None], line: int, *, allow_internal: bool = False) -> Site:
    """Validate one CSV row; raises ValueError naming what is wrong."""
    if None in row:
        raise ValueError("more fields than the header has columns")
    values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    name = values.get("name", "")
    if not name:
        raise ValueError("name is empty")
    region_code = values.get("region_code", "")
    if not re.fullmatch(r"\d{6}", region_code):
        raise ValueError(f"region_code must be 6 digits, got {region_code!r}")
    level = values.get("level", "")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    url = values.get("url", "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"url must be an absolute http(s) URL, got {url!r}")
    _check_host(url, parts, allow_internal)
    robots = values.get("robots") or "obey"
    if robots not in ROBOTS_POLICIES:
        raise ValueError(f"robots must be one of {', '.join(ROBOTS_POLICIES)}, got {robots!r}")
    render = values.get("render") or "auto"
    if render not in RENDER_POLICIES:
        raise ValueError(f"render must be one of {', '.join(RENDER_POLICIES)}, got {render!r}")
    allowed = values.get("allowed_domains", "").split() or None
    path_scope = values.get("path_scope", "")
    if path_scope and not path_scope.startswith("/"):
        raise ValueError(f"path_scope must be a URL path starting with /, got {path_scope!r}")
    for domain in allowed or ():
        _check_address(f"allowed_domains entry {domain!r}", domain, allow_internal)
    return Site(
        name=name,
        region_code=region_code,
        level=level,
        url=url,
        domains=tuple(site_domains(url, allowed)),
        line=line,
        robots=robots,
        render=render,
        path_scope=path_scope,
        extra={k: v for k, v in values.items() if k not in KNOWN_COLUMNS},
    )


def _check_host(url: str, parts, allow_internal: bool) -> None:
    """Refuse the URL tricks that aim a row at another host than it seems to name."""
    if "\\" in url or any(char.isspace() for char in url):
        # Browsers read a backslash as a slash, Python's URL parser does not: two hosts.
        raise ValueError(f"url must not contain a backslash or white space, got {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"url must not carry a user name ({url!r} is a request to host {parts.hostname!r})"
        )
    _check_address("url host", parts.hostname, allow_internal)


def _check_address(what: str, host: str, allow_internal: bool) -> None:
    """An IP address as a host: only in its plain form, and internal ones only when allowed."""
    ip = ip_literal(host)
    if ip is None:
        return  # a name: the crawl checks what it resolves to (crawler/netguard.py)
    if normalise_host(host) != str(ip):
        raise ValueError(f"{what} {host!r} is the IP address {ip} spelt unusually; write {ip}")
    reason = internal_reason(ip)
    if reason and not allow_internal:
        raise ValueError(
            f"{what} {host!r} is {reason}: not crawled unless ALLOW_INTERNAL_ADDRESSES is on"
        )
