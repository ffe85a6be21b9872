"""Imitation sites that a plain HTTP client cannot crawl: a script-filled list, two anti-bot
gateways, and a site listed with ``render=always`` for the long-crawl memory check.

    sites = BrowserSites()
    with GovFarmServer(sites.hosts) as server:
        ...  # crawl sites.csv() with http_proxy=server.proxy_url

* ``www.linqu.gov.cn`` (临朐县): the report column's ``<ul id="reportList">`` is empty; an inline
  script GETs ``/api/ndbg/list`` (JSON) and writes the items in.
* ``www.qingzhou.gov.cn`` (青州市): a 瑞数-style gateway. Without its cookies every path answers
  HTTP 412 with a ``Set-Cookie`` and an inline script that computes a second cookie from a token
  in the page and reloads; only both cookies together get the real page.
* ``www.shouguang.gov.cn`` (寿光市): a 加速乐-style gateway: HTTP 521, ``Set-Cookie: __jsluid_h``
  and ``document.cookie=('__jsl_clearance')+…;location.href=…``.
* ``www.zhucheng.gov.cn`` (诸城市): a hundred report pages, each pinging a hit counter by XHR.
* ``www.changyi.gov.cn`` (昌邑市): what a browser cannot get through — a challenge whose answer
  is never accepted, one whose script goes nowhere, one whose page never comes — beside one
  ordinary report page.

The script-filled sites are built in :mod:`imitation.script_sites`, the challenge gateways in
:mod:`imitation.challenge_sites`, from the pages of :mod:`imitation.browser_pages`; this module
puts them together and logs what they are asked.

Every request a site gets is logged with its headers (``sites.requests``): the farm server's own
log keeps only what it sent, and the tests need to see who asked (browser or plain client) and
with which cookies.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass

from imitation.browser_pages import parse_cookies
from imitation.challenge_sites import changyi_site, qingzhou_site, shouguang_site
from imitation.model import Reply, Req, Routes
from imitation.script_sites import linqu_site, zhucheng_site

CSV_COLUMNS = ("name", "region_code", "level", "url", "allowed_domains", "robots", "render")


@dataclass
class Logged:
    host: str
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.path}" + (f"?{self.query}" if self.query else "")

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def cookie(self, name: str) -> str | None:
        return parse_cookies(self.header("Cookie")).get(name)


class BrowserSites:
    """The sites, their routes, their answer key, and the log of every request they got."""

    def __init__(self, memory_pages: int = 100):
        self.requests: list[Logged] = []
        self._lock = threading.Lock()
        self._routes: dict[str, Routes] = {}
        self.sites = []
        for site, routes in (
            linqu_site(),
            qingzhou_site(),
            shouguang_site(),
            zhucheng_site(memory_pages),
            changyi_site(),
        ):
            self._add(site.host, routes)
            self.sites.append(site)
        self.by_host = {site.host: site for site in self.sites}

    # -- the farm's view ----------------------------------------------------------------------

    @property
    def hosts(self) -> dict[str, Routes]:
        return {site.host: self._routes[site.host] for site in self.sites}

    def csv(self, *hosts: str, render: dict[str, str] | None = None) -> str:
        """The sites list for ``hosts`` (all by default); ``render`` overrides that column per host."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for site in self.sites:
            if hosts and site.host not in hosts:
                continue
            writer.writerow(
                {
                    "name": site.name,
                    "region_code": site.region_code,
                    "level": "county",
                    "url": site.start_url,
                    "allowed_domains": site.host,
                    "robots": "obey",
                    "render": (render or {}).get(site.host, site.render),
                }
            )
        return out.getvalue()

    def requests_for(self, host: str) -> list[Logged]:
        with self._lock:
            return [r for r in self.requests if r.host == host]

    def _add(self, host: str, routes: Routes) -> None:
        def logged(handler):
            def answer(req: Req) -> Reply:
                with self._lock:
                    self.requests.append(
                        Logged(req.host, req.method, req.path, req.query, list(req.headers))
                    )
                return handler(req)

            return answer

        self._routes[host] = {key: logged(handler) for key, handler in routes.items()}
