"""The Scrapy project: spiders, crawling heuristics, settings, downloader and browser plumbing.

Importing this package imports nothing: the extractor and the publisher may use what it shares
without loading Scrapy. Scrapy itself is adjusted only when a crawl loads its spiders
(:mod:`crawler.spiders`, :mod:`crawler.public_suffix`).
"""
