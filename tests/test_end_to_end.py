"""The whole job: crawl the imitation sites, extract the archive, compare with the seeds' gold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from imitation.seeds import GOLD_DIR as GOLD
from tests.crawling import ROOT


@pytest.fixture(scope="module")
def extracted(farm_crawl):
    db_path = farm_crawl.out / "nianbao.db"
    result = subprocess.run(
        [sys.executable, "-m", "extract", str(farm_crawl.out / "warc"), "--db", str(db_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return farm_crawl.farm, sqlite_utils.Database(db_path), result.stdout


def gold(seed: str) -> dict:
    return json.loads((GOLD / Path(seed).with_suffix(".json").name).read_text(encoding="utf-8"))


def readable(report) -> bool:
    # A report published only as a scanned image cannot be read without OCR.
    return not (report.content == "attachment" and {a.kind for a in report.attachments} == {"jpg"})


def test_every_readable_report_is_extracted_with_its_gold_values(extracted):
    farm, db, _ = extracted
    for expected in filter(readable, farm.expected.reports):
        rows = list(db.query("select * from reports where page_url = ?", [expected.url]))
        assert len(rows) == 1, expected.url
        report = rows[0]
        assert (report["agency"], report["year"], report["format_version"]) == (
            expected.agency,
            expected.year,
            expected.format_version,
        ), expected.url
        answer = gold(expected.seed)
        cells = {
            f"{c['tbl']}.{c['row']}.{c['col']}": c["value"]
            for c in db.query(
                "select tbl, row, col, value from cells where report_id = ?", [report["id"]]
            )
        }
        wrong = {
            key: (value, cells.get(key))
            for key, value in answer["cells"].items()
            if cells.get(key) != value
            and not (key in answer.get("accept_null", []) and cells.get(key) is None)
        }
        assert not wrong, (expected.url, report["source_type"], wrong)


def test_report_behind_a_scan_is_read_by_ocr_and_marked(extracted):
    farm, db, _ = extracted
    scanned = [a.url for r in farm.expected.reports if not readable(r) for a in r.attachments]
    assert scanned
    for url in scanned:
        [document] = db.query("select * from documents where url = ?", [url])
        assert document["source_type"] == "image"
        # The farm's scan is the report's first page only: a report, or no tables on it.
        assert document["is_report"] or document["reason"] == "no report tables", document
        sources = {
            c["source"]
            for c in db.query(
                "select c.source from cells c join reports r on r.id = c.report_id "
                "where r.source_url = ?",
                [url],
            )
        }
        assert sources <= {"ocr"}


def test_lookalikes_never_become_reports(extracted):
    farm, db, _ = extracted
    urls = {row["page_url"] for row in db.query("select page_url from reports")}
    assert not urls & {decoy.url for decoy in farm.expected.decoys}


def test_every_report_points_at_its_preserved_source(extracted):
    farm, db, _ = extracted
    archive = {
        row["filename"]: row["archive_dir"] for row in db.query("select * from processed_warcs")
    }
    for report in db.query("select * from reports"):
        assert report["warc_filename"] in archive and report["payload_digest"].startswith("sha1:")
        source = list(
            db.query(
                "select role, url from documents where record_id = ?", [report["warc_record_id"]]
            )
        )
        assert source == [{"role": "source", "url": report["source_url"]}]


def test_a_second_run_adds_nothing(extracted, farm_crawl):
    _, db, _ = extracted
    before = {table: db.table(table).count for table in ("reports", "cells", "checks", "documents")}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "extract",
            str(farm_crawl.out / "warc"),
            "--db",
            str(db.conn.execute("pragma database_list").fetchone()[2]),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert {table: db.table(table).count for table in before} == before


def test_summary_names_what_was_extracted(extracted):
    _, _, stdout = extracted
    assert "Reports extracted:" in stdout and "flipbook 1" in stdout and "zip 1" in stdout
