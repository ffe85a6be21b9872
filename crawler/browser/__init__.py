"""Pages that need a browser: rendered in Chromium through scrapy-playwright, archived faithfully.

The parts, each switched on in ``crawler/settings.py`` (the "Browser" block):

``middleware.BrowserRenderMiddleware``  decides: the site's ``render`` column, and challenges or
                                        script-filled lists found in plain answers (``detect``)
``handler.BrowserDownloadHandler``      downloads: plain requests captured as before, browser
                                        requests as one ``visit`` each (own context, own recorder)
``recorder.RecordingProxy``             archives the browser's traffic as byte-exact exchanges
                                        (``wire`` frames HTTP/1.1, ``tls`` breaks HTTPS open),
                                        and refuses internal addresses (``crawler.netguard``)
``cookies.BrowserCookiesMiddleware``    shares Scrapy's cookie jar with the browser, both ways
``rendered.RenderedDomArchive``         keeps the rendered DOM as a WARC conversion record
``fingerprint``                         keeps a browser request apart from its plain twin
``launch``                              which Chromium, which flags, which upstream proxy

Limits: what the browser answers itself (memory cache, ``data:``/``blob:``) and WebSocket traffic
are not recorded; fonts and media are not loaded at all; page requisites are fetched without
asking robots.txt, as the page itself was allowed; a resumed job renders its browser pages again.
"""
