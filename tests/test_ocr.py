"""A report published as a scanned image, read by OCR end to end (WARC → SQLite).

One page only — OCR is slow on shared cores: the page of a generated report holding its
requests and appeals tables, printed, stamped with a red seal and scanned at 150 dpi with a
slight rotation, blur and noise (imitation/reportgen/render_scan.py). Accuracy over many
reports and both engines is measured in bench/extract_accuracy.py (--ocr).
"""

from __future__ import annotations

import pytest

from archive.writer import WarcArchive
from extract.pipeline import extract_archive
from imitation.reportgen import generate_report
from imitation.reportgen.render_scan import render_scan_image
from tests.test_extract_pipeline import STARTED, exchange, html_page, meta, query

SITE = ("沂水县人民政府", "371323", "county", "www.yishui.gov.cn")
TABLES_PAGE = 1  # the second page: the requests table and the appeals table


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    report = generate_report(0, version="2021")
    root = tmp_path_factory.mktemp("ocr")
    page = f"http://{SITE[3]}/art/2022/report.html"
    image = f"http://{SITE[3]}/att/report.jpg"
    with WarcArchive(root / "warc", prefix="scan", started=STARTED) as archive:
        archive.write_exchange(
            exchange(page, html_page(report.title, "附件：年度报告（扫描件）")),
            meta(SITE, "report", via_text=report.title),
        )
        archive.write_exchange(
            exchange(
                image, render_scan_image(report, TABLES_PAGE, seed=3), content_type="image/jpeg"
            ),
            meta(SITE, "attachment", via=page, via_text=report.title, filename="report.jpg"),
        )
    extract_archive(root / "warc", root / "nianbao.db")
    return report, root / "nianbao.db", image


def test_the_scanned_tables_are_read_to_98_percent(scanned):
    report, db_path, image = scanned
    [row] = query(db_path, "select * from reports")
    assert (row["source_type"], row["source_url"]) == ("image", image)
    assert (row["agency"], row["year"], row["format_version"]) == (
        report.agency,
        report.year,
        "2021",
    )
    cells = {
        f"{c['tbl']}.{c['row']}.{c['col']}": c
        for c in query(db_path, "select * from cells where report_id = ?", [row["id"]])
    }
    on_page = [key for key in report.values if key.startswith(("requests.", "appeals."))]
    right = [key for key in on_page if cells[key]["value"] == report.values[key]]
    assert len(right) >= 0.98 * len(on_page), {
        key: (cells[key]["value"], report.values[key]) for key in set(on_page) - set(right)
    }


def test_every_cell_is_marked_as_read_by_ocr_with_its_confidence(scanned):
    _, db_path, _ = scanned
    cells = query(db_path, "select * from cells")
    assert cells and {cell["source"] for cell in cells} == {"ocr"}
    printed = [c for c in cells if c["tbl"] in ("requests", "appeals") and c["raw"]]
    assert printed and all(0 < c["confidence"] <= 1 for c in printed)
