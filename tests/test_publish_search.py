"""Chinese full-text search: trigram for 3+ characters, substring for shorter terms, and how it
compares with raw (unnormalised) text and with jieba segmentation."""

from __future__ import annotations

import asyncio
import re
import sqlite3

import pytest

from publish import search
from publish.serve import build_datasette
from publish.views import normalize_text
from tests.test_publish_fixtures import SHAPES, build_published, seed

# Terms a reader of these reports looks for; the last six are shorter than a trigram.
QUERIES = [
    "行政复议",
    "依申请公开",
    "行政诉讼",
    "不予公开",
    "主动公开",
    "政府信息公开申请",
    "信息公开指南",
    "政务公开",
    "公开目录",
    "政策解读",
    "保密审查",
    "国家秘密",
    "第三方合法权益",
    "过程性信息",
    "行政执法案卷",
    "信访举报投诉",
    "结转下年度",
    "卫生健康",
    "新冠肺炎",
    "疫情防控",
    "政府网站",
    "公开出版物",
    "予以公开",
    "部分公开",
    "本机关不掌握",
    "复议",
    "诉讼",
    "公开",
    "信访",
    "申请",
    "疫情",
]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_published(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def datasette(published):
    return build_datasette(published.db_path, archive_dir=published.archive_dir)


def get(datasette, path):
    return asyncio.run(datasette.client.get(path, follow_redirects=True))


def found(datasette, query: str) -> set[str]:
    page = get(datasette, f"/-/search?q={query}").text
    return set(re.findall(r'class="report-link" href="/nianbao/reports/([^"]+)"', page))


def containing(*terms: str) -> set[str]:
    """Ground truth: the fixture's reports whose text contains every term."""
    result = set()
    for report_id, prefix, *_ in SHAPES:
        text = normalize_text(seed(prefix)[0])
        if all(term in text for term in terms):
            result.add(report_id)
    return result


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_the_reports_containing_the_term(datasette, query):
    assert found(datasette, query) == containing(query)


def test_both_sample_phrases_are_found_in_every_report(datasette):
    everyone = {report_id for report_id, *_ in SHAPES}
    assert found(datasette, "行政复议") == found(datasette, "依申请公开") == everyone
    page = get(datasette, "/-/search?q=行政复议").text
    assert page.count('href="/-/original/') == page.count('href="/-/cite/') == len(everyone)


def test_terms_are_combined_with_and(datasette):
    assert found(datasette, "新冠肺炎 复议") == containing("新冠肺炎", "复议")
    assert found(datasette, "新冠肺炎 不存在的词语") == set()
    assert found(datasette, "") == set()


def test_table_search_box_uses_the_same_matching(datasette):
    for query in ("政府网站", "信访"):
        page = get(datasette, f"/nianbao/reports?_search={query}&_size=max").text
        shown = set(re.findall(r'<a href="/nianbao/reports/([^"]+)">', page))
        assert shown == containing(query), query
        assert f'value="{query}"' in page  # the search box shows the query
    assert 'name="_search"' in get(datasette, "/nianbao/reports").text


def test_snippets_highlight_the_term_and_escape_the_text():
    text = "前文<script>alert(1)</script>本机关收到行政复议申请2件，行政复议结果维持。"
    snippet = search.snippet(text, ["行政复议"], width=30)
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert snippet.count("<mark>行政复议</mark>") == 2
    assert search.snippet("abc", ["x"]) == "abc"


def test_match_clause_quotes_terms_and_routes_short_ones_to_substring_search():
    assert search.split_terms('行政"复议 复议') == ["行政", "复议"]  # quotes split, repeats dropped
    sql, params = search.match_clause('"公开出版物" Ab', rowid_column="r.rowid")
    assert params == {"nianbao_q0": '"公开出版物"', "nianbao_q1": "ab"}
    assert sql.startswith("+r.rowid in (select rowid from [reports_fts]")
    sql, params = search.match_clause("行政复议 信访")
    assert params == {"nianbao_q0": '"行政复议"', "nianbao_q1": "信访"}
    assert "match :nianbao_q0" in sql and "instr(lower(f.body), :nianbao_q1)" in sql
    assert search.match_clause("   ") == (None, {})


def _index(texts: dict[str, str], tokenizer: str) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create virtual table f using fts5(id unindexed, body, tokenize='{tokenizer}')")
    conn.executemany("insert into f values (?, ?)", texts.items())
    return conn


def _trigram_hits(conn, query) -> set[str]:
    if len(query) >= search.MIN_TRIGRAM:
        return {
            row[0]
            for row in conn.execute("select id from f where f match ?", [search.fts_phrase(query)])
        }
    return {row[0] for row in conn.execute("select id from f where instr(body, ?)", [query])}


def test_measure_normalised_trigram_against_raw_text():
    """Line wrapping inside words costs the raw index matches; the normalised one finds them all."""
    raw = {prefix: seed(prefix)[0] for prefix in ("000", "001", "002", "003", "004")}
    normal = {prefix: normalize_text(text) for prefix, text in raw.items()}
    raw_index, normal_index = _index(raw, "trigram"), _index(normal, "trigram")
    truth = {q: {p for p, text in normal.items() if q in text} for q in QUERIES}
    normal_hits = sum(len(_trigram_hits(normal_index, q) & truth[q]) for q in QUERIES)
    raw_hits = sum(len(_trigram_hits(raw_index, q) & truth[q]) for q in QUERIES)
    assert normal_hits == sum(map(len, truth.values()))
    assert raw_hits < normal_hits


def test_measure_trigram_against_jieba_segmentation():
    """The comparison behind choosing trigram (see publish/search.py); needs jieba."""
    jieba = pytest.importorskip("jieba")
    normal = {
        prefix: normalize_text(seed(prefix)[0]) for prefix in ("000", "001", "002", "003", "004")
    }
    segmented = _index(
        {p: " ".join(w for w in jieba.cut_for_search(t) if w.strip()) for p, t in normal.items()},
        "unicode61",
    )
    trigram = _index(normal, "trigram")
    truth = {q: {p for p, text in normal.items() if q in text} for q in QUERIES}
    jieba_hits = 0
    for query in QUERIES:
        phrase = '"' + " ".join(w for w in jieba.cut(query) if w.strip()) + '"'
        jieba_hits += len(
            {row[0] for row in segmented.execute("select id from f where f match ?", [phrase])}
            & truth[query]
        )
    trigram_hits = sum(len(_trigram_hits(trigram, q) & truth[q]) for q in QUERIES)
    assert trigram_hits == sum(map(len, truth.values())) > jieba_hits
