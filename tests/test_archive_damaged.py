"""Damaged WARC files: a corrupt gzip member, a lying Content-Length, garbage — every intact record
is still read, and the damaged span is reported (file, offset, bytes)."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

import pytest
import sqlite_utils

from archive.reader import iter_records
from archive.resync import SkippedBytes
from archive.writer import WarcArchive
from tests.test_archive_writer import STARTED, make_exchange

PAGES = 12


@pytest.fixture
def warc(tmp_path) -> Path:
    """A finished .warc.gz of PAGES exchanges (request, response, metadata each)."""
    with WarcArchive(tmp_path / "archive", started=STARTED) as archive:
        for n in range(PAGES):
            body = f"<html><body>page {n} 政府信息公开</body></html>".encode() * 20
            location = archive.write_exchange(make_exchange(f"/p{n}", body), {"n": str(n)})
    return tmp_path / "archive" / location.filename


def responses(path: Path, **options) -> tuple[list[str], list[SkippedBytes]]:
    urls, skipped = [], []
    for item in iter_records(path, errors="resync", **options):
        if isinstance(item, SkippedBytes):
            skipped.append(item)
        elif item.rec_type == "response":
            urls.append(item.target_uri.rsplit("/", 1)[1])
    return urls, skipped


def members(path: Path) -> list[tuple[int, int, str]]:
    return [(r.offset, r.length, r.rec_type) for r in iter_records(path, with_payload=False)]


def response_member(path: Path, page: int) -> tuple[int, int]:
    found = [(o, n) for o, n, kind in members(path) if kind == "response"]
    return found[page]


def test_a_corrupt_gzip_member_costs_only_its_record(warc):
    offset, length = response_member(warc, 3)
    data = bytearray(warc.read_bytes())
    middle = offset + length // 2
    data[middle : middle + 8] = b"\xff" * 8  # deflate data no longer valid
    warc.write_bytes(bytes(data))

    urls, skipped = responses(warc)

    assert urls == [f"p{n}" for n in range(PAGES) if n != 3]
    assert [(s.offset, s.length) for s in skipped] == [(offset, length)]
    assert skipped[0].filename == warc.name and "damaged WARC" in skipped[0].describe()


def test_corrupt_gzip_member_raises_without_resync(warc):
    offset, length = response_member(warc, 3)
    data = bytearray(warc.read_bytes())
    data[offset + length // 2 : offset + length // 2 + 8] = b"\xff" * 8
    warc.write_bytes(bytes(data))
    with pytest.raises(Exception, match=f"damaged at byte {offset}"):
        list(iter_records(warc))


def _rewrite_member(path: Path, offset: int, length: int, edit) -> None:
    data = path.read_bytes()
    record = edit(gzip.decompress(data[offset : offset + length]))
    path.write_bytes(data[:offset] + gzip.compress(record, mtime=0) + data[offset + length :])


def _claim_length(record: bytes, delta: int) -> bytes:
    def lie(match):
        return b"Content-Length: %d" % (int(match.group(1)) + delta)

    return re.sub(rb"Content-Length: (\d+)", lie, record, count=1)


@pytest.mark.parametrize("delta", [+500, -40])
def test_a_lying_content_length_costs_only_its_record(warc, delta):
    offset, length = response_member(warc, 2)
    _rewrite_member(warc, offset, length, lambda record: _claim_length(record, delta))

    urls, skipped = responses(warc)

    assert urls == [f"p{n}" for n in range(PAGES) if n != 2]
    assert [s.offset for s in skipped] == [offset]


@pytest.mark.parametrize("delta", [+500, -40])
def test_uncompressed_warc_with_a_lying_length_resynchronises(warc, delta):
    plain = warc.with_name("plain.warc")
    text = gzip.decompress(warc.read_bytes())
    starts = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\n", text)]
    responses_at = [s for s in starts if text[s : s + 400].find(b"WARC-Type: response") != -1]
    lied = responses_at[5]
    head_end = text.index(b"\r\n\r\n", lied)
    plain.write_bytes(text[:lied] + _claim_length(text[lied:head_end], delta) + text[head_end:])

    urls, skipped = responses(plain)

    assert urls == [f"p{n}" for n in range(PAGES) if n != 5]
    assert skipped[0].offset == lied


def test_garbage_and_a_torn_tail_are_stepped_over(warc):
    offset, _ = response_member(warc, 6)
    data = warc.read_bytes()
    cut = zlib.compress(b"WARC/1.1\r\n" * 50)[:40]  # a member-looking tail that ends early
    warc.write_bytes(data[:offset] + b"junk" * 100 + data[offset:] + b"\x1f\x8b\x08" + cut)

    urls, skipped = responses(warc)

    assert urls == [f"p{n}" for n in range(PAGES)]
    assert [s.offset for s in skipped] == [offset, len(data) + 400]
    assert skipped[1].length == 3 + len(cut)  # to the end of the file


def test_reading_can_start_at_any_record(warc):
    offset, _ = response_member(warc, 4)
    request_offset = max(o for o, _, kind in members(warc) if kind == "request" and o < offset)
    urls, skipped = responses(warc, start=request_offset)
    assert urls == [f"p{n}" for n in range(4, PAGES)] and not skipped


def test_the_extractor_reads_past_the_damage_and_stores_what_it_skipped(warc, tmp_path):
    from extract.pipeline import extract_archive

    offset, length = response_member(warc, 3)
    data = bytearray(warc.read_bytes())
    data[offset + length // 2 : offset + length // 2 + 8] = b"\xff" * 8
    warc.write_bytes(bytes(data))

    db_path = tmp_path / "nianbao.db"
    summary = extract_archive(warc.parent, db_path, jobs=1)

    db = sqlite_utils.Database(db_path)
    read = [row["url"].rsplit("/", 1)[1] for row in db["documents"].rows]
    assert read == [f"p{n}" for n in range(PAGES) if n != 3]
    [error] = db["errors"].rows
    assert error["stage"] == "read" and error["warc_filename"] == warc.name
    assert error["offset"] == offset and f"{length} bytes skipped" in error["reason"]
    assert summary.errors_by_stage == {"read": 1}
