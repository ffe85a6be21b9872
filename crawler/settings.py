"""Scrapy settings for nianbao. Behaviour is composed here, from components, not in the spider.

Every setting can be overridden per run (``-s NAME=VALUE``); the project-specific ones are
documented in README.md ("Crawl settings", and the browser's and scale-out's sections).
"""

import os

from nianbao import __version__

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves, with a page that says who runs the crawl and how to reach them.
NIANBAO_CONTACT = os.environ.get("NIANBAO_CONTACT", "https://github.com/nianbao-archive/nianbao")
USER_AGENT = f"nianbao/{__version__} (+{NIANBAO_CONTACT}; archive of government information-disclosure annual reports)"

# --- Politeness -------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True  # per site: the sites CSV column robots=ignore
CONCURRENT_REQUESTS = 32  # the global limit for a few sites; more sites raise it (below)
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# The downloader holds per-host concurrency at any DOWNLOAD_DELAY (Scrapy's did not at 0) and
# sizes the global limit from the sites: see crawler/downloader.py.
DOWNLOADER = "crawler.downloader.PoliteDownloader"
# On: up to CONCURRENT_REQUESTS_PER_DOMAIN requests per site in the downloader, so a crawl of many
# sites is held by their politeness, not by a fixed global cap.
CONCURRENCY_FROM_SITES = True
# Each request in flight holds a socket, and each waiting one a little memory: a ceiling.
CONCURRENT_REQUESTS_MAX = 2000
# Scrapy's default, named because fairness rests on it: the next request is for the host with the
# fewest requests in the downloader (round-robin among equals), not the next in one FIFO.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
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
# Scrapy reads each callback's source and parses it (about 1 ms) to warn about a generator that
# returns a value; its cache is keyed by the bound method, a new object every time, so it paid
# that for every response (~7 % of a crawl's CPU). The spider's callbacks return no values.
WARN_ON_GENERATOR_RETURN_VALUE = False

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
    # Before the site policy: a site another process discovered is registered first.
    "crawler.discovered_sites.FoundSitesMiddleware": 55,
    "crawler.middlewares.SitePolicyMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # After HttpProxyMiddleware (750), which says whether a proxy resolves the host instead of us.
    "crawler.netguard.InternalAddressMiddleware": 760,
    # Closest to the downloader, so an archived answer skips the network and the archive alike.
    "crawler.resume.ResumeFromArchiveMiddleware": 950,
}

EXTENSIONS = {
    "crawler.archiving.WarcArchiveExtension": 100,
    "crawler.progress.CrawlProgress": 200,
    "crawler.discovered_sites.DiscoveredSitesExtension": 300,
}
# Turns the browser's refused requests (crawler/netguard.py) into error items of the page.
SPIDER_MIDDLEWARES = {"crawler.netguard.RefusedBrowserRequests": 50}
PROGRESS_INTERVAL = 30.0

# Scrapy starts this many workers per response to pass its outputs on (default 100). Nothing
# here awaits in an item pipeline, so they only cost: at 100, creating them was a tenth of a
# crawl's CPU (bench/recrawl.py: 5.1–5.3 s of CPU at 8 against 5.4–5.8 s at 100).
CONCURRENT_ITEMS = 8

# --- Reactor ----------------------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("NIANBAO_LOG_LEVEL", "INFO")

# --- Scale-out (crawler/scaleout.py) ----------------------------------------------------------
# With REDIS_URL set (-s REDIS_URL=redis://host:6379/0, or NIANBAO_REDIS_URL in the environment),
# several crawler processes share one frontier and one duplicate filter in Redis (scrapy-redis),
# in place of the run-local ones above. Unset, the add-on changes nothing.
# Optional features switch themselves on as Scrapy add-ons, each reading its own settings below,
# rather than this file rewriting the component dicts above.
ADDONS = {
    "crawler.scaleout.ScaleOut": 100,
    "crawler.recrawl.Recrawl": 200,
    "crawler.browser.addon.Browser": 300,
}
REDIS_URL = os.environ.get("NIANBAO_REDIS_URL", "")
SCALEOUT_IDLE_CLOSE = 30.0  # seconds the frontier stays empty, no process busy, before one ends
SCALEOUT_KEY_PREFIX = (
    "nianbao:%(spider)s"  # the Redis keys of one crawl: another prefix, another crawl
)
# On: per-host politeness (CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_DELAY) holds for the processes
# together, through a lease per download in Redis (crawler/shared_politeness.py); off: per process.
SCALEOUT_SHARED_POLITENESS = True

# --- Recrawl ---------------------------------------------------------------------------------
# Crawls run again and again over one ARCHIVE_DIR: each URL is asked whether it changed since its
# last capture (If-None-Match / If-Modified-Since), and a payload archived before — 304, or the
# same bytes at this or another URL — is written as a revisit record, not a second copy. The
# digest index behind it is ARCHIVE_DIR/index.sqlite; each run is logged in ARCHIVE_DIR/crawls.jsonl.
# See crawler/recrawl.py; the Recrawl add-on (ADDONS above) puts its parts in. Off: every request
# unconditional, every payload archived in full.
RECRAWL_ENABLED = True
# What reading each page yielded is kept (ARCHIVE_DIR/parse-memo.sqlite), and a page that comes
# back unchanged — same URL, bytes, place in the walk, sites list and crawler code — is not parsed
# again: its kept requests and items are replayed (crawler/parse_memo.py). Reading pages is most
# of a crawl's CPU, so this is most of what makes a recrawl cheaper than the first crawl.
RECRAWL_REPLAY_PARSES = True
# A revisit is archived with the request that was sent (its If-None-Match / If-Modified-Since):
# the evidence of how the crawl asked. Off, an unchanged URL adds a revisit and a metadata record
# only, about a third less (bench/recrawl.py: 1.58 KB per unchanged URL with, ~1.0 KB without).
RECRAWL_REVISIT_REQUESTS = True

# --- Browser (crawler/browser) ---------------------------------------------------------------
# Pages that need JavaScript — anti-bot challenges (HTTP 412/521 cookie scripts) and lists that
# scripts fill in — are rendered in Chromium through scrapy-playwright; everything else stays a
# plain download. What the browser fetched is archived as HTTP exchanges by a recording proxy;
# the DOM it rendered only as a conversion record. See crawler/browser/__init__.py; the Browser
# add-on (ADDONS above) puts its parts in when BROWSER_ENABLED is on.
BROWSER_ENABLED = True
BROWSER_ARCHIVE_DOM = True  # the rendered DOM as a WARC conversion record beside the document
# Empty: the crawl's own USER_AGENT, so a challenge cookie is earned under the name that will
# use it; "browser": Chromium's own.
BROWSER_USER_AGENT = ""
BROWSER_LOCALE = "zh-CN"
BROWSER_SETTLE_TIMEOUT = 20.0  # seconds for a page to go quiet and get past its challenge
BROWSER_PAGE_TIMEOUT = 90.0  # seconds for a whole browser page, from context to DOM
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_BROWSER_PROVIDER = "crawler.browser.launch.LocalChromiumProvider"
PLAYWRIGHT_LAUNCH_OPTIONS = {"headless": True}
# One context per page, closed after it: at most this many pages live at once.
PLAYWRIGHT_MAX_CONTEXTS = 4
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 1
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
# The browser sends its own headers (and the cookies it earned), not Scrapy's.
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None
PLAYWRIGHT_ABORT_REQUEST = "crawler.browser.visit.skipped_resource"  # fonts, audio, video

# --- Discovery (crawler/discovery/governments.py, found_sites.py) ----------------------------
# A province or city government's row (or -a regions=CODE,…) stands for every government under
# it: its portal's 市县政府 boxes, county menus and department lists are read, and each
# government or department found under it is crawled as a site of its own, with its own budgets.
DISCOVERY_ENABLED = True
DISCOVERY_MAX_SITES = 10000  # sites found per start: a province has ~150 counties × ~30 departments
DISCOVERY_MAX_DEPTH = 3  # levels below the start: province → city → county → department
DISCOVERY_PAGE_HOPS = 3  # a portal's pages this close to its start URL are read for such links
# Hosts besides *.gov.cn that may become sites (a portal documented outside gov.cn), with
# their subdomains: a list, or comma-separated with -s.
DISCOVERY_HOST_EXCEPTIONS = []
DISCOVERY_SITES_DIR = ""  # where discovered-<code>.csv goes; empty: the crawl's ARCHIVE_DIR

# --- Internal addresses (crawler/netguard.py) -------------------------------------------------
# Every request — plain, redirected, robots.txt, or made by a page in the browser — is refused
# when its host is or resolves to a loopback, private, link-local, multicast or reserved address:
# what the crawl fetches is published. True fetches them (sites served on this machine directly;
# the imitation sites need no exception, their proxy resolves their names).
ALLOW_INTERNAL_ADDRESSES = False
