"""An imitation of VSB (博达) static lists, whose page files count down.

The first page is ``column_path`` (``/xxgk/ndbg.htm``); with T pages, page p ≥ 2 is
``/xxgk/ndbg/{T-p+1}.htm``. Links on the first page are relative to the site directory
(``ndbg/4.htm``), on the other pages relative to ``ndbg/`` (``3.htm``, ``../ndbg.htm``).
``variant`` picks the pager template: ``"pb_sys"`` (the ``p_pages`` spans, ``共N页``, a page-number
window and a go-to box) or ``"fanye"`` (the older table: ``共23条 1/5`` then 首页 上页 下页 尾页).
"""

from __future__ import annotations

import math
import posixpath
from html import escape

from imitation.model import ListItem, Req, Routes, html_reply
from imitation.platforms.chrome import page

VARIANTS = ("pb_sys", "fanye")
UNIT = "u5"


def list_pages(
    column_path: str, items: list[ListItem], per_page: int = 5, *, variant: str = "pb_sys"
) -> Routes:
    """Every page of one VSB column holding ``items``."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown VSB variant {variant!r}; expected one of {VARIANTS}")
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    if not column_path.endswith(".htm"):
        raise ValueError(f"VSB column pages end in .htm, got {column_path!r}")
    column = column_path[: -len(".htm")]
    total = max(1, math.ceil(len(items) / per_page))
    routes: Routes = {}
    for number in range(1, total + 1):
        chunk = items[(number - 1) * per_page : number * per_page]
        body = _page_html(chunk, number, total, posixpath.basename(column), len(items), variant)
        path = column_path if number == 1 else f"{column}/{total - number + 1}.htm"
        routes[("GET", path)] = _serve(body)
    return routes


def page_href(number: int, total: int, current: int, column_name: str) -> str:
    """How page ``number`` is linked from page ``current``."""
    if current == 1:
        return f"{column_name}.htm" if number == 1 else f"{column_name}/{total - number + 1}.htm"
    return f"../{column_name}.htm" if number == 1 else f"{total - number + 1}.htm"


def _serve(body: str):
    def handler(req: Req):
        return html_reply(body)

    return handler


def _page_html(chunk, current, total, column_name, record_count, variant) -> str:
    rows = "\n".join(
        f'<li id="line_{UNIT}_{index}"><a href="{escape(item.href)}" target="_blank" title="{escape(item.title)}">'
        f'{escape(item.title)}</a><span class="time">{escape(item.date)}</span></li>'
        for index, item in enumerate(chunk)
    )
    pager = (
        _pb_sys_pager(current, total, column_name, record_count)
        if variant == "pb_sys"
        else _fanye_pager(current, total, column_name, record_count)
    )
    main = f"""<div class="list">
<ul>
{rows}
</ul>
</div>
<div class="page">{pager}</div>"""
    head = '<META Name="keywords" Content="政府信息公开年报"><script type="text/javascript" src="/system/resource/js/counter.js"></script>'
    return page("政府信息公开年报", main, head=head)


def _link(number: int, total: int, current: int, column_name: str, text: str, css: str) -> str:
    href = page_href(number, total, current, column_name)
    return f'<span class="{css}"><a href="{href}">{text}</a></span>'


def _pb_sys_pager(current: int, total: int, column_name: str, record_count: int) -> str:
    parts = ['<link rel="stylesheet" href="/system/resource/css/pagedown/sys.css">']
    parts.append(
        '<div class="pb_sys_common pb_sys_normal pb_sys_style1" style="margin-top:10px;text-align:center;">'
    )
    parts.append(f'<span class="p_t">共{record_count}条</span> <span class="p_pages">')
    if current == 1:
        parts.append(
            '<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>'
        )
    else:
        parts.append(_link(1, total, current, column_name, "首页", "p_first p_fun"))
        parts.append(_link(current - 1, total, current, column_name, "上页", "p_prev p_fun"))
    # VSB shows a window of page numbers around the current one, then "..." and the last.
    window = sorted({1, total} | set(range(max(1, current - 2), min(total, current + 2) + 1)))
    previous = 0
    for number in window:
        if number - previous > 1:
            parts.append('<span class="p_dot">...</span>')
        if number == current:
            parts.append(f'<span class="p_no_d">{number}</span>')
        else:
            parts.append(_link(number, total, current, column_name, str(number), "p_no"))
        previous = number
    if current == total:
        parts.append(
            '<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>'
        )
    else:
        parts.append(_link(current + 1, total, current, column_name, "下页", "p_next p_fun"))
        parts.append(_link(total, total, current, column_name, "尾页", "p_last p_fun"))
    parts.append(
        f'</span> <span class="p_t">共{total}页</span> <span class="p_t">到第</span><span class="p_goto">'
    )
    parts.append('<script language="javascript" src="/system/resource/js/gotopage.js"></script>')
    parts.append(
        f'<input type="text" class="p_goto_input" maxlength="10" id="{UNIT}_goto" '
        f'onkeydown="if(event.keyCode==13){{_simple_list_gotopage_fun({total},&quot;{UNIT}_goto&quot;,2)}}"></span>'
    )
    parts.append(
        f'<span class="p_t">页</span> <span class="p_goto"><a href="javascript:;" '
        f'onclick="_simple_list_gotopage_fun({total},&quot;{UNIT}_goto&quot;,2)">跳转</a></span></div>'
    )
    return "".join(parts)


def _fanye_pager(current: int, total: int, column_name: str, record_count: int) -> str:
    def word(number: int, text: str, enabled: bool) -> str:
        if not enabled:
            return f'<span class="PrevDisabled">{text}</span>&nbsp;'
        return f'<a href="{page_href(number, total, current, column_name)}" class="Next">{text}</a>&nbsp;'

    controls = (
        word(1, "首页", current > 1)
        + word(current - 1, "上页", current > 1)
        + word(current + 1, "下页", current < total)
        + word(total, "尾页", current < total)
    )
    return f"""<script language="javascript" src="/system/resource/js/gotopage.js"></script>
<script type="text/javascript">function a43248_gopage_fun(){{_simple_list_gotopage_fun({total},'a43248GOPAGE',2)}}</script>
<table cellspacing="0" cellpadding="0" border="0"><tr><td colspan="0">
<table cellspacing="0" class="headStyle4cb83oav5v" width="100%" cellpadding="1"><tr valign="middle">
<td nowrap align="left" width="1%" id="fanye43248">共{record_count}条&nbsp;&nbsp;{current}/{total}&nbsp;</td>
<td nowrap align="left"><div>{controls}
<input align="absmiddle" type="button" class="defaultButtonStyle" id="gotopagebut" name="a43248Find" value="转到" onclick="javascript:a43248_gopage_fun()">
<input size="2" align="absmiddle" type="text" name="a43248GOPAGE" id="a43248GOPAGE" class="defaultInputStyle">页</div></td>
</tr></table></td></tr></table>"""
