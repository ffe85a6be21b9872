"""From the province's row alone, a crawl finds every government and department under it
(imitation/governments.py), archives each one's reports under the right site, never touches the
neighbouring province, and leaves a sites list to review and a discovered_sites table."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from archive.reader import iter_captures
from crawler.sites import load_sites
from extract.pipeline import extract_archive
from imitation.governments import build_government_farm
from tests.crawling import ROOT, crawl_served


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    out = tmp_path_factory.mktemp("discovery")
    farm = build_government_farm()
    items, sent, _ = crawl_served(farm.hosts, farm.start_csv(), out)
    captures = {}
    for path in sorted((out / "warc").glob("*.warc.gz")):
        for capture in iter_captures(path, with_payload=False):
            captures[capture.response.target_uri] = capture.metadata
    return farm, out, sent, captures, items


def test_every_government_and_department_under_the_province_is_found(crawl):
    farm, out, _, _, _ = crawl
    path = out / "warc" / "discovered-360000.csv"
    sites, errors = load_sites(path)  # the list is a sites file, ready to reuse
    assert errors == []
    found = {site.name: site.region_code for site in sites}
    assert found == {**farm.governments, **farm.departments}
    levels = {site.name: site.level for site in sites}
    assert levels["九江市人民政府"] == "city" and levels["大余县人民政府"] == "county"
    assert levels["南昌县卫生健康局"] == "county"
    rows = path.read_text(encoding="utf-8").splitlines()
    assert rows[0].endswith(",found_on,link_text")
    by_name = {site.name: site for site in sites}
    # The three ways the province links its cities, and a department column on its county's host.
    assert by_name["南昌市人民政府"].extra["found_on"] == "http://www.jiangxi.gov.cn/"
    assert by_name["赣州市人民政府"].extra == {
        "found_on": "http://www.jiangxi.gov.cn/dfzf/index.html",
        "link_text": "赣州",
    }
    column = by_name["南昌县卫生健康局"]
    assert column.url == "http://www.ncx.gov.cn/zwgk/bm/wjj/index.html"
    assert column.path_scope == "/zwgk/bm/wjj/"


def test_every_report_is_archived_under_its_own_site(crawl):
    farm, _, _, captures, items = crawl
    reported = {item["url"] for item in items if item["type"] == "report"}
    for expected in farm.reports:
        assert expected.url in reported, expected
        metadata = captures[expected.url]
        assert metadata["site-name"] == expected.site_name, expected
        assert metadata["site-region-code"] == expected.region_code, expected
        assert metadata["site-level"] == expected.level, expected


def test_nothing_outside_the_province_is_fetched(crawl):
    farm, _, sent, captures, items = crawl
    hosts = {s.url.split("/")[2] for s in sent}
    assert not hosts & set(farm.outside_hosts)
    assert all(not url.startswith("http://www.hunan.gov.cn") for url in captures)
    assert all("湖南" not in item.get("title", "") for item in items)


def test_the_extractor_lists_found_portals_and_divisions_without_one(crawl, tmp_path):
    farm, out, _, _, _ = crawl
    db_path = tmp_path / "nianbao.db"
    extract_archive(out / "warc", db_path)
    extract_archive(out / "warc", db_path)  # a second run adds nothing
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select * from discovered_sites"))
    found = {r["name"]: r["region_code"] for r in rows if r["status"] == "found"}
    assert found == {**farm.governments, **farm.departments}
    [start] = [r for r in rows if r["status"] == "start"]
    assert (start["region_code"], start["name"]) == ("360000", "江西省人民政府")
    missing = {r["region_code"] for r in rows if r["status"] == "no portal found"}
    assert "360200" in missing  # 景德镇市: the province links no portal of it
    assert "360102" in missing  # 东湖区, under 南昌市, whose portal lists only two counties
    assert not missing & set(farm.governments.values())
    assert all(r["start_region_code"] == "360000" for r in rows)
    sites = {r["site_name"] for r in db.query("select site_name from reports")}
    assert sites == {"江西省人民政府", *farm.governments, *farm.departments}


def test_the_bundled_provinces_are_31_discovery_starts():
    from crawler.discovery.governments import is_government_name
    from nianbao.regions import region_by_code

    sites, errors = load_sites(Path(ROOT) / "sites" / "provinces.csv")
    assert errors == [] and len(sites) == 31
    assert len({site.region_code for site in sites}) == 31
    for site in sites:
        region = region_by_code(site.region_code)
        assert region.level == "province" == site.level
        assert site.name.startswith(region.name) and is_government_name(site.name)
        assert site.domains[0].endswith(".gov.cn")
        assert site.extra["verified"] == "no"
