"""Scale-out: crawler processes sharing one frontier in a real Redis (redis-server on 127.0.0.1).

Two ``scrapy crawl reports`` processes over the imitation sites, one Redis, one WARC directory:
between them every report is captured once, no URL is fetched twice, both write WARC files of
their own, and both end once the shared frontier has drained, leaving Redis clean.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.scaleout import (
    RUN_LOCAL_DUPEFILTER,
    WORKER_GONE_AFTER,
    ScaleOut,
    SharedCrawl,
    SharedFrontierLifecycle,
    SharedKeys,
    SharedScheduler,
    open_files_to_repair,
    process_name,
)
from crawler.spiders.reports import ReportsSpider
from imitation.crawl_run import proxy_env
from imitation.farm import build_farm
from imitation.processes import RedisMissing
from imitation.processes import redis_server as local_redis
from imitation.server import GovFarmServer
from tests.crawling import ROOT, archived, crawl_command, read_items, slowed

IDLE_CLOSE = 4  # seconds of empty frontier before a process ends (production: 30)
WARC_NAME = re.compile(r"nianbao-(?P<host>.+)-(?P<pid>\d+)-\d{14}-\d{5}\.warc\.gz")


@contextmanager
def redis_server():
    """A throwaway redis-server (imitation.processes), or the test is skipped without one."""
    try:
        with local_redis() as server:
            yield server
    except RedisMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def shared_redis():
    with redis_server() as server:
        yield server


@pytest.fixture(scope="module")
def shared_crawl(shared_redis, tmp_path_factory):
    """Process a starts alone; b joins the running crawl (its start URLs are all seen by then)."""
    url, client = shared_redis
    out = tmp_path_factory.mktemp("scaleout")
    farm = build_farm()
    for routes in farm.hosts.values():  # slow enough for b to join while a is at work
        for key, handler in list(routes.items()):
            routes[key] = slowed(handler, 0.1)
    sites_csv = out / "sites.csv"
    sites_csv.write_text(farm.sites_csv(), encoding="utf-8")
    logs = {name: out / f"log-{name}.txt" for name in "ab"}
    processes, ended = {}, {}
    with GovFarmServer(farm.hosts) as server:
        try:
            for name in "ab":
                command = crawl_command(sites_csv, out, found=f"found-{name}.jsonl")
                command += [
                    "-s",
                    f"REDIS_URL={url}",
                    "-s",
                    f"SCALEOUT_IDLE_CLOSE={IDLE_CLOSE}",
                    # A process holds up to this many requests in its downloader, out of
                    # the others' reach: kept low so that a cannot hold the whole farm.
                    "-s",
                    "CONCURRENT_REQUESTS=6",
                ]
                with open(logs[name], "w") as stderr:
                    processes[name] = subprocess.Popen(
                        command, cwd=ROOT, env=proxy_env(server), stderr=stderr
                    )
                deadline = time.monotonic() + 60
                while len(server.sent) < 20 and time.monotonic() < deadline:
                    time.sleep(0.02)
            deadline = time.monotonic() + 240
            while len(ended) < 2 and time.monotonic() < deadline:
                for name, process in processes.items():
                    if name not in ended and process.poll() is not None:
                        ended[name] = time.time()
                time.sleep(0.02)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
        sent = list(server.sent)
    texts = [logs[name].read_text() for name in "ab"]
    assert [processes[name].returncode for name in "ab"] == [0, 0], "\n\n".join(
        t[-3000:] for t in texts
    )
    return {
        "farm": farm,
        "out": out,
        "sent": sent,
        "logs": texts,
        "ended": ended,
        "pids": {process.pid for process in processes.values()},
        "items": [read_items(out / f"found-{name}.jsonl") for name in "ab"],
        "keys_left": client.keys("*"),
    }


def reports_of(items):
    return [item["url"] for item in items if item["type"] == "report"]


def test_every_report_is_captured_once_between_the_processes(shared_crawl):
    found = Counter(url for items in shared_crawl["items"] for url in reports_of(items))
    assert set(found) == {report.url for report in shared_crawl["farm"].expected.reports}
    assert max(found.values()) == 1


def test_no_url_is_fetched_twice(shared_crawl):
    sent = shared_crawl["sent"]
    fetched = Counter(s.url for s in sent)
    twice = {url for url, count in fetched.items() if count > 1}
    retried = {s.url for s in sent if s.status == 500}
    assert retried, "the farm's 500-then-200 page was not fetched"
    for url in retried:
        assert [s.status for s in sent if s.url == url] == [500, 200]
    # robots.txt is each process's own business (once per host and process).
    robots = {url for url in twice if url.endswith("/robots.txt")}
    assert all(fetched[url] <= 2 for url in robots)
    assert twice - robots - retried == set()


def test_each_process_writes_its_own_warc_files_and_they_pass_warcio_check(shared_crawl):
    warc_dir = shared_crawl["out"] / "warc"
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert not list(warc_dir.glob("*.open"))
    names = [WARC_NAME.fullmatch(path.name) for path in files]
    assert all(names), [path.name for path in files]
    assert {int(name["pid"]) for name in names} == shared_crawl["pids"]
    fetched_by = Counter(
        int(WARC_NAME.fullmatch(r.filename)["pid"])
        for r in archived(warc_dir)
        if r.rec_type in ("response", "revisit")
    )
    assert set(fetched_by) == shared_crawl["pids"], fetched_by  # both did a share of the work
    assert {name["host"] for name in names} == {process_name().rsplit("-", 1)[0]}
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    for log in shared_crawl["logs"]:
        # b started while a was writing: a's .open file is a's, not an interrupted crawl's.
        assert "Repaired" not in log and "] ERROR: " not in log


def test_request_meta_survives_the_trip_through_redis(shared_crawl):
    farm, out, sent = shared_crawl["farm"], shared_crawl["out"], shared_crawl["sent"]
    records = list(archived(out / "warc"))
    # A payload archived before (robots.txt, fetched by each process) may be a revisit record.
    responses = [r for r in records if r.rec_type in ("response", "revisit")]
    assert len(responses) == len(sent)  # every response archived, by one process only
    metadata = {r.concurrent_to: r.fields for r in records if r.rec_type == "metadata"}
    sites = {row["name"] for row in farm.sites_csv_rows}
    reports = {report.url for report in farm.expected.reports}
    attachments = {a.url: r.url for r in farm.expected.reports for a in r.attachments}
    for record in responses:
        fields = metadata[record.record_id]
        assert fields["site-name"] in sites, record.target_uri
        if record.target_uri in attachments:
            assert (
                fields["kind"] == "attachment" and fields["via"] == attachments[record.target_uri]
            )
        elif record.target_uri in reports:
            assert fields["kind"] == "report" and fields["via"] and fields["via-text"]
    items = [item for found in shared_crawl["items"] for item in found]
    for item in items:
        if item["type"] == "attachment":  # the spider read meta["via"] back after Redis
            assert item["report_url"] == attachments[item["url"]]


def test_processes_end_once_the_frontier_drains_and_leave_redis_clean(shared_crawl):
    last_sent = max(s.time for s in shared_crawl["sent"])
    for name, ended in shared_crawl["ended"].items():
        # Not before the crawl is over (the frontier was empty now and then before that: each
        # waits for the others' links): quiet for IDLE_CLOSE, less one heartbeat of the roll
        # (2 s). How soon after is left to the logs below: a busy machine may take longer.
        assert ended >= last_sent + IDLE_CLOSE - 2, name
    for log in shared_crawl["logs"]:
        assert "The shared frontier has been empty" in log
        assert "Closing spider (finished)" in log
    assert sum("Last process out" in log for log in shared_crawl["logs"]) == 1
    assert shared_crawl["keys_left"] == []


# --- the parts, one at a time ------------------------------------------------------------------


def scaled_out_crawler(url: str, prefix: str, **settings):
    return get_crawler(
        ReportsSpider,
        {
            "ADDONS": {ScaleOut: 100},
            "REDIS_URL": url,
            "SCALEOUT_KEY_PREFIX": prefix,
            "DUPEFILTER_CLASS": RUN_LOCAL_DUPEFILTER,  # as in crawler/settings.py, at project priority
            "REQUEST_FINGERPRINTER_CLASS": "crawler.browser.fingerprint.BrowserAwareRequestFingerprinter",
            **settings,
        },
    )


def test_without_redis_url_the_addon_changes_nothing():
    crawler = get_crawler(
        ReportsSpider, {"ADDONS": {ScaleOut: 100}, "DUPEFILTER_CLASS": RUN_LOCAL_DUPEFILTER}
    )
    assert crawler.settings["DUPEFILTER_CLASS"] == RUN_LOCAL_DUPEFILTER
    assert crawler.settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert SharedFrontierLifecycle not in crawler.settings.getdict("EXTENSIONS")


def test_a_request_crosses_redis_with_its_meta_and_is_filtered_by_the_crawl_fingerprint(
    shared_redis, tmp_path
):
    url, client = shared_redis
    crawler = scaled_out_crawler(url, "test-meta:%(spider)s")
    assert crawler.settings["DUPEFILTER_CLASS"] == "crawler.scaleout.SharedDupeFilter"
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "name,region_code,level,url\n安丘市人民政府,370784,county,http://www.anqiu.gov.cn/\n",
        encoding="utf-8",
    )
    spider = ReportsSpider.from_crawler(crawler, sites=str(sites))
    crawler.spider = spider
    scheduler = SharedScheduler.from_crawler(crawler)
    scheduler.open(spider)
    [site] = spider.sites_by_key.values()
    request = spider.request(
        site,
        "http://www.anqiu.gov.cn/files/2023年报.pdf",
        kind="attachment",
        hops=3,
        via="http://www.anqiu.gov.cn/art/1.html",
        via_text="附件：2023年年报",
        priority=100,
        callback=spider.parse_attachment,
    )
    request.meta["list_page"] = 2
    assert scheduler.enqueue_request(request)
    assert not scheduler.enqueue_request(request.replace())  # the same URL again
    # A browser rendering of the same URL is another fetch under the crawl's own fingerprinter.
    assert scheduler.enqueue_request(request.replace(meta={**request.meta, "playwright": True}))
    assert client.zcard("test-meta:reports:requests") == 2
    back = scheduler.next_request()
    assert back.url == request.url and back.priority == 100
    assert back.callback == spider.parse_attachment and back.errback == spider.failed
    for key in ("site_key", "kind", "hops", "via", "via_text", "list_page"):
        assert back.meta[key] == request.meta[key], key
    client.delete(*client.keys("test-meta:*"))


def test_an_abandoned_crawl_is_wiped_and_a_live_one_joined(shared_redis):
    _, client = shared_redis
    keys = SharedKeys("test-roll:requests", "test-roll:dupefilter", "test-roll:workers")
    client.sadd(keys.dupefilter, "seen-by-a-crawl-whose-processes-all-died")
    client.hset(
        keys.workers, "gone-1", f'{{"seen": {time.time() - WORKER_GONE_AFTER - 5}, "busy": 0}}'
    )
    first, second = SharedCrawl(client, keys, "host-1"), SharedCrawl(client, keys, "host-2")
    first_busy = time.time()
    assert first.join(busy_at=first_busy) is True
    assert not client.exists(keys.dupefilter) and client.hkeys(keys.workers) == [b"host-1"]
    client.sadd(keys.dupefilter, "seen-now")
    assert second.join(busy_at=time.time() - 100) is False  # host-1 is alive: its crawl goes on
    assert client.exists(keys.dupefilter)
    assert first.last_busy() >= first_busy  # the busiest live process counts, not host-2
    assert first.leave() is False and client.exists(keys.dupefilter)
    client.zadd(keys.queue, {"a request": 0})
    assert second.leave() is False  # requests are queued: a later start resumes them
    third = SharedCrawl(client, keys, "host-3")
    assert third.join(busy_at=time.time()) is False and client.zcard(keys.queue) == 1
    client.delete(keys.queue)
    assert third.leave() is True
    assert client.keys("test-roll:*") == []


def test_only_orphaned_open_files_are_repaired_when_scaled_out(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    host = process_name().rsplit("-", 1)[0]
    names = {
        "orphan": f"nianbao-{host}-{dead.pid}-20240501083000-00000.warc.gz.open",
        "live": f"nianbao-{host}-{process_name().rsplit('-', 1)[1]}-20240501083000-00000.warc.gz.open",
        "other host": f"nianbao-elsewhere-{dead.pid}-20240501083000-00000.warc.gz.open",
        "run alone": "nianbao-20240501083000-00000.warc.gz.open",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"")
    alone = open_files_to_repair(tmp_path, Settings({"WARC_PREFIX": "nianbao"}))
    assert sorted(path.name for path in alone) == sorted(names.values())
    scaled_out = Settings({"WARC_PREFIX": "nianbao", "REDIS_URL": "redis://127.0.0.1:1/0"})
    scaled = open_files_to_repair(tmp_path, scaled_out)
    assert sorted(path.name for path in scaled) == sorted([names["orphan"], names["run alone"]])
