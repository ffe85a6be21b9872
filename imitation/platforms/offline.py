"""Driving imitated sites without a network: Scrapy requests in, Scrapy responses out.

``fetch`` answers one ``scrapy.Request`` from a ``Routes`` table the way the farm's HTTP server
would, and ``crawl_list`` follows a list from its first page by calling ``parse_listing`` on
every page it asks for, dropping repeats by Scrapy's own request fingerprint as the
scheduler's dupefilter would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import scrapy
from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.request import fingerprint

from crawler.listings import Link, Listing, parse_listing
from imitation.model import Req, Routes

HOST = "www.example.gov.cn"
ORIGIN = f"http://{HOST}"


class NoRoute(LookupError):
    """A request the imitated site has no page for."""


def to_req(request: scrapy.Request) -> Req:
    """The ``Req`` a server handler would see for ``request``."""
    parsed = urlparse(request.url)
    headers = [
        (key.decode("latin-1"), value.decode("latin-1"))
        for key, values in request.headers.items()
        for value in values
    ]
    return Req(
        method=request.method,
        host=parsed.netloc,
        path=unquote(parsed.path),
        query=parsed.query,
        headers=headers,
        body=request.body,
    )


def fetch(routes: Routes, request: scrapy.Request) -> TextResponse:
    """The response the site gives to ``request``, typed by Scrapy as a download would be."""
    req = to_req(request)
    handler = routes.get((req.method, req.path))
    if handler is None:
        raise NoRoute(f"no route for {req.method} {req.path}")
    reply = handler(req)
    headers = Headers(reply.headers)
    response_class = responsetypes.from_args(headers=headers, url=request.url, body=reply.body)
    return response_class(
        url=request.url, status=reply.status, headers=headers, body=reply.body, request=request
    )


@dataclass
class ListCrawl:
    """What following one list page by page produced."""

    fetched: list[scrapy.Request] = field(default_factory=list)
    responses: list[TextResponse] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)

    @property
    def links(self) -> list[Link]:
        return [link for listing in self.listings for link in listing.links]

    @property
    def page_requests(self) -> list[scrapy.Request]:
        """Fetched requests beyond the first page."""
        return self.fetched[1:]

    def body_digests(self) -> list[str]:
        return [hashlib.sha256(response.body).hexdigest() for response in self.responses]


def crawl_list(routes: Routes, start_url: str, limit: int = 1000) -> ListCrawl:
    """Follow ``start_url`` and every page parse_listing asks for, each fingerprint once."""
    first = scrapy.Request(start_url)
    crawl = ListCrawl()
    seen = {fingerprint(first)}
    queue = [first]
    while queue:
        if len(crawl.fetched) >= limit:
            raise RuntimeError(f"list at {start_url} did not end within {limit} pages")
        request = queue.pop(0)
        response = fetch(routes, request)
        if response.status != 200:
            raise AssertionError(
                f"{request.method} {request.url} answered {response.status}: {response.text[:200]}"
            )
        listing = parse_listing(response)
        crawl.fetched.append(request)
        crawl.responses.append(response)
        crawl.listings.append(listing)
        for page in listing.pages:
            key = fingerprint(page)
            if key not in seen:
                seen.add(key)
                queue.append(page)
    return crawl
