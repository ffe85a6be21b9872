"""Reading a record's heads without its payload: ``read_record(..., payload_wanted=...)``."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from archive.reader import ArchiveReadError, read_record
from archive.writer import WarcArchive
from tests.test_archive_writer import STARTED, make_exchange

# A scanned report's bytes do not compress: the gzip member is as long as the file.
SCAN = b"%PDF-1.4\n" + random.Random(15).randbytes(300_000)
PDF_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
    b'Content-Disposition: attachment; filename="nb.pdf"\r\nContent-Length: %d\r\n\r\n' % len(SCAN)
)


def archived_scan(directory: Path):
    with WarcArchive(directory, started=STARTED) as archive:
        location = archive.write_exchange(make_exchange("/nb.pdf", SCAN, PDF_HEAD))
    return directory / location.filename, location


def spoil_tail(path: Path, offset: int, length: int) -> None:
    with open(path, "r+b") as stream:
        stream.seek(offset + length // 2)
        stream.write(b"\xff" * (length // 4))


def test_a_record_not_wanted_past_its_head_is_not_read_past_it(tmp_path):
    path, location = archived_scan(tmp_path)
    spoil_tail(path, location.offset, location.length)
    with pytest.raises(ArchiveReadError):
        read_record(path, location.offset)  # the whole record: its damage is found
    shown = []
    record = read_record(
        path,
        location.offset,
        payload_wanted=lambda head, first: shown.append((head.payload, first)) or False,
        peek=100,
    )
    assert shown == [(None, SCAN[:100])]
    assert (record.payload, record.length, record.offset) == (None, None, location.offset)
    assert (record.record_id, record.http_status) == (location.response_id, 200)
    assert record.http_header("Content-Disposition") == 'attachment; filename="nb.pdf"'


def test_a_record_wanted_after_its_head_reads_as_a_whole_record_does(tmp_path):
    path, location = archived_scan(tmp_path)
    whole = read_record(path, location.offset)
    wanted = read_record(path, location.offset, payload_wanted=lambda head, first: True, peek=10)
    assert wanted == whole and wanted.payload == SCAN and wanted.length == location.length
    spoil_tail(path, location.offset, location.length)
    with pytest.raises(ArchiveReadError):  # wanted, its damage is found as before
        read_record(path, location.offset, payload_wanted=lambda head, first: True, peek=10)
