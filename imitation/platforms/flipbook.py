"""An imitation of a FlipHTML5/FlipBuilder flip-book and its text-only pages.

Under the book's directory: ``index.html`` (desktop) and ``mobile/index.html`` load
``javascript/config.js``, where the page count is (``bookConfig.totalPageCount=12``); the text
version is ``files/basic-html/page1.html … pageN.html``, each with the book's pager.
"""

from __future__ import annotations

from html import escape

from imitation.model import Reply, Req, Routes, html_reply

BOOK_TITLE = "2021年政府信息公开工作年度报告"


def book_pages(book_path: str, page_texts: list[str]) -> Routes:
    """The flip-book at ``book_path`` (its directory, or its ``index.html``) with one text per page."""
    if not page_texts:
        raise ValueError("a flip-book needs at least one page")
    root = book_path.removesuffix("index.html")
    if root.endswith("/mobile/"):
        root = root.removesuffix("mobile/")
    if not root.endswith("/"):
        root += "/"
    count = len(page_texts)
    config = _config_js(count)
    routes: Routes = {
        ("GET", f"{root}index.html"): _html(_entry_page(mobile=False)),
        ("GET", f"{root}mobile/index.html"): _html(_entry_page(mobile=True)),
        ("GET", f"{root}javascript/config.js"): _script(config),
        ("GET", f"{root}mobile/javascript/config.js"): _script(config),
    }
    for number, text in enumerate(page_texts, start=1):
        routes[("GET", f"{root}files/basic-html/page{number}.html")] = _html(
            _text_page(number, count, text)
        )
    return routes


def _html(body: str):
    def handler(req: Req) -> Reply:
        return html_reply(body)

    return handler


def _script(body: str):
    def handler(req: Req) -> Reply:
        return Reply(
            headers=[("Content-Type", "application/javascript")], body=body.encode("utf-8")
        )

    return handler


def _config_js(count: int) -> str:
    return (
        'var bookConfig = {appName:"flippdf",largePageWidth:1190,largePageHeight:1684,'
        'normalPath:"files/page/",largePath:"files/large/",thumbPath:"files/thumb/",'
        'BookTemplateName:"metro",FlipStyle:"flip",flipshortcutbutton:"Show",searchPositionJS:"javascript/text_position[1].js"};\n'
        f'bookConfig.BookTitle="{BOOK_TITLE}";\n'
        f"bookConfig.totalPageCount={count};\n"
        'bookConfig.CreatedTime="210122100000";\n'
    )


def _entry_page(mobile: bool) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0, user-scalable=no">
<title>{BOOK_TITLE}</title>
<meta name="keywords" content="{BOOK_TITLE}">
<link rel="stylesheet" href="style/style.css">
<script src="javascript/jquery-1.9.1.min.js"></script>
<script src="javascript/config.js"></script>
<script src="javascript/LoadingJS.js"></script>
<script src="javascript/main.js"></script>
</head>
<body>
<script>
  var sendvisitinfo = function(){{}};
  if(language && language.length>0) {{ setLanguage(language); }}
  originTotalPageCount = bookConfig.totalPageCount;
</script>
<div id="loadingBar"><div class="loadingText">Loading...</div></div>
<noscript><a href="{"../" if mobile else ""}files/basic-html/page1.html">Basic HTML Version</a></noscript>
</body></html>
"""


def _text_page(number: int, count: int, text: str) -> str:
    def link(target: int, label: str) -> str:
        return f'<a href="page{target}.html">{label}</a>'

    pager = []
    if number > 1:
        pager += [link(1, "First Page"), link(number - 1, "Previous Page")]
    pager += [
        f"<span>{number}</span>" if n == number else link(n, str(n))
        for n in range(max(1, number - 2), min(count, number + 2) + 1)
    ]
    if number < count:
        pager += [link(number + 1, "Next Page"), link(count, "Last Page")]
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{BOOK_TITLE} P{number}</title>
<meta name="description" content="{escape(text[:80])}">
<link rel="stylesheet" href="./style/style.css"></head>
<body>
<div class="mainContainer">
<div class="topBar"><a href="../../index.html">Home</a> <a href="../../mobile/index.html">Mobile</a></div>
<div class="pageNav">{" ".join(pager)}</div>
<div class="content"><div class="pageNumber">P. {number}</div>{paragraphs}</div>
<div class="bottomBar"><div class="pageNav">{" ".join(pager)}</div></div>
</div>
</body></html>
"""
