"""Servers the tests and benchmarks start themselves: a free port on 127.0.0.1, a clean stop,
and a throwaway Redis (the shared frontier of a scaled-out crawl)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """Ask a server to end, and kill it if it will not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


class RedisMissing(RuntimeError):
    """redis-server is not installed (``make install`` adds Debian's redis-server)."""


@contextmanager
def redis_server() -> Iterator[tuple[str, redis.Redis]]:
    """A throwaway redis-server on 127.0.0.1 and a free port, nothing saved, stopped afterwards:
    its URL and a client."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisMissing(
            "redis-server is not installed (make install adds Debian's redis-server)"
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url, client
    finally:
        client.close()
        stop_process(process)
