"""The recording proxy: every exchange the browser has with a server, as it crossed the wire.

scrapy-playwright hands Scrapy ``page.content()`` — the DOM after scripts ran, which is not what
any server sent — and Playwright's own request/response events give parsed headers and decoded
bodies, not bytes. So the browser is pointed at this small forward proxy on 127.0.0.1 (one per
page's context) and this proxy makes the requests: it relays each browser request to the next
hop (the crawl's upstream proxy, or the origin) unchanged, relays the answer back unchanged,
and hands the :class:`archive.exchange.Exchange` — the request bytes it sent, the response head
as received, the payload with chunking undone and content coding kept — to a callback. That is
the same fidelity as :mod:`crawler.capture` gives plain downloads, from the same kind of tap.

What this cannot record, by design: requests the browser answers itself (its memory cache
— routing, which scrapy-playwright always sets up, turns the HTTP cache off; ``data:`` and
``blob:`` URLs; service workers, which the contexts block), and HTTP/2 or QUIC (the browser is
kept on HTTP/1.1 by this proxy and ``--disable-quic``). HTTPS is recorded by ending the
browser's TLS here and opening our own to the server (see :mod:`crawler.browser.tls`).
WebSocket upgrades are relayed but not recorded.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from datetime import datetime, timezone
from urllib.parse import urlsplit

from archive.exchange import Exchange
from crawler.browser.launch import Upstream, upstream_for
from crawler.browser.wire import (
    RequestHead,
    WireError,
    body_pieces,
    parse_request_head,
    parse_status_head,
    read_head,
    read_whole_body,
    request_framing,
    response_framing,
)
from crawler.netguard import AddressGuard, HostNotFound

logger = logging.getLogger(__name__)

#: Called with each finished exchange and the request's method.
ExchangeCallback = Callable[[Exchange, str], None]
#: Called with the URL of each request refused as internal, and why.
RefusalCallback = Callable[[str, str], None]


class UpstreamError(Exception):
    """The next hop could not be reached, or would not open a tunnel."""


class RecordingProxy:
    """A forward HTTP proxy on 127.0.0.1 that records what it relays; ``start()``, ``close()``."""

    def __init__(
        self,
        on_exchange: ExchangeCallback,
        *,
        browser_tls: ssl.SSLContext,
        server_tls: ssl.SSLContext,
        guard: AddressGuard,
        on_refused: RefusalCallback | None = None,
        route: Callable[[str], Upstream] = upstream_for,
        max_body: int = 200 * 1024 * 1024,
        timeout: float = 60.0,
    ):
        self.on_exchange = on_exchange
        self.browser_tls = browser_tls
        self.server_tls = server_tls
        # Every request a page makes is vetted here, before any connection: a page's script
        # must not reach what the crawl itself may not (crawler/netguard.py).
        self.guard = guard
        self.on_refused = on_refused
        self.route = route
        self.max_body = max_body
        self.timeout = timeout
        self.port = 0
        self.refusing: str | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.url

    def refuse(self, reason: str) -> None:
        """Answer every further request with a 503: the page is given up, its scripts must stop.

        A challenge that reloads itself for ever would otherwise keep the browser (and the
        archive) busy until the page's time runs out.
        """
        self.refusing = reason

    async def close(self) -> None:
        """Stop listening and drop every connection (the page's context is closed by now)."""
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._connections.add(task)
        connection = _BrowserConnection(self, reader, writer)
        try:
            await connection.run()
        except (ConnectionError, asyncio.IncompleteReadError, WireError, ssl.SSLError) as exc:
            logger.debug("Browser connection ended: %r", exc)
        except asyncio.CancelledError:
            pass
        finally:
            connection.close()
            self._connections.discard(task)

    def refused(self, url: str, reason: str) -> None:
        logger.warning("Refused the browser's request for %s: %s", url, reason)
        if self.on_refused is not None:
            self.on_refused(url, reason)

    def announce(self, exchange: Exchange, method: str) -> None:
        try:
            self.on_exchange(exchange, method)
        except Exception:  # a listener's bug must not break the page being rendered
            logger.exception("Recording %s failed", exchange.url)


class _Hop:
    """One open connection to the next hop, for requests to one origin."""

    def __init__(self, key, reader, writer):
        self.key = key
        self.reader = reader
        self.writer = writer
        peer = writer.get_extra_info("peername")
        self.remote_ip = peer[0] if peer else None

    def close(self) -> None:
        self.writer.close()


class _BrowserConnection:
    """The requests the browser sends on one connection to the recorder, relayed in turn."""

    def __init__(self, proxy: RecordingProxy, reader, writer):
        self.proxy = proxy
        self.reader = reader
        self.writer = writer
        self.tunnel: tuple[str, int] | None = None  # (host, port) once inside a CONNECT
        self.hop: _Hop | None = None

    def close(self) -> None:
        if self.hop is not None:
            self.hop.close()
            self.hop = None
        self.writer.close()

    async def run(self) -> None:
        while True:
            raw = await read_head(self.reader)
            if raw is None:
                return
            head = parse_request_head(raw)
            if head.method == "CONNECT":
                await self._enter_tunnel(head)
            elif not await self._relay(head):
                return

    async def _enter_tunnel(self, head: RequestHead) -> None:
        if self.tunnel is not None:
            raise WireError("CONNECT inside a tunnel")
        host, _, port = head.target.rpartition(":")
        if not host or not port.isdigit():
            raise WireError(f"bad CONNECT target {head.target!r}")
        self.writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await self.writer.drain()
        await self.writer.start_tls(self.proxy.browser_tls)
        self.tunnel = (host.strip("[]"), int(port))

    def _url(self, head: RequestHead) -> str:
        if self.tunnel is not None:
            host, port = self.tunnel
            authority = host if port == 443 else f"{host}:{port}"
            return f"https://{authority}{head.target}"
        if head.target.lower().startswith(("http://", "https://")):
            return head.target
        return f"http://{head.get('Host') or ''}{head.target}"

    async def _relay(self, head: RequestHead) -> bool:
        """Relay one request and its answer; returns whether the browser connection stays open."""
        url = self._url(head)
        body = await read_whole_body(self.reader, request_framing(head))
        if self.proxy.refusing:
            await self._refuse(
                503, "Service Unavailable", f"nianbao recorder: {self.proxy.refusing}"
            )
            return False
        hop = self.proxy.route(url)
        sent_head, recorded_head = self._outgoing_head(head, url, hop)
        started = datetime.now(timezone.utc)
        try:
            verdict = await self.proxy.guard.vet(url, proxied=hop.proxy)
            if verdict.refusal:
                self.proxy.refused(url, verdict.refusal)
                await self._refuse(
                    403,
                    "Forbidden",
                    f"nianbao recorder: internal address refused: {verdict.refusal}",
                )
                return False
            status_raw = await self._send(hop, url, sent_head + body, verdict.address)
            status = parse_status_head(status_raw)
        except (
            OSError,
            UpstreamError,
            WireError,
            HostNotFound,
            asyncio.TimeoutError,
            ssl.SSLError,
        ) as exc:
            reason = str(exc) or type(exc).__name__
            logger.info("Browser request %s %s failed: %s", head.method, url, reason)
            await self._refuse(502, "Bad Gateway", f"nianbao recorder: {reason}")
            return False
        while 100 <= status.status < 200 and status.status != 101:
            # Interim answers (103 Early Hints) are relayed; the exchange is the final one.
            self.writer.write(status_raw)
            status_raw = await self._read_status(self.hop)
            status = parse_status_head(status_raw)
        self.writer.write(status_raw)
        if status.status == 101:
            logger.debug("Protocol switch at %s is relayed, not recorded", url)
            await self._pipe(self.hop)
            return False
        framing = response_framing(status, head.method)
        payload, too_big = bytearray(), False
        async for wire, data in body_pieces(self.hop.reader, framing):
            self.writer.write(wire)
            await self.writer.drain()
            if not too_big:
                payload += data
                if len(payload) > self.proxy.max_body:
                    too_big, payload = True, bytearray()
                    logger.warning("Not recording %s: body over %d bytes", url, self.proxy.max_body)
        await self.writer.drain()
        if not too_big:
            self.proxy.announce(
                Exchange(
                    url=url,
                    request_bytes=recorded_head + body,
                    response_head=status_raw,
                    response_body=bytes(payload),
                    started=started,
                    remote_ip=self.hop.remote_ip,
                ),
                head.method,
            )
        closing = framing[0] == "close" or "close" in status.tokens("Connection")
        if closing:
            self.hop.close()
            self.hop = None
        browser_closing = "close" in head.tokens("Connection") | head.tokens("Proxy-Connection")
        return not (closing or browser_closing)

    def _outgoing_head(self, head: RequestHead, url: str, hop: Upstream) -> tuple[bytes, bytes]:
        """(the head to send, the head to archive): they differ only by proxy credentials."""
        if self.tunnel is not None or hop.proxy:
            # Inside a tunnel the browser already speaks to the origin; to an HTTP proxy its
            # absolute-form request goes on as it is.
            sent = head.raw
            if hop.proxy and self.tunnel is None and hop.authorization:
                credentials = f"Proxy-Authorization: {hop.authorization}\r\n".encode("latin-1")
                return sent[:-2] + credentials + b"\r\n", sent
            return sent, sent
        # Straight to the origin: origin-form request line, and no proxy-only header.
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = head.raw.split(b"\r\n")
        lines[0] = f"{head.method} {target} {head.version}".encode("latin-1")
        kept = [line for line in lines if not line.lower().startswith(b"proxy-connection:")]
        sent = b"\r\n".join(kept)
        return sent, sent

    async def _send(self, hop: Upstream, url: str, message: bytes, address: str | None) -> bytes:
        """Send a request on the hop's connection (reopened once if it went stale); the status head.

        ``address``: the vetted address of the origin, connected to in place of its name.
        """
        key = (hop, self.tunnel, address)
        reused = self.hop is not None and self.hop.key == key
        if not reused:
            await self._open(hop, url, key, address)
        try:
            self.hop.writer.write(message)
            await self.hop.writer.drain()
            return await self._read_status(self.hop)
        except (ConnectionError, WireError, UpstreamError):
            if not reused:
                raise
        # A kept-alive connection the server had closed meanwhile: one fresh attempt.
        await self._open(hop, url, key, address)
        self.hop.writer.write(message)
        await self.hop.writer.drain()
        return await self._read_status(self.hop)

    async def _read_status(self, hop: _Hop) -> bytes:
        raw = await asyncio.wait_for(read_head(hop.reader), self.proxy.timeout)
        if raw is None:
            raise UpstreamError("connection closed before an answer")
        return raw

    async def _open(self, hop: Upstream, url: str, key, address: str | None) -> None:
        if self.hop is not None:
            self.hop.close()
            self.hop = None
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        host = parts.hostname or ""
        port = parts.port or (443 if secure else 80)
        timeout = self.proxy.timeout
        if hop.proxy and secure:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(hop.host, hop.port), timeout
            )
            connect = f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            if hop.authorization:
                connect += f"Proxy-Authorization: {hop.authorization}\r\n"
            writer.write((connect + "\r\n").encode("latin-1"))
            answer = await asyncio.wait_for(read_head(reader), timeout)
            status = parse_status_head(answer) if answer else None
            if status is None or status.status != 200:
                writer.close()
                line = status.start_line if status else "no answer"
                raise UpstreamError(
                    f"proxy {hop.host}:{hop.port} refused CONNECT {host}:{port}: {line}"
                )
            await asyncio.wait_for(
                writer.start_tls(self.proxy.server_tls, server_hostname=host), timeout
            )
        elif secure:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    address or host, port, ssl=self.proxy.server_tls, server_hostname=host
                ),
                timeout,
            )
        else:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(address or hop.host, hop.port), timeout
            )
        self.hop = _Hop(key, reader, writer)

    async def _pipe(self, hop: _Hop) -> None:
        async def copy(source, sink):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()

        await asyncio.gather(
            copy(self.reader, hop.writer), copy(hop.reader, self.writer), return_exceptions=True
        )

    async def _refuse(self, status: int, reason: str, text: str) -> None:
        body = text.encode("utf-8", "replace")
        self.writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
            + body
        )
        await self.writer.drain()
