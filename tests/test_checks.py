"""The arithmetic checks: pass on the gold seeds, fail with the numbers shown, NULL when uncomputable."""

from __future__ import annotations

import json

import pytest

from extract import checks
from extract.parse import NarrativeFigure
from imitation.seeds import gold_files
from nianbao.format import parse_key

GOLD = gold_files()


def gold_values(name_prefix: str) -> tuple[dict, str]:
    path = next(p for p in GOLD if p.name.startswith(name_prefix))
    gold = json.loads(path.read_text(encoding="utf-8"))
    return {parse_key(k): v for k, v in gold["cells"].items()}, gold["format_version"]


def by_rule(results):
    return {r.rule: r for r in results}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_gold_seeds_pass_every_applicable_rule(prefix):
    values, version = gold_values(prefix)
    results = by_rule(checks.report_checks(values, version))
    assert list(results) == list(checks.SINGLE_REPORT_RULES)
    for rule, result in results.items():
        if rule == "requests_other_split" and version == "2019":
            assert result.ok is None and "not applicable" in result.detail
        else:
            assert result.ok is True, result


def test_balance_failure_names_the_numbers():
    values, version = gold_values("003")
    values = dict(values)
    values[("requests", "new", "natural_person")] += 1
    result = by_rule(checks.report_checks(values, version))["requests_balance"]
    new = values[("requests", "new", "natural_person")]
    total = values[("requests", "total", "natural_person")]
    assert result.ok is False
    assert result.detail.startswith(f"natural_person: new {new} + carried_over ")
    assert f"!= total {total} + carried_forward " in result.detail
    assert "business" not in result.detail


def test_null_cell_makes_check_uncomputable_not_failed():
    values, _ = gold_values("000")
    values = dict(values)
    values[("appeals", "cases", "review_total")] = None
    result = checks.appeals_totals(values)
    assert result.ok is None
    assert "review: NULL total" in result.detail


def test_failure_wins_over_null_and_mentions_both():
    values, _ = gold_values("000")
    values = dict(values)
    values[("appeals", "cases", "review_total")] = None
    values[("appeals", "cases", "suit_direct_total")] = 3
    result = checks.appeals_totals(values)
    assert result.ok is False
    assert "suit_direct: total 3 != upheld 0 + corrected 0 + other 0 + pending 0" in result.detail
    assert "not computed: review: NULL total" in result.detail


def test_unknown_template_gives_null_for_every_rule():
    results = checks.report_checks({}, None)
    assert [r.ok for r in results] == [None] * len(checks.SINGLE_REPORT_RULES)
    assert all("template version unknown" in r.detail for r in results)


def test_other_split_2021():
    values, version = gold_values("002")
    values = dict(values)
    values[("requests", "other_other", "total")] = 9
    result = checks.requests_other_split(values, version)
    assert result.ok is False and result.detail.startswith("total: other ")


def test_row_total_uses_only_rows_of_the_template():
    values, _ = gold_values("000")
    # A 2019 report has no 2021-only sub-rows: their absence is not "row not read".
    assert checks.requests_row_total(values, "2019").ok is True
    assert checks.requests_row_total(values, "2021").ok is None


def test_carry_chain_across_years():
    this, _ = gold_values("003")
    last = {
        ("requests", "carried_forward", col): this[("requests", "carried_over", col)]
        for col in checks.REQUEST_PARTIES + ("total",)
    }
    ok = checks.requests_carry_chain(this, last, "report X (2020)")
    assert ok.ok is True and ok.detail == "against report X (2020)"
    last[("requests", "carried_forward", "total")] += 2
    bad = checks.requests_carry_chain(this, last, "report X (2020)")
    assert bad.ok is False
    assert "total: carried_over" in bad.detail and "last year's carried_forward" in bad.detail
    missing = checks.requests_carry_chain(this, None, "no 2020 report of 聊城市卫生健康委员会")
    assert missing.ok is None and "no 2020 report" in missing.detail


def test_in_force_chain_is_2021_only_and_signed():
    this = {
        ("active", "regulations", "issued"): 2,
        ("active", "regulations", "repealed"): 1,
        ("active", "regulations", "in_force"): 6,
        ("active", "normative_documents", "issued"): 0,
        ("active", "normative_documents", "repealed"): 0,
        ("active", "normative_documents", "in_force"): 3,
    }
    last = {
        ("active", "regulations", "in_force"): 5,
        ("active", "normative_documents", "in_force"): 3,
    }
    assert checks.active_in_force_chain(this, "2021", last, "2021", "r (2021)").ok is True
    last[("active", "regulations", "in_force")] = 4
    bad = checks.active_in_force_chain(this, "2021", last, "2021", "r (2021)")
    assert bad.ok is False
    assert "regulations: in_force 6 != last year's in_force 4 + issued 2 - repealed 1" in bad.detail
    assert checks.active_in_force_chain(this, "2021", last, "2019", "r (2020)").ok is None
    assert checks.active_in_force_chain(this, "2019", last, "2019", "r (2020)").ok is None


def test_narrative_disagreement_is_flagged():
    values, _ = gold_values("003")
    total = values[("requests", "new", "total")]
    figures = [
        NarrativeFigure("requests.new.total", total, f"收到申请{total}件"),
        NarrativeFigure("requests.carried_forward.total", 99, "结转99件"),
    ]
    rows, result = checks.compare_narrative(figures, values)
    assert [r.agrees for r in rows] == [True, False]
    assert rows[1].table_value == values[("requests", "carried_forward", "total")]
    assert result.ok is False and "requests.carried_forward.total: text says 99" in result.detail
    _, agree = checks.compare_narrative(figures[:1], values)
    assert agree.ok is True
    _, empty = checks.compare_narrative([], values)
    assert empty.ok is None
