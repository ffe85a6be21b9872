"""How close a crawl of many sites comes to the limits it cannot beat, and one wget per site beside it.

    python bench/crawl.py [--hosts 200] [--delays 0.5,0.05] [--processes 2] [--quick] [--json PATH]

Serves a generated farm of county portals (``bench/farm.py``: every answer 50–200 ms late, the
same for the same URL in every run) through the imitation-site proxy, and in one run measures:

* **the CPU bound**: ``scrapy crawl reports`` over the same farm answering at once, no delay,
  WARC writing on (and once off, for ``warc_overhead``): the pages per second this machine
  allows;
* for each delay in ``--delays`` (the default 0.5 s and a short one): ``scrapy crawl reports``
  over every host at ``DOWNLOAD_DELAY`` = that delay, and **one wget per host, all in parallel**,
  at ``--wait`` = that delay — what a user would run instead. Both: one request at a time per
  host, the delay randomised ±50 % (``--random-wait``, Scrapy's default jitter), robots.txt
  obeyed. (wget waits after each answer, Scrapy between request starts.) And, with
  ``--processes N`` (default 2; needs redis-server), N crawler processes on one frontier and one
  per-host politeness in Redis, started together: one process uses one core, wget's 200 use
  them all. Their ``bound_ratio`` counts N times the CPU-bound rate, and their time includes
  ``SCALEOUT_IDLE_CLOSE`` (2 s), the wait on an empty frontier before a process ends.

For each Scrapy crawl, the **politeness bound** of the pages it fetched (``bench/bounds.py``) and
``bound_ratio`` = crawl time / max(politeness bound, pages / CPU-bound rate): 1.0 is as fast as
any crawler could be here; the target is ≤ 1.5 on 200 hosts. Times are wall times of whole
processes, start-up included (the CPU-bound rate includes it too). On a machine other work keeps
busy, the crawler gets a varying share of a core (``cpu_share`` = CPU s / wall s, per run), so
``bound_ratio_one_core`` divides by the CPU bound of a crawler with a core to itself instead
(pages / the CPU-bound crawl's pages per CPU second): on an idle machine the two agree; on a busy
one it is larger, by the share of the crawl's time other work took from it. AutoThrottle is off: it only
ever lengthens a slow host's delay, and its 1 s start delay would not be the delay compared.

JSON (``bench/results/crawl.json``): ``bound_ratio`` (per delay), ``speedup_vs_parallel_wget``
(per delay: wget's time / ours), ``scaled_out`` (per delay: the N processes' ``bound_ratio`` and
speedup over wget), ``reports_found`` (per tool and delay, of ``reports_expected``),
``cpu_bound_pages_per_s``, ``warc_overhead`` (share of the CPU-bound crawl's time spent writing
WARC), ``politeness``, ``farm``, ``runs``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import RESULTS_DIR, mib, table, use_project_imports, write_json

use_project_imports()

from bench.bounds import bound_ratio, politeness_bound  # noqa: E402
from bench.crawl_runs import scrapy_processes_run, scrapy_run, wget_parallel_run  # noqa: E402
from bench.farm import MAX_DELAY, MIN_DELAY, build_bench_farm, delay_for  # noqa: E402
from imitation.processes import RedisMissing, redis_server  # noqa: E402
from imitation.server import GovFarmServer  # noqa: E402

PER_HOST = 1  # as wget: one connection, one request at a time
POLITENESS = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": str(PER_HOST),
    "AUTOTHROTTLE_ENABLED": "False",
    "ROBOTSTXT_OBEY": "True",
}


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-crawl-", dir=args.workdir))
    runs: list[dict] = []
    try:
        instant = build_bench_farm(args.hosts, latency=False)
        with GovFarmServer(instant.hosts) as server:
            for archive in (True, False):
                label = f"CPU bound ({'WARC' if archive else 'no WARC'})"
                settings = {**POLITENESS, "DOWNLOAD_DELAY": "0", "ARCHIVE_ENABLED": str(archive)}
                runs.append(scrapy_run(label, instant, server, work / slug(label), settings))
                print(summary_line(runs[-1]), flush=True)
        farm = build_bench_farm(args.hosts)
        with GovFarmServer(farm.hosts) as server, scale_out(args.processes) as redis_url:
            for delay in args.delays:
                label = f"scrapy, delay {delay:g} s"
                settings = {**POLITENESS, "DOWNLOAD_DELAY": str(delay)}
                runs.append(scrapy_run(label, farm, server, work / slug(label), settings))
                print(summary_line(runs[-1]), flush=True)
                label = f"wget per host, wait {delay:g} s"
                runs.append(wget_parallel_run(label, farm, server, work / slug(label), delay))
                print(summary_line(runs[-1]), flush=True)
                if redis_url:
                    label = f"scrapy x{args.processes} over Redis, delay {delay:g} s"
                    where = work / slug(label)
                    n = args.processes
                    runs.append(
                        scrapy_processes_run(label, farm, server, where, settings, n, redis_url)
                    )
                    print(summary_line(runs[-1]), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    result = compare(farm, args.delays, runs)
    print()
    print(report(result))
    path = write_json(args.json, result)
    print(f"\nwrote {path}" + (f"; crawl outputs kept in {work}" if args.keep else ""))
    return result


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=200, help="sites in the farm (default 200)")
    parser.add_argument(
        "--delays",
        type=lambda text: [float(d) for d in text.split(",")],
        default=[0.5, 0.05],
        help="DOWNLOAD_DELAY / wget --wait values, comma-separated (default 0.5,0.05)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="also crawl with this many processes over Redis (0 or 1: not; default 2)",
    )
    parser.add_argument("--quick", action="store_true", help="a tiny farm, for smoke tests")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "crawl.json")
    parser.add_argument("--workdir", type=Path, default=None, help="where outputs go (a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep WARCs and logs")
    args = parser.parse_args(argv)
    if args.quick:
        args.hosts, args.delays = 5, [0.05]
    return args


@contextmanager
def scale_out(processes: int):
    """A throwaway Redis for the scaled-out runs, or None when they are not wanted or possible."""
    if processes < 2:
        yield None
        return
    try:
        with redis_server() as (url, _):
            yield url
    except RedisMissing as missing:
        print(f"  (no scaled-out runs: {missing})", flush=True)
        yield None


def slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label).strip("-").lower()


def compare(farm, delays: list[float], runs: list[dict]) -> dict:
    cpu = next(r for r in runs if r["label"] == "CPU bound (WARC)")
    no_warc = next(r for r in runs if r["label"] == "CPU bound (no WARC)")
    cpu_rate = cpu["pages"] / cpu["wall_s"]
    # The crawler is one process on one core at a time: on a machine other work keeps busy it
    # gets only a share of a core, and its wall times grow by as much. CPU seconds do not.
    cpu_rate_one_core = cpu["pages"] / cpu["cpu_s"]
    for run in runs:
        run["cpu_share"] = round(run["cpu_s"] / run["wall_s"], 3)
    ratios, ratios_one_core, speedups, found = {}, {}, {}, {}
    for run in runs:
        urls = run.pop("sent_urls")
        if run["tool"] != "scrapy" or run["label"].startswith("CPU"):
            continue
        delay = float(run["settings"]["DOWNLOAD_DELAY"])
        bound = politeness_bound(urls, delay_for, delay, PER_HOST)
        run["politeness_bound"] = bound
        # Several processes: the CPU bound of as many crawlers, each with the rate of one.
        processes = run.get("processes", 1)
        run |= bound_ratio(run["wall_s"], bound["seconds"], run["pages"], cpu_rate * processes)
        # The same against a crawler with one core to itself: the CPU-bound crawl's CPU seconds.
        alone = bound_ratio(
            run["wall_s"], bound["seconds"], run["pages"], cpu_rate_one_core * processes
        )
        run["bound_ratio_one_core"] = alone["bound_ratio"]
    scaled = {}  # per delay: the scaled-out crawl's bound_ratio and speedup over wget
    for delay in delays:
        key = f"{delay:g}"

        ours = next(r for r in runs if r["label"] == f"scrapy, delay {key} s")
        wget = next(r for r in runs if r["label"] == f"wget per host, wait {key} s")
        ratios[key] = ours["bound_ratio"]
        ratios_one_core[key] = ours["bound_ratio_one_core"]
        speedups[key] = round(wget["wall_s"] / ours["wall_s"], 2)
        found[key] = {"scrapy": ours["reports_in_warc"], "wget": wget["reports_in_warc"]}
        several = next(
            (r for r in runs if r.get("processes") and r["label"].endswith(f"delay {key} s")), None
        )
        if several is not None:
            found[key]["scrapy_processes"] = several["reports_in_warc"]
            scaled[key] = {
                "processes": several["processes"],
                "bound_ratio": several["bound_ratio"],
                "speedup_vs_parallel_wget": round(wget["wall_s"] / several["wall_s"], 2),
            }
    return {
        "bound_ratio": ratios,
        "bound_ratio_one_core": ratios_one_core,
        "cpu_bound_pages_per_cpu_s": round(cpu_rate_one_core, 1),
        "speedup_vs_parallel_wget": speedups,
        "scaled_out": scaled,
        "reports_found": found,
        "reports_expected": len(farm.all_report_urls),
        "cpu_bound_pages_per_s": round(cpu_rate, 1),
        "warc_overhead": round((cpu["wall_s"] - no_warc["wall_s"]) / cpu["wall_s"], 4),
        "warc_cpu_overhead": round((cpu["cpu_s"] - no_warc["cpu_s"]) / cpu["cpu_s"], 4),
        "politeness": {
            "scrapy": POLITENESS,
            "wget": "one process per host, all at once; --wait=<delay> --random-wait; robots=on",
        },
        "farm": {
            "hosts": len(farm.hosts),
            "reports": len(farm.all_report_urls),
            "delay_ms": [int(MIN_DELAY * 1000), int(MAX_DELAY * 1000)],
            "platforms": dict(sorted(_count(farm.platforms.values()).items())),
        },
        "runs": runs,
    }


def _count(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def summary_line(run: dict) -> str:
    return (
        f"  {run['label']}: {run['hosts']} hosts, {run['pages']} pages in {run['wall_s']:.1f} s "
        f"(exit {run['returncode']})"
    )


def report(result: dict) -> str:
    rows = [
        [
            run["label"],
            run["wall_s"],
            run["pages"],
            run["pages_per_s"],
            run["cpu_s"],
            mib(run["peak_rss_bytes"]),
            mib(run["warc_bytes"]) if run["archive"] else None,
            f"{run['reports_in_warc'] if run['archive'] else run['reports_fetched']}"
            f"/{run['reports_expected']}",
            run["peak_requests_in_flight_per_host"],
            run["cpu_share"],
            run.get("politeness_bound_s"),
            run.get("cpu_bound_s"),
            run.get("bound_ratio"),
        ]
        for run in result["runs"]
    ]
    farm = result["farm"]
    headers = ["run", "wall s", "pages", "pages/s", "CPU s", "RSS MiB", "WARC MiB", "reports"]
    headers += ["max/host", "core share", "polite s", "CPU-bound s", "bound_ratio"]
    lines = [
        (
            f"Farm: {farm['hosts']} hosts {farm['platforms']}, {farm['reports']} reports, "
            f"every answer {farm['delay_ms'][0]}–{farm['delay_ms'][1]} ms late (fixed per URL)."
        ),
        f"CPU-bound rate: {result['cpu_bound_pages_per_s']} pages/s (no latency, no delay, WARC)",
        "",
        table(headers, rows),
        "",
        f"bound_ratio (per delay):              {result['bound_ratio']}  (target ≤ 1.5)",
        (
            f"  against one free core:              {result['bound_ratio_one_core']} "
            f"({result['cpu_bound_pages_per_cpu_s']} pages per CPU second)"
        ),
        f"speedup_vs_parallel_wget (per delay): {result['speedup_vs_parallel_wget']}",
        f"scaled out over Redis (per delay):    {result['scaled_out']}",
        f"reports found (per delay):            {result['reports_found']}",
        f"warc_overhead (CPU-bound crawl):      {100 * result['warc_overhead']:.1f}% of its time",
    ]
    lines += [
        f"WARNING: {run['label']} had {run['peak_requests_in_flight_per_host']} requests in flight "
        "on one host: not the politeness compared"
        for run in result["runs"]
        if run["peak_requests_in_flight_per_host"] > PER_HOST
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
