"""The published site at national size: every page people use, timed over generated reports.

    python bench/publish_scale.py [--sizes 2000,200000] [--json bench/results/publish_scale.json]
                                  [--workdir DIR] [--repeat 5] [--quick]

For each size, a database with the extractor's schema is generated directly in SQL (reports of
county departments with real county codes, 2008–2025; request, appeals and active table cells;
five checks per report, about one in ten failing; section text for search; one source document
each), ``python -m publish prepare`` is run on it and timed, then every page and canned query is
requested through Datasette's own ASGI client (no network) ``--repeat`` times after one warm-up:
table pages with their default facets, filtered pages, a report's row page and its
``/-/report`` and ``/-/cite`` pages, search (a common word, a rare name, a two-character word),
every canned query, the charts' queries and CSV. Writes ``reports`` (the largest size),
``p95_ms``, ``max_ms`` (wall time of the slowest page) and per size and page
``p50_ms``/``p95_ms``/``max_ms`` plus ``cpu_p95_ms``, the CPU the page took (on a shared
machine wall time includes waiting for a core); facets that time
out are listed under ``facets_timed_out``. Figures, not verdicts: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import RESULTS_DIR, use_project_imports

use_project_imports()

from bench.publish_data import generate  # noqa: E402
from publish.prepare import prepare  # noqa: E402
from publish.serve import METADATA_PATH, build_datasette  # noqa: E402

METADATA = json.loads(METADATA_PATH.read_text(encoding="utf-8"))


def pages(sample: dict) -> dict[str, str]:
    """Name → URL of every page timed, filled with ids and names from the database."""
    rid, agency, county, province = (
        sample["report_id"],
        sample["agency"],
        sample["county"],
        sample["province"],
    )
    q = lambda text: quote(str(text), safe="")  # noqa: E731
    urls = {
        "home": "/",
        "database": "/nianbao",
        "reports (facets)": "/nianbao/reports",
        "reports by year and level": "/nianbao/reports?year=2020&level=county",
        "reports search common": "/nianbao/reports?_search=" + q("行政复议"),
        "reports search rare": "/nianbao/reports?_search=" + q(county),
        "summary (facets)": "/nianbao/report_requests_summary",
        "summary by province": "/nianbao/report_requests_summary?province=" + q(province),
        "summary CSV for Excel": "/nianbao/report_requests_summary.csv?_bom=1&province="
        + q(province),
        "requests table of a report": "/nianbao/report_requests_table?report_id=" + q(rid),
        "active table of a report": "/nianbao/report_active_table?report_id=" + q(rid),
        "appeals table (facets)": "/nianbao/report_appeals_table",
        "checks (facets)": "/nianbao/checks",
        "checks failing": "/nianbao/checks?ok=0",
        "cells of a report": "/nianbao/cells?report_id=" + q(rid),
        "cells": "/nianbao/cells",
        "documents (facets)": "/nianbao/documents",
        "report row page": "/nianbao/reports/" + q(rid),
        "report page": "/-/report/" + q(rid),
        "report page JSON": "/-/report/" + q(rid) + ".json",
        "citation page": "/-/cite/" + q(rid),
        "archived wrapper": "/-/archived/" + q(sample["record_id"]),
        "search common": "/-/search?q=" + q("行政复议"),
        "search rare": "/-/search?q=" + q(county),
        "search two characters": "/-/search?q=" + q("复议"),
        "dashboard": "/-/dashboards/nianbao",
    }
    params = {
        "agency_requests_by_year": {"agency": agency},
        "place_requests_by_year": {"place": county},
        "compare_agencies": {"agencies": agency[:3] + " 教育局", "year": "2020", "place": ""},
        "top_agencies_by_requests": {"province": province[:2], "year": "2020"},
        "outcomes_by_region": {"year": "2020", "province": ""},
        "inconsistent_reports": {"year": "", "place": ""},
        "late_reports": {"year": ""},
        "missing_reports": {"agency": county},
    }
    for name in METADATA["databases"]["nianbao"]["queries"]:
        args = params.get(name, {})
        urls[f"query {name}"] = f"/nianbao/{name}?" + "&".join(
            f"{k}={q(v)}" for k, v in args.items()
        )
    from datasette_dashboards import replace_opts_in_query

    charts = METADATA["plugins"]["datasette-dashboards"]["nianbao"]["charts"]
    for filters in ({}, {"province": province}, {"agency": "卫生健康"}):
        for name, chart in charts.items():
            sql = replace_opts_in_query(chart["query"], filters)
            label = ",".join(filters) or "all"
            urls[f"chart {name} ({label})"] = (
                f"/nianbao.json?_shape=objects&sql={q(sql)}"
                + "".join(f"&{k}={q(v)}" for k, v in filters.items())
            )
    return urls


def sample_of(path: Path) -> dict:
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    conn.row_factory = sqlite3.Row
    row = conn.execute(
        "select s.report_id, s.agency, s.county, s.province, s.warc_record_id as record_id "
        "from report_requests_summary s where s.checks_failed > 0 and s.county is not null "
        "order by s.report_id limit 1 offset 7"
    ).fetchone()
    conn.close()
    return dict(row)


async def time_pages(datasette, urls: dict[str, str], repeat: int) -> dict:
    timings, statuses, timed_out = {}, {}, {}
    for name, url in urls.items():
        durations, cpu = [], []
        for attempt in range(repeat + 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = await datasette.client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if attempt:  # the first request warms caches
                durations.append(elapsed)
                # CPU of every thread of this process: what the page costs, whatever else
                # the machine is doing (wall time on a shared machine includes waiting).
                cpu.append((time.process_time() - cpu_started) * 1000)
        statuses[name] = response.status_code
        if url.endswith(".json") or "?" in url and ".json" in url.split("?")[0]:
            body = response.json() if response.status_code == 200 else {}
            if isinstance(body, dict) and body.get("facets_timed_out"):
                timed_out[name] = body["facets_timed_out"]
        elif "These facets timed out" in response.text:
            timed_out[name] = "see page"
        durations.sort()
        timings[name] = {
            "p50_ms": round(statistics.median(durations), 1),
            "p95_ms": round(_p95(durations), 1),
            "max_ms": round(durations[-1], 1),
            "cpu_p95_ms": round(_p95(cpu), 1),
            "status": response.status_code,
        }
        print(
            f"  {timings[name]['p95_ms']:8.1f} ms p95 {timings[name]['cpu_p95_ms']:8.1f} ms CPU"
            f"  {response.status_code}  {name}",
            flush=True,
        )
    return {"pages": timings, "facets_timed_out": timed_out}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    index = max(0, int(round(0.95 * len(ordered) + 0.5)) - 1)
    return ordered[min(index, len(ordered) - 1)]


def measure(
    size: int, workdir: Path, repeat: int, reuse: bool = False, timing_only: bool = False
) -> dict:
    path = workdir / f"publish-{size}.db"
    raw = workdir / f"publish-{size}.generated.json"
    if reuse and path.exists() and raw.exists():
        generated, generate_s = json.loads(raw.read_text())
    else:
        if path.exists():
            path.unlink()
        started = time.perf_counter()
        generated = generate(path, size)
        generate_s = time.perf_counter() - started
        raw.write_text(json.dumps([generated, generate_s]))
    print(f"{size:,} reports generated in {generate_s:.0f} s ({generated})", flush=True)
    prepared = workdir / f"publish-{size}.prepared.json"
    if reuse and timing_only and prepared.exists():
        prepare_s = json.loads(prepared.read_text())
    else:
        started = time.perf_counter()
        prepare(path)
        prepare_s = time.perf_counter() - started
        prepared.write_text(json.dumps(prepare_s))
    print(f"prepared in {prepare_s:.0f} s; {path.stat().st_size / 2**20:.0f} MiB", flush=True)
    started = time.perf_counter()
    datasette = build_datasette(path)
    urls = pages(sample_of(path))

    async def run():
        await datasette.invoke_startup()
        first = time.perf_counter()
        await datasette.client.get("/nianbao")
        startup = time.perf_counter() - first
        return startup, await time_pages(datasette, urls, repeat)

    startup_s, timed = asyncio.run(run())
    all_p95 = [page["p95_ms"] for page in timed["pages"].values()]
    all_max = [page["max_ms"] for page in timed["pages"].values()]
    all_cpu = sorted(page["cpu_p95_ms"] for page in timed["pages"].values())
    return {
        "reports": size,
        **generated,
        "generate_s": round(generate_s, 1),
        "prepare_s": round(prepare_s, 1),
        "first_request_s": round(startup_s, 2),
        "db_bytes": path.stat().st_size,
        "p95_ms": max(all_p95),
        "max_ms": max(all_max),
        "cpu_p95_ms": all_cpu[-1],
        "median_page_cpu_p95_ms": statistics.median(all_cpu),
        "pages_over_500_ms_cpu": sorted(
            n for n, p in timed["pages"].items() if p["cpu_p95_ms"] > 500
        ),
        "load_average_after": os.getloadavg(),
        "pages_over_500_ms_p95": sorted(n for n, p in timed["pages"].items() if p["p95_ms"] > 500),
        "errors": sorted(n for n, p in timed["pages"].items() if p["status"] >= 400),
        **timed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,200000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "publish_scale.json")
    parser.add_argument("--workdir", type=Path, help="where the databases go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse databases kept in --workdir (prepare again)"
    )
    parser.add_argument(
        "--timing-only",
        action="store_true",
        help="with --reuse: do not prepare again (only the pages or metadata changed)",
    )
    parser.add_argument("--quick", action="store_true", help="one small size (smoke test)")
    args = parser.parse_args(argv)
    sizes = [300] if args.quick else [int(s) for s in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="publish-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in sizes:
            results.append(
                measure(
                    size,
                    workdir,
                    1 if args.quick else args.repeat,
                    args.reuse,
                    args.timing_only,
                )
            )
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    largest = results[-1]
    summary = {
        "benchmark": "publish_scale",
        "reports": largest["reports"],
        "p95_ms": largest["p95_ms"],
        "max_ms": largest["max_ms"],
        "cpu_p95_ms": largest["cpu_p95_ms"],
        "pages_over_500_ms_cpu": largest["pages_over_500_ms_cpu"],
        "pages_over_500_ms_p95": largest["pages_over_500_ms_p95"],
        "facets_timed_out": largest["facets_timed_out"],
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "sizes": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for result in results:
        print(
            f"{result['reports']:>8,} reports: p95 {result['p95_ms']:.0f} ms, max "
            f"{result['max_ms']:.0f} ms, worst page CPU {result['cpu_p95_ms']:.0f} ms, prepare {result['prepare_s']:.0f} s, "
            f"{result['db_bytes'] / 2**20:.0f} MiB; over 500 ms: {result['pages_over_500_ms_p95']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
