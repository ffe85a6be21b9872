"""The two limits a polite crawl of many sites cannot beat, for bench/crawl.py.

**Politeness bound**: a host is asked at most once per ``DOWNLOAD_DELAY`` and at most
``CONCURRENT_REQUESTS_PER_DOMAIN`` requests at a time, so a host with ``n`` pages answered in
latencies ``l_1 … l_n`` takes at least ``max(n × delay, (l_1 + … + l_n) / per_host)``, and the
crawl at least as long as its busiest host. The pages are the ones the crawl really fetched
(robots.txt, 404s and attachments included) and the latencies the farm's (fixed per URL). It
leaves out that links are found one page after another, so it is a bound no crawler can beat.

**CPU bound**: ``pages / rate``, with the rate this crawler reached, WARC writing included, on the
same farm answering at once with no delay: what the machine allows when nobody has to wait.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit


def politeness_bound(urls: list[str], latency, delay: float, per_host: int) -> dict:
    """The bound in seconds, and the host that sets it. ``latency(url)`` gives a URL's latency."""
    pages: dict[str, int] = defaultdict(int)
    waited: dict[str, float] = defaultdict(float)
    for url in urls:
        host = urlsplit(url).hostname or ""
        pages[host] += 1
        waited[host] += latency(url)
    if not pages:
        return {"seconds": 0.0, "host": None, "pages": 0}
    per_host_time = {host: max(pages[host] * delay, waited[host] / per_host) for host in pages}
    busiest = max(per_host_time, key=per_host_time.get)
    return {
        "seconds": round(per_host_time[busiest], 3),
        "host": busiest,
        "pages": pages[busiest],
    }


def bound_ratio(wall_s: float, politeness_s: float, pages: int, cpu_pages_per_s: float) -> dict:
    """Crawl time over the larger of the two bounds (1.0: as fast as anything could be)."""
    cpu_s = pages / cpu_pages_per_s if cpu_pages_per_s else 0.0
    limit = max(politeness_s, cpu_s)
    return {
        "politeness_bound_s": round(politeness_s, 2),
        "cpu_bound_s": round(cpu_s, 2),
        "bound": "politeness" if politeness_s >= cpu_s else "cpu",
        "bound_ratio": round(wall_s / limit, 3) if limit else None,
    }
