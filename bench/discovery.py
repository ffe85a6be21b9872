"""Discovery recall and precision on variant sites the crawler's own templates never showed.

    python bench/discovery.py [--sites 120] [--seed 2025] [--quick] [--json bench/results/discovery.json]

Builds ``--sites`` imitation sites from randomised template variants (imitation/variants: TRS,
Hanweb, VSB, plain and script-filled lists, each with its own pager, markup, encoding and
layout), crawls them all in one crawler process, and scores what it reported:
``discovery_recall`` (reports found / reports there), ``discovery_precision`` (reported urls that
are reports / all reported urls; look-alikes and other counties' reports count against it),
the same by platform and template, and attachments fetched. Measurements, not assertions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import RESULTS_DIR, table, use_project_imports, write_json

use_project_imports()

from imitation.variants import build_variant_farm  # noqa: E402
from imitation.variants.score import crawl_variants, score  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--quick", action="store_true", help="20 sites (smoke test)")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "discovery.json")
    args = parser.parse_args(argv)
    count = 20 if args.quick else args.sites
    farm = build_variant_farm(count, args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nianbao-discovery-") as tmp:
        items, _ = crawl_variants(farm, Path(tmp))
    elapsed = time.perf_counter() - started
    overall = score(farm, items)
    by_template = {}
    groups = defaultdict(list)
    for site in farm.sites:
        groups[":".join(site.template.split(":")[:2])].append(site)
    for template, sites in sorted(groups.items()):
        part = score(type(farm)(sites), items)
        by_template[template] = {
            "sites": len(sites),
            "reports": part.reports,
            "recall": round(part.recall, 4),
        }
    result = {
        "sites": count,
        "seed": args.seed,
        "reports": overall.reports,
        "discovery_recall": round(overall.recall, 4),
        "discovery_precision": round(overall.precision, 4),
        "attachment_recall": round(
            overall.attachments_found / overall.attachments if overall.attachments else 1.0, 4
        ),
        "reported_urls": overall.reported,
        "crawl_seconds": round(elapsed, 1),
        "by_template": by_template,
        "missed": overall.missed[:50],
        "wrong": overall.wrong[:50],
    }
    write_json(args.json, result)
    print(
        table(
            ["template", "sites", "reports", "recall"],
            [[name, v["sites"], v["reports"], v["recall"]] for name, v in by_template.items()],
            title=f"discovery over {count} variant sites (seed {args.seed}), {elapsed:.0f} s",
        )
    )
    print(
        f"\nrecall {overall.recall:.4f}  precision {overall.precision:.4f}  "
        f"attachments {overall.attachments_found}/{overall.attachments}  → {args.json}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
