"""Peak memory of a crawl frontier of a million URLs: Scrapy's memory queues against disk queues.

    python bench/frontier_memory.py [--urls 1000000] [--hosts 1000] [--quick] [--json PATH]

Each mode runs in a fresh subprocess that builds the project's real scheduler — the settings in
``crawler/settings.py`` (``DownloaderAwarePriorityQueue`` over ``FifoMemoryQueue`` /
``PickleFifoDiskQueue``, the run-local duplicate filter), a ``scrapy.crawler.Crawler`` with its
engine — and enqueues ``--urls`` requests shaped like the ``reports`` spider's (URL, callback and
errback, the same meta keys, attachment and depth priorities), spread over ``--hosts`` hosts,
then reads its own RSS. Nothing is downloaded: the engine is never started, so every request
stays in the frontier, which is the point.

Modes: ``memory`` (no JOBDIR) and ``disk`` (JOBDIR, so requests are pickled to
``requests.queue/``). The duplicate filter keeps one fingerprint per request in memory in both;
``--no-dupefilter-modes`` adds ``memory-nodupe`` and ``disk-nodupe`` to show how much of the
remainder that is. JSON (``bench/results/frontier_memory.json``): ``modes`` with, per mode,
``peak_rss_bytes`` (sampled, whole process), ``rss_growth_bytes`` (peak minus the RSS before the
first request), ``bytes_per_url``, ``enqueue_s``, ``open_files``, ``queue_dir_bytes``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    RESULTS_DIR,
    ROOT,
    mib,
    run_measured,
    table,
    use_project_imports,
    write_json,
)

use_project_imports()

MODES = ("memory", "disk")
NO_DUPE_MODES = ("memory-nodupe", "disk-nodupe")


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(fill_frontier(args.child, args.urls, args.hosts)))
        return {}
    modes = MODES + (NO_DUPE_MODES if args.no_dupefilter_modes else ())
    results = {}
    for mode in modes:
        results[mode] = measure_mode(mode, args.urls, args.hosts)
        print(
            f"  {mode}: peak {mib(results[mode]['peak_rss_bytes'])} MiB, "
            f"{results[mode]['enqueue_s']:.1f} s",
            flush=True,
        )
    result = {"urls": args.urls, "hosts": args.hosts, "modes": results}
    print()
    print(report(result))
    print(f"\nwrote {write_json(args.json, result)}")
    return result


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--hosts", type=int, default=1000, help="hosts the URLs are spread over")
    parser.add_argument(
        "--no-dupefilter-modes",
        action="store_true",
        help="also measure both queues without the duplicate filter",
    )
    parser.add_argument("--quick", action="store_true", help="20,000 URLs, for smoke tests")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "frontier_memory.json")
    parser.add_argument("--child", choices=MODES + NO_DUPE_MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.urls, args.hosts = 20_000, 50
    return args


def measure_mode(mode: str, urls: int, hosts: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-frontier-") as tmp:
        out = Path(tmp) / "child.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            mode,
            "--urls",
            str(urls),
            "--hosts",
            str(hosts),
        ]
        env = dict(os.environ, BENCH_FRONTIER_TMP=tmp)
        measured = run_measured(
            command, cwd=ROOT, env=env, stdout=out, stderr=Path(tmp) / "child.err"
        )
        if measured.returncode != 0:
            raise RuntimeError(
                f"{mode} frontier child failed:\n{(Path(tmp) / 'child.err').read_text()[-3000:]}"
            )
        child = json.loads(out.read_text())
    peak = max(measured.peak_rss_bytes, child["max_rss_bytes"])
    growth = peak - child["rss_before_bytes"]
    return {
        **child,
        "peak_rss_bytes": peak,
        "rss_growth_bytes": growth,
        "bytes_per_url": round(growth / urls, 1),
        "wall_s": round(measured.wall_s, 2),
        "cpu_s": round(measured.cpu_s, 2),
    }


# -- the child: one frontier, filled ---------------------------------------------------------


def fill_frontier(mode: str, urls: int, hosts: int) -> dict:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.utils.misc import build_from_crawler, load_object
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor

    from bench.common import peak_rss_self, rss_bytes

    class FrontierSpider(Spider):
        """Stands in for ``reports``: the disk queue stores callbacks by method name."""

        name = "frontier"

        def parse(self, response):
            pass

        def failed(self, failure):
            pass

    os.chdir(ROOT)  # scrapy.cfg names the project's settings
    settings = get_project_settings()
    jobdir = Path(os.environ.get("BENCH_FRONTIER_TMP", tempfile.mkdtemp())) / "job"
    settings.set("JOBDIR", str(jobdir) if mode.startswith("disk") else None, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if mode.endswith("nodupe"):
        settings.set("DUPEFILTER_CLASS", "scrapy.dupefilters.BaseDupeFilter", priority="cmdline")
    install_reactor(settings["TWISTED_REACTOR"], settings.get("ASYNCIO_EVENT_LOOP"))
    crawler = Crawler(FrontierSpider, settings)
    crawler.spider = crawler._create_spider()
    crawler._apply_settings()
    crawler.engine = (
        crawler._create_engine()
    )  # DownloaderAwarePriorityQueue asks its downloader for slots
    scheduler = build_from_crawler(load_object(crawler.settings["SCHEDULER"]), crawler)
    scheduler.open(crawler.spider)
    spider = crawler.spider

    rss_before = rss_bytes()
    started = time.perf_counter()
    host_names = [f"www.x{100000 + h}.gov.cn" for h in range(hosts)]
    for i in range(urls):
        host = host_names[i % hosts]
        hops = 1 + i % 4
        attachment = i % 10 == 0
        url = (
            f"http://{host}/upload/2023/01/P020230130{i:09d}.pdf"
            if attachment
            else f"http://{host}/xxgk/XXGKNB/202301/t20230130_{i}.html"
        )
        request = Request(
            url,
            callback=spider.parse,
            errback=spider.failed,
            priority=100 if attachment else -hops,
            meta={
                "site_key": f"{host}#{i % hosts}",
                "kind": "attachment" if attachment else "page",
                "hops": hops,
                "via": f"http://{host}/xxgk/XXGKNB/index_{i % 7}.html",
                "via_text": "2022年政府信息公开工作年度报告",
            },
        )
        scheduler.enqueue_request(request)
    enqueue_s = time.perf_counter() - started
    rss_after = rss_bytes()
    held = len(scheduler)
    open_files = len(os.listdir("/proc/self/fd"))
    queue_dir = jobdir / "requests.queue"
    queue_bytes = (
        sum(p.stat().st_size for p in queue_dir.rglob("*") if p.is_file())
        if queue_dir.exists()
        else 0
    )
    return {
        "mode": mode,
        "urls": urls,
        "hosts": hosts,
        "held": held,
        "enqueue_s": round(enqueue_s, 2),
        "urls_per_s": round(urls / enqueue_s),
        "rss_before_bytes": rss_before,
        "rss_after_bytes": rss_after,
        "max_rss_bytes": peak_rss_self(),
        "open_files": open_files,
        "queue_dir_bytes": queue_bytes,
    }


def report(result: dict) -> str:
    rows = [
        [
            mode,
            m["held"],
            mib(m["rss_before_bytes"]),
            mib(m["peak_rss_bytes"]),
            mib(m["rss_growth_bytes"]),
            m["bytes_per_url"],
            m["enqueue_s"],
            m["urls_per_s"],
            m["open_files"],
            mib(m["queue_dir_bytes"]),
        ]
        for mode, m in result["modes"].items()
    ]
    return table(
        [
            "mode",
            "requests held",
            "RSS before MiB",
            "peak RSS MiB",
            "growth MiB",
            "bytes/URL",
            "enqueue s",
            "URLs/s",
            "open files",
            "queue on disk MiB",
        ],
        rows,
        title=f"Frontier of {result['urls']:,} URLs over {result['hosts']:,} hosts "
        "(the project's scheduler settings)",
    )


if __name__ == "__main__":
    main()
