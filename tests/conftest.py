"""Shared fixtures: the imitation government farm and a proxy server over it.

def test_something(farm, farm_server):
    ...  # crawl with http_proxy=farm_server.proxy_url; check against farm.expected
"""

from __future__ import annotations

import pytest

from imitation.farm import Farm, build_farm
from imitation.server import GovFarmServer


@pytest.fixture(scope="session")
def farm() -> Farm:
    """The test farm, built once per session (documents are made on first request)."""
    return build_farm("test")


@pytest.fixture
def farm_server(farm: Farm):
    """A fresh proxy server over ``farm`` on a free port, with the farm's per-URL state reset
    (the page that fails once fails again) and an empty send log."""
    farm.reset()
    with GovFarmServer(farm.hosts) as server:
        yield server
    farm.reset()


@pytest.fixture
def farm_sites_csv(farm: Farm, tmp_path):
    """The farm's sites list written as a CSV file; returns its path."""
    path = tmp_path / "sites.csv"
    path.write_text(farm.sites_csv(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def farm_crawl(tmp_path_factory):
    """One real crawl of a freshly built farm, shared by the tests that check its results."""
    from tests.crawling import crawl_farm

    return crawl_farm(tmp_path_factory.mktemp("farm-crawl"))
