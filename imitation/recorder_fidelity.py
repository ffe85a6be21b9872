"""For the browser recorder's own tests: answers whose bytes are easy to get wrong — chunked and
gzip-coded JSON, odd header spacing and case, repeated Set-Cookie, a 204."""

from __future__ import annotations

import json

from imitation.model import Reply, Routes

FIDELITY_HOST = "www.weifang.gov.cn"


def fidelity_routes() -> Routes:
    """Chunked and gzip-coded JSON, odd header spacing and case, repeated Set-Cookie, a 204."""
    listing = json.dumps(
        {"rows": [{"t": "潍坊市2021年政府信息公开工作年度报告", "u": "/a.html"}]},
        ensure_ascii=False,
    ).encode("utf-8")
    return {
        ("GET", "/api/list.json"): lambda req: Reply(
            headers=[
                ("Content-Type", "application/json;charset=UTF-8"),
                ("Vary", "Accept-Encoding"),
            ],
            body=listing * 20,
            chunked=True,
            gzip=True,
        ),
        ("GET", "/page.html"): lambda req: Reply(
            reason="Okay",
            headers=[
                ("content-type", "text/html;charset=GBK"),
                ("X-Spacing", "  kept "),
                ("Set-Cookie", "a=1; Path=/"),
                ("Set-Cookie", "b=2; Path=/"),
            ],
            body="<html><title>潍坊</title></html>".encode("gbk"),
        ),
        ("POST", "/api/search"): lambda req: Reply(
            headers=[("Content-Type", "application/json")], body=b'{"echo": %d}' % len(req.body)
        ),
        ("GET", "/nothing"): lambda req: Reply(status=204, reason="No Content"),
    }
