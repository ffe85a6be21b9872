"""Running ``scrapy crawl reports`` and GNU wget against the benchmark farm, and what each run did.

Used by bench/crawl.py and bench/recrawl.py. A run's figures: wall and CPU time of the crawler's
process tree, its peak RSS, the pages the farm answered, the reports found in the tool's WARC
files, and the most requests one host had in flight at once (the farm server counts them).
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from bench.common import ROOT, run_measured
from imitation.crawl_run import proxy_env, scrapy_crawl

TIMEOUT = 1800
WGET_LEVEL = 8  # as deep as the crawler's SITE_MAX_HOPS


def scrapy_command(sites: Path, out: Path, settings: dict[str, str]) -> list[str]:
    """The project's crawl of ``sites`` into ``out`` (found.jsonl; ARCHIVE_DIR unless given)."""
    defaults = {"ARCHIVE_DIR": str(out / "warc"), "LOG_LEVEL": "INFO"}
    return scrapy_crawl(sites, out / "found.jsonl", {**defaults, **settings})


def sites_file(farm, out: Path) -> Path:
    """A new directory ``out`` for one run, holding the farm's sites list."""
    out.mkdir(parents=True)
    sites = out / "sites.csv"
    sites.write_text(farm.sites_csv(), encoding="utf-8")
    return sites


def scrapy_run(label: str, farm, server, out: Path, settings: dict[str, str]) -> dict:
    sites = sites_file(farm, out)
    server.reset_log()
    measured = run_measured(
        scrapy_command(sites, out, settings),
        cwd=ROOT,
        env=proxy_env(server),
        stderr=out / "scrapy.log",
        timeout=TIMEOUT,
    )
    archive = settings.get("ARCHIVE_ENABLED", "True") != "False"
    warcs = sorted((out / "warc").glob("*.warc*")) if archive else []
    return outcome(label, "scrapy", farm, server, measured, warcs, archive, settings)


def scrapy_processes_run(
    label: str, farm, server, out: Path, settings: dict[str, str], processes: int, redis_url: str
) -> dict:
    """``processes`` crawler processes started together on one frontier and one per-host
    politeness in Redis (README, "Scaling out"), measured as one process tree."""
    sites = sites_file(farm, out)
    scaled = {
        **settings,
        "REDIS_URL": redis_url,
        "SCALEOUT_KEY_PREFIX": f"{out.name}:%(spider)s",
        # Seconds a process waits on an empty frontier for the others' links before it ends:
        # part of the measured time, as it is of a real scaled-out crawl.
        "SCALEOUT_IDLE_CLOSE": "2",
        # A process alone sizes its global limit from the sites; scaled out it holds this many.
        "CONCURRENT_REQUESTS": str(len(farm.hosts)),
    }
    started, waited = [], []
    for n in range(processes):
        command = scrapy_crawl(
            sites,
            out / f"found-{n}.jsonl",
            {"ARCHIVE_DIR": str(out / "warc"), "LOG_LEVEL": "INFO", **scaled},
        )
        started.append(f"{shlex.join(command)} 2>{shlex.quote(str(out / f'scrapy-{n}.log'))} &")
        started.append(f"p{n}=$!;")
        waited.append(f"wait $p{n} || rc=1;")
    script = " ".join(["rc=0;", *started, *waited, "exit $rc"])
    server.reset_log()
    measured = run_measured(
        ["sh", "-c", script],
        cwd=ROOT,
        env=proxy_env(server),
        stderr=out / "sh.log",
        timeout=TIMEOUT,
    )
    warcs = sorted((out / "warc").glob("*.warc*"))
    return {
        **outcome(label, "scrapy", farm, server, measured, warcs, True, scaled),
        "processes": processes,
    }


def wget_parallel_run(label: str, farm, server, out: Path, wait: float) -> dict:
    """One ``wget --mirror`` per host, all at once, each waiting ``wait`` s between its requests
    (randomised 0.5–1.5×, as Scrapy's delay is), one connection each, robots.txt obeyed."""
    out.mkdir(parents=True)
    jobs = out / "jobs.txt"
    jobs.write_text(
        "".join(f"{row['allowed_domains']} {row['url']}\n" for row in farm.sites_rows),
        encoding="utf-8",
    )
    wget = shutil.which("wget") or "wget"
    # xargs runs them all at once and stays their parent, so the tree's CPU and RSS are measured.
    script = (
        f'exec {wget} --no-config --mirror --level={WGET_LEVEL} --domains="$0" -e robots=on '
        f"-e use_proxy=yes -e http_proxy={server.proxy_url} --wait={wait} --random-wait "
        f'--tries=2 --timeout=30 --warc-file="{out}/$0" --no-verbose -o "{out}/$0.log" '
        f'-P "{out}/mirror" "$1"'
    )
    command = ["xargs", "-a", str(jobs), "-n", "2", "-P", str(len(farm.sites_rows))]
    command += ["sh", "-c", script]
    server.reset_log()
    measured = run_measured(
        command, cwd=out, env=proxy_env(server), stderr=out / "xargs.log", timeout=TIMEOUT
    )
    warcs = sorted(out.glob("*.warc*"))
    return outcome(label, "wget", farm, server, measured, warcs, True, {"--wait": str(wait)})


def outcome(label, tool, farm, server, measured, warcs, archive, settings) -> dict:
    sent = list(server.sent)
    expected_reports = farm.all_report_urls
    expected_files = {url for urls in farm.attachment_urls.values() for url in urls}
    archived = archived_ok(warcs) if archive else set()
    fetched_ok = {s.url for s in sent if s.status == 200}
    return {
        "label": label,
        "tool": tool,
        "settings": settings,
        "hosts": len(farm.hosts),
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
        # What the politeness bound is computed from: the URLs the farm answered, per host.
        "sent_urls": [s.url for s in sent],
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
