"""Byte-faithful capture: a crawl against a server whose exact bytes we know, then the WARC."""

from __future__ import annotations

import base64
import gzip
import hashlib
import socket
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n" + b"fake pdf body " * 200 + b"\n%%EOF\n"
GBK_NAME = "昌乐县2020年政府信息公开工作年度报告.pdf".encode("gbk")

# path -> (raw head, body as sent on the wire after the head, body as the archive must hold it)
CHUNKS = [
    b"<html><head><title>\xe5\xb9\xb4\xe6\x8a\xa5</title></head>",
    b"<body>",
    b"chunked body</body></html>",
]
CHUNKED_WIRE = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in CHUNKS) + b"0\r\n\r\n"
GZIPPED = gzip.compress(PDF, mtime=0)

RESPONSES = {
    "/chunked": (
        b"HTTP/1.1 200 Okay\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        b"transfer-encoding: chunked\r\n"
        b"Set-Cookie: a=1; Path=/\r\n"
        b"Set-Cookie: b=2; Path=/\r\n"
        b"X-Spacing:   kept \r\n\r\n",
        CHUNKED_WIRE,
        b"".join(CHUNKS),
    ),
    "/report.pdf": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(GZIPPED),
        GZIPPED,
        GZIPPED,
    ),
    "/downfile.jsp": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="' + GBK_NAME + b'"\r\n'
        b"Content-Length: %d\r\n\r\n" % len(PDF),
        PDF,
        PDF,
    ),
    "/missing": (
        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n",
        b"not here!",
        b"not here!",
    ),
}


class RawHandler(socketserver.BaseRequestHandler):
    def handle(self):
        buffer = b""
        while True:
            while b"\r\n\r\n" not in buffer:
                data = self.request.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            self.server.requests.append(head + b"\r\n\r\n")
            target = head.split(b" ")[1].decode()
            path = (
                target.split("?")[0]
                if target.startswith("/")
                else "/" + target.split("/", 3)[3].split("?")[0]
            )
            raw_head, wire, _ = RESPONSES.get(path, RESPONSES["/missing"])
            self.request.sendall(raw_head + wire)


@pytest.fixture
def raw_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), RawHandler)
    server.daemon_threads = True
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def crawl(urls: list[str], archive: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "runspider",
            str(ROOT / "tests/spiders/fetch_urls.py"),
            "-a",
            "urls=" + " ".join(urls),
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            "ROBOTSTXT_OBEY=False",
            # The raw test server is on 127.0.0.1, reached directly (crawler/netguard.py).
            "-s",
            "ALLOW_INTERNAL_ADDRESSES=True",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "LOG_LEVEL=INFO",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": str(Path(sys.executable).parent),
            "HOME": str(archive.parent),
            "no_proxy": "*",
        },
    )


def records(archive: Path):
    """(type, WARC headers, block) per record; the block comes raw from the gzip member."""
    blocks = {rec_type: raw_blocks(archive, rec_type) for rec_type in ("request", "response")}
    for path in sorted(archive.glob("*.warc.gz")):
        with path.open("rb") as f:
            for record in ArchiveIterator(f):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                block = blocks.get(record.rec_type, {}).get(uri, b"")
                yield record.rec_type, record.rec_headers, block


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


@pytest.fixture
def captured(raw_server, tmp_path):
    base = f"http://127.0.0.1:{raw_server.server_address[1]}"
    urls = [
        f"{base}/chunked",
        f"{base}/report.pdf",
        f"{base}/downfile.jsp?id=7&t=pdf",
        f"{base}/missing",
    ]
    archive = tmp_path / "warc"
    result = crawl(urls, archive)
    assert result.returncode == 0, result.stderr[-3000:]
    responses, requests = {}, {}
    for rec_type, headers, block in records(archive):
        uri = headers.get_header("WARC-Target-URI")
        if rec_type == "response":
            responses[uri.removeprefix(base)] = (headers, block)
        elif rec_type == "request":
            requests[uri.removeprefix(base)] = (headers, block)
    return archive, responses, requests, raw_server


def raw_blocks(archive: Path, rec_type: str) -> dict[str, bytes]:
    """Record blocks read straight from the gzip members, so nothing is parsed or re-serialised."""
    blocks = {}
    for path in sorted(archive.glob("*.warc.gz")):
        data = gzip.decompress(path.read_bytes())
        for record in data.split(b"WARC/1.")[1:]:
            head, _, rest = record.partition(b"\r\n\r\n")
            if f"WARC-Type: {rec_type}".encode() in head:
                length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                uri = head.split(b"WARC-Target-URI: ")[1].split(b"\r\n")[0].decode()
                blocks[uri] = rest[:length]
    return blocks


def test_chunked_response_is_archived_as_sent_with_only_chunking_undone(captured):
    archive, *_ = captured
    blocks = {uri.split("/", 3)[3]: block for uri, block in raw_blocks(archive, "response").items()}
    head, wire, body = RESPONSES["/chunked"]
    expected_head = head.replace(
        b"transfer-encoding: chunked", b"X-Orig-Transfer-Encoding: chunked"
    )
    expected_head = expected_head[:-2] + b"Content-Length: %d\r\n\r\n" % len(body)
    assert blocks["chunked"] == expected_head + body


def test_status_reason_repeated_headers_and_spacing_survive(captured):
    _, responses, _, _ = captured
    _, block = responses["/chunked"]
    assert block.startswith(b"HTTP/1.1 200 Okay\r\n")
    assert block.count(b"Set-Cookie: ") == 2
    assert b"X-Spacing:   kept \r\n" in block


def test_gzip_body_is_kept_compressed_with_its_digest(captured):
    _, responses, _, _ = captured
    headers, block = responses["/report.pdf"]
    assert block.endswith(GZIPPED)
    assert headers.get_header("WARC-Payload-Digest") == sha1_b32(GZIPPED)
    assert headers.get_header("WARC-Block-Digest") == sha1_b32(block)


def test_gbk_header_bytes_are_kept(captured):
    _, responses, _, _ = captured
    _, block = responses["/downfile.jsp?id=7&t=pdf"]
    assert b'filename="' + GBK_NAME + b'"' in block


def test_request_record_is_the_request_as_sent_with_its_query(captured):
    _, responses, requests, server = captured
    headers, block = requests["/downfile.jsp?id=7&t=pdf"]
    assert block.startswith(b"GET /downfile.jsp?id=7&t=pdf HTTP/1.1\r\n")
    assert block in server.requests
    response_headers, _ = responses["/downfile.jsp?id=7&t=pdf"]
    assert headers.get_header("WARC-Concurrent-To") == response_headers.get_header("WARC-Record-ID")


def test_error_pages_are_archived_too(captured):
    _, responses, _, _ = captured
    _, block = responses["/missing"]
    assert block.startswith(b"HTTP/1.1 404 Not Found\r\n")


def test_archive_passes_warcio_check_and_indexes(captured):
    archive, *_ = captured
    for path in archive.glob("*.warc.gz"):
        check = subprocess.run(
            [str(Path(sys.executable).parent / "warcio"), "check", "-v", str(path)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        index = subprocess.run(
            [str(Path(sys.executable).parent / "cdxj-indexer"), str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "/report.pdf" in index.stdout


def test_capture_keeps_a_reused_connection_apart(raw_server, tmp_path):
    """Keep-alive: two responses on one socket must not bleed into each other's records."""
    base = f"http://127.0.0.1:{raw_server.server_address[1]}"
    archive = tmp_path / "warc"
    result = crawl([f"{base}/missing", f"{base}/chunked", f"{base}/report.pdf"], archive)
    assert result.returncode == 0, result.stderr[-3000:]
    for uri, block in raw_blocks(archive, "response").items():
        assert block.count(b"HTTP/1.1 ") == 1, uri


def test_socket_closed_by_server_is_not_a_crash(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def slam():
        for _ in range(2):
            conn, _ = listener.accept()
            conn.close()

    threading.Thread(target=slam, daemon=True).start()
    result = crawl([f"http://127.0.0.1:{port}/x"], tmp_path / "warc")
    listener.close()
    assert result.returncode == 0, result.stderr[-3000:]
