"""Report documents made from the seeds: each format carries the report's text back out."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile

import pytest
from lxml import html as lxml_html

from imitation import documents
from imitation.documents import FORMAT_PATH, SEEDS_DIR, seed_names, seed_report
from imitation.documents_tables import tables_html


def test_seed_report_variants_move_agency_and_year_but_not_document_numbers():
    native = seed_report("003")
    assert native.agency == "聊城市卫生健康委员会" and native.year == 2021
    assert "国办公开办函〔2021〕30 号" in native.text
    moved = seed_report("003", agency="安丘市人民政府", year=2023, place="安丘市")
    assert moved.title == "安丘市人民政府2023年政府信息公开工作年度报告"
    assert moved.text.splitlines()[2].startswith("安丘市人民政府 2023 年度政府信息公开工作报告")
    assert "国办公开办函〔2021〕30 号" in moved.text  # the template's document number stays
    assert "聊城" not in moved.text
    assert moved.published == "2024-01-28" and moved.cells == native.cells
    assert moved.key != native.key


def test_unknown_seed_is_refused():
    with pytest.raises(KeyError, match="unknown seed"):
        seed_report("999")


@pytest.mark.parametrize("seed", seed_names())
def test_pdf_text_comes_back_with_pdfplumber(seed):
    import pdfplumber

    report = seed_report(seed)
    data = documents.report_pdf(report)
    assert data == documents.report_pdf(report)  # deterministic bytes
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    compact = text.replace(" ", "").replace("\n", "")
    first_line = next(line for line in report.text.splitlines() if line.strip()).replace(" ", "")
    assert first_line in compact
    assert "本年新收政府信息公开申请数量" in compact


def test_docx_keeps_paragraphs_and_tab_rows_as_tables():
    import docx

    report = seed_report("004")
    document = docx.Document(io.BytesIO(documents.report_docx(report)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0].startswith("海原县卫生健康局")
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "本年新制作数量" in cells and "行政许可" in cells


def test_tables_html_is_a_rectangular_grid_with_the_gold_values():
    gold = json.loads(
        (SEEDS_DIR / "gold" / "001_ff0ada4805145011.json").read_text(encoding="utf-8")
    )
    tables = tables_html(gold["cells"], "2019", FORMAT_PATH)
    for name, markup in tables.items():
        assert len(set(_grid_widths(markup))) == 1, name
    active = lxml_html.fromstring(tables["active"])
    penalty = next(row for row in active.iter("tr") if row[0].text_content() == "行政处罚")
    assert [td.text_content() for td in penalty][1:] == ["605", "-73", "13"]
    assert _grid_widths(tables["requests"])[0] == 10 and _grid_widths(tables["appeals"])[0] == 15
    with pytest.raises(ValueError):
        tables_html(gold["cells"], "2020", FORMAT_PATH)


def test_2021_requests_table_splits_other_handling_into_three_rows():
    report = seed_report("002")
    requests = tables_html(report.cells, "2021", FORMAT_PATH)["requests"]
    assert "1.申请人无正当理由逾期不补正" in requests and 'rowspan="3">（六）其他处理' in requests
    assert len(set(_grid_widths(requests))) == 1


def test_html_with_tables_replaces_sections_two_to_four():
    markup = documents.report_html(seed_report("000"), tables=True)
    assert markup.count("<table") == 3
    assert "五、存在的主要问题及改进情况" in markup and "一、总体情况" in markup
    plain = documents.report_html(seed_report("000"))
    assert "<table" not in plain and plain.count("<p>") > 100


def _grid_widths(markup: str) -> list[int]:
    """Columns each row occupies, counting cells that reach down from rows above."""
    carried: dict[int, int] = {}  # column -> rows it still covers
    widths = []
    for row in lxml_html.fromstring(markup).iter("tr"):
        column, occupied = 0, set(carried)
        for td in row.iter("td"):
            while column in occupied:
                column += 1
            span, down = int(td.get("colspan", 1)), int(td.get("rowspan", 1))
            for offset in range(span):
                if down > 1:
                    carried[column + offset] = down
            column += span
        widths.append(max([column, *[c + 1 for c in occupied]]))
        carried = {c: n - 1 for c, n in carried.items() if n - 1 > 0}
    return widths


def test_xls_zip_and_jpg_files():
    report = seed_report("002")
    xls = documents.report_xls(report)
    assert xls.startswith(b"\xd0\xcf\x11\xe0") and "行政许可".encode("utf-16-le") in xls
    archive = zipfile.ZipFile(
        io.BytesIO(documents.report_zip({"a.pdf": b"%PDF-1.4", "报告.docx": b"PK"}))
    )
    assert archive.namelist() == ["a.pdf", "报告.docx"]
    from PIL import Image

    image = Image.open(io.BytesIO(documents.report_jpg(report)))
    assert image.format == "JPEG" and image.size == (1240, 1754)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_doc_conversion_is_cached_by_key(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_FARM_CACHE", str(tmp_path))
    report = seed_report("004")
    key = report.key + "-test"
    [doc] = documents.convert_with_soffice(
        {key: documents.report_docx(report)}, "docx", "doc"
    ).values()
    assert doc.startswith(b"\xd0\xcf\x11\xe0")
    if shutil.which("antiword"):
        (tmp_path / "copy.doc").write_bytes(doc)
        text = subprocess.run(
            ["antiword", str(tmp_path / "copy.doc")], capture_output=True, check=True
        ).stdout
        assert "海原县卫生健康局".encode() in text
    # A second call must come from the cache: without soffice on PATH it would fail.
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert documents.convert_with_soffice({key: b"ignored"}, "docx", "doc") == {key: doc}
    with pytest.raises(RuntimeError, match="LibreOffice"):
        documents.convert_with_soffice({"other": b"x"}, "docx", "doc")
