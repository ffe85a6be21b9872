"""The recording proxy: what it relays is what it records, byte for byte, in both directions."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest
from playwright.async_api import async_playwright

from crawler.browser import tls
from crawler.browser.launch import Upstream, launch_options
from crawler.browser.recorder import RecordingProxy
from crawler.netguard import AddressGuard, resolve_with_asyncio
from imitation.recorder_fidelity import FIDELITY_HOST, fidelity_routes
from imitation.server import GovFarmServer
from imitation.wire import split_chunks

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def farm():
    with GovFarmServer({FIDELITY_HOST: fidelity_routes()}) as server:
        yield server


def recorder(exchanges: list, route) -> RecordingProxy:
    return RecordingProxy(
        lambda exchange, method: exchanges.append((method, exchange)),
        browser_tls=tls.browser_side_context(),
        server_tls=tls.server_side_context(),
        # The origins here are on 127.0.0.1 (tests/test_hostile_network.py checks the refusal).
        guard=AddressGuard(resolve_with_asyncio, allow_internal=True),
        route=route,
        timeout=10,
    )


async def read_response(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """A whole response as sent (head, body with its framing), for responses with known framing."""
    head = await reader.readuntil(b"\r\n\r\n")
    lowered = head.lower()
    if b"transfer-encoding: chunked" in lowered:
        body = b""
        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.strip(), 16)
            data = await reader.readexactly(size + 2)
            body += line + data
            if size == 0:
                return head, body
    length = 0
    for line in lowered.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head, await reader.readexactly(length)


def test_relays_through_the_upstream_proxy_and_records_exactly_what_crossed(farm):
    exchanges = []
    farm.reset_log()
    requests = [
        f"GET http://{FIDELITY_HOST}/api/list.json?page=1 HTTP/1.1\r\nHost: {FIDELITY_HOST}\r\n"
        "Proxy-Connection: keep-alive\r\nAccept-Encoding: gzip, deflate\r\n\r\n".encode(),
        f"GET http://{FIDELITY_HOST}/page.html HTTP/1.1\r\nHost: {FIDELITY_HOST}\r\n"
        "Proxy-Connection: keep-alive\r\nCookie: x=1\r\n\r\n".encode(),
        f"POST http://{FIDELITY_HOST}/api/search HTTP/1.1\r\nHost: {FIDELITY_HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nq=%E5%B9%B4".encode(),
        f"GET http://{FIDELITY_HOST}/nothing HTTP/1.1\r\nHost: {FIDELITY_HOST}\r\n\r\n".encode(),
    ]

    async def run():
        proxy = recorder(exchanges, lambda url: Upstream("127.0.0.1", farm.port, True))
        await proxy.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        received = []
        for request in requests:  # one keep-alive connection, as a browser uses it
            writer.write(request)
            received.append(await read_response(reader))
        writer.close()
        await proxy.close()
        return received

    received = asyncio.run(run())
    sent = {s.url.split("?")[0].rsplit("/", 1)[1]: s for s in farm.sent}
    assert [method for method, _ in exchanges] == ["GET", "GET", "POST", "GET"]
    for request, (_method, exchange), (head, _body) in zip(requests, exchanges, received):
        wire = sent[exchange.url.split("?")[0].rsplit("/", 1)[1]]
        assert exchange.request_bytes == request  # sent on unchanged, archived unchanged
        assert exchange.response_head == wire.raw_head == head
        assert exchange.response_body == wire.payload  # content coding kept, chunking undone
        assert exchange.remote_ip == "127.0.0.1"
    # The browser got the chunked framing as the server sent it.
    assert (
        received[0][1]
        == b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in split_chunks(sent["list.json"].payload))
        + b"0\r\n\r\n"
    )
    assert exchanges[0][1].response_body[:2] == b"\x1f\x8b"
    assert b"X-Spacing:   kept " in exchanges[1][1].response_head
    assert exchanges[1][1].response_head.count(b"Set-Cookie") == 2
    assert exchanges[3][1].response_body == b""


def test_straight_to_the_origin_the_request_line_becomes_origin_form():
    exchanges, origin_got = [], []

    async def origin(reader, writer):
        origin_got.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        writer.close()

    async def run():
        server = await asyncio.start_server(origin, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        proxy = recorder(exchanges, lambda url: Upstream("127.0.0.1", port, False))
        await proxy.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(
            b"GET http://www.example.gov.cn/a/b.html?x=1 HTTP/1.1\r\nHost: www.example.gov.cn\r\n"
            b"Proxy-Connection: keep-alive\r\nUser-Agent: test\r\n\r\n"
        )
        answer = await read_response(reader)
        writer.close()
        await proxy.close()
        server.close()
        return answer

    _, body = asyncio.run(run())
    assert body == b"ok"
    assert origin_got == [
        b"GET /a/b.html?x=1 HTTP/1.1\r\nHost: www.example.gov.cn\r\nUser-Agent: test\r\n\r\n"
    ]
    assert exchanges[0][1].request_bytes == origin_got[0]
    assert exchanges[0][1].url == "http://www.example.gov.cn/a/b.html?x=1"


def test_an_unreachable_next_hop_is_a_502_with_the_reason_and_nothing_recorded(caplog):
    exchanges = []
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]

    async def run():
        proxy = recorder(exchanges, lambda url: Upstream("127.0.0.1", dead_port, True))
        await proxy.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"GET http://www.example.gov.cn/ HTTP/1.1\r\nHost: www.example.gov.cn\r\n\r\n")
        answer = await read_response(reader)
        writer.close()
        await proxy.close()
        return answer

    with caplog.at_level(logging.INFO, logger="crawler.browser.recorder"):
        head, body = asyncio.run(run())
    assert head.startswith(b"HTTP/1.1 502 ")
    assert b"nianbao recorder" in body
    assert exchanges == []
    assert "http://www.example.gov.cn/ failed" in caplog.text


def test_chromium_over_https_is_recorded_through_the_tls_break():
    """The browser's HTTPS traffic: TLS ended at the recorder, the server's bytes archived."""
    exchanges, origin_sent = [], []
    page = (
        b"<html><body><ul id='list'></ul><script>fetch('/data.json').then(r => r.json())"
        b".then(d => { document.getElementById('list').innerHTML = '<li>' + d.title + '</li>'; })"
        b"</script></body></html>"
    )
    data = '{"title": "昌邑市2021年政府信息公开工作年度报告"}'.encode()

    async def origin(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                body = data if b"/data.json" in head.split(b"\r\n")[0] else page
                kind = b"application/json" if body is data else b"text/html; charset=utf-8"
                answer = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (
                    kind,
                    len(body),
                )
                origin_sent.append(answer + body)
                writer.write(answer + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def run():
        # The origin's certificate is self-signed too: the recorder, like Scrapy, does not check it.
        server = await asyncio.start_server(origin, "127.0.0.1", 0, ssl=tls.browser_side_context())
        port = server.sockets[0].getsockname()[1]
        proxy = recorder(exchanges, lambda url: Upstream("127.0.0.1", port, False))
        await proxy.start()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                **launch_options({}, playwright.chromium.executable_path)
            )
            context = await browser.new_context(
                proxy={"server": proxy.url}, ignore_https_errors=True
            )
            tab = await context.new_page()
            await tab.goto(f"https://localhost:{port}/reports/", wait_until="networkidle")
            html = await tab.content()
            await context.close()
            await browser.close()
        await proxy.close()
        server.close()
        return port, html

    port, html = asyncio.run(run())
    assert "昌邑市2021年" in html
    urls = [exchange.url for _, exchange in exchanges]
    assert (
        f"https://localhost:{port}/reports/" in urls
        and f"https://localhost:{port}/data.json" in urls
    )
    recorded = {exchange.url.rsplit("/", 1)[1]: exchange for _, exchange in exchanges}
    assert recorded["data.json"].response_head + recorded["data.json"].response_body in origin_sent
    assert recorded["data.json"].request_bytes.startswith(b"GET /data.json HTTP/1.1\r\n")
