"""Imitation sites built from randomised template variants, so tests cannot pass by fitting one.

Each site draws, from a fixed seed, a platform (TRS, Hanweb, VSB, plain, script-filled) and
within it a pager template, plus its own style: class and id names, attribute order, quoting,
date format, GBK or UTF-8, attachments written by scripts, a report inside an iframe, the
disclosure column on a subdomain. ``build_variant_farm(count, seed)`` gives the hosts to serve
with :class:`imitation.server.GovFarmServer`, the sites CSV and the answer key.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from imitation.model import Routes
from imitation.variants.common import VariantSite
from imitation.variants.site import PLATFORMS, build_site

CSV_COLUMNS = ("name", "region_code", "level", "url", "allowed_domains", "robots")


@dataclass
class VariantFarm:
    sites: list[VariantSite]

    @property
    def hosts(self) -> dict[str, Routes]:
        hosts: dict[str, Routes] = {}
        for site in self.sites:
            for host, routes in site.hosts.items():
                if host in hosts:
                    raise ValueError(f"two variant sites claim {host}")
                hosts[host] = routes
        return hosts

    def sites_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for site in self.sites:
            writer.writerow(
                {
                    "name": site.name,
                    "region_code": site.region_code,
                    "level": "county",
                    "url": site.start_url,
                    "allowed_domains": "",
                    "robots": "obey",
                }
            )
        return out.getvalue()


def build_variant_farm(
    count: int, seed: int, platforms: tuple[str, ...] = tuple(PLATFORMS)
) -> VariantFarm:
    """``count`` sites, platforms taken in turn, every template choice drawn from ``seed``."""
    return VariantFarm(
        [build_site(index, platforms[index % len(platforms)], seed) for index in range(count)]
    )
