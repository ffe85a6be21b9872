"""Downloader middlewares: the per-site rules of the crawl, and retries that back off."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest

from archive.layout import CaptureKind
from crawler.discovery.scope import in_domains
from crawler.discovery.traps import trap_reason

logger = logging.getLogger(__name__)


class SitePolicyMiddleware:
    """Keep each site's crawl inside its domains, its hop limit and its page budget; skip traps.

    Every request of the spider carries ``site_key`` (its row in the sites list), ``hops``
    (links followed from the start URL, list pagination not counted) and ``list_page`` (pages of
    one list followed so far). Budgets are per site so that one large portal cannot starve the
    others.
    """

    def __init__(
        self, crawler, max_hops: int, max_list_pages: int, page_budget: int, attachment_budget: int
    ):
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_hops = max_hops
        self.max_list_pages = max_list_pages
        self.budgets = {"page": page_budget, "attachment": attachment_budget}
        self.spent: Counter[tuple[str, str]] = Counter()

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(
            crawler,
            max_hops=s.getint("SITE_MAX_HOPS"),
            max_list_pages=s.getint("SITE_MAX_LIST_PAGES"),
            page_budget=s.getint("SITE_PAGE_BUDGET"),
            attachment_budget=s.getint("SITE_ATTACHMENT_BUDGET"),
        )

    def process_request(self, request):
        site = getattr(self.crawler.spider, "sites_by_key", {}).get(request.meta.get("site_key"))
        if site is None or request.url.endswith("/robots.txt"):
            return None
        if not in_domains(request.url, list(site.domains)):
            self._drop(request, site.key, "offsite")
        reason = trap_reason(request.url)
        if reason:
            self._drop(request, site.key, f"trap: {reason}")
        if request.meta.get("hops", 0) > self.max_hops:
            self._drop(request, site.key, "too many hops")
        if request.meta.get("list_page", 0) > self.max_list_pages:
            # An endless pager (a calendar's 下一页, a CMS counting past its last page).
            self._drop(request, site.key, "too many list pages")
        is_attachment = request.meta.get("kind") == CaptureKind.ATTACHMENT
        budget = "attachment" if is_attachment else "page"
        if self.spent[site.key, budget] >= self.budgets[budget]:
            self._drop(request, site.key, f"{budget} budget of {self.budgets[budget]} spent")
        self.spent[site.key, budget] += 1
        return None

    def _drop(self, request, site_key: str, reason: str):
        self.stats.inc_value(f"site_policy/dropped/{reason.split(':')[0]}")
        logger.debug("Not fetching %s for %s: %s", request.url, site_key, reason)
        raise IgnoreRequest(f"{reason}: {request.url}")


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (5xx, timeouts, connection errors), spaced out exponentially.

    A server that answers 503 is usually overloaded; asking again at once makes it worse. The
    wait happens in this response's own coroutine, so other downloads carry on meanwhile.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX")

    async def process_response(self, request, response):
        result = super().process_response(request, response)
        if result is not response:
            await self._back_off(request)
        return result

    async def process_exception(self, request, exception):
        result = super().process_exception(request, exception)
        if result is not None:
            await self._back_off(request)
        return result

    async def _back_off(self, request):
        attempt = request.meta.get("retry_times", 0) + 1
        delay = min(self.cap, self.base * 2 ** (attempt - 1))
        if delay > 0:
            await asyncio.sleep(delay)
