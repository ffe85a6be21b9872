"""Conditional requests: each GET asks with the validators of the URL's last capture, and a 304
is answered with the archived original, so the walk goes on as if the page had come again.

A file's original comes without its payload, which nobody reads (:func:`crawler.resume.
answer_from_archive`, flag ``payload-not-read``). The Recrawl add-on (:mod:`crawler.recrawl`)
puts this middleware in.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from archive.digest_index import UrlCapture
from archive.layout import resolve_archive_path
from archive.reader import ArchiveReadError
from crawler.resume import answer_from_archive

logger = logging.getLogger(__name__)

# Request meta: the capture whose validators were sent, the headers this middleware added, and
# "fetch in full" (after a 304 whose original could not be read).
PREVIOUS_META, SENT_META, UNCONDITIONAL_META = (
    "recrawl_previous",
    "recrawl_sent",
    "recrawl_unconditional",
)
CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")


class ConditionalRequestMiddleware:
    """Downloader middleware: conditional GETs from the digest index; a 304 answered from the archive.

    Sits after every middleware that sets headers (930), so the validators are what goes out,
    and before resume (950), whose answers it leaves alone.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self._archive = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("RECRAWL_ENABLED") or not settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured(
                "RECRAWL_ENABLED or ARCHIVE_ENABLED is off: requests stay unconditional"
            )
        return cls(crawler)

    def archive(self):
        """The archive extension that knows each URL's last capture
        (``crawler.recrawl.RecrawlArchiveExtension``, which imports this module: found by what it
        does, not by its class)."""
        if self._archive is None:
            self._archive = next(
                (
                    extension
                    for extension in self.crawler.extensions.middlewares
                    if hasattr(extension, "replayable_capture")
                ),
                None,
            )
        return self._archive

    def process_request(self, request):
        # Validators added for another URL (a redirect copies headers) or an earlier attempt go.
        for name in request.meta.pop(SENT_META, ()):
            request.headers.pop(name, None)
        request.meta.pop(PREVIOUS_META, None)
        if (
            request.method != "GET"
            or request.meta.get("playwright")
            or request.meta.get(UNCONDITIONAL_META)
        ):
            return None
        if any(name in request.headers for name in CONDITIONAL_HEADERS):
            return None  # a conditional request someone else made: theirs to handle
        archive = self.archive()
        previous = archive.replayable_capture(request.url) if archive else None
        if previous is None:
            return None
        sent = []
        for name, value in zip(CONDITIONAL_HEADERS, (previous.etag, previous.last_modified)):
            if value:
                request.headers[name] = value.encode("latin-1", "replace")  # as received: latin-1
                sent.append(name)
        request.meta[SENT_META] = sent
        request.meta[PREVIOUS_META] = previous.as_meta()
        self.stats.inc_value("recrawl/conditional_requests")
        return None

    def process_response(self, request, response):
        sent = request.meta.get(PREVIOUS_META)
        if response.status != 304 or sent is None:
            return response
        previous = UrlCapture.from_meta(sent)
        archive = self.archive()
        try:
            answer = answer_from_archive(
                request,
                resolve_archive_path(archive.directory, previous.payload.filename),
                previous.payload.offset,
                flags=["archived", "not-modified"],
            )
        except (OSError, ValueError, ArchiveReadError) as exc:
            logger.warning(
                "%s answered 304, but its archived original (%s@%s) cannot be read: %s; "
                "fetching it again in full",
                request.url,
                previous.payload.filename,
                previous.payload.offset,
                exc,
            )
            self.stats.inc_value("recrawl/original_unreadable")
            return request.replace(
                meta={**request.meta, UNCONDITIONAL_META: True}, dont_filter=True
            )
        self.stats.inc_value("recrawl/answered_from_archive")
        return answer
