"""A browser rendering of a URL is a different fetch from a plain download of it.

Scrapy's fingerprint (method, URL, body) is the same for both, and two components key on it:
the duplicate filter (the rerouted request is sent with ``dont_filter``, so that one is fine)
and the resume index in ``crawler/resume.py``, which answers any request whose fingerprint is
archived from the archive. The challenge a plain download met *is* archived under that
fingerprint, so without this the request sent to the browser would be answered with the very
challenge it was sent to get past. Giving browser requests a fingerprint of their own keeps
them out of each other's way; everything else keeps Scrapy's fingerprint unchanged.
"""

from __future__ import annotations

import hashlib

from scrapy.utils.request import RequestFingerprinter


class BrowserAwareRequestFingerprinter(RequestFingerprinter):
    def fingerprint(self, request) -> bytes:
        plain = super().fingerprint(request)
        if not request.meta.get("playwright"):
            return plain
        return hashlib.sha1(plain + b"|rendered in a browser").digest()
