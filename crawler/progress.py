"""Per-site progress while the crawl runs, and a per-site summary table when it ends."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from scrapy import signals
from twisted.internet import task

from crawler.archiving import site_of_url

logger = logging.getLogger(__name__)


@dataclass
class SiteProgress:
    pages: int = 0
    reports: int = 0
    attachments: int = 0
    errors: int = 0

    def line(self) -> str:
        return (
            f"{self.pages} pages, {self.reports} reports, "
            f"{self.attachments} attachments, {self.errors} errors"
        )


class CrawlProgress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.sites: dict[str, SiteProgress] = defaultdict(SiteProgress)
        self._loop: task.LoopingCall | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.failed, signal=signals.spider_error)

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
        if response.status >= 400:
            progress.errors += 1
        elif request.meta.get("kind") != "attachment":
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


def summary_table(sites: dict[str, SiteProgress]) -> str:
    header = ("site", "pages", "reports", "attachments", "errors")
    rows = [header] + [
        (key, str(p.pages), str(p.reports), str(p.attachments), str(p.errors))
        for key, p in sorted(sites.items())
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
