"""Decisions the spider makes about links and pages, as small pure functions.

- :mod:`.reports` — is this title/page an annual report, a look-alike, a
  disclosure column or an agency; which year and agency; in the site's scope?
- :mod:`.links` — whether and how soon to follow a link.
- :mod:`.attachments` — attachment links and downloaded files' names.
- :mod:`.traps` — URL canonicalisation and crawler traps.
- :mod:`.scope` — which hosts belong to a site.
- :mod:`.regions` — China's administrative divisions by name and code.

Plain strings in, plain values out: nothing here imports Scrapy.
"""

from crawler.discovery.agencies import in_scope, report_agency
from crawler.discovery.attachments import (
    attachment_filename,
    filename_from_content_disposition,
    is_attachment_link,
)
from crawler.discovery.links import link_priority
from crawler.discovery.regions import Region, region_by_code, region_of
from crawler.discovery.reports import TitleKind, classify_title, is_report_page, report_year
from crawler.discovery.scope import in_domains, site_domains
from crawler.discovery.traps import canonical_url, trap_reason

__all__ = [
    "Region",
    "TitleKind",
    "attachment_filename",
    "canonical_url",
    "classify_title",
    "filename_from_content_disposition",
    "in_domains",
    "in_scope",
    "is_attachment_link",
    "is_report_page",
    "link_priority",
    "region_by_code",
    "region_of",
    "report_agency",
    "report_year",
    "site_domains",
    "trap_reason",
]
