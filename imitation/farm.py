"""The farm: five imitation county/city government portals, each on a different CMS, served by
``GovFarmServer`` under their real host names, with the answer key of what a crawl should find.

    farm = build_farm()
    with GovFarmServer(farm.hosts) as server:
        ...  # crawl with http_proxy=server.proxy_url, the sites in farm.sites_csv_rows
    farm.expected.site("www.anqiu.gov.cn").report_urls

Sites (platform): www.anqiu.gov.cn (TRS), www.hy.gov.cn (Hanweb), wjw.liaocheng.gov.cn (VSB),
www.changle.gov.cn (jpaas JSON API), www.suibin.gov.cn (hand-made pages and a flip-book).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from imitation import farm_anqiu, farm_changle, farm_hy, farm_liaocheng, farm_suibin
from imitation.farm_builder import FarmState
from imitation.farm_expected import (  # noqa: F401  (re-exported: the farm's public answer key)
    Expected,
    ExpectedAttachment,
    ExpectedDecoy,
    ExpectedReport,
    ExpectedSite,
)
from imitation.farm_files import DocumentStore
from imitation.model import Routes

SITE_MODULES = (farm_anqiu, farm_hy, farm_liaocheng, farm_changle, farm_suibin)
KINDS = ("test", "demo")
CSV_COLUMNS = ("name", "region_code", "level", "url", "allowed_domains", "robots")


@dataclass
class Farm:
    hosts: dict[str, Routes]
    sites_csv_rows: list[dict]
    expected: Expected
    state: FarmState

    def reset(self) -> None:
        """Forget per-URL state (pages that fail once fail once again)."""
        self.state.reset()

    def sites_csv(self) -> str:
        """The sites list as CSV text, for the crawler's ``--sites``."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.sites_csv_rows)
        return out.getvalue()


def build_farm(kind: str = "test") -> Farm:
    """Build every site. ``kind="demo"`` is the same farm, for ``make demo``.

    The first build converts the few DOC/WPS files with LibreOffice (a few seconds); later
    builds reuse the converted files cached on disk.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown farm kind {kind!r}; expected one of {', '.join(KINDS)}")
    store, state = DocumentStore(), FarmState()
    builders = [module.build(store, state) for module in SITE_MODULES]
    store.convert_pending()
    hosts = {b.host: b.routes for b in builders}
    if len(hosts) != len(builders):
        raise ValueError("two site modules claim the same host")
    rows = [
        {
            "name": b.name,
            "region_code": b.expected.region_code,
            "level": b.expected.level,
            "url": b.expected.start_url,
            "allowed_domains": b.host,
            "robots": "obey",
        }
        for b in builders
    ]
    return Farm(
        hosts=hosts,
        sites_csv_rows=rows,
        expected=Expected([b.expected for b in builders]),
        state=state,
    )
