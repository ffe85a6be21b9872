"""A small published archive for the publish tests: real report texts in WARC, their database.

The five real reports in ``imitation/seeds`` (with their gold values) become a WARC archive in
several shapes — a gzip-coded UTF-8 page that carries a script, a PDF attachment, a GBK page,
a brotli-coded page and a DOC attachment — and a database written with the extractor's schema
(:func:`extract.db.open_database`), plus two more years of one agency so that charts and
year-by-year queries have something to show, one report published late and one whose numbers
do not add up.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import brotli
import pytest

from archive.exchange import Exchange
from archive.reader import read_record
from archive.writer import WarcArchive
from extract import db as store
from imitation.seeds import GOLD_DIR
from imitation.seeds import SEEDS_DIR as SEEDS
from nianbao.format import parse_key, section_titles
from publish.prepare import prepare

STARTED = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
SCRIPT = "<script>document.title = 'SCRIPT RAN'; window.parent.postMessage('ran', '*');</script>"


def seed(prefix: str) -> tuple[str, dict]:
    text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    gold = json.loads(next(GOLD_DIR.glob(f"{prefix}_*.json")).read_text(encoding="utf-8"))
    return text, gold


def split_sections(text: str) -> dict[int, str]:
    """The six numbered sections of a report's text, by their headings (all of it in 1 if none).

    The text before the first heading (the preamble) is kept in the first section."""
    numerals = "一二三四五六"
    starts = []
    for number, title in section_titles().items():
        pattern = numerals[number - 1] + r"\s*[、.．]\s*" + r"\s*".join(map(re.escape, title[:4]))
        found = re.search(pattern, text)
        starts.append((found.start() if found else None, number))
    known = sorted((start, number) for start, number in starts if start is not None)
    if not known:
        return {1: text}
    sections = {}
    for i, (start, number) in enumerate(known):
        end = known[i + 1][0] if i + 1 < len(known) else len(text)
        sections[number] = text[0 if i == 0 else start : end]  # the preamble goes with the first
    return sections


def pdf_bytes(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("STSong-Light", 12)
    for i, line in enumerate(lines[:40]):
        pdf.drawString(60, 800 - 18 * i, line[:40])
    pdf.save()
    return buffer.getvalue()


def html_page(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return (
        f'<!DOCTYPE html><html><head><meta charset="{{charset}}"><title>{title}</title>{SCRIPT}</head>'
        f'<body><h1>{title}</h1><div id="zoom">{paragraphs}</div>'
        '<img src="http://www.example.gov.cn/logo.png"></body></html>'
    )


@dataclass
class Capture:
    report_id: str
    url: str
    record_id: str
    filename: str
    offset: int
    digest: str
    date: str
    body: bytes  # the payload as archived (content coding applied)
    plain: bytes  # the payload decoded
    content_type: str
    encoding: str | None


@dataclass
class Published:
    archive_dir: Path
    db_path: Path
    captures: dict[str, Capture] = field(default_factory=dict)  # by report id

    def by_type(self, source_type: str) -> Capture:
        return next(
            c
            for c in self.captures.values()
            if c.url.endswith(source_type) or source_type in c.content_type
        )


# (report id, seed, url, how it is archived, year override)
SHAPES = [
    (
        "changle2020",
        "000",
        "http://www.changle.gov.cn/art/2021/1/22/art_1_1.html",
        "html-gzip",
        None,
    ),
    (
        "anqiu2020",
        "001",
        "http://www.anqiu.gov.cn/attach/2020%E5%B9%B4%E6%8A%A5.pdf",
        "pdf",
        None,
    ),  # 2020年报.pdf
    ("suibin2021", "002", "http://www.suibin.gov.cn/zwgk/2022/0120.html", "html-gbk", None),
    ("liaocheng2021", "003", "http://wjw.liaocheng.gov.cn/xxgk/2021nb.html", "html-br", None),
    ("haiyuan2020", "004", "http://www.haiyuan.gov.cn/files/2020nb.doc", "doc", None),
    (
        "changle2019",
        "000",
        "http://www.changle.gov.cn/art/2020/1/20/art_1_0.html",
        "html-gzip",
        2019,
    ),
    (
        "changle2022",
        "000",
        "http://www.changle.gov.cn/art/2023/2/20/art_1_2.html",
        "html-gzip",
        2022,
    ),
]


def _payload(shape: str, title: str, text: str) -> tuple[bytes, bytes, str, str | None]:
    """(archived body, plain body, Content-Type, Content-Encoding)."""
    if shape == "pdf":
        plain = pdf_bytes([title] + text.splitlines())
        return plain, plain, "application/pdf", None
    if shape == "doc":
        plain = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + text.encode("utf-16-le")
        return plain, plain, "application/msword", None
    charset = "gbk" if shape == "html-gbk" else "utf-8"
    plain = html_page(title, text).replace("{charset}", charset).encode(charset)
    if shape == "html-gzip":
        return gzip.compress(plain, mtime=0), plain, "text/html; charset=utf-8", "gzip"
    if shape == "html-br":
        return brotli.compress(plain), plain, "text/html; charset=utf-8", "br"
    return plain, plain, "text/html; charset=GBK", None


def _head(content_type: str, encoding: str | None, length: int) -> bytes:
    lines = [
        "HTTP/1.1 200 OK",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        "Server: nginx",
    ]
    if encoding:
        lines.append(f"Content-Encoding: {encoding}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def build_published(root: Path) -> Published:
    """Write the archive under ``root/warc`` and the database ``root/nianbao.db``."""
    published = Published(root / "warc", root / "nianbao.db")
    rows = []
    with WarcArchive(published.archive_dir, started=STARTED) as archive:
        for i, (report_id, prefix, url, shape, year) in enumerate(SHAPES):
            text, gold = seed(prefix)
            year = year or gold["year"]
            title = f"{gold['agency']}{year}年政府信息公开工作年度报告"
            body, plain, content_type, encoding = _payload(shape, title, text)
            host = url.split("/")[2]
            request = f"GET /{url.split('/', 3)[3]} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            started = STARTED.replace(minute=30 + i)
            location = archive.write_exchange(
                Exchange(
                    url, request, _head(content_type, encoding, len(body)), body, started=started
                ),
                {
                    "site-name": gold["agency"],
                    "kind": "page" if shape.startswith("html") else "attachment",
                },
            )
            published.captures[report_id] = Capture(
                report_id,
                url,
                location.response_id,
                location.filename,
                location.offset,
                location.payload_digest,
                location.date,
                body,
                plain,
                content_type,
                encoding,
            )
            rows.append((report_id, gold, text, year, shape))
    _write_database(published, rows)
    prepare(published.db_path)  # as make demo/crawl do: the server only reads
    return published


def _published_date(report_id: str, gold: dict, year: int) -> tuple[str | None, str | None]:
    """(printed date, page date): changle2022 is late (a department's deadline is 31 January)."""
    if report_id == "changle2022":
        return "2023-02-18", "2023-02-20"
    if report_id == "changle2019":
        return "2020-01-20", "2020-01-20"
    return gold.get("published"), None


def _write_database(published: Published, rows: list) -> None:
    db = store.open_database(published.db_path)
    for report_id, gold, text, year, shape in rows:
        capture = published.captures[report_id]
        printed, page_date = _published_date(report_id, gold, year)
        sections = split_sections(text)
        cells = []
        for key, value in gold["cells"].items():
            tbl, row, col = parse_key(key)
            if report_id == "changle2022" and key == "requests.new.total":
                value = 7  # changle's requests grow over the years, and this year's do not add up
            elif report_id == "changle2019" and key == "requests.new.total":
                value = 2
            cells.append(
                {
                    "report_id": report_id,
                    "tbl": tbl,
                    "row": row,
                    "col": col,
                    "value": value,
                    "raw": None if value is None else str(value),
                    "note": None,
                    "derived": 0,
                }
            )
        source_type = {"pdf": "pdf", "doc": "doc"}.get(shape, "html")
        db.table("reports").insert(
            {
                "id": report_id,
                "title": f"{gold['agency']}{year}年政府信息公开工作年度报告",
                "agency": gold["agency"],
                "year": year,
                "format_version": gold["format_version"],
                "region_code": gold["region_code"],
                "published": printed,
                "page_published": page_date,
                "source_url": capture.url,
                "page_url": capture.url,
                "source_type": source_type,
                "captured_at": capture.date,
                "warc_filename": capture.filename,
                "warc_record_id": capture.record_id,
                "warc_offset": capture.offset,
                "payload_digest": capture.digest,
                "site_name": gold["agency"],
                "level": gold["level"],
                **{f"section_{n}": sections.get(n) for n in range(1, 7)},
                "copies": 1,
                "cells_read": len(cells),
                "checks_failed": 1 if report_id == "changle2022" else 0,
            }
        )
        db.table("cells").insert_all(cells)
        db.table("checks").insert_all(
            [
                {
                    "report_id": report_id,
                    "rule": "requests_balance",
                    "ok": 0 if report_id == "changle2022" else 1,
                    "detail": "total: 7 + 0 != 0 + 0" if report_id == "changle2022" else "",
                },
            ]
        )
        db.table("documents").insert(
            {
                "record_id": capture.record_id,
                "url": capture.url,
                "warc_filename": capture.filename,
                "warc_offset": capture.offset,
                "payload_digest": capture.digest,
                "captured_at": capture.date,
                "http_status": 200,
                "content_type": capture.content_type,
                "kind": "page",
                "source_type": source_type,
                "title": None,
                "page_url": capture.url,
                "site_name": gold["agency"],
                "is_report": 1,
                "report_id": report_id,
                "role": "source",
                "reason": None,
            }
        )
    for filename in sorted({capture.filename for capture in published.captures.values()}):
        size = (published.archive_dir / filename).stat().st_size
        db.table("processed_warcs").insert(
            {
                "filename": filename,
                "archive_dir": str(published.archive_dir.resolve()),
                "size": size,
                "offset": size,
                "complete": 1,
                "records": len(published.captures),
                "updated_at": "2024-05-01T09:00:00+00:00",
            }
        )
    db.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Published:
    return build_published(tmp_path_factory.mktemp("published"))


def test_fixture_archive_reads_back_as_written(published):
    for capture in published.captures.values():
        record = read_record(published.archive_dir / capture.filename, capture.offset)
        assert record.record_id == capture.record_id
        assert record.payload == capture.body
        assert record.target_uri == capture.url


def test_fixture_sections_split_on_the_real_headings():
    text, _ = seed("000")
    sections = split_sections(text)
    assert set(sections) == {1, 2, 3, 4, 5, 6}
    assert sections[4].lstrip().startswith("四")
    assert "".join(sections[n] for n in range(1, 7)) == text
