"""Hand-made and lesser CMS lists, paged five ways: 下一页-style links (``list.html`` →
``list_2.html``), a printed page count with script-only pager links (``index.html`` →
``index_1.html``), a printed record count, a query (``list.php?page=2``), and no pager at all."""

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

name = "plain"
TEMPLATES = ("next_links", "page_count", "record_count", "query", "no_pager")
NEXT_WORDS = ("下一页", "下页", "后页", "»", "下一页>>")
DIRECTORIES = ("/gk/nb/", "/xxgk/ndbg/", "/zfxxgk/gknb/")


def build(
    rng: random.Random, style: Style, site_name: str, items: list[Item], column: str
) -> Column:
    template = rng.choice(TEMPLATES)
    directory = rng.choice(DIRECTORIES)
    per_page = rng.randint(3, 6)
    query_items = rng.random() < 0.4
    for number, item in enumerate(items):
        item.href = (
            f"/show.php?id={900 + number}"
            if query_items
            else f"/content/{item.year}/{900 + number}.html"
        )
        if item.is_report and rng.random() < 0.5:
            extension = rng.choice(("pdf", "docx"))
            item.attachments = [f"/uploads/{item.year}/{file_name(rng, 'u', extension)}"]
    pages = chunks(items, per_page)
    stem = "list" if template in ("next_links", "no_pager") and rng.random() < 0.5 else "index"
    second = 2 if stem == "list" else 1  # list_2.html or index_1.html
    routes = {}
    query_pages = {}
    for k, page_items in enumerate(pages):
        pager = _pager(rng, template, stem, second, len(pages), k, len(items))
        html = frame(site_name, style, column, rows(style, page_items) + pager, column=column)
        reply = style.reply(html)
        if template == "query":
            query_pages[f"page={k + 1}"] = reply
        else:
            path = (
                f"{directory}{stem}.html" if k == 0 else f"{directory}{stem}_{k - 1 + second}.html"
            )
            routes[("GET", path)] = static(reply)
    if template == "query":
        routes[("GET", f"{directory}list.php")] = QueryPages(query_pages)
        return Column(routes, f"{directory}list.php?page=1", f"{name}:{template}")
    return Column(routes, f"{directory}{stem}.html", f"{name}:{template}:{stem}")


def _pager(rng, template: str, stem: str, second: int, count: int, k: int, records: int) -> str:
    if template == "no_pager" or count == 1:
        return ""
    if template == "next_links":
        if k + 1 >= count:
            return '<div class="page"><span>下一页</span></div>'
        return f'<div class="page"><a href="{stem}_{k + second}.html">{rng.choice(NEXT_WORDS)}</a></div>'
    script_links = f'<a href="javascript:goPage({k + 2})">下一页</a>'
    if template == "page_count":
        text = rng.choice((f"共{count}页", f"第{k + 1}/{count}页"))
        return f'<div class="pages">{text} {script_links}</div>'
    if template == "record_count":
        return f'<div class="pages">共{records}条记录 {script_links}</div>'
    return f'<div class="pages">第{k + 1}/{count}页 {script_links}</div>'
