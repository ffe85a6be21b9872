"""The crawl's downloader: per-host politeness that holds at any delay, a global limit sized from the sites.

Set as ``DOWNLOADER`` in ``crawler/settings.py``. Two changes to Scrapy's own downloader:

- **Per-host concurrency holds at ``DOWNLOAD_DELAY = 0``.** Scrapy 2.19's
  ``Downloader._process_queue`` starts each download as an asyncio task, and a request counts
  against its slot's ``CONCURRENT_REQUESTS_PER_DOMAIN`` only once that task runs (it joins
  ``slot.transferring`` there). With no delay, one pass of the loop starts every request queued
  for the slot: 32 at once against one host was seen. Here a request counts from the moment it is
  started, so the loop stops at the limit. (With a delay, Scrapy starts one request per pass, so
  the race did not show.)
- **The global limit follows the sites.** ``CONCURRENT_REQUESTS`` (32) is a floor: a crawl of
  many sites may keep ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests per site in the downloader, up to
  ``CONCURRENT_REQUESTS_MAX``. With a fixed 32 and a 0.5 s delay, a crawl of 200 sites would be
  held by the global cap (32 hosts at a time), not by the sites. Which host's request goes next is
  Scrapy's ``DownloaderAwarePriorityQueue`` (its default): the host with the fewest requests in
  the downloader, round-robin among equals; the per-host limit keeps each host's share to a few
  requests, so what is held in memory grows with the sites, not with their pages.
  ``CONCURRENT_REQUESTS`` given on the command line is taken as it is, and so is it when the
  crawl is scaled out (what one process holds, the others cannot take).
- **Scaled out** (``REDIS_URL``), each download also takes a lease on its host from Redis
  (:mod:`crawler.shared_politeness`), so N processes put the load of one on a site.
"""

from __future__ import annotations

import logging

from scrapy.core.downloader import Downloader
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.scaleout import scaled_out
from crawler.shared_politeness import SharedHostGate

logger = logging.getLogger(__name__)


def global_concurrency(settings, sites: int) -> int:
    """``CONCURRENT_REQUESTS`` or, for many sites, enough for each to use its per-host limit."""
    floor = settings.getint("CONCURRENT_REQUESTS")
    chosen = (settings.getpriority("CONCURRENT_REQUESTS") or 0) > SETTINGS_PRIORITIES["project"]
    # Scaled out, requests held in one process's downloader are out of the others' reach: each
    # takes CONCURRENT_REQUESTS from the shared frontier, so the work spreads over the processes.
    if chosen or scaled_out(settings) or not settings.getbool("CONCURRENCY_FROM_SITES"):
        return floor
    wanted = sites * settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    return max(floor, min(wanted, settings.getint("CONCURRENT_REQUESTS_MAX")))


class PoliteDownloader(Downloader):
    def __init__(self, crawler):
        super().__init__(crawler)
        sites = len(getattr(crawler.spider, "sites_by_key", ()) or ())
        self.total_concurrency = global_concurrency(self.settings, sites)
        if self.total_concurrency != self.settings.getint("CONCURRENT_REQUESTS"):
            logger.info(
                "%d sites: up to %d requests in the downloader at once (%d per host)",
                sites,
                self.total_concurrency,
                self.domain_concurrency,
            )
        shared = scaled_out(self.settings) and self.settings.getbool("SCALEOUT_SHARED_POLITENESS")
        self.gate = SharedHostGate.from_crawler(crawler) if shared else None

    def _wait_for_download(self, slot, request, queue_dfd):
        # Called by _process_queue as it starts the request, before the task runs: counting the
        # request as transferring now is what lets that loop stop at the slot's concurrency.
        # (_download adds it again, a no-op on a set, and removes it when the download ends.)
        slot.transferring.add(request)
        download = super()._wait_for_download(slot, request, queue_dfd)
        if self.gate is None:
            return download
        return self.gate.around(request.meta[self.DOWNLOAD_SLOT], slot, download)
