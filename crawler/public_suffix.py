"""The Public Suffix List Scrapy's cookie middleware uses: the copy tldextract ships, never fetched.

Scrapy's cookie middleware asks tldextract whether a cookie's domain is a public suffix, and by
default tldextract downloads the Public Suffix List on first use. A crawler of government sites
should not contact third parties (and often cannot: many run behind a proxy that reaches only the
target sites), so the middleware's extractor is replaced with one that uses the bundled snapshot.
Scrapy offers no setting for this, hence the assignment to its module attribute.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares import cookies
from tldextract import TLDExtract


def use_bundled_public_suffix_list() -> None:
    """Make Scrapy's cookie middleware use tldextract's bundled list (idempotent)."""
    if getattr(cookies._split_domain, "suffix_list_urls", None) != ():
        cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
