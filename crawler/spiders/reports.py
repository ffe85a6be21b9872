"""The ``reports`` spider: from each site's start URL to its annual reports and their attachments.

The spider only decides what to follow; everything else is a component switched on in
``crawler/settings.py``: capture and archiving (download handler + extension), per-site scope,
budgets and traps (SitePolicyMiddleware), retries with backoff, resuming from the archive.
Every request carries the same meta keys, so a later component (the browser) can take any
request over without the spider changing:

``site_key``  the site row it belongs to        ``kind``  page | listing | report | attachment
``hops``      links followed from the start URL  ``via`` / ``via_text``  the linking page and anchor
``list_page`` pages of one list followed so far (pagination is not a hop, but must end)
``list_root`` the first page of the list a further page belongs to (its column, for the figures)
``listing_probe`` a guessed next page: its failure (a 404) ends the list, it is no error

Discovery mode: a province or city government's row (or a row named by ``-a regions=``) also
stands for every government under it. Its portal's link boxes and menus are read for the
governments and departments below (:mod:`crawler.discovery.governments`), and each one found
becomes a site of its own, with its own budgets (:mod:`crawler.discovery.found_sites`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse

from archive.layout import CaptureKind
from crawler.discovered_sites import site_discovered
from crawler.discovery.attachments import attachment_filename, is_attachment_link
from crawler.discovery.found_sites import discovery_registry, saved_row
from crawler.discovery.links import PRIORITY_AGENCY_DIRECTORY, link_priority
from crawler.discovery.reports import is_report_page
from crawler.discovery.traps import canonical_url
from crawler.listings import STATE_KEYS as LISTING_STATE_KEYS
from crawler.listings import parse_listing
from crawler.listings.base import xpath_texts
from crawler.site_figures import listing_figures, listing_parsed
from crawler.sites import Site, SitesFileError, load_sites
from nianbao.agencies import in_scope, report_agency
from nianbao.titles import classify_title, report_year

# Where the spider state (JOBDIR) keeps the sites discovery found, for a resumed job.
FOUND_STATE = "discovered_sites"
PROVINCES_CSV = Path(__file__).resolve().parents[2] / "sites" / "provinces.csv"
# Attachments are fetched before more list pages: a report page is a dead end once its files are in.
ATTACHMENT_PRIORITY = 100
# Flip-book viewers whose text pages hold the report (the listing parser pages through them).
VIEWER_HINTS = ("basic-html", "/mobile/index.html", "flipbook", "/files/book")
# Where the walk met a page (the keys above, and the list parsers' own): all a further page of
# a list inherits, and, with the page itself and its site, all that decides what parse yields.
WALK_KEYS = (
    "site_key",
    "kind",
    "hops",
    "via",
    "via_text",
    "list_page",
    "list_root",
    "found_site",
    "dont_obey_robotstxt",
    *LISTING_STATE_KEYS,
)


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(
        self,
        sites: str | None = None,
        regions: str | None = None,
        allow_internal_addresses=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not sites and not regions:
            raise ValueError(
                "pass the sites list (scrapy crawl reports -a sites=FILE.csv) or the regions to"
                " discover from the provincial portals (-a regions=370000,371500)"
            )
        # -a regions=370000,371500 alone starts from the bundled provincial portals.
        sites = sites or str(PROVINCES_CSV)
        self.sites_file = sites
        self.unreadable: str | None = None
        try:
            loaded, errors = load_sites(sites, allow_internal=allow_internal_addresses)
        except SitesFileError as exc:
            # One clear line and a crawl that ends at once (start), not a traceback.
            self.logger.error("%s; nothing is crawled", exc)
            loaded, errors, self.unreadable = [], [], str(exc)
        for error in errors:
            self.logger.error("Sites file %s, %s; that row is skipped", sites, error)
        self.site_errors = errors
        self.regions = [code.strip() for code in (regions or "").split(",") if code.strip()]
        if self.regions:
            loaded = self.rows_of_regions(loaded)
        self.sites_by_key: dict[str, Site] = {site.key: site for site in loaded}
        self._sites_digest: str | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        allow = crawler.settings.getbool("ALLOW_INTERNAL_ADDRESSES")
        spider = super().from_crawler(crawler, *args, allow_internal_addresses=allow, **kwargs)
        spider.found_sites = discovery_registry(
            crawler.settings, spider.sites_by_key.values(), spider.regions
        )
        return spider

    def rows_of_regions(self, loaded: list[Site]) -> list[Site]:
        """With ``-a regions=``: only the rows of those divisions, each one a discovery start."""
        chosen = [site for site in loaded if site.region_code in self.regions]
        for code in sorted(set(self.regions) - {site.region_code for site in chosen}):
            self.logger.error(
                "No row of %s has region_code %s: nothing starts there", self.sites_file, code
            )
        return chosen

    async def start(self):
        if self.unreadable:
            raise CloseSpider("sites_file_unreadable")
        # A job resumed after a clean stop: its queue may hold requests of sites found before.
        for found in self.found_sites.restore(getattr(self, "state", {}).get(FOUND_STATE, [])):
            self.sites_by_key[found.site.key] = found.site
        for site in list(self.sites_by_key.values()):
            yield self.request(site, site.url, kind=CaptureKind.PAGE, hops=0)

    def request(
        self,
        site: Site,
        url: str,
        *,
        kind: str,
        hops: int,
        via=None,
        via_text=None,
        priority: int = 0,
        callback=None,
    ) -> scrapy.Request:
        meta = {"site_key": site.key, "kind": kind, "hops": hops}
        if not site.line:  # found by discovery: any process of a scaled-out crawl can take it up
            meta["found_site"] = self.found_sites.row_of(site.key)
        if via:
            meta.update(via=via, via_text=via_text or "")
        if site.robots == "ignore":
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(
            canonical_url(url),
            callback=callback or self.parse,
            errback=self.failed,
            meta=meta,
            priority=priority,
        )

    def parse(self, response):
        if not isinstance(response, TextResponse):
            # A page link that answered with a file (a report linked straight to its PDF).
            yield from self.parse_attachment(response)
            return
        site = self.sites_by_key[response.meta["site_key"]]
        hops = response.meta.get("hops", 0)
        # Before the page's own links: a department's page is then its own site's, not a page
        # of the portal that lists it (the duplicate filter lets the first request through).
        yield from self.discover(response, site, hops)
        listing = parse_listing(response)
        for page in [*listing.pages, *listing.probes]:
            yield page.replace(
                callback=self.parse,
                errback=self.failed,
                meta={
                    **walk_state(response.meta),
                    **page.meta,
                    "kind": CaptureKind.LISTING,
                    "via": response.url,
                    "list_page": response.meta.get("list_page", 0) + 1,
                    "list_root": response.meta.get("list_root") or response.url,
                },
            )
        self.crawler.signals.send_catch_log(
            signal=listing_parsed, response=response, figures=listing_figures(response, listing)
        )
        report = None
        if isinstance(response, HtmlResponse):
            has_attachment = any(is_attachment_link(link.url, link.text) for link in listing.links)
            report = self.report_item(response, site, has_attachment)
            if (
                report is None
                and "flipbook" in listing.platforms
                and response.meta.get("kind") == CaptureKind.REPORT
            ):
                # A flip-book holds no text of its own: the link that led here named the report,
                # and its text pages (requested above) carry the report.
                report = self.item_for(response, site, response.meta.get("via_text", ""))
        if report:
            yield report
        for link in listing.links:
            request = self.follow_link(site, response, link, hops, is_report_page=bool(report))
            if request is not None:
                yield request

    def replay_context(self, response) -> dict | None:
        """What decides, besides the page itself, what ``parse`` yields for it: its site's row,
        the sites list (which site a link belongs to) and where the walk met the page. Kept with
        what parse yielded, so that an unchanged page need not be parsed again
        (:mod:`crawler.parse_memo`). None while discovery reads pages: what they yield then
        depends on the sites found so far."""
        site = self.sites_by_key.get(response.meta.get("site_key"))
        if site is None or self.found_sites.reading:
            return None
        if self._sites_digest is None:
            rows = sorted(site_row(each) for each in self.sites_by_key.values())
            self._sites_digest = hashlib.sha1(repr(rows).encode()).hexdigest()
        return {
            "site": site_row(site),
            "sites": self._sites_digest,
            "walk": walk_state(response.meta),
        }

    def follow_link(self, site: Site, response, link, hops: int, *, is_report_page: bool):
        kind = classify_title(link.text)
        if kind == "lookalike":
            return None
        if kind == "report" and not in_scope(report_agency(link.text), site.name):
            self.crawler.stats.inc_value("reports/out_of_scope_links")
            return None
        if is_attachment_link(link.url, link.text) and (is_report_page or kind == "report"):
            return self.follow(
                site,
                response,
                link,
                hops,
                kind=CaptureKind.ATTACHMENT,
                priority=ATTACHMENT_PRIORITY,
                callback=self.parse_attachment,
            )
        if is_report_page and any(hint in link.url for hint in VIEWER_HINTS):
            # The report's own pages in another form (a flip-book's text pages): not a new report.
            return self.follow(
                site, response, link, hops, kind=CaptureKind.PAGE, priority=ATTACHMENT_PRIORITY
            )
        if kind != "report" and self.found_sites.leaves(site, link.url):
            return None  # a department's column or site: its own site's, not this one's
        priority = link_priority(link.text, link.url, domains=site.domains)
        if priority is None:
            return None
        page_kind = CaptureKind.REPORT if kind == "report" else CaptureKind.PAGE
        return self.follow(site, response, link, hops, kind=page_kind, priority=priority)

    def follow(self, site: Site, response, link, hops: int, *, kind, priority, callback=None):
        """The request for a link of ``response``: one hop further, with the page and link text
        it was found by."""
        return self.request(
            site,
            link.url,
            kind=kind,
            hops=hops + 1,
            via=response.url,
            via_text=link.text,
            priority=priority,
            callback=callback,
        )

    def discover(self, response, site: Site, hops: int):
        """Discovery mode: the governments and departments this page links become sites."""
        if not isinstance(response, HtmlResponse) or hops > self.settings.getint(
            "DISCOVERY_PAGE_HOPS"
        ):
            return
        found, directories = self.found_sites.read_page(site, response.text, response.url)
        for new in found:
            self.sites_by_key[new.site.key] = new.site
            if hasattr(self, "state"):  # Scrapy's spider state, kept in JOBDIR
                self.state.setdefault(FOUND_STATE, []).append(saved_row(new))
            self.crawler.signals.send_catch_log(signal=site_discovered, found=new)
            # Fetched even if another site's walk fetched this page already: else the new site
            # would never start.
            yield self.request(
                new.site,
                new.site.url,
                kind=CaptureKind.PAGE,
                hops=0,
                via=response.url,
                via_text=new.link_text,
            ).replace(dont_filter=True)
        for link in directories:  # a 地方政府 or 部门网站 page: read it for more
            yield self.follow(
                site,
                response,
                link,
                hops,
                kind=CaptureKind.PAGE,
                priority=PRIORITY_AGENCY_DIRECTORY,
            )

    def report_item(self, response: HtmlResponse, site: Site, has_attachment: bool) -> dict | None:
        title = page_title(response)
        text = " ".join(xpath_texts(response, "//body//text()[not(ancestor::script)]"))
        if not is_report_page(title, text, has_attachment=has_attachment):
            return None
        return self.item_for(response, site, title)

    def item_for(self, response, site: Site, title: str) -> dict | None:
        agency = report_agency(title)
        if not in_scope(agency, site.name):
            self.logger.info("Not %s's report (agency %s): %s", site.name, agency, response.url)
            return None
        return {
            "type": "report",
            "site_key": site.key,
            "url": response.url,
            "title": title,
            "year": report_year(title),
            "agency": agency,
            "via": response.meta.get("via"),
        }

    def parse_attachment(self, response):
        yield {
            "type": "attachment",
            "site_key": response.meta.get("site_key"),
            "url": response.url,
            "filename": attachment_filename(
                response.url, response.headers.get(b"Content-Disposition")
            ),
            "report_url": response.meta.get("via"),
            "title": response.meta.get("via_text"),
        }

    def failed(self, failure):
        if failure.check(IgnoreRequest) and not hasattr(failure.value, "response"):
            return  # a policy decision (offsite, trap, budget, robots.txt), logged where it was made
        request = failure.request
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else repr(failure.value)
        if request.meta.get("listing_probe"):
            # A guessed next page that is not there: the list ended before it.
            self.logger.debug("Probe %s ended its list: %s", request.url, reason)
            self.crawler.stats.inc_value("listings/probes_ended")
            return
        self.logger.warning("Failed %s (%s): %s", request.url, request.meta.get("kind"), reason)
        yield {
            "type": "error",
            "site_key": request.meta.get("site_key"),
            "url": request.url,
            "kind": request.meta.get("kind"),
            "via": request.meta.get("via"),
            "reason": reason,
        }


def walk_state(meta: dict) -> dict:
    """The spider's own keys of a request's meta (not what Scrapy's components add)."""
    return {key: meta[key] for key in WALK_KEYS if key in meta}


def site_row(site: Site) -> tuple:
    return (
        site.key,
        site.name,
        site.region_code,
        site.level,
        site.url,
        site.domains,
        site.robots,
        site.render,
        site.path_scope,
    )


def page_title(response: HtmlResponse) -> str:
    """The article's own heading where the CMS prints one, else the ``<title>``."""
    candidates = response.xpath(
        "//h1//text() | //*[contains(@class,'title') or contains(@id,'title')]/text()"
        " | //meta[@name='ArticleTitle']/@content"
    ).getall()
    headings = [" ".join(c.split()) for c in candidates if len(c.strip()) >= 6]
    title = " ".join((response.xpath("//title/text()").get() or "").split())
    for heading in headings:
        if classify_title(heading) == "report":
            return heading
    return title or (headings[0] if headings else "")
