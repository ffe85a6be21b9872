"""The parts of recrawling one at a time: revisit records, the digest index, conditional requests,
versions in the merge, first/last seen, the crawls log and the job directory's life."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import Response
from warcio.archiveiterator import ArchiveIterator

from archive.digest_index import DigestIndex, StoredPayload, UrlCapture
from archive.digest_rebuild import rebuild
from archive.reader import read_record
from archive.record_parts import REVISIT_PROFILES
from archive.repair import complete_prefix
from archive.writer import WarcArchive
from crawler.conditional import PREVIOUS_META, UNCONDITIONAL_META, ConditionalRequestMiddleware
from crawler.crawl_runs import mark_job_finished, prepare_job_dir
from crawler.recrawl import outcome
from extract import db as store
from extract.grouping import group_candidates
from extract.versions import import_crawls, lineages, refresh_versions
from tests.test_archive_writer import make_exchange

STARTED = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
URL = "http://www.example.gov.cn/a"
NOT_MODIFIED_HEAD = b'HTTP/1.1 304 Not Modified\r\nETag:  "v1"\r\nServer: TRS\r\n\r\n'


def warc_records(path: Path) -> list:
    with open(path, "rb") as stream:
        return [
            (r.rec_type, r.rec_headers, r.raw_stream.read())
            for r in ArchiveIterator(stream, no_record_parse=True)
        ]


# --- the revisit record -------------------------------------------------------------------------


def test_a_304_is_written_as_a_revisit_naming_its_original_with_its_head_kept(tmp_path):
    with WarcArchive(tmp_path, started=STARTED) as archive:
        original = archive.write_exchange(make_exchange("/a"), {"kind": "page"})
        revisit = archive.write_revisit(
            make_exchange("/a", body=b"", head=NOT_MODIFIED_HEAD),
            profile="server-not-modified",
            refers_to=original.response_id,
            refers_to_uri=URL,
            refers_to_date=original.date,
            payload_digest=original.payload_digest,
            metadata={"kind": "page"},
        )
    [path] = tmp_path.glob("*.warc.gz")
    records = warc_records(path)
    assert [r[0] for r in records] == [
        "warcinfo",
        "request",
        "response",
        "metadata",
        "request",
        "revisit",
        "metadata",
    ]
    _, headers, block = records[5]
    assert block == NOT_MODIFIED_HEAD  # byte for byte, the odd spacing too
    assert headers.get_header("WARC-Profile") == REVISIT_PROFILES["server-not-modified"]
    assert headers.get_header("WARC-Refers-To") == original.response_id
    assert headers.get_header("WARC-Refers-To-Target-URI") == URL
    assert headers.get_header("WARC-Refers-To-Date") == original.date
    assert headers.get_header("WARC-Payload-Digest") == original.payload_digest
    assert (
        records[4][1].get_header("WARC-Concurrent-To")
        == revisit.response_id
        == records[6][1].get_header("WARC-Concurrent-To")
    )
    again = read_record(path, revisit.offset)
    assert (again.rec_type, again.http_status, again.refers_to) == (
        "revisit",
        304,
        original.response_id,
    )
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", str(path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_repair_keeps_revisit_groups_whole(tmp_path):
    with WarcArchive(tmp_path, started=STARTED) as archive:
        archive.write_revisit(
            make_exchange("/a", body=b"", head=NOT_MODIFIED_HEAD),
            profile="server-not-modified",
            refers_to="<urn:uuid:1>",
            refers_to_uri=URL,
            refers_to_date="2024-05-01T08:00:00Z",
            payload_digest="sha1:ABC",
            metadata={},
        )
    [path] = tmp_path.glob("*.warc.gz")
    assert complete_prefix(path) == (path.stat().st_size, "complete")


def test_an_identical_payload_revisit_keeps_a_dechunked_head(tmp_path):
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_revisit(
            make_exchange("/b", body=b"12345", head=head),
            profile="identical-payload-digest",
            refers_to="<urn:uuid:1>",
            refers_to_uri=URL,
            refers_to_date="2024-05-01T08:00:00.000000Z",
            payload_digest="sha1:ABC",
        )
    _, headers, block = warc_records(next(tmp_path.glob("*.warc.gz")))[2]
    assert (
        block
        == b"HTTP/1.1 200 OK\r\nX-Orig-Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
    )
    assert headers.get_header("WARC-Profile") == REVISIT_PROFILES["identical-payload-digest"]
    assert location.payload_digest == "sha1:ABC"


def test_a_revisit_without_its_request_record_is_still_found_and_whole(tmp_path):
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_revisit(
            make_exchange("/c", body=b"", head=NOT_MODIFIED_HEAD),
            profile="server-not-modified",
            refers_to="<urn:uuid:1>",
            refers_to_uri=URL,
            refers_to_date="2024-05-01T08:00:00.000000Z",
            payload_digest="sha1:ABC",
            metadata={"kind": "page"},
            with_request=False,
        )
    [path] = tmp_path.glob("*.warc.gz")
    records = warc_records(path)
    assert [r[0] for r in records] == ["warcinfo", "revisit", "metadata"]
    assert records[1][1].get_header("WARC-Record-ID") == location.response_id
    assert location.request_id == ""
    assert read_record(path, location.offset).rec_type == "revisit"
    assert complete_prefix(path) == (path.stat().st_size, "complete")


@pytest.mark.parametrize(
    "change", [{"profile": "unchanged"}, {"refers_to_uri": ""}, {"payload_digest": None}]
)
def test_a_revisit_must_say_why_and_name_its_original(tmp_path, change):
    arguments = {
        "profile": "identical-payload-digest",
        "refers_to": "<urn:uuid:1>",
        "refers_to_uri": URL,
        "refers_to_date": "2024-05-01T08:00:00Z",
        "payload_digest": "sha1:ABC",
        **change,
    }
    with WarcArchive(tmp_path, started=STARTED) as archive, pytest.raises(ValueError):
        archive.write_revisit(make_exchange("/c"), **arguments)


# --- the digest index -----------------------------------------------------------------------------


def stored(
    digest="sha1:A", url=URL, date="2024-05-01T08:00:00.000000Z", crawl="c1", record="<urn:a>"
):
    return StoredPayload(digest, url, date, record, "f.warc.gz", 0, 100, crawl)


def test_the_index_keeps_last_captures_first_payloads_and_ended_crawls(tmp_path):
    index = DigestIndex(tmp_path / "index.sqlite")
    first = stored()
    index.add_response(
        first, method="GET", status=200, http_headers=[("ETag", '"1"'), ("Last-Modified", "Mon")]
    )
    index.add_revisit(
        URL,
        method="GET",
        date="2024-06-01T08:00:00.000000Z",
        status=304,
        record_id="<urn:r>",
        crawl_id="c2",
        http_headers=[("Last-Modified", "Tue")],
        original=first,
    )
    index.add_response(
        stored(date="2024-07-01T08:00:00.000000Z", crawl="c3", record="<urn:x>"),
        method="GET",
        status=503,
        http_headers=[],
    )  # a failure to retry: no answer
    index.add_response(
        stored(date="2024-04-01T08:00:00.000000Z", crawl="c0", record="<urn:old>"),
        method="GET",
        status=200,
        http_headers=[],
    )  # an older capture read late
    index.add_response(stored("sha1:B", url=URL + "?q"), method="POST", status=200, http_headers=[])
    last = index.last_capture(URL)
    assert (last.status, last.etag, last.last_modified, last.record_id, last.crawl_id) == (
        304,
        '"1"',
        "Tue",
        "<urn:r>",
        "c2",
    )
    assert last.payload == first and UrlCapture.from_meta(last.as_meta()) == last
    assert index.stored_payload("sha1:A").record_id == "<urn:old>"  # the first capture of the bytes
    assert index.last_capture(URL + "?q") is None and index.stored_payload("sha1:B") is not None
    assert index.has_ended("") and not index.has_ended("c1")
    index.crawl_ended("c1", "2024-05-02T00:00:00+00:00")
    assert index.has_ended("c1")


def test_a_damaged_file_is_indexed_up_to_its_damage(tmp_path, caplog):
    with WarcArchive(tmp_path, started=STARTED, warcinfo={"crawl-id": "c1"}) as archive:
        archive.write_exchange(make_exchange("/a"), {})
        archive.write_exchange(make_exchange("/b", body=b"other"), {})
    [path] = tmp_path.glob("*.warc.gz")
    path.write_bytes(path.read_bytes()[:-40])
    with caplog.at_level(logging.WARNING):
        index = rebuild(tmp_path, running="c9")
    assert "damaged" in caplog.text
    assert (
        index.last_capture(URL) is not None and index.has_ended("c1") and not index.has_ended("c9")
    )
    index.close()


# --- conditional requests -------------------------------------------------------------------------


class Stats(Counter):
    def inc_value(self, key, count=1):
        self[key] += count


def middleware(tmp_path, previous: UrlCapture | None):
    crawler = SimpleNamespace(stats=Stats())
    mw = ConditionalRequestMiddleware(crawler)
    mw._archive = SimpleNamespace(
        directory=tmp_path, replayable_capture=lambda url: previous if url == URL else None
    )
    return mw


def capture_in(tmp_path) -> UrlCapture:
    with WarcArchive(tmp_path, started=STARTED) as archive:
        location = archive.write_exchange(make_exchange("/a"), {})
    payload = StoredPayload(
        location.payload_digest,
        URL,
        location.date,
        location.response_id,
        location.filename,
        location.offset,
        location.length,
        "c1",
    )
    return UrlCapture(
        URL,
        location.date,
        200,
        '"v1"',
        "Mon, 01 Apr 2024 08:00:00 GMT",
        location.payload_digest,
        location.response_id,
        "c1",
        payload,
    )


def test_validators_of_the_last_capture_are_sent_and_a_304_answered_from_the_archive(tmp_path):
    mw = middleware(tmp_path, capture_in(tmp_path))
    request = Request(URL)
    mw.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Mon, 01 Apr 2024 08:00:00 GMT"
    answer = mw.process_response(request, Response(URL, status=304, request=request))
    assert (answer.status, answer.url, "not-modified" in answer.flags) == (200, URL, True)
    assert "政府信息公开工作年度报告".encode() in answer.body
    ok = Response(URL, status=200, body=b"new", request=request)
    assert mw.process_response(request, ok) is ok


def test_validators_do_not_follow_a_redirect_to_another_url(tmp_path):
    mw = middleware(tmp_path, capture_in(tmp_path))
    request = Request(URL)
    mw.process_request(request)
    moved = request.replace(url=URL + "/moved")  # what RedirectMiddleware does: headers, meta kept
    mw.process_request(moved)
    assert b"If-None-Match" not in moved.headers and PREVIOUS_META not in moved.meta


@pytest.mark.parametrize(
    "request_",
    [
        Request(URL, method="POST"),
        Request(URL, meta={"playwright": True}),
        Request(URL, headers={"If-None-Match": '"theirs"'}),
    ],
)
def test_some_requests_stay_as_they_are(tmp_path, request_):
    mw = middleware(tmp_path, capture_in(tmp_path))
    before = request_.headers.to_unicode_dict()
    mw.process_request(request_)
    assert request_.headers.to_unicode_dict() == before and PREVIOUS_META not in request_.meta


def test_a_304_whose_original_is_gone_is_fetched_again_in_full(tmp_path):
    previous = capture_in(tmp_path)
    for path in tmp_path.glob("*.warc.gz"):
        path.unlink()
    mw = middleware(tmp_path, previous)
    request = Request(URL)
    mw.process_request(request)
    again = mw.process_response(request, Response(URL, status=304, request=request))
    assert isinstance(again, Request) and again.dont_filter and again.meta[UNCONDITIONAL_META]
    mw.process_request(again)
    assert b"If-None-Match" not in again.headers
    assert mw.crawler.stats["recrawl/original_unreadable"] == 1


def test_what_a_full_response_says_about_its_url():
    before = UrlCapture(URL, "d", 200, None, None, "sha1:A", "<r>", "c1", None)
    assert [
        outcome(200, "sha1:B", None),
        outcome(200, "sha1:B", before),
        outcome(410, "sha1:C", before),
        outcome(404, "sha1:C", None),
        outcome(301, "sha1:C", before),
    ] == ["new", "changed", "gone", "errors", None]


# --- versions in the merge, and over time ---------------------------------------------------------


def candidate(record_id, url, digest, new_requests, page_url=None, captured_at="2024-01-01"):
    return {
        "record_id": record_id,
        "url": url,
        "page_url": page_url or url,
        "payload_digest": digest,
        "source_type": "html",
        "captured_at": captured_at,
        "agency": "某县人民政府",
        "year": 2023,
        "format_version": "2021",
        "cells": [["requests", "new", "total", new_requests, None, None, 0]],
        "cells_read": 1,
        "problems": [],
        "warc_filename": "f",
        "warc_offset": 0,
    }


def test_one_address_serving_new_numbers_is_a_new_version_not_a_copy():
    page = candidate("p1", "http://x/nb.html", "sha1:P1", 5)
    pdf = candidate("f1", "http://x/nb.pdf", "sha1:F1", 5, page_url="http://x/nb.html")
    revised = candidate(
        "f2", "http://x/nb.pdf", "sha1:F2", 9, page_url="http://x/nb.html", captured_at="2025-01-01"
    )
    restyled = candidate(
        "p2", "http://x/nb.html", "sha1:P2", 5, captured_at="2025-01-01"
    )  # a counter changed
    groups = sorted(
        sorted(c["record_id"] for c in group)
        for group in group_candidates([revised, pdf, restyled, page])
    )
    assert groups == [["f1", "p1", "p2"], ["f2"]]


def test_lineages_join_reports_one_address_carried_in_the_same_year():
    urls = {
        "r1": {"http://x/a"},
        "r2": {"http://x/a", "http://x/b"},
        "r3": {"http://x/b"},
        "r4": {"http://x/c"},
    }
    years = {"r1": 2023, "r2": 2023, "r3": 2022, "r4": 2023}
    assert sorted(map(sorted, lineages(urls, years))) == [["r1", "r2"], ["r3"], ["r4"]]


def test_last_seen_counts_revisits_and_gone_needs_nothing_seen_after(tmp_path):
    db = store.open_database(tmp_path / "nb.db")
    db.table("reports").insert_all(
        [{"id": "old", "year": 2023}, {"id": "kept", "year": 2022}], pk="id"
    )
    rows = [
        ("d1", "http://x/a", "sha1:A", "2024-01-01", 200, "old"),
        ("d2", "http://x/k", "sha1:K", "2024-01-01", 200, "kept"),
        ("d3", "http://x/k", "sha1:K", "2025-01-01", 304, None),
        ("d4", "http://x/a", "sha1:Z", "2025-01-01", 410, None),
    ]
    db.table("documents").insert_all(
        [
            dict(
                zip(
                    (
                        "record_id",
                        "url",
                        "payload_digest",
                        "captured_at",
                        "http_status",
                        "report_id",
                    ),
                    row,
                )
            )
            for row in rows
        ],
        pk="record_id",
    )
    refresh_versions(db)
    got = {
        r["id"]: (r["first_seen"], r["last_seen"], r["gone_at"], r["is_current"])
        for r in db.query("select * from reports")
    }
    assert got == {
        "old": ("2024-01-01", "2024-01-01", "2025-01-01", 0),
        "kept": ("2024-01-01", "2025-01-01", None, 1),
    }


def test_the_crawls_log_keeps_each_crawls_last_line_and_skips_bad_ones(tmp_path, caplog):
    lines = [
        {"crawl_id": "a", "started": "s1"},
        {
            "crawl_id": "a",
            "started": "s1",
            "finished": "f1",
            "changed": 2,
            "site_names": ["甲", "乙"],
        },
        "not json",
        {"no": "id"},
    ]
    (tmp_path / "crawls.jsonl").write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    )
    db = store.open_database(tmp_path / "nb.db")
    with caplog.at_level(logging.WARNING):
        assert import_crawls(db, tmp_path) == 1
    assert "line 3" in caplog.text and "line 4" in caplog.text
    [row] = db.query("select * from crawls")
    assert (row["finished"], row["changed"], json.loads(row["site_names"])) == (
        "f1",
        2,
        ["甲", "乙"],
    )


# --- the job directory of a periodic crawl --------------------------------------------------------


def test_a_finished_job_starts_afresh_and_an_interrupted_one_resumes_from_its_start_urls(
    tmp_path, caplog
):
    state = {"crawl_id": "abc", "started": "2024-05-01T08:30:00+00:00"}
    (tmp_path / "crawl.json").write_text(json.dumps(state))
    (tmp_path / "archived.sqlite").write_bytes(b"")
    (tmp_path / "requests.queue" / "p0").mkdir(parents=True)
    (tmp_path / "requests.queue" / "active.json").write_text("{}")
    kept = ("crawl.json", "archived.sqlite", "requests.queue")
    prepare_job_dir(str(tmp_path))  # stopped cleanly: kept for resuming
    assert all((tmp_path / name).exists() for name in kept)
    (tmp_path / "requests.queue" / "active.json").unlink()
    prepare_job_dir(str(tmp_path))  # killed: its queues cannot be trusted, the rest is resumed
    assert not (tmp_path / "requests.queue").exists() and (tmp_path / "archived.sqlite").exists()
    (tmp_path / "requests.queue" / "p0").mkdir(parents=True)
    mark_job_finished(str(tmp_path))
    assert json.loads((tmp_path / "crawl.json").read_text())["finished"]
    prepare_job_dir(str(tmp_path))
    assert not any((tmp_path / name).exists() for name in kept)
    (tmp_path / "crawl.json").write_text("{torn")
    with caplog.at_level(logging.WARNING):
        prepare_job_dir(str(tmp_path))
    assert (tmp_path / "crawl.json").exists() and "unfinished" in caplog.text
