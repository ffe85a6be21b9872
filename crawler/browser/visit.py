"""One Scrapy request rendered in the browser, from opening its context to the DOM it yields.

Each visit gets a browser context of its own, whose only way out is the visit's own recording
proxy. That makes attribution exact — every exchange the recorder sees belongs to this page —
and cleanup total: closing the context ends the page, its workers and its connections, and the
memory they held. Cookies outlive the context in Scrapy's jar (:mod:`crawler.browser.cookies`).

The visit sets the scrapy-playwright meta keys just before the download and removes them after,
so nothing unpicklable is ever scheduled and nothing leaks into requests made from the response.

Waiting: ``page.goto`` returns once the first answer commits (a challenge's navigation would
otherwise interrupt it); then :meth:`BrowserVisit.settle` waits for the network to go quiet,
and while the document on screen is still a challenge, for the next document its script loads.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

import scrapy
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Request as PlaywrightRequest
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy_playwright.page import PageMethod

from archive.exchange import Exchange
from archive.layout import CaptureKind
from crawler.browser.cookies import FOR_BROWSER, FROM_BROWSER
from crawler.browser.detect import challenge_reason
from crawler.browser.recorder import RecordingProxy
from crawler.browser.wire import parse_status_head
from crawler.capture import exchange_captured
from crawler.netguard import REFUSED

logger = logging.getLogger(__name__)

# The request meta keys a visit sets for scrapy-playwright and takes away again.
VISIT_KEYS = (
    "playwright_context",
    "playwright_context_kwargs",
    "playwright_page_methods",
    "playwright_page_event_handlers",
    "playwright_page_goto_kwargs",
    FOR_BROWSER,
)
# Meta that says where a capture was found; the browser's captures inherit it from their page.
SITE_KEYS = ("site_key", "hops", "depth", "cookiejar")
PAGE_KEYS = SITE_KEYS + ("kind", "via", "via_text")
# Headers of the document that no longer describe the rendered DOM handed to Scrapy.
STALE_HEADERS = (b"Content-Encoding", b"Content-Length", b"Transfer-Encoding")
# A challenge that answers its own solution with another challenge this often is not passable.
MAX_CHALLENGE_ROUNDS = 4
IDLE_WAIT = 10.0
# Neither lists nor challenges need them; fetching them would only load the servers (images stay:
# scanned reports are pages of images).
SKIPPED_RESOURCE_TYPES = frozenset({"media", "font"})
CLOSE_TIMEOUT = 15


def skipped_resource(request: PlaywrightRequest) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: what a page may not load at all."""
    return request.resource_type in SKIPPED_RESOURCE_TYPES


class BrowserVisit:
    def __init__(self, request: scrapy.Request, crawler, recorder_options: dict, settings):
        self.request = request
        self.crawler = crawler
        self.token = uuid.uuid4().hex
        self.context_name = f"visit-{self.token[:12]}"
        self.user_agent = settings.get("BROWSER_USER_AGENT") or request.headers.get(
            "User-Agent", b""
        ).decode("latin-1")
        self.locale = settings.get("BROWSER_LOCALE") or None
        self.settle_timeout = settings.getfloat("BROWSER_SETTLE_TIMEOUT")
        self.navigations = {request.url}
        self.documents = 0
        self.last_document: Exchange | None = None
        self.unsolved: str | None = None
        self.recorder = RecordingProxy(self._recorded, on_refused=self._refused, **recorder_options)

    async def open(self) -> None:
        await self.recorder.start()
        meta = self.request.meta
        context = {
            "proxy": {"server": self.recorder.url},
            # The recorder ends the browser's TLS with its own certificate (crawler/browser/tls.py).
            "ignore_https_errors": True,
            # A service worker could answer the page from its own cache, past the recorder.
            "service_workers": "block",
            "accept_downloads": True,
            "storage_state": {"cookies": meta.get(FOR_BROWSER) or [], "origins": []},
        }
        if self.user_agent and self.user_agent != "browser":
            context["user_agent"] = self.user_agent
        if self.locale:
            context["locale"] = self.locale
        meta["playwright_context"] = self.context_name
        meta["playwright_context_kwargs"] = context
        meta["playwright_page_methods"] = [PageMethod(self.settle)]
        meta["playwright_page_event_handlers"] = {"request": self._browser_request}
        goto = {"wait_until": "commit"}
        referer = self.request.headers.get("Referer")
        if referer:
            goto["referer"] = referer.decode("latin-1")
        meta["playwright_page_goto_kwargs"] = goto
        meta["browser_visit"] = self.token

    async def close(self, contexts: dict) -> None:
        """Take the context's cookies, close it, stop the recorder, clean the meta."""
        wrapper = contexts.get(self.context_name)
        if wrapper is not None:
            cookies = await self._bounded(wrapper.context.cookies(), "give its cookies")
            if cookies is not None:
                self.request.meta[FROM_BROWSER] = cookies
            await self._bounded(wrapper.context.close(), "close")
        await self.recorder.close()
        for key in VISIT_KEYS:
            self.request.meta.pop(key, None)
        if self.unsolved:
            self.request.meta["browser_unsolved"] = self.unsolved

    async def _bounded(self, step, what: str):
        """A context step that cannot hang the crawl: a wedged browser is logged, not waited for."""
        try:
            return await asyncio.wait_for(step, CLOSE_TIMEOUT)
        except PlaywrightError as exc:
            logger.debug("The browser context of %s did not %s: %s", self.request.url, what, exc)
        except asyncio.TimeoutError:
            logger.warning(
                "The browser context of %s did not %s within %d s",
                self.request.url,
                what,
                CLOSE_TIMEOUT,
            )
        return None

    # --- while the page loads ---------------------------------------------------------------

    def _browser_request(self, request: PlaywrightRequest) -> None:
        # Routing (which scrapy-playwright sets up) holds each request in Python before it is
        # sent, so this runs before the recorder sees the request.
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self.navigations.add(request.url)
        except PlaywrightError:
            pass  # a worker's request has no frame

    def _recorded(self, exchange: Exchange, method: str) -> None:
        document = exchange.url in self.navigations
        meta = {
            key: self.request.meta[key]
            for key in (PAGE_KEYS if document else SITE_KEYS)
            if key in self.request.meta
        }
        if not document:
            # What the page loaded to show itself: scripts, styles, images, the XHR behind a list.
            meta.update(kind=CaptureKind.RESOURCE, via=self.request.url)
        meta["browser_visit"] = self.token
        meta["browser_document"] = document
        request = scrapy.Request(exchange.url, method=method, meta=meta, dont_filter=True)
        head = parse_status_head(exchange.response_head)
        headers = Headers()
        for name, value in head.headers:
            headers.appendlist(name, value.encode("latin-1"))
        cls = responsetypes.from_args(headers=headers, url=exchange.url)
        response = cls(
            url=exchange.url,
            status=head.status,
            headers=headers,
            body=exchange.response_body,
            request=request,
        )
        self.crawler.stats.inc_value("browser/exchanges_recorded")
        self.crawler.signals.send_catch_log(
            signal=exchange_captured, exchange=exchange, request=request, response=response
        )
        if document:
            self.last_document = exchange
            self.documents += 1
            if self.documents >= MAX_CHALLENGE_ROUNDS and not self.unsolved:
                reason = self.challenge()
                if reason:
                    self._give_up(f"{reason}, still after {self.documents} attempts")

    def _refused(self, url: str, reason: str) -> None:
        # Handed on with the page: crawler.netguard.RefusedBrowserRequests records each one.
        self.request.meta.setdefault(REFUSED, []).append({"url": url, "reason": reason})
        self.crawler.stats.inc_value("netguard/refused")
        self.crawler.stats.inc_value("netguard/refused/browser")

    async def settle(self, page: Page) -> None:
        """Wait until the page is quiet and no longer a challenge (or give up, saying why)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settle_timeout
        while True:
            await self._quiet(page, deadline - loop.time())
            reason = self.challenge()
            if reason is None or self.unsolved:
                return
            seen = self.documents
            while self.documents == seen and loop.time() < deadline:
                await asyncio.sleep(0.1)
            if self.documents == seen:
                return self._give_up(
                    f"{reason}; its script led nowhere within {self.settle_timeout:g} s"
                )

    def _give_up(self, reason: str) -> None:
        self.unsolved = reason
        self.recorder.refuse(f"page given up: {reason}")

    async def _quiet(self, page: Page, seconds: float) -> None:
        try:
            await page.wait_for_load_state("load", timeout=max(seconds, 0.1) * 1000)
            await page.wait_for_load_state(
                "networkidle", timeout=max(min(seconds, IDLE_WAIT), 0.1) * 1000
            )
        except PlaywrightError:
            pass  # still busy (polling, a navigation under way): look at what is there

    def challenge(self) -> str | None:
        """Why the document on screen is a challenge, or None."""
        if self.last_document is None:
            return None
        head = parse_status_head(self.last_document.response_head)
        return challenge_reason(
            head.status, self.last_document.response_body, head.get("Content-Encoding")
        )

    # --- afterwards -------------------------------------------------------------------------

    def rendered(self, response: Response) -> Response:
        """The DOM as a response with the status and headers of the document it rendered.

        scrapy-playwright reports the status of the *first* answer (a challenge's 412); the
        spider must see the page the browser ended on. The body is the DOM text in UTF-8.
        """
        downloaded = "playwright_suggested_filename" in self.request.meta
        if downloaded or not isinstance(response, TextResponse) or self.last_document is None:
            return response  # a file the browser downloaded is handed on as it came
        head = parse_status_head(self.last_document.response_head)
        headers = Headers()
        for name, value in head.headers:
            if name.encode("latin-1").title() not in STALE_HEADERS:
                headers.appendlist(name, value.encode("latin-1"))
        return response.replace(
            status=head.status,
            headers=headers,
            body=response.text.encode("utf-8"),
            encoding="utf-8",
            flags=[*response.flags, "rendered"],
        )
