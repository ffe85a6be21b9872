"""Politeness shared through Redis: two crawler processes put the load of one on each host.

A real redis-server on 127.0.0.1 (as tests/test_scaleout.py starts it) and the benchmark farm,
whose server counts each host's requests in flight.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from bench.farm import build_bench_farm
from crawler.shared_politeness import SharedHostGate
from imitation.crawl_run import proxy_env
from imitation.server import GovFarmServer
from tests.crawling import ROOT, crawl_command
from tests.test_scaleout import redis_server

LONG_DELAY = 30.0  # seconds: far longer than the test, so "not yet" cannot turn into "now"


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as (url, client):
        yield url, client


def gate(client, name: str) -> SharedHostGate:
    return SharedHostGate(client, f"test:{name}", lease_ttl_s=60)


def test_a_host_lease_is_held_by_one_process_at_a_time(redis_url):
    _, client = redis_url
    a, b = gate(client, "conc"), gate(client, "conc")
    assert a.try_acquire("h.gov.cn", "lease-a", concurrency=1, delay_s=0) == 0
    assert b.try_acquire("h.gov.cn", "lease-b", concurrency=1, delay_s=0) > 0
    assert b.try_acquire("other.gov.cn", "lease-c", concurrency=1, delay_s=0) == 0
    a.release("h.gov.cn", "lease-a")
    assert b.try_acquire("h.gov.cn", "lease-b", concurrency=1, delay_s=0) == 0


def test_the_delay_counts_from_the_last_start_by_any_process(redis_url):
    _, client = redis_url
    a, b = gate(client, "delay"), gate(client, "delay")
    assert a.try_acquire("h.gov.cn", "lease-a", concurrency=2, delay_s=LONG_DELAY) == 0
    a.release("h.gov.cn", "lease-a")
    wait = b.try_acquire("h.gov.cn", "lease-b", concurrency=2, delay_s=LONG_DELAY)
    assert 0 < wait <= LONG_DELAY


def crawl_with_two_processes(redis: str, farm, tmp_path, settings: tuple[str, ...]):
    """Two crawler processes sharing one frontier over Redis; their logs and the farm's stats."""
    sites_csv = tmp_path / "sites.csv"
    sites_csv.write_text(farm.sites_csv(), encoding="utf-8")
    logs = [tmp_path / f"log-{n}.txt" for n in range(2)]
    with GovFarmServer(farm.hosts) as server:
        processes = []
        for n, log in enumerate(logs):
            command = crawl_command(sites_csv, tmp_path, found=f"found-{n}.jsonl")
            for setting in (
                f"REDIS_URL={redis}",
                "SCALEOUT_KEY_PREFIX=politeness:%(spider)s",
                "SCALEOUT_IDLE_CLOSE=3",
                # Each process holds few requests, so the other gets work from the shared frontier.
                "CONCURRENT_REQUESTS=3",
                *settings,
            ):
                command += ["-s", setting]
            with open(log, "w") as stderr:
                processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=proxy_env(server), stderr=stderr)
                )
        for process in processes:
            process.wait(timeout=300)
        stats = dict(server.stats)
    texts = [log.read_text() for log in logs]
    assert [p.returncode for p in processes] == [0, 0], "\n\n".join(t[-3000:] for t in texts)
    fetched = [int(re.search(r"'downloader/request_count': (\d+)", t)[1]) for t in texts]
    assert min(fetched) > 0, fetched  # both processes took part
    return stats


def test_two_processes_hold_one_process_per_host_concurrency(redis_url, tmp_path):
    url, client = redis_url
    farm = build_bench_farm(4)  # answers 50–200 ms late, so requests overlap
    # DOWNLOAD_DELAY=0 among the test settings: only the lease keeps requests apart.
    stats = crawl_with_two_processes(url, farm, tmp_path, ("CONCURRENT_REQUESTS_PER_DOMAIN=1",))
    assert {host: stats[host].peak_concurrency for host in farm.hosts} == dict.fromkeys(
        farm.hosts, 1
    )
    assert client.keys("politeness:*") == []  # leases given back, the crawl's keys deleted


def test_two_processes_ask_each_host_no_faster_than_one(redis_url, tmp_path):
    url, _ = redis_url
    farm = build_bench_farm(3)
    delay = 0.6
    stats = crawl_with_two_processes(
        url,
        farm,
        tmp_path,
        (
            f"DOWNLOAD_DELAY={delay}",
            "RANDOMIZE_DOWNLOAD_DELAY=False",
            "CONCURRENT_REQUESTS_PER_DOMAIN=2",  # the delay, not a single slot, spaces them
        ),
    )
    for host in farm.hosts:
        arrivals = sorted(stats[host].arrivals)
        gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
        assert len(gaps) >= 10, host
        # Starts are a delay apart, by whichever process; what the loopback adds to one
        # request's way and not to the next's is far less than the 0.2 s spared here. Each
        # process keeping its own delay would put two requests on a host about as often as not
        # within that.
        assert min(gaps) >= delay - 0.2, (host, sorted(gaps)[:5])
