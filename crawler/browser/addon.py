"""The browser as a Scrapy add-on (``ADDONS``): with ``BROWSER_ENABLED`` on, its parts join the crawl.

Off, the crawl keeps the plain capturing download handler, Scrapy's cookie middleware and its
fingerprinter, and never imports Playwright (the handler module is named, not imported).
"""

from __future__ import annotations

from crawler.browser.cookies import BrowserCookiesMiddleware
from crawler.browser.middleware import BrowserRenderMiddleware
from crawler.browser.rendered import RenderedDomArchive

BROWSER_HANDLER = "crawler.browser.handler.BrowserDownloadHandler"
COOKIES_MIDDLEWARE = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"


class Browser:
    def update_settings(self, settings):
        if not settings.getbool("BROWSER_ENABLED"):
            return
        # Item by item at project priority: replaces settings.py's capturing handler (the
        # browser handler's own fallback for plain requests), yields to a -s on the command line.
        handlers = settings["DOWNLOAD_HANDLERS"]
        for scheme in ("http", "https"):
            handlers[scheme] = BROWSER_HANDLER
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", BrowserRenderMiddleware, 580
        )
        # Scrapy's cookie jar, shared with the browser both ways; in the cookie middleware's place.
        # By its path, as DOWNLOADER_MIDDLEWARES_BASE names it: a class key would not switch it off.
        settings["DOWNLOADER_MIDDLEWARES"][COOKIES_MIDDLEWARE] = None
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", BrowserCookiesMiddleware, 700
        )
        settings.set_in_component_priority_dict("EXTENSIONS", RenderedDomArchive, 110)
        # A page sent to the browser must not be answered with the archived plain answer (its
        # challenge): see crawler/browser/fingerprint.py.
        settings.set(
            "REQUEST_FINGERPRINTER_CLASS",
            "crawler.browser.fingerprint.BrowserAwareRequestFingerprinter",
            "addon",
        )
