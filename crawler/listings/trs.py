"""TRS WCM (拓尔思) static lists: ``index.html``, ``index_1.html``, ``index_2.html`` …

TRS writes no pager links into the HTML; a shared script draws them from one call, and the
page count exists nowhere else:

* ``createPageHTML(5, 0, "index", "html")`` — the classic template: page count, current
  page counted from 0, file prefix and extension. Page *i* is ``index_i.html`` (page 0 is
  ``index.html``). The arguments may be names of variables set just before
  (``var countPage = 5``; ``createPageHTML(countPage, currentPage, "index", "html")``).
* ``createPageHTML('page_div', 5, 1, 'fg', 'shtml', 89)`` — the later template (csrc.gov.cn,
  many provincial sites): container id, page count, current page counted from 1, prefix,
  extension, record count. Page *k* is ``fg_k.shtml`` (page 1 is ``fg.shtml``).

* The older inline pager, without createPageHTML: ``var countPage = 2//共多少页`` and
  ``var currentPage = 0`` … ``document.write("<a href=\"index"+"_" + nextPage + "."+"html\">下一页</a>")``.
  Same files as the classic template; prefix and extension come from the written link.

From whichever page of the list it sees, the parser asks for all the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

from scrapy.http import TextResponse

from .base import MAX_PAGES, Listing, page_request, script_texts, unique_requests, without_self
from .scripts import number_setting, split_arguments, string_literal, string_literals

name = "trs"

_CALL = re.compile(r"createPageHTML\s*\(([^()]*)\)")
_VARIABLE = r"var\s+{name}\s*=\s*(\d+)"
_FILE_PART = re.compile(r"^[\w\-]+$")
_PAGER_VARIABLES = re.compile(r"\b(?:nextPage|currentPage|prePage)\b")
# '<a href="index_' + nextPage + '.html">': the file stem ends one literal, the extension
# starts the next.
_STEM_END = re.compile(r"([\w\-]+)_$")
_EXTENSION_START = re.compile(r"^\.(s?html?)\b")


@dataclass(frozen=True)
class PageCall:
    """What one createPageHTML call says about its list."""

    page_count: int
    prefix: str
    extension: str
    # Number written into the file name of the second page: 1 for the classic template,
    # 2 for the page_div one.
    first_suffix: int

    def file_names(self) -> list[str]:
        """File names of every page of the list, first page first, at most MAX_PAGES."""
        count = min(self.page_count, MAX_PAGES)
        names = [f"{self.prefix}.{self.extension}"]
        names += [
            f"{self.prefix}_{self.first_suffix + i}.{self.extension}" for i in range(count - 1)
        ]
        return names


def matches(response: TextResponse) -> bool:
    return find_page_call(script_texts(response)) is not None


def parse(response: TextResponse) -> Listing:
    """Requests for all other pages of the list; item links are left to the generic parser."""
    call = find_page_call(script_texts(response))
    if call is None:
        return Listing()
    if call.page_count <= 1:
        return Listing(platforms=[name])
    file_names = call.file_names()
    if urlparse(response.url).path.endswith("/"):
        # The column's directory url serves its first page; asking for index.html again
        # would fetch that page twice.
        file_names = file_names[1:]
    requests = [page_request(urljoin(response.url, file_name), name) for file_name in file_names]
    return Listing(
        pages=unique_requests(without_self(requests, response)),
        platforms=[name],
        announced_pages=call.page_count,
    )


def find_page_call(scripts: list[str]) -> PageCall | None:
    """The first createPageHTML call whose arguments can be read, with its variables resolved;
    else the older inline pager's variables."""
    for script in scripts:
        for match in _CALL.finditer(script):
            call = _read_call(split_arguments(match.group(1)), script)
            if call is not None:
                return call
    for script in scripts:
        call = _inline_pager(script)
        if call is not None:
            return call
    return None


def _inline_pager(script: str) -> PageCall | None:
    """``var countPage = N`` with a pager written from ``nextPage``/``currentPage``."""
    count = number_setting(script, "countPage")
    if count is None or not _PAGER_VARIABLES.search(script):
        return None
    prefix, extension = "index", "html"
    literals = string_literals(script)
    for before, after in zip(literals, literals[1:]):
        stem, suffix = _STEM_END.search(before), _EXTENSION_START.match(after)
        if stem and suffix:
            prefix, extension = stem.group(1), suffix.group(1)
            break
    return PageCall(page_count=count, prefix=prefix, extension=extension, first_suffix=1)


def _read_call(arguments: list[str], script: str) -> PageCall | None:
    if len(arguments) >= 5 and string_literal(arguments[0]) is not None:
        # createPageHTML('page_div', count, current, prefix, ext[, records])
        count, prefix, extension = (
            _number(arguments[1], script),
            string_literal(arguments[3]),
            string_literal(arguments[4]),
        )
        first_suffix = 2
    elif len(arguments) >= 4:
        # createPageHTML(count, current, prefix, ext)
        count, prefix, extension = (
            _number(arguments[0], script),
            string_literal(arguments[2]),
            string_literal(arguments[3]),
        )
        first_suffix = 1
    else:
        return None
    if count is None or not prefix or not extension:
        return None
    if not (_FILE_PART.match(prefix) and _FILE_PART.match(extension)):
        return None
    return PageCall(page_count=count, prefix=prefix, extension=extension, first_suffix=first_suffix)


def _number(argument: str, script: str) -> int | None:
    argument = argument.strip()
    if argument.isdigit():
        return int(argument)
    if re.fullmatch(r"[A-Za-z_$][\w$]*", argument):
        # The classic template sets the count in a variable a few lines above the call.
        found = re.findall(_VARIABLE.format(name=re.escape(argument)), script)
        if found:
            return int(found[-1])
    return None
