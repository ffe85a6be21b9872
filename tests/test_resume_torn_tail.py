"""A crash that cut the tail of an ``.open`` WARC: repair trims it, and resume fetches again what
the repair dropped instead of pointing at records that are gone (issue 12, item 5)."""

from __future__ import annotations

import os

from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archive.repair import repair_open_files
from archive.writer import WarcArchive
from crawler.resume import ResumeFromArchiveMiddleware
from tests.test_archive_writer import STARTED, make_exchange

URL = "http://www.example.gov.cn/p{}"


def middleware(tmp_path) -> ResumeFromArchiveMiddleware:
    settings = {
        "JOBDIR": str(tmp_path / "job"),
        "ARCHIVE_DIR": str(tmp_path / "warc"),
        "ARCHIVE_ENABLED": True,
    }
    crawler = get_crawler(Spider, settings)
    crawler._apply_settings()
    return ResumeFromArchiveMiddleware.from_crawler(crawler)


def test_resume_fetches_again_what_repair_trimmed(tmp_path):
    archive = WarcArchive(tmp_path / "warc", started=STARTED)
    first = middleware(tmp_path)
    locations = []
    for n in range(4):
        location = archive.write_exchange(make_exchange(f"/p{n}"))
        locations.append(location)
        request = Request(URL.format(n))
        first.remember(location, request, HtmlResponse(request.url, status=200, body=b""))
    first.close(None)
    # The crash: the process is gone (the file stays .open) and the last group's bytes with it,
    # though the index had been told they were written.
    [open_file] = (tmp_path / "warc").glob("*.open")
    os.truncate(open_file, locations[3].offset + 100)

    [report] = repair_open_files(tmp_path / "warc")
    assert report.dropped_bytes > 0

    resumed = middleware(tmp_path)
    assert resumed.forget_trimmed() == 1
    for n in range(3):
        response = resumed.process_request(Request(URL.format(n)))
        assert response is not None and response.status == 200 and "archived" in response.flags
    assert resumed.process_request(Request(URL.format(3))) is None  # fetched again


def test_an_entry_at_an_unreadable_record_is_dropped_and_fetched_again(tmp_path):
    with WarcArchive(tmp_path / "warc", started=STARTED) as archive:
        location = archive.write_exchange(make_exchange("/p0"))
    index = middleware(tmp_path)
    request = Request(URL.format(0))
    index.remember(location, request, HtmlResponse(request.url, status=200, body=b""))
    path = tmp_path / "warc" / location.filename
    data = bytearray(path.read_bytes())
    data[location.offset + 20 : location.offset + 40] = b"\0" * 20  # the record is damaged
    path.write_bytes(bytes(data))

    assert index.process_request(request) is None
    assert index.db.execute("SELECT count(*) FROM archived").fetchone()[0] == 0
