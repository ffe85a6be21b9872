"""site_domains and in_domains."""

import pytest

from crawler.discovery.scope import in_domains, site_domains, url_host


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://www.anqiu.gov.cn/", ["anqiu.gov.cn"]),
        ("https://WWW.Anqiu.gov.cn:8443/xxgk/", ["anqiu.gov.cn"]),
        ("http://wjw.liaocheng.gov.cn/xxgk/", ["wjw.liaocheng.gov.cn"]),
        ("http://www.gov.cn/", ["www.gov.cn"]),
        ("http://www.example.com/", ["example.com"]),
        ("http://www.localhost/", ["www.localhost"]),
        ("http://127.0.0.1:8000/", ["127.0.0.1"]),
    ],
)
def test_site_domains_rule(url, expected):
    assert site_domains(url, None) == expected


def test_allowed_domains_win_and_are_normalised():
    allowed = [
        "AnQiu.gov.cn",
        ".xxgk.weifang.gov.cn",
        "anqiu.gov.cn",
        "http://wjw.liaocheng.gov.cn/",
    ]
    assert site_domains("http://www.anqiu.gov.cn/", allowed) == [
        "anqiu.gov.cn",
        "xxgk.weifang.gov.cn",
        "wjw.liaocheng.gov.cn",
    ]


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        site_domains("/relative/path", None)
    with pytest.raises(ValueError):
        site_domains("http://www.anqiu.gov.cn/", ["anqiu.gov.cn", " "])


@pytest.mark.parametrize(
    "url, domains, expected",
    [
        ("http://www.anqiu.gov.cn/a", ["anqiu.gov.cn"], True),
        ("http://anqiu.gov.cn/a", ["anqiu.gov.cn"], True),
        ("http://wjw.anqiu.gov.cn:8080/a", ["anqiu.gov.cn"], True),
        ("http://ANQIU.GOV.CN./a", ["anqiu.gov.cn"], True),
        ("http://xanqiu.gov.cn/a", ["anqiu.gov.cn"], False),
        ("http://anqiu.gov.cn.evil.com/a", ["anqiu.gov.cn"], False),
        ("http://www.weifang.gov.cn/", ["anqiu.gov.cn"], False),
        ("http://www.liaocheng.gov.cn/", ["wjw.liaocheng.gov.cn"], False),
        ("http://a.wjw.liaocheng.gov.cn/", ["wjw.liaocheng.gov.cn"], True),
        ("http://127.0.0.1:8000/x", ["127.0.0.1"], True),
        ("/relative", ["anqiu.gov.cn"], False),
        ("mailto:a@anqiu.gov.cn", ["anqiu.gov.cn"], False),
        ("http://www.anqiu.gov.cn/", [], False),
    ],
)
def test_in_domains(url, domains, expected):
    assert in_domains(url, domains) is expected


def test_url_host():
    assert url_host("http://[::1]:8000/") == "::1"
    assert url_host("not a url") is None
