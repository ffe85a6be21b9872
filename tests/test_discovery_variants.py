"""Discovery on sites this repository's own templates never showed: 40 variant sites, one crawl.

The sites (imitation/variants) draw their platform pager, markup, encoding and layout from a
fixed seed, so passing means reading TRS, Hanweb, VSB, plain and script-filled lists in general,
not one template of each.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from imitation.variants import build_variant_farm
from imitation.variants.score import crawl_variants, score

SEED = 11
SITES = 40


@pytest.fixture(scope="module")
def variant_crawl(tmp_path_factory):
    farm = build_variant_farm(SITES, SEED)
    out = tmp_path_factory.mktemp("variants")
    items, log = crawl_variants(farm, out)
    return farm, out, items, log


def test_the_sites_are_varied():
    farm = build_variant_farm(SITES, SEED)
    templates = Counter(site.template.split(":")[1] for site in farm.sites)
    assert len(templates) >= 12, templates
    assert {site.platform for site in farm.sites} == {"trs", "hanweb", "vsb", "plain", "scripted"}
    styles = [site for site in farm.sites if len(site.hosts) > 1]
    assert styles, "no site has its disclosure column on a subdomain"


def test_every_report_is_found_and_no_lookalike_taken(variant_crawl):
    farm, _, items, _ = variant_crawl
    result = score(farm, items)
    assert result.missed == []
    assert result.wrong == []
    decoys = set().union(*(site.decoys for site in farm.sites))
    assert decoys and not decoys & {item["url"] for item in items if item["type"] == "report"}


def test_every_attachment_is_fetched(variant_crawl):
    farm, _, items, _ = variant_crawl
    assert score(farm, items).attachments_missed == []


def test_figures_per_site_are_kept_beside_the_warcs(variant_crawl):
    farm, out, _, log = variant_crawl
    records = [json.loads(line) for line in (out / "warc" / "sites.jsonl").read_text().splitlines()]
    by_host = {record["site_key"].split("#")[0]: record for record in records}
    assert set(by_host) == {site.host for site in farm.sites}
    for site in farm.sites:
        record = by_host[site.host]
        assert record["report_columns"] >= 1, site.template
        assert record["problems"] == [], (site.template, record["problems"])
        assert record["reports"] >= len(site.reports)
    scripted = [by_host[site.host] for site in farm.sites if site.platform == "scripted"]
    assert all(record["browser_pages"] >= 1 for record in scripted)
    plain = [by_host[site.host] for site in farm.sites if site.platform != "scripted"]
    assert sum(record["browser_pages"] for record in plain) == 0, "an ordinary page was rendered"
    assert "SITE NOT UNDERSTOOD" not in log
