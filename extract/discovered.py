"""The ``discovered_sites`` table: which portals a discovery found, and which divisions it did not.

A crawl in discovery mode (a province or city row, see crawler/discovery/governments.py) writes a
``metadata`` record for each start (``urn:nianbao:discovery:<code>``) and for each site it found
(``urn:nianbao:discovered:<code>:<url>``), as WARC fields. One row per record here:

- ``status='start'``: the portal the discovery started from;
- ``status='found'``: a government's portal or a department's site or column found under it,
  with the page that linked it (``found_on``) and the link's text;
- ``status='no portal found'``: a division under the start (a city, a county) for which no
  crawl so far found a government portal — recomputed after every extraction, from the regions
  data in :mod:`nianbao.regions`.

Rows are keyed on the start and the URL (or the missing division), so extracting twice, or a
recrawl that finds the same sites, adds nothing.
"""

from __future__ import annotations

import logging

from archive.reader import ArchivedRecord
from nianbao.regions import region_by_code, regions_under

logger = logging.getLogger(__name__)

TABLE = "discovered_sites"
START_URN = "urn:nianbao:discovery:"
FOUND_URN = "urn:nianbao:discovered:"
COLUMNS = {
    "id": str,
    "start_region_code": str,
    "start_name": str,
    "start_url": str,
    "status": str,  # start | found | no portal found
    "kind": str,  # government | department (found rows); division (missing ones)
    "name": str,
    "region_code": str,
    "level": str,
    "url": str,
    "path_scope": str,
    "found_on": str,
    "link_text": str,
    "depth": int,
    "crawl_id": str,
    "warc_filename": str,
    "warc_offset": int,
}
MISSING = "no portal found"


def discovery_rows(record: ArchivedRecord) -> list[dict]:
    """The row a discovery record makes (none for any other record)."""
    uri = record.target_uri or ""
    if record.rec_type != "metadata" or not uri.startswith((START_URN, FOUND_URN)):
        return []
    fields = record.fields
    start = fields.get("start-region-code")
    if not start:
        logger.warning(
            "Discovery record %s at %s@%d names no start", uri, record.filename, record.offset
        )
        return []
    row = {
        "start_region_code": start,
        "start_name": fields.get("start-name"),
        "start_url": fields.get("start-url"),
        "crawl_id": fields.get("crawl-id"),
        "warc_filename": record.filename,
        "warc_offset": record.offset,
    }
    if uri.startswith(START_URN):
        region = region_by_code(start)
        return [
            {
                **row,
                "id": f"{start}:start",
                "status": "start",
                "kind": "government",
                "name": fields.get("start-name"),
                "region_code": start,
                "level": region.level if region else None,
                "url": fields.get("start-url"),
            }
        ]
    depth = fields.get("depth", "")
    return [
        {
            **row,
            "id": f"{start}:{fields.get('url')}",
            "status": "found",
            "kind": fields.get("kind"),
            "name": fields.get("name"),
            "region_code": fields.get("region-code"),
            "level": fields.get("level"),
            "url": fields.get("url"),
            "path_scope": fields.get("path-scope"),
            "found_on": fields.get("found-on"),
            "link_text": fields.get("link-text"),
            "depth": int(depth) if depth.isdigit() else None,
        }
    ]


def store_discovered(db, rows: list[dict]) -> None:
    if rows:
        db.table(TABLE).upsert_all(rows, pk="id", columns=COLUMNS, alter=True)


def refresh_missing(db) -> None:
    """Rewrite the ``no portal found`` rows: divisions under each start without a found portal."""
    if TABLE not in db.table_names():
        return
    starts = list(
        db.query(
            f"select start_region_code, start_name, start_url from {TABLE} where status = 'start'"
        )
    )
    found = {
        row["region_code"]
        for row in db.query(
            f"select distinct region_code from {TABLE} where status in ('start', 'found')"
            " and kind = 'government'"
        )
    }
    rows = [
        {
            "id": f"{start['start_region_code']}:missing:{region.code}",
            **start,
            "status": MISSING,
            "kind": "division",
            "name": region.name,
            "region_code": region.code,
            "level": region.level,
        }
        for start in starts
        for region in regions_under(start["start_region_code"])
        if region.code not in found
    ]
    with db.atomic():
        db.execute(f"delete from {TABLE} where status = ?", [MISSING])
        store_discovered(db, rows)
