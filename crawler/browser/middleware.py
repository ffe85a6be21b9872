"""Which requests go to the browser: the site's ``render`` column, and what its answers say.

Every request starts as a plain download unless its site says ``render=always``. When a plain
answer is a challenge, or a page whose list only scripts fill in (:mod:`crawler.browser.detect`),
the same request is sent again with ``meta["playwright"]`` — the challenge itself is already
archived, it came through the capturing handler. ``render=never`` turns all of this off for a
site. The spider knows nothing of any of it.

Sits at 580, between the retry middleware (550) and HttpCompressionMiddleware (590): answers
reach it decompressed, and a challenge is rerouted before a retry would ask for it again.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from archive.layout import CaptureKind
from crawler.browser.detect import challenge_reason, page_sent_to_browser, script_list_reason

logger = logging.getLogger(__name__)

# Pages can need a browser; attachments only when a challenge stands in front of them.
PAGE_KINDS = (CaptureKind.PAGE, CaptureKind.LISTING, CaptureKind.REPORT)


class BrowserRenderMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("BROWSER_ENABLED"):
            raise NotConfigured("BROWSER_ENABLED is off: no page is rendered in a browser")
        return cls(crawler)

    def _site(self, request):
        sites = getattr(self.crawler.spider, "sites_by_key", {})
        return sites.get(request.meta.get("site_key"))

    def process_request(self, request):
        if request.meta.get("playwright"):
            return
        site = self._site(request)
        # A probe (a guessed next page, crawler/listings) is tried plainly first: most are 404s,
        # and a challenge in front of one is still caught in process_response.
        probe = request.meta.get("listing_probe")
        if (
            site is not None
            and site.render == "always"
            and request.meta.get("kind") in PAGE_KINDS
            and not probe
        ):
            request.meta["playwright"] = True
            request.meta["browser_reason"] = "the site is listed with render=always"
            self.stats.inc_value("browser/requests/render_always")

    def process_response(self, request, response):
        if request.meta.get("playwright"):
            return self._after_browser(request, response)
        site = self._site(request)
        if site is None or site.render == "never":
            return response
        reason = challenge_reason(response.status, response.body)
        counter = "challenge"
        if reason is None and request.meta.get("kind") in PAGE_KINDS:
            reason, counter = script_list_reason(response, request), "scripted_page"
        if reason is None:
            return response
        logger.info("Rendering %s in the browser: %s", request.url, reason)
        self.stats.inc_value(f"browser/requests/{counter}")
        self.crawler.signals.send_catch_log(page_sent_to_browser, request=request, reason=reason)
        return request.replace(
            dont_filter=True,
            meta={**request.meta, "playwright": True, "browser_reason": reason},
        )

    def _after_browser(self, request, response):
        # Requests made from this response copy its meta; they start as plain downloads again.
        request.meta.pop("playwright", None)
        request.meta.pop("browser_reason", None)
        unsolved = request.meta.pop("browser_unsolved", None)
        if unsolved:
            self.stats.inc_value("browser/challenges_not_passed")
            logger.warning(
                "The browser did not get past the challenge at %s: %s", request.url, unsolved
            )
        elif "rendered" in response.flags:
            self.stats.inc_value("browser/rendered")
        return response
