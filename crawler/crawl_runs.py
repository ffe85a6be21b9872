"""Each crawl run's traces outside the WARC: its lines in ``ARCHIVE_DIR/crawls.jsonl`` and the
state of its ``JOBDIR``, so that one command can run on a schedule (see :mod:`crawler.recrawl`)."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import datetime, timezone
from pathlib import Path

from archive.layout import CRAWLS_LOG

logger = logging.getLogger(__name__)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def append_crawl_log(directory: Path, record: dict) -> None:
    """One JSON line per crawl event; the extractor keeps each crawl's last line."""
    try:
        with open(directory / CRAWLS_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        logger.error("Could not append to %s: %s", directory / CRAWLS_LOG, exc)


# --- the job directory of a periodic crawl -----------------------------------------------------


def mark_job_finished(jobdir: str | None) -> None:
    """Note in ``JOBDIR/crawl.json`` that its crawl ran to the end."""
    if not jobdir:
        return
    path = Path(jobdir) / "crawl.json"
    try:
        state = json.loads(path.read_text())
        state["finished"] = now_iso()
        path.with_suffix(".json.tmp").write_text(json.dumps(state))
        path.with_suffix(".json.tmp").replace(path)
    except (OSError, ValueError) as exc:
        logger.warning(
            "Could not mark the job in %s finished (%s): the next run will resume it", jobdir, exc
        )


def prepare_job_dir(jobdir: str | None) -> None:
    """Get a job directory ready: a finished job starts a new crawl, a killed one re-walks.

    Finished: its identity, resume index and (empty) frontier go, else the next scheduled run
    would "resume" it and answer every request from the archive (crawler/resume.py). Killed (a
    frontier without ``active.json``): its disk queues go, for queuelib would reopen their files
    without their read positions, serve stale requests and lose new ones; resume re-walks the
    sites from their start URLs instead. The archive keeps everything either way.
    """
    if not jobdir:
        return
    job = Path(jobdir)
    frontier = job / "requests.queue"
    if frontier.is_dir() and not (frontier / "active.json").exists():
        logger.info(
            "The frontier in %s was left by a killed crawl: the sites are walked again", frontier
        )
        shutil.rmtree(frontier, ignore_errors=True)
    path = job / "crawl.json"
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        logger.warning("Cannot read %s (%s): treating the job as unfinished", path, exc)
        return
    if not state.get("finished"):
        return
    logger.info(
        "Crawl %s in %s finished at %s: starting a new crawl",
        state.get("crawl_id"),
        jobdir,
        state["finished"],
    )
    path.unlink()
    for name in ("archived.sqlite", "archived.sqlite-wal", "archived.sqlite-shm", "requests.seen"):
        (job / name).unlink(missing_ok=True)
    shutil.rmtree(frontier, ignore_errors=True)
