"""The layers hold: lower ones never import higher ones, and extract/publish run without Scrapy.

The contracts are import-linter's, in pyproject.toml (``[tool.importlinter]``): they follow
imports made inside functions too, and indirect ones (a → b → c).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.crawling import ROOT

CRAWL_ONLY = ("scrapy", "twisted", "scrapy_playwright", "scrapy_redis", "playwright")


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_are_kept():
    # In a fresh interpreter: import-linter reads modules a test process may have altered.
    result = python(
        f"""
        import sys
        from importlinter.cli import lint_imports
        sys.exit(lint_imports(config_filename={str(ROOT / "pyproject.toml")!r}, no_cache=True))
        """
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_extract_and_publish_load_no_scrapy_or_twisted(tmp_path):
    """Every extract and publish module imported, and the plugin started in Datasette."""
    result = python(
        f"""
        import asyncio, json, pkgutil, sqlite3, sys
        import extract, publish
        for package in (extract, publish):
            for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                # uno_bridge runs under Debian's python3 (python3-uno), never in this interpreter.
                if not module.name.endswith(("__main__", "uno_bridge")):
                    __import__(module.name)
        from publish.serve import build_datasette
        db = {str(tmp_path / "empty.db")!r}
        sqlite3.connect(db).close()
        from extract.db import open_database
        from publish.prepare import prepare
        open_database(db).close()
        prepare(db)
        datasette = build_datasette(db)
        asyncio.run(datasette.invoke_startup())
        plugins = [p["name"] for p in datasette._plugins()]
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {CRAWL_ONLY!r})
        print(json.dumps({{"plugins": plugins, "loaded": loaded}}))
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert "nianbao" in seen["plugins"]
    assert seen["loaded"] == []


def test_the_extractor_command_starts_without_scrapy():
    result = python(
        """
        import sys
        from click.testing import CliRunner
        from extract.cli import main
        outcome = CliRunner().invoke(main, ["--help"])
        assert outcome.exit_code == 0 and "ARCHIVE_DIR" in outcome.output, outcome.output
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("scrapy", "twisted")))
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"


def test_a_crawl_and_only_a_crawl_uses_the_bundled_public_suffix_list():
    """Importing the crawler package touches nothing; loading its spiders, as every ``scrapy
    crawl`` does, points Scrapy's cookie middleware at tldextract's bundled list (no download)."""
    result = python(
        """
        import sys
        import crawler, crawler.discovery.links
        assert "scrapy" not in sys.modules, "import crawler loaded Scrapy"
        from scrapy.downloadermiddlewares import cookies
        assert cookies._split_domain.suffix_list_urls != (), "patched before any crawl"
        from scrapy.spiderloader import get_spider_loader
        from scrapy.utils.project import get_project_settings
        assert "reports" in get_spider_loader(get_project_settings()).list()
        assert cookies._split_domain.suffix_list_urls == ()
        assert cookies._is_public_domain("gov.cn") and not cookies._is_public_domain("www.gov.cn")
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"
