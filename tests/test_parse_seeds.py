"""The five real seed reports parse exactly to their gold values (imitation/seeds/gold)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.parse import parse_report
from imitation.seeds import SEEDS_DIR as SEEDS
from imitation.seeds import seed_texts
from nianbao import format as fmt
from nianbao.format import all_cell_keys, key_str

SEED_FILES = seed_texts()


def _gold(seed: Path) -> dict:
    return json.loads((SEEDS / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))


def test_seeds_are_there():
    assert len(SEED_FILES) == 5, f"expected the five seed reports in {SEEDS}"


@pytest.fixture(scope="module", params=SEED_FILES, ids=lambda path: path.name[:3])
def seed(request):
    path = request.param
    return parse_report(path.read_text(encoding="utf-8")), _gold(path)


def test_metadata(seed):
    report, gold = seed
    assert (report.agency, report.year, report.format_version, report.published) == (
        gold["agency"],
        gold["year"],
        gold["format_version"],
        gold["published"],
    )


def test_every_cell(seed):
    report, gold = seed
    got = {key_str(key): cell.value for key, cell in report.cells.items()}
    template = {key_str(key) for key in all_cell_keys(gold["format_version"])}
    assert set(got) == set(gold["cells"]) == template
    accept_null = set(gold.get("accept_null", []))
    wrong = {
        key: (got[key], expected)
        for key, expected in gold["cells"].items()
        if got[key] != expected and not (key in accept_null and got[key] is None)
    }
    assert wrong == {}


def test_unread_cells_say_why(seed):
    report, gold = seed
    unread = {key_str(key) for key, cell in report.cells.items() if cell.value is None}
    assert unread <= set(gold.get("accept_null", []))
    for key, cell in report.cells.items():
        if cell.value is None:
            assert cell.note, key
            assert any("prints 6 numbers for 7 columns" in p for p in report.problems)
        elif not cell.derived:
            assert cell.raw is not None, key


def test_is_a_report_with_six_sections(seed):
    report, _gold_values = seed
    assert report.is_report()
    assert report.tables_found() == ["active", "requests", "appeals"]
    assert sorted(report.sections) == [1, 2, 3, 4, 5, 6]
    assert "需要报告" not in report.sections[5]


def test_raw_text_is_kept():
    report = parse_report(SEED_FILES[0].read_text(encoding="utf-8"))  # 000: '3 425 万元'
    cell = report.cells[("active", "procurement", "amount_wan_yuan")]
    assert (cell.value, cell.raw) == (425, "425 万元")
    assert report.cells[("active", "penalty", "previous")].raw == "533"


def test_signed_change_from_seed():
    report = parse_report(SEED_FILES[1].read_text(encoding="utf-8"))  # 001: '-73'
    cell = report.cells[("active", "penalty", "change")]
    assert (cell.value, cell.raw) == (-73, "-73")


def test_2021_other_is_derived():
    report = parse_report(SEED_FILES[3].read_text(encoding="utf-8"))  # 003: 3.其他 = 1
    cell = report.cells[("requests", "other", "natural_person")]
    assert (cell.value, cell.derived, cell.raw) == (1, True, None)
    assert cell.note == "sum of other_* rows"


def test_seed_narrative_figures():
    figures = {
        path.name[:3]: {(f.key, f.value) for f in parse_report(path.read_text()).narrative}
        for path in SEED_FILES
    }
    assert ("requests.new.total", 0) in figures["000"]
    assert ("appeals.cases.review_total", 0) in figures["000"]
    assert ("requests.new.total", 5) in figures["001"]
    assert ("requests.new.total", 0) in figures["002"]
    assert ("requests.new.total", 13) in figures["003"]


def test_format_lookups():
    assert len(fmt.all_cell_keys("2019")) == 198 and len(fmt.all_cell_keys("2021")) == 207
    assert fmt.label("active", "fees", "amount_wan_yuan", "2021") == "本年收费金额（单位：万元）"
    assert fmt.col_keys("active", "2019", "fees") == ["previous", "change"]
    assert "other_other" not in fmt.row_keys("requests", "2019")
    assert fmt.is_money(("active", "procurement", "amount_wan_yuan"))
    with pytest.raises(ValueError, match="unknown template"):
        fmt.cell_keys("requests", "2020")
    with pytest.raises(ValueError, match="pass row="):
        fmt.col_keys("active", "2021")
