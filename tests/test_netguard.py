"""Internal addresses as crawler/netguard.py reads them: every spelling, and the guard's choice
between resolving a name and leaving it to a proxy."""

from __future__ import annotations

import asyncio
import re

import pytest

from crawler.netguard import AddressGuard, internal_reason, ip_literal, resolve_with_asyncio


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "2130706433",
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "127.0.0.1.",
        "１２７.０.０.１",
        "%31%32%37.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "::ffff:7f00:1",
        "2002:7f00:1::",
        "64:ff9b::a9fe:a9fe",
        "169.254.169.254",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "100.64.0.1",
        "0.0.0.0",
        "[::]",
        "224.0.0.1",
        "ff02::1",
        "fe80::1%25eth0",
        "fd00::1",
        "240.0.0.1",
    ],
)
def test_every_spelling_of_an_internal_address_is_recognised(host):
    ip = ip_literal(host)
    assert ip is not None and internal_reason(ip) is not None


@pytest.mark.parametrize("host", ["8.8.8.8", "2400:3200::1", "1.1.1.1"])
def test_public_addresses_pass(host):
    assert internal_reason(ip_literal(host)) is None


@pytest.mark.parametrize("host", ["www.anqiu.gov.cn", "face.be", "123.abc", "0x.gov.cn"])
def test_names_are_not_addresses(host):
    assert ip_literal(host) is None


def test_the_guard_resolves_names_unless_a_proxy_does():
    guard = AddressGuard(resolve_with_asyncio, allow_internal=False)

    async def vet(url, proxied):
        return (await guard.vet(url, proxied=proxied)).refusal

    async def run():
        return (
            await vet("http://localhost:8080/", False),
            await vet("http://localhost:8080/", True),
            await vet("http://www.anqiu.gov.cn/", True),
            await vet("http://0x7f.1/", True),
            await vet("http://8.8.8.8/", False),
        )

    direct, proxied, name, literal, public = asyncio.run(run())
    # 127.0.0.1 or ::1, as the machine's hosts file orders them.
    assert re.fullmatch(r"localhost resolves to (127\.0\.0\.1|::1), a loopback address", direct)
    assert proxied == "localhost names this machine"
    assert name is None  # the proxy resolves it (README, "Security model")
    assert literal == "0x7f.1 is a loopback address"
    assert public is None
    allowing = AddressGuard(resolve_with_asyncio, allow_internal=True)
    assert asyncio.run(allowing.vet("http://127.0.0.1/", proxied=False)).refusal is None
