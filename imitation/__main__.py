"""Serve the imitation government sites in the foreground, for ``make demo`` and for poking at
them with a browser or curl:

    python -m imitation serve --port 8899 [--kind demo] [--csv sites.csv] [--lifetime 3600]

Listens on 127.0.0.1 only. Prints the proxy URL once it listens, then serves until SIGTERM or
SIGINT, or until ``--lifetime`` seconds have passed (0 = no limit), so a forgotten server
stops by itself.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from imitation.farm import KINDS, build_farm
from imitation.server import GovFarmServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m imitation", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the farm as an HTTP forward proxy on 127.0.0.1"
    )
    serve.add_argument(
        "--port", type=int, default=8899, help="port to listen on (0 = any free port)"
    )
    serve.add_argument("--kind", choices=KINDS, default="test", help="which farm to serve")
    serve.add_argument("--csv", type=Path, help="write the sites list (CSV) for the crawler here")
    serve.add_argument(
        "--lifetime",
        type=float,
        default=3600.0,
        help="stop after this many seconds (0 = run until signalled); default 3600",
    )
    args = parser.parse_args(argv)
    return serve_farm(args.port, args.kind, args.csv, args.lifetime)


def serve_farm(port: int, kind: str, csv_path: Path | None, lifetime: float) -> int:
    """Build the farm, write its CSV, serve it until a signal or the lifetime ends."""
    farm = build_farm(kind)
    if csv_path:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        csv_path.write_text(farm.sites_csv(), encoding="utf-8")
    server = GovFarmServer(farm.hosts, port=port)

    def stop(signum, frame):
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if lifetime > 0:
        timer = threading.Timer(lifetime, server.stop)
        timer.daemon = True
        timer.start()
    server.start()
    print(f"http_proxy={server.proxy_url}", flush=True)
    if csv_path:
        print(f"sites CSV: {csv_path}", flush=True)
    print(f"serving {len(farm.hosts)} sites: {', '.join(farm.hosts)}", flush=True)
    # Wait in short steps: signal handlers run in the main thread only between waits.
    while server.is_serving():
        server.wait(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
