"""Internal addresses: what the crawl refuses to connect to, and the check that says so.

An archive of government sites fetches whatever its pages point at and then publishes what came
back. A page, a redirect or a row of the sites list that points the crawler at ``127.0.0.1``, at
a cloud metadata service on ``169.254.169.254`` or at a machine on the operator's own network
would have that answer archived and served to anyone. So every request the crawl makes — plain
downloads (redirects are new requests, checked again) and every request the browser makes
through its recording proxy — is checked against the address it would connect to:

* an IP literal in the URL, in any spelling a resolver or a browser accepts (``2130706433``,
  ``0x7f.1``, ``127.1``, ``[::ffff:127.0.0.1]``, full-width digits), is refused unless it is
  globally routable (:func:`internal_reason`);
* a name is resolved — without blocking the reactor, through the resolver Scrapy then connects
  with (its DNS cache), so the answer checked is the answer used — and refused if any address it
  has is internal; the browser's recorder connects to the very address that was checked;
* through an HTTP proxy, the proxy resolves names, not the crawler: then literals and names that
  are local by definition (``localhost``) are refused here, and the proxy must refuse the rest
  (README, "Security model"). The proxy itself is the operator's choice and is not checked.

``ALLOW_INTERNAL_ADDRESSES`` turns the check off, for sites served on this machine directly.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import unicodedata
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

from archive.layout import CaptureKind

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Awaitable[list[str]]]

# What inet_aton and the WHATWG URL parser read as an IPv4 address besides the dotted quad:
# 1 to 4 parts, each decimal, octal (leading 0) or hex (0x).
_LOOSE_IPV4 = re.compile(r"[0-9a-fx.]+")
# RFC 6761: these names always mean this machine, whoever resolves them (a proxy included).
_LOCAL_NAMES = re.compile(r"(?:.*\.)?localhost(?:\.localdomain)?")
# IPv6 prefixes that carry an IPv4 address a gateway would connect to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class InternalAddressRefused(Exception):
    """A request was not made: its host is, or resolves to, an internal address."""


class HostNotFound(DNSLookupError):
    """The host has no address; Scrapy retries this as it retries its own DNS failures."""


def normalise_host(host: str) -> str:
    """The host as a resolver would see it: percent-decoded, NFKC (full-width digits), lower
    case, without IPv6 brackets or a trailing dot."""
    host = unicodedata.normalize("NFKC", unquote(host)).lower().strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.rstrip(".")


def ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells, in any form a resolver accepts; None for a name."""
    host = normalise_host(host)
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _LOOSE_IPV4.fullmatch(host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64, compatible), if any."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def internal_reason(ip: IPAddress) -> str | None:
    """Why the crawl must not connect to ``ip`` ("a loopback address"), or None if it may."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        reason = internal_reason(embedded)
        return f"{reason} ({embedded} inside {ip})" if reason else None
    for kind, test in (
        ("an unspecified", ip.is_unspecified),
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        # Python counts some multicast ranges as global; a crawl has no business with any.
        ("a multicast", ip.is_multicast),
        ("a private", ip.is_private),
        ("a reserved", ip.is_reserved),
        ("a not globally routable", not ip.is_global),
    ):
        if test:
            return f"{kind} address"
    return None


def local_name(host: str) -> bool:
    """Whether ``host`` names this machine whoever resolves it (``localhost``, RFC 6761)."""
    return bool(_LOCAL_NAMES.fullmatch(normalise_host(host)))


@dataclass(frozen=True)
class Verdict:
    refusal: str | None  # why the request is refused; None: it may go
    address: str | None = None  # the checked address to connect to, when the name was resolved


class AddressGuard:
    """Vets URLs for one crawl; resolutions are cached (and shared while one is under way)."""

    def __init__(self, resolve: Resolver, *, allow_internal: bool):
        self.resolve = resolve
        self.allow_internal = allow_internal
        self._addresses: dict[str, asyncio.Future] = {}

    async def vet(self, url: str, *, proxied: bool) -> Verdict:
        """May the crawl request ``url``? ``proxied``: an HTTP proxy resolves its host, not us.

        Raises :class:`HostNotFound` when a name has no address (never connect to what was not
        checked).
        """
        host = urlsplit(url).hostname
        if self.allow_internal or not host:
            return Verdict(None)
        ip = ip_literal(host)
        if ip is not None:
            reason = internal_reason(ip)
            return Verdict(f"{host} is {reason}" if reason else None)
        if proxied:
            # The proxy resolves the name; only what is local by definition is known here.
            return Verdict(f"{host} names this machine" if local_name(host) else None)
        addresses = await self._resolved(normalise_host(host))
        for address in addresses:
            reason = internal_reason(ipaddress.ip_address(address.split("%")[0]))
            if reason:
                return Verdict(f"{host} resolves to {address}, {reason}")
        return Verdict(None, addresses[0])

    async def _resolved(self, host: str) -> list[str]:
        pending = self._addresses.get(host)
        if pending is None:
            pending = self._addresses[host] = asyncio.ensure_future(self.resolve(host))
        try:
            addresses = await asyncio.shield(pending)
        except Exception as exc:
            self._addresses.pop(host, None)  # a failure is not remembered: the next may succeed
            raise HostNotFound(f"{host}: {exc}") from exc
        if not addresses:
            self._addresses.pop(host, None)
            raise HostNotFound(f"{host} has no address")
        return addresses


@implementer(IResolutionReceiver)
class _Addresses:
    def __init__(self):
        self.found: list[str] = []
        self.done: Deferred = Deferred()

    def resolutionBegan(self, resolution) -> None:
        pass

    def addressResolved(self, address) -> None:
        self.found.append(address.host)

    def resolutionComplete(self) -> None:
        self.done.callback(self.found)


async def resolve_with_reactor(host: str) -> list[str]:
    """Every address of ``host``, through the reactor's resolver: the one (and the DNS cache)
    Scrapy's connections use, run in a thread so the reactor never waits."""
    from twisted.internet import reactor

    receiver = _Addresses()
    reactor.nameResolver.resolveHostName(receiver, host, 0)
    return await maybe_deferred_to_future(receiver.done)


async def resolve_with_asyncio(host: str) -> list[str]:
    """Every address of ``host`` through asyncio's resolver (a thread): outside a Scrapy crawl."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


_GUARDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def guard_for(crawler) -> AddressGuard:
    """The crawl's one guard, shared by plain downloads and the browser (one cache)."""
    guard = _GUARDS.get(crawler)
    if guard is None:
        allow = crawler.settings.getbool("ALLOW_INTERNAL_ADDRESSES")
        guard = _GUARDS[crawler] = AddressGuard(resolve_with_reactor, allow_internal=allow)
    return guard


class InternalAddressMiddleware:
    """Refuses plain downloads to internal addresses; after HttpProxyMiddleware, which says
    whether a proxy (``meta["proxy"]``) resolves the host instead of us.

    A refusal fails the request with :class:`InternalAddressRefused` (the spider's errback
    records it as an error with this reason); a name without an address fails as a DNS error.
    """

    def __init__(self, crawler, guard: AddressGuard):
        self.stats = crawler.stats
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.getbool("ALLOW_INTERNAL_ADDRESSES"):
            raise NotConfigured("ALLOW_INTERNAL_ADDRESSES is on: internal addresses are fetched")
        return cls(crawler, guard_for(crawler))

    async def process_request(self, request):
        verdict = await self.guard.vet(request.url, proxied=bool(request.meta.get("proxy")))
        if verdict.refusal:
            self.stats.inc_value("netguard/refused")
            logger.warning(
                "Refused %s (site %s, via %s): %s",
                request.url,
                request.meta.get("site_key", "-"),
                request.meta.get("via") or request.meta.get("redirect_urls", ["-"])[-1],
                verdict.refusal,
            )
            if urlsplit(request.url).path == "/robots.txt" and request.meta.get(
                "dont_obey_robotstxt"
            ):
                # Scrapy's own robots.txt request: logged above; RobotsTxtMiddleware would log a
                # traceback for anything but IgnoreRequest. The page it guards is refused anyway.
                raise IgnoreRequest(verdict.refusal)
            raise InternalAddressRefused(f"internal address refused: {verdict.refusal}")


#: The request meta key under which a browser visit lists what its page was refused.
REFUSED = "browser_refused"


class RefusedBrowserRequests:
    """A spider middleware: each request a rendered page was refused becomes an error item.

    The browser's requests never pass through Scrapy, so the recorder's refusals travel with the
    page's response (``meta["browser_refused"]``) and are recorded here, as the spider records
    its own failures — before the spider runs, the list is taken out of the meta, so that the
    requests made from the page do not carry it on.
    """

    def process_spider_output(self, response, result):
        yield from self._records(response)
        yield from result

    async def process_spider_output_async(self, response, result):
        for record in self._records(response):
            yield record
        async for item in result:
            yield item

    @staticmethod
    def _records(response) -> list[dict]:
        refused = response.meta.pop(REFUSED, None) or []
        return [
            {
                "type": "error",
                "site_key": response.meta.get("site_key"),
                "url": refusal["url"],
                "kind": CaptureKind.RESOURCE,
                "via": response.url,
                "reason": f"internal address refused: {refusal['reason']}",
            }
            for refusal in refused
        ]
