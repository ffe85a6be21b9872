"""pywb for the tests: find its tools, and run its wayback server on 127.0.0.1 for a while.

pywb cannot share the project's virtualenv (it pins older pyOpenSSL/cryptography than Scrapy's
and installs brotlipy over brotli), so it is looked for in ``$PYWB_VENV`` (default
``.venv-pywb`` in the project, made by ``make pywb``) or on PATH.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from imitation.processes import free_port, stop_process

PYWB_BIN = (
    Path(os.environ.get("PYWB_VENV", Path(__file__).resolve().parent.parent / ".venv-pywb")) / "bin"
)


def pywb_tool(name: str) -> str:
    if (PYWB_BIN / name).exists():
        return str(PYWB_BIN / name)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"pywb is not installed ({PYWB_BIN} or PATH): run `make pywb`")
    return found


def fetch(url: str) -> tuple[dict, bytes]:
    with urllib.request.urlopen(url, timeout=20) as response:
        return dict(response.headers), response.read()


@contextlib.contextmanager
def running_wayback(root: Path, *, startup: float = 60) -> Iterator[str]:
    """Serve the pywb collections under ``root`` (made by wb-manager) and yield the base URL."""
    port = free_port()
    server = subprocess.Popen(
        [pywb_tool("wayback"), "--bind", "127.0.0.1", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while True:
            try:
                fetch(base + "/")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, (
                    "wayback did not start"
                )
                time.sleep(0.3)
        yield base
    finally:
        stop_process(server)
