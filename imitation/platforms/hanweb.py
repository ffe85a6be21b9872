"""An imitation of a Hanweb (大汉) JCMS column: a datastore island plus jpage's POST proxy.

The column page carries the first ``per_page * GROUP_SIZE`` records in
``<script type="text/xml"><datastore>…</datastore></script>`` and a jpage call with
``totalRecord``, ``perPage``, ``groupSize``, ``proxyUrl`` and ``var param_<unitid> = {…}``.
The rest comes only from ``POST /module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…``
with the param fields as a form, answered with the same datastore XML. The proxy is shared by
all columns of a site (see ``endpoints.merge_routes``).
"""

from __future__ import annotations

import re
import zlib
from html import escape
from urllib.parse import quote

from imitation.model import ListItem, Reply, Req, Routes, html_reply
from imitation.platforms.chrome import SITE_NAME, page
from imitation.platforms.endpoints import SharedEndpoint

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
GROUP_SIZE = 3
WEBID = "1"
REQUIRED_FIELDS = (
    "col",
    "appid",
    "webid",
    "path",
    "columnid",
    "sourceContentType",
    "unitid",
    "webname",
    "permissiontype",
)


def list_pages(column_path: str, items: list[ListItem], per_page: int = 5) -> Routes:
    """The column page at ``column_path`` and the dataproxy endpoint answering for it."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    column_id = column_id_of(column_path)
    unit_id = str(10000 + zlib.crc32(column_path.encode("utf-8")) % 90000)
    body = _column_page(items, per_page, column_id, unit_id)

    def column_page(req: Req) -> Reply:
        return html_reply(body)

    def data_proxy(req: Req) -> Reply:
        return _answer(req, items, column_id, unit_id)

    return {
        ("GET", column_path): column_page,
        ("POST", PROXY_PATH): SharedEndpoint("columnid", {column_id: data_proxy}),
    }


def column_id_of(column_path: str) -> str:
    """JCMS names columns ``/col/col4655/index.html``; other paths get a stable made-up id."""
    found = re.search(r"/col(\d+)/", column_path)
    return found.group(1) if found else str(zlib.crc32(column_path.encode("utf-8")) % 1_000_000)


def record_xml(item: ListItem) -> str:
    return (
        "<record><![CDATA[\n"
        f'<li class="list-item"><a href="{escape(item.href)}" title="{escape(item.title)}" target="_blank">{escape(item.title)}</a>'
        f'<span class="bt-data-time">{escape(item.date)}</span></li>\n'
        "]]></record>"
    )


def _column_page(items: list[ListItem], per_page: int, column_id: str, unit_id: str) -> str:
    first_group = items[: per_page * GROUP_SIZE]
    next_group = (
        f"{PROXY_PATH}?page=1&appid=1&webid={WEBID}&path=/&columnid={column_id}&unitid={unit_id}"
        f"&webname={quote(SITE_NAME)}&permissiontype=0"
    )
    records = "\n".join(record_xml(item) for item in first_group)
    island = (
        f'<div id="{unit_id}"><script type="text/xml"><datastore>\n'
        f'<nextgroup><![CDATA[<a href="{next_group}"></a>]]></nextgroup>\n'
        f"<recordset>\n{records}\n</recordset>\n</datastore></script></div>"
    )
    scripts = f"""<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>
var param_{unit_id} = {{col:1,appid:1,webid:{WEBID},path:'/',columnid:{column_id},sourceContentType:1,unitid:'{unit_id}',webname:'{SITE_NAME}',permissiontype:0}};
$(document).ready(function(){{
  $('#{unit_id}').jpage({{
    dataBefore: '<ul class="list">', dataAfter: '</ul>',
    perPage: {per_page}, totalRecord: {len(items)}, groupSize: {GROUP_SIZE},
    proxyUrl: '{PROXY_PATH}', ajaxParam: param_{unit_id},
    barPosition: 'bottom', showMode: 'full', pageInfo: '共{{totalrecord}}条 {{currentpage}}/{{totalpage}}页'
  }});
}});
</script>"""
    main = f'<div class="zfxxgk-list">{island}</div>'
    return page(
        "政府信息公开年报",
        main,
        scripts=scripts,
        head='<meta name="Maketime" content="2021-01-22 10:00:00">',
    )


def _answer(req: Req, items: list[ListItem], column_id: str, unit_id: str) -> Reply:
    fields = req.args
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing or fields.get("unitid") != unit_id:
        # The real proxy answers a request it cannot place with an empty datastore.
        return _xml_reply(
            "<datastore><totalrecord>0</totalrecord><recordset></recordset></datastore>"
        )
    try:
        start = int(fields["startrecord"])
        end = int(fields["endrecord"])
        per_page = int(fields.get("perpage") or 15)
    except (KeyError, ValueError):
        return Reply(
            status=400,
            reason="Bad Request",
            headers=[("Content-Type", "text/plain")],
            body=b"startrecord/endrecord missing",
        )
    chosen = items[max(start, 1) - 1 : end]
    total_pages = -(-len(items) // per_page)
    records = "\n".join(record_xml(item) for item in chosen)
    return _xml_reply(
        f"<datastore>\n<totalrecord>{len(items)}</totalrecord>\n<totalpage>{total_pages}</totalpage>\n"
        f"<recordset>\n{records}\n</recordset>\n</datastore>"
    )


def _xml_reply(xml: str) -> Reply:
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml).encode("utf-8")
    return Reply(headers=[("Content-Type", "text/xml;charset=UTF-8")], body=body)
