"""The farm's forward proxy: exact bytes on the wire, framing, routing, logs and counters."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from imitation.model import Reply, Req, html_reply
from imitation.server import GovFarmServer
from imitation.wire import CHUNK_SIZES, render_head, split_chunks

HOST = "www.example.gov.cn"


def echo(req: Req) -> Reply:
    text = f"{req.method} {req.host} {req.path} q={req.query} body={req.body.decode()} args={sorted(req.args.items())}"
    return Reply(headers=[("Content-Type", "text/plain; charset=utf-8")], body=text.encode())


ROUTES = {
    ("GET", "/exact"): lambda req: Reply(
        status=203,
        reason="Non-Authoritative Information",
        headers=[("Set-Cookie", "a=1"), ("X-Order", "first"), ("Set-Cookie", "b=2")],
        body=b"exact body",
    ),
    ("GET", "/chunked"): lambda req: Reply(
        headers=[("Content-Type", "text/plain")], body=("分块" * 3000).encode(), chunked=True
    ),
    ("GET", "/gzip"): lambda req: Reply(
        headers=[("Content-Type", "text/plain")], body=b"zipped " * 500, gzip=True
    ),
    ("GET", "/slow"): lambda req: Reply(body=b"slow", delay=0.3),
    ("GET", "/echo"): echo,
    ("POST", "/echo"): echo,
    ("GET", "/目录/index.html"): echo,
    ("GET", "/broken"): lambda req: 1 / 0,
    ("*", "*"): lambda req: html_reply("<h1>站内404</h1>", status=404, reason="Not Found"),
}


@pytest.fixture
def server():
    with GovFarmServer({HOST: ROUTES, "bare.example.gov.cn": {}}) as running:
        yield running


def read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """One response from ``sock``: (head, body as framed on the wire). Handles keep-alive."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536) or _eof()
    head, _, rest = data.partition(b"\r\n\r\n")
    head += b"\r\n\r\n"
    lines = head.decode("latin-1").lower()
    if "transfer-encoding: chunked" in lines:
        while not rest.endswith(b"0\r\n\r\n"):
            rest += sock.recv(65536) or _eof()
        return head, rest
    length = (
        int(lines.split("content-length: ")[1].split("\r\n")[0]) if "content-length" in lines else 0
    )
    while len(rest) < length:
        rest += sock.recv(65536) or _eof()
    return head, rest


def _eof():
    raise ConnectionError("server closed the connection early")


def raw_exchange(server, request: bytes) -> tuple[bytes, bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request)
        return read_response(sock)


def dechunk(raw: bytes) -> list[bytes]:
    pieces = []
    while True:
        size_line, _, raw = raw.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert raw == b"\r\n"
            return pieces
        pieces.append(raw[:size])
        assert raw[size : size + 2] == b"\r\n"
        raw = raw[size + 2 :]


def proxy_opener(server):
    return urllib.request.build_opener(urllib.request.ProxyHandler({"http": server.proxy_url}))


def test_writes_exactly_the_reply(server):
    head, body = raw_exchange(
        server, f"GET http://{HOST}/exact HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    )
    assert head == (
        b"HTTP/1.1 203 Non-Authoritative Information\r\nSet-Cookie: a=1\r\nX-Order: first\r\n"
        b"Set-Cookie: b=2\r\nContent-Length: 10\r\n\r\n"
    )
    assert body == b"exact body"
    [sent] = server.sent_for(f"http://{HOST}/exact")
    assert (sent.method, sent.status, sent.raw_head, sent.payload) == ("GET", 203, head, body)
    server.reset_log()
    assert server.sent == [] and server.stats == {}


def test_chunked_reply_is_framed_in_varied_chunks(server):
    head, raw = raw_exchange(server, f"GET http://{HOST}/chunked HTTP/1.1\r\n\r\n".encode())
    assert b"Transfer-Encoding: chunked\r\n" in head and b"Content-Length" not in head
    pieces = dechunk(raw)
    expected = ("分块" * 3000).encode()
    assert b"".join(pieces) == expected
    assert [len(p) for p in pieces[: len(CHUNK_SIZES)]] == list(CHUNK_SIZES)
    assert server.sent_for(f"http://{HOST}/chunked")[0].payload == expected


def test_split_chunks_keeps_every_byte():
    assert split_chunks(b"") == []
    payload = bytes(range(256)) * 40
    assert b"".join(split_chunks(payload)) == payload
    assert all(split_chunks(payload))


def test_gzip_reply(server):
    head, body = raw_exchange(server, f"GET http://{HOST}/gzip HTTP/1.1\r\n\r\n".encode())
    assert b"Content-Encoding: gzip\r\n" in head
    assert f"Content-Length: {len(body)}\r\n".encode() in head
    assert gzip.decompress(body) == b"zipped " * 500
    assert server.sent_for(f"http://{HOST}/gzip")[0].payload == body


def test_keep_alive_serves_two_requests_on_one_socket(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(f"GET http://{HOST}/exact HTTP/1.1\r\n\r\n".encode())
        first = read_response(sock)
        sock.sendall(f"GET http://{HOST}/echo?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
        second = read_response(sock)
        assert sock.recv(1) == b""  # closed after the request that asked for it
    assert first[1] == b"exact body"
    assert second[1].startswith(f"GET {HOST} /echo q=x=1".encode())


def test_post_body_reaches_the_handler(server):
    request = urllib.request.Request(
        f"http://{HOST}/echo",
        data=b"columnid=5812&startrecord=1",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    text = proxy_opener(server).open(request, timeout=5).read().decode()
    assert "POST" in text and "body=columnid=5812&startrecord=1" in text
    assert "('columnid', '5812')" in text and "('startrecord', '1')" in text


def test_head_sends_the_get_headers_without_body(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(f"HEAD http://{HOST}/exact HTTP/1.1\r\n\r\n".encode())
        time.sleep(0.2)
        sock.sendall(f"GET http://{HOST}/exact HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    # The HEAD answer carries Content-Length: 10 but no body: the next response follows at once.
    assert data.count(b"HTTP/1.1 203") == 2
    assert data.endswith(b"\r\n\r\nexact body")
    assert data.count(b"exact body") == 1


def test_origin_form_uses_host_header(server):
    head, body = raw_exchange(server, f"GET /echo HTTP/1.1\r\nHost: {HOST}:80\r\n\r\n".encode())
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert body.startswith(f"GET {HOST} /echo".encode())
    assert server.sent[-1].url == f"http://{HOST}:80/echo"


def test_path_is_decoded_and_session_ids_dropped(server):
    url = f"http://{HOST}/%E7%9B%AE%E5%BD%95/;jsessionid=ABC123"
    text = proxy_opener(server).open(url, timeout=5).read().decode()
    assert text.startswith(f"GET {HOST} /目录/ ")  # served by the directory's index.html route
    assert server.sent_for(url)


def test_unknown_host_is_bad_gateway(server):
    with pytest.raises(urllib.error.HTTPError) as caught:
        proxy_opener(server).open("http://www.nowhere.gov.cn/", timeout=5)
    assert caught.value.code == 502
    assert "www.nowhere.gov.cn" in caught.value.read().decode()


def test_unknown_path_gets_the_sites_own_404(server):
    with pytest.raises(urllib.error.HTTPError) as caught:
        proxy_opener(server).open(f"http://{HOST}/no/such/page.html", timeout=5)
    assert caught.value.code == 404 and "站内404" in caught.value.read().decode()
    with pytest.raises(urllib.error.HTTPError) as bare:
        proxy_opener(server).open("http://bare.example.gov.cn/x", timeout=5)
    assert bare.value.code == 404


def test_connect_is_refused_with_a_reason(server):
    head, body = raw_exchange(
        server, b"CONNECT www.example.gov.cn:443 HTTP/1.1\r\nHost: www.example.gov.cn:443\r\n\r\n"
    )
    assert head.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    assert b"HTTPS" in body


def test_malformed_request_is_answered_400(server):
    head, body = raw_exchange(server, b"HELLO\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request") and b"malformed request line" in body


def test_handler_error_is_500_and_recorded(server):
    head, _ = raw_exchange(server, f"GET http://{HOST}/broken HTTP/1.1\r\n\r\n".encode())
    assert head.startswith(b"HTTP/1.1 500 ")
    assert len(server.errors) == 1 and "ZeroDivisionError" in server.errors[0]


def test_per_host_concurrency_counters(server):
    threads = [
        threading.Thread(
            target=raw_exchange, args=(server, f"GET http://{HOST}/slow HTTP/1.1\r\n\r\n".encode())
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = server.stats[HOST]
    assert stats.requests == 3 and stats.peak_concurrency == 3
    # The server counts a request done after its last write, which can be after the client read it.
    deadline = time.monotonic() + 2
    while stats.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stats.in_flight == 0


def test_render_head_respects_a_given_content_length():
    reply = Reply(headers=[("Content-Length", "99")], body=b"x")
    assert render_head(reply, 1) == b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
    assert b"Content-Length" not in render_head(Reply(status=304, reason="Not Modified"), 0)


def test_only_loopback():
    with pytest.raises(ValueError):
        GovFarmServer({}, host="0.0.0.0")


def test_stop_closes_idle_keep_alive_connections():
    running = GovFarmServer({HOST: ROUTES}).start()
    sock = socket.create_connection(("127.0.0.1", running.port), timeout=5)
    sock.sendall(f"GET http://{HOST}/exact HTTP/1.1\r\n\r\n".encode())
    read_response(sock)
    running.stop()
    assert not running.is_serving()
    assert sock.recv(1) == b""
    sock.close()


def test_cli_serves_writes_the_csv_and_stops_on_sigterm(tmp_path):
    import signal
    import subprocess
    import sys

    csv_path = tmp_path / "sites.csv"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imitation",
            "serve",
            "--port",
            "0",
            "--csv",
            str(csv_path),
            "--lifetime",
            "60",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("http_proxy=http://127.0.0.1:")
        proxy = first.split("=", 1)[1]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy}))
        assert "海原县人民政府" in opener.open("http://www.hy.gov.cn/", timeout=10).read().decode()
        assert csv_path.read_text(encoding="utf-8").startswith("name,region_code,level,url")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
        process.stdout.close()
