"""The download handler: plain downloads captured as before, ``playwright`` requests in Chromium.

:class:`BrowserDownloadHandler` is scrapy-playwright's handler and the lead's capturing handler
combined by inheritance: scrapy-playwright serves requests whose meta says ``playwright`` and
passes every other one to its HTTP/1.1 parent, which in this MRO is
:class:`crawler.capture.CapturingHTTPDownloadHandler` — so plain downloads keep their byte-exact
capture, and the browser's responses (a DOM) never go through it and are never archived as if a
server had sent them. What the browser fetched is archived by each visit's recorder instead.

Around scrapy-playwright, each browser request is a :class:`crawler.browser.visit.BrowserVisit`:
a context of its own behind a recording proxy, closed as soon as the page is read. Contexts are
at most ``PLAYWRIGHT_MAX_CONTEXTS`` at a time, so a long crawl holds a bounded number of pages.

Playwright and Chromium start with the first page that needs them, not with the crawl: most
crawls never need a browser. If Chromium cannot start, every page that needed it fails with
:class:`crawler.browser.launch.BrowserUnavailable` (logged once) and the rest of the crawl goes on.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.browser import tls
from crawler.browser.launch import BrowserUnavailable
from crawler.browser.visit import BrowserVisit
from crawler.capture import CapturingHTTPDownloadHandler
from crawler.netguard import guard_for

logger = logging.getLogger(__name__)

# Scrapy makes one handler per scheme; the first one made for a crawl runs its one browser.
_BROWSER_OWNERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler, CapturingHTTPDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        settings = crawler.settings
        self.page_timeout = settings.getfloat("BROWSER_PAGE_TIMEOUT")
        # Visits wait for a free context here, so their time limit starts when their page does.
        self._visits = asyncio.Semaphore(settings.getint("PLAYWRIGHT_MAX_CONTEXTS"))
        self._start_lock = asyncio.Lock()
        self._unavailable: str | None = None
        self._recorder_options: dict | None = None
        self._owner = _BROWSER_OWNERS.setdefault(crawler, self)

    async def _maybe_launch_in_thread(self) -> None:
        """Not at engine start: Playwright is started by the first page that needs it."""

    async def _start(self) -> None:
        async with self._start_lock:
            if self._unavailable:
                raise BrowserUnavailable(self._unavailable)
            if not hasattr(self, "browser_provider"):
                await self._launch()
            if self._recorder_options is None:
                settings = self._crawler.settings
                self._recorder_options = {
                    "browser_tls": tls.browser_side_context(),
                    "server_tls": tls.server_side_context(),
                    "guard": guard_for(self._crawler),
                    "max_body": settings.getint("DOWNLOAD_MAXSIZE") or 2**40,
                    "timeout": settings.getfloat("DOWNLOAD_TIMEOUT"),
                }

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        if self._owner is not self:
            # http and https pages share one browser, and PLAYWRIGHT_MAX_CONTEXTS counts both.
            return await self._owner.download_request(request)
        await self._start()
        async with self._visits:
            visit = BrowserVisit(
                request, self._crawler, self._recorder_options, self._crawler.settings
            )
            await visit.open()
            try:
                response = await asyncio.wait_for(
                    super().download_request(request), self.page_timeout
                )
            except asyncio.TimeoutError:
                raise DownloadTimeoutError(
                    f"the browser took more than {self.page_timeout:g} s for {request.url}"
                ) from None
            except BrowserUnavailable as exc:
                if not self._unavailable:
                    self._unavailable = str(exc)
                    logger.error("No browser for this crawl (%s): pages that need one fail", exc)
                raise
            finally:
                await visit.close(self.context_wrappers)
        self._crawler.stats.inc_value("browser/pages")
        return visit.rendered(response)
