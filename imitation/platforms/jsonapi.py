"""An imitation of a jpaas (provincial 集约化 platform) column: an empty container plus a JSON API.

The column page holds a container whose ``url``/``queryData`` attributes name the endpoint;
the page's script GETs ``/api-gateway/jpaas-publish-server/front/page/build/unit?webId=…&pageId=…
&parseType=bulidstatic&pageType=column&tagId=…&tplSetId=…&editType=null`` for the first page and
adds ``&paramJson={"pageNo":N,"pageSize":"15"}`` for the others. The answer is
``{"success":true,"code":"200","data":{"html":"…"}}``: the items as an HTML fragment and a
``<div class="pagination" rows=… count=…>`` with the page size and the record count. The
endpoint is shared by all columns of a site, told apart by ``pageId``.
"""

from __future__ import annotations

import json
import re
import zlib
from html import escape

from imitation.model import ListItem, Reply, Req, Routes, html_reply
from imitation.platforms.chrome import page
from imitation.platforms.endpoints import SharedEndpoint

API_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
WEB_ID = "3176"
TPL_SET_ID = "0ZBvCXCKwwIstYiI5LRg9"
TAG_ID = "当前栏目列表1a"
QUERY_FIELDS = ("webId", "pageId", "parseType", "pageType", "tagId", "tplSetId", "editType")


def list_pages(column_path: str, items: list[ListItem], per_page: int = 5) -> Routes:
    """The column page at ``column_path`` and the API endpoint answering for it."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    page_id = page_id_of(column_path)
    body = _column_page(page_id)

    def column_page(req: Req) -> Reply:
        return html_reply(body)

    def api(req: Req) -> Reply:
        return _answer(req, items, per_page)

    return {
        ("GET", column_path): column_page,
        ("GET", API_PATH): SharedEndpoint("pageId", {page_id: api}),
    }


def page_id_of(column_path: str) -> str:
    """jpaas column pages are ``/col/col1229292680/index.html``; pageId is that number."""
    found = re.search(r"/col(\d+)/", column_path)
    return (
        found.group(1)
        if found
        else str(1229000000 + zlib.crc32(column_path.encode("utf-8")) % 1_000_000)
    )


def _column_page(page_id: str) -> str:
    query = {
        "webId": WEB_ID,
        "pageId": page_id,
        "parseType": "bulidstatic",
        "pageType": "column",
        "tagId": TAG_ID,
        "tplSetId": TPL_SET_ID,
        "editType": "null",
    }
    query_data = "{" + ",".join(f"'{key}':'{value}'" for key, value in query.items()) + "}"
    main = f"""<div class="zfxxgk-list">
<div id="{TAG_ID}" class="jpaas-list" url="{API_PATH}" queryData="{escape(query_data, quote=False)}">
<div class="loading">正在加载…</div>
</div>
</div>"""
    scripts = f"""<script src="/static/jpaas/js/jquery.min.js"></script>
<script src="/static/jpaas/js/AuthorizedRead.js"></script>
<script>
$(function(){{
  var box = $("#{TAG_ID}");
  AuthorizedRead.load(box, box.attr("url"), eval("(" + box.attr("queryData") + ")"));
}});
</script>"""
    return page("政府信息公开年报", main, scripts=scripts)


def _answer(req: Req, items: list[ListItem], per_page: int) -> Reply:
    args = req.args
    missing = [name for name in QUERY_FIELDS if not args.get(name)]
    if missing:
        return _json_reply(
            {
                "success": False,
                "code": "400",
                "message": f"缺少参数{','.join(missing)}",
                "data": None,
            },
            status=400,
        )
    try:
        param_json = json.loads(args["paramJson"]) if args.get("paramJson") else {}
        page_no = int(param_json.get("pageNo", 1))
        page_size = int(param_json.get("pageSize", per_page))
    except (ValueError, TypeError, AttributeError):
        return _json_reply(
            {"success": False, "code": "400", "message": "paramJson格式错误", "data": None},
            status=400,
        )
    if page_no < 1 or page_size < 1:
        return _json_reply(
            {"success": False, "code": "400", "message": "分页参数错误", "data": None}, status=400
        )
    chosen = items[(page_no - 1) * page_size : page_no * page_size]
    rows = "".join(
        f'<li class="clearfix"><a href="{escape(item.href)}" title="{escape(item.title)}" target="_blank">'
        f'{escape(item.title)}</a><span class="bt-right">{escape(item.date)}</span></li>'
        for item in chosen
    )
    html = (
        f'<div class="default_pgContainer"><ul class="page-content">{rows}</ul></div>'
        f'<div class="pagination" id="page_{escape(TAG_ID)}" pageNo="{page_no}" rows="{page_size}" count="{len(items)}">'
        f'<a href="javascript:void(0)" class="first">首页</a><a href="javascript:void(0)" class="next">下一页</a></div>'
    )
    return _json_reply(
        {"success": True, "code": "200", "message": "操作成功", "data": {"html": html}}
    )


def _json_reply(payload: dict, status: int = 200) -> Reply:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    reason = "OK" if status == 200 else "Bad Request"
    return Reply(
        status=status,
        reason=reason,
        headers=[("Content-Type", "application/json;charset=UTF-8")],
        body=body,
    )
