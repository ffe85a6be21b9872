"""Reading documents in worker processes with memory and time limits.

One hostile document (a decompression bomb the bounded decoders missed, a parser that loops)
must cost that document, never the run. So each document is read in a worker process whose
address space is capped (``RLIMIT_AS``: a runaway allocation fails with MemoryError, or the
worker dies) and whose time per document is watched by the parent (a worker past it is
killed). A worker that fails or dies is replaced, its document comes back as a
:class:`WorkerFailure`, and the others go on. Workers are also replaced after
:data:`~extract.limits.WORKER_DOCUMENTS` documents, which gives back memory a library leaks.

concurrent.futures' pool breaks as a whole when one worker dies, and multiprocessing.Pool
waits forever for a task whose worker died; hence this small pool of our own. Workers are
forked: they start in milliseconds and share the parent's imported readers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from extract.limits import WORKER_ADDRESS_SPACE, WORKER_DOCUMENT_SECONDS, WORKER_DOCUMENTS

logger = logging.getLogger(__name__)

# Results held back, waiting for an earlier document still being read, per worker.
_HELD_PER_WORKER = 64
_WAITING = object()


@dataclass
class WorkerFailure:
    """A document whose worker raised, ran out of memory or time, or died."""

    reason: str


@dataclass(frozen=True)
class WorkerLimits:
    address_space: int = WORKER_ADDRESS_SPACE
    seconds: float = WORKER_DOCUMENT_SECONDS
    documents: int = WORKER_DOCUMENTS


def default_jobs() -> int:
    """Worker processes by default: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Worker:
    def __init__(self, context, function: Callable, limits: WorkerLimits):
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, function, limits), daemon=True
        )
        self.process.start()
        child_end.close()
        self.done = 0
        self.task: list | None = None  # [key, outcome] while reading a document
        self.started = 0.0

    def send(self, task: list, arguments: tuple) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send(arguments)

    def stop(self, *, kill: bool = False) -> None:
        if not kill and self.process.is_alive():
            try:
                self.connection.send(None)
            except OSError:
                kill = True
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


class WorkerPool:
    """``jobs`` worker processes applying ``function`` to arguments; see :meth:`map_ordered`.

    Use as a context manager: leaving it stops every worker.
    """

    def __init__(self, function: Callable, jobs: int, limits: WorkerLimits = WorkerLimits()):
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1: {jobs}")
        self.function, self.jobs, self.limits = function, jobs, limits
        self._context = multiprocessing.get_context("fork")
        self._idle: list[_Worker] = []
        self._busy: list[_Worker] = []
        #: The largest peak RSS (bytes) a worker reported; a worker killed before it could
        #: report is counted by ``resource.getrusage(RUSAGE_CHILDREN)`` instead.
        self.peak_rss = 0
        self.failures = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self._idle + self._busy:
            worker.stop(kill=bool(self._busy) or exc[0] is not None)
        self._idle.clear()
        self._busy.clear()

    def map_ordered(self, items: Iterable[tuple[object, tuple]]) -> Iterator[tuple[object, object]]:
        """For each ``(key, arguments)``, yield ``(key, function(*arguments))`` in input order.

        ``arguments`` None means nothing to do: ``(key, None)`` comes back in its place. The outcome is a :class:`WorkerFailure` instead when the worker raised, died or took
        too long. Items are taken from ``items`` only as workers become free, so a stream of
        large payloads holds at most ``jobs`` of them in memory.
        """
        queue: deque[list] = deque()
        items = iter(items)
        exhausted = False
        while True:
            while not exhausted and len(queue) < self.jobs * _HELD_PER_WORKER:
                worker = self._free_worker()
                if worker is None:
                    break
                try:
                    key, arguments = next(items)
                except StopIteration:
                    exhausted = True
                    self._idle.append(worker)
                    break
                if arguments is None:  # nothing to read: keeps its place in the order
                    queue.append([key, None])
                    self._idle.append(worker)
                    continue
                task = [key, _WAITING]
                queue.append(task)
                self._send(worker, task, arguments)
            while queue and queue[0][1] is not _WAITING:
                key, outcome = queue.popleft()
                yield key, outcome
            if exhausted and not queue:
                return
            # No worker busy: every result held back just went out (a full queue behind a slow
            # document); take more items rather than wait for nothing.
            if self._busy:
                self._collect()

    def _free_worker(self) -> _Worker | None:
        if self._idle:
            return self._idle.pop()
        if len(self._busy) < self.jobs:
            return _Worker(self._context, self.function, self.limits)
        return None

    def _send(self, worker: _Worker, task: list, arguments: tuple) -> None:
        try:
            worker.send(task, arguments)
        except (OSError, ValueError) as exc:  # a dead pipe, or arguments that cannot be pickled
            self._finish(worker, WorkerFailure(f"worker not reached: {exc}"), retire=True)
            return
        self._busy.append(worker)

    def _collect(self) -> None:
        """Wait for a result, a worker's death or a time limit; settle whichever came."""
        now = time.monotonic()
        deadline = min(worker.started for worker in self._busy) + self.limits.seconds
        waitables = [w.connection for w in self._busy] + [w.process.sentinel for w in self._busy]
        ready = set(wait(waitables, timeout=max(deadline - now, 0)))
        for worker in list(self._busy):
            if worker.connection in ready:
                try:
                    status, value, rss = worker.connection.recv()
                except (EOFError, OSError):
                    self._died(worker)
                    continue
                self.peak_rss = max(self.peak_rss, rss)
                if status == "ok":
                    self._finish(worker, value, retire=worker.done + 1 >= self.limits.documents)
                else:
                    # After a MemoryError the worker's heap may be in any state: start afresh.
                    self._finish(worker, WorkerFailure(value), retire=True)
            elif worker.process.sentinel in ready:
                self._died(worker)
            elif time.monotonic() - worker.started > self.limits.seconds:
                self._finish(
                    worker,
                    WorkerFailure(f"worker time limit: over {self.limits.seconds:g} s, killed"),
                    retire=True,
                    kill=True,
                )

    def _died(self, worker: _Worker) -> None:
        worker.process.join()
        code = worker.process.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
        memory = "" if code != -signal.SIGKILL else " (out of memory?)"
        self._finish(worker, WorkerFailure(f"worker died: {how}{memory}"), retire=True, kill=True)

    def _finish(self, worker: _Worker, outcome, *, retire: bool, kill: bool = False) -> None:
        if isinstance(outcome, WorkerFailure):
            self.failures += 1
            logger.warning("%s", outcome.reason)
        worker.task[1] = outcome
        worker.task = None
        worker.done += 1
        if worker in self._busy:
            self._busy.remove(worker)
        if retire:
            worker.stop(kill=kill)
        else:
            self._idle.append(worker)


def _serve(connection, function: Callable, limits: WorkerLimits) -> None:
    """A worker's loop: read arguments, apply ``function``, send ``(status, value, peak RSS)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    cap_memory(limits.address_space)
    while True:
        try:
            arguments = connection.recv()
        except EOFError:
            return
        if arguments is None:
            return
        try:
            reply = ("ok", function(*arguments))
        except MemoryError:
            reply = ("error", f"worker memory limit: over {limits.address_space >> 20} MiB")
        except Exception as exc:  # noqa: BLE001 — the function's own bug: recorded, never fatal
            reply = ("error", f"{type(exc).__name__}: {exc}"[:300])
        connection.send((*reply, peak_rss()))


def cap_memory(address_space: int) -> None:
    """Cap this process's address space at what it already maps plus ``address_space`` (the soft
    limit: a tool it starts may lift it again).

    Relative, not absolute: a worker is forked, so it starts with its parent's mappings, shared
    and mostly untouched. A parent that has loaded a browser driver, OCR models or a test
    runner's plugins can map over a GiB already, and an absolute cap would then fail the first
    document, not a bomb.
    """
    address_space += mapped_bytes()
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        address_space = min(address_space, hard)
    resource.setrlimit(resource.RLIMIT_AS, (address_space, hard))


def mapped_bytes() -> int:
    """This process's virtual memory size now (0 where /proc is not there to say)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


def lift_memory_cap() -> None:
    """Raise the address-space limit back to the hard limit (for LibreOffice, started by a worker)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def peak_rss() -> int:
    """This process's peak resident set size in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
