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

Every request a site gets is logged with its headers (``sites.requests``): the farm server's own
log keeps only what it sent, and the tests need to see who asked (browser or plain client) and
with which cookies.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import threading
from dataclasses import dataclass, field
from html import escape

from imitation.model import Reply, Req, Routes, html_reply

SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + b"% report body\n" * 40 + b"%%EOF\n"
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


@dataclass
class Site:
    host: str
    name: str
    region_code: str
    start_path: str
    render: str = "auto"
    report_paths: list[str] = field(default_factory=list)
    attachment_paths: list[str] = field(default_factory=list)

    @property
    def start_url(self) -> str:
        return f"http://{self.host}{self.start_path}"

    @property
    def report_urls(self) -> set[str]:
        return {f"http://{self.host}{p}" for p in self.report_paths}

    @property
    def attachment_urls(self) -> set[str]:
        return {f"http://{self.host}{p}" for p in self.attachment_paths}

    def add_reports(self, agencies, page_path, attachment_path) -> tuple[dict[str, str], str]:
        """A 2021 report page per agency, each with one PDF; returns the pages and their list page.

        ``page_path(i)`` and ``attachment_path(i)`` give the i-th report's paths."""
        pages, items = {}, []
        for i, agency in enumerate(agencies):
            path, attachment = page_path(i), attachment_path(i)
            title = f"{agency}2021年政府信息公开工作年度报告"
            pages[path] = report_html(title, (attachment, f"{title}.pdf"))
            items.append((path, title))
            self.report_paths.append(path)
            self.attachment_paths.append(attachment)
        return pages, list_html(f"政府信息公开年报_{self.name}", items)


def page_html(title: str, main: str, *, scripts: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>"
        '<div class="header"><a href="/">首页</a></div>'
        f'<div class="main">{main}</div><div class="footer">网站标识码：3707000001</div>'
        f"{scripts}</body></html>"
    )


def report_html(title: str, attachment: tuple[str, str] | None = None, scripts: str = "") -> str:
    sections = "".join(
        f"<h3>{heading}</h3><p>本年度{escape(title[:6])}依法做好政府信息公开工作，"
        "主动公开信息312条，收到申请15件，均已按期答复。</p>"
        for heading in SECTIONS
    )
    files = ""
    if attachment:
        href, text = attachment
        files = f'<p class="fj">附件：<a href="{escape(href)}">{escape(text)}</a></p>'
    return page_html(
        f"{title}_{title[:3]}人民政府",
        f'<h1 class="title">{escape(title)}</h1><div class="content">{sections}{files}</div>',
        scripts=scripts,
    )


def list_html(title: str, items: list[tuple[str, str]]) -> str:
    rows = "".join(
        f'<li><a href="{escape(h)}">{escape(t)}</a><span>2022-01-20</span></li>' for h, t in items
    )
    return page_html(title, f'<h2>{escape(title)}</h2><ul class="news-list">{rows}</ul>')


class BrowserSites:
    """The sites, their routes, their answer key, and the log of every request they got."""

    def __init__(self, memory_pages: int = 100):
        self.requests: list[Logged] = []
        self._lock = threading.Lock()
        self._routes: dict[str, Routes] = {}
        self.sites = [
            self._linqu(),
            self._qingzhou(),
            self._shouguang(),
            self._zhucheng(memory_pages),
            self._changyi(),
        ]
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

    # -- 临朐县: a list filled by a script from JSON --------------------------------------------

    def _linqu(self) -> Site:
        site = Site("www.linqu.gov.cn", "临朐县人民政府", "370724", "/xxgk/ndbg/")
        agencies = ("临朐县人民政府办公室", "临朐县卫生健康局", "临朐县教育局")
        reports = [
            (
                f"/xxgk/ndbg/202201/t2022012{i}_{6016700 + i}.html",
                f"{a}2021年政府信息公开工作年度报告",
            )
            for i, a in enumerate(agencies)
        ]
        site.report_paths = [path for path, _ in reports]
        script = """<script>
(function () {
  var xhr = new XMLHttpRequest();
  xhr.open('GET', '/api/ndbg/list?page=1&size=15');
  xhr.onload = function () {
    var answer = JSON.parse(xhr.responseText), html = '';
    for (var i = 0; i < answer.rows.length; i++) {
      var row = answer.rows[i];
      html += '<li><a href="' + row.u + '" title="' + row.t + '">' + row.t + '</a><span>' + row.d + '</span></li>';
    }
    document.getElementById('reportList').innerHTML = html;
  };
  xhr.send();
})();
</script>"""
        column = page_html(
            "政府信息公开年报_临朐县人民政府",
            '<h2 class="column-title">政府信息公开年报</h2><ul id="reportList" class="news-list"></ul>'
            '<div class="page" id="pager"></div>',
            scripts=script,
        )
        rows = {
            "code": 0,
            "total": len(reports),
            "rows": [{"t": t, "u": p, "d": "2022-01-20"} for p, t in reports],
        }
        routes: Routes = {
            ("GET", "/robots.txt"): lambda req: Reply(
                headers=[("Content-Type", "text/plain")], body=b"User-agent: *\nDisallow:\n"
            ),
            ("GET", "/xxgk/ndbg/index.html"): lambda req: html_reply(column),
            ("GET", "/api/ndbg/list"): lambda req: Reply(
                headers=[("Content-Type", "application/json;charset=UTF-8")],
                body=json.dumps(rows, ensure_ascii=False).encode("utf-8"),
                chunked=True,
            ),
        }
        for path, title in reports:
            routes[("GET", path)] = static(html_reply(report_html(title)))
        self._add(site.host, routes)
        return site

    # -- 青州市: HTTP 412 and a cookie computed by script ---------------------------------------

    def _qingzhou(self) -> Site:
        site = Site("www.qingzhou.gov.cn", "青州市人民政府", "370781", "/xxgk/ndbg/index.html")
        issued: set[str] = set()
        pages, column = site.add_reports(
            ("青州市卫生健康局", "青州市民政局"),
            lambda i: f"/xxgk/ndbg/202201/t2022012{i}_{7016700 + i}.html",
            lambda i: f"/xxgk/ndbg/202201/P02022012{i}{7016700 + i}.pdf",
        )

        def passed(req: Req) -> bool:
            cookies = parse_cookies(req.header("Cookie"))
            token = cookies.get("NBx1S")
            return token in issued and cookies.get("NBx1T") == ruishu_answer(token)

        def guarded(page: Reply):
            def answer(req: Req) -> Reply:
                if passed(req):
                    return page
                token = secrets.token_hex(8)
                issued.add(token)
                script = (
                    f'<meta id="ruishu" content="{token}"><script>'
                    "var ts = document.getElementById('ruishu').content, h = 7;"
                    "for (var i = 0; i < ts.length; i++) { h = (h * 31 + ts.charCodeAt(i)) % 1000000007; }"
                    "document.cookie = 'NBx1T=' + h.toString(16) + '; path=/';"
                    "location.reload();</script>"
                )
                return Reply(
                    status=412,
                    reason="Precondition Failed",
                    headers=[
                        ("Content-Type", "text/html; charset=utf-8"),
                        ("Set-Cookie", f"NBx1S={token}; Path=/; HttpOnly"),
                    ],
                    body=f"<!DOCTYPE html><html><head>{script}</head><body></body></html>".encode(),
                )

            return answer

        routes: Routes = {
            ("GET", "/robots.txt"): lambda req: Reply(
                headers=[("Content-Type", "text/plain")], body=b"User-agent: *\nDisallow: /admin/\n"
            )
        }
        routes[("GET", site.start_path)] = guarded(html_reply(column))
        for path, html in pages.items():
            routes[("GET", path)] = guarded(html_reply(html, gzip=True))
        for pdf in site.attachment_paths:
            routes[("GET", pdf)] = guarded(
                Reply(headers=[("Content-Type", "application/pdf")], body=PDF)
            )
        self._add(site.host, routes)
        return site

    # -- 寿光市: HTTP 521 and document.cookie=…; location.href=… ---------------------------------

    def _shouguang(self) -> Site:
        site = Site("www.shouguang.gov.cn", "寿光市人民政府", "370783", "/col/col5012/index.html")
        clearances: dict[str, str] = {}
        pages, column = site.add_reports(
            ("寿光市卫生健康局", "寿光市人民政府办公室"),
            lambda i: f"/art/2022/1/2{i}/art_5012_{88100 + i}.html",
            lambda i: f"/module/download/downfile.jsp?classid=0&filename={88100 + i}.pdf",
        )

        def guarded(page: Reply):
            def answer(req: Req) -> Reply:
                cookies = parse_cookies(req.header("Cookie"))
                uid = cookies.get("__jsluid_h")
                if uid and uid in clearances and cookies.get("__jsl_clearance") == clearances[uid]:
                    return page
                uid = secrets.token_hex(16)
                clearance = f"1650000000.123|0|{secrets.token_hex(12)}"
                clearances[uid] = clearance
                pieces = "+".join(
                    f"('{clearance[i : i + 5]}')" for i in range(0, len(clearance), 5)
                )
                script = (
                    f"<script>document.cookie=('__jsl_clearance')+('=')+{pieces}+';max-age=3600;path=/';"
                    "location.href=location.pathname+location.search</script>"
                )
                return Reply(
                    status=521,
                    reason="",
                    headers=[
                        ("Content-Type", "text/html"),
                        ("Set-Cookie", f"__jsluid_h={uid}; max-age=31536000; path=/; HttpOnly"),
                    ],
                    body=script.encode(),
                )

            return answer

        routes: Routes = {
            ("GET", "/robots.txt"): guarded(
                Reply(headers=[("Content-Type", "text/plain")], body=b"User-agent: *\nDisallow:\n")
            )
        }
        routes[("GET", site.start_path)] = guarded(html_reply(column))
        for path, html in pages.items():
            routes[("GET", path)] = guarded(html_reply(html))

        def downfile(req: Req) -> Reply:
            name = req.args.get("filename", "file.pdf")
            return guarded(
                Reply(
                    headers=[
                        ("Content-Type", "application/octet-stream"),
                        ("Content-Disposition", f'attachment; filename="{name}"'),
                    ],
                    body=PDF,
                )
            )(req)

        routes[("GET", "/module/download/downfile.jsp")] = downfile
        self._add(site.host, routes)
        return site

    # -- 诸城市: many pages, all rendered (the memory check) ------------------------------------

    def _zhucheng(self, count: int) -> Site:
        site = Site(
            "www.zhucheng.gov.cn",
            "诸城市人民政府",
            "370782",
            "/xxgk/ndbg/index.html",
            render="always",
        )
        agencies = (
            "卫生健康局",
            "教育局",
            "民政局",
            "财政局",
            "司法局",
            "交通运输局",
            "水利局",
            "商务局",
            "文化和旅游局",
            "应急管理局",
        )
        hits = (
            "<script>fetch('/api/hits?id=' + location.pathname.length).then(function (r) { return r.json(); })"
            ".then(function (d) { document.getElementById('hits').textContent = d.hits; });</script>"
        )
        items = []
        routes: Routes = {
            ("GET", "/robots.txt"): lambda req: Reply(
                headers=[("Content-Type", "text/plain")], body=b"User-agent: *\n"
            ),
            ("GET", "/api/hits"): lambda req: Reply(
                headers=[("Content-Type", "application/json")], body=b'{"hits": 42}'
            ),
        }
        for n in range(count):
            agency = f"诸城市{agencies[n % len(agencies)]}"
            title = f"{agency}{2021 - n // len(agencies)}年政府信息公开工作年度报告"
            path = f"/xxgk/ndbg/{n:03d}.html"
            items.append((path, title))
            routes[("GET", path)] = static(
                html_reply(report_html(title, scripts='<span id="hits"></span>' + hits))
            )
            site.report_paths.append(path)
        column = list_html("政府信息公开年报_诸城市人民政府", items)
        routes[("GET", site.start_path)] = lambda req: html_reply(column)
        self._add(site.host, routes)
        return site

    # -- 昌邑市: challenges no browser gets through ---------------------------------------------

    def _changyi(self) -> Site:
        site = Site("www.changyi.gov.cn", "昌邑市人民政府", "370786", "/xxgk/ndbg/index.html")
        good = "/xxgk/ndbg/202201/t20220120_9016700.html"
        site.report_paths = [good]
        broken = {
            "/xxgk/ndbg/loop.html": "昌邑市民政局2021年政府信息公开工作年度报告",
            "/xxgk/ndbg/stuck.html": "昌邑市教育局2021年政府信息公开工作年度报告",
            "/xxgk/ndbg/slow.html": "昌邑市财政局2021年政府信息公开工作年度报告",
        }
        column = list_html(
            "政府信息公开年报_昌邑市人民政府",
            [(good, "昌邑市卫生健康局2021年政府信息公开工作年度报告"), *broken.items()],
        )

        def challenge(script: str) -> Reply:
            return Reply(
                status=412,
                reason="Precondition Failed",
                headers=[("Content-Type", "text/html")],
                body=f"<html><head><script>{script}</script></head><body></body></html>".encode(),
            )

        asked: dict[str, int] = {}

        def slow(req: Req) -> Reply:
            # The plain client meets a challenge; the browser then waits for a page that never comes.
            asked[req.path] = asked.get(req.path, 0) + 1
            if asked[req.path] == 1:
                return challenge("document.cookie='x=1';location.reload();")
            return Reply(
                status=200,
                headers=[("Content-Type", "text/html")],
                body=b"<html></html>",
                delay=120,
            )

        routes: Routes = {
            ("GET", "/robots.txt"): lambda req: Reply(
                headers=[("Content-Type", "text/plain")], body=b"User-agent: *\n"
            ),
            ("GET", site.start_path): lambda req: html_reply(column),
            ("GET", good): lambda req: html_reply(
                report_html("昌邑市卫生健康局2021年政府信息公开工作年度报告")
            ),
            # The answer is never accepted: every reload meets the challenge again.
            ("GET", "/xxgk/ndbg/loop.html"): lambda req: challenge(
                "document.cookie='x=' + Math.random();location.reload();"
            ),
            # The script fails before it can set anything or go anywhere.
            ("GET", "/xxgk/ndbg/stuck.html"): lambda req: challenge(
                "var t = window.$_ts.cd; document.cookie = 'T=' + t;"
            ),
            ("GET", "/xxgk/ndbg/slow.html"): slow,
        }
        self._add(site.host, routes)
        return site


def static(reply: Reply):
    """A handler that always gives the same reply."""
    return lambda req: reply


def ruishu_answer(token: str) -> str:
    """What the 412 page's script computes from its token (the server checks it)."""
    h = 7
    for char in token:
        h = (h * 31 + ord(char)) % 1000000007
    return format(h, "x")


def parse_cookies(header: str | None) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in (header or "").split(";"))
    return {key: value for key, sep, value in pairs if sep}


# -- for the recorder's own tests: answers whose bytes are easy to get wrong --------------------

FIDELITY_HOST = "www.weifang.gov.cn"


def fidelity_routes() -> Routes:
    """Chunked and gzip-coded JSON, odd header spacing and case, repeated Set-Cookie, a 204."""
    listing = json.dumps(
        {"rows": [{"t": "潍坊市2021年政府信息公开工作年度报告", "u": "/a.html"}]},
        ensure_ascii=False,
    ).encode("utf-8")
    return {
        ("GET", "/api/list.json"): lambda req: Reply(
            headers=[
                ("Content-Type", "application/json;charset=UTF-8"),
                ("Vary", "Accept-Encoding"),
            ],
            body=listing * 20,
            chunked=True,
            gzip=True,
        ),
        ("GET", "/page.html"): lambda req: Reply(
            reason="Okay",
            headers=[
                ("content-type", "text/html;charset=GBK"),
                ("X-Spacing", "  kept "),
                ("Set-Cookie", "a=1; Path=/"),
                ("Set-Cookie", "b=2; Path=/"),
            ],
            body="<html><title>潍坊</title></html>".encode("gbk"),
        ),
        ("POST", "/api/search"): lambda req: Reply(
            headers=[("Content-Type", "application/json")], body=b'{"echo": %d}' % len(req.body)
        ),
        ("GET", "/nothing"): lambda req: Reply(status=204, reason="No Content"),
    }
