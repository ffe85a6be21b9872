"""Answers from the archive (resume, and a recrawl's 304): a page whole, a file by its head only."""

from __future__ import annotations

import gzip
import random

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from archive.writer import WarcArchive
from crawler.resume import PAYLOAD_NOT_READ, ResumeFromArchiveMiddleware, answer_from_archive
from tests.test_archive_writer import HTML, STARTED, make_exchange

SCAN = b"%PDF-1.4\n" + random.Random(15).randbytes(200_000)
CSV = "年度,新收申请\n2023,12\n".encode()


def head(*headers: str, length: int) -> bytes:
    lines = ["HTTP/1.1 200 OK", *headers, f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# (path, payload, header lines): what the old whole-record answer made of each decides the class.
CASES = {
    "page": ("/a.html", HTML, ["Content-Type: text/html; charset=utf-8"]),
    "pdf": (
        "/upload/nb.pdf",
        SCAN,
        ["Content-Type: application/pdf", 'Content-Disposition: attachment; filename="nb.pdf"'],
    ),
    "file from a script": ("/down.jsp?id=9", SCAN, ["Content-Type: application/octet-stream"]),
    "text from a script": ("/down.jsp?id=10", CSV, ["Content-Type: application/octet-stream"]),
    "no type at all": ("/down.jsp?id=11", HTML, []),
    "gzip-coded page": (
        "/b",
        gzip.compress(HTML, mtime=0),
        ["Content-Type: text/html", "Content-Encoding: gzip"],
    ),
    "gzip-coded pdf": (
        "/c.pdf",
        gzip.compress(SCAN, mtime=0),
        ["Content-Type: application/pdf", "Content-Encoding: gzip"],
    ),
}


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    directory = tmp_path_factory.mktemp("warc")
    locations = {}
    with WarcArchive(directory, started=STARTED) as archive:
        for name, (path, payload, headers) in CASES.items():
            exchange = make_exchange(path, payload, head(*headers, length=len(payload)))
            locations[name] = archive.write_exchange(exchange)
    return directory, locations


@pytest.mark.parametrize("name", CASES)
def test_the_answer_has_the_class_it_had_whole_and_a_body_only_if_text(archived, name):
    directory, locations = archived
    path, payload, headers = CASES[name]
    location = locations[name]
    request = Request(f"http://www.example.gov.cn{path}")
    answer = answer_from_archive(request, directory / location.filename, location.offset, ["a"])
    whole = responsetypes.from_args(headers=answer.headers, url=request.url, body=payload)
    assert type(answer) is whole and answer.status == 200 and answer.request is request
    for line in headers:
        field, value = line.split(": ", 1)
        assert answer.headers[field] == value.encode("latin-1")
    coded = b"Content-Encoding" in answer.headers
    if issubclass(whole, TextResponse) or coded:
        assert (answer.body, answer.flags) == (payload, ["a"])
    else:
        assert (answer.body, answer.flags) == (b"", ["a", PAYLOAD_NOT_READ])


def test_http_compression_takes_either_answer_as_it_comes(archived):
    directory, locations = archived
    middleware = HttpCompressionMiddleware.from_crawler(get_crawler(Spider))

    def through(name):
        path, _, _ = CASES[name]
        request = Request(f"http://www.example.gov.cn{path}")
        location = locations[name]
        answer = answer_from_archive(request, directory / location.filename, location.offset, [])
        return middleware.process_response(request, answer)

    page = through("gzip-coded page")
    assert isinstance(page, HtmlResponse) and page.body == HTML
    pdf = through("gzip-coded pdf")
    assert type(pdf) is Response and pdf.body == SCAN
    headless = through("pdf")
    assert type(headless) is Response and headless.body == b""
    assert PAYLOAD_NOT_READ in headless.flags


def test_resume_answers_an_archived_file_with_its_head_though_its_payload_is_damaged(tmp_path):
    settings = {"JOBDIR": str(tmp_path / "job"), "ARCHIVE_DIR": str(tmp_path / "warc")}
    crawler = get_crawler(Spider, {**settings, "ARCHIVE_ENABLED": True})
    crawler._apply_settings()
    resume = ResumeFromArchiveMiddleware.from_crawler(crawler)
    path, payload, headers = CASES["pdf"]
    with WarcArchive(tmp_path / "warc", started=STARTED) as archive:
        location = archive.write_exchange(
            make_exchange(path, payload, head(*headers, length=len(payload)))
        )
    request = Request(f"http://www.example.gov.cn{path}")
    resume.remember(location, request, Response(request.url, status=200))
    with open(tmp_path / "warc" / location.filename, "r+b") as stream:
        stream.seek(location.offset + location.length // 2)
        stream.write(b"\xff" * 1000)

    answer = resume.process_request(request)
    assert type(answer) is Response and answer.body == b""
    assert answer.flags == ["archived", PAYLOAD_NOT_READ]
    assert answer.headers[b"Content-Disposition"] == b'attachment; filename="nb.pdf"'
    assert crawler.stats.get_value("resume/from_archive") == 1
