"""Browser-only imitation sites whose pages are filled in by script: 临朐县's report list written
from a JSON API, and 诸城市's hundred report pages, each pinging a hit counter, listed with
``render=always`` for the long-crawl memory check."""

from __future__ import annotations

import json

from imitation.browser_pages import Site, list_html, page_html, report_html, static
from imitation.model import Reply, Routes, html_reply

# -- 临朐县: a list filled by a script from JSON --------------------------------------------


def linqu_site() -> tuple[Site, Routes]:
    site = Site("www.linqu.gov.cn", "临朐县人民政府", "370724", "/xxgk/ndbg/")
    agencies = ("临朐县人民政府办公室", "临朐县卫生健康局", "临朐县教育局")
    reports = [
        (
            f"/xxgk/ndbg/202201/t2022012{i}_{6016700 + i}.html",
            f"{a}2021年政府信息公开工作年度报告",
        )
        for i, a in enumerate(agencies)
    ]
    site.report_paths = [path for path, _ in reports]
    script = """<script>
(function () {
  var xhr = new XMLHttpRequest();
  xhr.open('GET', '/api/ndbg/list?page=1&size=15');
  xhr.onload = function () {
var answer = JSON.parse(xhr.responseText), html = '';
for (var i = 0; i < answer.rows.length; i++) {
  var row = answer.rows[i];
  html += '<li><a href="' + row.u + '" title="' + row.t + '">' + row.t + '</a><span>' + row.d + '</span></li>';
}
document.getElementById('reportList').innerHTML = html;
  };
  xhr.send();
})();
</script>"""
    column = page_html(
        "政府信息公开年报_临朐县人民政府",
        '<h2 class="column-title">政府信息公开年报</h2><ul id="reportList" class="news-list"></ul>'
        '<div class="page" id="pager"></div>',
        scripts=script,
    )
    rows = {
        "code": 0,
        "total": len(reports),
        "rows": [{"t": t, "u": p, "d": "2022-01-20"} for p, t in reports],
    }
    routes: Routes = {
        ("GET", "/robots.txt"): lambda req: Reply(
            headers=[("Content-Type", "text/plain")], body=b"User-agent: *\nDisallow:\n"
        ),
        ("GET", "/xxgk/ndbg/index.html"): lambda req: html_reply(column),
        ("GET", "/api/ndbg/list"): lambda req: Reply(
            headers=[("Content-Type", "application/json;charset=UTF-8")],
            body=json.dumps(rows, ensure_ascii=False).encode("utf-8"),
            chunked=True,
        ),
    }
    for path, title in reports:
        routes[("GET", path)] = static(html_reply(report_html(title)))
    return site, routes


# -- 诸城市: many pages, all rendered (the memory check) ------------------------------------


def zhucheng_site(count: int) -> tuple[Site, Routes]:
    site = Site(
        "www.zhucheng.gov.cn",
        "诸城市人民政府",
        "370782",
        "/xxgk/ndbg/index.html",
        render="always",
    )
    agencies = (
        "卫生健康局",
        "教育局",
        "民政局",
        "财政局",
        "司法局",
        "交通运输局",
        "水利局",
        "商务局",
        "文化和旅游局",
        "应急管理局",
    )
    hits = (
        "<script>fetch('/api/hits?id=' + location.pathname.length).then(function (r) { return r.json(); })"
        ".then(function (d) { document.getElementById('hits').textContent = d.hits; });</script>"
    )
    items = []
    routes: Routes = {
        ("GET", "/robots.txt"): lambda req: Reply(
            headers=[("Content-Type", "text/plain")], body=b"User-agent: *\n"
        ),
        ("GET", "/api/hits"): lambda req: Reply(
            headers=[("Content-Type", "application/json")], body=b'{"hits": 42}'
        ),
    }
    for n in range(count):
        agency = f"诸城市{agencies[n % len(agencies)]}"
        title = f"{agency}{2021 - n // len(agencies)}年政府信息公开工作年度报告"
        path = f"/xxgk/ndbg/{n:03d}.html"
        items.append((path, title))
        routes[("GET", path)] = static(
            html_reply(report_html(title, scripts='<span id="hits"></span>' + hits))
        )
        site.report_paths.append(path)
    column = list_html("政府信息公开年报_诸城市人民政府", items)
    routes[("GET", site.start_path)] = lambda req: html_reply(column)
    return site, routes
