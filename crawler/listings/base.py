"""The shapes every list-page parser shares, and the small helpers they all need.

A parser is a pure function of one response: it never fetches anything and keeps no state
between pages. It returns the links it saw and the further pages of the same list as
``scrapy.Request`` objects without a callback; the spider decides what to do with both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urldefrag, urljoin

import scrapy
from parsel import Selector
from scrapy.http import HtmlResponse, JsonResponse, TextResponse, XmlResponse
from scrapy.utils.response import get_base_url

from .scripts import string_literals

# No list of annual reports runs to hundreds of pages; a bigger number means the page lied
# about its size (or a parser misread it), and the cap keeps one bad page from flooding the
# scheduler.
MAX_PAGES = 200

# Hrefs that never lead to another document.
_NOT_DOCUMENTS = ("javascript:", "mailto:", "tel:", "data:", "#")

_SPACE = re.compile(r"\s+")
# An ``<a>`` whose href is whole in one string literal (not glued to a variable).
_WHOLE_ANCHOR = re.compile(r"""<a\b[^>]*\bhref\s*=\s*(["']?)[^"'+\s>]+\1[^>]*>""", re.I)
_ELLIPSIS = ("…", "...", "..")
_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)"
)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    date: str | None = None


@dataclass
class Listing:
    links: list[Link] = field(default_factory=list)
    pages: list[scrapy.Request] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    # Guesses at the next page (the next url of the list's url family, the next jpage group
    # when no total is known): followed only while each answer brings links not seen before.
    probes: list[scrapy.Request] = field(default_factory=list)
    # How many pages the list says it has (its pager, its record count), when it says so.
    announced_pages: int | None = None


class ListingParser(Protocol):
    name: str

    def matches(self, response: TextResponse) -> bool: ...

    def parse(self, response: TextResponse) -> Listing: ...


def collapse(text: str | None) -> str:
    """Whitespace runs (including full-width spaces and &nbsp;) become one space."""
    return _SPACE.sub(" ", (text or "").replace("\u3000", " ").replace("\xa0", " ")).strip()


def iso_date(text: str | None) -> str | None:
    """The first date printed in ``text`` as ``YYYY-MM-DD``, or None.

    Lists print dates as 2021-01-22, 2021/1/22, 2021.01.22 or 2021年1月22日, often in brackets.
    """
    match = _DATE.search(text or "")
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def absolute_url(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base`` without its fragment; None for non-document hrefs."""
    href = (href or "").strip()
    if not href or href.lower().startswith(_NOT_DOCUMENTS):
        return None
    url = urldefrag(urljoin(base, href))[0]
    return url if url.startswith(("http://", "https://")) else None


def links_in(selector: Selector, base: str, anchors_xpath: str = "//a[@href]") -> list[Link]:
    """Every document link under ``selector`` in page order, one per url."""
    links = []
    rows = _RowDates()  # a menu's row holds dozens of anchors: read it once, not once for each
    for element in anchor_elements(selector, anchors_xpath):
        url = absolute_url(base, element.get("href"))
        if url:
            text = element_text(element)
            links.append(
                Link(url=url, text=anchor_text(element, text), date=rows.date(element, text))
            )
    return unique_links(links)


def anchor_elements(selector, query: str = "//a[@href]") -> list:
    """The lxml elements ``query`` selects: what ``selector.xpath(query)`` holds, without a
    Selector made around each (a page's hundred-odd anchors, on every page)."""
    return [node for node in _tree(selector).xpath(query) if hasattr(node, "tag")]


def _tree(selector):
    """The lxml tree of a response (its selector's) or of a selector."""
    return getattr(selector, "selector", selector).root


# What an item's date is read from: its row, nearest first, up to three of them.
_ROW_TAGS = frozenset(("li", "tr", "dl", "dd", "dt", "p", "div"))


def element_text(element) -> str:
    """An lxml element's text nodes, joined (parsel would wrap each in a Selector first)."""
    return " ".join(element.xpath(".//text()"))


def anchor_text(element, texts: str) -> str:
    """Visible text of an ``<a>`` (``texts``: its element_text); its title when the text is cut
    short with an ellipsis."""
    text = collapse(texts)
    title = collapse(element.get("title"))
    if title and (not text or text.endswith(_ELLIPSIS)):
        return title
    return text


class _RowDates:
    """The date printed beside an item: in its row (li/tr/dl/dd/p/div) when the row holds only
    it — a row with several links is a menu or a pager, whose dates belong to nobody in
    particular — else in the item's own text. Each row's verdict is worked out once."""

    def __init__(self):
        self.rows: dict = {}

    def date(self, anchor, texts: str) -> str | None:
        rows = [row for row in anchor.iterancestors() if row.tag in _ROW_TAGS][:3]
        for row in rows:
            several_links, found = self._row(row)
            if several_links:
                break
            if found:
                return found
        return iso_date(texts)

    def _row(self, row) -> tuple[bool, str | None]:
        verdict = self.rows.get(row)
        if verdict is None:
            anchors = (a for a in row.iter("a") if a.get("href") is not None)
            several = next(anchors, None) is not None and next(anchors, None) is not None
            verdict = self.rows[row] = (several, None if several else iso_date(element_text(row)))
        return verdict


def unique_links(links: Iterable[Link]) -> list[Link]:
    """First occurrence of each url kept in place, filled in with text/date a later one has."""
    by_url: dict[str, Link] = {}
    for link in links:
        kept = by_url.get(link.url)
        if kept is None:
            by_url[link.url] = link
        elif (not kept.text and link.text) or (kept.date is None and link.date):
            by_url[link.url] = Link(kept.url, kept.text or link.text, kept.date or link.date)
    return list(by_url.values())


def request_key(request: scrapy.Request) -> tuple[str, str, bytes]:
    return (request.method, request.url, request.body)


def unique_requests(
    requests: Iterable[scrapy.Request], limit: int = MAX_PAGES
) -> list[scrapy.Request]:
    """Requests in order, each (method, url, body) once, at most ``limit`` of them."""
    seen: set[tuple[str, str, bytes]] = set()
    kept = []
    for request in requests:
        key = request_key(request)
        if key in seen:
            continue
        seen.add(key)
        kept.append(request)
        if len(kept) >= limit:
            break
    return kept


def page_request(url: str, platform: str, **kwargs) -> scrapy.Request:
    """A GET for a further page of a list, tagged with the platform that asked for it."""
    return scrapy.Request(url, meta={"listing_platform": platform}, **kwargs)


def without_self(
    requests: Iterable[scrapy.Request], response: TextResponse
) -> list[scrapy.Request]:
    """Drop requests for the very page being parsed (same method, url and body)."""
    own = (
        (response.request.method, response.request.url, response.request.body)
        if response.request
        else None
    )
    current = urldefrag(response.url)[0]
    return [
        request
        for request in requests
        if request_key(request) != own and not (request.method == "GET" and request.url == current)
    ]


def script_links(response: TextResponse) -> list[Link]:
    """Links written by inline scripts: ``<a href=…>`` inside their string literals.

    TRS pages write attachments as ``var hasFJ='<a href="./P0….pdf">附件1</a>';
    document.write(hasFJ)``; pagers and menus are written the same way. Literals glued to a
    variable (``"index_" + nextPage``) hold no whole ``<a>`` and give nothing.
    """
    base = response.url
    links = []
    for script in script_texts(response):
        if "<a" not in script and "<A" not in script:
            continue
        for literal in string_literals(script):
            if _WHOLE_ANCHOR.search(literal):
                links += links_in(Selector(text=f"<div>{literal}</div>"), base)
    return unique_links(links)


def frame_links(response: TextResponse) -> list[Link]:
    """The documents a page shows in ``<iframe>``/``<frame>`` elements, named by the page.

    Some CMSs show an article's body in a frame: the frame is that article, so it takes the
    page's heading (or title) as its link text, and is rated like a link to the article.
    """
    sources = response.xpath("//iframe/@src | //frame/@src").getall()
    if not sources:
        return []
    heading = collapse(" ".join(response.xpath("(//h1)[1]//text()").getall()))
    title = collapse((response.xpath("//title/text()").get() or "").split("_")[0])
    base = get_base_url(response)
    return [
        Link(url=url, text=heading or title)
        for url in (absolute_url(base, source) for source in sources)
        if url
    ]


def page_links(response: TextResponse) -> list[Link]:
    """Every document link of an HTML page: its ``<a>`` elements, those its scripts write, and
    its frames."""
    if not is_html(response):
        return []
    return unique_links(
        links_in(response, get_base_url(response)) + script_links(response) + frame_links(response)
    )


def meta_of(response: TextResponse) -> dict:
    """The response's request meta; empty for a response built without a request."""
    try:
        return response.meta
    except AttributeError:
        return {}


def script_texts(response: TextResponse) -> list[str]:
    """Inline script bodies of an HTML page (empty for non-HTML responses)."""
    if not is_html(response):
        return []
    return xpath_texts(response, "//script[not(@src)]/text()")


def xpath_texts(response: TextResponse, query: str) -> list[str]:
    """The strings ``query`` selects in an HTML page, as ``response.xpath(query).getall()``
    gives them, without first wrapping each (every text node of a page) in a Selector."""
    return [str(text) for text in _tree(response).xpath(query)]


def is_html(response: TextResponse) -> bool:
    """Whether the body is markup rather than JSON, JavaScript or plain text."""
    if isinstance(response, HtmlResponse):
        return True
    if isinstance(response, (XmlResponse, JsonResponse)):
        return False
    head = response.text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head
