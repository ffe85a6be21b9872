"""The WARC writer, the HTTP head rewrite it relies on, and repair after a crash."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from archive.exchange import Exchange
from archive.http_head import dechunked_head, parse_head, parse_status_line, split_message
from archive.layout import warc_file_name
from archive.reader import iter_records
from archive.repair import complete_prefix, repair_open_files
from archive.writer import WarcArchive

VENV_BIN = Path(sys.executable).parent
STARTED = datetime(2024, 5, 1, 8, 30, 0, tzinfo=timezone.utc)
# 年报 in GBK, as a server on a Chinese government CMS sends it in a file name.
GBK_NAME = "年报.pdf".encode("gbk")
HTML = "<html><body>政府信息公开工作年度报告</body></html>".encode()


def make_exchange(
    path: str = "/a", body: bytes = HTML, head: bytes | None = None, **extra
) -> Exchange:
    """An exchange as the crawler hands it over: raw request, raw head, de-chunked body."""
    if head is None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
        head %= len(body)
    request = (
        b"GET %s HTTP/1.1\r\nHost: www.example.gov.cn\r\nAccept-Encoding: gzip\r\n\r\n"
        % path.encode()
    )
    extra.setdefault("started", datetime(2024, 5, 1, 8, 31, 2, 123456, tzinfo=timezone.utc))
    return Exchange(f"http://www.example.gov.cn{path}", request, head, body, **extra)


def sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def member_block(path: Path, offset: int, length: int) -> bytes:
    """The WARC record block of the gzip member at offset, read without warcio."""
    with open(path, "rb") as f:
        f.seek(offset)
        record = gzip.decompress(f.read(length))
    _warc_head, block = record.split(b"\r\n\r\n", 1)
    assert block.endswith(b"\r\n\r\n")
    return block[:-4]


def warcio_check(path: Path) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "warcio"), "check", "-v", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# --- archive.http_head ----------------------------------------------------------------------


def test_parse_head_keeps_order_repeats_and_reason():
    raw = b"HTTP/1.1 404 Not Found\r\nSet-Cookie: a=1\r\nServer:nginx\r\nSet-Cookie: b=2\r\n\r\n"
    status_line, headers = parse_head(raw)
    assert status_line == "HTTP/1.1 404 Not Found"
    assert headers == [("Set-Cookie", "a=1"), ("Server", "nginx"), ("Set-Cookie", "b=2")]
    assert parse_status_line(status_line) == ("HTTP/1.1", 404, "Not Found")
    assert parse_status_line("HTTP/1.1 200 Okay") == ("HTTP/1.1", 200, "Okay")
    assert parse_status_line("HTTP/1.0 302") == ("HTTP/1.0", 302, "")
    with pytest.raises(ValueError, match="not an HTTP status line"):
        parse_status_line("ICY 200 OK")


def test_parse_head_decodes_header_bytes_as_latin1():
    raw = (
        b'HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename="' + GBK_NAME + b'"\r\n\r\n'
    )
    [(name, value)] = parse_head(raw)[1]
    assert name == "Content-Disposition"
    assert value.encode("latin-1").decode("gbk") == 'attachment; filename="年报.pdf"'


def test_parse_head_folds_continuation_lines_and_accepts_bare_lf():
    raw = b"HTTP/1.1 200 OK\nX-Long: one\n  two\nServer: iis\n\n"
    assert parse_head(raw) == ("HTTP/1.1 200 OK", [("X-Long", "one two"), ("Server", "iis")])


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"HTTP/1.1 200 OK\r\nServer: x\r\n", "blank line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "no colon"),
        (b"HTTP/1.1 200 OK\r\n folded first\r\n\r\n", "continuation"),
        (b"HTTP/1.1 200 OK\r\n\r\nServer: x\r\n\r\n", "blank line 2"),
        (b"HTTP/1.1 200 OK\r\n: empty\r\n\r\n", "empty name"),
    ],
)
def test_parse_head_rejects_malformed_heads(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_head(raw)


def test_dechunked_head_renames_transfer_encoding_and_sets_length():
    raw = (
        b"HTTP/1.1 200 Okay\r\nContent-Encoding: gzip\r\ntransfer-encoding:  Chunked\r\n"
        b"Content-Length:999\r\nSet-Cookie: a=1\r\n\r\n"
    )
    assert dechunked_head(raw, 34) == (
        b"HTTP/1.1 200 Okay\r\nContent-Encoding: gzip\r\nX-Orig-Transfer-Encoding:  Chunked\r\n"
        b"Content-Length:34\r\nSet-Cookie: a=1\r\n\r\n"
    )


def test_dechunked_head_adds_length_with_the_heads_own_line_ending():
    raw = b"HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\nServer: x\n\n"
    assert dechunked_head(raw, 0) == (
        b"HTTP/1.1 200 OK\nX-Orig-Transfer-Encoding: gzip, chunked\nServer: x\nContent-Length: 0\n\n"
    )


def test_dechunked_head_leaves_other_heads_byte_for_byte():
    raw = b"HTTP/1.1 200 OK\r\nContent-Length:  5 \r\nX-Chunked: chunked\r\nContent-Disposition: %s\r\n\r\n"
    raw %= GBK_NAME
    assert dechunked_head(raw, 12345) == raw
    with pytest.raises(ValueError, match="negative"):
        dechunked_head(raw, -1)


def test_split_message_keeps_body_bytes():
    request = b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nq=%E5%B9%B4\r\n\r\n"
    head, body = split_message(request)
    assert head == b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n"
    assert body == b"q=%E5%B9%B4\r\n\r\n"
    with pytest.raises(ValueError, match="no blank line"):
        split_message(b"GET / HTTP/1.1\r\nHost: x\r\n")


# --- archive.writer -------------------------------------------------------------------------


def test_written_file_passes_warcio_check_and_cdxj_indexer(tmp_path):
    body = gzip.compress(HTML)
    head = (
        b"HTTP/1.1 200 Okay\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: text/html\r\n\r\n"
    )
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_exchange(make_exchange(head=head, body=body), {"site": "北京市"})
    path = tmp_path / location.filename
    check = warcio_check(path)
    assert check.count("digest pass") == 4, check
    index = subprocess.run(
        [str(VENV_BIN / "cdxj-indexer"), str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    [entry] = [json.loads(line.split(" ", 2)[2]) for line in index]
    assert entry["url"] == "http://www.example.gov.cn/a"
    assert entry["status"] == "200"
    assert (int(entry["offset"]), int(entry["length"])) == (location.offset, location.length)
    assert entry["digest"] == location.payload_digest == sha1_base32(body)


def test_response_block_is_head_and_body_as_received(tmp_path):
    head = (
        b"HTTP/1.1 200 Okay\r\nServer:Apache\r\nSet-Cookie: a=1\r\nSet-Cookie:  b=2\r\n"
        b'Content-Disposition: attachment; filename="'
        + GBK_NAME
        + b'"\r\nContent-Length: 5\r\n\r\n'
    )
    exchange = make_exchange(head=head, body=b"%PDF-")
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_exchange(exchange)
    block = member_block(tmp_path / location.filename, location.offset, location.length)
    assert block == head + b"%PDF-"
    warcio_check(tmp_path / location.filename)


def test_chunked_response_is_archived_dechunked_with_body_still_gzipped(tmp_path):
    body = gzip.compress(HTML)
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_exchange(make_exchange(head=head, body=body))
    block = member_block(tmp_path / location.filename, location.offset, location.length)
    assert block == dechunked_head(head, len(body)) + body
    assert b"X-Orig-Transfer-Encoding: chunked\r\n" in block
    assert location.payload_digest == sha1_base32(body)


def test_request_response_metadata_are_linked(tmp_path):
    request = b"POST /s HTTP/1.1\r\nHost: www.example.gov.cn\r\nContent-Length: 3\r\n\r\nq=1"
    exchange = make_exchange(remote_ip="10.1.2.3")
    exchange.request_bytes = request
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_exchange(exchange, {"site": "上海市", "depth": "2"})
    warcinfo, req, resp, meta = iter_records(tmp_path / location.filename)
    types = [r.rec_type for r in (warcinfo, req, resp, meta)]
    assert types == ["warcinfo", "request", "response", "metadata"]
    assert (req.record_id, resp.record_id) == (location.request_id, location.response_id)
    assert req.concurrent_to == resp.record_id and meta.concurrent_to == resp.record_id
    assert req.target_uri == resp.target_uri == meta.target_uri == exchange.url
    assert req.date == resp.date == location.date == "2024-05-01T08:31:02.123456Z"
    assert meta.fields == {"site": "上海市", "depth": "2"}
    assert meta.content_type == "application/warc-fields"
    assert resp.offset == location.offset and resp.length == location.length
    assert req.payload == b"q=1" and req.payload_digest == sha1_base32(b"q=1")
    block = member_block(tmp_path / location.filename, req.offset, req.length)
    assert block == request
    raw = gzip.decompress((tmp_path / location.filename).read_bytes())
    assert raw.count(b"WARC-IP-Address: 10.1.2.3\r\n") == 2
    # WARC 1.1 §5.9: no payload digest on a record without a well-defined payload.
    meta_head = raw[raw.index(b"WARC-Type: metadata") :].split(b"\r\n\r\n", 1)[0]
    assert b"WARC-Block-Digest" in meta_head and b"WARC-Payload-Digest" not in meta_head


def test_warcinfo_opens_every_file(tmp_path):
    info = {"operator": "年报项目", "robots": "obey"}
    with WarcArchive(tmp_path, started=STARTED, warcinfo=info) as archive:
        location = archive.write_exchange(make_exchange())
    first = next(iter_records(tmp_path / location.filename))
    assert first.rec_type == "warcinfo"
    assert first.fields["format"] == "WARC File Format 1.1"
    assert (
        first.fields["software"].startswith("nianbao/") and " warcio/" in first.fields["software"]
    )
    assert first.fields["conformsTo"].startswith("http://iipc.github.io/warc-specifications/")
    assert first.fields["hostname"]
    assert first.fields["operator"] == "年报项目" and first.fields["robots"] == "obey"
    raw = gzip.decompress((tmp_path / location.filename).read_bytes())
    assert b"WARC-Filename: nianbao-20240501083000-00000.warc.gz\r\n" in raw


def test_file_is_open_while_written_and_flushed_after_each_group(tmp_path):
    archive = WarcArchive(tmp_path, started=STARTED, prefix="bj")
    assert list(tmp_path.iterdir()) == []  # nothing written, no file
    archive.write_exchange(make_exchange(), {"n": "1"})
    open_file = tmp_path / "bj-20240501083000-00000.warc.gz.open"
    assert [p.name for p in tmp_path.iterdir()] == [open_file.name]
    # Everything handed over so far is on disk, as complete groups, without close().
    assert complete_prefix(open_file) == (open_file.stat().st_size, "complete")
    archive.close()
    archive.close()
    assert [p.name for p in tmp_path.iterdir()] == ["bj-20240501083000-00000.warc.gz"]
    with pytest.raises(ValueError, match="closed"):
        archive.write_exchange(make_exchange())


def test_rotation_never_splits_a_group(tmp_path):
    with WarcArchive(tmp_path, started=STARTED, max_bytes=1500) as archive:
        locations = [
            archive.write_exchange(make_exchange(f"/{n}", body=os.urandom(600)), {"n": str(n)})
            for n in range(5)
        ]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [warc_file_name("nianbao", STARTED, serial) for serial in range(len(names))]
    assert len(names) >= 3
    assert [loc.filename for loc in locations] == sorted(loc.filename for loc in locations)
    for name in names:
        warcio_check(tmp_path / name)
        types = [r.rec_type for r in iter_records(tmp_path / name, with_payload=False)]
        assert types[0] == "warcinfo"
        assert len(types) > 1 and types[1:] == ["request", "response", "metadata"] * (
            (len(types) - 1) // 3
        )


def test_resumed_crawl_continues_with_the_next_serial(tmp_path):
    for _ in range(2):
        with WarcArchive(tmp_path, started=STARTED) as archive:
            archive.write_exchange(make_exchange())
    other = datetime(2024, 5, 2, tzinfo=timezone.utc)
    with WarcArchive(tmp_path, started=other) as archive:
        archive.write_exchange(make_exchange())
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "nianbao-20240501083000-00000.warc.gz",
        "nianbao-20240501083000-00001.warc.gz",
        "nianbao-20240502000000-00000.warc.gz",
    ]


def test_write_resource_marks_a_rendered_dom(tmp_path):
    with WarcArchive(tmp_path, started=STARTED) as archive:
        response = archive.write_exchange(make_exchange())
        dom = archive.write_resource(
            "urn:rendered-dom:http://www.example.gov.cn/a",
            "<html>渲染</html>".encode(),
            "text/html; charset=utf-8",
            refers_to=response.response_id,
            fields={"WARC-Resource-Type": "rendered-dom"},
        )
        with pytest.raises(ValueError, match="cannot be overridden"):
            archive.write_resource("urn:x", b"", "text/plain", fields={"WARC-Type": "response"})
        with pytest.raises(ValueError, match="record_type"):
            archive.write_resource("urn:x", b"", "text/plain", record_type="response")
    record = [r for r in iter_records(tmp_path / dom.filename) if r.rec_type == "resource"][0]
    assert record.refers_to == response.response_id and record.record_id == dom.response_id
    assert record.payload == "<html>渲染</html>".encode()
    assert record.content_type == "text/html; charset=utf-8"
    assert dom.payload_digest == sha1_base32(record.payload)
    assert b"WARC-Resource-Type: rendered-dom\r\n" in gzip.decompress(
        (tmp_path / dom.filename).read_bytes()
    )
    warcio_check(tmp_path / dom.filename)


def test_bad_input_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="timezone-aware"):
        WarcArchive(tmp_path, started=datetime(2024, 5, 1))
    with WarcArchive(tmp_path, started=STARTED) as archive:
        archive.write_exchange(make_exchange())
        size = archive.current_path.stat().st_size
        with pytest.raises(ValueError, match="line break"):
            archive.write_exchange(make_exchange(), {"note": "two\nlines"})
        with pytest.raises(ValueError, match="blank line"):
            archive.write_exchange(make_exchange(head=b"HTTP/1.1 200 OK\r\n"))
        with pytest.raises(ValueError, match="not an HTTP status line"):
            archive.write_exchange(make_exchange(head=b"200 OK\r\n\r\n"))
        assert archive.current_path.stat().st_size == size


def test_a_group_that_fails_midway_is_rolled_back(tmp_path, monkeypatch):
    with WarcArchive(tmp_path, started=STARTED) as archive:
        archive.write_exchange(make_exchange("/1"))
        size = archive.current_path.stat().st_size
        real_write = archive._warc.write_record
        calls = []

        def fail_on_response(record, params=None):
            calls.append(record.rec_type)
            if record.rec_type == "response":
                archive._sink.write(b"half a record")
                raise OSError("disk full")
            return real_write(record)

        monkeypatch.setattr(archive._warc, "write_record", fail_on_response)
        with pytest.raises(OSError, match="disk full"):
            archive.write_exchange(make_exchange("/2"))
        assert calls == ["request", "response"]
        assert archive.current_path.stat().st_size == size
        monkeypatch.undo()
        location = archive.write_exchange(make_exchange("/3"))
    uris = [
        r.target_uri for r in iter_records(tmp_path / location.filename) if r.rec_type == "response"
    ]
    assert uris == ["http://www.example.gov.cn/1", "http://www.example.gov.cn/3"]
    warcio_check(tmp_path / location.filename)


# --- archive.repair -------------------------------------------------------------------------


def _open_archive_with_groups(directory: Path, count: int) -> tuple[Path, list[int]]:
    """An unclosed archive holding `count` groups, as a killed crawler leaves it."""
    archive = WarcArchive(directory, started=STARTED)
    for n in range(count):
        archive.write_exchange(make_exchange(f"/{n}", body=os.urandom(300)), {"n": str(n)})
    path = archive.current_path
    # Abandon the writer as a SIGKILL would: no close, no rename.
    archive._file.close()
    ends = [r.offset + r.length for r in iter_records(path, with_payload=False)]
    return path, ends


@pytest.mark.parametrize("tear", ["half_member", "mid_record", "request_only", "metadata_cut"])
def test_repair_cuts_the_torn_group(tmp_path, tear):
    path, ends = _open_archive_with_groups(tmp_path, 3)
    # Records: warcinfo, then (request, response, metadata) x 3.
    intact = path.read_bytes()
    if tear == "half_member":
        with WarcArchive(tmp_path / "other", started=STARTED) as other:
            location = other.write_exchange(make_exchange("/torn"))
        member = (tmp_path / "other" / location.filename).read_bytes()[location.offset :][
            : location.length
        ]
        path.write_bytes(intact + member[: len(member) // 2])
        expected = len(intact)
    elif tear == "mid_record":
        path.write_bytes(intact[: ends[7] + 20])  # inside the third response
        expected = ends[6]
    elif tear == "request_only":
        path.write_bytes(intact[: ends[7]])  # third request complete, its response missing
        expected = ends[6]
    else:
        path.write_bytes(intact[: ends[9] - 5])  # third metadata loses its gzip trailer
        expected = ends[8]
    torn_size = path.stat().st_size
    [report] = repair_open_files(tmp_path)
    final = tmp_path / "nianbao-20240501083000-00000.warc.gz"
    assert report.path == final and not path.exists()
    assert report.kept_bytes == expected == final.stat().st_size
    assert report.dropped_bytes == torn_size - expected > 0
    assert report.reason != "complete"
    warcio_check(final)
    assert final.read_bytes() == intact[:expected]


def test_repair_keeps_clean_files_and_removes_empty_ones(tmp_path):
    path, _ = _open_archive_with_groups(tmp_path, 2)
    size = path.stat().st_size
    empty = tmp_path / "nianbao-20240501083000-00001.warc.gz.open"
    empty.write_bytes(b"\x1f\x8b\x08")
    clean, removed = repair_open_files(tmp_path)
    assert (clean.kept_bytes, clean.dropped_bytes, clean.reason) == (size, 0, "complete")
    assert (removed.path, removed.removed, removed.dropped_bytes) == (empty, True, 3)
    assert not empty.exists() and not clean.removed
    path.write_bytes(b"")
    with pytest.raises(FileExistsError):
        repair_open_files(tmp_path)


def test_repair_after_a_real_sigkill(tmp_path):
    script = (
        "import os, sys\n"
        "from datetime import datetime, timezone\n"
        "from archive.writer import WarcArchive\n"
        "from tests.test_archive_writer import make_exchange\n"
        "archive = WarcArchive(sys.argv[1], started=datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc))\n"
        "n = 0\n"
        "while True:\n"
        "    archive.write_exchange(make_exchange(f'/{n}', body=os.urandom(200_000)), {'n': str(n)})\n"
        "    n += 1\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], cwd=Path(__file__).parents[1]
    )
    open_file = tmp_path / "nianbao-20240501083000-00000.warc.gz.open"
    deadline = time.monotonic() + 30
    while (
        not open_file.exists() or open_file.stat().st_size < 2_000_000
    ) and time.monotonic() < deadline:
        assert writer.poll() is None, "writer died on its own"
        time.sleep(0.02)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    [report] = repair_open_files(tmp_path)
    warcio_check(report.path)
    records = list(iter_records(report.path, with_payload=False))
    responses = [r for r in records if r.rec_type == "response"]
    assert len(responses) >= 5
    expected = [f"http://www.example.gov.cn/{n}" for n in range(len(responses))]
    assert [r.target_uri for r in responses] == expected
    assert records[-1].rec_type in ("response", "metadata")
