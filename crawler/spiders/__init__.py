"""The crawl's spiders. Scrapy imports this package whenever it runs a crawl of this project
(``SPIDER_MODULES``, or a spider class imported directly), so Scrapy's own behaviour is adjusted
here, where a crawl starts, and nowhere a mere ``import crawler`` would reach."""

from crawler.public_suffix import use_bundled_public_suffix_list

use_bundled_public_suffix_list()
