"""Hostile network input: no request of the crawl reaches an internal address (issue 12).

An "internal" server — a metadata service on 127.0.0.2, an admin page on localhost — counts
every request it gets. A rendered 412 challenge page's script, a redirect and rows of the sites
list all point at it; with ``ALLOW_INTERNAL_ADDRESSES`` off it gets none, and each refusal is
recorded with its reason. The same crawl with the setting on shows every path does reach it.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import async_playwright

from crawler.browser import tls
from crawler.browser.launch import Upstream, launch_options
from crawler.browser.recorder import RecordingProxy
from crawler.netguard import (
    AddressGuard,
    resolve_with_asyncio,
)
from imitation.model import Reply, Req, html_reply
from imitation.server import GovFarmServer
from tests.crawling import ROOT, archived, crawl_command, read_items

pytestmark = pytest.mark.timeout(300)

METADATA_PATH = "/latest/meta-data/iam/security-credentials/role"
HOSTILE, REDIRECTING = "www.hostile.gov.cn", "www.redirect.gov.cn"


class InternalServer:
    """An HTTP server on a loopback address that logs the path of every request it gets."""

    def __init__(self, address: str):
        paths = self.paths = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                paths.append(self.path)
                body = b'{"AccessKeyId": "internal-secret"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.port = self.server.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


def hostile_sites(metadata: str, admin: str) -> dict:
    """A 412 challenge whose script asks for ``metadata`` and ``admin`` before it reloads, and a
    site whose start page redirects to ``admin``."""
    script = (
        "<script>Promise.allSettled(["
        f"fetch('{metadata}{METADATA_PATH}', {{mode: 'no-cors'}}),"
        f"fetch('{admin}/admin/', {{mode: 'no-cors'}})"
        "]).then(function () { document.cookie = 'passed=1; path=/'; location.reload(); });"
        "</script>"
    )

    def challenge(req: Req) -> Reply:
        if "passed=1" in (req.header("Cookie") or ""):
            return html_reply(
                "<html><head><title>青州市人民政府</title></head><body>首页</body></html>"
            )
        return Reply(
            status=412,
            reason="Precondition Failed",
            headers=[("Content-Type", "text/html; charset=utf-8")],
            body=f"<!DOCTYPE html><html><head>{script}</head><body></body></html>".encode(),
        )

    def redirect(req: Req) -> Reply:
        return Reply(status=302, reason="Found", headers=[("Location", f"{admin}/secret")])

    return {
        HOSTILE: {("GET", "/"): challenge},
        REDIRECTING: {("GET", "/"): redirect},
    }


def sites_csv(metadata_port: int, admin_port: int) -> str:
    rows = [
        f"青州市人民政府,370781,county,http://{HOSTILE}/,",
        f"寿光市人民政府,370783,county,http://{REDIRECTING}/,redirect.gov.cn localhost",
        f"本机,370784,county,http://localhost:{admin_port}/csv-row,",
        # Refused as they are read, before any request:
        f"元数据,370785,county,http://127.0.0.2:{metadata_port}/,",
        "元数据,370785,county,http://169.254.169.254/latest/meta-data/,",
        f"十进制,370785,county,http://2130706433:{admin_port}/,",
        f"十六进制,370785,county,http://0x7f.1:{admin_port}/,",
        f"环回,370785,county,http://[::1]:{admin_port}/,",
        f"用户名,370785,county,http://gov.cn@127.0.0.1:{admin_port}/,",
    ]
    return "name,region_code,level,url,allowed_domains\n" + "\n".join(rows) + "\n"


def crawl(workdir, farm: GovFarmServer, csv_text: str, allow: bool):
    workdir.mkdir(parents=True, exist_ok=True)
    sites = workdir / "sites.csv"
    sites.write_text(csv_text, encoding="utf-8")
    command = crawl_command(sites, workdir) + ["-s", f"ALLOW_INTERNAL_ADDRESSES={allow}"]
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "no_proxy")}
    # The gov.cn names through the farm's proxy; the internal addresses directly, as an
    # attacker's would be reached: the crawler itself resolves and connects to them.
    env.update(http_proxy=farm.proxy_url, no_proxy="localhost,127.0.0.2")
    env.pop("https_proxy", None)
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=280, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = workdir / "found.jsonl"
    return (
        read_items(found) if found.exists() else [],
        done.stderr,
        list(archived(workdir / "warc")),
    )


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """The same hostile crawl twice: with internal addresses refused (the default), and allowed."""
    with InternalServer("127.0.0.2") as metadata, InternalServer("127.0.0.1") as admin:
        metadata_url = f"http://127.0.0.2:{metadata.port}"
        admin_url = f"http://localhost:{admin.port}"
        csv_text = sites_csv(metadata.port, admin.port)
        with GovFarmServer(hostile_sites(metadata_url, admin_url)) as farm:
            workdir = tmp_path_factory.mktemp("hostile")
            refused = crawl(workdir / "refused", farm, csv_text, allow=False)
            refused_hits = (list(metadata.paths), list(admin.paths), proxied(farm))
            farm.reset_log()
            allowed = crawl(workdir / "allowed", farm, csv_text, allow=True)
            allowed_hits = (
                metadata.paths[len(refused_hits[0]) :],
                admin.paths[len(refused_hits[1]) :],
                proxied(farm),
            )
    return {
        "refused": (*refused, refused_hits),
        "allowed": (*allowed, allowed_hits),
        "ports": (metadata.port, admin.port),
    }


def proxied(farm: GovFarmServer) -> list[str]:
    """The URLs the crawl asked the proxy for that were not the farm's own sites."""
    return [s.url for s in farm.sent if "localhost" in s.url or "127." in s.url]


def test_no_request_reaches_an_internal_address(crawls):
    items, log, records, (metadata_hits, admin_hits, via_proxy) = crawls["refused"]
    assert metadata_hits == [] and admin_hits == [] and via_proxy == []
    internal = [
        r.target_uri for r in records if re.search(r"//(127\.|localhost)", r.target_uri or "")
    ]
    assert internal == []
    assert "Task exception was never retrieved" not in log and "Traceback" not in log


def test_each_refusal_is_recorded_with_its_reason(crawls):
    items, log, _, _ = crawls["refused"]
    metadata_port, admin_port = crawls["ports"]
    errors = {item["url"]: item for item in items if item["type"] == "error"}
    # The rendered challenge's two requests (the browser's recorder refused them).
    browser = errors[f"http://127.0.0.2:{metadata_port}{METADATA_PATH}"]
    assert browser["kind"] == "resource" and browser["via"] == f"http://{HOSTILE}/"
    assert "127.0.0.2 is a loopback address" in browser["reason"]
    assert (
        "localhost resolves to 127.0.0.1"
        in errors[f"http://localhost:{admin_port}/admin/"]["reason"]
    )
    # The sites-list row naming localhost: refused after resolving it.
    assert (
        "internal address refused: localhost resolves to 127.0.0.1, a loopback address"
        in (errors[f"http://localhost:{admin_port}/csv-row"]["reason"])
    )
    # The redirect's target: Scrapy keeps a redirect on its request's proxy, which resolves the
    # name, so the name itself is refused.
    redirected = errors[f"http://localhost:{admin_port}/secret"]
    assert "internal address refused: localhost names this machine" in redirected["reason"]
    assert redirected["site_key"] == f"{REDIRECTING}#3"
    # The challenge was still passed: the page itself was rendered and archived.
    assert re.search(r"'browser/pages': 1\b", log)
    assert re.search(r"'netguard/refused': [4-9]", log)
    # The rows naming internal addresses were refused as the file was read, one line each.
    refused_rows = dict(
        re.findall(r"Sites file \S+, line (\d+): url (.+?); that row is skipped", log)
    )
    assert sorted(refused_rows) == ["10", "5", "6", "7", "8", "9"]
    assert refused_rows["5"].startswith("host '127.0.0.2' is a loopback address")
    assert refused_rows["6"].startswith("host '169.254.169.254' is a link-local address")
    assert (
        refused_rows["7"]
        == "host '2130706433' is the IP address 127.0.0.1 spelt unusually; write 127.0.0.1"
    )
    assert refused_rows["8"].startswith("host '0x7f.1' is the IP address 127.0.0.1 spelt unusually")
    assert refused_rows["9"].startswith("host '::1' is a loopback address")
    assert refused_rows["10"].startswith("must not carry a user name")
    assert "is a request to host '127.0.0.1'" in refused_rows["10"]


def test_allowed_internal_addresses_are_reached_by_every_path(crawls):
    """The control: the same crawl with the setting on reaches the internal server each way, so
    the zero above is the guard's doing."""
    _, log, _, (metadata_hits, admin_hits, via_proxy) = crawls["allowed"]
    metadata_port, admin_port = crawls["ports"]
    assert METADATA_PATH in metadata_hits  # the browser's script
    assert {"/admin/", "/csv-row"} <= set(admin_hits)  # the browser's script, the CSV row
    # The redirect went to the proxy, which a real one would have forwarded to its localhost.
    assert f"http://localhost:{admin_port}/secret" in via_proxy


def test_the_per_site_summary_counts_the_refusals(crawls):
    _, log, _, _ = crawls["refused"]
    assert re.search(r"localhost#4\s+0\s+0\s+0\s+[1-9]", log)


async def stun_packets(args: list[str]) -> int:
    """UDP packets a page's WebRTC sends to a STUN server on 127.0.0.2, past its HTTP proxy."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.2", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    async with async_playwright() as playwright:
        options = launch_options({"headless": True}, playwright.chromium.executable_path)
        browser = await playwright.chromium.launch(**{**options, "args": args})
        # Port 9 (discard): nothing listens there; the proxy only has to be configured.
        context = await browser.new_context(proxy={"server": "http://127.0.0.1:9"})
        page = await context.new_page()
        await page.set_content("<html><body></body></html>")
        await page.evaluate(
            "port => { const pc = new RTCPeerConnection("
            "{iceServers: [{urls: 'stun:127.0.0.2:' + port}]});"
            "pc.createDataChannel('x');"
            "return pc.createOffer().then(offer => pc.setLocalDescription(offer)); }",
            port,
        )
        await asyncio.sleep(1)  # ICE gathering starts with the local description
        await browser.close()
    packets = 0
    while True:
        try:
            listener.recv(2048)
        except BlockingIOError:
            break
        packets += 1
    listener.close()
    return packets


def test_webrtc_sends_nothing_past_the_recorder():
    """Chromium's flags keep WebRTC's UDP off the network; without the flag it goes out."""

    async def run():
        options = launch_options({}, None)
        ours = await stun_packets(options["args"])
        flag = "--webrtc-ip-handling-policy=disable_non_proxied_udp"
        without = await stun_packets([a for a in options["args"] if a != flag])
        return ours, without

    ours, without = asyncio.run(run())
    assert ours == 0 and without > 0


async def through_recorder(guard: AddressGuard, target: str, path: str, *, tunnel: bool):
    """One request through a recording proxy straight to ``target`` (host:port), plain or inside
    a CONNECT tunnel as a browser sends HTTPS; returns (status line, body, refusals)."""
    refusals, exchanges = [], []
    host, port = target.rsplit(":", 1)
    proxy = RecordingProxy(
        lambda exchange, method: exchanges.append(exchange),
        browser_tls=tls.browser_side_context(),
        server_tls=tls.server_side_context(),
        guard=guard,
        on_refused=lambda url, reason: refusals.append((url, reason)),
        route=lambda url: Upstream(host, int(port), False),
        timeout=10,
    )
    await proxy.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    if tunnel:
        writer.write(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
        client = ssl.create_default_context()
        client.check_hostname, client.verify_mode = False, ssl.CERT_NONE
        await writer.start_tls(client, server_hostname=host)
        line = f"GET {path} HTTP/1.1"
    else:
        line = f"GET http://{target}{path} HTTP/1.1"
    writer.write(f"{line}\r\nHost: {target}\r\nConnection: close\r\n\r\n".encode())
    answer = await reader.read()
    writer.close()
    await proxy.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), body.decode(), refusals, exchanges


def test_the_recorder_refuses_internal_addresses_plain_and_tunnelled():
    guard = AddressGuard(resolve_with_asyncio, allow_internal=False)
    with InternalServer("127.0.0.2") as metadata, InternalServer("127.0.0.1") as admin:
        plain = asyncio.run(
            through_recorder(guard, f"127.0.0.2:{metadata.port}", METADATA_PATH, tunnel=False)
        )
        tunnelled = asyncio.run(
            through_recorder(guard, f"127.0.0.2:{metadata.port}", METADATA_PATH, tunnel=True)
        )
        named = asyncio.run(
            through_recorder(guard, f"localhost:{admin.port}", "/admin/", tunnel=False)
        )
        allowing = AddressGuard(resolve_with_asyncio, allow_internal=True)
        control = asyncio.run(
            through_recorder(allowing, f"127.0.0.2:{metadata.port}", METADATA_PATH, tunnel=False)
        )
        hits = list(metadata.paths), list(admin.paths)
    for status, body, refusals, exchanges in (plain, tunnelled, named):
        assert status == "HTTP/1.1 403 Forbidden" and "internal address refused" in body
        assert len(refusals) == 1 and exchanges == []
    assert plain[2][0] == (
        f"http://127.0.0.2:{metadata.port}{METADATA_PATH}",
        "127.0.0.2 is a loopback address",
    )
    assert tunnelled[2][0][0] == f"https://127.0.0.2:{metadata.port}{METADATA_PATH}"
    assert "localhost resolves to" in named[2][0][1]
    # Only the control, with internal addresses allowed, reached the server.
    assert control[0] == "HTTP/1.0 200 OK" and "internal-secret" in control[1]
    assert hits == ([METADATA_PATH], [])
