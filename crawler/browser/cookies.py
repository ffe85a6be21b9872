"""One cookie jar for plain downloads and the browser: Scrapy's, shared both ways.

Once the browser has passed a site's challenge, the cookie the challenge script computed is what
lets plain downloads through too; copying it into Scrapy's jar means the attachments and the
further list pages of that site are fetched without a browser. The other way round, each page's
browser context starts with the jar's cookies for its host, so a challenge already passed is not
met again (contexts live for one page only, see :mod:`crawler.browser.visit`).

The handler and this middleware talk through two request meta keys, in Playwright's cookie
format: ``cookies_for_browser`` (set here before the download) and ``cookies_from_browser``
(set by the handler after the page, merged here).
"""

from __future__ import annotations

import logging
import time
from http.cookiejar import Cookie

from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

FOR_BROWSER = "cookies_for_browser"
FROM_BROWSER = "cookies_from_browser"


def to_browser(cookie: Cookie) -> dict:
    """A cookiejar cookie as Playwright's ``add_cookies`` / ``storage_state`` wants it."""
    http_only = any(key.lower() == "httponly" for key in (cookie._rest or {}))
    return {
        "name": cookie.name,
        "value": cookie.value or "",
        # A leading dot makes it a domain cookie in Playwright too; without one it is host-only.
        "domain": cookie.domain,
        "path": cookie.path or "/",
        "expires": float(cookie.expires) if cookie.expires else -1,
        "httpOnly": http_only,
        "secure": bool(cookie.secure),
        "sameSite": "Lax",
    }


def from_browser(cookie: dict) -> Cookie:
    """A Playwright cookie (``context.cookies()``) as a cookiejar cookie."""
    domain = cookie["domain"]
    expires = cookie.get("expires", -1)
    session = expires is None or expires < 0
    return Cookie(
        version=0,
        name=cookie["name"],
        value=cookie.get("value", ""),
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=domain.startswith("."),
        domain_initial_dot=domain.startswith("."),
        path=cookie.get("path") or "/",
        path_specified=True,
        secure=bool(cookie.get("secure")),
        expires=None if session else int(expires),
        discard=session,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": None} if cookie.get("httpOnly") else {},
    )


def applies_to(cookie: Cookie, host: str) -> bool:
    """Whether a cookie would be sent to ``host`` (its domain, or a parent domain of it)."""
    domain = cookie.domain.lower()
    host = host.lower()
    if domain.startswith("."):
        return host == domain[1:] or host.endswith(domain)
    return host == domain


class BrowserCookiesMiddleware(CookiesMiddleware):
    """Scrapy's CookiesMiddleware, whose jar also feeds, and learns from, the browser."""

    def process_request(self, request):
        result = super().process_request(request)
        if request.meta.get("playwright") and not request.meta.get("dont_merge_cookies"):
            jar = self.jars[request.meta.get("cookiejar")]
            host = urlparse_cached(request).hostname or ""
            now = time.time()
            request.meta[FOR_BROWSER] = [
                to_browser(cookie)
                for cookie in jar
                if applies_to(cookie, host) and not cookie.is_expired(now)
            ]
        return result

    def process_response(self, request, response):
        response = super().process_response(request, response)
        self._merge(request)
        return response

    def process_exception(self, request, exception):
        # A page can fail after its challenge was passed; the cookie is still good.
        self._merge(request)

    def _merge(self, request) -> None:
        request.meta.pop(FOR_BROWSER, None)
        cookies = request.meta.pop(FROM_BROWSER, None)
        if not cookies or request.meta.get("dont_merge_cookies"):
            return
        jar = self.jars[request.meta.get("cookiejar")]
        for cookie in cookies:
            jar.set_cookie(from_browser(cookie))
        self.crawler.stats.inc_value("browser/cookies_copied", len(cookies))
        logger.debug(
            "Copied %d browser cookies into the crawl's jar after %s: %s",
            len(cookies),
            request.url,
            ", ".join(sorted({c["name"] for c in cookies})),
        )
