"""Reading list pages, whatever CMS platform paginates them.

``parse_listing(response)`` runs every platform parser that recognises the response, and
always the generic one, and merges what they found. Adding a platform is one module with
``name``, ``matches(response)`` and ``parse(response) -> Listing``, plus one line in
``PLATFORM_PARSERS``.
"""

from __future__ import annotations

from scrapy.http import TextResponse

from . import flipbook, generic, hanweb, jsonapi, trs, vsb
from .base import MAX_PAGES, Link, Listing, ListingParser, unique_links, unique_requests

__all__ = ["Link", "Listing", "ListingParser", "MAX_PAGES", "PLATFORM_PARSERS", "parse_listing"]

PLATFORM_PARSERS: tuple[ListingParser, ...] = (trs, hanweb, vsb, jsonapi, flipbook)


def parse_listing(response: TextResponse) -> Listing:
    """Links and further pages of one list page, from every parser that recognises it.

    Platform parsers go first, so their items (which may sit in script islands or JSON the
    generic parser cannot see) lead the links; the generic parser adds every plain link of the
    page. The generic next/last-page links are followed only when no platform parser
    recognised the page: a platform knows its pager better than guesses from link texts.
    """
    if not isinstance(response, TextResponse):
        raise TypeError(
            f"parse_listing needs a text response, got {type(response).__name__} for {response.url}"
        )
    found = [parser.parse(response) for parser in PLATFORM_PARSERS if parser.matches(response)]
    platforms = [name for listing in found for name in listing.platforms]
    fallback = generic.links(response) if platforms else generic.parse(response)
    found.append(fallback)
    return Listing(
        links=unique_links(link for listing in found for link in listing.links),
        pages=unique_requests(page for listing in found for page in listing.pages),
        platforms=platforms or fallback.platforms,
    )
