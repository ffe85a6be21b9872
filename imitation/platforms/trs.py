"""An imitation of TRS WCM static list pages: ``index.html``, ``index_1.html`` ….

The pager is drawn by ``createPageHTML`` at view time, so the page count is written only in
that call. ``variant`` picks the template: ``"classic"`` (``createPageHTML(5, 0, "index",
"html")``, the function defined inline as older TRS templates do), ``"variables"`` (the count
and current page passed through ``var countPage``/``var currentPage``) or ``"page_div"``
(``createPageHTML('page_div', 5, 1, 'fg', 'shtml', 23)``, pages ``fg.shtml``, ``fg_2.shtml`` …).
"""

from __future__ import annotations

import math
import posixpath
from html import escape

from imitation.model import ListItem, Req, Routes, html_reply
from imitation.platforms.chrome import page

VARIANTS = ("classic", "variables", "page_div")
# TRS list templates cut long titles and keep the whole one in the title attribute.
TITLE_WIDTH = 24

PAGER_FUNCTION = """
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
  else {
    document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
    var prev = nCurrIndex == 1 ? _sPageName+"."+_sPageExt : _sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt;
    document.write("<a href=\\""+prev+"\\">上一页</a>&nbsp;");
  }
  if(nCurrIndex+1 == _nPageCount) document.write("<span>下一页</span>&nbsp;<span>尾页</span>");
  else {
    document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\\">下一页</a>&nbsp;");
    document.write("<a href=\\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\\">尾页</a>");
  }
  document.write("&nbsp;共"+_nPageCount+"页");
}
"""


def list_pages(
    column_path: str, items: list[ListItem], per_page: int = 5, *, variant: str = "classic"
) -> Routes:
    """Every page of one TRS column holding ``items``, first page at ``column_path``."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown TRS variant {variant!r}; expected one of {VARIANTS}")
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    directory, file_name = posixpath.split(column_path)
    directory += "/"
    if variant == "page_div":
        prefix, _, extension = (file_name or "index.shtml").partition(".")
    else:
        prefix, extension = "index", "html"
    page_count = max(1, math.ceil(len(items) / per_page))
    routes: Routes = {}
    for number in range(page_count):
        chunk = items[number * per_page : (number + 1) * per_page]
        body = _page_html(chunk, number, page_count, prefix, extension, variant, len(items))
        handler = _serve(body)
        if number == 0:
            routes[("GET", column_path)] = handler
            routes[("GET", f"{directory}{prefix}.{extension}")] = handler
        else:
            suffix = number + 1 if variant == "page_div" else number
            routes[("GET", f"{directory}{prefix}_{suffix}.{extension}")] = handler
    return routes


def _serve(body: str):
    def handler(req: Req):
        return html_reply(body)

    return handler


def _page_html(chunk, number, page_count, prefix, extension, variant, record_count) -> str:
    rows = "\n".join(_item_html(item) for item in chunk)
    if variant == "classic":
        pager = f'<script>{PAGER_FUNCTION}</script>\n<script>createPageHTML({page_count}, {number}, "{prefix}", "{extension}");</script>'
    elif variant == "variables":
        pager = (
            f"<script>{PAGER_FUNCTION}\nvar currentPage = {number};//所在页从0开始\n"
            f"var prevPage = currentPage-1//上一页\nvar nextPage = currentPage+1//下一页\n"
            f"var countPage = {page_count}//共多少页\n"
            f'createPageHTML(countPage, currentPage, "{prefix}", "{extension}");</script>'
        )
    else:
        pager = (
            '<script src="/res/js/createPageHTML.js"></script>\n'
            f"<script>createPageHTML('page_div',{page_count}, {number + 1},'{prefix}','{extension}',{record_count});</script>"
        )
    main = f"""<div class="xxgk-list">
<ul class="list">
{rows}
</ul>
<div class="page" id="page_div">
{pager}
</div>
</div>"""
    return page("政府信息公开年报", main, head='<meta name="generator" content="TRS WCM">')


def _item_html(item: ListItem) -> str:
    shown = item.title if len(item.title) <= TITLE_WIDTH else item.title[: TITLE_WIDTH - 2] + "…"
    return (
        f'<li><a href="{escape(item.href)}" target="_blank" title="{escape(item.title)}">{escape(shown)}</a>'
        f'<span class="date">{escape(item.date)}</span></li>'
    )
