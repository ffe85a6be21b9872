"""Keep the DOM a browser rendered, beside — never instead of — what the server sent.

The spider reads a browser page's DOM (``page.content()`` after scripts ran); that is what its
links and report text came from, so it is worth keeping. It is not a server response, so it is
written as a WARC ``conversion`` record that refers (``WARC-Refers-To``) to the response record
of the document it was rendered from, and says what it is. The extractor reads it as a source of
its own (extract/rendered.py, ``source_type = 'rendered-dom'``), ranked below the server's own
HTML, so a rendered DOM is never taken for a document a server published.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.archiving import WarcArchiveExtension, exchange_archived

logger = logging.getLogger(__name__)

# Documents whose page never came back (a failed visit) are forgotten after this many.
REMEMBERED_DOCUMENTS = 1000
DESCRIPTION = "DOM after scripts ran (page.content() in Chromium); not a server response"


class RenderedDomArchive:
    def __init__(self, crawler):
        self.crawler = crawler
        self.documents: OrderedDict[str, str] = OrderedDict()  # visit token -> response record id
        crawler.signals.connect(self.document_archived, signal=exchange_archived)
        crawler.signals.connect(self.page_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("BROWSER_ENABLED") or not settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("no browser or no archive: no rendered DOM to keep")
        if not settings.getbool("BROWSER_ARCHIVE_DOM"):
            raise NotConfigured("BROWSER_ARCHIVE_DOM is off")
        return cls(crawler)

    def document_archived(self, location, request):
        if request.meta.get("browser_document"):
            # The last document of a visit wins: after a challenge, the page it let through.
            token = request.meta["browser_visit"]
            self.documents[token] = location.response_id
            self.documents.move_to_end(token)
            while len(self.documents) > REMEMBERED_DOCUMENTS:
                self.documents.popitem(last=False)

    def page_received(self, response, request, spider):
        if "rendered" not in response.flags:
            return
        document_id = self.documents.pop(request.meta.get("browser_visit"), None)
        archive = self._archive()
        if archive is None or document_id is None:
            return
        archive.write_resource(
            response.url,
            response.body,
            f"text/html; charset={response.encoding}",
            refers_to=document_id,
            record_type="conversion",
            fields={"WARC-Resource-Type": "rendered-dom", "Nianbao-Description": DESCRIPTION},
        )
        self.crawler.stats.inc_value("browser/rendered_dom_archived")

    def _archive(self):
        for extension in self.crawler.extensions.middlewares:
            if isinstance(extension, WarcArchiveExtension):
                return extension.archive
        return None
