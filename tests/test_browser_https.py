"""An HTTPS site whose list a script fills in: rendered through the recorder's TLS break, archived.

The farm server imitates plain-HTTP sites only, so this site is served by a small TLS origin on
localhost (no proxy for HTTPS, as ``https_proxy`` is unset): the plain download and the browser's
traffic both go straight to it, the browser's through the recorder, which ends the browser's TLS
and opens its own.
"""

from __future__ import annotations

import asyncio
import gzip
import threading

import pytest

from crawler.browser import tls
from imitation.browser_sites import BrowserSites
from imitation.model import Reply, Req
from imitation.server import GovFarmServer
from imitation.wire import render_head, split_chunks
from tests.test_browser_crawl import crawl

pytestmark = pytest.mark.timeout(180)


class TlsOrigin:
    """Serve one site's routes over HTTPS on 127.0.0.1, logging each answer's bytes."""

    def __init__(self, routes):
        self.routes = routes
        self.sent: list[tuple[str, bytes, bytes]] = []  # (path, head, payload)
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def __enter__(self):
        threading.Thread(target=asyncio.run, args=(self._main(),), daemon=True).start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._stop.set)

    async def _main(self):
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        server = await asyncio.start_server(
            self._serve, "127.0.0.1", 0, ssl=tls.browser_side_context()
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()

    async def _serve(self, reader, writer):
        try:
            while True:
                lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ")
                headers = [
                    tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if line
                ]
                path, _, query = target.partition("?")
                handler = self.routes.get((method, path)) or self.routes.get(
                    (method, path + "index.html")
                )
                reply = (
                    handler(Req(method, "localhost", path, query, headers))
                    if handler
                    else Reply(404, "Not Found")
                )
                payload = gzip.compress(reply.body, mtime=0) if reply.gzip else reply.body
                head = render_head(reply, len(payload))
                self.sent.append((path, head, payload))
                wire = (
                    b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in split_chunks(payload))
                    + b"0\r\n\r\n"
                    if reply.chunked
                    else payload
                )
                writer.write(head + wire)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


def test_an_https_list_filled_by_a_script_is_crawled_and_archived(tmp_path):
    sites = BrowserSites(memory_pages=1)
    linqu = sites.by_host["www.linqu.gov.cn"]
    with GovFarmServer({}) as farm, TlsOrigin(sites.hosts[linqu.host]) as origin:
        base = f"https://localhost:{origin.port}"
        csv = (
            sites.csv(linqu.host)
            .replace(f"http://{linqu.host}", base)
            .replace(f",{linqu.host},", ",localhost,")
        )
        # The HTTPS origin is localhost, reached directly: an internal address the crawl refuses
        # unless told otherwise (crawler/netguard.py).
        result = crawl(tmp_path, farm, csv, ALLOW_INTERNAL_ADDRESSES="True")
    assert result.returncode == 0, result.log[-3000:]
    assert result.found("report", f"localhost:{origin.port}") == {
        base + p for p in linqu.report_paths
    }
    assert result.stat("browser/pages") == 1
    xhr = [
        r
        for r in result.records
        if r.rec_type == "response" and "/api/ndbg/list" in (r.target_uri or "")
    ]
    assert [r.target_uri for r in xhr] == [f"{base}/api/ndbg/list?page=1&size=15"]
    [(_, _, payload)] = [s for s in origin.sent if s[0] == "/api/ndbg/list"]
    assert xhr[0].payload == payload
    assert result.request_of(xhr[0]).http_header("Proxy-Connection") is None  # inside the tunnel
    assert [r.target_uri for r in result.records if r.rec_type == "conversion"] == [
        f"{base}/xxgk/ndbg/"
    ]
