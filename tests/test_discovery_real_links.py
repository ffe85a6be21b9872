"""Government links read from a real portal's link box (tests/pages/henan_links.html: the box
zyj.henan.gov.cn writes into its pages; its provenance is in the file's first lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.discovery.governments import match_link, page_links
from nianbao.regions import region_by_code

PAGE = Path(__file__).parent / "pages" / "henan_links.html"


@pytest.fixture(scope="module")
def links():
    return page_links(PAGE.read_text(encoding="utf-8"), "http://www.henan.gov.cn/")


def matches(links, start: str, portal: str, host: str):
    region = region_by_code(portal)
    return [
        (link, match_link(link, portal=region, start=start, portal_host=host)) for link in links
    ]


def test_every_city_and_county_in_the_box_is_its_division(links):
    found = matches(links, "410000", "410000", "www.henan.gov.cn")
    box = [(link, c) for link, c in found if link.box == "市县区政府"]
    assert len(box) == 175
    governments = [(link, c) for link, c in box if c is not None]
    # Not divisions: 济源示范区 (济源 is a city, the 示范区 its administration) and an airport zone.
    assert {link.text for link, c in box if c is None} == {"济源示范区", "郑州航空港经济综合实验区"}
    assert all(c.kind == "government" and c.region.name == link.text for link, c in governments)
    assert len({c.region.code for _, c in governments}) == 173
    by_text = {link.text: c for link, c in governments}
    assert by_text["郑州市"].region.level == "city"
    assert (by_text["管城回族区"].region.code, by_text["管城回族区"].region.level) == (
        "410104",
        "county",
    )
    assert by_text["中牟县"].name == "中牟县人民政府"


def test_central_bodies_other_provinces_courts_and_congresses_are_not_sites(links):
    found = matches(links, "410000", "410000", "www.henan.gov.cn")
    for link, candidate in found:
        if link.box in ("中央政府和国家部委", "各省区市政府", ""):
            assert candidate is None, link


def test_the_province_s_departments_are_its_own(links):
    found = matches(links, "410000", "410000", "www.henan.gov.cn")
    departments = {c.name: c for link, c in found if c and c.kind == "department"}
    assert departments["河南省教育厅"].url == "http://jyt.henan.gov.cn/"
    assert departments["河南省卫生健康委"].region.code == "410000"
    assert all(c.region.code == "410000" for c in departments.values())
    assert len(departments) == 39


def test_from_a_city_only_its_own_counties_are_kept(links):
    found = matches(links, "410100", "410100", "www.zhengzhou.gov.cn")
    kept = {c.region.code for _, c in found if c is not None and c.kind == "government"}
    assert len(kept) == 12
    assert all(region_by_code(code).parent_code == "410100" for code in kept)
    # 省教育厅 … in the 省政府部门 box are the province's, not 郑州's
    assert not [c for _, c in found if c is not None and c.kind == "department"]
