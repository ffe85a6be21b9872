"""VSB (博达) columns: ``nb.htm`` then ``nb/{N-1}.htm`` … ``nb/1.htm``, counting down, under
three pagers: ``p_pages`` with 共N页, a ``fanye…`` cell with 共R条 1/N, and bare 下页/尾页 words;
and VSB's dynamic lists, ``list.jsp?…&PAGENUM=k``, paged by their 下页/尾页 links."""

from __future__ import annotations

import random

from imitation.variants.common import (
    Column,
    Item,
    QueryPages,
    Style,
    chunks,
    file_name,
    frame,
    rows,
    static,
)

name = "vsb"
TEMPLATES = ("p_pages", "fanye", "words", "jsp")
DIRECTORIES = ("/xxgk/", "/zwgk/", "/")
STEMS = ("zfxxgknb", "ndbg", "gknb", "nb")


def build(
    rng: random.Random, style: Style, site_name: str, items: list[Item], column: str
) -> Column:
    template = rng.choice(TEMPLATES)
    stem = rng.choice(DIRECTORIES) + rng.choice(STEMS)
    per_page = rng.randint(2, 6)
    column_id = rng.randint(1000, 9999)
    for number, item in enumerate(items):
        item.href = f"/info/{column_id}/{3000 + number}.htm"
        if item.is_report and rng.random() < 0.6:
            item.attachments = [
                rng.choice(
                    (
                        f"/__local/A/{rng.randint(10, 99)}/{file_name(rng, 'F')}",
                        f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={column_id}&wbfileid={rng.randint(10**6, 10**7)}",
                    )
                )
            ]
    pages = chunks(items, per_page)
    count = len(pages)
    if template == "jsp":
        return _dynamic(style, site_name, column, pages, column_id, len(items))
    routes = {}
    for k, page_items in enumerate(pages):
        path = f"{stem}.htm" if k == 0 else f"{stem}/{count - k}.htm"
        html = frame(
            site_name,
            style,
            column,
            rows(style, page_items) + _pager(template, stem, count, k, len(items)),
            column=column,
        )
        routes[("GET", path)] = static(style.reply(html))
    return Column(routes, f"{stem}.htm", f"{name}:{template}")


def _url(stem: str, count: int, k: int) -> str:
    """Page ``k`` (from 0) of the column, as the pager links it (relative to the current page)."""
    return f"{stem}.htm" if k == 0 else f"{stem}/{count - k}.htm"


def _pager(template: str, stem: str, count: int, k: int, records: int) -> str:
    if count == 1:
        return ""
    words = []
    if k + 1 < count:
        words = [("下页", _url(stem, count, k + 1)), ("尾页", _url(stem, count, count - 1))]
    links = "".join(f'<a href="{href}">{text}</a>' for text, href in words)
    if template == "p_pages":
        return f'<span class="p_pages">{links}</span><span class="p_t">共{count}页</span>'
    if template == "fanye":
        return f'<table><tr><td id="fanye{records}7">共{records}条&nbsp;&nbsp;{k + 1}/{count}&nbsp;</td><td>{links}</td></tr></table>'
    return f'<div class="pagination">{links}</div>'


def _dynamic(style: Style, site_name: str, column: str, pages, column_id: int, records: int):
    """``/system/list.jsp?wbtreeid=…`` first, then ``?totalpage=N&PAGENUM=k&…`` for page k."""
    count = len(pages)

    def query(k: int) -> str:
        if k == 0:
            return f"wbtreeid={column_id}"
        return f"totalpage={count}&PAGENUM={k + 1}&urltype=tree.TreeTempUrl&wbtreeid={column_id}"

    replies = {}
    for k, page_items in enumerate(pages):
        words = []
        if k + 1 < count:
            words = [("下页", f"list.jsp?{query(k + 1)}"), ("尾页", f"list.jsp?{query(count - 1)}")]
        links = "".join(f'<a href="{href}">{text}</a>' for text, href in words)
        pager = (
            f'<div class="pb_sys_common">共{records}条 {k + 1}/{count} {links}</div>'
            if count > 1
            else ""
        )
        html = frame(site_name, style, column, rows(style, page_items) + pager, column=column)
        replies[query(k)] = style.reply(html)
    path = "/system/list.jsp"
    return Column({("GET", path): QueryPages(replies)}, f"{path}?{query(0)}", "vsb:jsp")
