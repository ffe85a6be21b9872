"""Flip-book reports (FlipHTML5 / FlipBuilder style) and their text-only pages.

Some offices publish the annual report as a flip-book: ``…/book/index.html`` (or
``…/book/mobile/index.html``) draws page images with JavaScript, and the page count lives in
``javascript/config.js`` (``bookConfig.totalPageCount=12`` or ``totalPageCount:12``). Next to
it the tool writes a text version, ``…/book/files/basic-html/page1.html … page12.html``,
which is what we can read. From the entry page the parser asks for config.js (unless the count
is written inline); from config.js, or from any ``basic-html/pageK.html``, it asks for every
text page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

from scrapy.http import TextResponse

from .base import (
    MAX_PAGES,
    Listing,
    absolute_url,
    is_html,
    page_request,
    unique_requests,
    without_self,
)

name = "flipbook"

_TEXT_PAGE = re.compile(r"^(?P<root>.*/)files/basic-html/page(?P<number>\d+)\.html$")
_CONFIG = re.compile(r"^(?P<root>.*/)javascript/config\.js$")
_PAGE_COUNT = re.compile(r"""\btotalPageCount["']?\s*[:=]\s*["']?(\d+)""")
_SIBLING_PAGE = re.compile(r"^page(\d+)\.html$")
_MARKERS = ("bookConfig", "fliphtml5", "flipbuilder", "basic-html", "flipbook")


def matches(response: TextResponse) -> bool:
    path = urlparse(response.url).path
    if _TEXT_PAGE.match(path):
        return True
    if _CONFIG.match(path):
        return _PAGE_COUNT.search(response.text) is not None
    if not is_html(response):
        return False
    return bool(_config_scripts(response)) and any(marker in response.text for marker in _MARKERS)


def parse(response: TextResponse) -> Listing:
    """Requests for the book's text pages, or for its config.js when the count is not here yet."""
    path = urlparse(response.url).path
    text_page = _TEXT_PAGE.match(path)
    if text_page:
        count = _linked_page_count(response, int(text_page.group("number")))
        urls = text_page_urls(_origin(response.url) + text_page.group("root"), count)
    elif _CONFIG.match(path):
        urls = text_page_urls(book_root(response.url), _count_in(response.text))
    else:
        scripts = " ".join(response.xpath("//script[not(@src)]/text()").getall())
        inline = _count_in(scripts)
        urls = (
            text_page_urls(book_root(response.url), inline) if inline else _config_scripts(response)
        )
    requests = [page_request(url, name) for url in urls]
    return Listing(pages=unique_requests(without_self(requests, response)), platforms=[name])


def book_root(url: str) -> str:
    """The book's directory: where ``files/`` lives, above any ``mobile/`` or ``javascript/``."""
    directory = urljoin(url, ".")
    if directory.endswith("/javascript/"):
        directory = directory[: -len("javascript/")]
    if directory.endswith("/mobile/"):
        directory = directory[: -len("mobile/")]
    return directory


def text_page_urls(root: str, count: int | None) -> list[str]:
    """``files/basic-html/page1.html … pageN.html`` under ``root``, at most MAX_PAGES."""
    if not count:
        return []
    return [
        urljoin(root, f"files/basic-html/page{number}.html")
        for number in range(1, min(count, MAX_PAGES) + 1)
    ]


def _count_in(text: str) -> int | None:
    """The page count a config states; the last assignment wins, as it does when the script runs."""
    found = _PAGE_COUNT.findall(text)
    return int(found[-1]) or None if found else None


def _config_scripts(response: TextResponse) -> list[str]:
    urls = []
    for src in response.xpath("//script/@src").getall():
        url = absolute_url(response.url, src)
        if url and _CONFIG.match(urlparse(url).path):
            urls.append(url)
    return urls


def _linked_page_count(response: TextResponse, current: int) -> int:
    """The highest page a text page links to (its pager always shows the last one)."""
    highest = current
    for href in response.xpath("//a/@href").getall():
        url = absolute_url(response.url, href)
        if url is None or urljoin(url, ".") != urljoin(response.url, "."):
            continue
        sibling = _SIBLING_PAGE.match(url.rsplit("/", 1)[-1])
        if sibling:
            highest = max(highest, int(sibling.group(1)))
    return highest


def _origin(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"
