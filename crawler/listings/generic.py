"""Any HTML page: its links, and — when no platform claimed it — its further pages.

Every page goes through here, so the links of a page are never lost because a platform
parser looked only at its own part of the page. Links written by inline scripts count like
any ``<a>``. Further pages of a list nobody else understood come from what the page says and
how its url is built:

* forward pager links (下一页, 下页, 后页, 尾页, 末页, », …);
* the page count it prints (共N页, 第1/N页, 1/N) or sets in a script (``countPage``,
  ``totalPage``…), or its record count (共N条, ``recordCount``, ``totalRecord``…) divided by the
  items per page (``pageSize``, ``prepage``…, else the dated items on the page), applied to the
  url family of the page (:mod:`.family`);
* failing all of that, a *probe* of the next url of the family: followed only while each
  answer brings new links, so a 404, an empty list or a page repeating the last one ends it.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlparse

from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from archive.layout import CaptureKind

from . import family
from .base import (
    MAX_PAGES,
    Link,
    Listing,
    absolute_url,
    anchor_elements,
    collapse,
    element_text,
    is_html,
    meta_of,
    page_links,
    page_request,
    script_texts,
    unique_requests,
    without_self,
    xpath_texts,
)
from .columns import page_column_kind
from .scripts import first_number

name = "generic"

# Texts of links that lead further along a list. Backward links (上一页, 首页) are left
# out on purpose: the crawl enters a list at its first page, and following them only
# finds pages already asked for.
FORWARD_TEXTS = frozenset(
    {
        "下一页",
        "下页",
        "后页",
        "后一页",
        "下一頁",
        "尾页",
        "末页",
        "最后一页",
        "最后页",
        ">",
        ">>",
        "›",
        "»",
        "下一页>",
        "下一页>>",
        "下一页»",
        "尾页>>",
        "末页>>",
        "Next",
        "next",
        "Last",
        "last",
    }
)
PAGE_COUNT_KEYS = ("countPage", "pageCount", "totalPage", "totalPages", "pageTotal", "page_count")
RECORD_COUNT_KEYS = ("recordCount", "totalRecord", "totalCount", "recordTotal", "total_count")
PER_PAGE_KEYS = ("prepage", "perPage", "perpage", "pageSize", "pagesize", "page_size", "rows")
_PAGES_TEXT = re.compile(
    r"共\s*(\d+)\s*页|第\s*\d+\s*/\s*(\d+)\s*页|(?<![\d/])\d+\s*/\s*(\d+)\s*页"
)
_RECORDS_TEXT = re.compile(r"共\s*(\d+)\s*(?:条|篇|项|个)")
# Lists whose items carry dates: at least this many dated links make a page a list.
MIN_DATED_ITEMS = 3
_HOME = re.compile(r"^/(?:(?:index|default|home)\.\w+)?$", re.I)


def matches(response: TextResponse) -> bool:
    """Any HTML page; the generic parser is the floor under all the others."""
    return is_html(response)


def parse(response: TextResponse) -> Listing:
    """All links of the page, plus its further pages when it is a list nobody else read."""
    if not is_html(response):
        return Listing(platforms=[name])
    links = page_links(response)
    pages = pager_requests(response)
    if not is_list_page(response, links):
        # An article's "共3页" or a stray "1/2" says nothing about a list.
        return Listing(links=links, pages=pages, platforms=[name])
    link_urls = [link.url for link in links]
    announced = announced_pages(response, links)
    if announced:
        pages += [
            page_request(url, name) for url in family.page_urls(response.url, announced, link_urls)
        ]
    probes = []
    if announced is None and not pages:
        probes = [page_request(url, name) for url in family.next_urls(response.url, link_urls)]
    return Listing(
        links=links,
        pages=unique_requests(without_self(pages, response), MAX_PAGES),
        platforms=[name],
        probes=unique_requests(without_self(probes, response)),
        announced_pages=announced,
    )


def links(response: TextResponse) -> Listing:
    """Only the links of the page, for pages a platform parser has claimed."""
    return Listing(links=page_links(response))


def announced_pages(response: TextResponse, links: list[Link]) -> int | None:
    """How many pages the list says it has, from its printed pager or its script settings."""
    text = collapse(" ".join(xpath_texts(response, "//body//text()[not(ancestor::script)]")))
    for match in _PAGES_TEXT.finditer(text):
        count = int(next(group for group in match.groups() if group))
        if 1 <= count <= MAX_PAGES * 10:
            return count
    scripts = "\n".join(script_texts(response))
    count = first_number(scripts, PAGE_COUNT_KEYS)
    if count:
        return count
    records = first_number(scripts, RECORD_COUNT_KEYS)
    if records is None:
        found = _RECORDS_TEXT.search(text)
        records = int(found.group(1)) if found else None
    if not records:
        return None
    per_page = first_number(scripts, PER_PAGE_KEYS)
    if per_page is None and meta_of(response).get("kind") != CaptureKind.LISTING:
        # Only a first page is surely full; the last one may hold a single item.
        per_page = len(dated_links(links))
    return math.ceil(records / per_page) if per_page else None


def dated_links(links: list[Link]) -> list[Link]:
    return [link for link in links if link.date]


def is_list_page(response: TextResponse, links: list[Link]) -> bool:
    """A page worth reading for further pages: a further page of a list, a page of dated items
    or a disclosure/年报 column — but not the portal's home page (its news pages elsewhere)."""
    if meta_of(response).get("kind") == CaptureKind.LISTING:
        return True
    if _HOME.match(urlparse(response.url).path):
        return False
    dated = len(dated_links(links))
    # A named column counts with fewer items (a short first page), but not with none: a
    # column of sub-columns or a guide has no list to page through.
    return dated >= MIN_DATED_ITEMS or (dated > 0 and page_column_kind(response) is not None)


def pager_requests(response: TextResponse) -> list:
    """GETs for the 下一页/尾页-style links of the page (not for the page itself)."""
    requests = []
    for element in anchor_elements(response):  # lxml: pages carry a hundred-odd anchors
        text = collapse(element_text(element)) or collapse(element.get("title"))
        if text not in FORWARD_TEXTS:
            continue
        url = absolute_url(get_base_url(response), element.get("href"))
        if url:
            requests.append(page_request(url, name))
    return unique_requests(without_self(requests, response), MAX_PAGES)
