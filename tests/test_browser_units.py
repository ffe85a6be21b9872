"""The browser package's pure parts: detection, cookie sharing, launch options, framing, fingerprints."""

from __future__ import annotations

import asyncio
import gzip

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.browser import launch
from crawler.browser.cookies import (
    FOR_BROWSER,
    FROM_BROWSER,
    BrowserCookiesMiddleware,
    applies_to,
    from_browser,
    to_browser,
)
from crawler.browser.detect import challenge_reason, script_list_reason
from crawler.browser.fingerprint import BrowserAwareRequestFingerprinter
from crawler.browser.launch import BrowserUnavailable, launch_options, upstream_for
from crawler.browser.wire import body_pieces, parse_status_head, response_framing
from imitation.browser_pages import list_html, report_html
from imitation.browser_sites import BrowserSites
from imitation.model import Req

# --- detection ----------------------------------------------------------------------------------

RUISHU = (
    b'<html><head><meta id="x" content="ab12"><script>var t=document.getElementById("x").content;'
    b"document.cookie='NBx1T='+t+'; path=/';location.reload();</script></head><body></body></html>"
)
JIASULE = b"<script>document.cookie=('__jsl_clearance')+('=')+('1650|0|ab')+';path=/';location.href=location.pathname</script>"


def html(url: str, text: str, status: int = 200) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=text.encode("utf-8"), encoding="utf-8")


@pytest.mark.parametrize(
    "status, body, coding, expected",
    [
        (412, RUISHU, None, "412"),
        (412, gzip.compress(RUISHU, mtime=0), "gzip", "412"),
        (521, JIASULE, None, "521"),
        (
            200,
            b"<html><body><script>document.cookie='a=1';location.replace('/x')</script></body></html>",
            None,
            "reloads",
        ),
        (412, b"Precondition Failed", None, None),  # no script: a real 412, nothing to run
        (521, b"<html>Web server is down</html>", None, None),
        (200, report_html("青州市民政局2021年政府信息公开工作年度报告").encode(), None, None),
        # A real page that also sets a cookie by script is not a challenge: it has content.
        (
            200,
            (
                "<html><body>"
                + "政府信息公开" * 40
                + "<script>document.cookie='v=1';location.href='#top'"
                "</script></body></html>"
            ).encode(),
            None,
            None,
        ),
    ],
)
def test_challenges_are_told_from_pages(status, body, coding, expected):
    reason = challenge_reason(status, body, coding)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_a_list_filled_by_a_script_needs_the_browser_and_a_plain_list_does_not():
    sites = BrowserSites(memory_pages=1)
    ask = Req("GET", "www.linqu.gov.cn", "/xxgk/ndbg/index.html", "", [])
    column = sites.hosts["www.linqu.gov.cn"][("GET", "/xxgk/ndbg/index.html")](ask).body.decode()
    assert "#reportList" in script_list_reason(html("http://www.linqu.gov.cn/xxgk/ndbg/", column))
    plain = list_html(
        "政府信息公开年报", [("/a.html", "临朐县教育局2021年政府信息公开工作年度报告")]
    )
    assert script_list_reason(html("http://www.linqu.gov.cn/a/", plain)) is None
    # The same empty list, but answered 404: nothing to render.
    assert (
        script_list_reason(html("http://www.linqu.gov.cn/xxgk/ndbg/", column, status=404)) is None
    )


def test_lists_a_platform_parser_reads_without_a_browser_are_left_alone():
    jpaas = (
        '<html><body><div id="当前栏目列表1a" url="/api-gateway/jpaas-publish-server/front/page/build/unit" '
        "queryData=\"{'webId':'3176','pageId':'1657687','tagId':'当前栏目列表1a'}\"></div>"
        '<script src="/js/jquery.js"></script><script>$.ajax({url: $("#当前栏目列表1a").attr("url")})'
        "</script></body></html>"
    )
    assert script_list_reason(html("http://www.changle.gov.cn/col/", jpaas)) is None


def test_application_shells_and_templates_need_the_browser():
    shell = '<html><body><div id="app"></div><script src="/static/js/app.4f2a.js"></script></body></html>'
    assert "application" in script_list_reason(html("http://x.gov.cn/", shell))
    vue = (
        '<html><body><ul class="list"><li v-for="item in items"><a :href="item.url">{{ item.title }}</a></li>'
        '</ul><script src="/js/vue.min.js"></script></body></html>'
    )
    assert script_list_reason(html("http://x.gov.cn/", vue)) is not None


# --- cookies ------------------------------------------------------------------------------------


def browser_cookie(name="__jsl_clearance", domain="www.shouguang.gov.cn", **extra) -> dict:
    return {
        "name": name,
        "value": "1650|0|ab",
        "domain": domain,
        "path": "/",
        "expires": -1,
        "httpOnly": False,
        "secure": False,
        "sameSite": "Lax",
        **extra,
    }


def test_cookies_convert_both_ways():
    for cookie in (
        browser_cookie(),
        browser_cookie(domain=".gov.cn", httpOnly=True, expires=4102444800.0),
    ):
        assert to_browser(from_browser(cookie)) == cookie


def test_cookie_scope():
    host_only, domain_wide = (
        from_browser(browser_cookie()),
        from_browser(browser_cookie(domain=".shouguang.gov.cn")),
    )
    assert applies_to(host_only, "www.shouguang.gov.cn") and not applies_to(
        host_only, "zwgk.shouguang.gov.cn"
    )
    assert applies_to(domain_wide, "zwgk.shouguang.gov.cn") and applies_to(
        domain_wide, "shouguang.gov.cn"
    )
    assert not applies_to(domain_wide, "www.qingzhou.gov.cn")


def test_the_jar_feeds_the_browser_and_learns_from_it():
    crawler = get_crawler(settings_dict={"COOKIES_ENABLED": True})
    crawler.stats.open_spider()
    middleware = BrowserCookiesMiddleware.from_crawler(crawler)
    site = "http://www.shouguang.gov.cn"
    challenged = Response(
        f"{site}/col/", status=521, headers={"Set-Cookie": "__jsluid_h=u1; path=/; HttpOnly"}
    )
    plain = scrapy.Request(f"{site}/col/")
    middleware.process_request(plain)
    middleware.process_response(plain, challenged)

    rendered = scrapy.Request(f"{site}/col/", meta={"playwright": True})
    middleware.process_request(rendered)
    given = rendered.meta[FOR_BROWSER]
    assert [(c["name"], c["value"], c["httpOnly"]) for c in given] == [("__jsluid_h", "u1", True)]

    rendered.meta[FROM_BROWSER] = [
        browser_cookie(),
        browser_cookie("elsewhere", "www.qingzhou.gov.cn"),
    ]
    middleware.process_response(rendered, Response(f"{site}/col/", status=200))
    assert FROM_BROWSER not in rendered.meta and FOR_BROWSER not in rendered.meta

    attachment = scrapy.Request(f"{site}/module/download/downfile.jsp?filename=1.pdf")
    middleware.process_request(attachment)
    sent = attachment.headers.get("Cookie").decode()
    assert (
        "__jsl_clearance=1650|0|ab" in sent and "__jsluid_h=u1" in sent and "elsewhere" not in sent
    )
    assert crawler.stats.get_value("browser/cookies_copied") == 2


# --- launch and the next hop ---------------------------------------------------------------------


def test_launch_options_pick_a_chromium_and_add_the_crawler_flags(monkeypatch, tmp_path):
    bundled = tmp_path / "chrome"
    monkeypatch.setattr(
        launch.shutil, "which", lambda name: "/usr/bin/chromium" if name == "chromium" else None
    )
    monkeypatch.setattr(launch.os, "geteuid", lambda: 0)
    options = launch_options({"args": ["--lang=zh-CN"]}, str(bundled))
    assert options["executable_path"] == "/usr/bin/chromium"  # Playwright's own is not there
    assert options["headless"] is True
    assert options["args"][0] == "--lang=zh-CN" and "--no-sandbox" in options["args"]
    assert {"--disable-quic", "--disable-background-networking", "--disable-gpu"} <= set(
        options["args"]
    )

    bundled.write_text("")
    assert "executable_path" not in launch_options({}, str(bundled))
    assert (
        launch_options({"executable_path": "/opt/c"}, str(bundled))["executable_path"] == "/opt/c"
    )

    monkeypatch.setattr(launch.os, "geteuid", lambda: 1000)
    assert "--no-sandbox" not in launch_options({}, str(bundled))["args"]

    monkeypatch.setattr(launch.shutil, "which", lambda name: None)
    with pytest.raises(BrowserUnavailable, match="no Chromium found"):
        launch_options({}, str(tmp_path / "missing"))


def test_the_next_hop_follows_the_proxy_environment(monkeypatch):
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert upstream_for("http://www.linqu.gov.cn/a") == launch.Upstream(
        "www.linqu.gov.cn", 80, False
    )
    monkeypatch.setenv("http_proxy", "http://user:p%40ss@127.0.0.1:3128")
    monkeypatch.setenv("no_proxy", "intranet.gov.cn,localhost")
    hop = upstream_for("http://www.linqu.gov.cn/a")
    assert (hop.host, hop.port, hop.proxy) == ("127.0.0.1", 3128, True)
    assert hop.authorization == "Basic dXNlcjpwQHNz"  # user:p@ss
    assert upstream_for("http://oa.intranet.gov.cn/") == launch.Upstream(
        "oa.intranet.gov.cn", 80, False
    )
    # No https_proxy: HTTPS goes straight to the origin, as Scrapy's own downloads would.
    assert upstream_for("https://www.linqu.gov.cn/") == launch.Upstream(
        "www.linqu.gov.cn", 443, False
    )


# --- framing and fingerprints --------------------------------------------------------------------


def test_response_framing():
    def framing(raw: bytes, method="GET"):
        return response_framing(parse_status_head(raw), method)

    assert framing(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") == ("length", 5)
    assert framing(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n") == ("chunked", 0)
    assert framing(b"HTTP/1.0 200 OK\r\n\r\n") == ("close", 0)
    assert framing(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD") == ("length", 0)
    assert framing(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n") == ("length", 0)
    assert framing(b"HTTP/1.1 521 \r\nContent-Length: 12, 12\r\n\r\n") == ("length", 12)


def test_chunked_bodies_come_out_as_wire_and_payload():
    wire = b"3;ext=1\r\n\xe5\xb9\xb4\r\n1\r\nX\r\n0\r\nX-Trailer: 1\r\n\r\n"

    async def pieces():
        reader = asyncio.StreamReader()
        reader.feed_data(wire + b"next")
        reader.feed_eof()
        found = [piece async for piece in body_pieces(reader, ("chunked", 0))]
        return found, await reader.read()

    found, rest = asyncio.run(pieces())
    assert b"".join(w for w, _ in found) == wire
    assert b"".join(p for _, p in found) == "年".encode() + b"X"
    assert rest == b"next"


def test_browser_requests_have_their_own_fingerprint():
    fingerprinter = BrowserAwareRequestFingerprinter()
    plain = scrapy.Request("http://www.qingzhou.gov.cn/xxgk/ndbg/index.html")
    rendered = plain.replace(meta={"playwright": True})
    assert fingerprinter.fingerprint(plain) == fingerprinter.fingerprint(
        plain.replace(meta={"kind": "page"})
    )
    assert fingerprinter.fingerprint(plain) != fingerprinter.fingerprint(rendered)
