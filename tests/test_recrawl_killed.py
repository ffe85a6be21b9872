"""A periodic crawl killed half way: run again with the same JOBDIR, it resumes, and the revisit
records written before the kill survive the repair of the torn WARC file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.reader import iter_records
from imitation.crawl_run import proxy_env
from imitation.farm import build_farm
from imitation.recrawl_sites import RecrawlFarm
from imitation.server import GovFarmServer
from tests.crawling import ROOT, crawl_command, read_items, slowed


def test_a_killed_recrawl_resumes_and_keeps_its_revisits(tmp_path):
    farm = build_farm()
    site = RecrawlFarm(farm)
    for routes in site.hosts.values():  # slow enough to be killed half way
        for key, handler in list(routes.items()):
            routes[key] = slowed(handler, 0.03)
    (tmp_path / "sites.csv").write_text(farm.sites_csv(), encoding="utf-8")

    def command(name):
        return crawl_command(tmp_path / "sites.csv", tmp_path, jobdir=tmp_path / "job", found=name)  # noqa: E731

    with GovFarmServer(site.hosts) as server:
        first = subprocess.run(
            command("first.jsonl"),
            cwd=ROOT,
            env=proxy_env(server),
            capture_output=True,
            timeout=300,
        )
        assert first.returncode == 0
        time.sleep(1.1)
        farm.reset()
        killed = subprocess.Popen(
            command("killed.jsonl"),
            cwd=ROOT,
            env=proxy_env(server),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while len(server.sent) < 179 + 70 and time.monotonic() < deadline and killed.poll() is None:
            time.sleep(0.02)
        assert killed.poll() is None, "the recrawl finished before it could be killed"
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        torn = next((tmp_path / "warc").glob("*.warc.gz.open"))
        revisits_before = sum(
            1 for r in iter_records(torn, errors="log") if r.rec_type == "revisit"
        )
        resumed = subprocess.run(
            command("resumed.jsonl"),
            cwd=ROOT,
            env=proxy_env(server),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert resumed.returncode == 0, resumed.stderr[-4000:]
    assert revisits_before > 10
    repaired = Path(str(torn).removesuffix(".open"))
    # Repair cuts only a torn group at the end: the revisits written before the kill stay.
    assert sum(1 for r in iter_records(repaired) if r.rec_type == "revisit") >= revisits_before - 1
    found = {
        item["url"] for item in read_items(tmp_path / "resumed.jsonl") if item["type"] == "report"
    }
    assert found == {report.url for report in farm.expected.reports}
    files = sorted((tmp_path / "warc").glob("*.warc.gz"))
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
