"""The sites list: which government portals to crawl, and what each one is.

A CSV with a header row and the columns ``name,region_code,level,url``, optionally
``allowed_domains`` (space-separated), ``robots`` (``obey`` | ``ignore``) and ``render``
(``auto`` | ``always`` | ``never``, for sites that need a browser) and ``path_scope`` (a URL
path the site's pages stay under: a department's column on its government's portal). Other columns (a ``note``,
say) are kept but not interpreted. A malformed row is reported with its line number and skipped;
the other rows still crawl.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.discovery.scope import site_domains

LEVELS = ("province", "city", "county")
REQUIRED_COLUMNS = ("name", "region_code", "level", "url")
ROBOTS_POLICIES = ("obey", "ignore")
RENDER_POLICIES = ("auto", "always", "never")


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


def load_sites(path: str | Path) -> tuple[list[Site], list[SiteError]]:
    """Read a sites CSV. Returns the good sites and one error per malformed row."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SitesFileError(f"cannot read sites file {path}: {exc.strerror}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SitesFileError(
            f"{path}: header must have the columns {', '.join(REQUIRED_COLUMNS)}; "
            f"missing {', '.join(missing)}"
        )
    sites, errors = [], []
    for row in reader:
        # The header is line 1; DictReader counts physical lines, which matters for quoted newlines.
        line = reader.line_num
        if not any((value or "").strip() for value in row.values()):
            continue
        try:
            sites.append(parse_site_row(row, line))
        except ValueError as exc:
            errors.append(SiteError(line, str(exc)))
    return sites, errors


def parse_site_row(row: dict[str, str | None], line: int) -> Site:
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
    known = set(REQUIRED_COLUMNS) | {"allowed_domains", "robots", "render", "path_scope"}
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
        extra={k: v for k, v in values.items() if k not in known},
    )
