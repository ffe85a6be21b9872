"""WARC → SQLite end to end: the five seed reports as HTML, PDF and DOCX, plus everything that is
not a report (a 404, a look-alike, a scan, a malformed PDF, a torn WARC), archived with the
project's own WARC writer and extracted by ``extract_archive`` / ``python -m extract``.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.exchange import Exchange
from archive.writer import WarcArchive
from extract.cli import main as cli_main
from extract.pipeline import extract_archive
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


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The main archive, extracted once: (directory, db path, summary, torn file name, torn offset)."""
    root = tmp_path_factory.mktemp("extract")
    directory = root / "warc"
    captures = [c for prefix in SITES for c in seed_captures(prefix)] + other_captures()
    write_warc(directory, "main", captures)
    # A torn file: its second response is cut in half.
    torn_dir = root / "torn"
    site = SITES["004"]
    locations = write_warc(
        torn_dir,
        "torn",
        [
            (exchange(f"http://{site[3]}/a.html", html_page("甲", "第一页")), meta(site, "page")),
            (
                exchange(f"http://{site[3]}/b.html", html_page("乙", "第二页" * 200)),
                meta(site, "page"),
            ),
        ],
    )
    torn = torn_dir / locations[1].filename
    data = torn.read_bytes()[: locations[1].offset + locations[1].length // 2]
    (directory / torn.name).write_bytes(data)
    db_path = root / "nianbao.db"
    summary = extract_archive(directory, db_path)
    return directory, db_path, summary, torn.name, locations[1].offset


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


# --- tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", sorted(SITES))
def test_seed_report_matches_gold(archive, prefix):
    _, db_path, *_ = archive
    gold, _ = seed(prefix)
    [report] = query(
        db_path,
        "select * from reports where agency = ? and year = ?",
        [gold["agency"], gold["year"]],
    )
    for column in ("agency", "year", "format_version", "published", "region_code", "level"):
        assert report[column] == gold[column], column
    cells = {
        (r["tbl"], r["row"], r["col"]): r["value"]
        for r in query(db_path, "select * from cells where report_id = ?", [report["id"]])
    }
    assert_cells_match_gold(cells, gold)
    # The page, its PDF and its DOCX are one report (000 and 003 have a fourth copy on a second site).
    assert report["copies"] == (4 if prefix in ("000", "003") else 3)
    assert report["page_url"] == f"http://{SITES[prefix][3]}/art/{gold['year']}/report{prefix}.html"
    assert report["site_name"] == SITES[prefix][0]
    assert report["section_1"] and report["warc_filename"].startswith("main-")


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
@pytest.mark.parametrize("prefix", sorted(SITES))
def test_every_copy_of_every_seed_parses_to_gold(archive, prefix, fmt):
    _, db_path, *_ = archive
    gold, _ = seed(prefix)
    host = SITES[prefix][3]
    url = (
        f"http://{host}/art/{gold['year']}/report{prefix}.html"
        if fmt == "html"
        else f"http://{host}/att/{prefix}.{fmt}"
    )
    [parsed] = query(db_path, "select * from parsed_documents where url = ?", [url])
    assert parsed["source_type"] == fmt
    assert (parsed["agency"], parsed["year"], parsed["format_version"]) == (
        gold["agency"],
        gold["year"],
        gold["format_version"],
    )
    cells = {(t, r, c): v for t, r, c, v, *_ in json.loads(parsed["cells"])}
    assert_cells_match_gold(cells, gold)


def test_copies_are_linked_with_roles(archive):
    _, db_path, *_ = archive
    gold, _ = seed("003")
    [report] = query(db_path, "select * from reports where agency = ?", [gold["agency"]])
    documents = query(
        db_path, "select * from documents where report_id = ? order by url", [report["id"]]
    )
    assert len(documents) == 4
    assert [d["role"] for d in documents].count("source") == 1
    [source] = [d for d in documents if d["role"] == "source"]
    assert source["url"] == report["source_url"] and source["record_id"] == report["warc_record_id"]
    assert (
        source["payload_digest"] == report["payload_digest"]
        and source["warc_offset"] == report["warc_offset"]
    )
    for copy in (d for d in documents if d["role"] == "copy"):
        assert copy["reason"] == f"duplicate of {report['source_url']}" and copy["is_report"] == 1
    # The page on the second site is byte-identical to the portal's.
    pages = [d for d in documents if d["url"].endswith("report003.html")]
    assert len({d["payload_digest"] for d in pages}) == 1 and len(pages) == 2


def test_same_report_in_other_markup_on_another_site_is_a_copy(archive):
    _, db_path, *_ = archive
    gold, _ = seed("000")
    [report] = query(db_path, "select * from reports where agency = ?", [gold["agency"]])
    [other] = query(
        db_path,
        "select * from documents where url = ?",
        [f"http://{SECOND_SITE_000[3]}/gk/2020nb.html"],
    )
    assert other["report_id"] == report["id"] and other["role"] == "copy"
    assert other["payload_digest"] != report["payload_digest"]


def test_documents_that_are_not_reports_say_why(archive):
    _, db_path, *_ = archive
    host = SITES["000"][3]
    reasons = {d["url"]: d for d in query(db_path, "select * from documents where is_report = 0")}
    assert reasons[f"http://{host}/robots.txt"]["reason"] == "robots.txt"
    assert reasons[f"http://{host}/xxgk/"]["reason"] == "listing page"
    assert reasons[f"http://{host}/art/gone.html"]["reason"] == "HTTP 404"
    assert reasons[f"http://{host}/art/gone.html"]["http_status"] == 404
    assert reasons[f"http://{host}/art/notice.html"]["reason"] == "look-alike title"
    assert reasons[f"http://{host}/att/scan.pdf"]["reason"] == "needs OCR"
    assert reasons[f"http://{host}/att/broken.pdf"]["reason"].startswith("unreadable")
    [error] = query(
        db_path, "select * from errors where url = ?", [f"http://{host}/att/broken.pdf"]
    )
    assert error["stage"] == "document" and error["reason"]


def test_torn_warc_keeps_what_came_before_and_records_the_damage(archive):
    _, db_path, summary, torn_name, torn_offset = archive
    [error] = query(db_path, "select * from errors where stage = 'read'")
    assert error["warc_filename"] == torn_name and error["offset"] == torn_offset
    assert "damaged WARC" in error["reason"]
    read = query(db_path, "select url from documents where warc_filename = ?", [torn_name])
    assert [d["url"] for d in read] == [f"http://{SITES['004'][3]}/a.html"]
    assert summary.errors_by_stage["read"] == 1


def test_summary_counts_the_run(archive):
    _, db_path, summary, *_ = archive
    assert summary.documents == counts(db_path)["documents"] == 5 * 3 + 8 + 1
    assert summary.reports == 5 and summary.warcs_read == 2
    assert sum(summary.reports_by_source_type.values()) == 5
    assert summary.not_reports["HTTP 404"] == 1 and summary.not_reports["needs OCR"] == 1
    text = "\n".join(summary.lines())
    assert "Documents read: 24" in text and "Reports extracted: 5" in text and "[read]" in text


def test_checks_are_stored_for_every_report(archive):
    _, db_path, *_ = archive
    per_report = query(
        db_path, "select report_id, count(*) n, sum(ok = 0) failed from checks group by report_id"
    )
    assert len(per_report) == 5 and {r["n"] for r in per_report} == {8}
    # The seeds are internally consistent, so nothing fails.
    assert {r["failed"] for r in per_report} == {0}


def copy_of(archive, tmp_path) -> tuple[Path, Path]:
    directory, db_path, *_ = archive
    shutil.copytree(directory, tmp_path / "warc")
    shutil.copy(db_path, tmp_path / "nianbao.db")
    return tmp_path / "warc", tmp_path / "nianbao.db"


def test_second_run_adds_nothing(archive, tmp_path):
    directory, db_path = copy_of(archive, tmp_path)
    before = counts(db_path)
    summary = extract_archive(directory, db_path)
    assert summary.documents == 0 and summary.reports == 0 and summary.warcs_skipped == 2
    assert summary.reports_in_database == 5
    assert counts(db_path) == before


def test_new_warc_is_read_alone_and_brings_cross_year_and_narrative_findings(archive, tmp_path):
    directory, db_path = copy_of(archive, tmp_path)
    site = SITES["003"]
    title, page = year_after_003(tmp_path, narrative_total=15, carried_over=2)
    write_warc(
        directory,
        "later",
        [
            (
                exchange(f"http://{site[3]}/art/2022/report.html", page),
                meta(site, "report", via=f"http://{site[3]}/xxgk/", via_text=title),
            )
        ],
    )
    summary = extract_archive(directory, db_path)
    assert summary.documents == 1 and summary.warcs_read == 1 and summary.reports == 1
    rows = query(
        db_path,
        "select r.year, c.ok, c.detail from checks c join reports r on r.id = c.report_id "
        "where r.agency = '聊城市卫生健康委员会' and c.rule = 'requests_carry_chain' order by r.year",
    )
    assert [r["year"] for r in rows] == [2021, 2022]
    assert rows[0]["ok"] is None and rows[1]["ok"] == 0
    assert "carried_over 2 != last year's carried_forward 0" in rows[1]["detail"]
    [narrative] = query(
        db_path,
        "select n.* from narrative n join reports r on r.id = n.report_id "
        "where r.year = 2022 and n.key = 'requests.new.total'",
    )
    assert (
        narrative["narrative_value"] == 15
        and narrative["table_value"] == 13
        and narrative["agrees"] == 0
    )
    assert (
        summary.checks_failed["narrative_agrees"] == 1
        and summary.checks_failed["requests_carry_chain"] == 1
    )


def test_growing_open_warc_is_resumed_at_its_last_offset(tmp_path):
    directory, db_path = tmp_path / "warc", tmp_path / "x.db"
    site = SITES["004"]
    archive = WarcArchive(directory, prefix="live", started=STARTED)
    archive.write_exchange(
        exchange(f"http://{site[3]}/one.html", html_page("一", "第一页")), meta(site, "page")
    )
    assert [p.name.endswith(".warc.gz.open") for p in directory.iterdir()] == [True]
    first = extract_archive(directory, db_path)
    archive.write_exchange(
        exchange(f"http://{site[3]}/two.html", html_page("二", "第二页")), meta(site, "page")
    )
    archive.close()  # renamed to .warc.gz: the same file, now finished
    second = extract_archive(directory, db_path)
    third = extract_archive(directory, db_path)
    assert (first.documents, second.documents, third.documents) == (1, 1, 0)
    assert third.warcs_skipped == 1
    names = {d["warc_filename"] for d in query(db_path, "select warc_filename from documents")}
    assert len(names) == 1 and names.pop().endswith(".warc.gz")
    [state] = query(db_path, "select * from processed_warcs")
    [path] = directory.iterdir()
    assert (state["complete"], state["records"], state["offset"], state["size"]) == (
        1,
        2,
        path.stat().st_size,
        path.stat().st_size,
    )


def test_half_written_group_at_the_end_of_an_open_warc_waits_for_its_metadata(tmp_path):
    source, directory, db_path = tmp_path / "src", tmp_path / "warc", tmp_path / "x.db"
    site = SITES["004"]
    archive = WarcArchive(source, prefix="live", started=STARTED)
    for name in ("one", "two"):
        second = archive.write_exchange(
            exchange(f"http://{site[3]}/{name}.html", html_page(name, "页")), meta(site, "page")
        )
    [path] = source.iterdir()
    whole = path.read_bytes()
    directory.mkdir()
    live = directory / path.name
    live.write_bytes(whole[: second.offset + second.length + 20])  # the metadata record cut short
    first = extract_archive(directory, db_path)
    live.write_bytes(whole)
    later = extract_archive(directory, db_path)
    archive.close()
    assert (first.documents, later.documents) == (1, 1) and first.errors == []
    kinds = [d["kind"] for d in query(db_path, "select kind from documents order by warc_offset")]
    assert kinds == ["page", "page"]


def test_cli_prints_the_summary(archive, tmp_path):
    directory, db_path = copy_of(archive, tmp_path)
    result = CliRunner().invoke(cli_main, [str(directory), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "Documents read: 0" in result.output and "unchanged, skipped: 2" in result.output


def test_python_m_extract(tmp_path):
    directory = tmp_path / "warc"
    gold, text = seed("000")
    write_warc(
        directory,
        "m",
        [
            (
                exchange("http://www.changle.gov.cn/r.html", html_page(title_of(gold), text)),
                meta(SITES["000"], "report", via_text=title_of(gold)),
            )
        ],
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "extract",
            str(directory),
            "--db",
            str(tmp_path / "m.db"),
            "-j",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Reports extracted: 1 (html 1); in the database: 1" in done.stdout
    assert "Reading m-" in done.stderr  # per-file progress when stderr is not a terminal
    assert query(tmp_path / "m.db", "select agency from reports")[0]["agency"] == gold["agency"]


def test_one_process_and_workers_write_the_same_rows(archive, tmp_path):
    """--jobs 0 (in this process) and the worker pool read the archive to the same tables."""
    directory, db_path, *_ = archive
    in_process = tmp_path / "in_process.db"
    extract_archive(directory, in_process, jobs=0)

    def rows(path, table, order):
        return query(path, f"select * from {table} order by {order}")

    for table, order in (("documents", "record_id"), ("cells", "rowid"), ("errors", "offset")):
        ours, theirs = rows(in_process, table, order), rows(db_path, table, order)
        drop = {"id", "created_at", "extracted_at", "logged_at"}
        assert [{k: v for k, v in r.items() if k not in drop} for r in ours] == [
            {k: v for k, v in r.items() if k not in drop} for r in theirs
        ], table
