"""What a generated report is: the template's keys, the report object, and the arithmetic checks.

Keys come from ``extract/report-format.json`` (the project's canonical description of the two
templates), so a generated report is keyed exactly like the gold files in ``imitation/seeds/gold``:
``"table.row.col"``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from nianbao.format import FORMAT_PATH, col_keys

VERSIONS = ("2019", "2021")

# Each flag is one way real reports deviate from the clean template; see the package docstring.
ALL_MESSINESS = frozenset(
    {
        "wrapped_labels",
        "spaced_labels",
        "fullwidth_digits",
        "dash_for_zero",
        "blank_for_zero",
        "signed_deltas",
        "money_yuan",
        "money_unit",
        "subtotal_column",
        "subtotal_row",
        "missing_cell",
        "page_break",
        "contradiction",
        "inconsistent",
    }
)
# Flags that cannot be on together, and flags that only one template version can show.
EXCLUSIVE_MESSINESS = (
    frozenset({"dash_for_zero", "blank_for_zero"}),
    frozenset({"money_yuan", "money_unit"}),
)
VERSION_ONLY_MESSINESS = {"signed_deltas": "2019"}

SOURCE_TYPES = ("html_table", "html_flat", "html_tabs", "pdf", "docx", "doc")
# Source types in which an empty cell can vanish: flattened text has no cell boundaries, and
# TAB-separated lines in HTML paragraphs lose the tabs at their ends (invisible whitespace).
BLANK_LOSING_SOURCE_TYPES = frozenset({"html_flat", "html_tabs"})
# The tables blank_for_zero empties.
BLANKABLE_TABLES = ("requests", "appeals")

# The same columns in both templates: the applicants, then the total.
REQUEST_COLS = tuple(col_keys("requests", "2021"))
ORG_COLS = REQUEST_COLS[1:6]
APPEAL_GROUPS = ("review", "suit_direct", "suit_after_review")
APPEAL_OUTCOMES = ("upheld", "corrected", "other", "pending")
APPEAL_COLS = tuple(f"{g}_{o}" for g in APPEAL_GROUPS for o in (*APPEAL_OUTCOMES, "total"))


@lru_cache(maxsize=1)
def report_format() -> dict:
    """The parsed ``report-format.json``."""
    return json.loads(FORMAT_PATH.read_text(encoding="utf-8"))


def active_groups(version: str) -> list[dict]:
    """The active-disclosure table's groups (clause, rows, cols) for a template version."""
    _require_version(version)
    return report_format()["tables"]["active"]["versions"][version]["groups"]


def request_rows(version: str) -> tuple[str, ...]:
    """Row keys of the requests table in printed order; 2021 splits （六）其他处理 in three."""
    _require_version(version)
    rows = tuple(report_format()["tables"]["requests"]["rows"])
    if version == "2019":
        return tuple(r for r in rows if not r.startswith("other_"))
    return rows


def outcome_rows(version: str) -> tuple[str, ...]:
    """The rows whose sum is （七）总计; in 2021 ``other`` is derived, so its parts count instead."""
    rows = request_rows(version)
    start, end = rows.index("granted"), rows.index("total")
    return tuple(r for r in rows[start:end] if not (version == "2021" and r == "other"))


def template_keys(version: str) -> list[str]:
    """Every ``table.row.col`` key of a template version, in printed order."""
    keys = [
        f"active.{row}.{col}"
        for group in active_groups(version)
        for row in group["rows"]
        for col in group["cols"]
    ]
    keys += [f"requests.{row}.{col}" for row in request_rows(version) for col in REQUEST_COLS]
    keys += [f"appeals.cases.{col}" for col in APPEAL_COLS]
    return keys


@dataclass
class GeneratedReport:
    """A synthetic annual report and the values an extractor should find in it.

    ``values`` holds every template key. A cell the rendering does not print unambiguously is
    ``None`` and listed in ``accept_null``; ``hidden_values`` keeps the number the generator
    meant for it, which an extractor may also return (the gold files accept "0 or null" alike).
    ``defects`` explains, in words, every deliberate fault (a failing check, a contradiction).
    """

    seed: int
    version: str
    messiness: frozenset[str]
    agency: str
    region: str
    region_code: str | None  # None for an agency whose place is not in places.PLACES
    level: str
    year: int
    published: str | None
    title: str
    values: dict[str, int | float | None]
    accept_null: set[str] = field(default_factory=set)
    hidden_values: dict[str, int | float] = field(default_factory=dict)
    sections: dict[int, str] = field(default_factory=dict)
    preamble: str = ""
    closing: str = ""
    defects: list[str] = field(default_factory=list)
    failing_check: str | None = None
    # Layout choices drawn from the seed that are not messiness (e.g. colspan vs filler cells).
    style: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """A short stable identifier, usable as a file name."""
        flags = "-".join(sorted(self.messiness)) or "clean"
        return f"gen{self.seed:05d}_{self.version}_{flags}"

    def true_values(self) -> dict[str, int | float]:
        """``values`` with every unprinted cell filled in from ``hidden_values``."""
        return {k: self.hidden_values.get(k, v) if v is None else v for k, v in self.values.items()}

    def acceptable(self, key: str, source_type: str | None = None) -> list[int | float | None]:
        """The answers an extractor may give for ``key`` in a ``source_type`` rendering and be right.

        Where blank cells can vanish (``BLANK_LOSING_SOURCE_TYPES``), with ``blank_for_zero``
        no number of a row holding a blank can be placed for sure, so ``None`` is right too.
        """
        if key in self.accept_null:
            return [None, self.hidden_values.get(key)]
        if source_type in BLANK_LOSING_SOURCE_TYPES and "blank_for_zero" in self.messiness:
            table, row, _ = key.split(".")
            if table in BLANKABLE_TABLES and 0 in (
                v for k, v in self.values.items() if k.startswith(f"{table}.{row}.")
            ):
                return [None, self.values[key]]
        return [self.values[key]]


def check_failures(values: dict[str, int | float | None], version: str) -> list[str]:
    """The checks of ``report-format.json`` that ``values`` fail, one message per failure.

    Cells that are ``None`` are skipped, as a check cannot judge a number that is not printed.
    """
    failures: list[str] = []

    def v(key):
        return values.get(key)

    def compare(rule: str, where: str, total_key: str, part_keys: list[str]):
        parts = [v(k) for k in part_keys]
        if v(total_key) is None or None in parts:
            return
        if round(sum(parts) - v(total_key), 6) != 0:
            failures.append(f"{rule}: {where}: {total_key}={v(total_key)} != sum {sum(parts)}")

    for col in REQUEST_COLS:
        new, carried, total, forward = (
            v(f"requests.{r}.{col}") for r in ("new", "carried_over", "total", "carried_forward")
        )
        if None not in (new, carried, total, forward) and new + carried != total + forward:
            failures.append(f"requests_balance: {col}: {new}+{carried} != {total}+{forward}")
        compare(
            "requests_outcome_total",
            col,
            f"requests.total.{col}",
            [f"requests.{r}.{col}" for r in outcome_rows(version)],
        )
        if version == "2021":
            compare(
                "requests_other_split",
                col,
                f"requests.other.{col}",
                [
                    f"requests.{r}.{col}"
                    for r in ("other_overdue_correction", "other_overdue_fee", "other_other")
                ],
            )
    for row in request_rows(version):
        compare(
            "requests_row_total",
            row,
            f"requests.{row}.total",
            [f"requests.{row}.{c}" for c in REQUEST_COLS[:-1]],
        )
    for group in APPEAL_GROUPS:
        compare(
            "appeals_totals",
            group,
            f"appeals.cases.{group}_total",
            [f"appeals.cases.{group}_{o}" for o in APPEAL_OUTCOMES],
        )
    return failures


def _require_version(version: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"unknown template version {version!r}; expected one of {VERSIONS}")
