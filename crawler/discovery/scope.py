"""Which hosts belong to a site.

The rule, when no domains are given: a portal whose start URL is on a
``www.`` host claims the registrable part and all of its subdomains
(``www.anqiu.gov.cn`` → ``anqiu.gov.cn``, so ``wjw.anqiu.gov.cn`` and
``xxgk.anqiu.gov.cn`` are in); any other host claims only itself and its
subdomains (``wjw.liaocheng.gov.cn`` does not claim ``www.liaocheng.gov.cn``).
Stripping ``www.`` never goes up to a shared suffix: ``www.gov.cn`` claims
``www.gov.cn``, not every ``*.gov.cn`` site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["in_domains", "site_domains", "url_host"]

# Second-level suffixes under which anyone registers: never claim one whole.
_SHARED_SUFFIXES = frozenset(
    {
        "gov.cn",
        "com.cn",
        "net.cn",
        "org.cn",
        "edu.cn",
        "ac.cn",
        "mil.cn",
        "gov.hk",
        "gov.mo",
    }
)


def url_host(url: str) -> str | None:
    """The URL's host name, lowercase, without port or trailing dot; None for relative URLs.

    >>> url_host("http://WWW.Anqiu.gov.cn:8080/xxgk/")
    'www.anqiu.gov.cn'
    >>> url_host("/xxgk/index.html") is None
    True
    """
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None


def _normalize_domain(domain: str) -> str:
    domain = domain.strip().lower().lstrip(".").rstrip(".")
    if "://" in domain:
        domain = url_host(domain) or ""
    # "anqiu.gov.cn:8080" → "anqiu.gov.cn"; IPv6 hosts are not expected here.
    return domain.split(":", 1)[0]


def site_domains(url: str, allowed: list[str] | None = None) -> list[str]:
    """The domains a site claims: ``allowed`` if given (normalised), else by the rule above.

    >>> site_domains("http://www.anqiu.gov.cn/")
    ['anqiu.gov.cn']
    >>> site_domains("http://wjw.liaocheng.gov.cn/xxgk/")
    ['wjw.liaocheng.gov.cn']
    >>> site_domains("http://www.gov.cn/")
    ['www.gov.cn']
    >>> site_domains("http://www.anqiu.gov.cn/", ["AnQiu.gov.cn", "xxgk.weifang.gov.cn:443"])
    ['anqiu.gov.cn', 'xxgk.weifang.gov.cn']
    """
    if allowed:
        domains = [_normalize_domain(domain) for domain in allowed]
        if not all(domains):
            raise ValueError(f"empty domain in allowed list: {allowed!r}")
        return list(dict.fromkeys(domains))
    host = url_host(url)
    if not host:
        raise ValueError(f"cannot tell the site's domain from a URL without a host: {url!r}")
    if host.startswith("www."):
        rest = host[4:]
        if "." in rest and rest not in _SHARED_SUFFIXES:
            return [rest]
    return [host]


def in_domains(url: str, domains: list[str]) -> bool:
    """True if the URL's host is one of ``domains`` or a subdomain of one (port ignored).

    >>> in_domains("http://wjw.anqiu.gov.cn:8080/a", ["anqiu.gov.cn"])
    True
    >>> in_domains("http://anqiu.gov.cn.evil.com/", ["anqiu.gov.cn"])
    False
    >>> in_domains("http://xanqiu.gov.cn/", ["anqiu.gov.cn"])
    False
    """
    host = url_host(url)
    if not host:
        return False
    for domain in domains:
        domain = _normalize_domain(domain)
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False
