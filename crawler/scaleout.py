"""Scale a crawl out: several crawler processes, on one machine or many, share one frontier in Redis.

Switched on by one setting, ``REDIS_URL`` (``-s REDIS_URL=redis://host:6379/0``, or
``NIANBAO_REDIS_URL`` in the environment, see ``crawler/settings.py``). The :class:`ScaleOut`
add-on then swaps in scrapy-redis' scheduler; unset, it changes nothing. Every process is started
with the same command and sites list (and, if it resumes, its own JOBDIR); each writes its own
WARC files, into one shared directory if you like.

What takes part, and why:

- **The frontier** is scrapy-redis' ``PriorityQueue``: a sorted set, popped atomically (MULTI), so
  no two processes get the same request; it keeps request priorities (attachments first, breadth
  first); and it never blocks (a blocking pop would stall the reactor of the process waiting).
  A process takes as many requests as its downloader holds (``CONCURRENT_REQUESTS``); an idle
  one looks again at Scrapy's engine heartbeat (5 s).
- **The duplicate filter** is a Redis set of fingerprints (:class:`SharedDupeFilter`), computed
  by the crawl's own fingerprinter (browser-aware), so no URL is fetched twice, start URLs
  included: each process yields them, the first to add them wins. It replaces the project's
  run-local filter, which forgets on purpose what another run saw (see ``crawler/resume.py``).
- **Persistence**: a process that runs out of work first must not wipe the frontier and the
  filter the others still use (scrapy-redis does unless ``SCHEDULER_PERSIST``), so
  :class:`SharedFrontierLifecycle` keeps a roll of the processes instead: a process ends once
  the frontier has been empty, and no process busy, for ``SCALEOUT_IDLE_CLOSE`` seconds
  (scrapy-redis' own spiders wait forever), and the last one to leave deletes the crawl's keys.
  Keys left by processes that all died are resumed if requests are queued, else wiped.
- **WARC files** are named ``{WARC_PREFIX}-{host}-{pid}-{start}-{serial}.warc.gz``
  (:func:`warc_prefix`, IIPC naming practice), and a starting process repairs only ``.open``
  files whose writer is gone (:func:`open_files_to_repair`), not its neighbours' live ones.

Requests cross Redis pickled (scrapy-redis' serializer): meta keeps its types and callbacks travel
by name. Whoever can write to that Redis can run code in the crawlers: keep it private.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured, ScrapyDeprecationWarning
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter as RedisDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from archive.layout import unfinished_warcs, warc_file_pattern

logger = logging.getLogger(__name__)

SHARED_DUPEFILTER = "crawler.scaleout.SharedDupeFilter"
RUN_LOCAL_DUPEFILTER = "crawler.dupefilter.RunLocalDupeFilter"
HEARTBEAT_SECONDS = 2.0
# A process not heard from for this long is gone (killed, or its machine down). Generous, so a
# process held up for a moment (a browser starting, a big page parsed) is not taken for dead.
WORKER_GONE_AFTER = 30.0


class ScaleOut:
    """Scrapy add-on (``ADDONS``): with ``REDIS_URL`` set, share the frontier through Redis."""

    def update_settings(self, settings):
        if not scaled_out(settings):
            return
        prefix = settings.get("SCALEOUT_KEY_PREFIX")
        replaced = settings.get("DUPEFILTER_CLASS")
        if replaced not in (RUN_LOCAL_DUPEFILTER, SHARED_DUPEFILTER):
            logger.warning(
                "Scale-out replaces DUPEFILTER_CLASS %s: the filter must be shared", replaced
            )
        for name, value in {
            "SCHEDULER": "crawler.scaleout.SharedScheduler",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
            "SCALEOUT_WORKERS_KEY": f"{prefix}:workers",
            "SCHEDULER_PERSIST": True,
            "DUPEFILTER_CLASS": SHARED_DUPEFILTER,
        }.items():
            # At least the priority of what is there: the project's own DUPEFILTER_CLASS
            # (settings.py) outranks an add-on's default priority, and must give way.
            priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["addon"])
            settings.set(name, value, priority=priority)
        settings.set_in_component_priority_dict("EXTENSIONS", SharedFrontierLifecycle, 150)


class SharedScheduler(Scheduler):
    """scrapy-redis' scheduler, speaking Scrapy 2.13+'s API where scrapy-redis 0.9 predates it
    (stats without a ``spider`` argument, no ``Spider.log``); the frontier itself is unchanged."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = cls.from_settings(crawler.settings)
        scheduler.crawl_stats = crawler.stats  # left out of ``stats``, which scrapy-redis misuses
        return scheduler

    def open(self, spider):
        with warnings.catch_warnings():
            # Its "Resuming crawl (N requests scheduled)" goes through the deprecated Spider.log.
            warnings.simplefilter("ignore", ScrapyDeprecationWarning)
            return super().open(spider)

    def enqueue_request(self, request) -> bool:
        queued = super().enqueue_request(request)
        if queued:
            self.crawl_stats.inc_value("scheduler/enqueued/redis")
        return queued

    def next_request(self):
        request = super().next_request()
        if request is not None:
            self.crawl_stats.inc_value("scheduler/dequeued/redis")
        return request


class SharedDupeFilter(RedisDupeFilter):
    """scrapy-redis' filter, with the crawl's own request fingerprints, never cleared by one process."""

    @classmethod
    def from_spider(cls, spider):
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason=""):
        """Keep the fingerprints: other processes still use them (the last one out deletes them)."""


@dataclass(frozen=True)
class SharedKeys:
    queue: str
    dupefilter: str
    workers: str

    @classmethod
    def of(cls, settings, spider_name: str) -> SharedKeys:
        names = (
            settings.get(name)
            for name in ("SCHEDULER_QUEUE_KEY", "SCHEDULER_DUPEFILTER_KEY", "SCALEOUT_WORKERS_KEY")
        )
        return cls(*(name % {"spider": spider_name} for name in names))


class SharedCrawl:
    """The roll of processes on one shared frontier: a Redis hash, process name → last heartbeat
    and the last moment it had work. Every change that decides about the crawl's keys is a
    WATCH/MULTI transaction, so a process joining while another leaves is never lost."""

    def __init__(self, server, keys: SharedKeys, worker: str):
        self.server = server
        self.keys = keys
        self.worker = worker

    def join(self, busy_at: float) -> bool:
        """Enter the roll. Returns True if the keys found were an abandoned crawl's and were wiped:
        no live process on them and nothing queued, only a duplicate filter that would otherwise
        make this crawl skip every URL."""
        keys = self.keys

        def join(pipe):
            now = time.time()
            abandoned = (
                not self._live(pipe.hgetall(keys.workers), now)
                and not pipe.zcard(keys.queue)
                and bool(pipe.exists(keys.dupefilter))
            )
            pipe.multi()
            if abandoned:
                pipe.delete(keys.queue, keys.dupefilter, keys.workers)
            pipe.hset(keys.workers, self.worker, _roll_entry(now, busy_at))
            return abandoned

        return self.server.transaction(
            join, keys.queue, keys.dupefilter, keys.workers, value_from_callable=True
        )

    def beat(self, busy_at: float) -> None:
        self.server.hset(self.keys.workers, self.worker, _roll_entry(time.time(), busy_at))

    def queued(self) -> int:
        return self.server.zcard(self.keys.queue)

    def last_busy(self) -> float:
        """The last moment any live process (this one included, if it has beaten) had work."""
        live = self._live(self.server.hgetall(self.keys.workers), time.time())
        return max((entry["busy"] for entry in live.values()), default=0.0)

    def leave(self) -> bool:
        """Leave the roll; the last live process, with nothing queued, deletes the crawl's keys.
        Returns True if it did."""
        keys = self.keys

        def leave(pipe):
            live = self._live(pipe.hgetall(keys.workers), time.time())
            others = [name for name in live if name != self.worker]
            finished = not others and not pipe.zcard(keys.queue)
            pipe.multi()
            pipe.hdel(keys.workers, self.worker)
            if finished:
                pipe.delete(keys.queue, keys.dupefilter, keys.workers)
            return finished

        return self.server.transaction(
            leave, keys.queue, keys.dupefilter, keys.workers, value_from_callable=True
        )

    @staticmethod
    def _live(roll: dict, now: float) -> dict[str, dict]:
        entries = {_text(name): json.loads(value) for name, value in roll.items()}
        return {
            name: entry
            for name, entry in entries.items()
            if now - entry["seen"] <= WORKER_GONE_AFTER
        }


class SharedFrontierLifecycle:
    """Extension: join the shared crawl, stay while it has work anywhere, leave it clean."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.server = get_redis_from_settings(crawler.settings)
        self.idle_close = crawler.settings.getfloat("SCALEOUT_IDLE_CLOSE")
        self.busy_at = time.time()  # joining counts as work: a newcomer waits for its peers' links
        self.crawl: SharedCrawl | None = None
        self.heartbeat = task.LoopingCall(self.beat)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not scaled_out(crawler.settings):
            raise NotConfigured("REDIS_URL is not set: the crawl runs alone")
        return cls(crawler)

    def opened(self, spider):
        keys = SharedKeys.of(self.crawler.settings, spider.name)
        self.crawl = SharedCrawl(self.server, keys, process_name())
        if self.crawl.join(self.busy_at):
            logger.warning(
                "Redis held an abandoned crawl at %s (no process, nothing queued): starting afresh",
                keys.dupefilter,
            )
        logger.info("Sharing the frontier %s as %s", keys.queue, self.crawl.worker)
        self.heartbeat.start(HEARTBEAT_SECONDS, now=False)

    def beat(self):
        try:
            if not self.crawler.engine.spider_is_idle():
                self.busy_at = time.time()
        except (AttributeError, RuntimeError):
            pass  # the engine is between spiders
        try:
            self.crawl.beat(self.busy_at)
        except Exception as exc:  # a Redis hiccup must not stop the heartbeat for good
            logger.warning("Could not report to the shared crawl: %s", exc)

    def idle(self, spider):
        self.beat()
        quiet = time.time() - max(self.busy_at, self.crawl.last_busy())
        if self.crawl.queued() or quiet < self.idle_close:
            raise DontCloseSpider
        logger.info(
            "The shared frontier has been empty, and no process busy, for %.0f s: closing", quiet
        )

    def closed(self, spider, reason):
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.crawl is not None and self.crawl.leave():
            logger.info("Last process out: deleted the crawl's keys from Redis")


def scaled_out(settings) -> bool:
    return bool(settings.get("REDIS_URL"))


def process_name() -> str:
    """This process among the crawl's, ``host-pid``: unique at any one moment."""
    host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname()) or "localhost"
    return f"{host}-{os.getpid()}"


def warc_prefix(settings) -> str:
    """The WARC file prefix: ``WARC_PREFIX``, and when scaled out this process's name, so that
    processes writing into one directory never pick the same file name."""
    prefix = settings.get("WARC_PREFIX")
    return f"{prefix}-{process_name()}" if scaled_out(settings) else prefix


def open_files_to_repair(directory: str | os.PathLike, settings) -> list[Path]:
    """The ``.open`` WARC files in ``directory`` that a starting crawl may repair.

    Alone, a crawl owns its directory: all of them. Scaled out, other processes may be writing
    there right now, so a file named for a process is repaired only if that process is of this
    host and no longer runs; another host's is left for a process there (or a crawl run alone).
    """
    paths = unfinished_warcs(directory)
    if not scaled_out(settings):
        return paths
    host = process_name().rsplit("-", 1)[0]
    named = warc_file_pattern(
        re.escape(settings.get("WARC_PREFIX")) + r"-(?P<host>.+)-(?P<pid>\d+)"
    )
    repairable = []
    for path in paths:
        match = named.fullmatch(path.name)
        if match and (match["host"] != host or _running(int(match["pid"]))):
            logger.info("Leaving %s alone: its writer may still be running", path.name)
            continue
        repairable.append(path)
    return repairable


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _roll_entry(seen: float, busy_at: float) -> str:
    return json.dumps({"seen": seen, "busy": busy_at})


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
