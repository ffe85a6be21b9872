"""Report forms beyond a server's text documents, end to end through WARC → SQLite: the DOM a
browser rendered for a page whose report only a script writes, and spreadsheet attachments."""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

import pytest

from archive.writer import WarcArchive
from extract.documents import read_document
from extract.documents.spreadsheet import read_spreadsheet
from extract.pipeline import extract_archive
from imitation.documents import SeedReport, report_xls
from imitation.reportgen import generate_report, render
from imitation.reportgen.text import SECTION_HEADINGS
from nianbao.format import col_keys
from tests.extract_archive import STARTED, exchange, meta, query

SITE = ("沂水县人民政府", "371323", "county", "www.yishui.gov.cn")
SCRIPT_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
    "<script src='/js/report.js'></script></head>"
    "<body><div id='zoom'></div><script>loadReport('zoom')</script></body></html>"
)


def test_a_script_written_report_is_read_from_its_rendered_dom(tmp_path):
    report = generate_report(4, version="2021")
    url = f"http://{SITE[3]}/art/2022/report.html"
    title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    with WarcArchive(tmp_path / "warc", prefix="dom", started=STARTED) as archive:
        response = archive.write_exchange(
            exchange(url, SCRIPT_PAGE.format(title=title).encode()), meta(SITE, "report")
        )
        archive.write_resource(
            url,
            render(report, "html_table"),
            "text/html; charset=utf-8",
            refers_to=response.response_id,
            record_type="conversion",
            fields={"WARC-Resource-Type": "rendered-dom"},
        )
    db_path = tmp_path / "nianbao.db"
    extract_archive(tmp_path / "warc", db_path)

    [row] = query(db_path, "select * from reports")
    assert row["source_type"] == "rendered-dom" and row["source_url"] == url
    assert row["warc_record_id"] != response.response_id  # cited: the conversion record
    cells = {
        f"{c['tbl']}.{c['row']}.{c['col']}": c["value"]
        for c in query(db_path, "select * from cells where report_id = ?", [row["id"]])
    }
    assert {k: (cells.get(k), v) for k, v in report.values.items() if cells.get(k) != v} == {}
    documents = {d["record_id"]: d for d in query(db_path, "select * from documents")}
    assert documents[response.response_id]["reason"] == "no report tables"


def _article_page(report) -> bytes:
    """The report's prose as an article, its tables left to an attached workbook."""
    paragraphs = [report.title, report.preamble]
    for number, heading in SECTION_HEADINGS.items():
        paragraphs.append(heading)
        paragraphs += report.sections.get(number, "").split("\n")
        if number in (2, 3, 4):
            paragraphs.append("（详见附件）")
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(report.title)}"
        f"</title></head><body><div id='zoom'>{body}</div></body></html>"
    ).encode()


def _workbook(report) -> bytes:
    """The three tables as an Excel 97 workbook, as the imitation sites serve them."""
    seed = SeedReport(
        seed="gen",
        agency=report.agency,
        year=report.year,
        format_version=report.version,
        text="",
        cells=report.values,
    )
    return report_xls(seed)


def test_a_workbook_attachment_and_its_article_are_one_report(tmp_path):
    report = generate_report(6, version="2021")
    page = f"http://{SITE[3]}/art/2022/report.html"
    attachment = f"http://{SITE[3]}/att/tables.xls"
    with WarcArchive(tmp_path / "warc", prefix="xls", started=STARTED) as archive:
        archive.write_exchange(
            exchange(page, _article_page(report)), meta(SITE, "report", via_text=report.title)
        )
        archive.write_exchange(
            exchange(attachment, _workbook(report), content_type="application/vnd.ms-excel"),
            meta(SITE, "attachment", via=page, via_text="附件：统计表", filename="tables.xls"),
        )
    db_path = tmp_path / "nianbao.db"
    extract_archive(tmp_path / "warc", db_path)

    [row] = query(db_path, "select * from reports")
    assert (row["source_type"], row["source_url"], row["page_url"]) == ("xls", attachment, page)
    assert (row["agency"], row["year"]) == (report.agency, report.year)
    # The prose comes from the article: the workbook holds only the tables.
    assert row["section_1"].splitlines() == report.sections[1].splitlines()
    cells = {
        f"{c['tbl']}.{c['row']}.{c['col']}": c["value"]
        for c in query(db_path, "select * from cells where report_id = ?", [row["id"]])
    }
    assert {k: (cells.get(k), v) for k, v in report.values.items() if cells.get(k) != v} == {}


def _issue_row_workbook() -> bytes:
    """An XLSX holding the requests table's header, a merged label and the issue's row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["三、收到和处理政府信息公开申请情况"])
    sheet.append(
        ["", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    )
    sheet.append(["一、本年新收政府信息公开申请数量", "", 272, 12, None, None, 1, 1, 286])
    sheet.merge_cells("A3:B3")
    sheet.append(["三、本年度办理结果", "（一）予以公开", 258, 12, None, None, 1, 1, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_reads_blank_cells_by_position_and_merged_labels():
    document = read_document(_issue_row_workbook(), filename="tables.xlsx")
    assert document.source_type == "xlsx"
    lines = document.text.splitlines()
    assert document.cell_slots[lines[2]][:3] == (True, False, True)  # A3:B3 merged
    from extract.parse.requests import read_requests
    from extract.parse.tokens import line_pieces, number_groups

    pieces = [
        piece
        for index, line in enumerate(lines[1:])
        for piece in line_pieces(line, line, index, document.cell_slots[line])
    ]
    cells = read_requests(number_groups(pieces), "2021", [])
    granted = [cells[("requests", "granted", col)].value for col in col_keys("requests", "2021")]
    assert granted == [258, 12, 0, 0, 1, 1, None]


@pytest.mark.skipif(
    not Path("/usr/lib/libreoffice/program/libsclo.so").exists(), reason="needs LibreOffice Calc"
)
def test_a_workbook_xlrd_cannot_read_is_converted_by_libreoffice():
    """An ET-named workbook xlrd refuses (here OOXML inside) goes through LibreOffice Calc."""
    document = read_spreadsheet(_issue_row_workbook(), "xls")
    assert document.text.splitlines()[0] == "三、收到和处理政府信息公开申请情况"
    assert (
        document.text.splitlines()[-1] == "三、本年度办理结果\t（一）予以公开\t258\t12\t\t\t1\t1\t"
    )
