"""The arithmetic checks of report-format.json, run over one report's cells (or two years of one agency).

Every check returns a :class:`CheckResult`: ``ok`` is True or False when it could be computed and
None when a cell it needs is NULL (or the rule does not apply); ``detail`` names the failing
numbers, e.g. ``natural_person: new 5 + carried_over 0 != total 4 + carried_forward 0``. A failing
check is a finding about the report; nothing here changes a value.

Cells are passed as a mapping ``(tbl, row, col) -> value`` (None for NULL).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nianbao.format import col_keys, parse_key, row_keys

Values = Mapping[tuple[str, str, str], "int | float | None"]

SINGLE_REPORT_RULES = (
    "requests_balance",
    "requests_row_total",
    "requests_outcome_total",
    "requests_other_split",
    "appeals_totals",
)
CROSS_YEAR_RULES = ("requests_carry_chain", "active_in_force_chain")
NARRATIVE_RULE = "narrative_agrees"

REQUEST_PARTIES = (
    "natural_person",
    "business",
    "research",
    "nonprofit",
    "legal_services",
    "other_org",
)
OTHER_SPLIT = ("other_overdue_correction", "other_overdue_fee", "other_other")
APPEAL_GROUPS = ("review", "suit_direct", "suit_after_review")
APPEAL_OUTCOMES = ("upheld", "corrected", "other", "pending")


@dataclass(frozen=True)
class CheckResult:
    rule: str
    ok: bool | None
    detail: str


@dataclass(frozen=True)
class NarrativeComparison:
    """One figure from the running text beside the table cell it restates."""

    key: str
    narrative_value: int | float
    table_value: int | float | None
    agrees: bool | None
    quote: str


def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sum(terms) -> float:
    return sum(-value if name.startswith("-") else value for name, value in terms)


def _show(terms) -> str:
    text = ""
    for name, value in terms:
        sign = "-" if name.startswith("-") else "+"
        text += f" {sign} {name.lstrip('-')} {_fmt(value)}"
    return text[3:] if text.startswith(" + ") else text.lstrip()


def _equal(a, b) -> bool:
    # Money columns are fractional 万元; counts are exact integers either way.
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-6)


class _Tally:
    """Collects the equations of one rule and turns them into a single CheckResult."""

    def __init__(self, rule: str):
        self.rule = rule
        self.failures: list[str] = []
        self.missing: list[str] = []
        self.passed = 0

    def equation(self, label: str, left: list[tuple[str, object]], right: list[tuple[str, object]]):
        """Record ``sum(left) == sum(right)``; each side is [(name, value)], a value may be None.

        A name starting with '-' is subtracted (``('-repealed', 2)``).
        """
        nulls = [name.lstrip("-") for name, value in left + right if value is None]
        if nulls:
            self.missing.append(f"{label}: NULL {', '.join(nulls)}")
            return
        if _equal(_sum(left), _sum(right)):
            self.passed += 1
            return
        self.failures.append(f"{label}: {_show(left)} != {_show(right)}")

    def result(self) -> CheckResult:
        if self.failures:
            detail = "; ".join(self.failures)
            if self.missing:
                detail += f" (not computed: {'; '.join(self.missing)})"
            return CheckResult(self.rule, False, detail)
        if self.missing:
            return CheckResult(self.rule, None, "cannot compute: " + "; ".join(self.missing))
        if not self.passed:
            return CheckResult(self.rule, None, "nothing to compare")
        return CheckResult(self.rule, True, "")


def report_checks(values: Values, format_version: str | None) -> list[CheckResult]:
    """Run the single-report rules (one result per rule in SINGLE_REPORT_RULES order)."""
    if format_version not in ("2019", "2021"):
        reason = f"cannot compute: template version unknown ({format_version!r})"
        return [CheckResult(rule, None, reason) for rule in SINGLE_REPORT_RULES]
    return [
        requests_balance(values),
        requests_row_total(values, format_version),
        requests_outcome_total(values, format_version),
        requests_other_split(values, format_version),
        appeals_totals(values),
    ]


def requests_balance(values: Values) -> CheckResult:
    """new[c] + carried_over[c] == total[c] + carried_forward[c] for every column."""
    tally = _Tally("requests_balance")
    for col in col_keys("requests", "2021"):
        left = [(row, values.get(("requests", row, col))) for row in ("new", "carried_over")]
        right = [(row, values.get(("requests", row, col))) for row in ("total", "carried_forward")]
        tally.equation(col, left, right)
    return tally.result()


def requests_row_total(values: Values, format_version: str) -> CheckResult:
    """Every row's total equals the sum of its six requester columns."""
    tally = _Tally("requests_row_total")
    for row in row_keys("requests", format_version):
        parts = [(col, values.get(("requests", row, col))) for col in REQUEST_PARTIES]
        if (
            all(value is None for _, value in parts)
            and values.get(("requests", row, "total")) is None
        ):
            tally.missing.append(f"{row}: row not read")
            continue
        tally.equation(row, [("total", values.get(("requests", row, "total")))], parts)
    return tally.result()


def _outcome_rows(format_version: str) -> list[str]:
    rows = row_keys("requests", format_version)
    start, end = rows.index("granted"), rows.index("total")
    # 'other' already holds the 2021 sub-rows' sum, so they are not counted again.
    return [row for row in rows[start:end] if row not in OTHER_SPLIT]


def requests_outcome_total(values: Values, format_version: str) -> CheckResult:
    """total[c] equals the sum of every outcome row (granted … other) for every column."""
    tally = _Tally("requests_outcome_total")
    outcomes = _outcome_rows(format_version)
    for col in col_keys("requests", format_version):
        parts = [(row, values.get(("requests", row, col))) for row in outcomes]
        tally.equation(col, [("total", values.get(("requests", "total", col)))], parts)
    return tally.result()


def requests_other_split(values: Values, format_version: str) -> CheckResult:
    """2021 only: other == other_overdue_correction + other_overdue_fee + other_other."""
    if format_version != "2021":
        return CheckResult(
            "requests_other_split", None, "not applicable: the 2019 template has one 其他处理 row"
        )
    tally = _Tally("requests_other_split")
    for col in col_keys("requests", format_version):
        parts = [(row, values.get(("requests", row, col))) for row in OTHER_SPLIT]
        tally.equation(col, [("other", values.get(("requests", "other", col)))], parts)
    return tally.result()


def appeals_totals(values: Values) -> CheckResult:
    """Each of the three appeal totals equals the sum of its four outcomes."""
    tally = _Tally("appeals_totals")
    for group in APPEAL_GROUPS:
        parts = [
            (outcome, values.get(("appeals", "cases", f"{group}_{outcome}")))
            for outcome in APPEAL_OUTCOMES
        ]
        total = values.get(("appeals", "cases", f"{group}_total"))
        tally.equation(group, [("total", total)], parts)
    return tally.result()


def requests_carry_chain(
    this_year: Values, last_year: Values | None, last_label: str
) -> CheckResult:
    """This year's carried_over[c] == last year's carried_forward[c]; ``last_label`` names last year's report."""
    rule = "requests_carry_chain"
    if last_year is None:
        return CheckResult(rule, None, f"cannot compute: {last_label}")
    tally = _Tally(rule)
    for col in col_keys("requests", "2021"):
        tally.equation(
            col,
            [("carried_over", this_year.get(("requests", "carried_over", col)))],
            [("last year's carried_forward", last_year.get(("requests", "carried_forward", col)))],
        )
    return _with_context(tally.result(), last_label)


def active_in_force_chain(
    this_year: Values,
    this_version: str | None,
    last_year: Values | None,
    last_version: str | None,
    last_label: str,
) -> CheckResult:
    """2021 template, soft: in_force == last year's in_force + issued - repealed (regulations, normative_documents)."""
    rule = "active_in_force_chain"
    if this_version != "2021":
        return CheckResult(
            rule, None, "not applicable: only the 2021 template counts documents in force"
        )
    if last_year is None:
        return CheckResult(rule, None, f"cannot compute: {last_label}")
    if last_version != "2021":
        return CheckResult(
            rule, None, f"not applicable: {last_label} uses the {last_version} template"
        )
    tally = _Tally(rule)
    for row in ("regulations", "normative_documents"):
        this = {
            col: this_year.get(("active", row, col)) for col in ("issued", "repealed", "in_force")
        }
        tally.equation(
            row,
            [("in_force", this["in_force"])],
            [
                ("last year's in_force", last_year.get(("active", row, "in_force"))),
                ("issued", this["issued"]),
                ("-repealed", this["repealed"]),
            ],
        )
    return _with_context(tally.result(), last_label)


def _with_context(result: CheckResult, last_label: str) -> CheckResult:
    if result.ok is None:
        return result
    detail = f"against {last_label}" + (f": {result.detail}" if result.detail else "")
    return CheckResult(result.rule, result.ok, detail)


def compare_narrative(
    figures: Iterable, values: Values
) -> tuple[list[NarrativeComparison], CheckResult]:
    """Set each narrative figure (``.key`` 'tbl.row.col', ``.value``, ``.quote``) beside its table cell."""
    comparisons = []
    for figure in figures:
        table_value = values.get(parse_key(figure.key))
        agrees = None if table_value is None else _equal(figure.value, table_value)
        comparisons.append(
            NarrativeComparison(figure.key, figure.value, table_value, agrees, figure.quote)
        )
    disagreeing = [c for c in comparisons if c.agrees is False]
    if disagreeing:
        detail = "; ".join(
            f"{c.key}: text says {_fmt(c.narrative_value)}, table {_fmt(c.table_value)} ({c.quote})"
            for c in disagreeing
        )
        return comparisons, CheckResult(NARRATIVE_RULE, False, detail)
    if not comparisons:
        return comparisons, CheckResult(NARRATIVE_RULE, None, "no figures in the text to compare")
    unmatched = [c.key for c in comparisons if c.agrees is None]
    if len(unmatched) == len(comparisons):
        return comparisons, CheckResult(
            NARRATIVE_RULE, None, "cannot compute: NULL " + ", ".join(unmatched)
        )
    agreeing = len(comparisons) - len(unmatched)
    return comparisons, CheckResult(
        NARRATIVE_RULE, True, f"figures that agree with the tables: {agreeing}"
    )
