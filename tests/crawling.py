"""Running the real crawler (``scrapy crawl reports``) against the imitation sites, for tests."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from archive.layout import list_warcs
from archive.reader import iter_records
from imitation.crawl_run import proxy_env, scrapy_crawl
from imitation.farm import Farm, build_farm
from imitation.server import GovFarmServer, Sent

ROOT = Path(__file__).resolve().parent.parent
# The imitation sites answer at once: no politeness delays, quick retries, a short endless pager.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_BACKOFF_BASE": "0.05",
    "SITE_MAX_LIST_PAGES": "15",
    "LOG_LEVEL": "INFO",
}


def crawl_command(sites_csv: Path, out: Path, *, jobdir: Path | None = None, found="found.jsonl"):
    settings = {"ARCHIVE_DIR": out / "warc", **({"JOBDIR": jobdir} if jobdir else {}), **FAST}
    return scrapy_crawl(sites_csv, out / found, settings)


def read_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def archived(warc_dir: Path):
    for path in list_warcs(warc_dir):
        yield from iter_records(path)


@dataclass
class FarmCrawl:
    farm: Farm
    out: Path  # holds warc/, found.jsonl, sites.csv
    items: list[dict]
    sent: list[Sent]
    log: str


def crawl_farm(out: Path) -> FarmCrawl:
    """Build the farm, serve it, crawl it once with the project's settings (sped up)."""
    farm = build_farm()
    items, sent, log = crawl_served(farm.hosts, farm.sites_csv(), out)
    return FarmCrawl(farm, out, items, sent, log)


def crawl_served(hosts, sites_csv_text: str, out: Path) -> tuple[list[dict], list[Sent], str]:
    """Serve ``hosts``, crawl the sites list ``sites_csv_text`` once into ``out``; returns the
    crawl's items, what the server sent and the crawl's log."""
    sites_csv = out / "sites.csv"
    sites_csv.write_text(sites_csv_text, encoding="utf-8")
    with GovFarmServer(hosts) as server:
        result = subprocess.run(
            crawl_command(sites_csv, out),
            cwd=ROOT,
            env=proxy_env(server),
            capture_output=True,
            text=True,
            timeout=300,
        )
        sent = list(server.sent)
    if result.returncode != 0:
        raise RuntimeError(f"the crawl failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return read_items(out / "found.jsonl"), sent, result.stderr


def slowed(handler, delay: float):
    """An imitation-site handler whose answers take at least ``delay`` seconds (so a crawl can be
    killed half way)."""

    def answer(request):
        reply = handler(request)
        reply.delay = max(reply.delay, delay)
        return reply

    return answer
