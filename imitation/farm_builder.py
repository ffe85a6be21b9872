"""Building blocks of an imitation government site: pages in a site's chrome, report pages with
their attachments and download endpoints, look-alikes, redirects, robots.txt and traps.

A ``SiteBuilder`` collects one host's routes and, alongside, its ``ExpectedSite`` — every report
or decoy page is registered through it, so the answer key cannot drift from what is served.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, urlencode

from imitation import documents
from imitation.farm_expected import (
    ExpectedAttachment,
    ExpectedDecoy,
    ExpectedReport,
    ExpectedSite,
)
from imitation.farm_files import Attachment, DocumentStore, attachment_handler
from imitation.model import Handler, ListItem, Reply, Req, Routes, html_reply
from imitation.platforms.endpoints import merge_routes


class FarmState:
    """Per-URL state of the farm (pages that fail once), resettable between tests."""

    def __init__(self):
        self.failed_once: set[str] = set()

    def reset(self) -> None:
        self.failed_once.clear()


# The links every imitation site's menu ends with, whatever its platform.
SHARED_NAV = [
    ("办事服务", "http://zwfw.example-province.gov.cn/"),
    ("互动交流", "/hdjl/index.html"),
    ("领导之窗", "/ldzc/index.html"),
]


def site_nav(*own: tuple[str, str]) -> list[tuple[str, str]]:
    """A site's menu: home, its own columns (disclosure, news …), then :data:`SHARED_NAV`."""
    return [("首页", "/"), *own, *SHARED_NAV]


class SiteBuilder:
    def __init__(
        self,
        *,
        host: str,
        name: str,
        region_code: str,
        level: str,
        platform: str,
        store: DocumentStore,
        state: FarmState,
        nav: list[tuple[str, str]],
        friends: list[tuple[str, str]],
        page_options: dict | None = None,
        start_path: str = "/",
    ):
        self.host, self.name = host, name
        self.store, self.state = store, state
        self.nav, self.friends = nav, friends
        # Reply options (gzip, chunked) for every HTML page this builder renders.
        self.page_options = page_options or {}
        self.routes: Routes = {}
        self._by_query: dict[str, dict[str, Handler]] = {}
        self.expected = ExpectedSite(
            name=name,
            host=host,
            start_url=self.url(start_path),
            region_code=region_code,
            level=level,
            platform=platform,
        )
        self.routes[("*", "*")] = self._not_found

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    # -- registering ---------------------------------------------------------------------------

    def route(self, path: str, handler: Handler, method: str = "GET") -> None:
        self.add_routes({(method, path): handler})

    def add_routes(self, routes: Routes) -> None:
        # Shared CMS endpoints (Hanweb's dataproxy.jsp, jpaas's API) are combined across
        # columns; two different pages at one path raise.
        self.routes = merge_routes(self.routes, routes)

    def query_route(self, path: str, query: dict[str, str], handler: Handler) -> str:
        """Serve ``handler`` at ``path`` only for exactly this query; returns path?query."""
        if path not in self._by_query:
            table = self._by_query[path] = {}
            self.route(path, lambda req: table.get(_query_key(req.query), self._not_found)(req))
        self._by_query[path][_query_key(urlencode(query))] = handler
        return f"{path}?{urlencode(query)}"

    def page(
        self,
        path: str,
        title: str,
        body: str,
        *,
        crumbs: list[tuple[str, str]] = (),
        charset: str | None = "utf-8",
        encoding: str = "utf-8",
        extra_headers: list[tuple[str, str]] = (),
        **options,
    ) -> None:
        """An HTML page in the site's chrome; ``options`` are Reply fields (gzip, chunked …)."""
        html = self.render(title, body, crumbs=crumbs, charset=charset)
        merged = {**self.page_options, **options}

        def handler(req: Req) -> Reply:
            reply = html_reply(html, charset=charset, encoding=encoding, **merged)
            reply.headers.extend(extra_headers)
            return reply

        self.route(path, handler)

    def column(
        self, column_path: str, items: list[ListItem], list_pages, per_page: int = 5
    ) -> None:
        """A list column in the site's CMS: newest first, paginated by the platform."""
        ordered = sorted(items, key=lambda item: item.date, reverse=True)
        self.add_routes(list_pages(column_path, ordered, per_page))

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        reason = {301: "Moved Permanently", 302: "Found"}[status]
        reply = Reply(
            status=status,
            reason=reason,
            headers=[("Location", location), ("Content-Type", "text/html")],
            body=f'<a href="{escape(location)}">{reason}</a>'.encode(),
        )
        self.route(path, lambda req: reply)

    def robots(self, text: str) -> None:
        reply = Reply(headers=[("Content-Type", "text/plain")], body=text.encode())
        self.route("/robots.txt", lambda req: reply)

    def dead_link(self, path: str) -> str:
        """A link that leads nowhere (answers the site's 404 page)."""
        self.expected.dead_links.append(self.url(path))
        return path

    # -- pages ---------------------------------------------------------------------------------

    def render(self, title: str, body: str, *, crumbs=(), charset: str | None = "utf-8") -> str:
        nav = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in self.nav)
        trail = "".join(f' &gt; <a href="{href}">{label}</a>' for label, href in crumbs)
        friends = "".join(
            f'<option value="{href}">{label}</option>' for label, href in self.friends
        )
        friend_links = "".join(
            f'<a href="{href}" target="_blank">{label}</a> ' for label, href in self.friends
        )
        meta = f'<meta charset="{charset}">' if charset else ""
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{meta}<title>{escape(title)}_{escape(self.name)}</title>
<meta name="SiteName" content="{escape(self.name)}"><meta name="ArticleTitle" content="{escape(title)}">
<link rel="stylesheet" href="/css/style.css"></head>
<body><div class="top"><div class="logo"><a href="/">{escape(self.name)}</a></div>
<div class="search"><form action="/search.jsp" method="get"><input name="q"><button>搜索</button></form></div>
<ul class="nav">{nav}</ul></div>
<div class="position">当前位置：<a href="/">首页</a>{trail}</div>
<div class="main">
{body}
</div>
<div class="links">友情链接：{friend_links}<select onchange="window.open(this.value)">{friends}</select></div>
<div class="footer">主办：{escape(self.name)}办公室 承办：{escape(self.name)}大数据中心
<a href="/wzdt.html">网站地图</a> <a href="/lxwm.html">联系我们</a>
网站标识码：{self.expected.region_code}0001 ICP备案号：ICP备05012345号</div>
</body></html>"""

    def article_body(
        self,
        title: str,
        content: str,
        date: str,
        source: str,
        attachments: list[tuple[str, str]] = (),
    ) -> str:
        files = "".join(
            f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in attachments
        )
        files = f'<div class="fujian"><p>附件：</p><ul>{files}</ul></div>' if attachments else ""
        return f"""<div class="xxgk-meta"><table>
<tr><td>索引号：</td><td>{self.expected.region_code}-{date.replace("-", "")}-001</td><td>发布机构：</td><td>{escape(source)}</td></tr>
<tr><td>生成日期：</td><td>{date}</td><td>主题分类：</td><td>政府信息公开年报</td></tr></table></div>
<div class="article"><h1 class="title">{escape(title)}</h1>
<div class="info">发布日期：{date} 来源：{escape(source)} 浏览次数：<span id="hits">1024</span>
<a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a></div>
<div class="content" id="zoom">
{content}
</div>{files}</div>"""

    # -- reports and decoys --------------------------------------------------------------------

    def report(
        self,
        path: str,
        report: documents.SeedReport,
        *,
        content: str,
        date: str,
        attachments: list[Attachment] = (),
        title: str | None = None,
        crumbs=(),
        flaky: bool = False,
        charset: str = "utf-8",
        **options,
    ) -> ListItem:
        """A report's article page (``content``: html-table, html-text or attachment)."""
        title = title or report.title
        if content == "attachment":
            names = "、".join(f"《{a.name}》" for a in attachments)
            body_html = (
                f"<p>现将{escape(report.title)}予以公开，全文详见附件{escape(names)}。</p>"
                "<p>如对本报告有疑问，请与本机关政务公开办公室联系。</p>"
            )
        else:
            body_html = documents.report_html(report, tables=(content == "html-table"))
        page_url = self.url(path)
        links, expected = [], []
        for attachment in attachments:
            served_at = self._attachment(report, attachment, path)
            links.append((attachment.path, attachment.link_text or attachment.name))
            expected.append(
                ExpectedAttachment(
                    url=self.url(served_at),
                    filename=attachment.name,
                    kind=attachment.kind,
                    name_source=attachment.name_source,
                    needs_referer=attachment.needs_referer,
                    gzip=attachment.gzip,
                )
            )
        body = self.article_body(title, body_html, date, report.agency, links)
        # GBK pages are encoded strictly: a character GBK lacks fails the build, not the test.
        encoding = "gbk" if charset is None or charset.lower() == "gbk" else "utf-8"
        self.page(path, title, body, crumbs=crumbs, charset=charset, encoding=encoding, **options)
        if flaky:
            self._fail_first_time(path)
        self.expected.reports.append(
            ExpectedReport(
                url=page_url,
                title=title,
                agency=report.agency,
                year=report.year,
                seed=report.seed,
                format_version=report.format_version,
                content=content,
                published=report.published,
                attachments=expected,
                charset="gbk" if encoding != "utf-8" else "utf-8",
            )
        )
        return ListItem(title=title, href=path, date=date)

    def flipbook_report(
        self,
        book_path: str,
        report: documents.SeedReport,
        book_pages,
        *,
        date: str,
        lines_per_page: int = 30,
    ) -> ListItem:
        """A report published only as a flip book; the list links straight to the book."""
        lines = [line.strip() for line in report.text.splitlines() if line.strip()]
        pages = [
            "\n".join(lines[i : i + lines_per_page]) for i in range(0, len(lines), lines_per_page)
        ]
        self.add_routes(book_pages(book_path, pages))
        self.expected.reports.append(
            ExpectedReport(
                url=self.url(book_path),
                title=report.title,
                agency=report.agency,
                year=report.year,
                seed=report.seed,
                format_version=report.format_version,
                content="flipbook",
                published=report.published,
            )
        )
        return ListItem(title=report.title, href=book_path, date=date)

    def decoy(
        self,
        path: str,
        title: str,
        reason: str,
        text: str,
        *,
        date: str,
        source: str | None = None,
        crumbs=(),
    ) -> ListItem:
        """A page that looks like a report in a list but is not one (``reason`` says what)."""
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
        self.page(
            path,
            title,
            self.article_body(title, paragraphs, date, source or self.name),
            crumbs=crumbs,
        )
        self.expected.decoys.append(ExpectedDecoy(url=self.url(path), title=title, reason=reason))
        return ListItem(title=title, href=path, date=date)

    def reposted_report(
        self, path: str, report: documents.SeedReport, *, date: str, crumbs=()
    ) -> ListItem:
        """Another agency's report copied onto this site: a real report, but out of scope."""
        body = self.article_body(report.title, documents.report_html(report), date, report.agency)
        self.page(path, report.title, body, crumbs=crumbs)
        self.expected.decoys.append(
            ExpectedDecoy(url=self.url(path), title=report.title, reason="out_of_scope")
        )
        return ListItem(title=report.title, href=path, date=date)

    # -- attachments ---------------------------------------------------------------------------

    def _attachment(
        self, report: documents.SeedReport, attachment: Attachment, page_path: str
    ) -> str:
        """Serve one attachment; returns its path (and query) on this host."""
        if attachment.kind in ("doc", "wps"):
            self.store.need_word97(report)
        serve = attachment_handler(self.store, report, attachment, self.url(page_path))
        path, _, query = attachment.path.partition("?")
        if not path.startswith("/"):
            path = page_path.rsplit("/", 1)[0] + "/" + path.removeprefix("./")
        if query:
            return self.query_route(path, dict(parse_qsl(query, keep_blank_values=True)), serve)
        self.route(path, serve)
        return path

    # -- failure modes -------------------------------------------------------------------------

    def _fail_first_time(self, path: str) -> None:
        healthy = self.routes[("GET", path)]
        key = self.url(path)

        def handler(req: Req) -> Reply:
            if key not in self.state.failed_once:
                self.state.failed_once.add(key)
                return Reply(
                    status=500,
                    reason="Internal Server Error",
                    headers=[("Content-Type", "text/html; charset=utf-8")],
                    body="<html><body><h1>HTTP Status 500 – Internal Server Error</h1>"
                    "<p>数据库连接超时，请稍后再试。</p></body></html>".encode(),
                )
            return healthy(req)

        self.routes[("GET", path)] = handler

    def _not_found(self, req: Req) -> Reply:
        body = self.render(
            "页面不存在",
            '<div class="error"><h2>404</h2><p>抱歉，您访问的页面不存在或已删除。'
            '</p><p><a href="/">返回首页</a></p></div>',
        )
        return html_reply(body, status=404, reason="Not Found", **self.page_options)


def _query_key(query: str) -> str:
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
