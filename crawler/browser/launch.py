"""Which Chromium to start, with which flags, and where its traffic goes next.

Playwright normally runs the Chromium build it downloads itself (``playwright install
chromium``); where that download is impossible, Debian's ``chromium`` package works as well,
through ``executable_path``. :class:`LocalChromiumProvider` (scrapy-playwright's
``PLAYWRIGHT_BROWSER_PROVIDER``) picks whichever exists when the first page needs a browser,
and adds the flags a crawler's browser needs.

The browser never talks to the network itself: each page's context goes through its own
recording proxy (:mod:`crawler.browser.recorder`), which forwards to the same upstream proxy
as Scrapy's plain downloads — ``http_proxy`` / ``https_proxy``, except for ``no_proxy`` hosts.
"""

from __future__ import annotations

import logging
import os
import shutil
import urllib.request
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.async_api import Browser
from scrapy_playwright.provider import PlaywrightBrowserProvider

logger = logging.getLogger(__name__)

# Debian/Ubuntu packages, then Google's; the first that exists is used.
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# No GPU in a crawler; QUIC would bypass an HTTP proxy; the background services (updates,
# sync, safe browsing, first-run pages) only add traffic nobody asked for, and on a closed
# network their refused connections make Chromium slow to answer everything else. WebRTC must
# not send UDP past the proxy: a page's script would reach addresses the recorder refuses (STUN
# to 127.0.0.2, say; tests/test_hostile_network.py).
CRAWLER_FLAGS = (
    "--disable-gpu",
    "--disable-quic",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


class BrowserUnavailable(RuntimeError):
    """No Chromium could be found or started; pages that need one cannot be rendered."""


def system_chromium() -> str | None:
    for name in SYSTEM_CHROMIUMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_options(configured: dict, bundled_executable: str | None) -> dict:
    """The launch options: the configured ones, completed with an executable and our flags.

    ``bundled_executable`` is where Playwright's own Chromium would be; it is used when it is
    actually there, else a system Chromium. An ``executable_path`` in the settings wins.
    """
    options = dict(configured)
    options.setdefault("headless", True)
    if not options.get("executable_path"):
        if bundled_executable and Path(bundled_executable).exists():
            options.pop("executable_path", None)
        else:
            system = system_chromium()
            if system is None:
                raise BrowserUnavailable(
                    "no Chromium found: neither Playwright's own (run `playwright install "
                    f"chromium`) nor a system one ({', '.join(SYSTEM_CHROMIUMS)})"
                )
            options["executable_path"] = system
    args = list(options.get("args") or ())
    wanted = list(CRAWLER_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root.
        wanted.insert(0, "--no-sandbox")
    options["args"] = args + [flag for flag in wanted if flag not in args]
    return options


class LocalChromiumProvider(PlaywrightBrowserProvider):
    """scrapy-playwright's provider, launching whichever Chromium this machine has."""

    async def launch_browser(self) -> Browser:
        if self.config.cdp_url or self.config.connect_url:
            return await super().launch_browser()
        options = launch_options(self.config.launch_options, self.browser_type.executable_path)
        logger.info(
            "Starting Chromium for pages that need a browser: %s",
            options.get("executable_path") or self.browser_type.executable_path,
        )
        try:
            return await self.browser_type.launch(**options)
        except Exception as exc:
            raise BrowserUnavailable(f"Chromium did not start: {exc}") from exc


# --- the next hop -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upstream:
    """Where the recorder sends a request: an HTTP proxy, or (``proxy=None``) the origin."""

    host: str
    port: int
    proxy: bool
    authorization: str | None = None  # Proxy-Authorization value for a proxy with credentials


def upstream_for(url: str) -> Upstream:
    """The next hop for ``url``, read from the environment as Scrapy's HttpProxyMiddleware does."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    proxies = urllib.request.getproxies_environment()
    proxy_url = proxies.get(scheme)
    # urllib's reading of no_proxy: suffixes, leading dots, "*", host:port entries.
    if proxy_url and not urllib.request.proxy_bypass_environment(f"{host}:{port}", proxies):
        proxy = urlsplit(proxy_url if "://" in proxy_url else "http://" + proxy_url)
        authorization = None
        if proxy.username is not None:
            credentials = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}"
            authorization = "Basic " + b64encode(credentials.encode("utf-8")).decode("ascii")
        return Upstream(proxy.hostname or "", proxy.port or 8080, True, authorization)
    return Upstream(host, port, False)
