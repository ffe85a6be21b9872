"""WARC → SQLite end to end: the five seed reports as HTML, PDF and DOCX, plus everything that is
not a report (a 404, a look-alike, a scan, a malformed PDF, a torn WARC), archived with the
project's own WARC writer and extracted by ``extract_archive`` / ``python -m extract``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.writer import WarcArchive
from extract.cli import main as cli_main
from extract.pipeline import extract_archive
from tests.extract_archive import (
    ROOT,
    SECOND_SITE_000,
    SITES,
    STARTED,
    assert_cells_match_gold,
    counts,
    exchange,
    html_page,
    meta,
    other_captures,
    query,
    seed,
    seed_captures,
    title_of,
    write_warc,
    year_after_003,
)


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
