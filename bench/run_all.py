"""Every speed and memory benchmark in one go, then the headline figures against their targets.

    python bench/run_all.py [--quick] [--results DIR]

Runs ``bench/crawl.py``, ``bench/recrawl.py``, ``bench/frontier_memory.py``,
``bench/extract.py``, ``bench/discovery.py`` and ``bench/publish_scale.py`` one after the other
(each in its own process, so one's memory does not count in the next), writing one JSON each to
``bench/results/`` (publish_scale alone takes 15–30 minutes: it builds a 200,000-report
database). About ten
minutes on an idle 2-core machine; other work on the machine lengthens it and lowers the figures
(each JSON records the load average). Targets are printed beside the figures, never asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import RESULTS_DIR, ROOT, mib, table

BENCHMARKS = ("crawl", "recrawl", "frontier_memory", "extract", "discovery", "publish_scale")
FLAT_MIB = 10  # RSS growth over the checkpoints that still counts as flat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    failed = []
    for name in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        command = [
            sys.executable,
            str(ROOT / "bench" / f"{name}.py"),
            "--json",
            str(args.results / f"{name}.json"),
        ] + (["--quick"] if args.quick else [])
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            failed.append(name)
    print(f"\n=== targets ({time.perf_counter() - started:.0f} s in all) ===")
    print(targets(args.results))
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


def targets(results: Path) -> str:
    crawl = _load(results / "crawl.json")
    frontier = _load(results / "frontier_memory.json")
    extract = _load(results / "extract.json")
    discovery = _load(results / "discovery.json")
    publish = _load(results / "publish_scale.json")
    rows = []
    if discovery:
        for key, label in (("discovery_recall", "recall"), ("discovery_precision", "precision")):
            rows.append(
                [
                    f"discovery {label}, {discovery['sites']} variant sites",
                    "≥ 99%" if label == "recall" else "100%",
                    f"{100 * discovery[key]:.1f}%",
                    _met(discovery[key] >= (0.99 if label == "recall" else 1.0)),
                ]
            )
    if crawl:
        for delay, ratio in crawl["bound_ratio"].items():
            rows.append(
                [
                    f"crawl time / its bound, delay {delay} s",
                    "≤ 1.5",
                    f"{ratio:.2f}",
                    _met(ratio <= 1.5),
                ]
            )
        rows.append(
            [
                "WARC writing, share of crawl time",
                "< 10%",
                f"{100 * crawl['warc_overhead']:.1f}%",
                _met(crawl["warc_overhead"] < 0.10),
            ]
        )
        if "warc_cpu_overhead" in crawl:
            rows.append(
                [
                    "WARC writing, share of crawl CPU",
                    "(measured)",
                    f"{100 * crawl['warc_cpu_overhead']:.1f}%",
                    "",
                ]
            )
    recrawl = _load(results / "recrawl.json")
    if recrawl:
        for key, wanted in (("recrawl_time_ratio", 0.8), ("recrawl_bytes_ratio", 0.05)):
            rows.append([key, f"≤ {wanted}", f"{recrawl[key]:.3f}", _met(recrawl[key] <= wanted)])
    if extract:
        for kind, wanted in (("html", 50), ("pdf", 5)):
            if kind in extract["types"]:
                rate = extract["types"][kind]["single_docs_per_s"]
                rows.append(
                    [
                        f"{kind.upper()} reports per second per core",
                        f"≥ {wanted}",
                        f"{rate:.1f}",
                        _met(rate >= wanted),
                    ]
                )
        points = extract["growth"]["checkpoints"]
        grown = points[-1]["rss_bytes"] - points[0]["rss_bytes"]
        rows.append(
            [
                f"RSS, {points[0]['documents']} → {points[-1]['documents']} documents",
                "flat",
                f"{mib(points[0]['rss_bytes'])} → {mib(points[-1]['rss_bytes'])} MiB",
                _met(grown < FLAT_MIB * 1024 * 1024),
            ]
        )
    if frontier:
        for mode, figures in frontier["modes"].items():
            rows.append(
                [
                    f"frontier of {frontier['urls']:,} URLs, {mode} queues",
                    "(measured)",
                    f"{mib(figures['peak_rss_bytes'])} MiB peak",
                    "",
                ]
            )
    if publish:
        rows.append(
            [
                f"slowest page at {publish['reports']:,} reports, p95 (CPU)",
                "< 500 ms",
                f"{publish['p95_ms']:.0f} ms ({publish['cpu_p95_ms']:.0f} ms CPU)",
                _met(publish["p95_ms"] < 500),
            ]
        )
    return table(["figure", "target", "measured", ""], rows)


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


if __name__ == "__main__":
    sys.exit(main())
