"""Running the real crawler against the imitation sites: its command line, and an environment
that sends every request through the farm's forward proxy. Used by the demo, the tests and the
benchmarks alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def scrapy_crawl(sites: Path, found: Path, settings: dict[str, str]) -> list[str]:
    """``scrapy crawl reports`` over the sites file ``sites``, its items to ``found``."""
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "reports",
        "-a",
        f"sites={sites}",
        "-O",
        str(found),
    ]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def proxy_env(server) -> dict[str, str]:
    """This process's environment with every request (plain and TLS) sent to ``server``'s proxy."""
    return dict(os.environ, http_proxy=server.proxy_url, https_proxy=server.proxy_url, no_proxy="")
