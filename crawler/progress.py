"""Per-site progress while the crawl runs, and a per-site summary table when it ends.

The figures (:mod:`crawler.site_figures`) also say what the crawler understood of each site;
the summary warns about a site with a 年报 column but no report and about a list whose pager
promised more pages than were fetched, and the figures go into ``ARCHIVE_DIR/sites.jsonl``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from scrapy import signals
from twisted.internet import task

from archive.layout import CaptureKind
from crawler.archiving import site_of_url
from crawler.browser.detect import page_sent_to_browser
from crawler.site_figures import (
    ColumnFigures,
    SiteFigures,
    append_site_records,
    listing_parsed,
)

logger = logging.getLogger(__name__)


class CrawlProgress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.sites: dict[str, SiteFigures] = defaultdict(SiteFigures)
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.failed, signal=signals.spider_error)
        crawler.signals.connect(self.listing_parsed, signal=listing_parsed)
        crawler.signals.connect(self.sent_to_browser, signal=page_sent_to_browser)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getfloat("PROGRESS_INTERVAL"))

    def opened(self, spider):
        for key in getattr(spider, "sites_by_key", {}):
            self.sites[key]  # every site appears in the summary, even one that yields nothing
        if self.interval > 0:
            self._loop = task.LoopingCall(self.log_progress)
            self._loop.start(self.interval, now=False)

    def response_received(self, response, request, spider):
        key = request.meta.get("site_key")
        if key is None:  # robots.txt, fetched by Scrapy itself: count it under its site
            site = site_of_url(request.url, getattr(spider, "sites_by_key", {}).values())
            key = site.key if site else "-"
        progress = self.sites[key]
        if response.status >= 400 and request.meta.get("listing_probe"):
            return  # a guessed next page that is not there: the end of its list, no error
        if response.status >= 400:
            progress.errors += 1
        elif request.meta.get("kind") != CaptureKind.ATTACHMENT:
            progress.pages += 1

    def item_scraped(self, item, response, spider):
        progress = self.sites[item.get("site_key", "-")]
        if item.get("type") == "report":
            progress.reports += 1
        elif item.get("type") == "attachment":
            progress.attachments += 1
        elif item.get("type") == "error":
            progress.errors += 1

    def failed(self, failure, response, spider):
        self.sites[response.meta.get("site_key", "-")].errors += 1

    def listing_parsed(self, response, figures):
        """Count a list page under its column (the first page of its list)."""
        key = response.meta.get("site_key")
        if key is None:
            return
        root = response.meta.get("list_root") or response.url
        site = self.sites[key]
        column = site.columns.get(root)
        if column is None:
            if figures.column_kind is None and not figures.paginated:
                return  # neither a column nor a paginated list: an ordinary page
            via = response.meta.get("via_text") or ""
            column = site.columns[root] = ColumnFigures(
                kind=figures.column_kind or "list", name=via
            )
        column.list_pages += 1
        column.items += figures.dated_items
        if figures.announced_pages:
            column.announced_pages = max(column.announced_pages or 0, figures.announced_pages)
        for platform in figures.platforms:
            column.note_pager(platform)
        if figures.probed:
            column.note_pager("probe")

    def sent_to_browser(self, request, reason):
        key = request.meta.get("site_key")
        if key is not None:
            self.sites[key].browser.append({"url": request.url, "reason": reason})

    def log_progress(self):
        for key, progress in sorted(self.sites.items()):
            logger.info("Progress %s: %s", key, progress.line())

    def closed(self, spider, reason):
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        logger.info("Crawl finished (%s). Per-site summary:\n%s", reason, summary_table(self.sites))
        for key, progress in self.sites.items():
            for name in ("pages", "reports", "attachments", "errors"):
                self.crawler.stats.set_value(f"sites/{key}/{name}", getattr(progress, name))
            for problem in progress.problems():
                logger.warning("SITE NOT UNDERSTOOD %s: %s", key, problem)
                self.crawler.stats.inc_value("sites/problems")
        self.keep_figures()

    def keep_figures(self):
        """Append every site's figures beside the WARCs, under this crawl's id."""
        settings = self.crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED"):
            return
        crawl_id = next(
            (
                getattr(extension, "crawl_id", "")
                for extension in self.crawler.extensions.middlewares
                if getattr(extension, "crawl_id", "")
            ),
            "",
        )
        records = [
            progress.record(key, crawl_id)
            for key, progress in sorted(self.sites.items())
            if key != "-"
        ]
        append_site_records(Path(settings.get("ARCHIVE_DIR")), records)


def summary_table(sites: dict[str, SiteFigures]) -> str:
    header = ("site", "pages", "reports", "attachments", "errors", "columns", "browser", "problems")
    rows = [header] + [
        (
            key,
            str(p.pages),
            str(p.reports),
            str(p.attachments),
            str(p.errors),
            str(len(p.columns)),
            str(len(p.browser)),
            str(len(p.problems())),
        )
        for key, p in sorted(sites.items())
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
