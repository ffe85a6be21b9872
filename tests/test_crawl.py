"""End to end: crawl the imitation government sites and check what was found and archived."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from imitation.crawl_run import proxy_env
from imitation.farm import build_farm
from imitation.server import GovFarmServer
from tests.crawling import ROOT, archived, crawl_command, read_items, slowed


@pytest.fixture(scope="module")
def crawl(farm_crawl):
    return farm_crawl.farm, farm_crawl.out, farm_crawl.items, farm_crawl.sent, farm_crawl.log


def of_type(items, kind):
    return [item for item in items if item["type"] == kind]


def test_every_report_is_found_and_nothing_else(crawl):
    farm, _, items, _, _ = crawl
    found = Counter(item["url"] for item in of_type(items, "report"))
    expected = {report.url for report in farm.expected.reports}
    assert set(found) == expected
    assert max(found.values()) == 1


def test_no_lookalike_or_out_of_scope_report_is_taken(crawl):
    farm, _, items, _, _ = crawl
    found = {item["url"] for item in of_type(items, "report")}
    decoys = {decoy.url: decoy.reason for decoy in farm.expected.decoys}
    assert not found & set(decoys)
    reasons = set(decoys.values())
    assert {
        "government_work_report",
        "rule_of_law_report",
        "final_accounts",
        "out_of_scope",
    } <= reasons


def test_every_attachment_is_fetched_with_its_name(crawl):
    farm, _, items, _, _ = crawl
    fetched = {item["url"]: item for item in of_type(items, "attachment")}
    for report in farm.expected.reports:
        for attachment in report.attachments:
            assert attachment.url in fetched, f"{attachment.url} of {report.url}"
            item = fetched[attachment.url]
            assert item["report_url"] == report.url
            if attachment.name_source != "link":
                assert item["filename"] == attachment.filename, attachment.name_source


def test_referer_guarded_download_was_sent_the_report_page(crawl):
    farm, _, _, sent, _ = crawl
    guarded = [a for r in farm.expected.reports for a in r.attachments if a.needs_referer]
    assert guarded
    for attachment in guarded:
        assert [s.status for s in sent if s.url == attachment.url] == [200]


def test_archived_payloads_are_byte_identical_to_what_the_server_sent(crawl):
    _, out, _, sent, _ = crawl
    sent_by_url: dict[str, list[bytes]] = {}
    for s in sent:
        sent_by_url.setdefault(s.url, []).append(s.payload)
    responses = [r for r in archived(out / "warc") if r.rec_type == "response"]
    assert len(responses) == len(sent)
    for record in responses:
        assert record.payload in sent_by_url[record.target_uri], record.target_uri


def test_compressed_and_chunked_responses_are_kept_as_sent(crawl):
    _, out, _, sent, _ = crawl
    gzipped = {(s.url, s.status) for s in sent if b"content-encoding: gzip" in s.raw_head.lower()}
    chunked = {
        (s.url, s.status) for s in sent if b"transfer-encoding: chunked" in s.raw_head.lower()
    }
    assert gzipped and chunked
    for record in archived(out / "warc"):
        if record.rec_type != "response":
            continue
        names = {name.lower() for name, _ in record.http_headers}
        if (record.target_uri, record.http_status) in gzipped:
            assert record.payload[:2] == b"\x1f\x8b", record.target_uri
        if (record.target_uri, record.http_status) in chunked:
            assert "x-orig-transfer-encoding" in names and "transfer-encoding" not in names


def test_every_response_has_metadata_naming_its_site_and_page(crawl):
    farm, out, _, _, _ = crawl
    names = {row["name"] for row in farm.sites_csv_rows}
    metadata = {
        r.concurrent_to: r.fields for r in archived(out / "warc") if r.rec_type == "metadata"
    }
    responses = [r for r in archived(out / "warc") if r.rec_type == "response"]
    attachments = {a.url: r.url for r in farm.expected.reports for a in r.attachments}
    for record in responses:
        fields = metadata[record.record_id]
        assert fields["site-name"] in names
        if record.target_uri in attachments:
            assert (
                fields["kind"] == "attachment" and fields["via"] == attachments[record.target_uri]
            )


def test_warcio_check_passes(crawl):
    _, out, _, _, _ = crawl
    files = sorted((out / "warc").glob("*.warc.gz"))
    assert files and not list((out / "warc").glob("*.open"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_robots_disallowed_pages_are_not_fetched_and_traps_stay_bounded(crawl):
    farm, _, _, sent, _ = crawl
    urls = [s.url for s in sent]
    for site in farm.expected.sites:
        assert not set(site.disallowed) & set(urls)
        for prefix in site.traps:
            # Entered, then cut off by SITE_MAX_LIST_PAGES (15) after the first page.
            assert 0 < sum(url.startswith(prefix) for url in urls) <= 16, prefix


def test_a_500_is_retried_and_both_answers_are_archived(crawl):
    _, out, _, sent, _ = crawl
    failed_once = {s.url for s in sent if s.status == 500}
    assert failed_once
    statuses = Counter(
        (r.target_uri, r.http_status) for r in archived(out / "warc") if r.rec_type == "response"
    )
    for url in failed_once:
        assert statuses[url, 500] == 1 and statuses[url, 200] == 1


def test_gbk_page_without_charset_is_read_correctly(crawl):
    farm, _, items, _, _ = crawl
    gbk = [r for r in farm.expected.reports if r.charset.lower() in ("gbk", "gb2312", "gb18030")]
    assert gbk
    titles = {item["url"]: item["title"] for item in of_type(items, "report")}
    for report in gbk:
        assert titles[report.url] == report.title


def test_crawl_ends_with_a_per_site_summary(crawl):
    farm, _, _, _, log = crawl
    summary = log[log.index("Per-site summary") :]
    for row in farm.sites_csv_rows:
        assert row["url"].split("/")[2] in summary


def test_killed_crawl_resumes_without_fetching_twice(tmp_path):
    farm = build_farm()
    for routes in farm.hosts.values():
        for key, handler in list(routes.items()):
            routes[key] = slowed(handler, 0.05)
    sites_csv = tmp_path / "sites.csv"
    sites_csv.write_text(farm.sites_csv(), encoding="utf-8")
    jobdir = tmp_path / "job"
    with GovFarmServer(farm.hosts) as server:
        first = subprocess.Popen(
            crawl_command(sites_csv, tmp_path, jobdir=jobdir, found="first.jsonl"),
            cwd=ROOT,
            env=proxy_env(server),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(server.sent) < 60 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.05)
        assert first.poll() is None, "the crawl finished before it could be killed"
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        assert list((tmp_path / "warc").glob("*.warc.gz.open"))
        fetched_before = Counter(s.url for s in server.sent)
        with sqlite3.connect(jobdir / "archived.sqlite") as index:
            archived_before = {url for (url,) in index.execute("SELECT url FROM archived")}
        assert archived_before
        second = subprocess.run(
            crawl_command(sites_csv, tmp_path, jobdir=jobdir, found="second.jsonl"),
            cwd=ROOT,
            env=proxy_env(server),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert second.returncode == 0, second.stderr[-4000:]
        fetched = Counter(s.url for s in server.sent)
    found = {item["url"] for item in of_type(read_items(tmp_path / "second.jsonl"), "report")}
    assert found == {report.url for report in farm.expected.reports}
    refetched = {url for url in fetched_before if fetched[url] > fetched_before[url]}
    # What reached the archive is not fetched again; only what was in flight at the kill is.
    assert not refetched & archived_before
    assert len(refetched) < len(archived_before)
    assert f"'resume/from_archive': {len(archived_before)}," in second.stderr
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert not list((tmp_path / "warc").glob("*.open"))
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
