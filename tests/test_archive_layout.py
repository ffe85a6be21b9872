"""The archive directory's contract (archive/layout.py): names, listing, digests, safe paths."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import layout
from archive.digest_rebuild import rebuild
from archive.writer import WarcArchive
from tests.test_archive_writer import STARTED, make_exchange


def touch(path, data=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_file_names_carry_utc_time_and_serial_and_match_their_pattern():
    beijing = STARTED.astimezone(timezone(timedelta(hours=8)))
    name = layout.warc_file_name("nianbao", beijing, 7)
    assert name == "nianbao-20240501083000-00007.warc.gz"
    match = layout.warc_file_pattern("nianbao").fullmatch(name + layout.OPEN_SUFFIX)
    assert (match["stamp"], match["serial"], match["open"]) == ("20240501083000", "00007", ".open")
    assert (
        layout.warc_file_pattern("nianbao").fullmatch("other-20240501083000-00007.warc.gz") is None
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        layout.warc_file_name("nianbao", datetime(2024, 5, 1), 0)


def test_listing_walks_subfolders_sorted_and_leaves_open_files_out_unless_asked(tmp_path):
    b = touch(tmp_path / "b.warc.gz")
    a = touch(tmp_path / "2023" / "a.warc")
    growing = touch(tmp_path / "2024" / "deep" / "c.warc.gz.open")
    stale = touch(tmp_path / "b.warc.gz.open")
    for other in ("crawls.jsonl", "index.sqlite", "notes.warc.gz.txt"):
        touch(tmp_path / other)
    (tmp_path / "dir.warc.gz").mkdir()
    assert layout.list_warcs(tmp_path) == [a, b]
    assert layout.list_warcs(tmp_path, include_open=True) == [a, growing, b, stale]
    assert [layout.warc_name(tmp_path, p) for p in (a, growing, stale)] == [
        "2023/a.warc",
        "2024/deep/c.warc.gz",
        "b.warc.gz",
    ]
    assert layout.is_open(growing) and not layout.is_open(b)
    assert layout.unfinished_warcs(tmp_path) == [stale]  # where a killed writer left it
    with pytest.raises(FileNotFoundError):
        layout.list_warcs(tmp_path / "missing")


def test_payload_digest_is_the_one_warcio_writes(tmp_path):
    body = "政府信息公开工作年度报告".encode("gbk")
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_exchange(make_exchange(body=body))
    with open(tmp_path / location.filename, "rb") as stream:
        digests = [
            record.rec_headers.get_header("WARC-Payload-Digest")
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        ]
    assert digests == [layout.payload_digest(body)] == [location.payload_digest]


def test_resolve_finds_files_in_subfolders_and_unfinished_ones_under_their_final_name(tmp_path):
    root = tmp_path / "warc"
    nested = touch(root / "2024" / "a.warc.gz")
    growing = touch(root / "b.warc.gz.open")
    assert layout.resolve_archive_path(root, "2024/a.warc.gz") == nested.resolve()
    assert layout.resolve_archive_path(root, "b.warc.gz") == growing.resolve()


def test_resolve_refuses_anything_outside_or_not_a_warc_file(tmp_path):
    root = tmp_path / "warc"
    good = touch(root / "nianbao-20240501083000-00000.warc.gz")
    touch(root / "notes.txt")
    outside = touch(tmp_path / "secret.warc.gz")
    os.symlink(outside, root / "escape.warc.gz")
    os.symlink(tmp_path, root / "up")
    (root / "sub.warc.gz").mkdir()
    assert layout.resolve_archive_path(root, good.name) == good.resolve()
    for bad in [
        "../secret.warc.gz",
        "up/secret.warc.gz",
        "2024/../../secret.warc.gz",
        "sub/x.warc.gz",
        "notes.txt",
        "missing.warc.gz",
        "escape.warc.gz",
        "sub.warc.gz",
        good.name + layout.OPEN_SUFFIX,
        "",
        ".warc.gz",
        ".hidden/a.warc.gz",
        "a//b.warc.gz",
        "..\\secret.warc.gz",
        "a\x00.warc.gz",
        str(good),
    ]:
        with pytest.raises(ValueError):
            layout.resolve_archive_path(root, bad)


def test_the_digest_index_is_rebuilt_from_subfolders_too(tmp_path):
    """Files moved into a subfolder (a year's crawls put aside) still count as archived."""
    with WarcArchive(tmp_path / "2023", started=STARTED, warcinfo={"crawl-id": "old"}) as archive:
        archive.write_exchange(make_exchange("/a", body=b"first"))
    with WarcArchive(tmp_path, started=STARTED, warcinfo={"crawl-id": "new"}) as archive:
        archive.write_exchange(make_exchange("/b", body=b"second"))
    index = rebuild(tmp_path)
    try:
        stored = index.stored_payload(layout.payload_digest(b"first"))
        assert stored is not None and stored.filename.startswith("2023/")
        assert layout.resolve_archive_path(tmp_path, stored.filename).is_file()
        assert index.stored_payload(layout.payload_digest(b"second")).crawl_id == "new"
        assert index.counts()["payloads"] == 2
    finally:
        index.close()
