"""What every part of nianbao knows about the reports, free of Scrapy, Datasette and WARC.

- :mod:`.regions` — China's administrative divisions by name and code.
- :mod:`.titles` — is a title an annual report, a look-alike, a disclosure column; which year.
- :mod:`.agencies` — which body published a report, and whether it belongs to a place.
- :mod:`.format` — the canonical table, row and column keys (``report-format.json``).
- :mod:`.deadline` — when a year's report was due.

The crawler, the extractor and the publisher all import from here; nothing here imports them.
"""

__version__ = "0.1.0"
