"""Per-host politeness holds at any delay: a farm server counts each host's requests in flight.

Scrapy 2.19 alone started every queued request of a host at once when ``DOWNLOAD_DELAY`` was 0
(crawler/downloader.py says why); the project's downloader must hold
``CONCURRENT_REQUESTS_PER_DOMAIN`` there too, while still using it.
"""

from __future__ import annotations

import subprocess

import pytest
from scrapy.utils.project import get_project_settings

from bench.farm import build_bench_farm
from crawler.downloader import global_concurrency
from imitation.crawl_run import proxy_env
from imitation.server import GovFarmServer
from tests.crawling import ROOT, crawl_command

PER_HOST = 2


@pytest.fixture(scope="module")
def farm():
    return build_bench_farm(4)  # every answer 50–200 ms late, so requests overlap


def crawl(farm, tmp_path, **settings) -> dict:
    sites_csv = tmp_path / "sites.csv"
    sites_csv.write_text(farm.sites_csv(), encoding="utf-8")
    command = crawl_command(sites_csv, tmp_path)  # DOWNLOAD_DELAY=0 among the test settings
    for name, value in {"CONCURRENT_REQUESTS_PER_DOMAIN": PER_HOST, **settings}.items():
        command += ["-s", f"{name}={value}"]
    with GovFarmServer(farm.hosts) as server:
        result = subprocess.run(
            command, cwd=ROOT, env=proxy_env(server), capture_output=True, text=True, timeout=300
        )
        stats = dict(server.stats)
    assert result.returncode == 0, result.stderr[-3000:]
    return stats


def test_per_host_concurrency_holds_with_no_delay(farm, tmp_path):
    stats = crawl(farm, tmp_path)
    peaks = {host: stats[host].peak_concurrency for host in farm.hosts}
    assert all(stats[host].requests > 10 for host in farm.hosts)
    assert max(peaks.values()) == PER_HOST, peaks  # held, and used


def test_scrapys_own_downloader_is_the_one_that_broke_it(farm, tmp_path):
    """The test above can fail: Scrapy's downloader, at the same settings, overshoots."""
    stats = crawl(farm, tmp_path, DOWNLOADER="scrapy.core.downloader.Downloader")
    assert max(stats[host].peak_concurrency for host in farm.hosts) > PER_HOST


@pytest.mark.parametrize(
    ("sites", "expected"),
    [(1, 32), (16, 32), (200, 400), (5000, 2000)],
)
def test_the_global_limit_follows_the_sites(sites, expected):
    settings = get_project_settings()
    assert global_concurrency(settings, sites) == expected


def test_scaled_out_each_process_keeps_the_fixed_limit():
    settings = get_project_settings()
    settings.set("REDIS_URL", "redis://127.0.0.1:1/0", "cmdline")
    assert global_concurrency(settings, 200) == settings.getint("CONCURRENT_REQUESTS")


def test_the_global_limit_stays_fixed_when_asked():
    settings = get_project_settings()
    settings.set("CONCURRENCY_FROM_SITES", False, "cmdline")
    assert global_concurrency(settings, 200) == settings.getint("CONCURRENT_REQUESTS")
