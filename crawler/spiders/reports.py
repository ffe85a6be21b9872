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
"""

from __future__ import annotations

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse

from crawler.discovery.attachments import attachment_filename, is_attachment_link
from crawler.discovery.links import link_priority
from crawler.discovery.reports import is_report_page
from crawler.discovery.traps import canonical_url
from crawler.listings import parse_listing
from crawler.site_figures import listing_parsed
from crawler.sites import Site, load_sites
from nianbao.agencies import in_scope, report_agency
from nianbao.titles import classify_title, report_year

# Attachments are fetched before more list pages: a report page is a dead end once its files are in.
ATTACHMENT_PRIORITY = 100
# Flip-book viewers whose text pages hold the report (the listing parser pages through them).
VIEWER_HINTS = ("basic-html", "/mobile/index.html", "flipbook", "/files/book")


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, sites: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not sites:
            raise ValueError("pass the sites list: scrapy crawl reports -a sites=FILE.csv")
        self.sites_file = sites
        loaded, errors = load_sites(sites)
        for error in errors:
            self.logger.error("Sites file %s, %s; that row is skipped", sites, error)
        self.site_errors = errors
        self.sites_by_key: dict[str, Site] = {site.key: site for site in loaded}

    async def start(self):
        for site in self.sites_by_key.values():
            yield self.request(site, site.url, kind="page", hops=0)

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
        listing = parse_listing(response)
        for page in [*listing.pages, *listing.probes]:
            yield page.replace(
                callback=self.parse,
                errback=self.failed,
                meta={
                    **response.meta,
                    **page.meta,
                    "kind": "listing",
                    "via": response.url,
                    "list_page": response.meta.get("list_page", 0) + 1,
                    "list_root": response.meta.get("list_root") or response.url,
                },
            )
        self.crawler.signals.send_catch_log(
            signal=listing_parsed, response=response, listing=listing
        )
        report = None
        if isinstance(response, HtmlResponse):
            has_attachment = any(is_attachment_link(link.url, link.text) for link in listing.links)
            report = self.report_item(response, site, has_attachment)
            if (
                report is None
                and "flipbook" in listing.platforms
                and response.meta.get("kind") == "report"
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

    def follow_link(self, site: Site, response, link, hops: int, *, is_report_page: bool):
        kind = classify_title(link.text)
        if kind == "lookalike":
            return None
        if kind == "report" and not in_scope(report_agency(link.text), site.name):
            self.crawler.stats.inc_value("reports/out_of_scope_links")
            return None
        if is_attachment_link(link.url, link.text) and (is_report_page or kind == "report"):
            return self.request(
                site,
                link.url,
                kind="attachment",
                hops=hops + 1,
                via=response.url,
                via_text=link.text,
                priority=ATTACHMENT_PRIORITY,
                callback=self.parse_attachment,
            )
        if is_report_page and any(hint in link.url for hint in VIEWER_HINTS):
            # The report's own pages in another form (a flip-book's text pages): not a new report.
            return self.request(
                site,
                link.url,
                kind="page",
                hops=hops + 1,
                via=response.url,
                via_text=link.text,
                priority=ATTACHMENT_PRIORITY,
            )
        priority = link_priority(link.text, link.url, domains=list(site.domains))
        if priority is None:
            return None
        return self.request(
            site,
            link.url,
            kind="report" if kind == "report" else "page",
            hops=hops + 1,
            via=response.url,
            via_text=link.text,
            priority=priority,
        )

    def report_item(self, response: HtmlResponse, site: Site, has_attachment: bool) -> dict | None:
        title = page_title(response)
        text = " ".join(response.xpath("//body//text()[not(ancestor::script)]").getall())
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
