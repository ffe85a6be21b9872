"""HTML tables read by position: an empty <td> among counts is 0, an empty total is NULL.

The real-world row this is about (issue 13), from a report whose requests table leaves zeros
blank and its 总计 column blank on the outcome rows:

    （一）予以公开 | 258 | 12 | &nbsp; | &nbsp; | 1 | 1 | &nbsp;
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from extract.documents import read_document
from extract.documents.encoding import decode_html
from extract.parse import parse_report
from imitation.reportgen import generate_report, render
from nianbao.format import col_keys, key_str

COUNT_COLS = col_keys("requests", "2021")[:-1]
ISSUE_ROW = dict(zip(COUNT_COLS, (258, 12, 0, 0, 1, 1)))
# Rows whose 总计 cell the page leaves empty, as the real report does on its outcome rows.
BLANK_TOTAL_ROWS = {
    "granted": "予以公开",
    "partial": "部分公开",
    "denied_state_secret": "国家秘密",
    "unavailable_not_held": "不掌握",
    "total": "总计",
}


def _page_with_blank_totals(seed: int, drop_last_td: str | None = None):
    """A generated 2021 report as an HTML table page, zeros left blank, the granted row set to
    the issue's row, and the total cell of BLANK_TOTAL_ROWS emptied (``&nbsp;``).

    ``drop_last_td`` names a row label whose last ``<td>`` is removed instead (a short row).
    Returns the page's bytes and the values a careful reader sees.
    """
    report = generate_report(seed, version="2021", messiness={"blank_for_zero"})
    for col, value in ISSUE_ROW.items():
        report.values[f"requests.granted.{col}"] = value
    report.values["requests.granted.total"] = sum(ISSUE_ROW.values())
    html, _ = decode_html(render(report, "html_table"), "text/html")
    soup = BeautifulSoup(html, "html.parser")
    expected = dict(report.values)
    for tr in soup.find_all("tr"):
        tds = tr.find_all("td")
        label = "".join(td.get_text() for td in tds[:-7])
        if drop_last_td and drop_last_td in label:
            tds[-1].decompose()
            continue
        for row, words in BLANK_TOTAL_ROWS.items():
            if words in label and len(tds) >= 8:
                tds[-1].string = "\xa0"
                counts = [expected[f"requests.{row}.{col}"] for col in COUNT_COLS]
                expected[f"requests.{row}.total"] = None if any(counts) else 0
    return str(soup).encode("utf-8"), expected


def _parse(page: bytes, *, positions: bool = True):
    document = read_document(page, content_type="text/html; charset=utf-8")
    slots = document.cell_slots if positions else None
    return parse_report(document.text, title_hint=document.title, cell_slots=slots)


@pytest.mark.parametrize("seed", [3, 11])
def test_every_cell_of_a_report_with_blank_zeros_and_blank_totals(seed):
    page, expected = _page_with_blank_totals(seed)
    report = _parse(page)
    got = {key_str(key): cell.value for key, cell in report.cells.items()}
    assert {key: (got[key], value) for key, value in expected.items() if got[key] != value} == {}
    assert not [problem for problem in report.problems if "requests" in problem]


def test_the_issue_row_reads_by_position():
    page, _ = _page_with_blank_totals(3)
    cells = _parse(page).cells
    read = {col: cells[("requests", "granted", col)] for col in col_keys("requests", "2021")}
    assert {col: cell.value for col, cell in read.items()} == {**ISSUE_ROW, "total": None}
    assert [read[col].raw for col in COUNT_COLS] == ["258", "12", "", "", "1", "1"]
    assert read["total"].raw == "" and "not printed" in read["total"].note
    assert read["research"].note == "blank read as 0"


def test_flattened_text_keeps_its_caution():
    """The same text without the reader's cell positions: the row stays unread, not guessed."""
    page, _ = _page_with_blank_totals(3)
    report = _parse(page, positions=False)
    granted = [report.cells[("requests", "granted", col)] for col in COUNT_COLS]
    assert [cell.value for cell in granted] == [None] * len(COUNT_COLS)
    assert any("granted" in problem and "fillers" in problem for problem in report.problems)


def test_a_row_short_of_a_cell_is_not_read_as_blank():
    """A <tr> with one <td> too few: the slot its cells do not reach is no empty cell."""
    page, _ = _page_with_blank_totals(3, drop_last_td="部分公开")
    report = _parse(page)
    partial = [report.cells[("requests", "partial", col)] for col in col_keys("requests", "2021")]
    assert all(cell.value is None for cell in partial), partial
    granted = report.cells[("requests", "granted", "natural_person")]
    assert granted.value == 258  # the other rows still read by position


def test_cell_slots_mark_spans_and_padding():
    page = (
        b"<html><body><div id='zoom'><table>"
        b"<tr><td rowspan='2'>A</td><td colspan='2'>B</td><td>C</td></tr>"
        b"<tr><td>1</td><td>&nbsp;</td></tr>"
        b"</table></div></body></html>"
    )
    document = read_document(page, content_type="text/html")
    assert document.text.splitlines() == ["A\tB\t\tC", "\t1\t\t"]
    assert document.cell_slots == {
        "A\tB\t\tC": (True, True, False, True),
        "\t1\t\t": (False, True, True, False),
    }
