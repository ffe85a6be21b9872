"""A recrawl parses what changed: what reading a page gave is kept, and replayed when it comes again.

Most of what a periodic crawl fetches is what it archived before (a 304 answered from the
archive, or the same bytes again), and reading it again — list parsers, link rules, the
report test — is most of the CPU a crawl spends. The spider's reading of a page is a function
of the page (URL and body), of the request that fetched it (method, form, Referer), of where
the walk met it and of the sites list (``ReportsSpider.replay_context``), and of the crawler's
own code. :class:`ParseMemoMiddleware` keeps, per page, what the callback yielded (requests,
items) and the list figures it sent, under a key made of all of those; when a response comes with the same key, the kept outputs are yielded
and the callback never runs. Whatever changes — a byte of the page, the site's row, a line of
``crawler/`` or ``nianbao/`` — changes the key, and the page is read afresh.

The memo is ``ARCHIVE_DIR/parse-memo.sqlite``, one row per page (the last reading), JSON
compressed with zlib: nothing in it is executed or unpickled. It is a saving only: a memo that
cannot be read or written is logged once and the crawl reads every page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sqlite3
import time
import zlib
from dataclasses import asdict
from pathlib import Path

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse
from scrapy.utils.request import request_from_dict

from crawler.site_figures import ListingFigures, listing_parsed

logger = logging.getLogger(__name__)

MEMO_NAME = "parse-memo.sqlite"
# The code a page's reading depends on: any change to it makes every kept reading stale.
CODE_PACKAGES = ("crawler", "nianbao")
WRITE_EVERY = 100  # readings written per transaction: few fsyncs, little lost to a kill


def code_fingerprint(root: Path = Path(__file__).resolve().parents[1]) -> str:
    """A digest of the source files of :data:`CODE_PACKAGES` (names and contents)."""
    digest = hashlib.sha1()
    for package in CODE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".json") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class ParseMemo:
    """The kept readings: ``page → (key, outputs)`` (a page: its URL; a POST, its method, URL and body digest), in SQLite.

    New readings wait in memory and are written a batch at a time, each batch one short
    transaction: processes of a scaled-out crawl share the file, and a write lock held across
    the reactor's turns would stall the others."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(path, timeout=10, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS readings"
            " (page TEXT PRIMARY KEY, key TEXT NOT NULL, outputs BLOB NOT NULL)"
        )
        self.waiting: dict[str, tuple[str, bytes]] = {}

    def get(self, page: str, key: str) -> dict | None:
        if page in self.waiting:
            waiting_key, blob = self.waiting[page]
            return json.loads(zlib.decompress(blob)) if waiting_key == key else None
        row = self.connection.execute(
            "SELECT outputs FROM readings WHERE page = ? AND key = ?", (page, key)
        ).fetchone()
        return json.loads(zlib.decompress(row[0])) if row else None

    def put(self, page: str, key: str, outputs: list[str], figures: list[dict]) -> None:
        """Keep a reading: ``outputs`` as JSON texts ({"request": …} or {"item": …}), in order."""
        text = f'{{"outputs": [{", ".join(outputs)}], "figures": {json.dumps(figures)}}}'
        self.waiting[page] = (key, zlib.compress(text.encode("utf-8")))
        if len(self.waiting) >= WRITE_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self.waiting:
            return
        with self.connection:  # sqlite3: BEGIN … COMMIT, or ROLLBACK on an error
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(
                "INSERT OR REPLACE INTO readings (page, key, outputs) VALUES (?, ?, ?)",
                [(page, key, blob) for page, (key, blob) in self.waiting.items()],
            )
        self.waiting.clear()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.connection.close()


class NotReplayable(ValueError):
    """An output that cannot be kept as JSON (a callback that is no spider method, odd meta)."""


# Scrapy rebuilds a request as the class its dict names: only these, whatever a memo file says.
REQUEST_CLASSES = (
    "scrapy.http.request.form.FormRequest",
    "scrapy.http.request.json_request.JsonRequest",
)


def _check_class(fields: dict) -> None:
    if fields.get("_class", REQUEST_CLASSES[0]) not in REQUEST_CLASSES:
        raise NotReplayable(f"a request of class {fields['_class']}")


def encode_request(request: Request, spider) -> dict:
    try:
        fields = request.to_dict(spider=spider)
    except ValueError as exc:
        raise NotReplayable(str(exc)) from exc
    _check_class(fields)
    fields["headers"] = [
        [name.decode("latin-1"), [value.decode("latin-1") for value in values]]
        for name, values in fields["headers"].items()
    ]
    fields["body"] = base64.b64encode(fields["body"]).decode("ascii")
    return fields


def decode_request(fields: dict, spider) -> Request:
    _check_class(fields)
    fields = {
        **fields,
        "headers": {name: values for name, values in fields["headers"]},
        "body": base64.b64decode(fields["body"]),
    }
    return request_from_dict(fields, spider=spider)


def page_id(response) -> str:
    """Which page a reading is kept under: its URL, or for a request with a body (a POST pager's
    page) its method, URL and body digest — one URL may answer many forms."""
    request = response.request
    if request is None or not request.body:
        return response.url
    return f"{request.method} {response.url} {hashlib.sha1(request.body).hexdigest()}"


class ParseMemoMiddleware:
    """Spider middleware, closest to the spider: replays a page's kept reading, or keeps a new one."""

    def __init__(self, crawler, directory: Path):
        self.crawler = crawler
        self.stats = crawler.stats
        self.directory = directory
        self.memo: ParseMemo | None = None
        self.fingerprint = ""
        self.recording: dict[int, list[dict]] = {}  # id(response) -> its list figures
        crawler.signals.connect(self.open, signal=signals.spider_opened)
        crawler.signals.connect(self.close, signal=signals.spider_closed)
        crawler.signals.connect(self.figures_sent, signal=listing_parsed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("RECRAWL_REPLAY_PARSES") or not settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured(
                "RECRAWL_REPLAY_PARSES or ARCHIVE_ENABLED is off: every page is read"
            )
        return cls(crawler, Path(settings.get("ARCHIVE_DIR")))

    def open(self, spider):
        path = self.directory / MEMO_NAME
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.fingerprint = code_fingerprint()
            try:
                self.memo = ParseMemo(path)
            except sqlite3.DatabaseError as exc:
                # Not a database (any more): kept aside for a look, and the next one starts empty.
                aside = path.with_name(f"{MEMO_NAME}.damaged-{int(time.time())}")
                path.rename(aside)
                logger.warning("The parse memo %s is damaged (%s): moved to %s", path, exc, aside)
                self.memo = ParseMemo(path)
        except (OSError, sqlite3.Error) as exc:
            self._give_up(exc)

    def close(self, spider):
        if self.memo is not None:
            try:
                self.memo.close()
            except sqlite3.Error as exc:
                logger.warning("The parse memo could not be saved: %s", exc)
            self.memo = None
        replayed = self.stats.get_value("parse_memo/replayed") or 0
        kept = self.stats.get_value("parse_memo/kept") or 0
        logger.info("Parse memo: %d pages replayed unread, %d readings kept", replayed, kept)

    def figures_sent(self, response, figures):
        if id(response) in self.recording:
            self.recording[id(response)].append(asdict(figures))

    async def process_spider_output(self, response, result):
        spider = self.crawler.spider
        key = self.reading_key(response, spider)
        if key is None:
            async for output in result:
                yield output
            return
        kept = self._get(page_id(response), key)
        replay = self._replay(kept, spider) if kept is not None else None
        if replay is not None:
            outputs, sent = replay
            self.stats.inc_value("parse_memo/replayed")
            for figures in sent:
                self.crawler.signals.send_catch_log(
                    listing_parsed, response=response, figures=figures
                )
            for output in outputs:
                yield output
            return
        async for output in self._recorded(response, result, key, spider):
            yield output

    def _replay(self, kept: dict, spider) -> tuple[list, list[ListingFigures]] | None:
        """The kept outputs and list figures rebuilt, all or none (a reading the memo cannot
        give back is read again)."""
        try:
            outputs = [
                decode_request(output["request"], spider) if "request" in output else output["item"]
                for output in kept["outputs"]
            ]
            return outputs, [ListingFigures(**figures) for figures in kept["figures"]]
        except (NotReplayable, KeyError, TypeError, ValueError) as exc:
            logger.warning("A kept reading cannot be replayed (%s): the page is read again", exc)
            return None

    async def _recorded(self, response, result, key: str, spider):
        """The callback's outputs, passed on as they come and kept once all have come."""
        outputs: list[str] | None = []
        self.recording[id(response)] = []
        try:
            async for output in result:
                if outputs is not None:
                    outputs = self._encoded(output, outputs, spider)
                yield output
            figures = self.recording[id(response)]
        finally:
            self.recording.pop(id(response), None)
        if outputs is None:
            self.stats.inc_value("parse_memo/not_replayable")
            return
        self._put(page_id(response), key, outputs, figures)

    def _encoded(self, output, outputs: list[str], spider) -> list[str] | None:
        """``outputs`` with ``output`` added as JSON — now, before later components change it."""
        try:
            if isinstance(output, Request):
                outputs.append(json.dumps({"request": encode_request(output, spider)}))
            elif isinstance(output, dict):
                outputs.append(json.dumps({"item": output}))
            else:
                raise NotReplayable(f"an output of type {type(output).__name__}")
        except (NotReplayable, TypeError, ValueError) as exc:
            logger.debug("Not keeping the reading of a page: %s", exc)
            return None
        return outputs

    def reading_key(self, response, spider) -> str | None:
        """The memo key of this response's reading, or None when it is not to be kept."""
        if self.memo is None or response.status != 200 or not isinstance(response, TextResponse):
            return None
        context = getattr(spider, "replay_context", lambda response: None)(response)
        if context is None:
            return None
        request = response.request
        if request is None:
            return None
        parts = [
            self.fingerprint,
            getattr(request.callback, "__name__", "parse"),
            response.url,
            hashlib.sha1(response.body).hexdigest(),
            context,
            # The list parsers read the request too: its method and form (Hanweb's POST pager
            # pages on from the form it sent), and its Referer (the column a JSON list is of).
            request.method,
            hashlib.sha1(request.body).hexdigest(),
            request.headers.get("Referer", b"").decode("latin-1"),
        ]
        return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def _get(self, page: str, key: str) -> dict | None:
        try:
            return self.memo.get(page, key)
        except (sqlite3.Error, zlib.error, ValueError) as exc:
            self._give_up(exc)
            return None

    def _put(self, page: str, key: str, outputs: list[str], figures: list[dict]) -> None:
        if self.memo is None:
            return
        try:
            self.memo.put(page, key, outputs, figures)
            self.stats.inc_value("parse_memo/kept")
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        logger.warning(
            "The parse memo in %s is unusable (%s): every page is read in full", self.directory, exc
        )
        if self.memo is not None:
            self.memo.connection.close()
        self.memo = None
