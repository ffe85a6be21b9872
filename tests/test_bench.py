"""Smoke tests for the benchmarks: each runs on a tiny size and writes its JSON with the documented
keys. Nothing here looks at how fast anything was — benchmarks measure, they do not judge."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from bench.farm import COLUMNS, MAX_DELAY, MIN_DELAY, _probe, build_bench_farm, delay_for
from crawler.discovery.links import link_priority
from extract.documents import read_document
from extract.parse import parse_report
from imitation.documents import report_pdf, seed_report
from imitation.reportgen import generate_report
from imitation.reportgen.render_pdf import installed_cjk_font, render_pdf

ROOT = Path(__file__).resolve().parent.parent


def run_benchmark(name: str, json_path: Path, *extra: str) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / f"{name}.py"),
            "--quick",
            "--json",
            str(json_path),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.strip(), "a benchmark prints its figures"
    return json.loads(json_path.read_text(encoding="utf-8"))


def test_bench_farm_has_reports_on_every_host_and_fixed_delays():
    farm = build_bench_farm(12)
    assert len(farm.hosts) == 12
    assert all(len(urls) == 3 for urls in farm.report_urls.values())
    assert set(farm.platforms.values()) == {"trs", "vsb", "plain", "hanweb", "jsonapi"}
    url = farm.report_urls[next(iter(farm.hosts))][0]
    assert delay_for(url) == delay_for(url)
    assert all(MIN_DELAY <= delay_for(f"http://h/{i}") <= MAX_DELAY for i in range(200))


def fetch(farm, url: str) -> bytes:
    host = url.split("/")[2]
    reply = farm.hosts[host][("GET", url.split(host, 1)[1])](_probe(host, url))
    assert reply.status == 200, url
    return reply.body


@pytest.fixture(scope="module")
def farm():
    return build_bench_farm(5, latency=False)  # one host on each CMS


def test_bench_farm_pages_and_files_weigh_what_real_ones_weigh(farm):
    """Real figures (tests/real_pages, tests/real_reports): list pages 16.7 and 45 KB, report
    pages 109 and 225 KB, report PDFs 240–413 KB with their fonts embedded, DOCX 20–60 KB."""
    for host, platform in farm.platforms.items():
        column = f"http://{host}{COLUMNS[platform][0]}"
        html_table, html_text, attachments_only = farm.report_urls[host]
        assert 15_000 <= len(fetch(farm, column)) <= 50_000, column
        assert 50_000 <= len(fetch(farm, html_table)) <= 200_000, html_table
        assert 40_000 <= len(fetch(farm, html_text)) <= 200_000, html_text
        assert 15_000 <= len(fetch(farm, attachments_only)) <= 50_000, attachments_only
        for url in farm.attachment_urls[host]:
            data = fetch(farm, url)
            if url.endswith(".pdf"):
                assert b"/FontFile2" in data and 90_000 <= len(data) <= 450_000, url
            else:
                assert 20_000 <= len(data) <= 60_000, url
    # Deterministic: another farm serves the very same bytes.
    again = build_bench_farm(5, latency=False)
    url = farm.report_urls[host][0]
    assert fetch(again, url) == fetch(farm, url)


def test_bench_farm_frame_adds_no_link_the_crawler_would_follow_nowhere(farm):
    """The frame's menus link news, services, interaction … (which the crawler does not follow)
    or the site's own disclosure pages: what a crawl visits stays what it was."""
    for host in farm.hosts:
        served = {path for method, path in farm.hosts[host] if method == "GET"}
        page = lxml.html.fromstring(fetch(farm, farm.report_urls[host][0]).decode())
        page.make_links_absolute(farm.report_urls[host][0])
        followed = {
            a.get("href").split(host, 1)[1]
            for a in page.iter("a")
            if a.get("href") and link_priority(a.text_content(), a.get("href"), domains=[host])
        }
        # The platforms' own small chrome already links a few 政务公开 columns the farm lacks.
        assert {path for path in followed - served if not path.startswith("/zwgk/")} == set()
        assert len(page.xpath('//div[@class="gov-nav"]//a')) > 25


def test_report_pages_in_the_frame_read_as_their_seed(farm):
    """Frame, Word-pasted styles and all, the extractor reads the seed's numbers off the page."""
    host = next(iter(farm.hosts))  # its reports are seed 000's
    for url in farm.report_urls[host][:2]:  # the report as an HTML table, and as HTML text
        page = read_document(fetch(farm, url), content_type="text/html; charset=utf-8", url=url)
        cells = parse_report(page.text, title_hint=page.title, cell_slots=page.cell_slots).cells
        assert {".".join(key): cell.value for key, cell in cells.items()} == seed_report(
            "000"
        ).cells, url


def read_pdfs(*pdfs: bytes):
    read = [read_document(data, content_type="application/pdf") for data in pdfs]
    return read, [parse_report(d.text, cell_slots=d.cell_slots).cells for d in read]


def test_a_pdf_with_an_embedded_font_reads_as_the_default_one():
    report = generate_report(4, version="2021")
    default, embedded = render_pdf(report), render_pdf(report, font_file=installed_cjk_font())
    assert b"/FontFile2" in embedded and b"/FontFile2" not in default
    assert len(embedded) > 4 * len(default)
    read, cells = read_pdfs(default, embedded)
    # Glyph widths differ, so lines break elsewhere; the characters do not.
    assert "".join(read[0].text.split()) == "".join(read[1].text.split())
    assert len(cells[0]) == 207 and cells[0] == cells[1]


def test_the_bench_farms_pdfs_read_as_the_default_ones(farm):
    host = next(iter(farm.hosts))  # its reports are seed 000's, whoever's name they carry
    pdf = next(url for url in farm.attachment_urls[host] if url.endswith(".pdf"))
    _, cells = read_pdfs(report_pdf(seed_report("000")), fetch(farm, pdf))
    assert len(cells[0]) == 198 and cells[0] == cells[1]


@pytest.mark.skipif(shutil.which("wget") is None, reason="GNU wget is not installed")
def test_crawl_benchmark_writes_its_bounds_and_comparison(tmp_path):
    data = run_benchmark("crawl", tmp_path / "crawl.json", "--workdir", str(tmp_path))
    for key in (
        "bound_ratio",
        "speedup_vs_parallel_wget",
        "reports_found",
        "cpu_bound_pages_per_s",
        "warc_overhead",
        "politeness",
        "farm",
        "runs",
        "machine",
    ):
        assert key in data
    tools = {run["tool"] for run in data["runs"]}
    assert tools == {"scrapy", "wget"}
    for run in data["runs"]:
        for key in (
            "wall_s",
            "pages",
            "pages_per_s",
            "cpu_s",
            "peak_rss_bytes",
            "warc_bytes",
            "reports_expected",
            "peak_requests_in_flight_per_host",
        ):
            assert key in run
        assert run["pages"] > 0 and run["peak_rss_bytes"] > 0
    polite = [r for r in data["runs"] if "bound_ratio" in r]
    assert polite and all(r["politeness_bound_s"] > 0 and r["cpu_bound_s"] > 0 for r in polite)
    # The comparison is only fair at the same per-host politeness: one request at a time.
    assert all(run["peak_requests_in_flight_per_host"] == 1 for run in data["runs"])
    assert data["politeness"]["scrapy"]["CONCURRENT_REQUESTS_PER_DOMAIN"] == "1"


def test_frontier_benchmark_holds_every_request(tmp_path):
    data = run_benchmark("frontier_memory", tmp_path / "frontier.json")
    assert set(data["modes"]) == {"memory", "disk"}
    for mode in data["modes"].values():
        assert mode["held"] == data["urls"]
        for key in (
            "peak_rss_bytes",
            "rss_growth_bytes",
            "bytes_per_url",
            "enqueue_s",
            "open_files",
        ):
            assert key in mode
    assert data["modes"]["disk"]["queue_dir_bytes"] > 0
    assert data["modes"]["memory"]["queue_dir_bytes"] == 0


def test_extract_benchmark_reports_every_type_and_memory_checkpoints(tmp_path):
    data = run_benchmark("extract", tmp_path / "extract.json")
    assert {"html", "pdf", "docx"} <= set(data["types"])
    for figures in data["types"].values():
        for key in (
            "documents",
            "failures",
            "single_docs_per_s",
            "parallel_docs_per_s",
            "median_ms",
        ):
            assert key in figures
    assert set(data["pipeline"]["jobs"]) == {"1", str(data["workers"])}
    assert all(run["docs_per_s"] > 0 for run in data["pipeline"]["jobs"].values())
    checkpoints = data["growth"]["checkpoints"]
    assert [p["documents"] for p in checkpoints] == [5, 10]
    assert all(p["rss_bytes"] > 0 for p in checkpoints)


def test_recrawl_benchmark_writes_its_ratios(tmp_path):
    data = run_benchmark("recrawl", tmp_path / "recrawl.json", "--workdir", str(tmp_path))
    for key in ("recrawl_time_ratio", "recrawl_bytes_ratio", "recrawl_network_ratio", "machine"):
        assert key in data
    first, second = data["runs"]
    assert first["statuses"].get("304", 0) == 0 < second["statuses"]["304"]
    assert second["crawl_log"]["revisits"] > 0
