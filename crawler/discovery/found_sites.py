"""The sites a discovery found: which become sites of their own, and which are refused.

A discovery starts at a government's portal (a province or city row of the sites list) and keeps
what :func:`crawler.discovery.governments.match_link` recognises under it. Bounded and safe:

- only ``*.gov.cn`` hosts, and the configured exceptions, become sites;
- one site per government portal (by host and by division) and one per department (by name
  and by URL): the same portal reached twice is one site;
- at most ``max_sites`` sites per start, and governments at most ``max_depth`` levels below it
  (province → city → county → department is three);
- a government's portal reads links in turn (its counties, its departments); a department's
  site does not.

Plain Python: the spider turns admitted sites into requests.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.discovery.governments import (
    Candidate,
    PageLink,
    is_directory_link,
    is_government_host,
    is_government_name,
    match_link,
    page_links,
)
from crawler.discovery.scope import in_domains, site_domains, url_host
from crawler.sites import Site
from nianbao.regions import Region, region_by_code

__all__ = [
    "DISCOVERED_COLUMNS",
    "Discovery",
    "Found",
    "FoundSites",
    "discovery_registry",
    "found_row",
    "saved_row",
    "sites_csv",
    "within_path_scope",
]

DISCOVERED_COLUMNS = (
    "name",
    "region_code",
    "level",
    "url",
    "allowed_domains",
    "robots",
    "render",
    "path_scope",
    "found_on",
    "link_text",
)


@dataclass
class Discovery:
    """One start: its portal, the division it covers, and what was found under it."""

    site: Site
    region: Region
    found: list[Found] = field(default_factory=list)


@dataclass
class Found:
    site: Site
    kind: str  # government | department
    depth: int  # levels below the start
    found_on: str  # the page that linked it
    link_text: str
    discovery: Discovery = field(repr=False, compare=False)


@dataclass
class _Reader:
    """A site whose pages are read for links: which discovery it serves, and how deep it is."""

    discovery: Discovery
    depth: int
    region: Region


class FoundSites:
    def __init__(self, *, max_sites: int, max_depth: int, host_exceptions: list[str]):
        self.max_sites = max_sites
        self.max_depth = max_depth
        self.host_exceptions = list(host_exceptions)
        self.discoveries: dict[str, Discovery] = {}  # by the start's region code
        self.refused: Counter[str] = Counter()
        self._readers: dict[str, _Reader] = {}  # by site key
        self._hosts: set[str] = set()  # government portals' hosts
        self._names: set[str] = set()  # governments' and departments' names
        self._urls: set[str] = set()
        self._rows: dict[str, dict[str, str]] = {}  # found sites' saved rows, by site key
        # Each site's territory: its host, or its column on a host. A page belongs to the site
        # whose territory holds it most narrowly (see leaves()).
        self._territories: dict[str, dict[str, set[str]]] = {}  # host -> path scope -> keys

    def start(self, site: Site) -> Discovery | None:
        """Make ``site`` a start: it stands for its division and every one under it."""
        region = region_by_code(site.region_code)
        if region is None:
            return None
        discovery = self.discoveries.setdefault(region.code, Discovery(site, region))
        self._readers[site.key] = _Reader(discovery, 0, region)
        self._claim(site, government=True)
        return discovery

    @property
    def reading(self) -> bool:
        """Whether any site's pages are read for the sites below it (discovery mode)."""
        return bool(self._readers)

    def known(self, site: Site) -> None:
        """A site of the sites list: never found again as a new one."""
        self._claim(site, government=is_government_name(site.name))

    def read_page(self, site: Site, html: str, url: str) -> tuple[list[Found], list[PageLink]]:
        """What a page of ``site`` adds: the sites it links that are new, and the pages it links
        that list more (地方政府, 部门网站), to read next. Nothing for a site that does not read."""
        reader = self._readers.get(site.key)
        if reader is None:
            return [], []
        found, directories = [], []
        for link in page_links(html, url):
            candidate = match_link(
                link,
                portal=reader.region,
                start=reader.discovery.region.code,
                portal_host=url_host(site.url),
            )
            if candidate is not None:
                new = self.admit(candidate, site, url)
                if new is not None:
                    found.append(new)
            elif is_directory_link(link.text) and in_domains(link.url, list(site.domains)):
                directories.append(link)
        return found, directories

    def admit(self, candidate: Candidate, finder: Site, found_on: str) -> Found | None:
        """The new site ``candidate`` becomes, found on ``found_on`` of ``finder``; None when
        refused (the reason is counted in ``refused``)."""
        reader = self._readers.get(finder.key)
        if reader is None:
            return None
        discovery = reader.discovery
        reason = self._refusal(candidate, reader)
        if reason:
            self.refused[reason] += 1
            return None
        # A department linked at a page rather than a host's home is a column of some portal
        # (its government's, most often): kept to that column, on that portal's domains.
        column = candidate.kind == "department" and not _is_home(candidate.url)
        domains = tuple(site_domains(candidate.url))
        if column and in_domains(candidate.url, list(finder.domains)):
            domains = finder.domains
        site = Site(
            name=candidate.name,
            region_code=candidate.region.code,
            level=candidate.region.level,
            url=candidate.url,
            domains=domains,
            line=0,
            robots=finder.robots,
            path_scope=_directory(candidate.url) if column else "",
        )
        found = Found(
            site, candidate.kind, reader.depth + 1, found_on, candidate.link_text, discovery
        )
        self._register(found)
        return found

    def row_of(self, site_key: str) -> dict[str, str] | None:
        """The saved row of a found site (see :meth:`restore`), None for a row of the sites list."""
        return self._rows.get(site_key)

    def _register(self, found: Found) -> None:
        self._rows[found.site.key] = saved_row(found)
        government = found.kind == "government"
        self._claim(found.site, government=government)
        found.discovery.found.append(found)
        region = region_by_code(found.site.region_code)
        if government and region is not None and found.depth < self.max_depth:
            self._readers[found.site.key] = _Reader(found.discovery, found.depth, region)

    def restore(self, saved: list[dict[str, str]]) -> list[Found]:
        """Sites found before (rows of :func:`saved_row`), registered again: by an earlier run
        of this job, whose queue may hold requests of theirs, or by another process of a
        scaled-out crawl, whose requests of theirs this process takes from the shared queue."""
        restored = []
        for row in saved:
            discovery = self.discoveries.get(row.get("start", ""))
            if discovery is None or _url_key(row["url"]) in self._urls:
                continue
            site = Site(
                name=row["name"],
                region_code=row["region_code"],
                level=row["level"],
                url=row["url"],
                domains=tuple(row["allowed_domains"].split()),
                line=0,
                robots=row["robots"],
                path_scope=row["path_scope"],
            )
            found = Found(
                site, row["kind"], int(row["depth"]), row["found_on"], row["link_text"], discovery
            )
            self._register(found)
            restored.append(found)
        return restored

    def _refusal(self, candidate: Candidate, reader: _Reader) -> str | None:
        if len(reader.discovery.found) >= self.max_sites:
            return "site budget spent"
        if reader.depth + 1 > self.max_depth:
            return "too deep"
        if not is_government_host(candidate.url, self.host_exceptions):
            return "not a government host"
        host = url_host(candidate.url)
        if candidate.name in self._names or _url_key(candidate.url) in self._urls:
            return "already found"
        if host in self._hosts and (candidate.kind == "government" or _is_home(candidate.url)):
            return "already found"  # a government's portal, or another department's whole host
        return None

    def leaves(self, site: Site, url: str) -> bool:
        """Whether a page link of ``site`` leads out of it: out of its column, or into what
        another site holds more narrowly (a department's own host or column inside a portal's
        domains), so that each page is crawled, and its reports attributed, by its own site.

        >>> registry = FoundSites(max_sites=10, max_depth=3, host_exceptions=[])
        >>> county = Site("南昌县人民政府", "360121", "county", "http://www.ncx.gov.cn/", ("ncx.gov.cn",), 2)
        >>> column = Site("南昌县卫生健康局", "360121", "county", "http://www.ncx.gov.cn/bm/wjj/",
        ...               ("ncx.gov.cn",), 3, path_scope="/bm/wjj/")
        >>> for s in (county, column): registry.known(s)
        >>> registry.leaves(county, "http://www.ncx.gov.cn/bm/wjj/nb/"), registry.leaves(county, "http://www.ncx.gov.cn/zwgk/")
        (True, False)
        >>> registry.leaves(column, "http://www.ncx.gov.cn/zwgk/"), registry.leaves(column, "http://www.ncx.gov.cn/bm/wjj/nb/")
        (True, False)
        """
        if not within_path_scope(site.path_scope, url):
            return True
        parts = urlsplit(url)
        held = self._territories.get((parts.hostname or "").lower(), {})
        scopes = [scope for scope in held if (parts.path or "/").startswith(scope)]
        return bool(scopes) and site.key not in held[max(scopes, key=len)]

    def _claim(self, site: Site, *, government: bool) -> None:
        self._names.add(site.name)
        self._urls.add(_url_key(site.url))
        scopes = self._territories.setdefault(url_host(site.url) or "", {})
        scopes.setdefault(site.path_scope or "/", set()).add(site.key)
        if government and not site.path_scope:
            self._hosts.add(url_host(site.url))


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path
    for index in ("index.html", "index.htm", "index.shtml", "index.jsp", "default.html"):
        path = path.removesuffix(index)
    return f"{(parts.hostname or '').lower()}{path or '/'}"


def _is_home(url: str) -> bool:
    return _url_key(url) == f"{url_host(url)}/"


def _directory(url: str) -> str:
    """The column a department's page sits in: its URL path up to the last slash."""
    return urlsplit(url).path.rsplit("/", 1)[0] + "/"


def sites_csv(discovery: Discovery) -> str:
    """What a discovery found, in the sites format plus ``found_on`` and ``link_text``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=DISCOVERED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for found in discovery.found:
        writer.writerow(found_row(found))
    return out.getvalue()


def found_row(found: Found) -> dict[str, str]:
    site = found.site
    return {
        "name": site.name,
        "region_code": site.region_code,
        "level": site.level,
        "url": site.url,
        "allowed_domains": " ".join(site.domains),
        "robots": site.robots,
        "render": site.render,
        "path_scope": site.path_scope,
        "found_on": found.found_on,
        "link_text": found.link_text,
    }


def saved_row(found: Found) -> dict[str, str]:
    """What :meth:`FoundSites.restore` needs to find ``found`` again (kept in the job's state)."""
    return {
        **found_row(found),
        "kind": found.kind,
        "depth": str(found.depth),
        "start": found.discovery.region.code,
    }


def within_path_scope(path_scope: str, url: str) -> bool:
    """Whether ``url`` lies in a site's column (every URL does for a site without one).

    >>> within_path_scope("/zwgk/bm/wjj/", "http://www.x.gov.cn/zwgk/bm/wjj/nb/list.html")
    True
    >>> within_path_scope("/zwgk/bm/wjj/", "http://www.x.gov.cn/zwgk/index.html")
    False
    >>> within_path_scope("", "http://www.x.gov.cn/")
    True
    """
    return not path_scope or urlsplit(url).path.startswith(path_scope)


def discovery_registry(settings, sites, regions: list[str]) -> FoundSites:
    """The crawl's registry, with its starts: government rows of level province or city, and
    the rows of the divisions named by ``-a regions=``. ``settings`` are the crawl's."""
    registry = FoundSites(
        max_sites=settings.getint("DISCOVERY_MAX_SITES"),
        max_depth=settings.getint("DISCOVERY_MAX_DEPTH"),
        host_exceptions=settings.getlist("DISCOVERY_HOST_EXCEPTIONS"),
    )
    sites = list(sites)
    if settings.getbool("DISCOVERY_ENABLED"):
        for site in sites:
            government = site.level in ("province", "city") and is_government_name(site.name)
            if site.region_code in regions or government:
                registry.start(site)
    for site in sites:
        registry.known(site)
    return registry
