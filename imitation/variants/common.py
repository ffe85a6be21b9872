"""What every variant site shares: its place, its style draws, report and look-alike pages.

A :class:`Style` is drawn once per site from the site's own ``random.Random``: class and id
names, attribute order, key quoting, date format, encoding, where attachments are written.
Platform modules build the 年报 column's list pages with it; this module builds the pages the
list leads to and records what a crawl must find (:class:`VariantSite`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html import escape

from imitation.model import Reply, Req, Routes, html_reply
from imitation.reportgen.places import COUNTY_DEPARTMENTS, PLACES, Place
from nianbao.format import section_headings

COUNTIES = [place for place in PLACES if place.level == "county"]
LIST_CLASSES = ("list", "news_list", "xxgk-list", "lb", "wzlb", "ul-list", "infoList", "gl_list")
DATE_CLASSES = ("date", "time", "rq", "fbsj", "bt-data-time", "right")
DATE_FORMATS = (
    "{y}-{m:02d}-{d:02d}",
    "{y}/{m:02d}/{d:02d}",
    "{y}年{m}月{d}日",
    "[{y}-{m:02d}-{d:02d}]",
)
REPORT_COLUMN_NAMES = ("政府信息公开年报", "政府信息公开年度报告", "信息公开年报", "年度报告")
DISCLOSURE_NAMES = ("政府信息公开", "信息公开", "政务公开")
LOOKALIKE_TITLES = (
    "{place}{year}年政府工作报告",
    "{place}{year}年法治政府建设年度报告",
    "关于做好{year}年政府信息公开工作年度报告编制发布工作的通知",
    "{place}{year}年部门决算公开",
)
SECTIONS = section_headings()
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class Style:
    """The template choices of one site, drawn with its generator."""

    list_class: str
    date_class: str
    date_format: str
    title_first: bool  # attribute order: title before href
    quote: str  # quotes of attribute values
    encoding: str  # utf-8 or gbk
    declare_charset: bool  # charset in Content-Type (a GBK page may leave it to <meta>)
    attachment_in_script: bool
    report_in_iframe: bool
    disclosure_on_subdomain: bool

    @classmethod
    def draw(cls, rng: random.Random) -> Style:
        return cls(
            list_class=rng.choice(LIST_CLASSES),
            date_class=rng.choice(DATE_CLASSES),
            date_format=rng.choice(DATE_FORMATS),
            title_first=rng.random() < 0.5,
            quote=rng.choice(('"', "'")),
            encoding=rng.choice(("utf-8", "utf-8", "gbk")),
            declare_charset=rng.random() < 0.7,
            attachment_in_script=rng.random() < 0.35,
            report_in_iframe=rng.random() < 0.15,
            disclosure_on_subdomain=rng.random() < 0.2,
        )

    def date(self, year: int, month: int, day: int) -> str:
        return self.date_format.format(y=year, m=month, d=day)

    def anchor(self, href: str, text: str, *, title: bool = True) -> str:
        q = self.quote
        href_attr = f"href={q}{escape(href)}{q}"
        title_attr = f" title={q}{escape(text)}{q}" if title else ""
        attrs = (
            f"{title_attr.strip()} {href_attr}"
            if self.title_first and title
            else f"{href_attr}{title_attr}"
        )
        return f"<a {attrs} target={q}_blank{q}>{escape(text)}</a>"

    def reply(self, html: str) -> Reply:
        charset = self.encoding if self.declare_charset else None
        return html_reply(
            html.replace("{charset}", self.encoding), charset=charset, encoding=self.encoding
        )


@dataclass
class Item:
    """One entry of the 年报 list: a report, or a look-alike the crawl must not take."""

    title: str
    href: str  # path (or path?query) of its page on the column's host
    year: int
    month: int
    day: int
    is_report: bool
    attachments: list[str] = field(default_factory=list)  # paths


@dataclass
class ExpectedReport:
    urls: set[str]  # any of these counts as finding it (an iframe report: page or frame)
    attachments: set[str]


@dataclass
class VariantSite:
    name: str
    region_code: str
    host: str
    platform: str
    template: str
    hosts: dict[str, Routes] = field(default_factory=dict)
    reports: list[ExpectedReport] = field(default_factory=list)
    decoys: set[str] = field(default_factory=set)

    @property
    def start_url(self) -> str:
        return f"http://{self.host}/"

    def add(self, host: str, routes: Routes) -> None:
        """Add routes to a host; pages told apart by their query share one path's handler."""
        kept = self.hosts.setdefault(host, {})
        for key, handler in routes.items():
            known = kept.get(key)
            if known is not None and hasattr(known, "pages") and hasattr(handler, "pages"):
                known.pages.update(handler.pages)
            else:
                kept[key] = handler


def draw_items(rng: random.Random, place: Place, other: Place, count: int) -> list[Item]:
    """``count`` reports of the place and its departments, with 1–3 look-alikes among them."""
    items = []
    years = list(range(2023, 2023 - count, -1)) if count <= 8 else None
    for index in range(count):
        year = years[index] if years else 2023 - index % 8
        department = "" if index == 0 or rng.random() < 0.3 else rng.choice(COUNTY_DEPARTMENTS[:-2])
        title = f"{place.name}{department}{year}年政府信息公开工作年度报告"
        if rng.random() < 0.2:
            title = f"{place.name}{department}{year}年度政府信息公开工作报告"
        items.append(Item(title, "", year, rng.randint(1, 3), rng.randint(1, 28), True))
    for _ in range(rng.randint(1, 3)):
        year = rng.randint(2019, 2023)
        title = rng.choice(LOOKALIKE_TITLES).format(place=place.name, year=year)
        items.append(Item(title, "", year, rng.randint(1, 12), rng.randint(1, 28), False))
    # Another county's report, linked from this list: out of scope.
    items.append(Item(f"{other.name}2022年政府信息公开工作年度报告", "", 2022, 2, 3, False))
    rng.shuffle(items)
    items.sort(key=lambda item: (item.year, item.month, item.day), reverse=True)
    return items


def frame(
    site_name: str, style: Style, title: str, main: str, *, scripts: str = "", column: str = ""
) -> str:
    """A whole page: header, navigation, breadcrumb, ``main``, footer."""
    crumb = f" &gt; <span>{escape(column)}</span>" if column else ""
    return f"""<!DOCTYPE html>
<html><head><meta charset="{{charset}}"><title>{escape(title)}_{escape(site_name)}</title></head>
<body>
<div class="head"><a href="/">首页</a> <a href="/xwzx/">新闻中心</a> <a href="/bsfw/">办事服务</a> <a href="/hdjl/">互动交流</a></div>
<div class="{rng_free(style.list_class)}-wrap">
<div class="crumb">当前位置：<a href="/">首页</a>{crumb}</div>
{main}
</div>
<div class="footer">主办：{escape(site_name)}办公室</div>
{scripts}
</body></html>"""


def rng_free(name: str) -> str:
    return name.replace("_", "-")


def report_page(
    site_name: str, style: Style, item: Item, attachment_links: list[tuple[str, str]]
) -> str:
    """A report article: its title, the six sections (or a cover), and its attachments."""
    body = "".join(
        f"<p>{section}</p><p>本年度{escape(site_name)}认真贯彻落实《条例》。</p>"
        for section in SECTIONS
    )
    if attachment_links and len(item.title) % 3 == 0:
        body = "<p>详见附件。</p>"  # a cover: the report is the attached file
    links = "".join(
        f"<p>{style.anchor(href, text, title=False)}</p>" for href, text in attachment_links
    )
    scripts = ""
    if attachment_links and style.attachment_in_script:
        literal = "".join(
            f'<p><a href="{escape(href)}">{escape(text)}</a></p>' for href, text in attachment_links
        )
        scripts = f"<script>\nvar hasFJ='{literal}';\ndocument.write(hasFJ);\n</script>"
        links = ""
    main = f'<div class="article"><h1 class="title">{escape(item.title)}</h1><div class="content">{body}{links}{scripts}</div></div>'
    return frame(site_name, style, item.title, main, column="政府信息公开年报")


def lookalike_page(site_name: str, style: Style, item: Item) -> str:
    main = f'<div class="article"><h1>{escape(item.title)}</h1><p>各单位：现将有关事项通知如下。</p></div>'
    return frame(site_name, style, item.title, main)


def file_reply(body: bytes = PDF) -> Reply:
    return Reply(headers=[("Content-Type", "application/pdf")], body=body)


class QueryPages:
    """Pages sharing one path, told apart by their exact query (``show.php?id=1``, ``?id=2`` …).

    ``VariantSite.add`` merges two of them registered at one path.
    """

    def __init__(self, pages: dict[str, Reply]):
        self.pages = pages

    def __call__(self, req: Req) -> Reply:
        reply = self.pages.get(req.query)
        if reply is None:
            return Reply(status=404, reason="Not Found", body=b"no such page")
        return reply


def static(reply: Reply):
    def answer(req: Req) -> Reply:
        return reply

    return answer


@dataclass
class Column:
    """A platform's 年报 column: its routes, the path of its first page, the template's name."""

    routes: Routes
    first_path: str
    template: str


def rows(style: Style, items: list[Item], hrefs: list[str] | None = None) -> str:
    """The list's items as ``<li>`` rows (or table rows), in the site's style."""
    hrefs = hrefs or [item.href for item in items]
    q = style.quote
    if style.list_class in ("lb", "gl_list"):
        body = "".join(
            f"<tr><td>{style.anchor(href, item.title)}</td>"
            f"<td class={q}{style.date_class}{q}>{style.date(item.year, item.month, item.day)}</td></tr>"
            for item, href in zip(items, hrefs)
        )
        return f"<table class={q}{style.list_class}{q}>{body}</table>"
    body = "".join(
        f"<li>{style.anchor(href, item.title)}"
        f"<span class={q}{style.date_class}{q}>{style.date(item.year, item.month, item.day)}</span></li>"
        for item, href in zip(items, hrefs)
    )
    return f"<ul class={q}{style.list_class}{q}>{body}</ul>"


def chunks(items: list, size: int) -> list[list]:
    """``items`` in pages of ``size`` (at least one page, possibly empty)."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def file_name(rng: random.Random, prefix: str = "P0", extension: str = "pdf") -> str:
    return f"{prefix}{rng.randrange(10**15, 10**16)}.{extension}"
