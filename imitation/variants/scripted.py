"""年报 lists that only a script fills: the page holds an empty list element and a call such as
``loadList({channel: "ndbg", size: 50})``; the function that names the element and fetches
``/api/content/list`` lives in an external script (or, in one template, inline)."""

from __future__ import annotations

import json
import random

from imitation.model import Reply, Req
from imitation.variants.common import Column, Item, Style, file_name, frame, static

name = "scripted"
TEMPLATES = ("external_fetch", "external_xhr", "inline_fetch")
CONTAINERS = ("doc-list", "newsList", "xxgk_lb", "nbList", "contentList")

_FETCH = """function loadList(opts) {
  fetch('/api/content/list?channel=' + opts.channel + '&page=1&size=' + opts.size)
    .then(function (r) { return r.json(); })
    .then(function (d) { render(d.data.list); });
}"""
_XHR = """function loadList(opts) {
  var x = new XMLHttpRequest();
  x.open('GET', '/api/content/list?channel=' + opts.channel + '&page=1&size=' + opts.size);
  x.onload = function () { render(JSON.parse(x.responseText).data.list); };
  x.send();
}"""
_RENDER = """function render(list) {
  var box = document.getElementById('%s');
  list.forEach(function (it) {
    var li = document.createElement('li');
    li.innerHTML = '<a href="' + it.url + '">' + it.title + '</a><span>' + it.date + '</span>';
    box.appendChild(li);
  });
}"""


def build(
    rng: random.Random, style: Style, site_name: str, items: list[Item], column: str
) -> Column:
    template = rng.choice(TEMPLATES)
    container = rng.choice(CONTAINERS)
    channel = rng.choice(("ndbg", "gknb", "nb"))
    for number, item in enumerate(items):
        item.href = f"/{channel}/{item.year}/c{4000 + number}.html"
        if item.is_report and rng.random() < 0.5:
            item.attachments = [f"/files/{file_name(rng, 'f')}"]
    code = (_FETCH if "fetch" in template else _XHR) + "\n" + _RENDER % container
    call = f'<script>loadList({{channel: "{channel}", size: 50}});</script>'
    if template == "inline_fetch":
        scripts = f"<script>\n{code}\n</script>\n{call}"
    else:
        scripts = f'<script src="/static/js/list.js"></script>\n{call}'
    main = f'<ul class="{style.list_class}" id="{container}"></ul>'
    html = frame(site_name, style, column, main, scripts=scripts, column=column)
    answer = {
        "code": 0,
        "data": {
            "total": len(items),
            "list": [
                {
                    "title": it.title,
                    "url": it.href,
                    "date": f"{it.year}-{it.month:02d}-{it.day:02d}",
                }
                for it in items
            ],
        },
    }
    path = f"/{channel}/index.html"
    routes = {
        ("GET", path): static(style.reply(html)),
        ("GET", "/static/js/list.js"): static(
            Reply(headers=[("Content-Type", "application/javascript")], body=code.encode())
        ),
        ("GET", "/api/content/list"): lambda req: _api(req, channel, answer),
    }
    return Column(routes, path, f"{name}:{template}")


def _api(req: Req, channel: str, answer: dict) -> Reply:
    if req.args.get("channel") != channel:
        return Reply(status=404, reason="Not Found", body=b"{}")
    body = json.dumps(answer, ensure_ascii=False).encode("utf-8")
    return Reply(headers=[("Content-Type", "application/json;charset=UTF-8")], body=body)
