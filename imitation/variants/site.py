"""One variant site: home page → disclosure column → 年报 column (a platform's list) → reports.

The 年报 column's list pages come from a platform module (:mod:`.trs`, :mod:`.hanweb`,
:mod:`.vsb`, :mod:`.plain`, :mod:`.scripted`), which also says where each item lives; this
module adds everything around them and the answer key.
"""

from __future__ import annotations

import random
from html import escape
from urllib.parse import urljoin, urlparse

from imitation.model import Reply, Req, Routes
from imitation.variants import hanweb, plain, scripted, trs, vsb
from imitation.variants.common import (
    COUNTIES,
    DISCLOSURE_NAMES,
    REPORT_COLUMN_NAMES,
    ExpectedReport,
    Item,
    QueryPages,
    Style,
    VariantSite,
    draw_items,
    file_reply,
    frame,
    lookalike_page,
    report_page,
)

PLATFORMS = {module.name: module for module in (trs, hanweb, vsb, plain, scripted)}


def build_site(index: int, platform: str, seed: int) -> VariantSite:
    """Site number ``index`` of a farm, on ``platform``, its template drawn from ``seed``."""
    rng = random.Random(f"{seed}:{index}:{platform}")
    place = COUNTIES[index % len(COUNTIES)]
    other = COUNTIES[(index + 7) % len(COUNTIES)]
    style = Style.draw(rng)
    domain = f"nb{index:03d}.gov.cn"
    site = VariantSite(
        name=f"{place.name}人民政府",
        region_code=place.code,
        host=f"www.{domain}",
        platform=platform,
        template="",
    )
    items = draw_items(rng, place, other, rng.randint(3, 14))
    column_host = f"xxgk.{domain}" if style.disclosure_on_subdomain else site.host
    column_name = rng.choice(REPORT_COLUMN_NAMES)
    column = PLATFORMS[platform].build(rng, style, site.name, items, column_name)
    site.template = column.template
    site.add(column_host, column.routes)
    for number, item in enumerate(items):
        _add_item(site, column_host, style, item, number)
    disclosure_name = rng.choice(DISCLOSURE_NAMES)
    disclosure_path = rng.choice(("/zwgk/", "/xxgk/index.html", "/col/col100/index.html"))
    disclosure = frame(
        site.name,
        style,
        disclosure_name,
        "<ul>"
        + "".join(
            f"<li>{style.anchor(href, text, title=False)}</li>"
            for href, text in (
                ("/zwgk/zn.html", "政府信息公开指南"),
                ("/zwgk/zd.html", "政府信息公开制度"),
                (column.first_path, column_name),
                ("/zwgk/fdzdgknr.html", "法定主动公开内容"),
            )
        )
        + "</ul>",
        column=disclosure_name,
    )
    site.add(column_host, {("GET", disclosure_path): _static(style.reply(disclosure))})
    for path, text in (
        ("/zwgk/zn.html", "政府信息公开指南"),
        ("/zwgk/zd.html", "政府信息公开制度"),
    ):
        guide = frame(site.name, style, text, f"<p>{text}全文。</p>", column=disclosure_name)
        site.add(column_host, {("GET", path): _static(style.reply(guide))})
    disclosure_url = f"http://{column_host}{disclosure_path}"
    home = frame(
        site.name,
        style,
        "首页",
        f'<div class="nav">{style.anchor(disclosure_url, disclosure_name, title=False)}'
        f" {style.anchor('/xwzx/', '新闻中心', title=False)}</div>",
    )
    site.add(site.host, {("GET", "/"): _static(style.reply(home))})
    return site


def _add_item(site: VariantSite, host: str, style: Style, item: Item, number: int) -> None:
    path = item.href.split("?", 1)[0]
    origin = f"http://{host}"
    if not item.is_report:
        page = style.reply(lookalike_page(site.name, style, item))
        site.add(host, {("GET", path): _by_query(item.href, page)})
        site.decoys.add(origin + item.href)
        return
    attachments = [
        (href, f"附件{i + 1}：{item.title}.pdf") for i, href in enumerate(item.attachments)
    ]
    article = report_page(site.name, style, item, [(a, text) for a, text in attachments])
    routes: Routes = {}
    urls = {origin + item.href}
    if style.report_in_iframe:
        inner = f"/frame/content_{number}.html"
        shell = frame(
            site.name,
            style,
            item.title,
            f'<h1 class="title">{escape(item.title)}</h1>'
            f'<iframe src="{inner}" width="100%" height="900" frameborder="0"></iframe>',
        )
        routes[("GET", path)] = _by_query(item.href, style.reply(shell))
        routes[("GET", inner)] = _static(style.reply(article))
        urls.add(origin + inner)
        base = origin + inner
    else:
        routes[("GET", path)] = _by_query(item.href, style.reply(article))
        base = origin + item.href
    for href in item.attachments:
        routes[("GET", _resolve(base, href).split("?", 1)[0])] = _static(file_reply())
    site.add(host, routes)
    site.reports.append(
        ExpectedReport(
            urls=urls, attachments={origin + _resolve(base, a) for a in item.attachments}
        )
    )


def _resolve(base: str, href: str) -> str:
    parsed = urlparse(urljoin(base, href))
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def _static(reply: Reply):
    def answer(req: Req) -> Reply:
        return reply

    return answer


def _by_query(href: str, reply: Reply):
    """A report page at ``href``; with a query (``show.php?id=3``) only that query answers it."""
    if "?" not in href:
        return _static(reply)
    return QueryPages({href.split("?", 1)[1]: reply})
