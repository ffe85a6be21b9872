"""VSB (博达 Visual SiteBuilder) static lists, whose page files count *down*.

The first page of a column is ``tzgg.htm``; the others live in ``tzgg/`` and are numbered
from the oldest: with 31 pages, page 2 is ``tzgg/30.htm`` and the last page ``tzgg/1.htm``.
So ``下页`` on the first page points at ``tzgg/{total-1}.htm`` and ``尾页`` at ``tzgg/1.htm``.
Two pager templates are common::

    <span class="p_pages"><span class="p_first_d p_fun_d">首页</span>…<span class="p_no"><a href="tzgg/30.htm">2</a></span>…
      <span class="p_next p_fun"><a href="tzgg/30.htm">下页</a></span><span class="p_last p_fun"><a href="tzgg/1.htm">尾页</a></span></span>
    <span class="p_t">共31页</span> … onclick="_simple_list_gotopage_fun(31,'u13_goto',2)"

    <td id="fanye43248">共323条&nbsp;&nbsp;1/22&nbsp;</td> … <a href="tzgg/21.htm" class="Next">下页</a>

The parser follows the pager links and, once the page count is known, asks for every page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

from scrapy.http import TextResponse

from .base import (
    MAX_PAGES,
    Listing,
    absolute_url,
    collapse,
    is_html,
    page_request,
    unique_requests,
    without_self,
)

name = "vsb"

PAGER_WORDS = frozenset({"首页", "上页", "上一页", "下页", "下一页", "尾页", "末页"})
_SUB_PAGE = re.compile(r"^(?P<column>.*/[^/]+)/(?P<number>\d+)\.htm$")
_GOTOPAGE = re.compile(r"_simple_list_gotopage_fun\s*\(\s*(\d+)")
_TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页")
_PAGE_OF = re.compile(r"(?<![\d/])(\d+)\s*/\s*(\d+)(?![\d/])")

_PAGER_XPATH = (
    "//span[contains(concat(' ', normalize-space(@class), ' '), ' p_pages ')]"
    " | //*[starts-with(@id, 'fanye')]"
    " | //*[contains(@class, 'pb_sys_common')]"
)


def matches(response: TextResponse) -> bool:
    if not is_html(response):
        return False
    return bool(response.xpath(_PAGER_XPATH)) or _gotopage_total(response) is not None


def parse(response: TextResponse) -> Listing:
    """Requests for the other pages of the column; item links are left to the generic parser."""
    column = column_urls(response.url)
    total = page_count(response, column)
    urls = all_page_urls(*column, total) if column and total else []
    # The pager's own links come after: they add nothing when the count was known, and are
    # all there is to go on when it was not.
    urls += _pager_urls(response, column)
    requests = [page_request(url, name) for url in urls]
    return Listing(pages=unique_requests(without_self(requests, response)), platforms=[name])


def column_urls(url: str) -> tuple[str, str] | None:
    """(first page url, directory of the other pages) of the static column ``url`` belongs to."""
    parsed = urlparse(url)
    path = parsed.path
    sub_page = _SUB_PAGE.match(path)
    if sub_page:
        column_path = sub_page.group("column")
    elif path.endswith(".htm"):
        column_path = path[: -len(".htm")]
    else:
        return None
    origin = f"{parsed.scheme}://{parsed.netloc}"
    return origin + column_path + ".htm", origin + column_path + "/"


def all_page_urls(first: str, directory: str, total: int) -> list[str]:
    """Every page of a column of ``total`` pages in reading order, at most MAX_PAGES."""
    count = min(total, MAX_PAGES)
    return [first] + [urljoin(directory, f"{total - page + 1}.htm") for page in range(2, count + 1)]


def page_count(response: TextResponse, column: tuple[str, str] | None) -> int | None:
    """The number of pages of the list, from whatever the pager says about it."""
    pager_text = collapse(" ".join(response.xpath(f"({_PAGER_XPATH})//text()").getall()))
    found = _TOTAL_PAGES.search(pager_text)
    if found:
        return int(found.group(1))
    total = _gotopage_total(response)
    if total is not None:
        return total
    for current, total in _PAGE_OF.findall(pager_text):
        if 1 <= int(current) <= int(total):
            return int(total)
    if column and response.url == column[0]:
        # On the first page, 下页 points at file total-1.
        for anchor in response.xpath("//a[@href]"):
            if collapse(anchor.xpath("string(.)").get()) in ("下页", "下一页"):
                url = absolute_url(response.url, anchor.attrib["href"]) or ""
                if (
                    url.startswith(column[1])
                    and url[len(column[1]) :].removesuffix(".htm").isdigit()
                ):
                    return int(url[len(column[1]) :].removesuffix(".htm")) + 1
    return None


def _gotopage_total(response: TextResponse) -> int | None:
    texts = response.xpath(
        "//script[not(@src)]/text() | //@onclick | //@onkeydown | //@href[starts-with(., 'javascript')]"
    ).getall()
    for text in texts:
        found = _GOTOPAGE.search(text)
        if found:
            return int(found.group(1))
    return None


def _pager_urls(response: TextResponse, column: tuple[str, str] | None) -> list[str]:
    """Targets of the pager's word and number links that stay inside this column's list."""
    urls = []
    for anchor in response.xpath("//a[@href]"):
        text = collapse(anchor.xpath("string(.)").get())
        if text not in PAGER_WORDS and not text.isdigit():
            continue
        url = absolute_url(response.url, anchor.attrib["href"])
        if url is None:
            continue
        if column is None:
            # A dynamic VSB list (.jsp): only the word links are surely the pager's.
            if text in PAGER_WORDS:
                urls.append(url)
        elif url == column[0] or _SUB_PAGE.match(urlparse(url).path) and url.startswith(column[1]):
            urls.append(url)
    return urls
