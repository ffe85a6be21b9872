"""Decide which parsed documents carry the same report and which copy the numbers come from,
then write the merged reports (with their cells, checks and narrative) to the database.

A *candidate* is one document that parsed as a report: a dict with at least ``record_id``,
``url``, ``page_url`` (the page it was published on: its own URL for a page, the linking page
for an attachment), ``payload_digest``, ``source_type``, ``captured_at``, ``agency``, ``year``,
``cells`` (a list of ``[tbl, row, col, value, raw, note, derived, source, confidence]``), ``cells_read`` and
``problems``.

Two candidates are one report when
- their payloads are identical (same digest: one file published at two addresses);
- they were published on the same page (a page and its attachment, or two attachments of it)
  and neither their agencies nor their years contradict each other; or
- they name the same agency, year and template, and no cell printed by both differs (the same
  report on a department's site and on the county portal, possibly in different formats).
The first two are certain and always joined; the third joins a group only if it agrees with
every member, so one corrected re-issue with different numbers stays a report of its own. Nor
does the second join two captures of one address whose numbers differ: a later crawl found the
report revised, and each version stays a report (see extract/versions.py).
"""

from __future__ import annotations

import hashlib

from extract.versions import versions_apart
from nianbao.titles import TitleKind, classify_title

# Tie-break between equally complete copies: markup whose tables are explicit first (the page's
# own HTML, DOCX), then PDF, whose tables are rebuilt from glyph positions, then the old binary
# Word formats read through converters.
# Spreadsheets and images (read by OCR) next, and a browser's rendered DOM last: it is not what
# the server published.
SOURCE_TYPE_RANK = {
    "html": 0, "docx": 1, "pdf": 2, "doc": 3, "wps": 4, "xlsx": 5, "xls": 6, "image": 7,
    "rendered-dom": 8,
}  # fmt: skip


def report_id_for(payload_digest: str) -> str:
    """A report's id: stable across runs because it derives from its source's content digest."""
    return hashlib.sha1(payload_digest.encode("ascii")).hexdigest()[:16]


def source_rank(candidate: dict) -> tuple:
    """Sort key: the best source sorts first (most cells read, fewest problems, type, earliest
    captured, first in the archive)."""
    return (
        -(candidate.get("cells_read") or 0),
        len(candidate.get("problems") or []),
        SOURCE_TYPE_RANK.get(candidate.get("source_type"), len(SOURCE_TYPE_RANK)),
        candidate.get("captured_at") or "",
        # Identical copies captured at once: the first archived.
        candidate.get("warc_filename") or "",
        candidate.get("warc_offset") or 0,
        candidate["record_id"],
    )


def best_title(titles: list[str | None]) -> str | None:
    """The first title that names a report, else the first title at all."""
    present = [title for title in titles if title]
    return next(
        (t for t in present if classify_title(t) is TitleKind.REPORT),
        present[0] if present else None,
    )


def choose_source(group: list[dict]) -> dict:
    """The copy whose numbers the report is stored with."""
    return min(group, key=source_rank)


def agree(a, b) -> bool:
    """Two values agree when either is unknown or they are equal."""
    return a is None or b is None or a == b


def _same_page(a: dict, b: dict) -> bool:
    if not a.get("page_url") or a["page_url"] != b.get("page_url"):
        return False
    if not (agree(a["agency"], b["agency"]) and agree(a["year"], b["year"])):
        return False
    # Two documents of a page that name neither agency nor year could be anything.
    return (a["agency"] is not None and a["agency"] == b["agency"]) or (
        a["year"] is not None and a["year"] == b["year"]
    )


def cell_map(candidate: dict) -> dict[tuple[str, str, str], object]:
    """``(tbl, row, col) -> value`` of the cells a candidate read (NULLs left out)."""
    return {(c[0], c[1], c[2]): c[3] for c in candidate["cells"] if c[3] is not None}


def cells_compatible(a: dict, b: dict) -> bool:
    """No cell that both print holds different numbers."""
    cells_a, cells_b = cell_map(a), cell_map(b)
    return all(cells_b[key] == value for key, value in cells_a.items() if key in cells_b)


def _same_agency_year(a: dict, b: dict) -> bool:
    return (
        a["agency"] is not None
        and a["year"] is not None
        and (a["agency"], a["year"]) == (b["agency"], b["year"])
        and agree(a.get("format_version"), b.get("format_version"))
        and cells_compatible(a, b)
    )


def group_candidates(candidates: list[dict]) -> list[list[dict]]:
    """Partition candidates into reports (see the module docstring), whatever their input order."""
    ordered = sorted(
        candidates,
        key=lambda c: (
            c.get("captured_at") or "",
            c.get("warc_filename") or "",
            c.get("warc_offset") or 0,
            c["record_id"],
        ),
    )
    parent = list(range(len(ordered)))
    members = {i: [i] for i in range(len(ordered))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b and not any(
            versions_apart(ordered[x], ordered[y], cells_compatible)
            for x in members[a]
            for y in members[b]
        ):
            parent[a] = b
            members[b] += members.pop(a)

    # Identical payloads first: they are one report whatever else is true.
    for same in (lambda a, b: a["payload_digest"] == b["payload_digest"], _same_page):
        for i, a in enumerate(ordered):
            for j in range(i):
                if same(a, ordered[j]):
                    join(i, j)

    certain: dict[int, list[dict]] = {}
    for i, candidate in enumerate(ordered):
        certain.setdefault(find(i), []).append(candidate)

    groups: list[list[dict]] = []
    for members in certain.values():
        home = next(
            (
                group
                for group in groups
                if all(_same_agency_year(m, g) for m in members for g in group)
            ),
            None,
        )
        if home is None:
            groups.append(list(members))
        else:
            home.extend(members)
    return groups
