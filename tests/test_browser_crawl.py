"""Crawling the sites that need a browser, end to end: ``scrapy crawl reports`` in a subprocess,
through the farm's proxy, against the imitation sites of ``imitation/browser_sites.py``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.reader import ArchivedRecord, iter_records
from crawler.settings import USER_AGENT
from imitation.browser_sites import BrowserSites
from imitation.challenge_sites import ruishu_answer
from imitation.crawl_run import scrapy_crawl
from imitation.server import GovFarmServer

ROOT = Path(__file__).resolve().parents[1]
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_BACKOFF_BASE": "0.1",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
}
CHALLENGED = ("www.qingzhou.gov.cn", "www.shouguang.gov.cn")
SCRIPTED = "www.linqu.gov.cn"

pytestmark = pytest.mark.timeout(300)


@dataclass
class Crawl:
    returncode: int
    items: list[dict]
    log: str
    records: list[ArchivedRecord]

    def found(self, kind: str, host: str) -> set[str]:
        return {i["url"] for i in self.items if i["type"] == kind and f"//{host}/" in i["url"]}

    def stat(self, name: str) -> int:
        match = re.search(rf"'{re.escape(name)}': (\d+)", self.log)
        return int(match.group(1)) if match else 0

    def responses(self, url: str) -> list[ArchivedRecord]:
        return [r for r in self.records if r.rec_type == "response" and r.target_uri == url]

    def request_of(self, response: ArchivedRecord) -> ArchivedRecord:
        return next(
            r
            for r in self.records
            if r.rec_type == "request" and r.concurrent_to == response.record_id
        )

    def metadata_of(self, response: ArchivedRecord) -> dict[str, str]:
        return next(
            r.fields
            for r in self.records
            if r.rec_type == "metadata" and r.concurrent_to == response.record_id
        )


def crawl(workdir: Path, farm: GovFarmServer, sites_csv: str, **settings) -> Crawl:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "sites.csv").write_text(sites_csv, encoding="utf-8")
    settings = {"ARCHIVE_DIR": workdir / "warc", **FAST, **settings}
    command = scrapy_crawl(workdir / "sites.csv", workdir / "out.jsonl", settings)
    env = {**os.environ, "http_proxy": farm.proxy_url, "NIANBAO_LOG_LEVEL": "INFO"}
    for name in ("https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        env.pop(name, None)
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=280, check=False
    )
    out = workdir / "out.jsonl"
    items = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    records = [
        r for path in sorted((workdir / "warc").glob("*.warc.gz")) for r in iter_records(path)
    ]
    return Crawl(done.returncode, items, done.stderr, records)


@pytest.fixture(scope="module")
def sites():
    return BrowserSites()


@pytest.fixture(scope="module")
def farm(sites):
    with GovFarmServer(sites.hosts) as server:
        yield server


@pytest.fixture(scope="module")
def main_crawl(sites, farm, tmp_path_factory):
    """The script-filled list and both gateways, crawled once — with JOBDIR, so with resuming on."""
    workdir = tmp_path_factory.mktemp("browser-crawl")
    result = crawl(workdir, farm, sites.csv(SCRIPTED, *CHALLENGED), JOBDIR=workdir / "job")
    assert result.returncode == 0, result.log[-3000:]
    return result


def test_every_report_behind_scripts_and_challenges_is_found(main_crawl, sites, farm):
    for host in (SCRIPTED, *CHALLENGED):
        site = sites.by_host[host]
        assert main_crawl.found("report", host) == site.report_urls, host
        assert main_crawl.found("attachment", host) == site.attachment_urls, host
    assert not [i for i in main_crawl.items if i["type"] == "error"]
    assert farm.errors == []
    # Only the three pages that needed it went through the browser.
    assert main_crawl.stat("browser/pages") == 3
    assert main_crawl.stat("browser/requests/challenge") == 2
    assert main_crawl.stat("browser/requests/scripted_page") == 1


def test_the_warc_holds_the_challenge_and_the_document_as_exchanges(main_crawl, sites):
    for host, status in zip(CHALLENGED, (412, 521)):
        start = sites.by_host[host].start_url
        answers = main_crawl.responses(start)
        # The plain client's challenge, the browser's own challenge, then the page it let through.
        assert [r.http_status for r in answers] == [status, status, 200], host
        requests = [main_crawl.request_of(r) for r in answers]
        assert requests[0].http_header("Accept-Language") == "en"  # Scrapy's
        assert requests[0].http_header("Proxy-Connection") is None
        for request in requests[1:]:  # Chromium's, through the recorder
            assert request.http_header("Proxy-Connection") == "keep-alive"
            assert request.http_header("User-Agent") == USER_AGENT
        cookie = requests[2].http_header("Cookie")
        assert ("NBx1T=" if status == 412 else "__jsl_clearance=") in cookie
        assert "document.cookie" in answers[1].payload.decode()
        assert main_crawl.metadata_of(answers[2])["kind"] == "page"


def test_the_warc_holds_the_xhr_that_filled_the_list(main_crawl, sites):
    column = sites.by_host[SCRIPTED].start_url
    [document] = main_crawl.responses(column)[-1:]
    assert b'<ul id="reportList" class="news-list"></ul>' in document.payload  # as sent: empty
    xhr = [
        r
        for r in main_crawl.records
        if r.rec_type == "response" and "/api/ndbg/list" in (r.target_uri or "")
    ]
    assert len(xhr) == 1
    assert json.loads(xhr[0].payload)["total"] == 3
    assert main_crawl.request_of(xhr[0]).http_header("Referer") == column
    metadata = main_crawl.metadata_of(xhr[0])
    assert (metadata["kind"], metadata["via"], metadata["site-name"]) == (
        "resource",
        column,
        "临朐县人民政府",
    )


def test_browser_exchanges_are_the_bytes_the_server_sent(main_crawl, farm):
    sent = defaultdict(list)
    for answer in farm.sent:
        sent[answer.url].append((answer.status, answer.payload))
    browser = [
        r
        for r in main_crawl.records
        if r.rec_type == "response" and main_crawl.request_of(r).http_header("Proxy-Connection")
    ]
    assert len(browser) == main_crawl.stat("browser/exchanges_recorded") == 6
    for record in browser:
        assert (record.http_status, record.payload) in sent[record.target_uri]


def test_the_rendered_dom_is_kept_only_as_a_conversion_record(main_crawl, sites):
    conversions = [r for r in main_crawl.records if r.rec_type == "conversion"]
    assert len(conversions) == 3
    responses = {r.record_id: r for r in main_crawl.records if r.rec_type == "response"}
    for conversion in conversions:
        document = responses[conversion.refers_to]
        assert document.http_status == 200 and document.target_uri == conversion.target_uri
    column = sites.by_host[SCRIPTED].start_url
    [dom] = [c for c in conversions if c.target_uri == column]
    title = "临朐县教育局2021年政府信息公开工作年度报告"
    assert f'title="{title}"' in dom.payload.decode()
    # No response record of the page holds what only the browser made: the filled-in list.
    assert main_crawl.responses(column)
    assert not [r for r in main_crawl.responses(column) if title.encode() in r.payload]


def test_after_a_challenge_pages_and_attachments_are_fetched_without_the_browser(main_crawl, sites):
    for host in CHALLENGED:
        site = sites.by_host[host]
        for url in site.report_urls | site.attachment_urls:
            asked = [r for r in sites.requests_for(host) if r.url == url]
            assert len(asked) == 1, url  # no challenge met again, no browser needed again
            for request in asked:
                # Scrapy's own request (its Accept-Language, no proxy header), with the browser's cookie.
                assert request.header("Accept-Language") == "en" and not request.header(
                    "Proxy-Connection"
                )
                assert request.header("User-Agent") == USER_AGENT
                if host == "www.qingzhou.gov.cn":
                    assert request.cookie("NBx1T") == ruishu_answer(request.cookie("NBx1S"))
                else:
                    assert request.cookie("__jsl_clearance")
        # Besides those: robots.txt, and the start page three times (plain, then twice in the browser).
        others = [
            r.path
            for r in sites.requests_for(host)
            if r.url not in site.report_urls | site.attachment_urls
        ]
        assert sorted(others) == sorted(["/robots.txt"] + [site.start_path] * 3)


def test_challenges_the_browser_cannot_pass_are_logged_and_the_crawl_goes_on(sites, farm, tmp_path):
    result = crawl(
        tmp_path,
        farm,
        sites.csv("www.changyi.gov.cn"),
        BROWSER_SETTLE_TIMEOUT="3",
        PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT="4000",
    )
    assert result.returncode == 0
    assert (
        result.found("report", "www.changyi.gov.cn")
        == sites.by_host["www.changyi.gov.cn"].report_urls
    )
    errors = {i["url"].rsplit("/", 1)[1]: i["reason"] for i in result.items if i["type"] == "error"}
    assert errors["loop.html"] == errors["stuck.html"] == "HTTP 412"
    assert "Timeout" in errors["slow.html"]
    assert re.search(
        r"did not get past the challenge at \S+/loop.html: .*still after 4 attempts", result.log
    )
    assert re.search(
        r"did not get past the challenge at \S+/stuck.html: .*led nowhere within 3 s", result.log
    )
    assert result.stat("browser/challenges_not_passed") == 2
    # The endless reload was stopped once given up, not recorded for as long as the page lived.
    assert len(result.responses("http://www.changyi.gov.cn/xxgk/ndbg/loop.html")) <= 6


def test_without_a_browser_or_with_render_never_the_crawl_still_runs(tmp_path):
    sites = BrowserSites(memory_pages=1)
    with GovFarmServer(sites.hosts) as farm:
        result = crawl(
            tmp_path,
            farm,
            sites.csv(
                "www.qingzhou.gov.cn",
                "www.shouguang.gov.cn",
                "www.changyi.gov.cn",
                render={"www.qingzhou.gov.cn": "never"},
            ),
            PLAYWRIGHT_LAUNCH_OPTIONS=json.dumps({"executable_path": "/nonexistent/chromium"}),
        )
    assert result.returncode == 0
    assert (
        result.found("report", "www.changyi.gov.cn")
        == sites.by_host["www.changyi.gov.cn"].report_urls
    )
    errors = {i["url"]: i["reason"] for i in result.items if i["type"] == "error"}
    assert (
        errors[sites.by_host["www.qingzhou.gov.cn"].start_url] == "HTTP 412"
    )  # never sent to a browser
    assert "BrowserUnavailable" in errors[sites.by_host["www.shouguang.gov.cn"].start_url]
    assert "Rendering http://www.qingzhou.gov.cn" not in result.log
    assert result.log.count("No browser for this crawl") == 1
    assert result.stat("browser/pages") == 0


# --- memory over a long crawl -------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry))
    found, stack = [], [root]
    while stack:
        children = parents.get(stack.pop(), [])
        found += children
        stack += children
    return found


def browser_memory(root: int) -> tuple[int, int]:
    """(MiB of proportional set size, process count) of the Chromium processes under ``root``."""
    total_kib = count = 0
    for pid in process_tree(root):
        try:
            if "chrom" not in Path(f"/proc/{pid}/comm").read_text():
                continue
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
                    count += 1
        except OSError:
            continue  # the process ended meanwhile
    return total_kib // 1024, count


def test_memory_stays_bounded_over_a_hundred_browser_pages(tmp_path):
    sites = BrowserSites(memory_pages=100)
    host = "www.zhucheng.gov.cn"
    samples: list[tuple[int, int, int]] = []  # (pages served, MiB, processes)
    with GovFarmServer(sites.hosts) as farm:
        (tmp_path / "sites.csv").write_text(sites.csv(host), encoding="utf-8")
        settings = {"ARCHIVE_DIR": tmp_path / "warc", **FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}
        command = scrapy_crawl(tmp_path / "sites.csv", tmp_path / "out.jsonl", settings)
        with open(tmp_path / "log.txt", "w") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                stderr=log,
                env={**os.environ, "http_proxy": farm.proxy_url, "NIANBAO_LOG_LEVEL": "INFO"},
            )
            deadline = time.monotonic() + 240
            while process.poll() is None and time.monotonic() < deadline:
                served = len([r for r in sites.requests_for(host) if r.path.endswith(".html")])
                mib, processes = browser_memory(process.pid)
                if processes:
                    samples.append((served, mib, processes))
                time.sleep(0.5)
            if process.poll() is None:
                process.kill()
    log = (tmp_path / "log.txt").read_text()
    assert process.returncode == 0, log[-3000:]
    reports = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len([r for r in reports if r["type"] == "report"]) == 100
    stats = dict(re.findall(r"'(playwright/[^']+)': (\d+)", log))
    assert int(stats["playwright/page_count"]) == int(stats["playwright/page_count/closed"]) == 101
    assert int(stats["playwright/context_count/max_concurrent"]) <= 4
    early = [mib for served, mib, _ in samples if 5 <= served <= 30]
    late = [mib for served, mib, _ in samples if served >= 75]
    assert early and late, samples
    # Generous: the pages' memory goes with their contexts, so the end looks like the start.
    assert max(late) < max(early) * 1.5 + 150, samples
    assert max(processes for _, _, processes in samples) <= 25, samples
