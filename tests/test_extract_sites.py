"""The ``sites`` table: per-site crawl figures read from ``sites.jsonl`` beside the WARCs."""

from __future__ import annotations

import json

import sqlite_utils

from extract.db import open_database
from extract.sites import import_sites
from publish.serve import METADATA_PATH

FIGURES = {
    "crawl_id": "c1",
    "site_key": "www.a.gov.cn#2",
    "pages": 12,
    "reports": 0,
    "attachments": 0,
    "errors": 1,
    "report_columns": 1,
    "disclosure_columns": 1,
    "list_pages": 1,
    "items_seen": 0,
    "pagers": ["generic"],
    "browser_pages": 1,
    "columns": [{"url": "http://www.a.gov.cn/nb/", "kind": "report", "list_pages": 1}],
    "browser": [{"url": "http://www.a.gov.cn/nb/", "reason": "a 年报 column with no report"}],
    "problems": ["a 年报 column was found but no report"],
}


def write_log(directory, *lines: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sites.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_one_row_per_site_and_crawl_bad_lines_skipped(tmp_path):
    good = {**FIGURES, "site_key": "www.b.gov.cn#3", "reports": 4, "problems": []}
    write_log(
        tmp_path / "warc",
        json.dumps(FIGURES, ensure_ascii=False),
        "not json",
        json.dumps({"site_key": "no crawl id"}),
        json.dumps(good),
        json.dumps({**good, "reports": 5}),  # the same site and crawl again: the later line wins
    )
    db = open_database(tmp_path / "n.db")
    assert import_sites(db, tmp_path / "warc") == 3
    rows = {row["site_key"]: row for row in db.table("sites").rows}
    assert set(rows) == {"www.a.gov.cn#2", "www.b.gov.cn#3"}
    assert rows["www.b.gov.cn#3"]["reports"] == 5 and rows["www.b.gov.cn#3"]["problem_count"] == 0
    assert rows["www.a.gov.cn#2"]["problem_count"] == 1
    assert json.loads(rows["www.a.gov.cn#2"]["browser"])[0]["reason"].startswith("a 年报 column")


def test_the_sites_with_problems_query_lists_only_those(tmp_path):
    write_log(
        tmp_path / "warc",
        json.dumps(FIGURES, ensure_ascii=False),
        json.dumps({**FIGURES, "site_key": "www.b.gov.cn#3", "problems": []}),
    )
    db = open_database(tmp_path / "n.db")
    import_sites(db, tmp_path / "warc")
    metadata = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
    sql = metadata["databases"]["nianbao"]["queries"]["sites_with_problems"]["sql"]
    rows = list(sqlite_utils.Database(tmp_path / "n.db").query(sql))
    assert [row["site_key"] for row in rows] == ["www.a.gov.cn#2"]
    assert "sites" in metadata["databases"]["nianbao"]["tables"]


def test_no_log_still_makes_the_table(tmp_path):
    db = open_database(tmp_path / "n.db")
    assert import_sites(db, tmp_path / "empty") == 0
    assert db.table("sites").exists()
