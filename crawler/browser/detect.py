"""Does this answer need a browser? Anti-bot challenges, and lists that scripts fill in.

Two kinds of page are useless to a plain HTTP client:

* **Challenges.** Anti-bot gateways answer the first request with a script that computes a
  cookie and loads the page again: HTTP 412 with an inline script (瑞数 / Riversecurity),
  HTTP 521 with ``document.cookie=…; location.href=…`` (加速乐 / Jiasule), and tiny pages of any
  status doing the same. Only running the script gets the real page.
* **Script-filled lists.** The list container is empty in the HTML and a script fetches the
  items (XHR/fetch/$.ajax to a JSON endpoint) or a framework app mounts into an empty root.

Both checks are plain functions of status and body, so they are cheap enough to run on every
page. Lists that a platform parser in :mod:`crawler.listings` already reads from the HTML (the
JSON APIs it knows, TRS/Hanweb/VSB script islands) are not sent to a browser.

The safety net after those cheap checks: a page that is a disclosure or 年报 column — told by
the link that led to it, its title or its breadcrumb — and that yields nothing to follow (no
report, no dated item, no further page) while it holds an empty list container or scripts, or
whose pager announces pages nobody can find, goes to the browser, whatever its scripts look
like (inline or external, jQuery, Vue, avalon ``ms-*``, plain ``fetch``). Ordinary pages — not
columns, or columns whose lists were read — never do.
"""

from __future__ import annotations

import re

from parsel import Selector
from scrapy.http import HtmlResponse, Request, Response, TextResponse

from archive.layout import CaptureKind
from archive.reader import decode_content
from crawler.listings import PLATFORM_PARSERS, parse_listing
from crawler.listings.base import meta_of
from crawler.listings.columns import page_column_kind
from nianbao.titles import TitleKind, classify_title

#: Sent when a page is handed to the browser: ``request=Request, reason=str``.
page_sent_to_browser = object()

# Challenge pages are small; anything large is a real page that happens to set a cookie.
CHALLENGE_MAX_BYTES = 64 * 1024
_SETS_COOKIE = re.compile(r"document\s*\.\s*cookie\s*=")
_NAVIGATES = re.compile(
    r"location\s*\.\s*(?:reload|replace|assign)\s*\(|location(?:\s*\.\s*href)?\s*=[^=]|"
    r"window\s*\.\s*location|setTimeout\s*\(",
)
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)

# Scripts that fetch data after the page loaded.
_DATA_LOADERS = re.compile(
    r"XMLHttpRequest|\bfetch\s*\(|\$\s*\.\s*(?:ajax|get|getJSON|post)\s*\(|\baxios\b|"
    r"\.load\s*\(\s*['\"]|jsonp|\.json\b",
    re.IGNORECASE,
)
# What list containers are called in Chinese CMS templates (列表 = lb, 文章 = wz, 信息公开 = xxgk).
_LIST_NAMES = re.compile(
    r"list|news|data|article|content|item|result|record|report|table|\blb|wz|xxgk|nb|con\b",
    re.IGNORECASE,
)
# Roots that single-page apps mount into.
_APP_ROOTS = "//*[@id='app' or @id='root' or @id='__nuxt' or @id='__next' or @id='App']"
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}\s*(?:年度|年)?(?:报告|年报)?$")
_FRAMEWORK_TEMPLATES = re.compile(r"\bv-for=|\bng-repeat=|\{\{\s*[\w.]+\s*\}\}")


def challenge_reason(status: int, body: bytes, content_encoding: str | None = None) -> str | None:
    """Why an answer looks like an anti-bot challenge only a browser can pass; None if it does not."""
    if len(body) > CHALLENGE_MAX_BYTES and not content_encoding:
        return None
    text = _text(decoded_body(body, content_encoding)[:CHALLENGE_MAX_BYTES])
    if status == 521 and _SETS_COOKIE.search(text):
        return "HTTP 521 with a cookie-setting script (加速乐-style challenge)"
    if status == 412 and _SCRIPT.search(text):
        return "HTTP 412 with an inline script (瑞数-style challenge)"
    if (
        status in (200, 202, 403, 503)
        and _SETS_COOKIE.search(text)
        and _NAVIGATES.search(text)
        and len(_visible_text(text)) < 80
    ):
        return f"HTTP {status} page that only sets a cookie and reloads (script challenge)"
    return None


def script_list_reason(response: Response, request: Request | None = None) -> str | None:
    """Why a page's list (or text) appears only after its scripts ran; None if it does not.

    ``request`` is the one the answer came for: a downloader middleware sees answers before
    Scrapy ties them to their request, and the link that led to a page helps name its column.
    """
    if response.status != 200 or not isinstance(response, HtmlResponse):
        return None
    if request is not None and response.request is None:
        response = response.replace(request=request)
    if any(parser.matches(response) for parser in PLATFORM_PARSERS):
        return None  # a platform parser reads it from the HTML (or its API) without a browser
    scripts = "\n".join(response.xpath("//script[not(@src)]/text()").getall())
    external = response.xpath("//script[@src]/@src").getall()
    return _static_reason(response, scripts, external) or _column_reason(
        response, scripts, external
    )


def _static_reason(response: HtmlResponse, scripts: str, external: list[str]) -> str | None:
    """The cheap checks: an empty container the inline scripts name, an app root, a template."""
    if _DATA_LOADERS.search(scripts) or external:
        for container in response.xpath(
            "//body//*[self::ul or self::ol or self::tbody or self::table or self::dl or self::div]"
            "[@id or @class]"
        ):
            name = _fed_container(container, scripts)
            if name:
                return f"empty list container {name} filled by a script"
    if external and response.xpath(_APP_ROOTS) and len(_body_text(response)) < 200:
        return "a JavaScript application page (empty mount point)"
    if external and _FRAMEWORK_TEMPLATES.search(response.text):
        return "a list written as a framework template (v-for / {{ }})"
    return None


def _column_reason(response: HtmlResponse, scripts: str, external: list[str]) -> str | None:
    """A disclosure or 年报 column that yields nothing to follow, or fewer pages than announced."""
    if not (scripts.strip() or external):
        return None  # no script could fill anything in
    kind = page_column_kind(response)
    if kind is None:
        return None
    listing = parse_listing(response)
    if listing.pages:
        return None  # its list goes on elsewhere; the parsers follow it (probes are mere guesses)
    followable = [link for link in listing.links if _leads_on(link, kind)]
    reports = [link for link in followable if classify_title(link.text) is TitleKind.REPORT]
    name = "年报 column" if kind == "report" else "disclosure column"
    # A further page of a list: its first page asked for the rest.
    further_page = meta_of(response).get("kind") == CaptureKind.LISTING
    if listing.announced_pages and listing.announced_pages > 1 and not further_page:
        return f"a {name} whose pager announces {listing.announced_pages} pages none can find"
    if kind == "report" and not reports and not followable:
        return f"a {name} with no report or item link in its HTML"
    if not followable and _empty_list_container(response):
        return f"a {name} whose list container is empty in the HTML"
    return None


def _leads_on(link, kind: str) -> bool:
    """A dated item, a report, or (in a 年报 column) a year's sub-column: something to follow."""
    if link.date or classify_title(link.text) is TitleKind.REPORT:
        return True
    return kind == "report" and bool(_YEAR_ONLY.match(_collapse(link.text)))


def _empty_list_container(response: HtmlResponse) -> bool:
    for container in response.xpath(
        "//body//*[self::ul or self::ol or self::tbody or self::table or self::dl or self::div]"
        "[@id or @class]"
    ):
        names = [container.attrib.get("id") or ""] + (container.attrib.get("class") or "").split()
        if not any(_LIST_NAMES.search(name) for name in names if name):
            continue
        if not container.xpath(".//a[@href]") and not _collapse(
            " ".join(container.xpath(".//text()").getall())
        ):
            return True
    return False


def _fed_container(container: Selector, scripts: str) -> str | None:
    """``#id`` or ``.class`` of an empty, list-like element that the inline scripts refer to."""
    ident = (container.attrib.get("id") or "").strip()
    classes = (container.attrib.get("class") or "").split()
    names = ([ident] if ident else []) + classes
    if not any(_LIST_NAMES.search(name) for name in names):
        return None
    if (
        container.xpath(".//a[@href]")
        or len(_collapse(" ".join(container.xpath(".//text()").getall()))) > 20
    ):
        return None
    for name in names:
        # The script must name the container: '#reportList', getElementById("reportList"), '.news-list'.
        if re.search(rf"""['"#.]{re.escape(name)}\b""", scripts):
            return f"#{name}" if name == ident else f".{name}"
    return None


def decoded_body(body: bytes, content_encoding: str | None) -> bytes:
    """The body with its content coding undone, to look at (the archive keeps it coded)."""
    try:
        return decode_content(body, content_encoding)
    except (ValueError, ImportError):
        return b""  # unreadable: not a challenge we could recognise


def _text(body: bytes) -> str:
    # Challenge scripts are ASCII; the page around them may be GBK or UTF-8. Either reads here.
    return body.decode("utf-8", "replace")


def _visible_text(html: str) -> str:
    without = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    return _collapse(re.sub(r"(?s)<[^>]+>", " ", without))


def _body_text(response: TextResponse) -> str:
    return _collapse(
        " ".join(
            response.xpath(
                "//body//text()[not(ancestor::script) and not(ancestor::style)]"
            ).getall()
        )
    )


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()
