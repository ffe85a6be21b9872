"""Hanweb JCMS columns: a datastore island (or none) and jpage's POST proxy, configured four ways —
bare-key jpage options with ``var param_…``, options written as JSON, options without any total
(the proxy's answers carry none either), no island at all, and an island whose ``<nextgroup>``
link is all there is (no jpage options in the page; the proxy's answers carry the total)."""

from __future__ import annotations

import json
import random

from imitation.model import Reply, Req
from imitation.variants.common import Column, Item, Style, file_name, frame

name = "hanweb"
TEMPLATES = ("jpage", "json", "no_total", "no_island", "nextgroup_only")
PROXY = "/module/web/jpage/dataproxy.jsp"


def build(
    rng: random.Random, style: Style, site_name: str, items: list[Item], column: str
) -> Column:
    template = rng.choice(TEMPLATES)
    column_id = rng.randint(1000, 99999)
    unit_id = rng.randint(10000, 99999)
    per_page = rng.randint(2, 5)
    group = rng.randint(1, 3)
    for number, item in enumerate(items):
        item.href = f"/art/{item.year}/{item.month}/{item.day}/art_{column_id}_{5000 + number}.html"
        if item.is_report and rng.random() < 0.5:
            item.attachments = [
                f"/module/download/downfile.jsp?classid=0&filename={file_name(rng, 'a')}"
            ]
    first = items[: per_page * group] if template != "no_island" else []
    fields = {
        "col": 1,
        "appid": 1,
        "webid": rng.randint(1, 40),
        "path": "/",
        "columnid": column_id,
        "sourceContentType": 1,
        "unitid": unit_id,
        "webname": site_name,
        "permissiontype": 0,
    }
    island = ""
    if template != "no_island":
        records = "".join(_record(style, item) for item in first)
        next_group = ""
        if template == "nextgroup_only":
            query = "&".join(f"{k}={v}" for k, v in fields.items() if k not in ("col",))
            next_group = f'<nextgroup><![CDATA[<a href="{PROXY}?page=1&{query}"></a>]]></nextgroup>'
        island = (
            f'<div id="{unit_id}"><script type="text/xml"><datastore>{next_group}'
            f"<recordset>{records}</recordset></datastore></script></div>"
        )
    html = frame(
        site_name,
        style,
        column,
        island,
        scripts=_scripts(template, fields, items, per_page, group, unit_id),
        column=column,
    )
    path = f"/col/col{column_id}/index.html"
    routes = {
        ("GET", path): lambda req, reply=style.reply(html): reply,
        ("POST", PROXY): _Proxy(style, items, column_id, with_total=template != "no_total"),
        ("GET", "/module/download/downfile.jsp"): lambda req: Reply(
            headers=[("Content-Type", "application/pdf")], body=b"%PDF-1.4\n%%EOF\n"
        ),
    }
    return Column(
        routes, path if rng.random() < 0.6 else f"/col/col{column_id}/", f"{name}:{template}"
    )


def _record(style: Style, item: Item) -> str:
    return (
        f"<record><![CDATA[<li>{style.anchor(item.href, item.title)}"
        f"<span>{style.date(item.year, item.month, item.day)}</span></li>]]></record>"
    )


def _scripts(
    template: str, fields: dict, items: list[Item], per_page: int, group: int, unit_id: int
) -> str:
    if template == "nextgroup_only":
        return ""
    total = len(items)
    bare = ",".join(f"{k}:{v}" if isinstance(v, int) else f"{k}:'{v}'" for k, v in fields.items())
    if template == "json":
        options = {
            "url": PROXY,
            "totalRecord": total,
            "perPage": per_page,
            "groupSize": group,
            "params": fields,
        }
        return f"<script>jpageInit({json.dumps(options, ensure_ascii=False)});</script>"
    if template == "no_island":
        return (
            f"<script>var param_{unit_id} = {{{bare}}};\n"
            f'$(\'#{unit_id}\').jpage({{"totalRecord": "{total}", "perPage": {per_page}, '
            f'"groupSize": {group}, "proxyUrl": "{PROXY}", "ajaxParam": param_{unit_id}}});</script>'
        )
    total_option = "" if template == "no_total" else f"totalRecord:{total},"
    return f"""<script>
var param_{unit_id} = {{{bare}}};
$(document).ready(function(){{
  $('#{unit_id}').jpage({{ dataBefore:'<ul>', dataAfter:'</ul>', {total_option}
    perPage:{per_page}, /* 每页 */ groupSize:{group}, proxyUrl:'{PROXY}', ajaxParam:param_{unit_id} }});
}});
</script>"""


class _Proxy:
    """dataproxy.jsp: the records ``startrecord…endrecord`` of the column named by the form."""

    def __init__(self, style: Style, items: list[Item], column_id: int, *, with_total: bool):
        self.style, self.items, self.column_id, self.with_total = (
            style,
            items,
            column_id,
            with_total,
        )

    def __call__(self, req: Req) -> Reply:
        fields = req.args
        if fields.get("columnid") != str(self.column_id):
            return _xml("<datastore><recordset></recordset></datastore>")
        try:
            start, end = int(fields["startrecord"]), int(fields["endrecord"])
        except (KeyError, ValueError):
            return Reply(status=400, reason="Bad Request", body=b"startrecord/endrecord")
        chosen = self.items[max(start, 1) - 1 : end]
        total = f"<totalrecord>{len(self.items)}</totalrecord>" if self.with_total else ""
        records = "".join(_record(self.style, item) for item in chosen)
        return _xml(f"<datastore>{total}<recordset>{records}</recordset></datastore>")


def _xml(text: str) -> Reply:
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")
    return Reply(headers=[("Content-Type", "text/xml;charset=UTF-8")], body=body)
