"""Byte-exact capture of Scrapy's HTTP/1.1 downloads, for the WARC archive.

Scrapy normalises a response long before any middleware sees it: Twisted parses the status line
and headers into a dict (the reason phrase, header case, order and spacing are gone) and undoes
the transfer chunking. An archive built from ``scrapy.http.Response`` therefore cannot be
byte-faithful. This handler tees the bytes at the Twisted protocol instead: what was written to
the socket is the request, and what was read from it up to the blank line is the response head.
The body is taken from Twisted once it has undone the chunking (and only that: content coding
is still applied at this point, HttpCompressionMiddleware runs much later).

Each finished download is announced with the ``exchange_captured`` signal; the archive extension
(or anything else) listens for it. Browser traffic will announce itself through the same signal.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _ScrapyAgent,
    _ScrapyProxyAgent,
)
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.web.client import URI

from archive.exchange import Exchange

logger = logging.getLogger(__name__)

#: Sent with ``exchange=Exchange, request=scrapy.Request, response=scrapy.Response``.
exchange_captured = object()


class _Capture:
    """The raw bytes of one request/response on a connection."""

    def __init__(self) -> None:
        self.started = datetime.now(timezone.utc)
        self.sent = bytearray()
        self.received = bytearray()

    def head(self) -> bytes:
        """Status line and header lines up to and including the blank line."""
        data = bytes(self.received)
        for end in (b"\r\n\r\n", b"\n\n"):
            cut = data.find(end)
            if cut != -1:
                return data[: cut + len(end)]
        return data


class _TeeTransport:
    """Delegates to the real transport and keeps a copy of what is written."""

    def __init__(self, transport, sink: bytearray) -> None:
        self._transport = transport
        self._sink = sink

    def write(self, data: bytes) -> None:
        self._sink += data
        self._transport.write(data)

    def writeSequence(self, data) -> None:
        for chunk in data:
            self._sink += chunk
        self._transport.writeSequence(data)

    def __getattr__(self, name):
        return getattr(self._transport, name)


class _CapturingProtocol(_LenientHTTP11ClientProtocol):
    _capture: _Capture | None = None

    def request(self, request):
        capture = _Capture()
        self._capture = capture
        # Twisted writes the request (head and body) synchronously from request(); swapping the
        # transport for the duration of the call is enough to see every byte sent.
        real = self.transport
        self.transport = _TeeTransport(real, capture.sent)
        try:
            d = super().request(request)
        finally:
            self.transport = real

        def attach(response):
            response._nianbao_capture = capture
            return response

        return d.addCallback(attach)

    def dataReceived(self, data: bytes) -> None:
        if self._capture is not None:
            self._capture.received += data
        super().dataReceived(data)


class _CapturingFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):
        return _CapturingProtocol(self._quiescentCallback)


class _PerHostProxyAgent(_ScrapyProxyAgent):
    """Scrapy's plain-HTTP proxy agent, pooling connections per target host.

    Scrapy keys every connection through a proxy to the proxy alone, and the pool keeps
    ``CONCURRENT_REQUESTS_PER_DOMAIN`` connections per key: a crawl of many hosts through one
    proxy closed nearly every connection after one request (142 connections for 249 requests
    over 16 hosts). Keyed per target host, each host keeps its own few, as without a proxy.
    """

    def request(self, method, uri, headers=None, bodyProducer=None):
        target = URI.fromBytes(uri)
        return self._requestWithEndpoint(
            key=(
                b"http-proxy",
                self._proxyURI.host,
                self._proxyURI.port,
                target.scheme,
                target.host,
                target.port,
            ),
            endpoint=self._getEndpoint(self._proxyURI),
            method=method,
            parsedURI=target,
            headers=headers,
            bodyProducer=bodyProducer,
            requestPath=uri,
        )

    @classmethod
    def like(cls, agent: _ScrapyProxyAgent) -> _PerHostProxyAgent:
        """The same agent (proxy, pool, timeouts, bind address), pooling per target host."""
        per_host = cls.__new__(cls)
        per_host.__dict__.update(agent.__dict__)
        return per_host


class _CapturingAgent(_ScrapyAgent):
    capture: _Capture | None = None

    def _get_agent(self, request, timeout):
        agent = super()._get_agent(request, timeout)
        return _PerHostProxyAgent.like(agent) if type(agent) is _ScrapyProxyAgent else agent

    def _cb_bodydone(self, result, url):
        self.capture = getattr(result["txresponse"], "_nianbao_capture", None)
        return super()._cb_bodydone(result, url)


class CapturingHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, plus an :class:`Exchange` for every response it returns."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool._factory = _CapturingFactory

    async def download_request(self, request: Request) -> Response:
        agent = _CapturingAgent(
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                response = await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        if agent.capture is not None:
            exchange = Exchange(
                url=response.url,
                request_bytes=bytes(agent.capture.sent),
                response_head=agent.capture.head(),
                response_body=response.body,
                started=agent.capture.started,
                remote_ip=str(response.ip_address) if response.ip_address else None,
            )
            self._crawler.signals.send_catch_log(
                signal=exchange_captured, exchange=exchange, request=request, response=response
            )
        return response
