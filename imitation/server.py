"""A forward HTTP proxy on 127.0.0.1 that answers for a farm of imitation government sites.

The crawler (and Chromium) are pointed at it with ``http_proxy=http://127.0.0.1:PORT`` and send
absolute-form requests (``GET http://www.anqiu.gov.cn/xxgk/ HTTP/1.1``), so every URL keeps its
real-looking ``*.gov.cn`` host. Origin-form requests pick the site from the ``Host`` header, so
curl or a browser can also talk to it directly.

Every byte sent is logged (``server.sent``) so tests can compare archived WARC payloads with what
crossed the wire, and per-host counters record how many requests a host got and how many were in
flight at once (politeness checks).

Routing: a host's ``Routes`` map ``(METHOD, path)`` to a handler. ``path`` is percent-decoded
(UTF-8) and has servlet path parameters (``;jsessionid=...``) removed, as Tomcat does. A path
ending in ``/`` falls back to its ``index.html``. HEAD uses the GET handler and drops the body. A
host may register a fallback under ``("*", "*")`` — its own 404 page — for any request no other
route takes; without one the server sends a bare 404. What goes over the wire, in and out, is
:mod:`imitation.wire`.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
import traceback
from dataclasses import dataclass, field

from imitation.model import Reply, Req, Routes
from imitation.wire import (
    BadRequest,
    has_body,
    header,
    parse_head,
    read_body,
    read_head,
    render_head,
    split_chunks,
    split_target,
)

FALLBACK = ("*", "*")
MAX_HEAD_BYTES = 64 * 1024
IDLE_TIMEOUT = 30.0


@dataclass
class Sent:
    """One response as it went out. ``payload`` is after gzip and before chunking."""

    method: str
    url: str
    status: int
    raw_head: bytes
    payload: bytes
    time: float


@dataclass
class HostStats:
    requests: int = 0
    in_flight: int = 0
    peak_concurrency: int = 0
    # When each request's head had arrived (time.monotonic()): the rate a host was asked at.
    arrivals: list[float] = field(default_factory=list)


class GovFarmServer:
    """Serve ``hosts`` (host name -> Routes) as a forward proxy on 127.0.0.1.

    ``start()`` runs it in a background thread with its own event loop; ``serve_forever()`` runs
    it in the calling thread until ``stop()`` (from another thread or a signal handler).
    """

    def __init__(self, hosts: dict[str, Routes], port: int = 0, host: str = "127.0.0.1"):
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError(f"the farm only listens on the loopback interface, not {host!r}")
        self.hosts = {name.lower(): routes for name, routes in hosts.items()}
        self.listen_host = host
        self.port = port
        self.sent: list[Sent] = []
        self.stats: dict[str, HostStats] = {}
        # TCP connections accepted: a client that reuses its connections opens far fewer of
        # them than it sends requests (connection-reuse checks).
        self.connections_opened = 0
        # Handler exceptions, kept so a test can assert the farm itself did not break.
        self.errors: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._connections: set[asyncio.Task] = set()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def proxy_url(self) -> str:
        return f"http://{self.listen_host}:{self.port}"

    def start(self) -> GovFarmServer:
        """Start serving in a daemon thread; returns once the port is bound."""
        self._thread = threading.Thread(target=self.serve_forever, name="gov-farm", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._startup_error:
            raise RuntimeError(f"farm server failed to start: {self._startup_error}")
        if not self._ready.is_set():
            raise RuntimeError("farm server did not start within 10 seconds")
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until ``stop()`` is called."""
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # surfaced to start() rather than lost in the thread
            self._startup_error = exc
            self._ready.set()
            raise

    def stop(self) -> None:
        if self._loop and self._stopping and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stopping.set)
            except RuntimeError:  # the loop closed between the check and the call
                pass
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(10)

    def is_serving(self) -> bool:
        return bool(self._thread and self._thread.is_alive())

    def wait(self, timeout: float | None = None) -> None:
        """Block until the background server stops, or ``timeout`` seconds pass."""
        if self._thread:
            self._thread.join(timeout)

    def __enter__(self) -> GovFarmServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._on_connection, self.listen_host, self.port)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stopping.wait()
            server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

    # -- logs --------------------------------------------------------------------------------

    def sent_for(self, url: str) -> list[Sent]:
        """Every response sent for ``url`` (the request target as the client wrote it)."""
        return [s for s in list(self.sent) if s.url == url]

    def reset_log(self) -> None:
        """Forget what was sent, the per-host counters and recorded handler errors."""
        self.sent.clear()
        self.stats.clear()
        self.errors.clear()
        self.connections_opened = 0

    # -- connections -------------------------------------------------------------------------

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        task = asyncio.current_task()
        self._connections.add(task)
        self.connections_opened += 1
        try:
            while True:
                try:
                    head = await asyncio.wait_for(read_head(reader), IDLE_TIMEOUT)
                    if head is None:
                        return
                    keep_alive = await self._exchange(head, reader, writer)
                except BadRequest as exc:
                    await self._send(writer, "-", "-", _plain(400, "Bad Request", str(exc)))
                    return
                if not keep_alive:
                    return
        except (
            ConnectionError,
            asyncio.TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.CancelledError,
        ):
            return
        finally:
            self._connections.discard(task)
            writer.close()

    async def _exchange(self, head: bytes, reader, writer) -> bool:
        """Read one request's body, answer it; returns whether the connection stays open."""
        method, target, version, headers = parse_head(head)
        if method == "CONNECT":
            reply = _plain(
                405,
                "Method Not Allowed",
                "CONNECT refused: the farm imitates plain-HTTP sites only; HTTPS "
                "tunnels are not imitated. Use http:// URLs through this proxy.",
            )
            reply.headers.append(("Allow", "GET, HEAD, POST"))
            await self._send(writer, method, target, reply)
            return False
        if (header(headers, "Expect") or "").lower() == "100-continue":
            # curl waits a second for this before sending a large body.
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await read_body(reader, headers)
        host, path, query, url = split_target(target, headers)
        req = Req(method=method, host=host, path=path, query=query, headers=headers, body=body)
        stats = self.stats.setdefault(host, HostStats())
        stats.requests += 1
        stats.arrivals.append(time.monotonic())
        stats.in_flight += 1
        stats.peak_concurrency = max(stats.peak_concurrency, stats.in_flight)
        try:
            reply = self._answer(req)
            if reply.delay:
                await asyncio.sleep(reply.delay)
            await self._send(writer, method, url, reply)
        finally:
            stats.in_flight -= 1
        connection = header(headers, "Connection") or header(headers, "Proxy-Connection") or ""
        if version == "HTTP/1.0":
            return connection.lower() == "keep-alive"
        return connection.lower() != "close"

    def _answer(self, req: Req) -> Reply:
        routes = self.hosts.get(req.host)
        if routes is None:
            if req.host in ("127.0.0.1", "localhost", ""):
                return self._index_page()
            # What a real proxy says when the name does not resolve.
            return _plain(
                502,
                "Bad Gateway",
                f"Unknown host {req.host!r}: it is not one of the farm's sites "
                "(a real proxy would have failed its DNS lookup).",
            )
        handler = _route(routes, req.method, req.path)
        if handler is None:
            return _plain(404, "Not Found", f"No page at {req.path}")
        try:
            reply = handler(req)
        except Exception:  # noqa: BLE001  (any handler bug becomes a 500 and a recorded error)
            error = (
                f"{req.method} http://{req.host}{req.path}?{req.query}\n{traceback.format_exc()}"
            )
            self.errors.append(error)
            return _plain(500, "Internal Server Error", "farm handler error:\n" + error)
        if not isinstance(reply, Reply):
            self.errors.append(f"handler for {req.host}{req.path} returned {type(reply).__name__}")
            return _plain(500, "Internal Server Error", "farm handler did not return a Reply")
        return reply

    def _index_page(self) -> Reply:
        links = "".join(f'<li><a href="http://{h}/">{h}</a></li>' for h in sorted(self.hosts))
        html = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Government site farm'
            "</title></head><body><h1>Imitation government sites</h1><p>Set this server as "
            f"your HTTP proxy ({self.proxy_url}) to browse them.</p><ul>{links}</ul>"
            "</body></html>"
        )
        return Reply(headers=[("Content-Type", "text/html; charset=utf-8")], body=html.encode())

    async def _send(self, writer, method: str, url: str, reply: Reply) -> None:
        payload = gzip.compress(reply.body, mtime=0) if reply.gzip else reply.body
        head = render_head(reply, len(payload))
        self.sent.append(Sent(method, url, reply.status, head, payload, time.time()))
        writer.write(head)
        if method != "HEAD" and has_body(reply.status):
            if reply.chunked:
                for piece in split_chunks(payload):
                    writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    await writer.drain()
                writer.write(b"0\r\n\r\n")
            else:
                writer.write(payload)
        await writer.drain()


# -- routing ----------------------------------------------------------------------------------


def _plain(status: int, reason: str, text: str) -> Reply:
    return Reply(
        status=status,
        reason=reason,
        headers=[("Content-Type", "text/plain; charset=utf-8")],
        body=text.encode("utf-8"),
    )


def _route(routes: Routes, method: str, path: str):
    candidates = [path]
    if path.endswith("/"):
        candidates.append(path + "index.html")
    for candidate in candidates:
        for wanted in [method, "GET"] if method == "HEAD" else [method]:
            if (wanted, candidate) in routes:
                return routes[(wanted, candidate)]
    return routes.get(FALLBACK)
