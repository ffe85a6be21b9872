"""canonical_url and trap_reason."""

import pytest

from crawler.discovery.traps import (
    MAX_PATH_DEPTH,
    MAX_QUERY_PARAMETERS,
    MAX_URL_LENGTH,
    canonical_url,
    trap_reason,
)


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "http://x.gov.cn/a.jsp;jsessionid=0A1B2C3D4E?id=2",
            "http://x.gov.cn/a.jsp?id=2",
        ),
        ("http://x.gov.cn/a.jsp;JSESSIONID=0A1B2C3D4E.node1", "http://x.gov.cn/a.jsp"),
        ("http://x.gov.cn/a.jsp?JSESSIONID=0A1B&id=2", "http://x.gov.cn/a.jsp?id=2"),
        ("http://x.gov.cn/a.php?PHPSESSID=abc&b=1", "http://x.gov.cn/a.php?b=1"),
        (
            "http://x.gov.cn/a.aspx?ASP.NET_SessionId=zz&id=1",
            "http://x.gov.cn/a.aspx?id=1",
        ),
        ("http://x.gov.cn/a?sessionid=1&x=2", "http://x.gov.cn/a?x=2"),
        ("http://x.gov.cn/a?sid=3f2a9c0d1e2b3c4d5e6f&x=2", "http://x.gov.cn/a?x=2"),
        (
            "http://x.gov.cn/a?utm_source=wx&utm_medium=share&x=2&spm=a.b.c",
            "http://x.gov.cn/a?x=2",
        ),
        ("http://x.gov.cn/a.html#page2", "http://x.gov.cn/a.html"),
        ("HTTP://X.GOV.CN/Col/Col9/Index.html", "http://x.gov.cn/Col/Col9/Index.html"),
        # order and encoding are left alone
        (
            "http://x.gov.cn/a.jsp?b=2&a=1&c=%E5%B9%B4",
            "http://x.gov.cn/a.jsp?b=2&a=1&c=%E5%B9%B4",
        ),
        ("http://x.gov.cn/a.jsp?b=2&a=1&b=3", "http://x.gov.cn/a.jsp?b=2&a=1&b=3"),
        # a short sid is a site id, not a session
        (
            "http://x.gov.cn/col.jsp?sid=3&page=2",
            "http://x.gov.cn/col.jsp?sid=3&page=2",
        ),
        ("http://x.gov.cn/a?", "http://x.gov.cn/a"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent():
    url = "http://x.gov.cn/a.jsp;jsessionid=1?utm_x=1&id=2#f"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("http://x.gov.cn/cal.jsp?date=2031-05-01", "2031"),
        ("http://x.gov.cn/list.jsp?year=1890", "1890"),
        ("http://x.gov.cn/calendar/2035/05/index.html", "2035"),
        ("http://x.gov.cn/rili/1999/", "1999"),
        ("http://x.gov.cn/art/2040/1/5/art_1_1.html", "2040"),
        ("http://x.gov.cn/list?riqi=20400101", "2040"),
        ("http://x.gov.cn/list?q=2099-12-31", "2099"),
        ("http://x.gov.cn/a/b/a/b/a/b/", "repeated"),
        ("http://x.gov.cn/xxgk/xxgk/xxgk/index.html", "repeated"),
        ("http://x.gov.cn/" + "a" * MAX_URL_LENGTH, "longer"),
        (
            "http://x.gov.cn/q?" + "&".join(f"k{i}=1" for i in range(MAX_QUERY_PARAMETERS + 1)),
            "parameters",
        ),
        (
            "http://x.gov.cn/" + "/".join(f"d{i}" for i in range(MAX_PATH_DEPTH + 1)),
            "deeper",
        ),
    ],
)
def test_traps(url, fragment):
    reason = trap_reason(url, current_year=2025)
    assert reason is not None and fragment in reason


@pytest.mark.parametrize(
    "url",
    [
        "http://x.gov.cn/art/2021/1/5/art_1890_1.html",
        "http://x.gov.cn/col/col1229214366/index.html",
        "http://x.gov.cn/channel/1890/index.html",
        "http://x.gov.cn/list.jsp?year=2026",
        "http://x.gov.cn/list.jsp?date=2008-01-01",
        "http://x.gov.cn/x.jsp?sendId=1890&timestamp=1700000000",
        "http://x.gov.cn/zwgk/zfxxgknb_70842/202101/t20210129_8848198.html",
        "http://x.gov.cn/a/b/a/b/",
        "http://x.gov.cn/q?" + "&".join(f"k{i}=1" for i in range(MAX_QUERY_PARAMETERS)),
        "http://x.gov.cn/" + "/".join(f"d{i}" for i in range(MAX_PATH_DEPTH)),
    ],
)
def test_not_traps(url):
    assert trap_reason(url, current_year=2025) is None


def test_current_year_defaults_to_today():
    assert trap_reason("http://x.gov.cn/list.jsp?year=2000") is None
    assert trap_reason("http://x.gov.cn/list.jsp?year=2999") is not None
