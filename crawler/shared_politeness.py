"""Per-host politeness for a crawl shared by several processes (``REDIS_URL`` set, crawler/scaleout.py).

Each process's downloader keeps its own per-host slot (``CONCURRENT_REQUESTS_PER_DOMAIN``,
``DOWNLOAD_DELAY``); alone, N processes would put N times the load on a site. With the crawl
scaled out, a download also takes a lease on its host from Redis before it starts, so the limits
hold for the crawl as a whole:

- at most the slot's concurrency of leases per host at once (a sorted set of lease ids, scored by
  when each expires, so the leases of a killed process lapse after ``DOWNLOAD_TIMEOUT`` + a margin);
- a lease is granted no sooner than the slot's delay after the previous one on that host, by any
  process (the host's next allowed start, kept beside the leases).

One Lua script takes a lease atomically, on Redis' own clock (``TIME``), so processes on machines
whose clocks differ still agree. A process that is refused waits in its download's own coroutine
(others carry on) and asks again when the script says. If Redis cannot be reached the download
goes ahead under the process's own limits, and that is logged once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from redis.exceptions import RedisError
from scrapy_redis.connection import get_redis_from_settings

logger = logging.getLogger(__name__)

# Polling is bounded: a refused process asks again after at most this long (a lease may end early).
MAX_WAIT_S = 0.25
MIN_WAIT_S = 0.005
LEASE_MARGIN_S = 30.0

# KEYS[1] leases (zset lease -> expiry ms), KEYS[2] next allowed start (ms)
# ARGV: lease id, concurrency, delay ms, lease ttl ms. Returns 0 when granted, else ms to wait.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.min(tonumber(first[2]) - now, 250))
end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then
  return nxt - now
end
local ttl = tonumber(ARGV[4])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', math.max(tonumber(ARGV[3]), 1))
return 0
"""


class SharedHostGate:
    """Leases on hosts, kept in Redis under ``{prefix}:host:{host}:…`` for the whole crawl."""

    def __init__(self, server, prefix: str, lease_ttl_s: float):
        self.server = server
        self.prefix = prefix
        self.lease_ttl_ms = int(lease_ttl_s * 1000)
        self._acquire = server.register_script(ACQUIRE)
        self._unreachable_logged = False

    @classmethod
    def from_crawler(cls, crawler) -> SharedHostGate:
        settings = crawler.settings
        prefix = settings.get("SCALEOUT_KEY_PREFIX") % {"spider": crawler.spidercls.name}
        lease_ttl = settings.getfloat("DOWNLOAD_TIMEOUT") + LEASE_MARGIN_S
        return cls(get_redis_from_settings(settings), prefix, lease_ttl)

    def keys(self, host: str) -> list[str]:
        return [f"{self.prefix}:host:{host}:leases", f"{self.prefix}:host:{host}:next"]

    def try_acquire(self, host: str, lease: str, concurrency: int, delay_s: float) -> float:
        """Take a lease on ``host`` now if the crawl's limits allow: 0, else seconds to wait."""
        args = [lease, max(1, concurrency), int(delay_s * 1000), self.lease_ttl_ms]
        return int(self._acquire(keys=self.keys(host), args=args)) / 1000

    def release(self, host: str, lease: str) -> None:
        self.server.zrem(self.keys(host)[0], lease)

    async def around(self, host: str, slot, download):
        """Run the ``download`` coroutine once a lease on ``host`` is held, and give it back."""
        lease = uuid.uuid4().hex
        try:
            held = await self._wait_for_lease(host, lease, slot)
        except BaseException:
            download.close()  # never started: no "coroutine was never awaited"
            raise
        try:
            await download
        finally:
            if held:
                self._release_quietly(host, lease)

    async def _wait_for_lease(self, host: str, lease: str, slot) -> bool:
        while True:
            try:
                wait = self.try_acquire(host, lease, slot.concurrency, slot.download_delay())
            except RedisError as exc:
                self._log_unreachable(exc)
                return False
            if wait <= 0:
                return True
            await asyncio.sleep(min(MAX_WAIT_S, max(MIN_WAIT_S, wait)))

    def _release_quietly(self, host: str, lease: str) -> None:
        try:
            self.release(host, lease)
        except RedisError as exc:  # the lease lapses by itself
            self._log_unreachable(exc)

    def _log_unreachable(self, exc: Exception) -> None:
        if not self._unreachable_logged:
            self._unreachable_logged = True
            logger.error(
                "Redis unreachable for shared politeness (%s): downloads go ahead under this "
                "process's own per-host limits",
                exc,
            )
