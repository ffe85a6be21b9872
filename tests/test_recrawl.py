"""Periodic crawls: the farm crawled twice with one JOBDIR and ARCHIVE_DIR, then extracted.

Between the crawls one report is revised, one deleted (410), one no longer linked from its list
and one file linked from a new URL;
the hosts send different validators, one ignores conditional requests, one sends none
(imitation/recrawl_sites.py). The second crawl must ask conditionally, archive what did not
change as revisit records a replay tool can resolve, still walk every site, and the database
must keep both versions of the revised report and record the deleted one as gone.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from archive.http_head import dechunked_head, parse_head, split_message
from archive.reader import decode_content, iter_records, read_record
from archive.record_parts import REVISIT_PROFILES
from imitation.crawl_run import proxy_env
from imitation.farm import build_farm
from imitation.recrawl_sites import RecrawlFarm, bump_new_requests
from imitation.server import GovFarmServer, Sent
from publish.citations import Source, gbt7714
from publish.replay import make_collection
from tests.crawling import ROOT, crawl_command, read_items
from tests.replaying import fetch, pywb_tool, running_wayback

CHANGLE = "http://www.changle.gov.cn"
REVISED = f"{CHANGLE}/art/2022/1/21/art_1229371234_10004.html"
DELETED = f"{CHANGLE}/art/2024/1/23/art_1229371234_10006.html"
MOVED_PAGE = f"{CHANGLE}/art/2021/1/22/art_1229371234_10003.html"
OLD_FILE, NEW_FILE = (
    f"{CHANGLE}/upload/2021/01/20210122nb.pdf",
    f"{CHANGLE}/upload/2021/01/moved/20210122nb.pdf",
)
IGNORING_HOST = "www.hy.gov.cn"
UNLINKED, ITS_LIST = (
    "http://wjw.liaocheng.gov.cn/info/1141/23456.htm",
    "http://wjw.liaocheng.gov.cn/xxgk/zfxxgknb/1.htm",
)
FIVE = (
    "WARC-Profile",
    "WARC-Payload-Digest",
    "WARC-Refers-To",
    "WARC-Refers-To-Target-URI",
    "WARC-Refers-To-Date",
)


@dataclass
class Run:
    items: list[dict]
    sent: list[Sent]
    log: str
    files: list[Path]

    def records(self, rec_type: str) -> list:
        """(WARC headers, parsed HTTP head, block as stored) of every record of this type, by warcio."""
        found = []
        for path in self.files:
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream, no_record_parse=True):
                    if record.rec_type == rec_type:
                        block = record.raw_stream.read()
                        found.append(
                            (record.rec_headers, Head(*parse_head(split_message(block)[0])), block)
                        )
        return found


@dataclass
class Head:
    start_line: str
    headers: list[tuple[str, str]]

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    @property
    def status(self) -> str:
        return self.start_line.split(" ")[1]


@dataclass
class Recrawl:
    site: RecrawlFarm
    out: Path
    first: Run
    second: Run
    db: sqlite_utils.Database


def crawl_and_extract(site: RecrawlFarm, server: GovFarmServer, out: Path, name: str) -> Run:
    before = set((out / "warc").glob("*.warc.gz")) if (out / "warc").exists() else set()
    server.reset_log()
    site.farm.reset()
    command = crawl_command(out / "sites.csv", out, jobdir=out / "job", found=f"{name}.jsonl")
    result = subprocess.run(
        command, cwd=ROOT, env=proxy_env(server), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    extract = subprocess.run(
        [sys.executable, "-m", "extract", str(out / "warc"), "--db", str(out / "nianbao.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert extract.returncode == 0, extract.stderr[-4000:]
    files = sorted(set((out / "warc").glob("*.warc.gz")) - before)
    return Run(read_items(out / f"{name}.jsonl"), list(server.sent), result.stderr, files)


@pytest.fixture(scope="module")
def recrawl(tmp_path_factory) -> Recrawl:
    out = tmp_path_factory.mktemp("recrawl")
    farm = build_farm()
    (out / "sites.csv").write_text(farm.sites_csv(), encoding="utf-8")
    site = RecrawlFarm(farm)
    with GovFarmServer(site.hosts) as server:
        first = crawl_and_extract(site, server, out, "first")
        site.revise(REVISED, bump_new_requests)
        site.delete(DELETED, 410)
        site.move(MOVED_PAGE, OLD_FILE, NEW_FILE)
        site.unlink(ITS_LIST, UNLINKED)
        time.sleep(1.1)  # WARC file names carry the crawl's start to the second
        second = crawl_and_extract(site, server, out, "second")
    return Recrawl(site, out, first, second, sqlite_utils.Database(out / "nianbao.db"))


def responses(run: Run) -> dict[str, list]:
    by_url: dict[str, list] = {}
    for headers, http, _ in run.records("response"):
        by_url.setdefault(headers.get_header("WARC-Target-URI"), []).append((headers, http))
    return by_url


def revisits(run: Run) -> dict[str, tuple]:
    records = run.records("revisit")
    by_url = {
        headers.get_header("WARC-Target-URI"): (headers, http, block)
        for headers, http, block in records
    }
    assert len(by_url) == len(records), "a URL was revisited twice in one crawl"
    return by_url


def test_the_second_crawl_asks_with_the_validators_of_the_first(recrawl):
    first = responses(recrawl.first)
    asked = {
        headers.get_header("WARC-Target-URI"): http
        for headers, http, _ in recrawl.second.records("request")
    }
    expect = {
        "www.anqiu.gov.cn": {"If-None-Match", "If-Modified-Since"},
        "www.changle.gov.cn": {"If-None-Match"},
        "wjw.liaocheng.gov.cn": {"If-Modified-Since"},
        IGNORING_HOST: {"If-None-Match", "If-Modified-Since"},
        "www.suibin.gov.cn": set(),
    }
    checked = Counter()
    for url, http in asked.items():
        host = url.split("/")[2]
        sent = {name for name in ("If-None-Match", "If-Modified-Since") if http.get(name)}
        if (
            not http.start_line.startswith("GET ")
            or url not in first
            or first[url][-1][1].status != "200"
        ):
            assert not sent, url  # nothing to compare with: an unconditional request
            continue
        assert sent == expect[host], url
        previous = first[url][-1][1]
        assert http.get("If-None-Match") == previous.get("ETag")
        assert http.get("If-Modified-Since") == previous.get("Last-Modified")
        checked[host] += 1
    assert all(checked[host] >= 5 for host in expect if expect[host]), checked
    assert Counter(s.status for s in recrawl.second.sent)[304] >= 50
    # What the archived request records say was sent is what the servers received.
    with_validators = {
        url
        for url, http in asked.items()
        if http.get("If-None-Match") or http.get("If-Modified-Since")
    }
    assert with_validators - {url for url, _ in recrawl.site.conditional} == {
        DELETED
    }  # answered 410 unasked
    for url, received in recrawl.site.conditional:
        assert {name: asked[url].get(name) for name in received} == received, url


def test_every_304_is_a_server_not_modified_revisit_naming_its_original(recrawl):
    originals = {
        headers.get_header("WARC-Record-ID"): headers
        for headers, _, _ in recrawl.first.records("response")
    }
    not_modified = {s.url: s for s in recrawl.second.sent if s.status == 304}
    found = {
        url: entry
        for url, entry in revisits(recrawl.second).items()
        if entry[0].get_header("WARC-Profile") == REVISIT_PROFILES["server-not-modified"]
    }
    assert set(found) == set(not_modified)
    for url, (headers, _http, block) in found.items():
        assert all(headers.get_header(name) for name in FIVE), url
        original = originals[headers.get_header("WARC-Refers-To")]
        assert (
            original.get_header("WARC-Target-URI")
            == headers.get_header("WARC-Refers-To-Target-URI")
            == url
        )
        assert original.get_header("WARC-Date") == headers.get_header("WARC-Refers-To-Date")
        assert original.get_header("WARC-Payload-Digest") == headers.get_header(
            "WARC-Payload-Digest"
        )
        assert block == not_modified[url].raw_head  # the 304 as it came, no body


def test_the_spider_still_walks_every_site(recrawl):
    expected = {report.url for report in recrawl.site.farm.expected.reports}
    found = {item["url"] for item in recrawl.second.items if item["type"] == "report"}
    assert found == expected - {DELETED, UNLINKED}
    assert not [s for s in recrawl.second.sent if s.url == UNLINKED]
    files = {item["url"] for item in recrawl.second.items if item["type"] == "attachment"}
    assert NEW_FILE in files and OLD_FILE not in files
    assert (
        "Crawl " in recrawl.second.log and "starting a new crawl" in recrawl.second.log
    )  # JOBDIR reused


def test_only_changed_content_is_stored_again_in_full(recrawl):
    first = {
        h.get_header("WARC-Payload-Digest")
        for hs in responses(recrawl.first).values()
        for h, _ in hs
    }
    again = {
        url: [h for h, http in hs if http.status == "200"]
        for url, hs in responses(recrawl.second).items()
    }
    full = {url for url, hs in again.items() if hs}
    assert full == {
        REVISED,
        MOVED_PAGE,
        ITS_LIST,
    }  # the revised report, and the two pages whose links changed
    assert not {h.get_header("WARC-Payload-Digest") for url in full for h in again[url]} & first
    served = Counter(s.url for s in recrawl.second.sent if s.status in (200, 304))
    unchanged = [
        url
        for url, (_, http, _) in revisits(recrawl.second).items()
        if http.status in ("200", "304")
    ]
    stored = Counter(list(full) + unchanged)
    assert stored == served  # every unchanged answer became a revisit


def test_a_server_ignoring_conditionals_gets_identical_payload_revisits(recrawl):
    first = {url: hs[-1][0] for url, hs in responses(recrawl.first).items()}
    ignored = [
        s for s in recrawl.second.sent if s.url.split("/")[2] == IGNORING_HOST and s.status == 200
    ]
    assert len(ignored) >= 5 and not [
        s for s in recrawl.second.sent if IGNORING_HOST in s.url and s.status == 304
    ]
    found = revisits(recrawl.second)
    for sent in ignored:
        headers, http, block = found[sent.url]
        assert headers.get_header("WARC-Profile") == REVISIT_PROFILES["identical-payload-digest"]
        assert all(headers.get_header(name) for name in FIVE)
        assert headers.get_header("WARC-Refers-To") == first[sent.url].get_header("WARC-Record-ID")
        # The head as sent, chunked transfer undone as in every response record.
        assert block == dechunked_head(sent.raw_head, len(sent.payload)) and http.status == "200"


def test_a_missing_page_archived_before_is_an_identical_payload_revisit(recrawl):
    first = {h.get_header("WARC-Payload-Digest") for h, _, _ in recrawl.first.records("response")}
    missing = [
        (h, http)
        for h, http, _ in recrawl.second.records("response") + recrawl.second.records("revisit")
        if http.status in ("404", "410")
    ]
    repeated = [(h, http) for h, http in missing if h.get_header("WARC-Payload-Digest") in first]
    assert repeated, "the farm answers no URL with a 404 page it sent before"
    for headers, _ in repeated:
        assert headers.get_header("WARC-Type") == "revisit"
        assert headers.get_header("WARC-Profile") == REVISIT_PROFILES["identical-payload-digest"]
        assert all(headers.get_header(name) for name in FIVE)


def test_the_same_file_under_a_new_url_refers_to_the_old_one(recrawl):
    original = responses(recrawl.first)[OLD_FILE][-1][0]
    headers, _, _ = revisits(recrawl.second)[NEW_FILE]
    assert headers.get_header("WARC-Profile") == REVISIT_PROFILES["identical-payload-digest"]
    assert headers.get_header("WARC-Refers-To-Target-URI") == OLD_FILE
    assert headers.get_header("WARC-Refers-To-Date") == original.get_header("WARC-Date")
    assert headers.get_header("WARC-Refers-To") == original.get_header("WARC-Record-ID")
    assert [s.status for s in recrawl.second.sent if s.url == NEW_FILE] == [200]


def test_a_revised_report_is_kept_in_both_versions(recrawl):
    db = recrawl.db
    old, new = db.query("select * from reports where page_url = ? order by version", [REVISED])
    assert (old["version"], old["is_current"], old["superseded_by"]) == (1, 0, new["id"])
    assert (new["version"], new["is_current"], new["superseded_by"]) == (2, 1, None)
    assert old["last_seen"] < new["first_seen"] and old["gone_at"] is None
    cells = {
        r["report_id"]: r["value"]
        for r in db.query(
            "select report_id, value from cells where tbl = 'requests' and row = 'new' and col = 'natural_person'"
        )
    }
    assert cells[new["id"]] == cells[old["id"]] + 7
    # The old version stays citable: its own record, in its own WARC file, with its own digest.
    record = read_record(recrawl.out / "warc" / old["warc_filename"], old["warc_offset"])
    assert (record.record_id, record.payload_digest) == (
        old["warc_record_id"],
        old["payload_digest"],
    )
    assert old["warc_filename"] in {p.name for p in recrawl.first.files}
    assert REVISED in gbt7714(Source.from_report(old))


def test_a_deleted_report_is_recorded_gone(recrawl):
    [report] = recrawl.db.query("select * from reports where page_url = ?", [DELETED])
    [gone] = recrawl.db.query(
        "select captured_at from documents where url = ? and http_status = 410", [DELETED]
    )
    assert report["gone_at"] == gone["captured_at"] and report["is_current"] == 0
    assert report["last_seen"] == report["first_seen"] < gone["captured_at"]


def test_unchanged_reports_were_seen_again_without_being_read_again(recrawl):
    db = recrawl.db
    second_start = min(
        r["captured_at"]
        for r in db.query(
            "select captured_at from documents where warc_filename = ?",
            [recrawl.second.files[0].name],
        )
    )
    for report in db.query(
        "select * from reports where page_url not in (?, ?, ?) and is_current = 1",
        [REVISED, DELETED, UNLINKED],
    ):
        assert report["first_seen"] < second_start <= report["last_seen"], report["page_url"]
        assert report["version"] == 1 and report["gone_at"] is None
    reasons = Counter(
        r["reason"] for r in db.query("select reason from documents where revisit_of is not null")
    )
    assert set(reasons) == {"revisit: not modified", "revisit: identical payload"}
    assert sum(reasons.values()) == len(revisits(recrawl.second))
    assert not list(
        db.query(
            "select * from parsed_documents p join documents d using (record_id)"
            " where d.revisit_of is not null"
        )
    )


def test_a_report_no_longer_linked_keeps_when_it_was_last_seen(recrawl):
    [report] = recrawl.db.query("select * from reports where page_url = ?", [UNLINKED])
    first, second = recrawl.db.query("select * from crawls order by started")
    assert report["last_seen"] < second["started"].replace("+00:00", "Z") < second["finished"]
    assert (report["gone_at"], report["version"]) == (None, 1)  # not found gone: it was not asked


def test_each_crawl_is_a_row_of_the_crawls_table(recrawl):
    first, second = recrawl.db.query("select * from crawls order by started")
    assert (
        first["crawl_id"] != second["crawl_id"]
        and first["reason"] == second["reason"] == "finished"
    )
    assert first["revisits"] == 0 and first["new"] > 100 and first["sites"] == 5
    found = revisits(recrawl.second)
    not_modified = sum(
        h.get_header("WARC-Profile").endswith("server-not-modified") for h, _, _ in found.values()
    )
    assert (second["new"], second["changed"], second["gone"]) == (0, 3, 1)
    assert (second["revisits"], second["not_modified"]) == (len(found), not_modified)
    assert second["pages"] > 100 and second["archived_bytes"] < first["archived_bytes"] / 4
    logs = [
        record
        for path in recrawl.second.files
        for record in iter_records(path)
        if record.rec_type == "metadata"
        and record.target_uri == f"urn:nianbao:crawl:{second['crawl_id']}"
    ]
    assert len(logs) == 1 and b'"changed": 3' in logs[0].payload


def test_warcio_check_passes(recrawl):
    files = sorted((recrawl.out / "warc").glob("*.warc.gz"))
    assert len(files) == 2 and not list((recrawl.out / "warc").glob("*.open"))
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_digest_index_is_rebuilt_from_the_warc_files(recrawl, tmp_path):
    copy = tmp_path / "warc"
    shutil.copytree(recrawl.out / "warc", copy, ignore=shutil.ignore_patterns("index.sqlite*"))
    result = subprocess.run(
        [sys.executable, "-m", "archive.digest_index", "rebuild", str(copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

    def rows(path, query):
        with sqlite3.connect(path) as index:
            return sorted(index.execute(query).fetchall())

    for query in ("select * from urls", "select * from payloads", "select crawl_id from crawls"):
        assert rows(copy / "index.sqlite", query) == rows(
            recrawl.out / "warc" / "index.sqlite", query
        ), query


def test_extracting_again_changes_nothing(recrawl):
    columns = "id, version, superseded_by, is_current, first_seen, last_seen, gone_at"
    before = list(recrawl.db.query(f"select {columns} from reports order by id"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "extract",
            str(recrawl.out / "warc"),
            "--db",
            str(recrawl.out / "nianbao.db"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert list(recrawl.db.query(f"select {columns} from reports order by id")) == before


def test_revisits_replay_in_pywb_to_the_original_payload(recrawl, tmp_path):
    wb_manager = pywb_tool("wb-manager")
    make_collection(recrawl.out / "warc", tmp_path, wb_manager=wb_manager)
    found = revisits(recrawl.second)
    # pywb undoes a content coding on replay (the PDF was served gzip-coded).
    payloads = {
        record.record_id: decode_content(record.payload, record.http_header("Content-Encoding"))
        for path in recrawl.first.files
        for record in iter_records(path)
        if record.rec_type == "response"
    }
    ignored = next(
        s.url
        for s in recrawl.second.sent
        if IGNORING_HOST in s.url and s.url.endswith(".html") and s.status == 200
    )
    with running_wayback(tmp_path) as base:
        for url in (NEW_FILE, ignored):  # another URL's original, and the same URL's
            headers = found[url][0]
            stamp = iso_date_to_timestamp(headers.get_header("WARC-Date"))
            _, body = fetch(f"{base}/nianbao/{stamp}id_/{url}")
            assert body == payloads[headers.get_header("WARC-Refers-To")], url
