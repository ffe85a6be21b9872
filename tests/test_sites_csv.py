"""The sites list: good rows load, malformed rows are reported by line and skipped."""

import pytest

from crawler.sites import SitesFileError, load_sites

HEADER = "name,region_code,level,url,allowed_domains,robots,render,note\n"


def write(tmp_path, text):
    path = tmp_path / "sites.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_load_with_their_domains(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "安丘市人民政府,370784,county,http://www.anqiu.gov.cn/,,,,\n"
        + "聊城市卫生健康委员会,371500,city,http://wjw.liaocheng.gov.cn/xxgk/,,ignore,always,x\n",
    )
    sites, errors = load_sites(path)
    assert errors == []
    anqiu, liaocheng = sites
    assert anqiu.domains == ("anqiu.gov.cn",) and anqiu.robots == "obey" and anqiu.render == "auto"
    assert liaocheng.domains == ("wjw.liaocheng.gov.cn",)
    assert (liaocheng.robots, liaocheng.render, liaocheng.extra) == (
        "ignore",
        "always",
        {"note": "x"},
    )
    assert anqiu.key != liaocheng.key


def test_allowed_domains_override(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "昌乐县人民政府,370725,county,http://www.changle.gov.cn/,changle.gov.cn wfcl.gov.cn,,,\n",
    )
    (site,), _ = load_sites(path)
    assert site.domains == ("changle.gov.cn", "wfcl.gov.cn")


@pytest.mark.parametrize(
    "row, message",
    [
        ("X,37078,county,http://www.x.gov.cn/", "region_code must be 6 digits"),
        ("X,370784,town,http://www.x.gov.cn/", "level must be one of"),
        ("X,370784,county,www.x.gov.cn", "url must be an absolute http(s) URL"),
        (",370784,county,http://www.x.gov.cn/", "name is empty"),
        ("X,370784,county,http://www.x.gov.cn/,,sometimes", "robots must be one of"),
        ("X,370784,county,http://www.x.gov.cn/,,,,,surplus", "more fields than the header"),
    ],
)
def test_malformed_row_is_reported_with_its_line_and_the_rest_still_load(tmp_path, row, message):
    path = write(
        tmp_path,
        HEADER
        + "安丘市人民政府,370784,county,http://www.anqiu.gov.cn/\n"
        + row
        + "\n"
        + "海原县人民政府,640522,county,http://www.hy.gov.cn/\n",
    )
    sites, errors = load_sites(path)
    assert [s.name for s in sites] == ["安丘市人民政府", "海原县人民政府"]
    assert len(errors) == 1 and errors[0].line == 3 and message in str(errors[0])
    assert str(errors[0]).startswith("line 3: ")


def test_header_without_required_columns_is_an_error_for_the_whole_file(tmp_path):
    with pytest.raises(SitesFileError, match="missing region_code"):
        load_sites(write(tmp_path, "name,level,url\nX,county,http://x.gov.cn/\n"))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SitesFileError, match="cannot read sites file"):
        load_sites(tmp_path / "nope.csv")


def test_sample_sites_file_is_valid():
    sites, errors = load_sites("sites/sample.csv")
    assert errors == [] and len(sites) >= 5
    assert {"www.anqiu.gov.cn", "wjw.liaocheng.gov.cn", "www.hy.gov.cn"} <= {
        s.url.split("/")[2] for s in sites
    }
    assert all("not verifiable offline" in s.extra["note"] for s in sites)
