"""The sites list: good rows load, malformed rows are reported by line and skipped."""

import os
import subprocess

import pytest

from crawler.sites import SitesFileError, load_sites
from imitation.server import GovFarmServer
from tests.crawling import ROOT, crawl_command

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
        # Characters no sites list means: one row refused, the next row not split off.
        ("安丘\x00市,370784,county,http://www.x.gov.cn/", "name has U+0000"),
        ("安丘\u2028市,370784,county,http://www.x.gov.cn/", "name has U+2028 (LINE SEPARATOR)"),
        ("安丘市,370784,county,http://www.x.gov.cn/,,,,a\u2029b", "note has U+2029"),
        ("\u202e市丘安,370784,county,http://www.x.gov.cn/", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("安丘市,370784,county,http://www.x\x0b.gov.cn/", "url has U+000B"),
        ("X,370784,county,http://www.x.gov.cn/," + "y" * 200_000, "not a CSV row: field larger"),
        # Hosts that are internal addresses, or spelt to look like something else.
        ("X,370784,county,http://169.254.169.254/", "'169.254.169.254' is a link-local address"),
        ("X,370784,county,http://[::1]:8080/", "'::1' is a loopback address"),
        ("X,370784,county,http://2130706433/", "spelt unusually; write 127.0.0.1"),
        ("X,370784,county,http://0x7f.1/", "'0x7f.1' is the IP address 127.0.0.1 spelt unusually"),
        ("X,370784,county,http://gov.cn@127.0.0.1/", "is a request to host '127.0.0.1'"),
        ("X,370784,county,http://gov.cn\\@127.0.0.1/", "must not contain a backslash"),
        ("X,370784,county,http://www.x.gov.cn/,10.0.0.1", "'10.0.0.1' is a private address"),
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


def test_a_gbk_file_names_each_row_it_cannot_read_and_loads_the_rest(tmp_path):
    path = tmp_path / "sites.csv"
    text = (
        HEADER
        + "安丘市人民政府,370784,county,http://www.anqiu.gov.cn/,,,,\n"
        + "Haiyuan,640522,county,http://www.hy.gov.cn/,,,,\n"
    )
    path.write_bytes(text.encode("gbk"))
    sites, errors = load_sites(path)
    assert [site.url for site in sites] == ["http://www.hy.gov.cn/"]
    [error] = errors
    assert str(error).startswith("line 2: name has bytes that are not UTF-8 (bytes b0 b2 c7 f0")
    assert "read as GBK it says '安丘市人民政府'" in str(error)
    assert str(error).endswith("save the file as UTF-8")


def test_an_unclosed_quote_is_named(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "安丘市人民政府,370784,county,http://www.anqiu.gov.cn/\n"
        + '"X,370784,county,http://www.x.gov.cn/\n'
        + "海原县人民政府,640522,county,http://www.hy.gov.cn/\n",
    )
    sites, [error] = load_sites(path)
    assert [s.name for s in sites] == ["安丘市人民政府"]
    assert error.line == 3 and "(an unclosed quote?)" in str(error)
    assert "(the row runs to line 4)" in str(error)


def test_a_binary_file_is_one_error_naming_the_file(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(SitesFileError, match=r"sites.csv, line 1: header must have the columns"):
        load_sites(path)


def test_internal_addresses_load_only_when_allowed(tmp_path):
    rows = (
        "X,370784,county,http://169.254.169.254/\n"
        "X,370784,county,http://[::1]:8080/\n"
        "X,370784,county,http://2130706433/\n"
        "X,370784,county,http://8.8.8.8/\n"
    )
    path = write(tmp_path, HEADER + rows)
    refused = load_sites(path)
    assert [s.url for s in refused[0]] == ["http://8.8.8.8/"]
    allowed = load_sites(path, allow_internal=True)
    assert [s.url for s in allowed[0]] == [
        "http://169.254.169.254/",
        "http://[::1]:8080/",
        "http://8.8.8.8/",
    ]
    # An address spelt to deceive is refused whatever the setting.
    assert [e.line for e in allowed[1]] == [4]


def run_crawl(tmp_path, sites_bytes: bytes):
    """``scrapy crawl reports`` on these sites-file bytes, through an empty farm's proxy."""
    sites = tmp_path / "sites.csv"
    sites.write_bytes(sites_bytes)
    env = {**os.environ, "no_proxy": ""}
    with GovFarmServer({}) as farm:
        env["http_proxy"] = farm.proxy_url
        done = subprocess.run(
            crawl_command(sites, tmp_path),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        asked = [sent.url for sent in farm.sent]
    return done, asked


def test_a_crawl_skips_unreadable_rows_with_one_line_each_and_crawls_the_rest(tmp_path):
    rows = (
        HEADER.encode()
        + "安丘市人民政府,370784,county,http://www.anqiu.gov.cn/\n".encode("gbk")
        + "安丘\x00市,370784,county,http://www.anqiu.gov.cn/\n".encode()
        + "海原县人民政府,640522,county,http://www.hy.gov.cn/\n".encode()
    )
    done, asked = run_crawl(tmp_path, rows)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    path = tmp_path / "sites.csv"
    assert f"Sites file {path}, line 2: name has bytes that are not UTF-8" in done.stderr
    assert f"Sites file {path}, line 3: name has U+0000" in done.stderr
    assert "http://www.hy.gov.cn/" in asked and not any("anqiu" in url for url in asked)


def test_a_crawl_of_a_binary_sites_file_ends_with_one_clear_line(tmp_path):
    done, asked = run_crawl(tmp_path, b"PK\x03\x04" + bytes(range(256)) * 8)
    assert "Traceback" not in done.stderr and "Task exception" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "line 1: header must have the columns" in errors[0]
    assert "'finish_reason': 'sites_file_unreadable'" in done.stderr
    assert asked == []
