"""A recrawl replays what reading an unchanged page gave, and reads what changed (crawler/parse_memo.py).

The imitation farm is crawled three times into one ARCHIVE_DIR: the second crawl, of the same
farm, must make exactly the first one's requests and items and site figures without reading a
page; before the third, one list page drops a link, and that page alone is read again.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import scrapy
from scrapy.http import TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.parse_memo import (
    MEMO_NAME,
    NotReplayable,
    ParseMemoMiddleware,
    code_fingerprint,
    decode_request,
    encode_request,
    page_id,
)
from crawler.spiders.reports import ReportsSpider
from imitation.crawl_run import proxy_env
from imitation.farm import build_farm
from imitation.recrawl_sites import RecrawlFarm
from imitation.server import GovFarmServer
from tests.crawling import ROOT, crawl_command, read_items

UNLINKED, ITS_LIST = (
    "http://wjw.liaocheng.gov.cn/info/1141/23456.htm",
    "http://wjw.liaocheng.gov.cn/xxgk/zfxxgknb/1.htm",
)


@dataclass
class Crawl:
    items: list[dict]
    asked: Counter  # (method, url) -> times the farm was asked
    log: str
    readings: dict[str, str]  # the memo after the crawl: page -> key

    @property
    def read(self) -> int:
        """Pages read, or replayed: every text page the spider was given."""
        return self.stat("parse_memo/kept") + self.stat("parse_memo/replayed")

    def stat(self, name: str) -> int:
        found = re.search(rf"'{re.escape(name)}': (\d+)", self.log)
        return int(found.group(1)) if found else 0


def crawl(site: RecrawlFarm, server: GovFarmServer, out: Path, name: str) -> Crawl:
    server.reset_log()
    site.farm.reset()
    command = crawl_command(out / "sites.csv", out, found=f"{name}.jsonl")
    result = subprocess.run(
        command, cwd=ROOT, env=proxy_env(server), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    asked = Counter((sent.method, sent.url) for sent in server.sent)
    with sqlite3.connect(out / "warc" / MEMO_NAME) as memo:
        readings = dict(memo.execute("SELECT page, key FROM readings"))
    return Crawl(read_items(out / f"{name}.jsonl"), asked, result.stderr, readings)


@pytest.fixture(scope="module")
def crawls(tmp_path_factory) -> tuple[Path, list[Crawl]]:
    out = tmp_path_factory.mktemp("memo")
    farm = build_farm()
    (out / "sites.csv").write_text(farm.sites_csv(), encoding="utf-8")
    site = RecrawlFarm(farm)
    runs = []
    with GovFarmServer(site.hosts) as server:
        runs.append(crawl(site, server, out, "first"))
        time.sleep(1.1)  # WARC file names carry the crawl's start to the second
        runs.append(crawl(site, server, out, "same"))
        site.unlink(ITS_LIST, UNLINKED)
        time.sleep(1.1)
        runs.append(crawl(site, server, out, "changed"))
    return out, runs


def canonical(items: list[dict]) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in items)


def site_figures(out: Path) -> list[dict[str, dict]]:
    """Each crawl's figures per site (columns in URL order: the walk's order varies)."""
    crawls: dict[str, dict[str, dict]] = {}
    for line in (out / "warc" / "sites.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for moment in ("crawl_id", "recorded", "started", "finished"):
            record.pop(moment, None)
        record["columns"].sort(key=lambda column: column["url"])
        crawls.setdefault(json.loads(line)["crawl_id"], {})[record["site_key"]] = record
    return list(crawls.values())


def test_a_crawl_of_an_unchanged_farm_replays_its_pages_and_finds_the_same(crawls):
    out, (first, same, _) = crawls
    assert first.read >= 40, first.log[-3000:]
    assert first.stat("parse_memo/replayed") == 0
    assert same.read == first.read
    # A page the walk meets from another page than last time (which page comes first varies
    # with the answers' timing) is read again: its requests carry where they were found.
    assert same.stat("parse_memo/replayed") >= 0.9 * first.read
    assert same.asked == first.asked
    assert canonical(same.items) == canonical(first.items)
    first_figures, same_figures, _ = site_figures(out)
    assert same_figures == first_figures


def test_a_page_that_changed_is_read_again_and_its_change_followed(crawls):
    _, (first, same, changed) = crawls
    assert ("GET", UNLINKED) in first.asked and ("GET", UNLINKED) not in changed.asked
    assert not any(item.get("url") == UNLINKED for item in changed.items)
    assert changed.readings[ITS_LIST] != same.readings[ITS_LIST]  # read again, kept anew
    assert changed.read == first.read - 1
    # The dropped page's reading stays (the page may be linked again) as it was.
    assert changed.readings[UNLINKED] == first.readings[UNLINKED]


def test_requests_survive_the_memo_as_they_were_made():
    spider = ReportsSpider(sites=str(ROOT / "sites" / "provinces.csv"))
    request = scrapy.FormRequest(
        "http://www.hy.gov.cn/module/jpage/dataproxy.jsp?startrecord=16",
        formdata={"col": "1", "webid": "3", "columnid": "1229371234"},
        headers={"Referer": "http://www.hy.gov.cn/col/col1229371234/index.html"},
        callback=spider.parse,
        errback=spider.failed,
        meta={"site_key": "www.hy.gov.cn#4", "probe_seen": ["0a1b2c"], "list_page": 2},
        priority=30,
    )
    fields = json.loads(json.dumps(encode_request(request, spider)))
    again = decode_request(fields, spider)
    assert type(again) is scrapy.FormRequest
    for attribute in ("url", "method", "body", "meta", "priority", "dont_filter", "callback"):
        assert getattr(again, attribute) == getattr(request, attribute), attribute
    assert again.errback == spider.failed
    assert again.headers.to_unicode_dict() == request.headers.to_unicode_dict()


def test_any_change_to_the_crawler_code_makes_every_reading_stale(tmp_path):
    for package in ("crawler", "nianbao"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "rules.py").write_text("LIMIT = 10\n")
    before = code_fingerprint(tmp_path)
    assert code_fingerprint(tmp_path) == before
    (tmp_path / "nianbao" / "rules.py").write_text("LIMIT = 11\n")
    assert code_fingerprint(tmp_path) != before


def opened_memo(archive_dir: Path) -> ParseMemoMiddleware:
    settings = {
        "ARCHIVE_ENABLED": True,
        "RECRAWL_REPLAY_PARSES": True,
        "ARCHIVE_DIR": str(archive_dir),
    }
    middleware = ParseMemoMiddleware.from_crawler(get_crawler(ReportsSpider, settings))
    middleware.open(None)
    return middleware


def test_a_damaged_memo_is_set_aside_and_a_new_one_started(tmp_path, caplog):
    damaged = b"not a database" * 100
    (tmp_path / MEMO_NAME).write_bytes(damaged)
    middleware = opened_memo(tmp_path)
    assert "is damaged" in caplog.text
    [aside] = tmp_path.glob(f"{MEMO_NAME}.damaged-*")
    assert aside.read_bytes() == damaged
    middleware.memo.put("http://www.hy.gov.cn/", "k", ['{"item": {"type": "report"}}'], [])
    middleware.close(None)
    with sqlite3.connect(tmp_path / MEMO_NAME) as memo:
        assert memo.execute("SELECT page, key FROM readings").fetchall() == [
            ("http://www.hy.gov.cn/", "k")
        ]


def test_a_reading_is_kept_for_the_request_that_fetched_the_page(tmp_path):
    middleware = opened_memo(tmp_path)
    spider = SimpleNamespace(replay_context=lambda response: {"walk": {"site_key": "hy#1"}})
    url = "http://www.hy.gov.cn/module/jpage/dataproxy.jsp?startrecord=1&endrecord=45"

    def answer(form: bytes, referer: str = "http://www.hy.gov.cn/col/col1/index.html"):
        request = scrapy.Request(url, method="POST", body=form, headers={"Referer": referer})
        return TextResponse(url, body=b"<datastore></datastore>", encoding="utf-8", request=request)

    # The same answer to another form, or for another column, pages on differently (Hanweb).
    first = answer(b"col=1&columnid=1229371234")
    other_form = answer(b"col=1&columnid=1229371999")
    other_column = answer(b"col=1&columnid=1229371234", "http://www.hy.gov.cn/col/col2/index.html")
    keys = [middleware.reading_key(r, spider) for r in (first, other_form, other_column)]
    assert len(set(keys)) == 3
    assert middleware.reading_key(answer(b"col=1&columnid=1229371234"), spider) == keys[0]
    assert page_id(first) != page_id(other_form) and page_id(first).startswith("POST ")
    get = TextResponse(url, body=b"", request=scrapy.Request(url))
    assert page_id(get) == url


def test_a_kept_reading_that_cannot_be_replayed_is_read_again(tmp_path, caplog):
    middleware = opened_memo(tmp_path)
    middleware.crawler.spider = SimpleNamespace(replay_context=lambda response: {"walk": {}})
    url = "http://www.hy.gov.cn/col/col1/index.html"
    response = TextResponse(
        url, body=b"<html></html>", encoding="utf-8", request=scrapy.Request(url)
    )
    key = middleware.reading_key(response, middleware.crawler.spider)
    # Figures of another shape than ListingFigures (a file edited, or from elsewhere).
    middleware.memo.put(page_id(response), key, ['{"item": {"type": "report"}}'], [{"odd": 1}])

    async def read_afresh():
        yield {"type": "report", "url": url}

    async def outputs(page):
        return [out async for out in middleware.process_spider_output(page, read_afresh())]

    assert asyncio.run(outputs(response)) == [{"type": "report", "url": url}]
    assert "cannot be replayed" in caplog.text
    # Nor is a request rebuilt as a class the memo names, unless it is a Scrapy request's.
    with pytest.raises(NotReplayable):
        decode_request({"_class": "os.system", "url": url}, middleware.crawler.spider)


def test_pages_read_for_discovery_are_never_replayed(tmp_path):
    sites_csv = tmp_path / "sites.csv"
    sites_csv.write_text(
        "name,region_code,level,url\n江西省人民政府,360000,province,http://www.jiangxi.gov.cn/\n",
        encoding="utf-8",
    )
    project = Settings()
    project.setmodule("crawler.settings")
    discovery = {k: v for k, v in project.items() if k.startswith("DISCOVERY_")}
    crawler = get_crawler(ReportsSpider, discovery)
    spider = ReportsSpider.from_crawler(crawler, sites=str(sites_csv))
    site = next(iter(spider.sites_by_key.values()))
    response = scrapy.http.HtmlResponse(
        site.url,
        body=b"<html><body>home</body></html>",
        request=spider.request(site, site.url, kind="page", hops=0),
    )
    assert spider.found_sites.reading
    assert spider.replay_context(response) is None
