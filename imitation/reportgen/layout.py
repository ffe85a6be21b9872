"""A report as an ordered list of blocks (title, headings, paragraphs, tables, page numbers).

Renderers walk these blocks; they decide how each kind looks, not what the report says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import GeneratedReport
from .tables import Table, active_table, appeals_table, requests_table, split_table
from .text import SECTION_HEADINGS, cn_date

# A short line such as （一）主动公开情况 is a sub-heading; longer ones are body paragraphs.
SUBHEADING = re.compile(r"^（[一二三四五六七八九]）[^。]{1,18}$")


@dataclass
class Block:
    # 'title', 'date', 'para', 'subheading', 'heading', 'table', 'page_number', 'signature'
    kind: str
    text: str = ""
    table: Table | None = None


def report_tables(report: GeneratedReport) -> dict[str, list[Table]]:
    """The report's tables by name; the requests table is two parts when a page break cuts it."""
    values = report.true_values()
    args = (report.messiness, report.style)
    requests = requests_table(values, report.version, *args)
    parts = [requests]
    if "page_break" in report.messiness:
        order = requests.meta["row_order"]
        parts = list(
            split_table(
                requests, requests.header_rows + order.index(report.style["page_break_before"])
            )
        )
    return {
        "active": [active_table(values, report.version, *args)],
        "requests": parts,
        "appeals": [appeals_table(values, *args)],
    }


def page_number_text(report: GeneratedReport) -> str:
    """The page number printed at the break, in the report's own style ('- 3 -', '第3页')."""
    number = report.style.get("page_number", 2)
    return report.style.get("page_number_format", "- {n} -").format(n=number)


def document_blocks(report: GeneratedReport) -> list[Block]:
    """Everything the report prints, in order."""
    spaced = bool(report.style.get("spaced_dates"))
    blocks = [Block("title", report.title)]
    if report.published and report.style.get("date_under_title"):
        blocks.append(Block("date", f"（{cn_date(report.published, spaced)}）"))
    blocks.append(Block("para", report.preamble))
    tables = report_tables(report)
    section_tables = {2: "active", 3: "requests", 4: "appeals"}
    for number, heading in SECTION_HEADINGS.items():
        blocks.append(Block("heading", heading))
        for line in filter(None, report.sections.get(number, "").split("\n")):
            blocks.append(Block("subheading" if SUBHEADING.match(line) else "para", line))
        for i, table in enumerate(tables.get(section_tables.get(number), [])):
            if i:
                blocks.append(Block("page_number", page_number_text(report)))
            blocks.append(Block("table", table=table))
    for line in report.closing.split("\n"):
        blocks.append(Block("signature", line))
    return blocks
