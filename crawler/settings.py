"""Scrapy settings for nianbao. Behaviour is composed here, from components, not in the spider.

Every setting can be overridden per run (``-s NAME=VALUE``); the project-specific ones are
documented in README.md ("Crawl settings").
"""

import os

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves, with a page that says who runs the crawl and how to reach them.
NIANBAO_CONTACT = os.environ.get("NIANBAO_CONTACT", "https://github.com/nianbao-archive/nianbao")
USER_AGENT = f"nianbao/0.1 (+{NIANBAO_CONTACT}; archive of government information-disclosure annual reports)"

# --- Politeness -------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True  # per site: the sites CSV column robots=ignore
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# Reports are PDFs of a few MB; scans can be large. Refuse the absurd, not the large.
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024

# --- Resilience -------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each next one
RETRY_BACKOFF_MAX = 60.0

# --- Per-site walk ----------------------------------------------------------------------------
SITE_MAX_HOPS = 8  # links from the start URL (list pagination is not a hop)
SITE_MAX_LIST_PAGES = 100  # pages of one list: ends endless pagers
SITE_PAGE_BUDGET = 2000  # pages fetched per site
SITE_ATTACHMENT_BUDGET = 2000
DEPTH_LIMIT = 0  # SitePolicyMiddleware counts hops instead: pagination must not exhaust depth
# Breadth-first, so one deep column does not hold the others back.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Resumes re-walk the sites from their start URLs (see crawler/resume.py), so the duplicate
# filter must not carry over a previous run's memory of requests whose responses were lost.
DUPEFILTER_CLASS = "crawler.dupefilter.RunLocalDupeFilter"

# --- Capture and archive ----------------------------------------------------------------------
DOWNLOAD_HANDLERS = {
    "http": "crawler.capture.CapturingHTTPDownloadHandler",
    "https": "crawler.capture.CapturingHTTPDownloadHandler",
}
ARCHIVE_ENABLED = True
ARCHIVE_DIR = os.environ.get("NIANBAO_ARCHIVE_DIR", "data/warc")
WARC_PREFIX = "nianbao"
WARC_MAX_BYTES = 500 * 1024 * 1024

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SitePolicyMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # Closest to the downloader, so an archived answer skips the network and the archive alike.
    "crawler.resume.ResumeFromArchiveMiddleware": 950,
}

EXTENSIONS = {
    "crawler.archiving.WarcArchiveExtension": 100,
    "crawler.progress.CrawlProgress": 200,
}
PROGRESS_INTERVAL = 30.0

# --- Reactor ----------------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("NIANBAO_LOG_LEVEL", "INFO")
