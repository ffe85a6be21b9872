"""The DOM a browser rendered, read as a source when a page's report text only a script writes.

The crawler keeps what Chromium rendered beside the server's response, as a WARC ``conversion``
record whose ``WARC-Refers-To`` names the response (crawler/browser/rendered.py). The extractor
reads it like an HTML page of the same address, marked ``source_type = 'rendered-dom'``. A page
and its rendered DOM are one report when both read as one (extract/grouping.py): the server's own
HTML wins between equally complete copies, so the rendered DOM supplies the report only where
the response holds no report text, or less of it.
"""

from __future__ import annotations

RENDERED_DOM = "rendered-dom"


def is_rendered_dom(record) -> bool:
    """Whether an archived record is a browser's rendered DOM, linked to the response it
    was rendered from."""
    return record.rec_type == "conversion" and bool(record.refers_to)


def rendered_source_type(record, source_type: str | None) -> str | None:
    """The ``source_type`` a document read from ``record`` is recorded with."""
    return RENDERED_DOM if is_rendered_dom(record) else source_type
