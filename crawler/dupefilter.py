"""A duplicate filter that remembers only the current run.

See crawler/resume.py: a resumed job walks its sites again and answers already-archived requests
from the archive, so remembering a previous run's requests would hide the pages it never reached.
"""

from scrapy.dupefilters import RFPDupeFilter


class RunLocalDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            None,
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )
