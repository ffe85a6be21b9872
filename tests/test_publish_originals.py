"""/-/original: archived documents served back exactly, scripts off, nothing outside the archive."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import os
import shutil
import sqlite3
from datetime import datetime, timezone
from urllib.parse import quote

import httpx
import pytest

from archive.exchange import Exchange
from archive.writer import WarcArchive
from publish import originals
from publish.serve import build_datasette
from tests.test_publish_fixtures import build_published


def uuid_of(capture) -> str:
    return originals.record_uuid(capture.record_id)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_published(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def datasette(published):
    return build_datasette(published.db_path, archive_dir=published.archive_dir)


def get(datasette, path, **kwargs) -> httpx.Response:
    return asyncio.run(datasette.client.get(path, follow_redirects=True, **kwargs))


def raw_get(datasette, path, headers) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent, before any content decoding."""

    async def fetch():
        transport = httpx.ASGITransport(app=datasette.app())
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://localhost") as client,
            client.stream("GET", path, headers=headers) as response,
        ):
            body = b"".join([chunk async for chunk in response.aiter_raw()])
            return response, body

    return asyncio.run(fetch())


def sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def test_gzip_page_is_sent_as_stored_with_its_content_encoding(datasette, published):
    capture = published.captures["changle2020"]
    response, body = raw_get(
        datasette, f"/-/original/{uuid_of(capture)}", {"Accept-Encoding": "gzip, br"}
    )
    assert response.status_code == 200
    assert body == capture.body  # the archived bytes, still gzip-coded
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-archive-payload-digest"] == capture.digest == sha1_base32(body)
    assert gzip.decompress(body) == capture.plain
    assert "Accept-Encoding" in response.headers["vary"]


def test_coding_the_client_does_not_accept_is_decoded_and_marked(datasette, published):
    capture = published.captures["liaocheng2021"]  # brotli
    response, body = raw_get(
        datasette, f"/-/original/{uuid_of(capture)}", {"Accept-Encoding": "gzip"}
    )
    assert body == capture.plain
    assert "content-encoding" not in response.headers
    assert response.headers["x-archive-decoded-from"] == "br"
    asked, body = raw_get(
        datasette, f"/-/original/{uuid_of(capture)}?decoded=1", {"Accept-Encoding": "br"}
    )
    assert body == capture.plain and asked.headers["content-length"] == str(len(capture.plain))


def test_gbk_page_keeps_its_bytes_and_charset(datasette, published):
    capture = published.captures["suibin2021"]
    response = get(datasette, f"/-/original/{uuid_of(capture)}")
    assert response.content == capture.plain
    assert response.headers["content-type"] == "text/html; charset=GBK"
    assert "绥滨县卫生健康局".encode("gbk") in response.content


def test_pdf_opens_inline_and_doc_downloads_under_its_name(datasette, published):
    pdf = published.captures["anqiu2020"]
    response = get(datasette, f"/-/original/{uuid_of(pdf)}")
    assert response.content == pdf.body and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    assert "filename*=UTF-8''2020%E5%B9%B4%E6%8A%A5.pdf" in response.headers["content-disposition"]
    doc = published.captures["haiyuan2020"]
    response = get(datasette, f"/-/original/{uuid_of(doc)}")
    assert response.content == doc.body
    assert response.headers["content-type"] == "application/msword"
    assert response.headers["content-disposition"].startswith('attachment; filename="2020nb.doc"')
    forced = get(datasette, f"/-/original/{uuid_of(pdf)}?download=1")
    assert forced.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize("report_id", ["changle2020", "anqiu2020", "haiyuan2020", "suibin2021"])
def test_every_answer_is_sandboxed_and_not_sniffed(datasette, published, report_id):
    capture = published.captures[report_id]
    headers = get(datasette, f"/-/original/{uuid_of(capture)}").headers
    policy = [part.strip() for part in headers["content-security-policy"].split(";")]
    assert policy[0] == "sandbox"  # no allow-scripts, no allow-same-origin
    assert "default-src 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["link"] == f'<{capture.url}>; rel="original"'
    assert headers["memento-datetime"].endswith("GMT")


@pytest.mark.parametrize(
    "record_id",
    [
        "00000000-0000-4000-8000-000000000000",  # a well-formed id nobody archived
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "nianbao.db",
        "urn:uuid:not-a-uuid",
    ],
)
def test_unknown_or_crafted_record_ids_are_not_found(datasette, record_id):
    assert get(datasette, f"/-/original/{record_id}").status_code == 404


def test_accepts_every_spelling_of_a_record_id(datasette, published):
    capture = published.captures["suibin2021"]
    for spelling in (capture.record_id, capture.record_id.strip("<>"), uuid_of(capture).upper()):
        assert get(datasette, f"/-/original/{spelling}").status_code == 200


# --- file names from the database cannot leave the archive directory ---------------------------


@pytest.fixture
def tampered(tmp_path):
    """A fresh published archive whose database the test may point anywhere."""
    copy = build_published(tmp_path / "pub")
    secret = tmp_path / "secret.warc.gz"
    shutil.copy(copy.archive_dir / copy.captures["suibin2021"].filename, secret)
    return copy, secret


def point_record(published, capture, filename, offset=None):
    with sqlite3.connect(published.db_path) as conn:
        conn.execute(
            "update documents set warc_filename = ?, warc_offset = ? where record_id = ?",
            [filename, capture.offset if offset is None else offset, capture.record_id],
        )
        conn.execute(
            "update reports set warc_filename = ? where warc_record_id = ?",
            [filename, capture.record_id],
        )


@pytest.mark.parametrize(
    "name",
    ["../secret.warc.gz", "{secret}", "sub/../../secret.warc.gz", "./{base}", ".hidden.warc.gz"],
)
def test_database_names_outside_the_archive_are_refused(tampered, name):
    published, secret = tampered
    capture = published.captures["suibin2021"]
    point_record(published, capture, name.format(secret=secret, base=capture.filename))
    datasette = build_datasette(published.db_path, archive_dir=published.archive_dir)
    assert get(datasette, f"/-/original/{uuid_of(capture)}").status_code == 404


def test_symlinks_out_of_the_archive_are_refused(tampered):
    published, secret = tampered
    capture = published.captures["suibin2021"]
    (published.archive_dir / "link.warc.gz").symlink_to(secret)
    (published.archive_dir / "outside").symlink_to(secret.parent, target_is_directory=True)
    datasette = build_datasette(published.db_path, archive_dir=published.archive_dir)
    for name in ("link.warc.gz", f"outside/{secret.name}"):
        point_record(published, capture, name)
        assert get(datasette, f"/-/original/{uuid_of(capture)}").status_code == 404


def test_a_different_record_at_the_offset_is_not_served(tampered):
    published, _ = tampered
    capture, other = published.captures["suibin2021"], published.captures["changle2020"]
    point_record(published, capture, capture.filename, offset=other.offset)
    datasette = build_datasette(published.db_path, archive_dir=published.archive_dir)
    assert get(datasette, f"/-/original/{uuid_of(capture)}").status_code == 404


def test_a_damaged_record_is_a_server_error_without_details(tampered):
    published, _ = tampered
    capture = published.captures["haiyuan2020"]
    path = published.archive_dir / capture.filename
    data = path.read_bytes()
    path.write_bytes(data[: capture.offset + 40])  # the record is cut inside its gzip member
    response = get(
        build_datasette(published.db_path, archive_dir=published.archive_dir),
        f"/-/original/{uuid_of(capture)}",
    )
    assert response.status_code == 500
    assert str(published.archive_dir) not in response.text


def test_a_revisit_is_served_as_the_original_it_refers_to(tampered):
    # A later crawl found the PDF unchanged (304) and archived only a revisit record.
    published, _ = tampered
    capture = published.by_type("pdf")
    with WarcArchive(
        published.archive_dir, prefix="recrawl", started=datetime(2025, 5, 1, tzinfo=timezone.utc)
    ) as archive:
        request = b"GET /" + capture.url.split("/", 3)[3].encode() + b" HTTP/1.1\r\n\r\n"
        revisit = archive.write_revisit(
            Exchange(capture.url, request, b"HTTP/1.1 304 Not Modified\r\n\r\n", b""),
            profile="server-not-modified",
            refers_to=capture.record_id,
            refers_to_uri=capture.url,
            refers_to_date=capture.date,
            payload_digest=capture.digest,
        )
    with sqlite3.connect(published.db_path) as conn:
        conn.execute(
            "insert into documents (record_id, url, warc_filename, warc_offset, http_status, revisit_of) "
            "values (?, ?, ?, ?, 304, ?)",
            [revisit.response_id, capture.url, revisit.filename, revisit.offset, capture.record_id],
        )
    datasette = build_datasette(published.db_path, archive_dir=published.archive_dir)
    response = get(datasette, f"/-/original/{originals.record_uuid(revisit.response_id)}")
    assert response.status_code == 200
    assert response.content == capture.plain
    assert response.headers["content-type"] == capture.content_type


def test_archive_directory_recorded_in_the_database_is_found(tampered, monkeypatch):
    published, _ = tampered
    monkeypatch.delenv("NIANBAO_ARCHIVE_DIR", raising=False)
    capture = published.captures["suibin2021"]
    # The extractor records where it read each file (processed_warcs.archive_dir, absolute).
    assert (
        get(build_datasette(published.db_path), f"/-/original/{uuid_of(capture)}").content
        == capture.plain
    )
    with sqlite3.connect(
        published.db_path
    ) as conn:  # a relative one is tried beside the database too
        conn.execute(
            "update processed_warcs set archive_dir = ?",
            [os.path.relpath(published.archive_dir, published.db_path.parent)],
        )
    assert (
        get(build_datasette(published.db_path), f"/-/original/{uuid_of(capture)}").content
        == capture.plain
    )
    monkeypatch.setenv(
        "NIANBAO_ARCHIVE_DIR", str(published.db_path.parent)
    )  # the environment wins: no WARC there
    assert (
        get(build_datasette(published.db_path), f"/-/original/{uuid_of(capture)}").status_code
        == 404
    )


def test_accept_encoding_parsing():
    assert originals.accepts("gzip, deflate, br", "br")
    assert not originals.accepts("gzip;q=0, br", "gzip")
    assert originals.accepts("*", "gzip") and originals.accepts("x-gzip", "gzip")
    assert not originals.accepts(None, "gzip") and not originals.accepts("identity", "br")


def _record_with(disposition: str | None, url: str = "http://x.gov.cn/files/a.zip"):
    from archive.reader import ArchivedRecord

    headers = [("Content-Type", "application/zip")]
    if disposition is not None:
        headers.append(("Content-Disposition", disposition))
    return ArchivedRecord(
        filename="x.warc.gz",
        offset=0,
        length=1,
        rec_type="response",
        record_id="<urn:uuid:00000000-0000-4000-8000-000000000002>",
        target_uri=url,
        date=None,
        concurrent_to=None,
        refers_to=None,
        payload_digest=None,
        block_digest=None,
        http_status=200,
        http_reason="OK",
        http_headers=headers,
        content_type="application/zip",
        payload=b"PK",
    )


NAME = "聊城市卫生健康委员会2020年政府信息公开工作年度报告.zip"


@pytest.mark.parametrize(
    "disposition, url",
    [
        # warcio reads a GBK header as Latin-1: the mojibake of the issue (ÁÄ³ÇÊÐ…).
        (f'attachment; filename="{NAME}"'.encode("gbk").decode("latin-1"), "http://x/a.zip"),
        (f"attachment; filename*=UTF-8''{quote(NAME)}", "http://x/a.zip"),
        (f"attachment; filename*=GBK''{quote(NAME.encode('gbk'))}", "http://x/a.zip"),
        (None, "http://x.gov.cn/files/" + quote(NAME.encode("gbk"))),
        (None, "http://x.gov.cn/files/" + quote(NAME)),
    ],
)
def test_download_names_in_gbk_or_rfc_5987_are_decoded(disposition, url):
    assert originals.download_name(_record_with(disposition, url)) == NAME
