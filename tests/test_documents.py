"""Document readers: sniffing, errors, and the table contract for PDF, DOCX, DOC and WPS.

HTML has its own file (test_documents_html.py). DOC samples come from LibreOffice,
converted once per session.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from extract.documents import DocumentError, read_document, sniff_type
from extract.documents import doc as doc_reader
from extract.documents.pdf import page_text_lines, without_doubled_chars
from extract.documents.text import SpanGrid, grid_lines, join_wrapped, tidy_lines, usable_title
from tests import document_samples as samples


@pytest.fixture(scope="session")
def docx_bytes() -> bytes:
    return samples.report_docx()


@pytest.fixture(scope="session")
def doc_bytes(tmp_path_factory, docx_bytes) -> bytes:
    return samples.convert_to_doc(docx_bytes, tmp_path_factory.mktemp("doc"))


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    return samples.report_pdf()


# --- sniffing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["application/octet-stream", "text/html; charset=utf-8", None]
)
def test_sniff_pdf_by_magic_whatever_the_content_type_says(pdf_bytes, content_type):
    assert sniff_type(pdf_bytes, content_type, "download.jsp?id=3") == "pdf"


def test_sniff_office_files_by_their_insides(docx_bytes, doc_bytes):
    assert sniff_type(docx_bytes, "application/octet-stream", None) == "docx"
    assert sniff_type(doc_bytes, "application/octet-stream", None) == "doc"
    assert sniff_type(doc_bytes, "application/msword", "报告.wps") == "wps"
    assert sniff_type(docx_bytes, None, "http://x.gov.cn/files/%E6%8A%A5%E5%91%8A.wps") == "wps"


def test_sniff_other_zips_and_html():
    assert (
        sniff_type(_zip({"xl/workbook.xml": "<x/>"}), "application/octet-stream", "a.docx")
        == "xlsx"
    )
    assert sniff_type(_zip({"readme.txt": "hi"}), None, None) == "zip"
    assert (
        sniff_type(b"\xef\xbb\xbf\n  <!DOCTYPE html><html>", "application/pdf", "a.pdf") == "html"
    )
    assert sniff_type(b"<!-- cms --><meta charset=gbk><title>t</title>", None, None) == "html"


def test_sniff_falls_back_to_content_type_then_extension():
    assert sniff_type(b"plain words", "application/pdf", "a.doc") == "pdf"
    assert sniff_type(b"plain words", "application/octet-stream", "a.DOC") == "doc"
    assert sniff_type(b"plain words", None, None) is None


def test_sniff_images_and_rtf():
    assert sniff_type(samples.png_bytes(), "application/octet-stream", None) == "image"
    assert sniff_type(b"{\\rtf1\\ansi hello}", None, "x.doc") == "rtf"


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "kwargs", "reason"),
    [
        (b"", {}, "empty document"),
        (bytes(range(256)) * 4, {}, "unknown type"),
        (bytes(range(256)) * 4, {"filename": "report.pdf"}, "not a PDF"),
        (bytes(range(256)) * 4, {"content_type": "application/msword"}, "not a Word document"),
        (b"%PDF-1.4\n1 0 obj garbage endobj\n%%EOF\n", {}, "malformed PDF"),
    ],
)
def test_unreadable_payloads_raise_document_error_with_reason(payload, kwargs, reason):
    with pytest.raises(DocumentError) as raised:
        read_document(payload, **kwargs)
    assert raised.value.reason.startswith(reason)


def test_truncated_pdf_is_an_error(pdf_bytes):
    with pytest.raises(DocumentError, match="truncated PDF"):
        read_document(pdf_bytes[: len(pdf_bytes) // 2], content_type="application/pdf")


def test_encrypted_pdf_is_an_error():
    with pytest.raises(DocumentError) as raised:
        read_document(samples.encrypted_pdf())
    assert raised.value.reason.startswith("encrypted PDF")


def test_truncated_docx_is_an_error(docx_bytes):
    with pytest.raises(DocumentError) as raised:
        read_document(docx_bytes[:2000], filename="report.docx")
    assert raised.value.reason.startswith("not a readable DOCX")


def test_damaged_doc_reports_every_converter(doc_bytes):
    with pytest.raises(DocumentError) as raised:
        read_document(doc_bytes[:3000], filename="report.doc")
    failures = raised.value.reason.split("; ")
    assert [failure.split(" failed: ")[0] for failure in failures] == [
        "soffice",
        "catdoc",
        "antiword",
    ]
    with pytest.raises(DocumentError, match="damaged Office 97-2003"):
        read_document(doc_bytes[:3000])
    with pytest.raises(DocumentError, match="not a WPS document"):
        read_document(b"plain words, not a word processor file", filename="report.wps")


def test_unsupported_types_are_named():
    with pytest.raises(DocumentError, match=r"unreadable XLSX"):
        read_document(_zip({"xl/workbook.xml": "<x/>"}))  # read as a workbook, found broken
    with pytest.raises(DocumentError, match=r"unsupported type: zip"):
        read_document(_zip({"a.txt": "a"}), filename="附件.zip")


def test_image_too_small_for_a_page_is_recorded_as_needing_ocr():
    document = read_document(samples.png_bytes(), content_type="image/png")  # 8 × 8: no OCR
    assert (document.text, document.source_type, document.needs_ocr) == ("", "image", True)


# --- PDF --------------------------------------------------------------------------------


def test_pdf_table_and_surrounding_text(pdf_bytes):
    document = read_document(pdf_bytes, content_type="application/octet-stream")
    assert document.source_type == "pdf"
    assert document.text.splitlines() == [samples.TITLE] + samples.EXPECTED_LINES
    assert (document.title, document.pages, document.needs_ocr) == (samples.TITLE, 1, False)


def test_doubled_glyphs_are_dropped_as_pdfplumber_drops_them(pdf_bytes):
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[0]
        ours = [(c["text"], c["x0"], c["top"]) for c in without_doubled_chars(page).chars]
        theirs = [(c["text"], c["x0"], c["top"]) for c in page.dedupe_chars().chars]
        assert ours == theirs
        assert len(ours) < len(page.chars)  # the sample's title is fake bold


def test_pdf_title_falls_back_to_largest_type_and_pages_stay_in_order():
    document = read_document(
        samples.report_pdf(title=None, extra_pages=["五、其他需要报告的事项", "六、附表"])
    )
    assert document.title == samples.TITLE
    assert document.pages == 3
    assert document.text.splitlines()[-3:] == samples.AFTER + ["五、其他需要报告的事项", "六、附表"]


def test_scanned_pdf_needs_ocr():
    document = read_document(samples.scanned_pdf(pages=2), filename="scan.pdf")
    assert (document.text, document.needs_ocr, document.pages) == ("", True, 2)


def test_pdf_page_of_unmapped_glyphs_counts_as_a_scan():
    class Page:
        chars = [{"text": "(cid:1234)"}] * 3 + [{"text": "1"}]
        images = []

    assert page_text_lines(Page()) == ([], True)


# --- DOCX, DOC, WPS ---------------------------------------------------------------------


def test_docx_table_in_body_order(docx_bytes):
    document = read_document(docx_bytes, content_type="application/octet-stream")
    assert document.text.splitlines() == samples.EXPECTED_LINES
    # python-docx's template records one page in docProps/app.xml.
    assert (document.source_type, document.title, document.pages) == ("docx", samples.TITLE, 1)


def test_docx_title_falls_back_to_first_line():
    document = read_document(samples.report_docx(title=None), filename="a.docx")
    assert document.title == samples.BEFORE[0]


def test_docx_nested_table_is_flattened_and_grid_before_respected(docx_bytes):
    import docx

    document = docx.Document(io.BytesIO(docx_bytes))
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "附表"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for (row, col), text in {
        (0, 0): "项目",
        (0, 1): "数量",
        (1, 0): "收到申请",
        (1, 1): "7",
    }.items():
        inner.cell(row, col).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    lines = read_document(buffer.getvalue()).text.splitlines()
    assert lines[len(samples.EXPECTED_LINES) :] == ["附表", "项目\t数量", "收到申请\t7"]


def test_doc_reads_like_the_docx_it_came_from(doc_bytes):
    document = read_document(
        doc_bytes, content_type="application/octet-stream", filename="download"
    )
    assert document.source_type == "doc"
    assert document.text.splitlines() == samples.EXPECTED_LINES


def test_wps_is_read_as_the_word_file_inside(doc_bytes, docx_bytes):
    from_ole = read_document(doc_bytes, filename="年报.wps")
    from_zip = read_document(docx_bytes, content_type="application/kswps")
    assert from_ole.source_type == from_zip.source_type == "wps"
    assert from_ole.text.splitlines() == from_zip.text.splitlines() == samples.EXPECTED_LINES


def _without(monkeypatch, *tools):
    real_which = doc_reader.shutil.which
    monkeypatch.setattr(
        doc_reader.shutil, "which", lambda tool: None if tool in tools else real_which(tool)
    )


def test_rtf_published_as_doc_is_read_through_libreoffice():
    rtf = rb"{\rtf1\ansi{\fonttbl{\f0 SimSun;}}\f0 \u19968?\u12289?\u24635?\u20307?\u24773?\u20917?\par}"
    document = read_document(rtf, filename="report.doc", url="http://x.gov.cn/download?id=1")
    assert (document.text, document.source_type) == ("一、总体情况", "doc")


def test_doc_falls_back_to_catdoc_when_soffice_is_missing(doc_bytes, monkeypatch):
    _without(monkeypatch, "soffice", "libreoffice")
    lines = read_document(doc_bytes, filename="a.doc").text.splitlines()
    assert lines[:5] == samples.BEFORE + [
        "第二十条第（一）项",
        samples.TABLE_LINES[1],
        "规章\t0\t0\t3",
    ]
    # catdoc's known losses: the slot a column span covers, and a cell's paragraphs stay apart.
    assert lines[5:] == [
        "行政规范性",
        "文件\t2\t1\t15",
        "三、本年度办理结果\t予以公开\t5",
        "\t不予公开\t其他\t1",
        *samples.AFTER,
    ]


def test_doc_falls_back_to_antiword_last(doc_bytes, monkeypatch):
    _without(monkeypatch, "soffice", "libreoffice", "catdoc")
    lines = read_document(doc_bytes, filename="a.doc").text.splitlines()
    # antiword keeps column spans (bar positions) but splits a cell's paragraphs into rows.
    assert lines[:5] == samples.EXPECTED_LINES[:5]
    assert lines[5:7] == ["行政规范性\t2\t1\t15", "文件\t\t\t"]
    assert lines[7:] == samples.EXPECTED_LINES[6:]


def test_doc_without_any_converter_names_each_failure(doc_bytes, monkeypatch):
    monkeypatch.setattr(doc_reader.shutil, "which", lambda tool: None)
    with pytest.raises(DocumentError) as raised:
        read_document(doc_bytes, filename="a.doc")
    assert raised.value.reason == (
        "soffice failed: LibreOffice (soffice) is not installed; "
        "catdoc failed: catdoc is not installed; antiword failed: antiword is not installed"
    )


def test_antiword_bars_become_tabs_with_column_spans():
    output = "\n".join(
        [
            "一、总体情况",
            "",
            "|第二十条第（一）项                                |",
            "|信息内容    |本年制发件数|本年废止件数|现行有效件数|",
            "|三、结果    |予以公开                 |5           |",
            "|            |不予公开    |其他        |1           |",
            "",
            "四、其他",
        ]
    )
    assert doc_reader.antiword_to_text(output).splitlines() == [
        "一、总体情况",
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "三、结果\t予以公开\t\t5",
        "\t不予公开\t其他\t1",
        "四、其他",
    ]


def test_tool_timeout_kills_and_reports():
    with pytest.raises(DocumentError, match="sleep failed: timed out after 0.2s"):
        doc_reader.run_tool(["sleep", "5"], 0.2, "sleep")


# --- shared text helpers ----------------------------------------------------------------


def test_span_grid_places_cells_after_row_spans():
    grid = SpanGrid()
    grid.start_row()
    grid.add("a", rowspan=3)
    grid.add("b", colspan=2)
    grid.start_row()
    grid.add("c")
    grid.add("d")
    grid.start_row()
    grid.add("e", colspan=2)
    assert grid_lines(grid.rows()) == ["a\tb\t", "\tc\td", "\te\t"]


def test_join_wrapped_and_titles():
    assert join_wrapped(["行政规范性", "文件"]) == "行政规范性文件"
    assert join_wrapped(["Annual", "report 2021", "年度"]) == "Annual report 2021 年度"
    assert usable_title("Microsoft Word - 2021年年报.docx") == "2021年年报"
    assert usable_title("Word Document") is None
    # Kangxi radicals that PDF writers substitute for common ideographs.
    assert tidy_lines(["\u2f00\u2f47\u2f2f作", "  ", "\t0\t"]) == "一日工作\n\t0\t"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
