"""Reading list pages, whatever CMS platform paginates them.

``parse_listing(response)`` runs every platform parser that recognises the response, and
always the generic one, and merges what they found. Adding a platform is one module with
``name``, ``matches(response)`` and ``parse(response) -> Listing``, plus one line in
``PLATFORM_PARSERS``.

Probes (guessed next pages) carry the digests of the links of the page that guessed them in
``meta["probe_seen"]``; a probed page whose links are all among them (a repeat, an empty
list) ends the chain: its own pages and probes are dropped.
"""

from __future__ import annotations

import hashlib

from scrapy.http import TextResponse

from . import flipbook, generic, hanweb, jsonapi, trs, vsb
from .base import (
    MAX_PAGES,
    Link,
    Listing,
    ListingParser,
    meta_of,
    unique_links,
    unique_requests,
)

__all__ = [
    "Link",
    "Listing",
    "ListingParser",
    "MAX_PAGES",
    "PLATFORM_PARSERS",
    "STATE_KEYS",
    "parse_listing",
]

PLATFORM_PARSERS: tuple[ListingParser, ...] = (trs, hanweb, vsb, jsonapi, flipbook)
#: The request meta the list parsers read back from a further page they asked for.
STATE_KEYS = ("listing_platform", "probe_seen", "listing_probe")


def parse_listing(response: TextResponse) -> Listing:
    """Links and further pages of one list page, from every parser that recognises it.

    Platform parsers go first, so their items (which may sit in script islands or JSON the
    generic parser cannot see) lead the links; the generic parser adds every plain link of the
    page. The generic pager and probes are used only when no platform parser recognised the
    page: a platform knows its pager better than guesses from link texts and urls.
    """
    if not isinstance(response, TextResponse):
        raise TypeError(
            f"parse_listing needs a text response, got {type(response).__name__} for {response.url}"
        )
    found = [parser.parse(response) for parser in PLATFORM_PARSERS if parser.matches(response)]
    platforms = [name for listing in found for name in listing.platforms]
    fallback = generic.links(response) if platforms else generic.parse(response)
    found.append(fallback)
    links = unique_links(link for listing in found for link in listing.links)
    announced = [listing.announced_pages for listing in found if listing.announced_pages]
    listing = Listing(
        links=links,
        pages=unique_requests(page for listing in found for page in listing.pages),
        platforms=platforms or fallback.platforms,
        probes=unique_requests(probe for listing in found for probe in listing.probes),
        announced_pages=max(announced) if announced else None,
    )
    return _with_probe_marks(response, listing)


def link_digests(links: list[Link]) -> list[str]:
    """Short digests of the links' urls: what a probe compares its answer against."""
    return sorted({hashlib.sha1(link.url.encode("utf-8")).hexdigest()[:10] for link in links})


def _with_probe_marks(response: TextResponse, listing: Listing) -> Listing:
    seen = meta_of(response).get("probe_seen")
    digests = link_digests(listing.links)
    if seen is not None and not set(digests) - set(seen):
        # A probed page with nothing new: the end of the list (or the server repeating itself).
        return Listing(links=listing.links, platforms=listing.platforms)
    known = {(page.method, page.url, page.body) for page in listing.pages}
    listing.probes = [
        probe for probe in listing.probes if (probe.method, probe.url, probe.body) not in known
    ]
    for page in listing.pages:
        page.meta.update(probe_seen=None, listing_probe=False)
    for probe in listing.probes:
        probe.meta.update(probe_seen=digests, listing_probe=True)
    return listing
