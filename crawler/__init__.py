"""The Scrapy project: spiders, discovery rules, settings, downloader and browser plumbing."""

__version__ = "0.1.0"
