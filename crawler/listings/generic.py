"""Any HTML page: its plain links, and its next/last-page links when no platform claimed it.

Every page goes through here, so the links of a page are never lost because a platform
parser looked only at its own part of the page. Pagination is read from the words Chinese
sites put on pager links; ``parse_listing`` asks for it only when no platform parser knew
better.
"""

from __future__ import annotations

from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from .base import (
    MAX_PAGES,
    Listing,
    absolute_url,
    collapse,
    is_html,
    links_in,
    page_request,
    unique_requests,
    without_self,
)

name = "generic"

# Texts of links that lead further along a list. Backward links (上一页, 首页) are left
# out on purpose: the crawl enters a list at its first page, and following them only
# finds pages already asked for.
FORWARD_TEXTS = frozenset(
    {
        "下一页",
        "下页",
        "后页",
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
        "尾页>>",
        "Next",
        "next",
        "Last",
        "last",
    }
)


def matches(response: TextResponse) -> bool:
    """Any HTML page; the generic parser is the floor under all the others."""
    return is_html(response)


def parse(response: TextResponse) -> Listing:
    """All document links of the page, plus its forward pager links as further pages."""
    if not is_html(response):
        return Listing(platforms=[name])
    return Listing(
        links=links_in(response, get_base_url(response)),
        pages=pager_requests(response),
        platforms=[name],
    )


def links(response: TextResponse) -> Listing:
    """Only the links of the page, for pages a platform parser has claimed."""
    if not is_html(response):
        return Listing()
    return Listing(links=links_in(response, get_base_url(response)))


def pager_requests(response: TextResponse) -> list:
    """GETs for the 下一页/尾页-style links of the page (not for the page itself)."""
    requests = []
    for anchor in response.xpath("//a[@href]"):
        text = collapse(" ".join(anchor.xpath(".//text()").getall())) or collapse(
            anchor.attrib.get("title")
        )
        if text not in FORWARD_TEXTS:
            continue
        url = absolute_url(get_base_url(response), anchor.attrib.get("href"))
        if url:
            requests.append(page_request(url, name))
    return unique_requests(without_self(requests, response), MAX_PAGES)
