"""The Scrapy project: spiders, discovery rules, settings, downloader and browser plumbing."""

__version__ = "0.1.0"


def _use_bundled_public_suffix_list() -> None:
    """Scrapy's cookie middleware asks tldextract, which downloads the Public Suffix List on first
    use. A crawler of government sites should not contact third parties (and often cannot: many
    run behind a proxy that reaches only the target sites), so use the list tldextract ships."""
    try:
        from scrapy.downloadermiddlewares import cookies
        from tldextract import TLDExtract
    except ImportError:  # pragma: no cover - both ship with Scrapy
        return
    cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


_use_bundled_public_suffix_list()
