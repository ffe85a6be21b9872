"""Citations: GB/T 7714-2015, APA and BibTeX strings, and each report's citation page."""

from __future__ import annotations

import asyncio
import html
import re

import pytest

from publish import citations, originals
from publish.serve import build_datasette
from tests.test_publish_fixtures import build_published

SOURCE = citations.Source(
    report_id="abc123",
    agency="昌乐县卫生健康局",
    title="昌乐县卫生健康局2020年政府信息公开工作年度报告",
    year=2020,
    published="2021-01-22",
    captured_at="2024-05-01T08:30:00.123456Z",
    url="http://www.changle.gov.cn/art/2021/1/22/art_1_1.html",
    site_name="昌乐县人民政府",
    warc_filename="nianbao-20240501083000-00000.warc.gz",
    record_id="<urn:uuid:d1ba8a47-aaa3-496e-9e86-e64c02a54122>",
    payload_digest="sha1:H4MVT7KSGOJMI2H57VCS7GBEZPYS4S6Z",
    preserved_url="https://nianbao.example.org/-/original/d1ba8a47",
)


def test_gbt7714_electronic_resource_form():
    assert citations.gbt7714(SOURCE) == (
        "昌乐县卫生健康局. 昌乐县卫生健康局2020年政府信息公开工作年度报告[EB/OL]. (2021-01-22)[2024-05-01]. "
        "http://www.changle.gov.cn/art/2021/1/22/art_1_1.html. "
        "存档: https://nianbao.example.org/-/original/d1ba8a47."
    )


def test_gbt7714_without_publication_date_or_title():
    source = citations.Source(
        "x", "海原县卫生健康局", None, 2020, None, "2024-05-01T08:30:00Z", "http://h.gov.cn/a.doc"
    )
    assert citations.gbt7714(source) == (
        "海原县卫生健康局. 海原县卫生健康局2020年政府信息公开工作年度报告[EB/OL]. [2024-05-01]. http://h.gov.cn/a.doc."
    )


def test_apa_names_the_agency_date_translation_and_retrieval():
    assert citations.apa(SOURCE) == (
        "昌乐县卫生健康局. (2021, January 22). 昌乐县卫生健康局2020年政府信息公开工作年度报告 "
        "[Annual report on government information disclosure, 2020]. 昌乐县人民政府. "
        "Retrieved May 1, 2024, from http://www.changle.gov.cn/art/2021/1/22/art_1_1.html "
        "(archived copy: https://nianbao.example.org/-/original/d1ba8a47)"
    )
    undated = citations.Source("x", "某局", "某局报告", None, None, None, "http://x.gov.cn/")
    assert (
        citations.apa(undated)
        == "某局. (n.d.). 某局报告 [Annual report on government information disclosure]. http://x.gov.cn/"
    )


def test_bibtex_entry_fields_and_escaping():
    entry = citations.bibtex(SOURCE)
    assert entry.startswith("@misc{nianbao-abc123,\n")
    assert "  author = {{昌乐县卫生健康局}}," in entry
    assert "  date = {2021-01-22}," in entry and "  urldate = {2024-05-01}," in entry
    assert "  url = {http://www.changle.gov.cn/art/2021/1/22/art_1_1.html}," in entry
    assert "WARC record <urn:uuid:d1ba8a47-aaa3-496e-9e86-e64c02a54122>" in entry
    assert entry.count("{") == entry.count("}")
    tricky = citations.Source(
        "y", "A&B_{局}%", "50% 100$ #1 ~x^", 2021, "2022年1月5日", None, "http://x/{a} b"
    )
    entry = citations.bibtex(tricky)
    assert r"{{A\&B\_\{局\}\%}}" in entry
    assert r"{{50\% 100\$ \#1 \~{}x\^{}}}" in entry
    assert "url = {http://x/%7Ba%7D%20b}" in entry and "date = {2022-01-05}" in entry
    assert entry.count("{") - entry.count(r"\{") == entry.count("}") - entry.count(r"\}")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021-01-22", "2021-01-22"),
        ("2021年1月5日", "2021-01-05"),
        ("2021/1/5", "2021-01-05"),
        ("2021-02", "2021-02"),
        ("2021", "2021"),
        ("2021-02-30", None),
        ("", None),
        ("发布日期", None),
        ("2024-05-01T23:59:59Z", "2024-05-01"),
    ],
)
def test_dates(text, expected):
    assert citations.iso_date(text) == expected


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_published(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def datasette(published):
    return build_datasette(published.db_path, archive_dir=published.archive_dir)


def get(datasette, path):
    return asyncio.run(datasette.client.get(path, follow_redirects=True))


def textarea(page: str, name: str) -> str:
    return html.unescape(
        re.search(rf'<textarea id="cite-{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1)
    )


def test_citation_page_gives_capture_details_links_and_every_style(
    datasette, published, monkeypatch
):
    monkeypatch.setenv("NIANBAO_PUBLIC_URL", "https://nianbao.example.org/")
    capture = published.captures["anqiu2020"]
    uuid = originals.record_uuid(capture.record_id)
    response = get(datasette, "/-/cite/anqiu2020")
    assert response.status_code == 200
    page = response.text
    for detail in (
        capture.url,
        capture.digest,
        capture.filename,
        html.escape(capture.record_id),
        capture.date,
    ):
        assert detail in page
    assert f'href="/-/archived/{uuid}"' in page and f'href="/-/original/{uuid}"' in page
    preserved = f"https://nianbao.example.org/-/original/{uuid}"
    assert textarea(page, "gbt7714") == (
        f"安丘市卫生健康局. 安丘市卫生健康局2020年政府信息公开工作年度报告[EB/OL]. "
        f"(2021-01-28)[2024-05-01]. {capture.url}. 存档: {preserved}."
    )
    assert textarea(page, "apa").startswith("安丘市卫生健康局. (2021, January 28). ")
    assert textarea(page, "apa").endswith(f"(archived copy: {preserved})")
    bib = textarea(page, "bibtex")
    assert bib.startswith("@misc{nianbao-anqiu2020,") and preserved in bib
    assert "localhost" not in page  # never the host the request came to
    assert get(datasette, "/-/cite/anqiu2020.bib").text == bib + "\n"
    ris = get(datasette, "/-/cite/anqiu2020.ris").text
    assert ris == textarea(page, "ris") + "\n" and f"UR  - {preserved}" in ris
    assert ris.startswith("TY  - GOVDOC") and "DA  - 2021/01/28" in ris
    data = get(datasette, "/-/cite/anqiu2020.json").json()
    assert data["preserved_url"] == preserved and data["date"] == "2021-01-28"
    assert data["styles"]["gbt7714"] == textarea(page, "gbt7714")
    (csl,) = data["styles"]["csl_json"]
    assert csl["issued"] == {"date-parts": [[2021, 1, 28]]} and csl["archive_location"] == preserved
    assert page.count('class="nianbao-copy"') == 5


def test_without_a_public_url_the_citation_names_no_host(datasette, monkeypatch):
    monkeypatch.delenv("NIANBAO_PUBLIC_URL", raising=False)
    data = get(datasette, "/-/cite/anqiu2020.json").json()
    assert data["preserved_url"] is None
    assert "localhost" not in get(datasette, "/-/cite/anqiu2020").text


def test_titles_lose_file_extensions_and_every_style_has_the_same_date():
    source = citations.Source(
        "fb",
        "某县卫生健康局",
        "某县卫生健康局2021年政府信息公开工作年度报告.pdf",
        2021,
        None,
        "2024-05-01T08:30:00Z",
        "http://x.gov.cn/a.pdf",
    )
    assert source.display_title == "某县卫生健康局2021年政府信息公开工作年度报告"
    styles = citations.all_styles(source)
    assert ".pdf[EB/OL]" not in styles["gbt7714"] and "(n.d.)" in styles["apa"]
    assert "year" not in styles["bibtex"] and "PY  -" not in styles["ris"]
    assert '"issued"' not in styles["csl_json"]


def test_citation_page_of_unknown_report_is_404(datasette):
    assert get(datasette, "/-/cite/nope").status_code == 404


def test_every_report_row_links_to_its_page_citation_and_preserved_copy(datasette, published):
    page = get(datasette, "/nianbao/reports?_size=max").text
    for report_id, capture in published.captures.items():
        assert f'href="/-/cite/{report_id}"' in page and f'href="/-/report/{report_id}"' in page
        assert f'href="/-/archived/{originals.record_uuid(capture.record_id)}"' in page
    documents = get(datasette, "/nianbao/documents?_size=max").text
    for capture in published.captures.values():
        assert f'href="/-/archived/{originals.record_uuid(capture.record_id)}"' in documents
    row = get(datasette, "/nianbao/reports/changle2020").text
    assert 'href="/-/cite/changle2020"' in row and 'href="/-/report/changle2020"' in row
