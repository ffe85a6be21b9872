"""A spider that fetches a fixed list of URLs: exercises capture and archiving without discovery."""

import scrapy


class FetchUrlsSpider(scrapy.Spider):
    name = "fetch_urls"

    def __init__(self, urls: str = "", **kwargs):
        super().__init__(**kwargs)
        self.urls = [u for u in urls.split(" ") if u]

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        yield {"url": response.url, "status": response.status, "length": len(response.body)}
