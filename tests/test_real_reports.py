"""Real reports from public repositories, read end to end and checked cell by cell.

Each file in tests/real_reports/ is a report as its government published it (provenance in
that folder's README.md). Its gold values (tests/real_reports/gold/<name>.json) were typed by
hand from the document itself, not from any extractor's output. A cell the document does not
print is null in the gold file. Every cell of the template is compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.documents import read_document
from extract.parse import parse_report
from nianbao.format import all_cell_keys, key_str

HERE = Path(__file__).parent / "real_reports"
GOLD = sorted((HERE / "gold").glob("*.json"))


def _gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=GOLD, ids=lambda path: path.stem)
def read(request):
    gold = _gold(request.param)
    source = HERE / gold["source"]
    return read_document(source.read_bytes(), filename=source.name, url=gold.get("url")), gold


@pytest.fixture(scope="module")
def report(read):
    """Parsed as extract/pipeline.py parses a document (title hint, explicit cell slots)."""
    document, gold = read
    parsed = parse_report(
        document.text,
        title_hint=document.title,
        cell_slots=document.cell_slots,
        cell_confidence=document.cell_confidence,
    )
    return parsed, gold


def test_the_corpus_is_there():
    assert len(GOLD) >= 3
    for path in GOLD:
        assert (HERE / _gold(path)["source"]).is_file(), path


def test_document_title(read):
    document, gold = read
    assert document.title == gold["title"]


def test_agency_year_and_template(report):
    parsed, gold = report
    assert (parsed.agency, parsed.year, parsed.format_version, parsed.published) == (
        gold["agency"],
        gold["year"],
        gold["format_version"],
        gold["published"],
    )


def test_every_cell(report):
    parsed, gold = report
    got = {key_str(key): cell.value for key, cell in parsed.cells.items()}
    template = {key_str(key) for key in all_cell_keys(gold["format_version"])}
    assert set(gold["cells"]) == template, "the gold file names every cell of its template"
    wrong = {
        key: (got.get(key), value) for key, value in gold["cells"].items() if got.get(key) != value
    }
    assert wrong == {}


def test_cells_the_report_does_not_print_say_why(report):
    parsed, gold = report
    for key, cell in parsed.cells.items():
        if gold["cells"][key_str(key)] is None:
            assert cell.value is None and cell.note, key


def test_is_a_report_with_its_three_tables(report):
    parsed, _gold_values = report
    assert parsed.is_report()
    assert parsed.tables_found() == ["active", "requests", "appeals"]
