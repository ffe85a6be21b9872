"""Reading the archive back: records, captures, single records, damage, content decoding, paths."""

from __future__ import annotations

import gzip
import logging
import zlib
from pathlib import Path

import brotli
import pytest

from archive.reader import (
    ArchiveReadError,
    decode_content,
    iter_captures,
    iter_records,
    read_record,
)
from archive.writer import WarcArchive
from tests.test_archive_writer import GBK_NAME, HTML, STARTED, make_exchange, sha1_base32

GZIPPED = gzip.compress(HTML, mtime=0)


@pytest.fixture
def archive_file(tmp_path) -> tuple[Path, list]:
    """One finished file: a gzip page with metadata, a 404 without, a rendered DOM, a PDF."""
    gzipped = GZIPPED
    head_gzip = (
        b"HTTP/1.1 200 Okay\r\nContent-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\n"
        b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: %d\r\n\r\n" % len(gzipped)
    )
    head_404 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    head_pdf = (
        b'HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + GBK_NAME
        + b'"\r\nContent-Length: 5\r\n\r\n'
    )
    with WarcArchive(tmp_path, started=STARTED) as archive:
        locations = [
            archive.write_exchange(make_exchange("/page", gzipped, head_gzip), {"site": "北京市"}),
            archive.write_exchange(make_exchange("/missing", b"", head_404)),
        ]
        archive.write_resource(
            "urn:dom:/page", b"<html/>", "text/html", refers_to=locations[0].response_id
        )
        locations.append(
            archive.write_exchange(make_exchange("/r.pdf", b"%PDF-", head_pdf), {"kind": "pdf"})
        )
    return tmp_path / locations[0].filename, locations


def test_iter_records_parses_every_record(archive_file):
    path, locations = archive_file
    records = list(iter_records(path))
    assert [r.rec_type for r in records] == [
        "warcinfo",
        "request",
        "response",
        "metadata",
        "request",
        "response",
        "resource",
        "request",
        "response",
        "metadata",
    ]
    assert all(r.filename == path.name for r in records)
    page = records[2]
    assert (page.http_status, page.http_reason) == (200, "Okay")
    assert page.http_headers[2:4] == [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
    assert page.http_header("content-encoding") == "gzip"
    assert page.content_type == "text/html; charset=utf-8"
    assert page.payload == GZIPPED  # content coding still applied
    assert page.payload_digest == sha1_base32(page.payload) == locations[0].payload_digest
    assert (page.offset, page.length, page.record_id) == (
        locations[0].offset,
        locations[0].length,
        locations[0].response_id,
    )
    assert page.block_digest.startswith("sha1:")
    assert records[3].fields == {"site": "北京市"} and records[3].concurrent_to == page.record_id
    assert (records[5].http_status, records[5].http_reason, records[5].payload) == (
        404,
        "Not Found",
        b"",
    )
    assert records[1].http_status is None and records[1].http_header("Host") == "www.example.gov.cn"
    resource = records[6]
    assert (resource.content_type, resource.refers_to) == ("text/html", page.record_id)
    assert resource.payload == b"<html/>"
    disposition = records[8].http_header("Content-Disposition")
    assert disposition.encode("latin-1").decode("gbk") == 'attachment; filename="年报.pdf"'
    # Records follow each other with no gap.
    assert [a.offset + a.length for a in records[:-1]] == [b.offset for b in records[1:]]
    assert records[-1].offset + records[-1].length == path.stat().st_size


def test_iter_records_without_payload(archive_file):
    path, _ = archive_file
    records = list(iter_records(path, with_payload=False))
    assert all(r.payload is None for r in records)
    assert records[3].fields == {"site": "北京市"}
    assert records[2].http_status == 200


def test_iter_captures_pairs_responses_with_their_metadata(archive_file):
    path, locations = archive_file
    captures = list(iter_captures(path))
    assert [(c.response.target_uri, c.metadata) for c in captures] == [
        ("http://www.example.gov.cn/page", {"site": "北京市"}),
        ("http://www.example.gov.cn/missing", {}),
        ("http://www.example.gov.cn/r.pdf", {"kind": "pdf"}),
    ]
    assert [c.response.record_id for c in captures] == [
        locations[0].response_id,
        locations[1].response_id,
        locations[2].response_id,
    ]


def test_read_record_at_offset(archive_file):
    path, locations = archive_file
    record = read_record(path, locations[2].offset)
    assert record.target_uri == "http://www.example.gov.cn/r.pdf"
    assert record.payload == b"%PDF-"
    assert (record.offset, record.length) == (locations[2].offset, locations[2].length)
    with pytest.raises(ArchiveReadError):
        read_record(path, locations[2].offset + 1)
    with pytest.raises(ArchiveReadError, match="no record"):
        read_record(path, path.stat().st_size)


def test_uncompressed_warc_reads_the_same(archive_file, tmp_path):
    path, _ = archive_file
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    gz = list(iter_records(path))
    flat = list(iter_records(plain))
    assert [(r.rec_type, r.record_id, r.payload, r.http_headers) for r in flat] == [
        (r.rec_type, r.record_id, r.payload, r.http_headers) for r in gz
    ]
    assert read_record(plain, flat[5].offset).record_id == flat[5].record_id


def test_damage_anywhere_yields_the_good_records_then_raises(archive_file, tmp_path):
    path, _ = archive_file
    data = path.read_bytes()
    ends = [r.offset + r.length for r in iter_records(path, with_payload=False)]
    damaged = tmp_path / "damaged.warc.gz"
    # Every cut point must be noticed: cuts on a record boundary read cleanly, others raise.
    for cut in range(0, len(data), 7):
        damaged.write_bytes(data[:cut])
        complete = sum(end <= cut for end in ends)
        seen = []
        if cut in (0, *ends):
            seen = list(iter_records(damaged, with_payload=False))
        else:
            with pytest.raises(ArchiveReadError) as caught:
                for record in iter_records(damaged, with_payload=False):
                    seen.append(record)
            assert caught.value.offset == (ends[complete - 1] if complete else 0)
            assert caught.value.path == str(damaged)
        assert len(seen) == complete, cut


def test_garbage_between_records_is_reported(archive_file, tmp_path):
    path, locations = archive_file
    data = path.read_bytes()
    damaged = tmp_path / "garbage.warc.gz"
    damaged.write_bytes(data[: locations[1].offset] + b"garbage" * 30 + data[locations[1].offset :])
    seen = []
    with pytest.raises(ArchiveReadError, match="damaged at byte") as caught:
        seen.extend(iter_records(damaged))
    assert caught.value.offset == locations[1].offset
    assert [r.rec_type for r in seen][-1] == "request"


def test_errors_log_stops_quietly_with_a_warning(archive_file, tmp_path, caplog):
    path, locations = archive_file
    damaged = tmp_path / "cut.warc.gz"
    damaged.write_bytes(path.read_bytes()[: locations[1].offset + 30])
    with caplog.at_level(logging.WARNING, logger="archive.reader"):
        records = list(iter_records(damaged, errors="log"))
    assert len(records) == 5
    assert f"damaged at byte {locations[1].offset}" in caplog.text
    with pytest.raises(ValueError, match="errors must be"):
        list(iter_records(path, errors="ignore"))


@pytest.mark.parametrize(
    "encoding, encode",
    [
        ("gzip", gzip.compress),
        ("X-GZIP", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as IIS sends it
        ("br", brotli.compress),
        ("identity", lambda data: data),
        (None, lambda data: data),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
    ],
    # Explicit ids: the default ones would name functions by address, which differ between
    # pytest-xdist workers and stop the collection.
    ids=["gzip", "x-gzip", "zlib-deflate", "raw-deflate", "br", "identity", "none", "gzip-br"],
)
def test_decode_content(encoding, encode):
    assert decode_content(encode(HTML), encoding) == HTML


@pytest.mark.parametrize(
    "body, encoding, message",
    [
        (HTML, "gzip", "not valid 'gzip'"),
        (gzip.compress(HTML, mtime=0)[:-10], "gzip", "not valid 'gzip'"),
        (HTML, "deflate", "not valid 'deflate'"),
        (zlib.compress(HTML)[:-8], "deflate", "not valid 'deflate'"),
        (HTML, "br", "not valid 'br'"),
        (HTML, "compress", "unsupported content coding"),
    ],
)
def test_decode_content_refuses_garbage(body, encoding, message):
    with pytest.raises(ValueError, match=message):
        decode_content(body, encoding)
