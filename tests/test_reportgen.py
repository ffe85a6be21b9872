"""The synthetic report generator: determinism, arithmetic, messiness, and every source type."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter

import docx
import pdfplumber
import pytest
from bs4 import BeautifulSoup

from imitation.reportgen import (
    ALL_MESSINESS,
    check_failures,
    corpus,
    generate_report,
    render,
    seed_documents,
    seed_paths,
    template_keys,
)
from imitation.reportgen.layout import report_tables
from imitation.reportgen.model import REQUEST_COLS
from imitation.reportgen.places import place_for_agency
from imitation.reportgen.render_doc import DocConversionUnavailable, docx_to_doc_many, soffice_path
from imitation.reportgen.render_html import flat_lines, tab_fields
from imitation.reportgen.seeds import SEED_FORMATS, seed_documents_many

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FULLWIDTH_DIGIT = re.compile("[０-９]")


def html_text(payload: bytes) -> str:
    """The article's text, one HTML paragraph per line.

    Pages declaring gb2312 are GBK, as browsers (and the WHATWG encoding standard) read them.
    """
    soup = BeautifulSoup(
        payload, "lxml", from_encoding="gbk" if b"charset=gb2312" in payload[:600] else None
    )
    return "\n".join(p.get_text() for p in soup.select(".TRS_Editor p"))


def requests_rows(report) -> dict[str, list[str]]:
    """Requests-table rows as printed, keyed by their row key ('new', 'granted', ...)."""
    rows = {}
    for part in report_tables(report)["requests"]:
        for fields, cells in zip(tab_fields(part), part.rows):
            keys = [c.key for c in cells if c.key]
            if keys:
                rows[keys[0].split(".")[1]] = fields
    return rows


# --- determinism and arithmetic -------------------------------------------------------------


def test_same_seed_same_report_and_bytes():
    flags = frozenset({"wrapped_labels", "page_break", "money_unit"})
    first = generate_report(11, version="2021", messiness=flags)
    again = generate_report(11, version="2021", messiness=flags)
    assert first == again
    for fmt in ("html_table", "html_flat", "html_tabs", "pdf", "docx"):
        assert render(first, fmt) == render(again, fmt), fmt
    assert generate_report(12, version="2021", messiness=flags).values != first.values


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_values_cover_the_template_and_pass_every_check(version):
    for seed in range(40):
        report = generate_report(seed, version=version)
        assert list(report.values) == template_keys(version)
        assert all(isinstance(v, (int, float)) for v in report.values.values())
        assert check_failures(report.values, version) == []
        assert report.failing_check is None and report.defects == []
        if version == "2021":
            for col in REQUEST_COLS:
                parts = [
                    report.values[f"requests.{r}.{col}"]
                    for r in ("other_overdue_correction", "other_overdue_fee", "other_other")
                ]
                assert report.values[f"requests.other.{col}"] == sum(parts)


def test_corpus_has_nonzero_requests_and_appeals():
    reports = [generate_report(seed) for seed in range(60)]
    assert sum(r.values["requests.new.total"] > 0 for r in reports) > 20
    assert sum(r.values["appeals.cases.review_total"] > 0 for r in reports) > 0


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_inconsistent_breaks_exactly_one_rule(version):
    for seed in range(25):
        report = generate_report(seed, version=version, messiness=frozenset({"inconsistent"}))
        failures = check_failures(report.values, version)
        assert failures, seed
        assert {f.split(":")[0] for f in failures} == {report.failing_check}
        assert report.defects and report.defects[0].startswith("inconsistent:")


def test_metadata_is_plausible():
    for seed in range(30):
        report = generate_report(seed, version="2019" if seed % 2 else "2021")
        place = place_for_agency(report.agency)
        assert place is not None and report.region_code == place.code
        assert re.fullmatch(r"\d{6}", report.region_code)
        assert report.agency.replace("\n", "") in report.closing
        assert str(report.year) in report.title
        if report.published:
            assert report.published > f"{report.year}-12-31"
        assert set(report.sections) == {1, 2, 3, 4, 5, 6}


def test_agency_and_year_can_be_given():
    report = generate_report(1, agency="昌乐县卫生健康局", year=2020, version="2019")
    got = (report.agency, report.year, report.region_code, report.level)
    assert got == ("昌乐县卫生健康局", 2020, "370725", "county")
    assert "昌乐县" in report.title or "卫健局" in report.title


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown messiness"):
        generate_report(1, messiness=frozenset({"smudged"}))
    with pytest.raises(ValueError, match="cannot be on together"):
        generate_report(1, messiness=frozenset({"dash_for_zero", "blank_for_zero"}))
    with pytest.raises(ValueError, match="only shows in the 2019"):
        generate_report(1, version="2021", messiness=frozenset({"signed_deltas"}))
    with pytest.raises(ValueError, match="unknown template version"):
        generate_report(1, version="2017")
    with pytest.raises(ValueError, match="unknown source type"):
        render(generate_report(1), "rtf")


def test_corpus_mixes_versions_and_flags():
    reports = corpus(60, seed=3)
    assert [r.values for r in reports] == [r.values for r in corpus(60, seed=3)]
    assert Counter(r.version for r in reports).keys() == {"2019", "2021"}
    seen = Counter(flag for r in reports for flag in r.messiness)
    assert len(seen) >= len(ALL_MESSINESS) - 2
    assert any(not r.messiness for r in reports)


# --- narrative ----------------------------------------------------------------------------


def stated_requests(report) -> int:
    match = re.search(r"共收到政府信息公开申请(\d+)件", report.sections[1])
    return int(match.group(1)) if match else 0


def test_section_one_states_the_table_figures():
    for seed in range(30):
        report = generate_report(seed)
        assert stated_requests(report) == report.values["requests.new.total"]
        assert "一、总体情况" not in report.sections[1]  # headings come from the layout
        assert "（二）依申请公开" in report.sections[1]


def test_contradiction_states_another_figure():
    for seed in range(15):
        report = generate_report(seed, messiness=frozenset({"contradiction"}))
        assert stated_requests(report) != report.values["requests.new.total"]
        assert any(d.startswith("contradiction:") for d in report.defects)


# --- messiness visible in the output ----------------------------------------------------------


def flagged(flag: str, seed: int = 5):
    version = "2019" if flag == "signed_deltas" else "2021"
    return (
        generate_report(seed, version=version),
        generate_report(seed, version=version, messiness=frozenset({flag})),
    )


def test_every_flag_has_a_visibility_test():
    tested = {
        name.removeprefix("test_flag_") for name in globals() if name.startswith("test_flag_")
    }
    assert tested == ALL_MESSINESS


def test_flag_wrapped_labels():
    clean, messy = flagged("wrapped_labels")
    assert any(
        line.startswith("三、本年度办理结果")
        for line in flat_lines(report_tables(clean)["requests"][0])
    )
    lines = flat_lines(report_tables(messy)["requests"][0])
    assert not any("三、本年度办理结果" in line for line in lines)
    assert "三、本年度办理结果" in "".join(lines)
    assert "<br/>" in render(messy, "html_table").decode(messy.style["charset"])


def test_flag_spaced_labels():
    clean, messy = flagged("spaced_labels")
    assert "本 年 新 收" in html_text(render(messy, "html_flat"))
    assert "本 年 新 收" not in html_text(render(clean, "html_flat"))


def test_flag_fullwidth_digits():
    clean, messy = flagged("fullwidth_digits")
    assert all(FULLWIDTH_DIGIT.fullmatch(v[-1]) for v in requests_rows(messy)["new"][-7:])
    assert not FULLWIDTH_DIGIT.search(html_text(render(clean, "html_tabs")))


def test_flag_dash_for_zero():
    clean, messy = flagged("dash_for_zero")
    rows = requests_rows(messy)
    for row, fields in requests_rows(clean).items():
        assert [("—" if f == "0" else f) for f in fields] == rows[row]
    assert "—" in rows["denied_state_secret"]


def test_flag_blank_for_zero():
    clean, messy = flagged("blank_for_zero")
    zeros = [k for k, v in messy.values.items() if v == 0 and k.startswith("requests.")]
    assert zeros
    rows = requests_rows(messy)
    assert rows["denied_state_secret"][-7:] == [
        "" if f == "0" else f for f in requests_rows(clean)["denied_state_secret"][-7:]
    ]
    # Flattened text loses blank cells, so html_flat cannot place those numbers.
    assert all(messy.acceptable(k, "html_flat") == [None, 0] for k in zeros)
    assert all(messy.acceptable(k, "html_table") == [0] for k in zeros)


def test_flag_signed_deltas():
    clean, messy = flagged("signed_deltas")
    positive = [k for k, v in messy.values.items() if k.endswith(".change") and v > 0]
    assert positive
    text = html_text(render(messy, "html_tabs"))
    assert all(f"+{messy.values[k]}" in text for k in positive)
    assert not re.search(r"\t\+\d", html_text(render(clean, "html_tabs")))


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_flag_money_yuan(version):
    report = generate_report(8, version=version, messiness=frozenset({"money_yuan"}))
    key = (
        "active.fees.amount_wan_yuan" if version == "2021" else "active.procurement.amount_wan_yuan"
    )
    printed = re.search(r"\t(\d+)元", html_text(render(report, "html_tabs"))).group(1)
    assert report.values[key] == pytest.approx(int(printed) / 10000)
    assert 0 < report.values[key] < 10


def test_flag_money_unit():
    clean, messy = flagged("money_unit")
    amount = messy.values["active.fees.amount_wan_yuan"]
    assert amount > 0
    assert re.search(r"[\d.]+ ?万元", html_text(render(messy, "html_flat")))
    assert not re.search(r"\d ?万元", html_text(render(clean, "html_flat")))


def test_flag_subtotal_column():
    clean, messy = flagged("subtotal_column")
    assert len(requests_rows(messy)["new"]) == len(requests_rows(clean)["new"]) + 1
    new = [int(v) for v in requests_rows(messy)["new"][-8:]]
    assert new[6] == sum(new[1:6]) and new[7] == new[0] + new[6]
    assert "小计" in html_text(render(messy, "html_tabs"))


def test_flag_subtotal_row():
    clean, messy = flagged("subtotal_row")
    line = next(
        line for line in flat_lines(report_tables(messy)["requests"][0]) if line.startswith("小计")
    )
    denied = [k for k in messy.values if k.startswith("requests.denied_") and k.endswith(".total")]
    assert line.split()[-1] == str(sum(messy.values[k] for k in denied))
    assert not any(
        line.startswith("小计") for line in flat_lines(report_tables(clean)["requests"][0])
    )


def test_flag_missing_cell():
    clean, messy = flagged("missing_cell")
    row = messy.style["missing"][0]
    numbers = [f for f in requests_rows(messy)[row] if f != ""]
    assert len(numbers) == len([f for f in requests_rows(clean)[row] if f != ""]) - 1
    keys = {f"requests.{row}.{c}" for c in REQUEST_COLS}
    assert keys <= messy.accept_null
    assert all(messy.values[k] is None and messy.hidden_values[k] is not None for k in keys)
    assert check_failures(messy.true_values(), messy.version) == []


def test_flag_page_break():
    clean, messy = flagged("page_break")
    text = html_text(render(messy, "html_flat"))
    assert (
        text.count("申请人情况") == 2
        and html_text(render(clean, "html_flat")).count("申请人情况") == 1
    )
    number = messy.style["page_number_format"].format(n=messy.style["page_number"])
    lines = text.split("\n")
    at = lines.index(number)
    assert "申请人情况" in lines[at + 1]
    with pdfplumber.open(io.BytesIO(render(messy, "pdf"))) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    assert sum("申请人情况" in page for page in pages) == 2


def test_flag_contradiction():
    clean, messy = flagged("contradiction")
    assert stated_requests(messy) != messy.values["requests.new.total"]
    assert stated_requests(clean) == clean.values["requests.new.total"]


def test_flag_inconsistent():
    clean, messy = flagged("inconsistent")
    assert check_failures(messy.values, messy.version) and not check_failures(
        clean.values, clean.version
    )


# --- every source type prints every value ---------------------------------------------------

ALL_FLAGS_2021 = ALL_MESSINESS - {"signed_deltas", "blank_for_zero", "money_unit"}


@pytest.mark.parametrize("flags", [frozenset(), ALL_FLAGS_2021], ids=["clean", "messy"])
def test_html_table_prints_every_cell_with_its_spans(flags):
    report = generate_report(21, version="2021", messiness=flags)
    soup = BeautifulSoup(render(report, "html_table"), "lxml")
    tables = soup.select(".TRS_Editor table")
    expected = [
        t for name in ("active", "requests", "appeals") for t in report_tables(report)[name]
    ]
    assert len(tables) == len(expected)
    for html_table, table in zip(tables, expected):
        got = [
            [
                (
                    td.get_text("\n").replace("\xa0", "").strip(),
                    int(td.get("rowspan", 1)),
                    int(td.get("colspan", 1)),
                )
                for td in tr.find_all("td")
            ]
            for tr in html_table.find_all("tr")
        ]
        assert got == [[(c.text, c.rowspan, c.colspan) for c in row] for row in table.rows]


@pytest.mark.parametrize("fmt", ["html_flat", "html_tabs"])
def test_flattened_html_prints_every_row(fmt):
    report = generate_report(
        22, version="2019", messiness=frozenset({"signed_deltas", "money_yuan"})
    )
    text = html_text(render(report, fmt))
    for fields in requests_rows(report).values():
        numbers = [f for f in fields if f and re.fullmatch(r"[\d+\-—.元万 ]+", f)]
        joined = ("\t" if fmt == "html_tabs" else " ").join(numbers)
        assert joined in text


def test_pdf_opens_and_prints_every_requests_row():
    report = generate_report(
        23, version="2021", messiness=frozenset({"subtotal_column", "wrapped_labels"})
    )
    with pdfplumber.open(io.BytesIO(render(report, "pdf"))) as pdf:
        assert len(pdf.pages) >= 2
        text = "\n".join(page.extract_text() for page in pdf.pages)
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    for fields in requests_rows(report).values():
        assert " ".join(f for f in fields[-8:]) in text
    assert len(tables) >= 3
    assert report.agency in text


def test_docx_has_merged_cells_holding_every_value():
    report = generate_report(24, version="2021", messiness=frozenset({"page_break"}))
    document = docx.Document(io.BytesIO(render(report, "docx")))
    tables = [t for name in ("active", "requests", "appeals") for t in report_tables(report)[name]]
    assert len(document.tables) == len(tables)
    for word_table, table in zip(document.tables, tables):
        xml = word_table._tbl.xml
        assert "w:gridSpan" in xml
        values = [c.text for row in table.rows for c in row if c.role == "value"]
        cells = [cell.text for row in word_table.rows for cell in row.cells]
        assert Counter(values) <= Counter(cells)
    assert "w:vMerge" in document.tables[1]._tbl.xml
    assert document.core_properties.author == report.agency


def test_gbk_pages_declare_their_charset():
    report = next(r for r in (generate_report(s) for s in range(40)) if r.style["charset"] == "gbk")
    payload = render(report, "html_table")
    assert b"charset=gb2312" in payload
    assert report.agency in payload.decode("gbk")


# --- DOC (LibreOffice) and the seeds ----------------------------------------------------------


def test_doc_files_and_seed_documents():
    """One test, so that under pytest-xdist one worker makes all DOCs in one soffice run; the
    later calls are served from the on-disk cache."""
    try:
        soffice_path()
    except DocConversionUnavailable as error:
        pytest.skip(str(error))
    report = generate_report(25, version="2019", messiness=frozenset({"subtotal_row"}))
    seeds = seed_paths()
    assert len(seeds) == 5
    without_doc = seed_documents_many(seeds, formats=("html", "pdf", "docx"))
    doc = docx_to_doc_many([render(report, "docx")] + [d["docx"] for d in without_doc])[0]

    assert doc.startswith(OLE_MAGIC)
    assert render(report, "doc") == doc
    text = doc_text(doc)
    assert report.title.split("\n")[-1] in text
    assert "四、政府信息公开行政复议、行政诉讼情况" in text
    assert (
        "其他对外管理服务事项\t{}".format(report.values["active.other_services.previous"]) in text
    )

    for path in seeds:
        lines = [
            line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        documents = seed_documents(path)
        assert tuple(documents) == SEED_FORMATS
        assert html_text_plain(documents["html"]).count("\n") + 1 == len(lines)
        with pdfplumber.open(io.BytesIO(documents["pdf"])) as pdf:
            pdf_text = "".join(page.extract_text() for page in pdf.pages)
        new_row = next(line for line in lines if "本年新收政府信息公开申请数量" in line)
        assert " ".join(new_row.split()) in pdf_text.replace("\n", " ")
        paragraphs = [p.text for p in docx.Document(io.BytesIO(documents["docx"])).paragraphs]
        assert [p.strip() for p in paragraphs] == lines
        assert documents["doc"].startswith(OLE_MAGIC)


def doc_text(payload: bytes) -> str:
    """The DOC's text by catdoc (fast; it keeps paragraphs, though merged table rows garble)."""
    if not shutil.which("catdoc"):
        pytest.skip("catdoc is not installed to read a DOC back")
    result = subprocess.run(
        ["catdoc", "-d", "utf-8"], input=payload, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8", "replace")


def html_text_plain(payload: bytes) -> str:
    return "\n".join(p.get_text().strip() for p in BeautifulSoup(payload, "lxml").find_all("p"))
