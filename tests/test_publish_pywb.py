"""The WARC files replay in pywb: a collection made with wb-manager, served by wayback on 127.0.0.1.

pywb cannot share the project's virtualenv (it pins older pyOpenSSL/cryptography than Scrapy's
and installs brotlipy over brotli), so it is looked for in ``$PYWB_VENV`` (default
``.venv-pywb`` in the project, made by ``make pywb``) or on PATH.
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from publish.replay import make_collection
from tests.test_publish_fixtures import build_published

PYWB_BIN = Path(os.environ.get("PYWB_VENV", Path(__file__).resolve().parent.parent / ".venv-pywb")) / "bin"


def pywb_tool(name: str) -> str:
    if (PYWB_BIN / name).exists():
        return str(PYWB_BIN / name)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"pywb is not installed ({PYWB_BIN} or PATH): run `make pywb`")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[dict, bytes]:
    with urllib.request.urlopen(url, timeout=20) as response:
        return dict(response.headers), response.read()


@pytest.fixture(scope="module")
def wayback(tmp_path_factory):
    wb_manager, wayback_bin = pywb_tool("wb-manager"), pywb_tool("wayback")
    root = tmp_path_factory.mktemp("pywb")
    published = build_published(root / "published")
    added = make_collection(published.archive_dir, root / "replay", wb_manager=wb_manager)
    assert [path.name for path in added] == sorted({c.filename for c in published.captures.values()})
    assert make_collection(published.archive_dir, root / "replay", wb_manager=wb_manager) == []  # nothing twice
    port = free_port()
    server = subprocess.Popen([wayback_bin, "--bind", "127.0.0.1", "--port", str(port)], cwd=root / "replay",
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + "/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base, published
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_captured_page_replays_byte_for_byte(wayback):
    base, published = wayback
    gbk = published.captures["suibin2021"]
    headers, body = fetch(f"{base}/nianbao/20240501083000id_/{gbk.url}")
    assert body == gbk.plain
    assert headers["Content-Type"] == "text/html; charset=GBK"
    pdf = published.captures["anqiu2020"]
    _, body = fetch(f"{base}/nianbao/20240501083000id_/{pdf.url}")
    assert body == pdf.body


def test_gzip_page_replays_with_its_text(wayback):
    base, published = wayback
    page = published.captures["changle2020"]
    headers, body = fetch(f"{base}/nianbao/20240501083000mp_/{page.url}")
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    text = body.decode("utf-8")
    assert "昌乐县卫生健康局2020年政府信息公开工作年度报告" in text and "行政复议" in text
