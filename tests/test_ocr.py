"""A report published as a scanned image, read by OCR end to end (WARC → SQLite).

One page only — OCR is slow on shared cores: the page of a generated report holding its
requests and appeals tables, printed, stamped with a red seal and scanned at 150 dpi with a
slight rotation, blur and noise (imitation/reportgen/render_scan.py). Accuracy over many
reports and both engines is measured in bench/extract_accuracy.py (--ocr).
"""

from __future__ import annotations

import io

import pytest

from archive.writer import WarcArchive
from extract.pipeline import extract_archive
from imitation.reportgen import generate_report
from imitation.reportgen.render_scan import render_scan_image
from tests.extract_archive import STARTED, exchange, html_page, meta, query

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


def test_a_scanned_page_among_text_pages_is_read_in_its_place():
    """A text PDF whose appeals table was printed, stamped and scanned back in as an image."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from extract.documents import read_document
    from imitation.reportgen.render_pdf import pdf_styles
    from imitation.reportgen.render_scan import scan_pages

    report = generate_report(0, version="2021")
    scan = scan_pages(report, seed=3)[TABLES_PAGE]
    table = scan.crop((0, 1150, scan.width, 1500))  # heading 四 and the appeals table, sealed
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    canvas.setFont(pdf_styles()["para"].fontName, 12)  # registers the CID font
    canvas.drawString(72, 760, "三、收到和处理政府信息公开申请情况")
    canvas.showPage()
    width = A4[0] - 40
    canvas.drawImage(ImageReader(table), 20, 500, width, width * table.height / table.width)
    canvas.showPage()
    canvas.setFont(pdf_styles()["para"].fontName, 12)  # each page starts in the default font
    canvas.drawString(72, 760, "五、存在的主要问题及改进情况")
    canvas.showPage()
    canvas.save()

    document = read_document(out.getvalue(), filename="report.pdf")
    lines = document.text.splitlines()
    assert lines[0] == "三、收到和处理政府信息公开申请情况"
    assert lines[-1] == "五、存在的主要问题及改进情况"
    assert "四、政府信息公开行政复议、行政诉讼情况" in lines
    # The appeals row: 15 cells of 0, one of them perhaps illegible under the seal's star.
    [row] = [line for line in lines if line.count("\t") == 14 and line.split("\t")[0] == "0"]
    assert set(row.split("\t")) <= {"0", ""} and row.split("\t").count("0") >= 14
    assert document.cell_slots[row] == (True,) * 15 and document.cell_confidence[row]
