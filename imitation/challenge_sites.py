"""Browser-only imitation sites behind anti-bot challenges: 青州市's 瑞数-style HTTP 412 with a
cookie computed by script, 寿光市's 加速乐-style HTTP 521, and 昌邑市's challenges that no browser
gets through."""

from __future__ import annotations

import secrets

from imitation.browser_pages import PDF, Site, list_html, parse_cookies, report_html
from imitation.model import Reply, Req, Routes, html_reply

# -- 青州市: HTTP 412 and a cookie computed by script ---------------------------------------


def qingzhou_site() -> tuple[Site, Routes]:
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
    return site, routes


# -- 寿光市: HTTP 521 and document.cookie=…; location.href=… ---------------------------------


def shouguang_site() -> tuple[Site, Routes]:
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
            pieces = "+".join(f"('{clearance[i : i + 5]}')" for i in range(0, len(clearance), 5))
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
    return site, routes


# -- 昌邑市: challenges no browser gets through ---------------------------------------------


def changyi_site() -> tuple[Site, Routes]:
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
    return site, routes


def ruishu_answer(token: str) -> str:
    """What the 412 page's script computes from its token (the server checks it)."""
    h = 7
    for char in token:
        h = (h * 31 + ord(char)) % 1000000007
    return format(h, "x")
