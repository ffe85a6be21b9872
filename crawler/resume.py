"""Resume an interrupted crawl from its own archive.

Scrapy's JOBDIR keeps the frontier only when the crawl stops cleanly: after a SIGKILL its disk
queues are not reopened, while a persisted duplicate filter would still remember the requests
that were lost with them. So a resumed job here walks the sites again from their start URLs, and
every request whose response is already in this job's WARC files is answered from there instead
of the network. The walk is the same, nothing is fetched twice, nothing is archived twice.

An archived answer is read whole only when something reads its body: a page (the spider parses
it). A file's answer is its head alone (:func:`answer_from_archive`), flagged ``payload-not-read``,
so a resumed crawl, or a recrawl's 304, does not decompress megabytes of reports nobody looks at.

The index (request fingerprint → WARC file and offset) is a small SQLite file in JOBDIR, written
only after the exchange is flushed to the WARC. Flushed is not on disk, though: a machine that
crashes can lose the tail of an ``.open`` file, which repair then trims (archive/repair.py). So
an entry is trusted only while it still leads to its own response: entries past the end of a
repaired file are dropped when the crawl opens, and one whose record is unreadable is dropped
when it is asked for; either way the page is fetched again.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes

from archive.layout import resolve_archive_path
from archive.reader import ArchiveReadError, read_record
from crawler.archiving import exchange_archived

logger = logging.getLogger(__name__)


class ResumeFromArchiveMiddleware:
    """Downloader middleware: answer already-archived requests of this job from the archive."""

    def __init__(self, crawler, jobdir: Path, archive_dir: Path):
        self.crawler = crawler
        self.archive_dir = archive_dir
        jobdir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(jobdir / "archived.sqlite", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS archived"
            " (fingerprint TEXT PRIMARY KEY, url TEXT, filename TEXT, offset INTEGER)"
        )
        self.fingerprinter = crawler.request_fingerprinter
        crawler.signals.connect(self.remember, signal=exchange_archived)
        crawler.signals.connect(self.forget_trimmed, signal=signals.spider_opened)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir or not crawler.settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("resuming needs JOBDIR and the archive")
        return cls(crawler, Path(jobdir), Path(crawler.settings.get("ARCHIVE_DIR")))

    def remember(self, location, request, response):
        if response.status >= 500 or response.status in (408, 429):
            return  # a failure to retry, not an answer to replay
        self.db.execute(
            "INSERT OR REPLACE INTO archived VALUES (?, ?, ?, ?)",
            (self._fingerprint(request), request.url, location.filename, location.offset),
        )

    def process_request(self, request):
        row = self.db.execute(
            "SELECT filename, offset FROM archived WHERE fingerprint = ?",
            (self._fingerprint(request),),
        ).fetchone()
        if row is None:
            return None
        filename, offset = row
        try:
            path = resolve_archive_path(self.archive_dir, filename)
        except ValueError as exc:
            logger.warning(
                "Resume index names a file that is gone (%s); fetching %s again", exc, request.url
            )
            return None
        try:
            response = answer_from_archive(request, path, offset, flags=["archived"])
        except ArchiveReadError as damage:
            return self._forget(request, f"its record is unreadable: {damage.reason}")
        self.crawler.stats.inc_value("resume/from_archive")
        return response

    def forget_trimmed(self, spider=None) -> int:
        """Drop the entries that point past the end of their file (a tail repair trimmed)."""
        dropped = 0
        files = [name for (name,) in self.db.execute("SELECT DISTINCT filename FROM archived")]
        for filename in files:
            path = self.archive_dir / filename
            if not path.is_file():
                continue  # still .open (repaired later) or gone: settled when asked for
            dropped += self.db.execute(
                "DELETE FROM archived WHERE filename = ? AND offset >= ?",
                (filename, path.stat().st_size),
            ).rowcount
        if dropped:
            logger.warning(
                "Resume index: %d captures were in the part of a WARC file lost in the crash; "
                "they will be fetched again",
                dropped,
            )
            self.crawler.stats.inc_value("resume/trimmed", dropped)
        return dropped

    def _forget(self, request, why: str) -> None:
        logger.warning(
            "Resume index entry for %s dropped (%s); fetching it again", request.url, why
        )
        self.db.execute("DELETE FROM archived WHERE fingerprint = ?", (self._fingerprint(request),))
        self.crawler.stats.inc_value("resume/refetched")
        return None

    def close(self, spider):
        self.db.close()

    def _fingerprint(self, request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


#: Flag of an archived answer whose payload was left in the archive (its body is empty).
PAYLOAD_NOT_READ = "payload-not-read"
#: As much of a payload as Scrapy's response-type sniffing looks at (``responsetypes.from_body``).
SNIFFED_BYTES = 5000


def answer_from_archive(request, path: Path, offset: int, flags: list[str]) -> Response:
    """The archived response at ``path``@``offset`` as the answer to ``request``, under its URL.

    Its class is decided as for the response when it came (headers, URL, the payload's first
    bytes). A text (HTML, XML, JSON, script) is read whole: the spider parses it, and the
    browser middleware looks into it for a challenge. A file is not: the spider
    (``parse_attachment``, or ``parse`` for a page link that answered with a file) reads its URL
    and headers only, and the archive writes a revisit from the 304 itself; it gets an empty body
    and the ``payload-not-read`` flag. A payload with a Content-Encoding is read whole, whatever
    its class: the HTTP compression middleware decodes it and decides its class again from the
    decoded body (an empty one would pass for text).
    Raises :class:`ArchiveReadError` for a record that cannot be read (as far as it is read).
    """
    decided: type[Response] = Response

    def payload_wanted(record, first: bytes) -> bool:
        nonlocal decided
        decided = responsetypes.from_args(headers=http_headers(record), url=request.url, body=first)
        return issubclass(decided, TextResponse) or bool(record.http_header("Content-Encoding"))

    record = read_record(path, offset, payload_wanted=payload_wanted, peek=SNIFFED_BYTES)
    if record.payload is None:
        flags = [*flags, PAYLOAD_NOT_READ]
    return decided(
        url=request.url,
        status=record.http_status,
        headers=http_headers(record),
        body=record.payload or b"",
        flags=flags,
        request=request,
    )


def http_headers(record) -> Headers:
    """The archived HTTP headers, order and repeats kept, as Scrapy's (latin-1) ``Headers``."""
    headers = Headers()
    for name, value in record.http_headers:
        headers.appendlist(name.encode("latin-1"), value.encode("latin-1"))
    return headers
