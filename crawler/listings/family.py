"""The url family of a paginated list: how the url of page *k* is built from the first page's.

Static CMS lists name their pages after the first one, in a few ways:

* ``index.html`` → ``index_1.html``, ``index_2.html`` … (TRS and its copies: page 2 is ``_1``);
  ``list.html`` → ``list_2.html``, ``list_3.html`` … (page 2 is ``_2``);
  a directory url ``/xxgk/nb/`` serves ``index.*`` and its pages are ``index_1.*`` …
* ``?page=2``, ``?pageNo=2`` … (any common page parameter);
* VSB: ``tzgg.htm`` → ``tzgg/11.htm``, ``tzgg/10.htm`` … ``tzgg/1.htm``, counting *down*.

:func:`next_urls` guesses the following page of any page of such a family, for probing a list
whose pager shows nothing readable; :func:`page_urls` lists pages 2…n once the count is known.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlencode, urljoin, urlparse

from .base import MAX_PAGES

PAGE_PARAMETERS = (
    "page",
    "pageNo",
    "pageno",
    "pageNum",
    "pageIndex",
    "pageindex",
    "currentPage",
    "curPage",
    "cpage",
    "pn",
    "p",
)
_STATIC_EXTENSIONS = ("html", "htm", "shtml", "jhtml", "xhtml")
_NUMBERED = re.compile(r"^(?P<stem>.*/[^/]*?)_(?P<number>\d+)\.(?P<ext>s?html?|jhtml|xhtml)$")
_PLAIN = re.compile(r"^(?P<stem>.*/[^/]*[^/\d_][^/]*?)\.(?P<ext>s?html?|jhtml|xhtml)$")
_COUNTDOWN = re.compile(r"^(?P<dir>.*/)(?P<number>\d+)\.htm$")


def next_urls(url: str, page_link_urls: list[str] = ()) -> list[str]:
    """The url(s) the next page of the list would have, when ``url`` is in a known family.

    ``page_link_urls`` (the page's own links) settle which extension a directory's pages use.
    """
    parsed = urlparse(url)
    path = parsed.path
    query = parse_qsl(parsed.query, keep_blank_values=True)
    for key, value in query:
        if key in PAGE_PARAMETERS and value.isdigit():
            return [with_query_value(url, key, int(value) + 1)]
    if parsed.query:
        return []  # a dynamic page without a page number: nothing to count
    numbered = _NUMBERED.match(path)
    if numbered:
        following = f"{numbered['stem']}_{int(numbered['number']) + 1}.{numbered['ext']}"
        return [urljoin(url, following)]
    countdown = _COUNTDOWN.match(path)
    if countdown:
        number = int(countdown["number"])
        return [urljoin(url, f"{number - 1}.htm")] if number > 1 else []
    if path.endswith("/"):
        return [urljoin(url, f"index_1.{_usual_extension(url, page_link_urls)}")]
    plain = _PLAIN.match(path)
    if plain:
        name = plain["stem"].rsplit("/", 1)[-1]
        if name.lower() in ("index", "default"):
            return [urljoin(url, f"{name}_1.{plain['ext']}")]
        # Other names number their second page 1 or 2, depending on the CMS: ask for both.
        return [urljoin(url, f"{name}_{n}.{plain['ext']}") for n in (1, 2)]
    return []


def page_urls(url: str, count: int, page_link_urls: list[str] = ()) -> list[str]:
    """Urls of pages 2…``count`` of the list whose first page is ``url``; [] when unknown.

    The second page's number is taken from the page's own links when one points into the
    family (``list_2.html`` there means page 2 is ``_2``), else the TRS rule (``_1``).
    """
    count = min(count, MAX_PAGES)
    if count <= 1:
        return []
    parsed = urlparse(url)
    path = parsed.path
    query = parse_qsl(parsed.query, keep_blank_values=True)
    for key, value in query:
        if key in PAGE_PARAMETERS and value.isdigit():
            first = int(value)
            return [with_query_value(url, key, first + k) for k in range(1, count)]
    if parsed.query or _NUMBERED.match(path) or _COUNTDOWN.match(path):
        return []  # a later page of its list: the first page asked for all of them
    if path.endswith("/"):
        stem, extension = "index", _usual_extension(url, page_link_urls)
    else:
        plain = _PLAIN.match(path)
        if not plain:
            return []
        stem, extension = plain["stem"].rsplit("/", 1)[-1], plain["ext"]
    if extension == "htm" and not path.endswith("/"):
        # VSB: the pages count down in a directory named after the column.
        directory = urljoin(url, f"{stem}/")
        if any(link.startswith(directory) for link in page_link_urls):
            return [urljoin(directory, f"{count - k}.htm") for k in range(1, count)]
    second = _second_page_number(url, stem, extension, page_link_urls)
    return [urljoin(url, f"{stem}_{second + k - 1}.{extension}") for k in range(1, count)]


def _second_page_number(url: str, stem: str, extension: str, links: list[str]) -> int:
    pattern = re.compile(rf"/{re.escape(stem)}_(\d+)\.{re.escape(extension)}$")
    numbers = sorted(int(m.group(1)) for link in links if (m := pattern.search(link)))
    return numbers[0] if numbers and numbers[0] in (1, 2) else 1


def _usual_extension(url: str, links: list[str]) -> str:
    """The static extension most links of the page use on its own host (html by default)."""
    host = urlparse(url).netloc
    counts = Counter(
        path.rsplit(".", 1)[-1].lower()
        for link in links
        if urlparse(link).netloc == host and "." in (path := urlparse(link).path).rsplit("/", 1)[-1]
    )
    for extension, _ in counts.most_common():
        if extension in _STATIC_EXTENSIONS:
            return extension
    return "html"


def with_query_value(url: str, key: str, value: int) -> str:
    parsed = urlparse(url)
    fields = [
        (k, str(value) if k == key else v)
        for k, v in parse_qsl(parsed.query, keep_blank_values=True)
    ]
    return parsed._replace(query=urlencode(fields)).geturl()
