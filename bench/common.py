"""What every benchmark shares: running a command while measuring it, RSS, tables, JSON results.

Measurements, not judgements: nothing here asserts a timing. Memory is read from ``/proc`` (no
psutil in the environment): the resident set of a process *and its descendants*, sampled, because
a crawler may fork helpers and ``ru_maxrss`` only knows the largest single process.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MiB = 1024 * 1024


def use_project_imports() -> None:
    """Let ``python bench/x.py`` import the project: the script's own directory must not shadow
    the ``extract`` package with ``bench/extract.py``."""
    bench_dir = str(ROOT / "bench")
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != bench_dir]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


# -- memory ------------------------------------------------------------------------------------


def rss_bytes(pid: int | str = "self") -> int:
    """Resident set size of one process now (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from the kernel's per-thread children lists."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except (FileNotFoundError, ProcessLookupError):
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found


def descendants_cpu_s() -> float:
    """CPU seconds (user + system) used so far by the processes below this one, from /proc."""
    ticks = 0
    for pid in descendants(os.getpid())[1:]:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended between the listing and the read
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_rss_bytes(pid: int) -> int:
    return sum(rss_bytes(p) for p in descendants(pid))


def peak_rss_self() -> int:
    """This process's own high-water mark (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class PeakTreeRss:
    """Samples the RSS of a process tree every ``interval`` seconds until stopped; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rss-{pid}", daemon=True)

    def __enter__(self) -> PeakTreeRss:  # noqa: PYI034 (Self needs Python 3.11)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop.wait(self.interval)


# -- running a measured command ----------------------------------------------------------------


@dataclass
class Measured:
    """One command's cost: wall time, CPU of its process tree, peak RSS of the tree."""

    command: list[str]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_bytes: int

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


def run_measured(
    command: list[str],
    *,
    cwd: Path | str = ROOT,
    env: dict | None = None,
    stdout: Path | None = None,
    stderr: Path | None = None,
    timeout: float = 1800,
) -> Measured:
    """Run ``command`` to completion, measuring it. Output goes to files (or is discarded).

    CPU comes from ``RUSAGE_CHILDREN`` before and after: it counts every descendant the command
    waited for, and nothing else, as long as the caller runs one measured command at a time.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with ExitStack() as files:
        out = files.enter_context(open(stdout, "wb")) if stdout else subprocess.DEVNULL
        err = files.enter_context(open(stderr, "wb")) if stderr else subprocess.DEVNULL
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        with PeakTreeRss(process.pid) as sampler:
            try:
                returncode = process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()  # only the process this function started
                returncode = process.wait()
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Measured(
        command=[str(c) for c in command],
        returncode=returncode,
        wall_s=wall,
        user_s=after.ru_utime - before.ru_utime,
        sys_s=after.ru_stime - before.ru_stime,
        peak_rss_bytes=sampler.peak,
    )


# -- reporting ---------------------------------------------------------------------------------


def machine() -> dict:
    """The machine the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PHYS_PAGES") * PAGE_SIZE
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 1024**3, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        # Other work on the machine slows every figure; the load says how much there was.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def table(headers: list[str], rows: list[list], *, title: str | None = None) -> str:
    """A plain-text table, numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [
        max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
        for i, h in enumerate(headers)
    ]
    numeric = [
        all(_is_number(row[i]) or row[i] is None for row in rows) if rows else False
        for i in range(len(headers))
    ]

    def line(values):
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)
        )

    out = [title] if title else []
    out += [line([str(h) for h in headers]), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def mib(n_bytes: float | None) -> float | None:
    return None if n_bytes is None else round(n_bytes / MiB, 1)


def write_json(path: Path | str, data: dict) -> Path:
    """Write a benchmark's results, with the machine they were measured on."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"machine": machine(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **data}
    path.write_text(
        json.dumps(payload, ensure_ascii=False, indent=2, default=_jsonable) + "\n",
        encoding="utf-8",
    )
    return path


def _jsonable(value):
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def best(runs: list, key=lambda run: run.wall_s):
    """The fastest of repeated runs: on a shared 2-core machine noise only ever adds time."""
    return min(runs, key=key)
