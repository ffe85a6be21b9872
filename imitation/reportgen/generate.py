"""Build a :class:`GeneratedReport` from a seed, and a mixed corpus of them."""

from __future__ import annotations

import datetime
import random

from .model import (
    ALL_MESSINESS,
    EXCLUSIVE_MESSINESS,
    REQUEST_COLS,
    VERSION_ONLY_MESSINESS,
    VERSIONS,
    GeneratedReport,
    request_rows,
)
from .places import ABBREVIATIONS, draw_agency, place_for_agency
from .text import closing, preamble, section_texts, title_for
from .values import break_one_check, draw_values

DEFAULT_YEARS = {"2019": (2019, 2020, 2020, 2021), "2021": (2021, 2022, 2023, 2024)}


def validate_messiness(messiness: frozenset[str], version: str) -> None:
    """Raise ``ValueError`` for unknown flags, flags that exclude each other, or a flag the
    template version cannot show."""
    unknown = set(messiness) - ALL_MESSINESS
    if unknown:
        raise ValueError(f"unknown messiness flags {sorted(unknown)}; see ALL_MESSINESS")
    for exclusive in EXCLUSIVE_MESSINESS:
        if len(exclusive & messiness) > 1:
            raise ValueError(f"messiness flags {sorted(exclusive)} cannot be on together")
    for flag, only in VERSION_ONLY_MESSINESS.items():
        if flag in messiness and version != only:
            raise ValueError(f"messiness flag {flag!r} only shows in the {only} template")


def generate_report(
    seed: int,
    *,
    version: str = "2021",
    messiness: frozenset[str] = frozenset(),
    agency: str | None = None,
    year: int | None = None,
) -> GeneratedReport:
    """A synthetic annual report; the same arguments always give the same report."""
    if version not in VERSIONS:
        raise ValueError(f"unknown template version {version!r}; expected one of {VERSIONS}")
    messiness = frozenset(messiness)
    validate_messiness(messiness, version)
    rng = random.Random(f"reportgen:{seed}:{version}")

    if agency is None:
        agency, department, place = draw_agency(rng)
    else:
        place = place_for_agency(agency)
        department = agency[len(place.name) :] if place else agency
    level = place.level if place else ("city" if "市" in agency[:4] else "county")
    year = year if year is not None else rng.choice(DEFAULT_YEARS[version])
    published = _publication_date(rng, year)
    style = _draw_style(rng, version, messiness)

    values = draw_values(rng, version, level, messiness)
    report = GeneratedReport(
        seed=seed,
        version=version,
        messiness=messiness,
        agency=agency,
        region=place.region if place else "",
        region_code=place.code if place else None,
        level=level,
        year=year,
        published=published,
        title="",
        values=values,
        style=style,
    )
    if "inconsistent" in messiness:
        report.failing_check, change = break_one_check(rng, values, version)
        report.defects.append(f"inconsistent: {change}")
    if "missing_cell" in messiness:
        _drop_printed_cell(report, style["missing"][0])

    short = _abbreviate(agency, place.name if place else "", department)
    report.title = title_for(rng, agency, short, year)
    place_name = place.name if place else agency
    report.preamble = preamble(rng, agency, place_name, year, version)
    stated = _stated_figures(report.true_values())
    if "contradiction" in messiness:
        told = stated["received"] + rng.choice([-1, 1]) * rng.randint(1, 5)
        told = told if told >= 0 else stated["received"] + rng.randint(1, 5)
        report.defects.append(
            f"contradiction: section 1 states {told} requests received, "
            f"the table has {stated['received']}"
        )
        stated["received"] = told
    we, gov = _voices(department, place_name)
    report.sections = section_texts(
        rng, agency=agency, we=we, gov=gov, year=year, version=version, stated=stated
    )
    report.closing = closing(
        agency, None if style["date_under_title"] else published, style["spaced_dates"]
    )
    return report


def corpus(n: int, *, seed: int = 0) -> list[GeneratedReport]:
    """``n`` reports mixing both templates, clean ones and one to four messiness flags each."""
    reports = []
    for i in range(n):
        rng = random.Random(f"corpus:{seed}:{i}")
        version = rng.choices(VERSIONS, weights=(2, 3))[0]
        messiness: set[str] = set()
        if rng.random() > 0.15:
            for flag in rng.sample(sorted(ALL_MESSINESS), rng.randint(1, 4)):
                candidate = frozenset(messiness | {flag})
                try:
                    validate_messiness(candidate, version)
                except ValueError:
                    continue
                messiness.add(flag)
        reports.append(
            generate_report(seed * 1_000_003 + i, version=version, messiness=frozenset(messiness))
        )
    return reports


def _draw_style(rng: random.Random, version: str, messiness: frozenset[str]) -> dict:
    order = [r for r in request_rows(version) if not (version == "2021" and r == "other")]
    style = {
        "wrap": {
            "level1": rng.randint(2, 4),
            "level2": rng.randint(3, 6),
            "level2_wide": rng.randint(16, 22),
            "level3": rng.randint(9, 14),
            "header": 2,
            "column": rng.randint(4, 5),
        },
        "filler_cells": rng.random() < 0.4,
        "total_in_first_header_row": rng.random() < 0.3,
        "money_space": rng.random() < 0.5,
        "spaced_dates": rng.random() < 0.4,
        "date_under_title": rng.random() < 0.2,
        "charset": rng.choice(["utf-8", "utf-8", "gbk"]),
        "cell_breaks": rng.choice(["br", "p"]),
        "page_numbers": rng.random() < 0.5,
        "page_number": rng.randint(2, 4),
        "page_number_format": rng.choice(["- {n} -", "{n}", "— {n} —", "第 {n} 页"]),
        # A PDF's metadata title: the report's, Word's export default, or none at all.
        "pdf_title": rng.choice(["report", "report", "word_export", "none"]),
    }
    if "missing_cell" in messiness:
        n_numbers = len(REQUEST_COLS) + ("subtotal_column" in messiness)
        style["missing"] = (rng.choice(order), rng.randrange(n_numbers))
    if "page_break" in messiness:
        start, end = order.index("partial"), order.index("total")
        style["page_break_before"] = order[rng.randint(start + 1, end - 1)]
        style["page_numbers"] = True
    return style


def _drop_printed_cell(report: GeneratedReport, row: str) -> None:
    """A row printing one number too few: none of its cells can be placed with certainty."""
    keys = [f"requests.{row}.{c}" for c in REQUEST_COLS]
    if row.startswith("other_"):  # the derived 'other' row cannot be summed either
        keys += [f"requests.other.{c}" for c in REQUEST_COLS]
    for key in keys:
        report.hidden_values[key] = report.values[key]
        report.values[key] = None
        report.accept_null.add(key)
    report.defects.append(f"missing_cell: the {row} row prints one number less than it has columns")


def _stated_figures(values: dict) -> dict[str, int]:
    return {
        "received": values["requests.new.total"],
        "carried": values["requests.carried_over.total"],
        "forward": values["requests.carried_forward.total"],
        "reviews": values["appeals.cases.review_total"],
        "suits": values["appeals.cases.suit_direct_total"]
        + values["appeals.cases.suit_after_review_total"],
    }


def _publication_date(rng: random.Random, year: int) -> str | None:
    if rng.random() < 0.25:
        return None
    day = datetime.date(year + 1, 1, 10) + datetime.timedelta(days=rng.randint(0, 80))
    return day.isoformat()


def _abbreviate(agency: str, place_name: str, department: str) -> str:
    short = ABBREVIATIONS.get(department)
    return place_name + short if short and agency == place_name + department else agency


def _voices(department: str, place_name: str) -> tuple[str, str]:
    """How the report refers to its author ('我局') and to the local leadership ('县委、县政府')."""
    unit = place_name[-1] if place_name else "县"
    if department.endswith("委员会"):
        we = "我委"
    elif department.endswith("办公室"):
        we = f"{unit}政府办公室"
    elif department == "人民政府":
        we = f"我{unit}"
    else:
        we = "我局"
    return we, f"{unit}委、{unit}政府"
