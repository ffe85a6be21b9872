"""The archive the extraction tests read: the five seed reports as HTML, PDF and DOCX on their
sites, everything that is not a report, written with the project's own WARC writer; and the
queries and gold comparison the tests use on the database extracted from it."""

from __future__ import annotations

import gzip
import io
import json
from datetime import datetime, timezone
from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from archive.exchange import Exchange
from archive.writer import WarcArchive
from imitation.reportgen.seeds import seed_documents_many
from imitation.seeds import SEEDS_DIR as SEED_DIR
from nianbao.format import parse_key

ROOT = Path(__file__).resolve().parents[1]

STARTED = datetime(2022, 3, 1, 8, 0, tzinfo=timezone.utc)

# Seed prefix → the site it is published on: (name, region code, level, host). 001 sits on its
# city's portal, so its county code must come from the agency's name.
SITES = {
    "000": ("昌乐县人民政府", "370725", "county", "www.changle.gov.cn"),
    "001": ("潍坊市人民政府", "370700", "city", "www.weifang.gov.cn"),
    "002": ("绥滨县人民政府", "230422", "county", "www.suibin.gov.cn"),
    "003": ("聊城市人民政府", "371500", "city", "www.liaocheng.gov.cn"),
    "004": ("海原县人民政府", "640522", "county", "www.hy.gov.cn"),
}
SECOND_SITE_003 = ("聊城市卫生健康委员会", "371500", "city", "wsjkw.liaocheng.gov.cn")
# 000 again, on the bureau's own site in other markup: not the same bytes, the same report.
SECOND_SITE_000 = ("昌乐县卫生健康局", "370725", "county", "wsj.changle.gov.cn")
FORMATS = ("html", "pdf", "docx")


def seed(prefix: str) -> tuple[dict, str]:
    gold = json.loads(
        next((SEED_DIR / "gold").glob(f"{prefix}_*.json")).read_text(encoding="utf-8")
    )
    return gold, (SEED_DIR / gold["source"]).read_text(encoding="utf-8")


def title_of(gold: dict) -> str:
    return f"{gold['agency']}{gold['year']}年政府信息公开工作年度报告"


# --- documents ---------------------------------------------------------------------------------


@cache
def seed_files() -> dict[str, dict[str, bytes]]:
    """Every seed as HTML, PDF and DOCX bytes (one line per paragraph), made once."""
    paths = [SEED_DIR / seed(prefix)[0]["source"] for prefix in SITES]
    return dict(zip(SITES, seed_documents_many(paths, formats=FORMATS)))


def html_page(title: str, text: str) -> bytes:
    """A small page for the documents that are not seeds."""
    body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f"<body><div class='article'>{body}</div></body></html>"
    ).encode()


def scanned_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    for _ in range(2):
        canvas.rect(50, 50, 400, 600, fill=1)  # an image-only page: no text layer at all
        canvas.showPage()
    canvas.save()
    return out.getvalue()


# --- the archive ---------------------------------------------------------------------------------


def exchange(
    url: str,
    body: bytes,
    *,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers=(),
) -> Exchange:
    parts = urlsplit(url)
    reason = {200: "OK", 404: "Not Found"}[status]
    head = [
        f"HTTP/1.1 {status} {reason}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers),
    ]
    request = f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n"
    return Exchange(
        url=url,
        request_bytes=request.encode(),
        response_head=("\r\n".join(head) + "\r\n\r\n").encode(),
        response_body=body,
        started=STARTED,
    )


def meta(site, kind: str, **extra) -> dict[str, str]:
    name, code, level, host = site
    fields = {
        "site-name": name,
        "site-region-code": code,
        "site-level": level,
        "site-url": f"http://{host}/",
        "kind": kind,
        "depth": "2",
        "crawl-id": "test",
    }
    fields.update({k.replace("_", "-"): v for k, v in extra.items()})
    return fields


def write_warc(directory: Path, prefix: str, captures) -> list:
    with WarcArchive(directory, prefix=prefix, started=STARTED) as archive:
        return [archive.write_exchange(ex, fields) for ex, fields in captures]


def seed_captures(prefix: str) -> list:
    """A report page carrying the seed as HTML, with the same report attached as PDF and DOCX."""
    gold, _ = seed(prefix)
    site = SITES[prefix]
    host = site[3]
    page = f"http://{host}/art/{gold['year']}/report{prefix}.html"
    title = title_of(gold)
    files = seed_files()[prefix]
    html, page_headers = files["html"], ()
    if prefix == "002":  # served gzipped: the content coding must be undone first
        html, page_headers = gzip.compress(html, mtime=0), [("Content-Encoding", "gzip")]
    attachment = {"via": page, "via_text": title}
    return [
        (
            exchange(page, html, headers=page_headers),
            meta(site, "report", via=f"http://{host}/xxgk/", via_text=title),
        ),
        (
            exchange(
                f"http://{host}/att/{prefix}.pdf", files["pdf"], content_type="application/pdf"
            ),
            meta(site, "attachment", filename=f"{prefix}.pdf", **attachment),
        ),
        (
            exchange(
                f"http://{host}/att/{prefix}.docx",
                files["docx"],
                content_type="application/octet-stream",
            ),
            meta(site, "attachment", filename=f"{prefix}.docx", **attachment),
        ),
    ]


def other_captures() -> list:
    site = SITES["000"]
    host = site[3]
    gold_003, _ = seed("003")
    gold_000, text_000 = seed("000")
    lookalike = "关于做好2020年政府信息公开工作年度报告编制发布工作的通知"
    return [
        (
            exchange(
                f"http://{host}/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain"
            ),
            meta(site, "robots"),
        ),
        (
            exchange(f"http://{host}/xxgk/", html_page("政府信息公开年报", "年报列表")),
            meta(site, "listing"),
        ),
        (
            exchange(f"http://{host}/art/gone.html", b"<html>Not Found</html>", status=404),
            meta(
                site,
                "report",
                via=f"http://{host}/xxgk/",
                via_text="2019年政府信息公开工作年度报告",
            ),
        ),
        (
            exchange(
                f"http://{host}/art/notice.html",
                html_page(lookalike, "各单位：请做好年度报告编制发布工作。"),
            ),
            meta(site, "page", via=f"http://{host}/xxgk/", via_text=lookalike),
        ),
        (
            exchange(f"http://{host}/att/scan.pdf", scanned_pdf(), content_type="application/pdf"),
            meta(
                site,
                "attachment",
                via=f"http://{host}/art/scan.html",
                via_text="2018年政府信息公开工作年度报告",
            ),
        ),
        (
            exchange(
                f"http://{host}/att/broken.pdf",
                b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ngarbage",
                content_type="application/pdf",
            ),
            meta(
                site,
                "attachment",
                via=f"http://{host}/art/broken.html",
                via_text="2017年政府信息公开工作年度报告",
            ),
        ),
        # The same HTML bytes of 003 on the commission's own site.
        (
            exchange(
                f"http://{SECOND_SITE_003[3]}/art/report003.html", seed_files()["003"]["html"]
            ),
            meta(
                SECOND_SITE_003,
                "report",
                via=f"http://{SECOND_SITE_003[3]}/xxgk/",
                via_text=title_of(gold_003),
            ),
        ),
        (
            exchange(
                f"http://{SECOND_SITE_000[3]}/gk/2020nb.html",
                html_page(title_of(gold_000), text_000),
            ),
            meta(
                SECOND_SITE_000,
                "report",
                via=f"http://{SECOND_SITE_000[3]}/gk/",
                via_text=title_of(gold_000),
            ),
        ),
    ]


def year_after_003(
    directory: Path, *, narrative_total: int, carried_over: int
) -> tuple[str, bytes]:
    """聊城市卫生健康委员会's next report as HTML, made from 2021's: its prose and carry-over row edited."""
    gold, text = seed("003")
    text = text.replace("2022", "2023").replace("2021", "2022")
    text = text.replace("共受理依申请公开13件", f"共受理依申请公开{narrative_total}件")
    old_row = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"
    assert old_row in text
    text = text.replace(
        old_row,
        f"二、上年结转政府信息公开申请数量\t\t{carried_over}\t0\t0\t0\t0\t0\t{carried_over}",
    )
    path = directory / "003_next_year.txt"
    path.write_text(text, encoding="utf-8")
    [files] = seed_documents_many([path], formats=("html",))
    return f"{gold['agency']}2022年政府信息公开工作年度报告", files["html"]


def query(db_path, sql, params=()):
    db = sqlite_utils.Database(db_path)
    try:
        return list(db.query(sql, list(params)))
    finally:
        db.close()


def counts(db_path) -> dict[str, int]:
    db = sqlite_utils.Database(db_path)
    try:
        return {name: db.table(name).count for name in db.table_names()}
    finally:
        db.close()


def assert_cells_match_gold(cells: dict, gold: dict) -> None:
    accept_null = set(gold.get("accept_null", []))
    wrong = {}
    for key, expected in gold["cells"].items():
        got = cells.get(parse_key(key))
        if key in accept_null and got in (None, 0):
            continue
        if got != expected:
            wrong[key] = (got, expected)
    extra = {k: v for k, v in cells.items() if v is not None and ".".join(k) not in gold["cells"]}
    assert not wrong and not extra, f"wrong (got, expected): {wrong}; not in gold: {extra}"
