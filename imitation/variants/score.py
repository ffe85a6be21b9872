"""Scoring a crawl of a variant farm, and running one: recall, precision, what was missed.

A report counts as found when the crawl reported any of its urls (an iframe report may be
found at its page or its frame); a reported url that is no report of the farm — a look-alike,
another county's report — counts against precision.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from imitation.server import GovFarmServer
from imitation.variants import VariantFarm

ROOT = Path(__file__).resolve().parents[2]
# The sites answer at once: short politeness delays, quick retries.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0.01",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_BACKOFF_BASE": "0.05",
    "SITE_MAX_LIST_PAGES": "30",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Score:
    reports: int = 0
    found: int = 0
    reported: int = 0
    correct: int = 0
    attachments: int = 0
    attachments_found: int = 0
    missed: list[str] = field(default_factory=list)  # "host template url"
    wrong: list[str] = field(default_factory=list)
    attachments_missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.reports if self.reports else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0


def score(farm: VariantFarm, items: list[dict]) -> Score:
    reported = {item["url"] for item in items if item.get("type") == "report"}
    fetched = {item["url"] for item in items if item.get("type") == "attachment"}
    result = Score(reported=len(reported))
    known: set[str] = set()
    for site in farm.sites:
        for report in site.reports:
            known |= report.urls
            result.reports += 1
            if report.urls & reported:
                result.found += 1
            else:
                result.missed.append(f"{site.host} {site.template} {sorted(report.urls)[0]}")
            for attachment in report.attachments:
                result.attachments += 1
                if attachment in fetched:
                    result.attachments_found += 1
                else:
                    result.attachments_missed.append(f"{site.host} {site.template} {attachment}")
    result.correct = len(reported & known)
    result.wrong = sorted(reported - known)
    return result


def crawl_variants(farm: VariantFarm, out: Path, settings: dict[str, str] | None = None):
    """Serve the farm and crawl it once (one crawler process); returns (items, log)."""
    out.mkdir(parents=True, exist_ok=True)
    sites_csv = out / "sites.csv"
    sites_csv.write_text(farm.sites_csv(), encoding="utf-8")
    command = [
        sys.executable, "-m", "scrapy", "crawl", "reports",
        "-a", f"sites={sites_csv}",
        "-s", f"ARCHIVE_DIR={out / 'warc'}",
        "-O", str(out / "found.jsonl"),
    ]  # fmt: skip
    for name, value in {**FAST_SETTINGS, **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    with GovFarmServer(farm.hosts) as server:
        env = dict(
            os.environ, http_proxy=server.proxy_url, https_proxy=server.proxy_url, no_proxy=""
        )
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
        )
    if result.returncode != 0:
        raise RuntimeError(f"the crawl failed ({result.returncode}):\n{result.stderr[-4000:]}")
    lines = (out / "found.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()], result.stderr
