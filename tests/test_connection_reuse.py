"""Downloads through the forward proxy reuse their connections: the proxy counts the ones it accepts.

Scrapy's HTTP/1.1 handler keys every pooled connection through an HTTP proxy to the proxy alone
and keeps ``CONCURRENT_REQUESTS_PER_DOMAIN`` of them, so a crawl of several hosts at once threw
most connections away after one request. crawler/capture.py keys them per target host instead.
"""

from __future__ import annotations

import subprocess

import pytest

from bench.farm import build_bench_farm
from imitation.crawl_run import proxy_env
from imitation.server import GovFarmServer
from tests.crawling import ROOT, crawl_command


def crawl(hosts: int, tmp_path) -> tuple[int, int]:
    """Requests the farm answered, and connections it accepted, for a crawl of ``hosts`` sites."""
    farm = build_bench_farm(hosts)  # answers 50–200 ms late, so requests overlap
    sites_csv = tmp_path / "sites.csv"
    sites_csv.write_text(farm.sites_csv(), encoding="utf-8")
    command = crawl_command(sites_csv, tmp_path) + ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]
    with GovFarmServer(farm.hosts) as server:
        result = subprocess.run(
            command, cwd=ROOT, env=proxy_env(server), capture_output=True, text=True, timeout=300
        )
        requests = sum(stats.requests for stats in server.stats.values())
        connections = server.connections_opened
    assert result.returncode == 0, result.stderr[-3000:]
    return requests, connections


@pytest.mark.parametrize("hosts", [1, 16])
def test_connections_are_reused_through_the_proxy(hosts, tmp_path):
    requests, connections = crawl(hosts, tmp_path)
    assert requests > 10 * hosts
    # At most two connections per host are needed at once; a few more for ones the server or
    # the pool closed (a 404 page, the idle timeout) are fine, one per request is not.
    assert connections <= 2 * hosts + requests // 10, (requests, connections)
