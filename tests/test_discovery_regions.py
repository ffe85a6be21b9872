"""Administrative divisions by name and code."""

import pytest

from nianbao.regions import (
    is_within,
    leading_regions,
    region_by_code,
    region_of,
    short_name,
)


@pytest.mark.parametrize(
    "name, code",
    [
        ("昌乐县", "370725"),
        ("安丘市", "370784"),
        ("绥滨县", "230422"),
        ("聊城市", "371500"),
        ("海原县", "640522"),
    ],
)
def test_seed_regions(name, code):
    assert region_of(name)[0].code == code


def test_region_fields():
    changle = region_by_code("370725")
    assert (changle.name, changle.short_name, changle.level, changle.parent_code) == (
        "昌乐县",
        "昌乐",
        "county",
        "370700",
    )
    weifang = region_by_code("370700")
    assert (weifang.level, weifang.parent_code) == ("city", "370000")
    shandong = region_by_code("37")
    assert (shandong.name, shandong.level, shandong.parent_code) == (
        "山东省",
        "province",
        None,
    )


@pytest.mark.parametrize("code", ["999999", "abc", "", "3707251"])
def test_unknown_codes(code):
    assert region_by_code(code) is None


def test_within_prefers_regions_under_a_code():
    assert next(r.code for r in region_of("朝阳区", within="220000")) == "220104"
    assert next(r.code for r in region_of("朝阳区", within="110000")) == "110105"
    # others are still listed, after the preferred ones
    assert len(region_of("朝阳区", within="220000")) >= 2


def test_short_names_and_former_names():
    assert region_of("潍坊")[0].code == "370700"
    assert region_of("会理县")[0].name == "会理市"
    assert region_of("凉山州")[0].name == "凉山彝族自治州"
    assert region_of("吉林")[0].level == "province"
    assert region_of("不存在县") == []
    assert region_of("") == []


@pytest.mark.parametrize(
    "name, short",
    [
        ("恩施土家族苗族自治州", "恩施"),
        ("长白朝鲜族自治县", "长白"),
        ("融水苗族自治县", "融水"),
        ("伊犁哈萨克自治州", "伊犁"),
        ("内蒙古自治区", "内蒙古"),
        ("西藏自治区", "西藏"),
        ("新疆维吾尔自治区", "新疆"),
        ("沛县", "沛县"),
        ("神农架林区", "神农架"),
        ("大兴安岭地区", "大兴安岭"),
    ],
)
def test_short_name(name, short):
    assert short_name(name) == short


def test_direct_children_of_provinces():
    xiantao = region_of("仙桃市")[0]
    assert (xiantao.code, xiantao.parent_code) == ("429004", "420000")
    assert is_within(xiantao, "420000")
    assert region_of("东莞市")[0].level == "city"


def test_leading_regions():
    chain = leading_regions("山东省潍坊市安丘市卫生健康局")
    assert [candidates[0].code for candidates in chain] == [
        "370000",
        "370700",
        "370784",
    ]
    assert [c[0].code for c in leading_regions("枣庄市市中区卫生健康局")] == [
        "370400",
        "370402",
    ]
    assert leading_regions("县卫生健康局") == []
    assert leading_regions("公安局") == []
    assert leading_regions("景芝镇人民政府") == []
