"""The WARC files replay in pywb: a collection made with wb-manager, served by wayback on 127.0.0.1."""

from __future__ import annotations

import gzip

import pytest

from publish.replay import make_collection
from tests.replaying import fetch, pywb_tool, running_wayback
from tests.test_publish_fixtures import build_published


@pytest.fixture(scope="module")
def wayback(tmp_path_factory):
    wb_manager = pywb_tool("wb-manager")
    root = tmp_path_factory.mktemp("pywb")
    published = build_published(root / "published")
    added = make_collection(published.archive_dir, root / "replay", wb_manager=wb_manager)
    assert [path.name for path in added] == sorted(
        {c.filename for c in published.captures.values()}
    )
    assert (
        make_collection(published.archive_dir, root / "replay", wb_manager=wb_manager) == []
    )  # nothing twice
    with running_wayback(root / "replay") as base:
        yield base, published


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
