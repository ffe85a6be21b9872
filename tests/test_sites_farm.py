"""The farm's sites through the proxy: the answer key is consistent with what is served, and each
trap (flaky page, Referer check, GBK page, odd file names, redirects, robots, calendar) is there."""

from __future__ import annotations

import gzip
import http.client
import re
import urllib.robotparser
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from imitation.documents import seed_names

MAGIC = {
    "pdf": b"%PDF-",
    "docx": b"PK\x03\x04",
    "zip": b"PK\x03\x04",
    "doc": b"\xd0\xcf\x11\xe0",
    "wps": b"\xd0\xcf\x11\xe0",
    "xls": b"\xd0\xcf\x11\xe0",
    "jpg": b"\xff\xd8\xff",
}


def fetch(
    server, url: str, headers: dict | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET ``url`` through the proxy without following redirects; the body is un-gzipped."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", url, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status, response.headers, body


def disposition_name(value: str) -> str:
    """The file name in a Content-Disposition header, the way a careful client decodes it."""
    if "filename*=" in value:
        return unquote(value.split("filename*=UTF-8''")[1])
    raw = value.split('filename="')[1].rstrip('"')
    try:
        name = raw.encode("latin-1").decode("gbk")
    except UnicodeDecodeError:
        name = raw
    return unquote(name)


def test_every_expected_url_answers(farm, farm_server):
    flaky = []
    for site in farm.expected.sites:
        assert len(site.reports) >= 5 and len(site.reports) + len(site.decoys) >= 12
        for report in site.reports:
            status, headers, body = fetch(farm_server, report.url)
            if status == 500:
                flaky.append(report.url)
                status, headers, body = fetch(farm_server, report.url)
            assert status == 200, report.url
            assert "html" in headers["Content-Type"]
            assert report.seed in seed_names()
            text = body.decode(report.charset)
            if report.content != "flipbook":
                assert report.title in text
            if report.content == "html-table":
                assert "rowspan" in text and "colspan" in text
            for attachment in report.attachments:
                status, headers, data = fetch(farm_server, attachment.url, {"Referer": report.url})
                assert status == 200, attachment.url
                assert data.startswith(MAGIC[attachment.kind]), attachment.url
                if attachment.name_source != "link":
                    assert disposition_name(headers["Content-Disposition"]) == attachment.filename
                else:
                    assert attachment.filename in text  # the link text names the file
        for url in site.decoy_urls:
            assert fetch(farm_server, url)[0] == 200, url
        for url in site.dead_links:
            assert fetch(farm_server, url)[0] == 404, url
    assert flaky == ["http://www.hy.gov.cn/art/2021/1/29/art_5812_1234568.html"]
    assert farm_server.errors == []


def test_page_fails_once_then_works_until_reset(farm, farm_server):
    url = "http://www.hy.gov.cn/art/2021/1/29/art_5812_1234568.html"
    assert fetch(farm_server, url)[0] == 500
    assert fetch(farm_server, url)[0] == 200
    farm.reset()
    assert fetch(farm_server, url)[0] == 500


def test_download_needs_the_report_page_as_referer(farm, farm_server):
    [(report, attachment)] = [
        (r, a) for r in farm.expected.reports for a in r.attachments if a.needs_referer
    ]
    assert fetch(farm_server, attachment.url)[0] == 403
    assert fetch(farm_server, attachment.url, {"Referer": "http://wjw.liaocheng.gov.cn/"})[0] == 403
    status, _, data = fetch(farm_server, attachment.url, {"Referer": report.url})
    assert status == 200 and data.startswith(b"PK")


def test_gbk_page_names_no_charset_anywhere(farm, farm_server):
    [report] = [r for r in farm.expected.reports if r.charset == "gbk"]
    status, headers, body = fetch(farm_server, report.url)
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert b"charset" not in body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert report.title in body.decode("gbk")


def test_file_names_only_in_content_disposition(farm, farm_server):
    by_source = {a.name_source: a for a in farm.expected.attachments}
    assert {"link", "rfc5987", "gbk", "percent"} <= set(by_source)
    rfc = fetch(farm_server, by_source["rfc5987"].url)[1]["Content-Disposition"]
    assert rfc.startswith("attachment; filename*=UTF-8''%E")
    gbk = by_source["gbk"]
    report = next(r for r in farm.expected.reports if gbk in r.attachments)
    raw = fetch(farm_server, gbk.url, {"Referer": report.url})[1]["Content-Disposition"]
    assert raw.encode("latin-1") == f'attachment; filename="{gbk.filename}"'.encode("gbk")
    for attachment in farm.expected.attachments:
        # Download endpoints: the URL path names a script, not the file.
        assert urlsplit(attachment.url).path.endswith(".jsp") == (attachment.name_source != "link")


def test_gzip_encoded_pdf_and_pages(farm, farm_server):
    [pdf] = [a for a in farm.expected.attachments if a.gzip]
    connection = http.client.HTTPConnection("127.0.0.1", farm_server.port, timeout=10)
    connection.request("GET", pdf.url)
    response = connection.getresponse()
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.read()).startswith(b"%PDF-")
    connection.close()
    fetch(farm_server, "http://wjw.liaocheng.gov.cn/")
    assert farm_server.sent_for("http://wjw.liaocheng.gov.cn/")[0].payload.startswith(b"\x1f\x8b")


def test_chunked_pages_and_repeated_cookies(farm_server):
    fetch(farm_server, "http://www.hy.gov.cn/")
    [sent] = farm_server.sent_for("http://www.hy.gov.cn/")
    assert b"Transfer-Encoding: chunked" in sent.raw_head
    assert sent.raw_head.count(b"Set-Cookie: ") == 2


def test_session_ids_in_links_still_reach_the_page(farm_server):
    _, _, home = fetch(farm_server, "http://www.hy.gov.cn/")
    link = re.search(r'href="([^"]*;jsessionid=[^"]*)"', home.decode()).group(1)
    assert fetch(farm_server, urljoin("http://www.hy.gov.cn/", link))[0] == 200


def test_redirects(farm_server):
    status, headers, _ = fetch(farm_server, "http://www.anqiu.gov.cn/zwgk/nb/")
    assert status == 301 and headers["Location"] == "http://www.anqiu.gov.cn/xxgk/XXGK/XXGKNB/"
    assert fetch(farm_server, headers["Location"])[0] == 200
    status, headers, _ = fetch(farm_server, "http://wjw.liaocheng.gov.cn/zwgk.jsp")
    assert status == 302 and headers["Location"] == "xxgk.htm"
    assert fetch(farm_server, urljoin("http://wjw.liaocheng.gov.cn/zwgk.jsp", "xxgk.htm"))[0] == 200


def test_calendar_never_ends(farm, farm_server):
    [trap] = farm.expected.site("www.anqiu.gov.cn").traps
    url = trap + "?date=2024-01-01"
    for _ in range(40):
        status, _, body = fetch(farm_server, url)
        assert status == 200
        url = urljoin(url, re.search(r'href="([^"]*date=[^"]*)"', body.decode()).group(1))
    assert url.endswith("date=2024-02-10")


def test_robots_txt_disallows_the_staging_copy(farm, farm_server):
    site = farm.expected.site("www.anqiu.gov.cn")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(fetch(farm_server, "http://www.anqiu.gov.cn/robots.txt")[2].decode().splitlines())
    [staging] = site.disallowed
    assert not robots.can_fetch("nianbao", staging)
    assert staging in site.decoy_urls
    assert all(robots.can_fetch("nianbao", url) for url in site.report_urls)


def test_list_columns_are_paginated(farm_server):
    # TRS: index.html, index_1.html, index_2.html for 13 items at 5 a page.
    assert fetch(farm_server, "http://www.anqiu.gov.cn/xxgk/XXGK/XXGKNB/index_2.html")[0] == 200
    assert fetch(farm_server, "http://www.suibin.gov.cn/zwgk/nb/list_3.html")[0] == 200
    assert fetch(farm_server, "http://wjw.liaocheng.gov.cn/xxgk/zfxxgknb/2.htm")[0] == 200


def test_sites_csv_is_read_by_the_crawler(farm, farm_sites_csv):
    from crawler.sites import load_sites

    sites, errors = load_sites(farm_sites_csv)
    assert errors == []
    assert [s.url for s in sites] == [s.start_url for s in farm.expected.sites]
    assert {s.level for s in sites} == {"county", "city"}
