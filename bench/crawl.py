"""Crawl speed, archive cost and coverage: our Scrapy crawler against GNU wget, in one run.

    python bench/crawl.py [--hosts 200] [--wget-hosts 30] [--repeats 2] [--quick] [--json PATH]

Serves a generated farm of county portals (``bench/farm.py``: every answer delayed 50–200 ms,
the same delay for the same URL in every run) through the imitation-site proxy, then crawls it:

* ``scrapy crawl reports`` over every host, with WARC and with ``ARCHIVE_ENABLED=False``, each
  ``--repeats`` times, interleaved, best kept → ``warc_overhead``;
* ``wget --mirror --warc-file`` over the first ``--wget-hosts`` hosts (the platform mix repeats
  every ten hosts). wget fetches one URL at a time, so its time is linear in the number of hosts:
  the sample gives its rate, and its time for the whole farm is the sample's time scaled up
  (``--wget-hosts 0`` crawls every host with wget instead: about 10 minutes for 200);
* ``scrapy crawl reports`` over that same sample, for a like-for-like time.

Both at the same per-host politeness: one request in flight per host, no wait between one answer
and the next request, robots.txt obeyed (the settings are printed and stored; see
``SCRAPY_POLITENESS`` for why Scrapy gets a 40 ms delay that never delays anything here). Pages are HTTP responses the farm sent;
CPU is user+sys of the crawler's process tree; peak RSS is the tree's, sampled every 50 ms;
reports captured are the answer key's report pages found as 200 responses in each tool's WARC.

JSON (``bench/results/crawl.json``): ``speedup_vs_wget`` (our pages/s over wget's),
``warc_overhead`` ((time with WARC − time without) / time with WARC; ``warc_cpu_overhead`` the
same in CPU seconds, which other work on the machine disturbs less), ``time_ratio_vs_wget``
(our time for the farm / wget's), ``politeness``, ``farm``, ``runs`` (one object per crawl).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    RESULTS_DIR,
    ROOT,
    best,
    mib,
    run_measured,
    table,
    use_project_imports,
    write_json,
)

use_project_imports()

from warcio.archiveiterator import ArchiveIterator

from bench.farm import MAX_DELAY, MIN_DELAY, BenchFarm, build_bench_farm
from imitation.server import GovFarmServer

# Scrapy 2.19 with the asyncio reactor does not enforce CONCURRENT_REQUESTS_PER_DOMAIN when
# DOWNLOAD_DELAY is 0: Downloader._process_queue starts a download as a task, and the slot's
# "transferring" set is only filled when that task runs, so one pass starts every queued request
# of the slot. Only the delay path starts one request per pass. Its delay counts from the previous
# request's *start*, and no farm answer comes back in under 50 ms, so 40 ms (not randomised) never
# holds a request back: it is "no delay" here, without the race (a 1 ms delay still lost it under
# load). The farm's per-host peak of requests in flight, printed with each run, shows the limit held.
SCRAPY_POLITENESS = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
    "DOWNLOAD_DELAY": "0.04",
    "RANDOMIZE_DOWNLOAD_DELAY": "False",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "ROBOTSTXT_OBEY": "True",
}
# The equivalence above holds only while every answer is slower than the delay.
assert float(SCRAPY_POLITENESS["DOWNLOAD_DELAY"]) < MIN_DELAY, "the delay would hold requests back"
WGET_POLITENESS = (
    "one connection, one request at a time (wget has no parallelism); --wait=0; robots=on"
)
WGET_LEVEL = 8  # as deep as the crawler's SITE_MAX_HOPS
TIMEOUT = 1800


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    farm = build_bench_farm(args.hosts)
    hosts = list(farm.hosts)
    sample = hosts if args.wget_hosts <= 0 else hosts[: min(args.wget_hosts, len(hosts))]
    work = Path(tempfile.mkdtemp(prefix="bench-crawl-", dir=args.workdir))
    runs: list[dict] = []
    try:
        with GovFarmServer(farm.hosts) as server:
            for repeat in range(args.repeats):
                for archive in (True, False):
                    label = f"scrapy {'WARC' if archive else 'no WARC'} #{repeat + 1}"
                    runs.append(scrapy_run(label, farm, hosts, server, work / slug(label), archive))
                    print(summary_line(runs[-1]), flush=True)
            if sample != hosts:
                runs.append(
                    scrapy_run(
                        "scrapy WARC, wget's sample",
                        farm,
                        sample,
                        server,
                        work / "scrapy-sample",
                        True,
                    )
                )
                print(summary_line(runs[-1]), flush=True)
            runs.append(wget_run(farm, sample, server, work / "wget"))
            print(summary_line(runs[-1]), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    result = compare(farm, hosts, sample, runs)
    print()
    print(report(result))
    path = write_json(args.json, result)
    print(f"\nwrote {path}" + (f"; crawl outputs kept in {work}" if args.keep else ""))
    return result


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=200, help="sites in the farm (default 200)")
    parser.add_argument(
        "--wget-hosts",
        type=int,
        default=30,
        help="hosts wget crawls (the first N; 0 = all; default 30)",
    )
    parser.add_argument(
        "--repeats", type=int, default=2, help="runs of each Scrapy crawl; best kept"
    )
    parser.add_argument("--quick", action="store_true", help="a tiny farm, for smoke tests")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "crawl.json")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where crawl outputs go (a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep WARCs and logs")
    args = parser.parse_args(argv)
    if args.quick:
        args.hosts, args.wget_hosts, args.repeats = 5, 2, 1
    return args


# -- the crawls --------------------------------------------------------------------------------


def scrapy_run(
    label: str, farm: BenchFarm, hosts: list[str], server, out: Path, archive: bool
) -> dict:
    out.mkdir(parents=True)
    sites = out / "sites.csv"
    sites.write_text(farm.sites_csv(hosts), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "reports",
        "-a",
        f"sites={sites}",
        "-O",
        str(out / "found.jsonl"),
        "-s",
        f"ARCHIVE_DIR={out / 'warc'}",
        "-s",
        f"ARCHIVE_ENABLED={archive}",
        "-s",
        "LOG_LEVEL=INFO",
    ]
    for name, value in SCRAPY_POLITENESS.items():
        command += ["-s", f"{name}={value}"]
    server.reset_log()
    measured = run_measured(
        command, cwd=ROOT, env=proxy_env(server), stderr=out / "scrapy.log", timeout=TIMEOUT
    )
    warcs = sorted((out / "warc").glob("*.warc*")) if archive else []
    return outcome(label, "scrapy", farm, hosts, server, measured, warcs, archive)


def wget_run(farm: BenchFarm, hosts: list[str], server, out: Path) -> dict:
    out.mkdir(parents=True)
    (out / "urls.txt").write_text("\n".join(farm.start_urls(hosts)) + "\n", encoding="utf-8")
    command = [
        shutil.which("wget") or "wget",
        "--no-config",
        "--mirror",
        f"--level={WGET_LEVEL}",
        # Spanning hosts, but only onto the farm's: links to www.gov.cn and the like stay out.
        "--span-hosts",
        f"--domains={','.join(hosts)}",
        "-e",
        "robots=on",
        "-e",
        "use_proxy=yes",
        "-e",
        f"http_proxy={server.proxy_url}",
        "--wait=0",
        "--tries=2",
        "--timeout=30",
        f"--warc-file={out / 'wget'}",
        "--no-verbose",
        "-o",
        str(out / "wget.log"),
        "-P",
        str(out / "mirror"),
        "-i",
        str(out / "urls.txt"),
    ]
    server.reset_log()
    measured = run_measured(
        command, cwd=out, env=proxy_env(server), stderr=out / "wget.stderr", timeout=TIMEOUT
    )
    return outcome(
        "wget --mirror",
        "wget",
        farm,
        hosts,
        server,
        measured,
        sorted(out.glob("wget*.warc*")),
        True,
    )


def proxy_env(server) -> dict:
    return dict(os.environ, http_proxy=server.proxy_url, https_proxy=server.proxy_url, no_proxy="")


def slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label).strip("-").lower()


# -- what a crawl did --------------------------------------------------------------------------


def outcome(
    label: str,
    tool: str,
    farm: BenchFarm,
    hosts: list[str],
    server,
    measured,
    warcs: list[Path],
    archive: bool,
) -> dict:
    sent = list(server.sent)
    expected_reports = {url for host in hosts for url in farm.report_urls[host]}
    expected_files = {url for host in hosts for url in farm.attachment_urls[host]}
    archived = archived_ok(warcs) if archive else set()
    fetched_ok = {s.url for s in sent if s.status == 200}
    return {
        "label": label,
        "tool": tool,
        "hosts": len(hosts),
        "archive": archive,
        "returncode": measured.returncode,
        "wall_s": round(measured.wall_s, 2),
        "pages": len(sent),
        "pages_per_s": round(len(sent) / measured.wall_s, 2),
        "cpu_s": round(measured.cpu_s, 2),
        "cpu_ms_per_page": round(1000 * measured.cpu_s / max(1, len(sent)), 2),
        "peak_rss_bytes": measured.peak_rss_bytes,
        "warc_bytes": sum(p.stat().st_size for p in warcs),
        "reports_expected": len(expected_reports),
        "reports_in_warc": len(expected_reports & archived) if archive else None,
        "reports_fetched": len(expected_reports & fetched_ok),
        "attachments_expected": len(expected_files),
        "attachments_in_warc": len(expected_files & archived) if archive else None,
        "peak_requests_in_flight_per_host": max(
            (s.peak_concurrency for s in server.stats.values()), default=0
        ),
        "farm_errors": len(server.errors),
    }


def archived_ok(warcs: list[Path]) -> set[str]:
    """URLs with a 200 response record in these WARC files (wget's or ours)."""
    found = set()
    for path in warcs:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() == "200":
                    # wget 1.19–1.20 wrote the URI in angle brackets.
                    found.add(record.rec_headers.get_header("WARC-Target-URI").strip("<>"))
    return found


def compare(farm: BenchFarm, hosts: list[str], sample: list[str], runs: list[dict]) -> dict:
    full = [r for r in runs if r["tool"] == "scrapy" and r["hosts"] == len(hosts)]
    with_warc = best([r for r in full if r["archive"]], key=lambda r: r["wall_s"])
    without = best([r for r in full if not r["archive"]], key=lambda r: r["wall_s"])
    wget = next(r for r in runs if r["tool"] == "wget")
    ours_on_sample = (
        with_warc
        if sample == hosts
        else next(
            r
            for r in runs
            if r["tool"] == "scrapy" and r["hosts"] == len(sample) and r is not with_warc
        )
    )
    # wget fetches one URL at a time: its time grows linearly with the number of hosts.
    wget_farm_s = wget["wall_s"] * len(hosts) / len(sample)
    return {
        "speedup_vs_wget": round(with_warc["pages_per_s"] / wget["pages_per_s"], 2),
        "warc_overhead": round((with_warc["wall_s"] - without["wall_s"]) / with_warc["wall_s"], 4),
        # CPU seconds are far less disturbed by other work on the machine than wall time.
        "warc_cpu_overhead": round(
            (min_cpu(full, True) - min_cpu(full, False)) / min_cpu(full, True), 4
        ),
        "time_ratio_vs_wget": round(with_warc["wall_s"] / wget_farm_s, 4),
        "wget_farm_time_s": round(wget_farm_s, 1),
        "wget_time_is_extrapolated": sample != hosts,
        "sample_time_ratio_vs_wget": round(ours_on_sample["wall_s"] / wget["wall_s"], 4),
        "best": {"scrapy_warc": with_warc["label"], "scrapy_no_warc": without["label"]},
        "politeness": {
            "scrapy": SCRAPY_POLITENESS,
            "wget": WGET_POLITENESS,
            "wget_options": f"--mirror --level={WGET_LEVEL} --span-hosts --domains=<farm hosts> -e robots=on -e use_proxy=yes",
        },
        "farm": {
            "hosts": len(hosts),
            "wget_hosts": len(sample),
            "reports": len(farm.all_report_urls),
            "delay_ms": [int(MIN_DELAY * 1000), int(MAX_DELAY * 1000)],
            "platforms": dict(sorted(_count(farm.platforms.values()).items())),
        },
        "runs": runs,
    }


def min_cpu(runs: list[dict], archive: bool) -> float:
    return min(r["cpu_s"] for r in runs if r["archive"] == archive)


def _count(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


# -- printing ----------------------------------------------------------------------------------


def summary_line(run: dict) -> str:
    return (
        f"  {run['label']}: {run['hosts']} hosts, {run['pages']} pages in {run['wall_s']:.1f} s "
        f"(exit {run['returncode']})"
    )


def report(result: dict) -> str:
    politeness = " ".join(f"{k}={v}" for k, v in result["politeness"]["scrapy"].items())
    rows = []
    for run in result["runs"]:
        reports = run["reports_in_warc"] if run["archive"] else run["reports_fetched"]
        rows.append(
            [
                run["label"],
                run["hosts"],
                run["wall_s"],
                run["pages"],
                run["pages_per_s"],
                run["cpu_s"],
                run["cpu_ms_per_page"],
                mib(run["peak_rss_bytes"]),
                mib(run["warc_bytes"]) if run["archive"] else None,
                f"{reports}/{run['reports_expected']}",
                run["peak_requests_in_flight_per_host"],
            ]
        )
    farm = result["farm"]
    lines = [
        (
            f"Farm: {farm['hosts']} hosts {farm['platforms']}, {farm['reports']} reports, "
            f"every answer delayed {farm['delay_ms'][0]}–{farm['delay_ms'][1]} ms (fixed per URL)."
        ),
        f"Per-host politeness — scrapy: {politeness}",
        f"                     wget: {result['politeness']['wget']}",
        f"                     wget options: {result['politeness']['wget_options']}",
        "",
        table(
            [
                "run",
                "hosts",
                "wall s",
                "pages",
                "pages/s",
                "CPU s",
                "CPU ms/page",
                "peak RSS MiB",
                "WARC MiB",
                "reports",
                "max/host",
            ],
            rows,
        ),
        "",
        (
            "(reports: report pages archived as 200 responses, or fetched when not archiving; "
            "max/host: most requests one host had in flight at once)"
        ),
        f"speedup_vs_wget (pages/s):   {result['speedup_vs_wget']:.1f}x",
        (
            f"time for the farm:           ours {result['time_ratio_vs_wget']:.3f} of wget's "
            f"({'extrapolated' if result['wget_time_is_extrapolated'] else 'measured'}: "
            f"{result['wget_farm_time_s']:.0f} s for wget)"
        ),
        f"same sample of hosts:        ours {result['sample_time_ratio_vs_wget']:.3f} of wget's time",
        (
            f"warc_overhead:               {100 * result['warc_overhead']:.1f}% of the crawl's time "
            f"({100 * result['warc_cpu_overhead']:.1f}% of its CPU time)"
        ),
    ]
    lines += [
        f"WARNING: {run['label']} had {run['peak_requests_in_flight_per_host']} requests in flight "
        "on one host: not the politeness compared"
        for run in result["runs"]
        if run["peak_requests_in_flight_per_host"] > 1
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
