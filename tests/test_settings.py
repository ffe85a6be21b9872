"""Settings: one default each, in crawler/settings.py; optional features switch on as add-ons."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from crawler.browser.cookies import BrowserCookiesMiddleware
from crawler.browser.rendered import RenderedDomArchive
from crawler.conditional import ConditionalRequestMiddleware
from crawler.recrawl import RecrawlArchiveExtension
from crawler.spiders.reports import ReportsSpider

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_PY = ROOT / "crawler" / "settings.py"
GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getdictorlist"}


def setting_reads_with_a_default(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in GETTERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and re.fullmatch(r"[A-Z][A-Z0-9_]+", node.args[0].value)
            and (len(node.args) > 1 or node.keywords)
        ):
            yield f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value}"


def project_setting_names() -> list[str]:
    tree = ast.parse(SETTINGS_PY.read_text(encoding="utf-8"))
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    ]


def resolved(**overrides):
    """The project's settings as a crawl sees them: command-line overrides, then the add-ons."""
    settings = get_project_settings()
    settings.setdict(overrides, "cmdline")
    crawler = Crawler(ReportsSpider, settings)
    crawler.addons.load_settings(crawler.settings)
    return crawler.settings


def components(settings, name: str) -> list:
    return [load_object(c) for c in build_component_list(settings.getwithbase(name))]


def test_no_setting_is_read_with_a_default_of_its_own():
    sources = [p for p in ROOT.glob("crawler/**/*.py") if p != SETTINGS_PY]
    reads = [hit for path in sources for hit in setting_reads_with_a_default(path)]
    assert reads == []


def test_each_setting_is_assigned_once():
    names = project_setting_names()
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [n for n in project_setting_names() if f"`{n}`" not in readme] == []


def test_the_browser_and_recrawl_addons_put_their_parts_in():
    settings = resolved()
    middlewares = components(settings, "DOWNLOADER_MIDDLEWARES")
    assert BrowserCookiesMiddleware in middlewares and CookiesMiddleware not in middlewares
    assert ConditionalRequestMiddleware in middlewares
    extensions = components(settings, "EXTENSIONS")
    assert RecrawlArchiveExtension in extensions and RenderedDomArchive in extensions
    assert settings.getdict("DOWNLOAD_HANDLERS")["https"].endswith("BrowserDownloadHandler")


@pytest.mark.parametrize("override", [{"BROWSER_ENABLED": "False"}, {"BROWSER_ENABLED": "0"}])
def test_without_the_browser_the_crawl_keeps_plain_capture(override):
    settings = resolved(**override)
    assert set(settings.getdict("DOWNLOAD_HANDLERS").values()) == {
        "crawler.capture.CapturingHTTPDownloadHandler"
    }
    assert CookiesMiddleware in components(settings, "DOWNLOADER_MIDDLEWARES")
    assert not settings["REQUEST_FINGERPRINTER_CLASS"].endswith("BrowserAwareRequestFingerprinter")


def test_a_handler_given_on_the_command_line_wins_over_the_addon():
    settings = resolved(
        DOWNLOAD_HANDLERS={"https": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"}
    )
    assert settings.getdict("DOWNLOAD_HANDLERS")["https"].endswith("HTTP11DownloadHandler")
