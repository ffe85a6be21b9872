"""The whole job on the bundled offline demo: imitation sites → crawl → WARC → extract → SQLite.

The imitation government sites (package `imitation`) are served on 127.0.0.1 behind a forward proxy, so
the crawl sees real-looking *.gov.cn URLs and touches no real site. Run it with ``make demo``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

from imitation.crawl_run import proxy_env, scrapy_crawl
from imitation.farm import build_farm
from imitation.server import GovFarmServer

ROOT = Path(__file__).resolve().parent.parent

# The imitation sites answer at once; these keep the crawl polite but quick.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": "0.05",
    "AUTOTHROTTLE_START_DELAY": "0.05",
    "RETRY_BACKOFF_BASE": "0.2",
    "PROGRESS_INTERVAL": "5",
}


def write_sites_csv(rows: list[dict], path: Path) -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def crawl_env(server) -> dict[str, str]:
    env = proxy_env(server)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(command: list[str], **kwargs) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="demo-output", help="where the demo writes (replaced)")
    parser.add_argument("--port", type=int, default=8001, help="port of the Datasette it ends with")
    parser.add_argument(
        "--no-serve",
        dest="serve",
        action="store_false",
        help="stop after extracting instead of serving the database",
    )
    args = parser.parse_args()
    out = (ROOT / args.out).resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    warc_dir, sites_csv, db = out / "warc", out / "sites.csv", out / "nianbao.db"

    farm = build_farm(kind="demo")
    write_sites_csv(farm.sites_csv_rows, sites_csv)
    with GovFarmServer(farm.hosts) as server:
        print(f"Imitation government sites on {server.proxy_url} ({len(farm.hosts)} hosts)")
        settings = {"ARCHIVE_DIR": warc_dir, "JOBDIR": out / "job", **DEMO_SETTINGS}
        command = scrapy_crawl(sites_csv, out / "found.jsonl", settings)
        run(command, env=crawl_env(server))
    run([sys.executable, "-m", "extract", str(warc_dir), "--db", str(db)])
    # The server only reads (immutable): what it shows is built here, once.
    run([sys.executable, "-m", "publish", "prepare", str(db)])
    print(f"\nWARC files: {warc_dir}\nDatabase:   {db}")
    serve = [sys.executable, "-m", "publish", "serve", str(db), "--port", str(args.port)]
    if args.serve and sys.stdin.isatty():
        print(f"Serving it on http://127.0.0.1:{args.port}/ (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(serve, cwd=ROOT)
    else:
        # Off a terminal (a script, CI) a server that never ends would hang whoever called us.
        print(f"Browse it:  {' '.join(serve)}  → http://127.0.0.1:{args.port}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
