"""The discovery registry: what becomes a site, what is refused, and how far it goes."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from crawler.discovery.found_sites import FoundSites, discovery_registry, saved_row, sites_csv
from crawler.sites import parse_site_row

PROVINCE_PAGE = """<html><body>
<div class="sxzf"><h3>设区市政府</h3><ul>
<li><a href="http://www.nc.gov.cn/">南昌市人民政府</a></li>
<li><a href="http://www.nc.gov.cn/index.html">南昌市</a></li>
<li><a href="http://www.jiujiang.example.com/">九江市人民政府</a></li>
<li><a href="http://www.ganzhou.gov.cn/">赣州市人民政府</a></li>
</ul></div>
<a href="/dfzf/">地方政府</a> <a href="http://www.hunan.gov.cn/">湖南省人民政府</a>
<a href="/news/1.html">南昌市召开全市经济工作会议</a>
</body></html>"""


def site(name, code, level, url, line=2):
    row = {"name": name, "region_code": code, "level": level, "url": url}
    return parse_site_row(row, line)


PROVINCE = site("江西省人民政府", "360000", "province", "http://www.jiangxi.gov.cn/")


def registry(**options) -> FoundSites:
    settings = Settings()
    settings.setmodule("crawler.settings")
    for name, value in options.items():
        settings.set(name, value)
    return discovery_registry(settings, [PROVINCE], [])


def test_a_province_page_yields_each_city_once_and_its_directory_page():
    found_sites = registry()
    found, directories = found_sites.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)
    assert [(f.site.name, f.site.region_code, f.site.level) for f in found] == [
        ("南昌市人民政府", "360100", "city"),
        ("赣州市人民政府", "360700", "city"),
    ]
    assert [link.url for link in directories] == ["http://www.jiangxi.gov.cn/dfzf/"]
    # the same portal twice is one site; a host outside gov.cn is not a site
    assert found_sites.refused == {"already found": 1, "not a government host": 1}
    # read again (a resumed or repeated page): nothing new
    assert found_sites.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)[0] == []
    csv_text = sites_csv(found_sites.discoveries["360000"])
    assert csv_text.splitlines()[1] == (
        "南昌市人民政府,360100,city,http://www.nc.gov.cn/,nc.gov.cn,obey,auto,,"
        "http://www.jiangxi.gov.cn/,南昌市人民政府"
    )


def test_documented_exceptions_may_become_sites():
    found_sites = registry(DISCOVERY_HOST_EXCEPTIONS=["jiujiang.example.com"])
    found, _ = found_sites.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)
    assert "九江市人民政府" in [f.site.name for f in found]


def test_the_site_budget_and_the_depth_bound_discovery():
    found_sites = registry(DISCOVERY_MAX_SITES=1)
    found, _ = found_sites.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)
    assert len(found) == 1 and found_sites.refused == {"site budget spent": 3}

    shallow = registry(DISCOVERY_MAX_DEPTH=1)
    [city, *_] = shallow.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)[0]
    county_menu = '<a href="http://www.ncx.gov.cn/">南昌县人民政府</a>'
    assert shallow.read_page(city.site, county_menu, city.site.url) == ([], [])

    deep = registry()
    [city, *_] = deep.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)[0]
    [county], _ = deep.read_page(city.site, county_menu, city.site.url)
    assert (county.site.region_code, county.depth) == ("360121", 2)


def test_department_columns_are_kept_to_their_path():
    found_sites = registry()
    [city, *_] = found_sites.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)[0]
    page = (
        '<ul><li><a href="/bm/wjw/index.html">卫生健康委员会</a></li>'
        '<li><a href="http://jyj.nc.gov.cn/">市教育局</a></li></ul>'
    )
    found, _ = found_sites.read_page(city.site, page, "http://www.nc.gov.cn/bm/")
    column, own = (f.site for f in found)
    assert (column.name, column.path_scope, column.domains) == (
        "南昌市卫生健康委员会",
        "/bm/wjw/",
        ("nc.gov.cn",),
    )
    assert (own.name, own.path_scope, own.domains) == ("南昌市教育局", "", ("jyj.nc.gov.cn",))
    assert column.key == "www.nc.gov.cn/bm/wjw/index.html" != city.site.key


def test_only_government_rows_of_province_or_city_level_start_a_discovery():
    settings = Settings()
    settings.setmodule("crawler.settings")
    health = site("聊城市卫生健康委员会", "371500", "city", "http://wjw.liaocheng.gov.cn/", 3)
    county = site("安丘市人民政府", "370784", "county", "http://www.anqiu.gov.cn/", 4)
    assert list(discovery_registry(settings, [PROVINCE, health, county], []).discoveries) == [
        "360000"
    ]
    chosen = discovery_registry(settings, [health], ["371500"])
    assert list(chosen.discoveries) == ["371500"]
    settings.set("DISCOVERY_ENABLED", False)
    assert discovery_registry(settings, [PROVINCE], []).discoveries == {}


def test_path_scope_is_a_sites_column():
    row = {"name": "x局", "region_code": "360121", "level": "county", "url": "http://a.gov.cn/"}
    assert parse_site_row({**row, "path_scope": "/bm/"}, 2).path_scope == "/bm/"
    with pytest.raises(ValueError, match="path_scope"):
        parse_site_row({**row, "path_scope": "bm/"}, 2)


def test_a_resumed_job_finds_its_sites_again_from_the_saved_rows():
    first = registry()
    found, _ = first.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)
    saved = [saved_row(f) for f in found]
    resumed = registry()
    restored = resumed.restore(saved)
    assert [f.site for f in restored] == [f.site for f in found]
    assert resumed.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)[0] == []  # already found
    county_menu = '<a href="http://www.ncx.gov.cn/">南昌县人民政府</a>'
    [county], _ = resumed.read_page(restored[0].site, county_menu, restored[0].site.url)
    assert county.site.name == "南昌县人民政府"


def test_regions_alone_start_from_the_bundled_provincial_portals(caplog):
    from crawler.spiders.reports import ReportsSpider

    spider = ReportsSpider(regions="360000,440000,999999")
    assert sorted(s.region_code for s in spider.sites_by_key.values()) == ["360000", "440000"]
    assert spider.regions == ["360000", "440000", "999999"]
    assert "region_code 999999" in caplog.text
    with pytest.raises(ValueError, match="sites"):
        ReportsSpider()


def test_another_process_takes_up_a_found_site_from_its_request(tmp_path):
    """Scaled out, a request of a site one process found may be fetched by another."""
    from scrapy.utils.test import get_crawler

    from crawler.discovered_sites import FoundSitesMiddleware
    from crawler.spiders.reports import ReportsSpider

    sites_csv = tmp_path / "sites.csv"
    sites_csv.write_text(
        "name,region_code,level,url\n江西省人民政府,360000,province,http://www.jiangxi.gov.cn/\n",
        encoding="utf-8",
    )

    def process():
        project = Settings()
        project.setmodule("crawler.settings")
        discovery = {k: v for k, v in project.items() if k.startswith("DISCOVERY_")}
        crawler = get_crawler(ReportsSpider, discovery)
        crawler.spider = ReportsSpider.from_crawler(crawler, sites=str(sites_csv))
        return crawler

    finder, other = process(), process()
    [city, *_] = finder.spider.found_sites.read_page(
        next(iter(finder.spider.sites_by_key.values())), PROVINCE_PAGE, PROVINCE.url
    )[0]
    request = finder.spider.request(city.site, city.site.url + "zwgk/", kind="page", hops=1)
    assert city.site.key not in other.spider.sites_by_key
    FoundSitesMiddleware.from_crawler(other).process_request(request)
    assert other.spider.sites_by_key[city.site.key] == city.site
    assert other.spider.found_sites.discoveries["360000"].found[0].site == city.site


def test_a_department_column_on_a_subdomain_is_a_column_not_the_whole_host():
    found_sites = registry()
    [city, *_] = found_sites.read_page(PROVINCE, PROVINCE_PAGE, PROVINCE.url)[0]
    page = '<a href="http://xxgk.nc.gov.cn/bm/sjj/index.html">南昌市审计局</a>'
    [column], _ = found_sites.read_page(city.site, page, "http://xxgk.nc.gov.cn/bm/")
    assert (column.site.path_scope, column.site.domains) == ("/bm/sjj/", ("nc.gov.cn",))
    # the rest of the disclosure platform stays the city's
    assert not found_sites.leaves(city.site, "http://xxgk.nc.gov.cn/zwgk/")
    assert found_sites.leaves(city.site, "http://xxgk.nc.gov.cn/bm/sjj/nb/")
