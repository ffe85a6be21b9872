"""Decisions the spider makes about links and pages, as small pure functions.

- :mod:`.reports` — is a fetched page an annual report, or the cover of an attached one?
- :mod:`.links` — whether and how soon to follow a link.
- :mod:`.attachments` — attachment links and downloaded files' names.
- :mod:`.traps` — URL canonicalisation and crawler traps.
- :mod:`.scope` — which hosts belong to a site.
- :mod:`.governments` — links to the governments and departments under a portal.
- :mod:`.found_sites` — which of those become sites of their own (discovery mode).

Plain strings in, plain values out: nothing here imports Scrapy. What a title, agency or region
is belongs to the whole pipeline and lives in :mod:`nianbao`.
"""

from crawler.discovery.attachments import (
    attachment_filename,
    filename_from_content_disposition,
    is_attachment_link,
)
from crawler.discovery.links import link_priority
from crawler.discovery.reports import is_report_page
from crawler.discovery.scope import in_domains, site_domains
from crawler.discovery.traps import canonical_url, trap_reason

__all__ = [
    "attachment_filename",
    "canonical_url",
    "filename_from_content_disposition",
    "in_domains",
    "is_attachment_link",
    "is_report_page",
    "link_priority",
    "site_domains",
    "trap_reason",
]
