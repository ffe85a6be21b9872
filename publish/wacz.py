"""Export a crawl as one WACZ file, to open in ReplayWeb.page or hand to someone whole.

    python -m publish.wacz data/warc --out crawl.wacz [--title TEXT] [--description TEXT]

The WACZ (Web Archive Collection Zipped, format 1.1.1) is assembled by the ``wacz`` package
(py-wacz): the WARC files stored in the zip as they are (not recompressed, so replay can seek to
a record), the CDXJ index (``indexes/index.cdx.gz`` in compressed blocks, with ``index.idx``),
``datapackage.json`` listing every file with its SHA-256, and ``datapackage-digest.json`` with
the hash of that. What this module adds is the page list: ``pages/pages.jsonl`` names the report
pages — the captures the crawler marked ``kind: report`` in their metadata record — with the
title and text read from their HTML, so ReplayWeb.page opens on the reports and its search
finds them by their words.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warcio.timeutils import iso_date_to_datetime

from archive import layout
from archive.reader import ArchivedRecord, decode_content, iter_captures, read_record
from extract.documents.html import read_html
from extract.documents.model import DocumentError

logger = logging.getLogger(__name__)

DEFAULT_TITLE = "nianbao: government information-disclosure annual reports"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class ReportPage:
    """One entry of ``pages/pages.jsonl``: a report page's latest successful capture."""

    id: str  # the response record's UUID: a page can be traced to its record
    url: str
    ts: str  # the capture's WARC-Date, which replay uses to pick the capture
    title: str
    text: str

    def as_json(self) -> str:
        entry = {"id": self.id, "url": self.url, "ts": self.ts, "title": self.title}
        if self.text:
            entry["text"] = self.text
        return json.dumps(entry, ensure_ascii=False)


@dataclass
class WaczExport:
    path: Path
    warcs: list[Path]
    pages: list[ReportPage]


def export_wacz(
    archive_dir: str | Path,
    out: str | Path,
    *,
    title: str = DEFAULT_TITLE,
    description: str | None = None,
) -> WaczExport:
    """Write every finished WARC file under ``archive_dir`` into the WACZ file ``out``.

    The file appears only when complete (it is written as ``out.part`` and renamed).
    """
    warcs = finished_warcs(archive_dir)
    pages = report_pages(warcs)
    out = Path(out)
    if description is None:
        description = describe(warcs, pages)
    partial = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(prefix="nianbao-wacz-") as work:
        pages_file = Path(work) / "pages.jsonl"
        write_pages(pages, pages_file)
        # --copy-pages: our page list as written; py-wacz would otherwise rebuild each entry
        # (new random ids, second-precision timestamps).
        arguments = [
            "create",
            "--output",
            str(partial),
            "--pages",
            str(pages_file),
            "--copy-pages",
            "--title",
            title,
            "--desc",
            description,
            *map(str, warcs),
        ]
        try:
            run_py_wacz(arguments)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return WaczExport(out, warcs, pages)


def finished_warcs(archive_dir: str | Path) -> list[Path]:
    """The finished WARC files under ``archive_dir`` (recursively), in name order.

    A WACZ keeps them side by side in ``archive/``, so two with one name are refused; files
    still being written (``.open``) are left out.
    """
    warcs = []
    for path in layout.list_warcs(archive_dir, include_open=True):
        if layout.is_open(path):
            logger.warning("Leaving out %s: it is still being written (or needs repair)", path)
        else:
            warcs.append(path)
    if not warcs:
        raise FileNotFoundError(f"no finished WARC files under {archive_dir}")
    names: dict[str, Path] = {}
    for path in warcs:
        if path.name in names:
            raise ValueError(f"two WARC files are named {path.name}: {names[path.name]} and {path}")
        names[path.name] = path
    return warcs


def report_pages(warcs: Iterable[Path]) -> list[ReportPage]:
    """The latest successful capture of every report page, in capture order.

    A first pass reads no payloads (a crawl is mostly attachments); only the chosen captures
    are read back, by offset.
    """
    latest: dict[str, tuple[str, Path, int, dict[str, str]]] = {}
    for path in warcs:
        for capture in iter_captures(path, with_payload=False):
            response = capture.response
            if (
                capture.metadata.get(layout.KIND) != layout.CaptureKind.REPORT
                or not 200 <= (response.http_status or 0) < 300
            ):
                continue
            previous = latest.get(response.target_uri)
            if previous is None or _moment(previous[0]) <= _moment(response.date):
                latest[response.target_uri] = (
                    response.date,
                    path,
                    response.offset,
                    capture.metadata,
                )
    chosen = sorted(latest.values(), key=lambda entry: _moment(entry[0]))
    return [read_page(read_record(path, offset), metadata) for _, path, offset, metadata in chosen]


def read_page(record: ArchivedRecord, metadata: dict[str, str]) -> ReportPage:
    """A report page's entry: title and text from its HTML, else the link that named it."""
    title = text = ""
    content_type = (record.content_type or "").split(";")[0].strip().lower()
    if content_type in HTML_TYPES or not content_type:
        # The extractor's HTML reading (charset sniffing for GBK pages without a declared
        # charset, article finding): the database's titles come from it too.
        try:
            body = decode_content(record.payload or b"", record.http_header("Content-Encoding"))
            document = read_html(body, content_type=record.content_type, url=record.target_uri)
            title, text = document.title or "", document.text
        except (ValueError, DocumentError) as exc:
            logger.warning("Could not read the HTML of %s: %s", record.target_uri, exc)
    named = metadata.get(layout.VIA_TEXT, "").strip()
    if named and title in named:
        # The link that led here names the same report more fully (a flip-book viewer titled
        # 2021年…年度报告, linked as 绥滨县人民政府2021年…年度报告), or the page has no title.
        title = named
    title = title or metadata.get(layout.FILENAME) or record.target_uri
    record_id = record.record_id.removeprefix("<urn:uuid:").removesuffix(">")
    return ReportPage(id=record_id, url=record.target_uri, ts=record.date, title=title, text=text)


def write_pages(pages: list[ReportPage], path: Path) -> None:
    header = {"format": "json-pages-1.0", "id": "pages", "title": "Report pages"}
    if any(page.text for page in pages):
        header["hasText"] = True
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for page in pages:
            out.write(page.as_json() + "\n")


def describe(warcs: list[Path], pages: list[ReportPage]) -> str:
    if not pages:
        return f"A nianbao crawl: {len(warcs)} WARC files, no report page."
    first, last = pages[0].ts[:10], pages[-1].ts[:10]
    dates = first if first == last else f"{first} to {last}"
    return (
        f"A nianbao crawl: {len(pages)} report pages captured {dates}, in {len(warcs)} WARC files."
    )


def run_py_wacz(arguments: list[str]) -> None:
    """Run py-wacz's command line in this process; its chatter goes to the debug log."""
    from wacz.main import main as py_wacz

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        status = py_wacz(arguments)
    for line in chatter.getvalue().splitlines():
        logger.debug("wacz: %s", line)
    if status != 0:
        raise RuntimeError(f"wacz create failed ({status}):\n{chatter.getvalue()[-2000:]}")


def _moment(warc_date: str):
    return iso_date_to_datetime(warc_date)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m publish.wacz",
        description="Export a crawl's WARC files as one WACZ file, with its report pages listed.",
    )
    parser.add_argument("archive_dir", help="the crawl's ARCHIVE_DIR (searched recursively)")
    parser.add_argument(
        "--out", default="crawl.wacz", help="the WACZ file to write (default: %(default)s)"
    )
    parser.add_argument("--title", default=DEFAULT_TITLE, help="the collection's title")
    parser.add_argument(
        "--description", help="the collection's description (default: what it holds)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        export = export_wacz(
            args.archive_dir, args.out, title=args.title, description=args.description
        )
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        parser.exit(1, f"error: {exc}\n")
    print(f"Wrote {export.path}: {len(export.warcs)} WARC files, {len(export.pages)} report pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
