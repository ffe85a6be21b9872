"""TRS WCM columns, four pagers: createPageHTML in two templates, the older inline
``countPage`` pager written with ``document.write``, and a pager an avalon script draws from
``pagebar: {prepage, recordCount}`` (the provincial platform kind: ``index.htm``, ``index_1.htm``)."""

from __future__ import annotations

import random

from imitation.variants.common import Column, Item, Style, chunks, file_name, frame, rows, static

name = "trs"
TEMPLATES = ("classic", "classic_variables", "page_div", "inline", "pagebar")
DIRECTORIES = ("/xxgk/zfxxgknb/", "/zwgk/ndbg/", "/col/gknb/", "/zfxxgk/nb/")


def build(
    rng: random.Random, style: Style, site_name: str, items: list[Item], column: str
) -> Column:
    template = rng.choice(TEMPLATES)
    directory = rng.choice(DIRECTORIES)
    per_page = rng.randint(2, 6)
    for number, item in enumerate(items):
        month_dir = f"{item.year}{item.month:02d}"
        item.href = f"{directory}{month_dir}/t{item.year}{item.month:02d}{item.day:02d}_{7000 + number}.html"
        if item.is_report and rng.random() < 0.6:
            item.attachments = [f"./{file_name(rng)}" for _ in range(rng.randint(1, 2))]
    pages = chunks(items, per_page)
    prefix, extension = {
        "page_div": ("fg", "shtml"),
        "pagebar": ("index", "htm"),
    }.get(template, ("index", rng.choice(("html", "shtml"))))
    routes = {}
    for k, page_items in enumerate(pages):
        if template == "page_div":
            path = (
                f"{directory}{prefix}.{extension}"
                if k == 0
                else f"{directory}{prefix}_{k + 1}.{extension}"
            )
        else:
            path = (
                f"{directory}{prefix}.{extension}"
                if k == 0
                else f"{directory}{prefix}_{k}.{extension}"
            )
        hrefs = ["./" + item.href[len(directory) :] for item in page_items]
        html = frame(
            site_name,
            style,
            column,
            rows(style, page_items, hrefs)
            + _pager(template, len(pages), k, len(items), per_page, prefix, extension),
            column=column,
        )
        routes[("GET", path)] = static(style.reply(html))
    first = f"{directory}{prefix}.{extension}"
    if template in ("classic", "inline") and rng.random() < 0.5:
        # The column linked by its directory, which the server answers with its first page.
        routes[("GET", directory)] = routes[("GET", first)]
        first = directory
    return Column(routes, first, f"{name}:{template}")


def _pager(
    template: str, count: int, k: int, records: int, per_page: int, prefix: str, ext: str
) -> str:
    if template == "classic":
        return f'<div class="page"><script>createPageHTML({count}, {k}, "{prefix}", "{ext}");</script></div>'
    if template == "classic_variables":
        return (
            f"<script>\nvar countPage = {count}; // 共多少页\nvar currentPage = {k};\n"
            f"createPageHTML(countPage, currentPage, '{prefix}', '{ext}');\n</script>"
        )
    if template == "page_div":
        return (
            f"<div id=\"page_div\"></div><script>createPageHTML('page_div', {count}, {k + 1},"
            f" '{prefix}', '{ext}', {records});</script>"
        )
    if template == "inline":
        return f"""<div class="fy"><script>
var countPage = {count}//共多少页
var currentPage = {k}//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
document.write("共"+countPage+"页&nbsp;");
if (countPage>1&&currentPage!=(countPage-1)) {{
document.write("<a href=\\"{prefix}"+"_" + nextPage + "."+"{ext}\\">下一页</a>");
}}
</script></div>"""
    # pagebar: the first records are static, the pager an empty avalon element
    return f"""<div class="page_base" ms-controller="list_pagebar"></div>
<script src="/js/avalon.js"></script>
<script>
var vm = avalon.define({{
  $id: "list_pagebar",
  pagebar: {{prepage: {per_page}, recordCount: '{records}', prefix: '{prefix}', suffix: '{ext}'}}
}});
</script>"""
