"""WACZ export: a crawl of the imitation sites as one WACZ file, checked inside and out.

``wacz validate`` checks the package, not the WARC files in it, so those are taken out again and
put through ``warcio check``, compared byte for byte with the crawl's, and a report page is
replayed from the WACZ's own index in pywb (``wb-manager add --unpack-wacz``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.timeutils import iso_date_to_timestamp

from archive.reader import decode_content
from publish.wacz import export_wacz
from tests.crawling import ROOT, archived
from tests.replaying import fetch, pywb_tool, running_wayback

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def exported(farm_crawl, tmp_path_factory):
    out = tmp_path_factory.mktemp("wacz") / "crawl.wacz"
    command = [
        sys.executable,
        "-m",
        "publish.wacz",
        str(farm_crawl.out / "warc"),
        "--out",
        str(out),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not out.with_name(out.name + ".part").exists()
    return farm_crawl, out


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def pages_of(wacz: Path) -> tuple[dict, list[dict]]:
    header, *pages = zipfile.ZipFile(wacz).read("pages/pages.jsonl").decode("utf-8").splitlines()
    return json.loads(header), [json.loads(line) for line in pages]


def test_wacz_validate_passes(exported):
    _, wacz = exported
    result = subprocess.run(
        [str(BIN / "wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True
    )
    assert result.returncode == 0 and "the passed WACZ is valid" in result.stdout, (
        result.stdout + result.stderr
    )


def test_the_datapackage_lists_every_file_with_its_hash(exported):
    _, wacz = exported
    with zipfile.ZipFile(wacz) as package:
        names = set(package.namelist())
        assert {
            "pages/pages.jsonl",
            "indexes/index.cdx.gz",
            "indexes/index.idx",
            "datapackage.json",
            "datapackage-digest.json",
        } <= names
        datapackage_bytes = package.read("datapackage.json")
        datapackage = json.loads(datapackage_bytes)
        assert datapackage["wacz_version"] == "1.1.1" and datapackage["title"]
        resources = {resource["path"]: resource for resource in datapackage["resources"]}
        assert set(resources) == names - {"datapackage.json", "datapackage-digest.json"}
        for path, resource in resources.items():
            data = package.read(path)
            assert (resource["hash"], resource["bytes"]) == (sha256(data), len(data)), path
        digest = json.loads(package.read("datapackage-digest.json"))
        assert digest == {"path": "datapackage.json", "hash": sha256(datapackage_bytes)}


def test_warc_files_are_stored_unchanged_and_pass_warcio_check(exported, tmp_path):
    crawl, wacz = exported
    originals = {path.name: path for path in (crawl.out / "warc").glob("*.warc.gz")}
    with zipfile.ZipFile(wacz) as package:
        members = [info for info in package.infolist() if info.filename.startswith("archive/")]
        assert {Path(info.filename).name for info in members} == set(originals)
        for info in members:
            # Stored, not deflated: replay seeks straight to a record's offset in the zip.
            assert info.compress_type == zipfile.ZIP_STORED, info.filename
            assert package.read(info) == originals[Path(info.filename).name].read_bytes()
        package.extractall(tmp_path, members=members)
    extracted = sorted((tmp_path / "archive").iterdir())
    check = subprocess.run(
        [str(BIN / "warcio"), "check", *map(str, extracted)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_cdxj_index_covers_every_capture(exported):
    crawl, wacz = exported
    lines = (
        gzip.decompress(zipfile.ZipFile(wacz).read("indexes/index.cdx.gz"))
        .decode("utf-8")
        .splitlines()
    )
    indexed = set()
    for line in lines:
        _, timestamp, fields = line.split(" ", 2)
        entry = json.loads(fields)
        indexed.add((entry["url"], timestamp, entry["filename"]))
    captures = [r for r in archived(crawl.out / "warc") if r.rec_type in ("response", "revisit")]
    assert captures
    for record in captures:
        assert (record.target_uri, iso_date_to_timestamp(record.date), record.filename) in indexed


def test_pages_list_every_report_page_with_its_title_and_capture(exported):
    crawl, wacz = exported
    header, pages = pages_of(wacz)
    assert header["format"] == "json-pages-1.0" and header["hasText"] is True
    expected = {report.url: report for report in crawl.farm.expected.reports}
    assert sorted(page["url"] for page in pages) == sorted(expected)
    responses = {r.record_id: r for r in archived(crawl.out / "warc") if r.rec_type == "response"}
    for page in pages:
        assert page["title"] == expected[page["url"]].title, page["url"]
        record = responses[f"<urn:uuid:{page['id']}>"]
        assert (record.target_uri, record.date, record.http_status) == (
            page["url"],
            page["ts"],
            200,
        )
    texts = [page.get("text", "") for page in pages]
    assert (
        sum("政府信息公开" in text for text in texts) >= len(pages) - 2
    )  # flip-book viewers hold none


def test_unfinished_files_are_left_out_and_clashing_names_refused(farm_crawl, tmp_path):
    [source, *_] = sorted((farm_crawl.out / "warc").glob("*.warc.gz"))
    archive_dir = tmp_path / "warc"
    (archive_dir / "2024").mkdir(parents=True)
    shutil.copy(source, archive_dir / "2024" / source.name)
    shutil.copy(source, archive_dir / "still-writing.warc.gz.open")
    export = export_wacz(archive_dir, tmp_path / "one.wacz")
    assert export.warcs == [archive_dir / "2024" / source.name] and export.pages
    assert [
        name for name in zipfile.ZipFile(export.path).namelist() if name.startswith("archive/")
    ] == [f"archive/{source.name}"]
    shutil.copy(source, archive_dir / source.name)
    with pytest.raises(ValueError, match="two WARC files are named"):
        export_wacz(archive_dir, tmp_path / "two.wacz")
    assert not list(tmp_path.glob("two.wacz*"))


def test_report_pages_replay_from_the_wacz_in_pywb(exported, tmp_path):
    crawl, wacz = exported
    wb_manager = pywb_tool("wb-manager")
    subprocess.run(
        [wb_manager, "init", "crawl"], cwd=tmp_path, check=True, capture_output=True, timeout=120
    )
    # pywb takes the WARC files out of the WACZ and merges the WACZ's own CDXJ index.
    subprocess.run(
        [wb_manager, "add", "--unpack-wacz", "crawl", str(wacz)],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with running_wayback(tmp_path) as root:
        base = f"{root}/crawl"
        _, pages = pages_of(wacz)
        responses = {
            r.record_id: r for r in archived(crawl.out / "warc") if r.rec_type == "response"
        }
        for page in pages:
            record = responses[f"<urn:uuid:{page['id']}>"]
            headers, body = fetch(f"{base}/{iso_date_to_timestamp(page['ts'])}id_/{page['url']}")
            replayed = decode_content(body, headers.get("Content-Encoding"))
            original = decode_content(record.payload, record.http_header("Content-Encoding"))
            assert replayed == original, page["url"]
