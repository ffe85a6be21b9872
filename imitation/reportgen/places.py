"""Real place names with their administrative division codes, and the agencies that report.

Codes are the GB/T 2260 six-digit codes of the named county or city, so a generated report's
``region_code`` is consistent with its agency's name. The list is small and hand-checked rather
than complete: variety of shape (县/市/区, provinces, autonomous regions, municipalities) matters
more here than coverage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    province: str
    city: str  # '' for a district of a municipality directly under the central government
    name: str  # the place the agency is named after: 昌乐县, 安丘市, 聊城市
    code: str
    level: str  # 'county' or 'city'

    @property
    def region(self) -> str:
        return self.province + self.city + (self.name if self.name != self.city else "")


_COUNTIES = """\
山东省 潍坊市 昌乐县 370725
山东省 潍坊市 临朐县 370724
山东省 潍坊市 青州市 370781
山东省 潍坊市 诸城市 370782
山东省 潍坊市 寿光市 370783
山东省 潍坊市 安丘市 370784
山东省 济宁市 微山县 370826
山东省 济宁市 曲阜市 370881
山东省 临沂市 沂水县 371323
山东省 临沂市 平邑县 371326
山东省 聊城市 莘县 371522
山东省 聊城市 冠县 371525
黑龙江省 鹤岗市 绥滨县 230422
宁夏回族自治区 中卫市 海原县 640522
江苏省 南京市 江宁区 320115
江苏省 无锡市 宜兴市 320282
江苏省 苏州市 昆山市 320583
浙江省 杭州市 余杭区 330110
浙江省 绍兴市 新昌县 330624
浙江省 金华市 义乌市 330782
安徽省 合肥市 长丰县 340121
安徽省 合肥市 肥西县 340123
福建省 泉州市 安溪县 350524
福建省 泉州市 南安市 350583
江西省 南昌市 进贤县 360124
河南省 郑州市 中牟县 410122
河南省 商丘市 睢县 411422
湖北省 武汉市 洪山区 420111
湖南省 长沙市 长沙县 430121
湖南省 长沙市 浏阳市 430181
广东省 深圳市 宝安区 440306
广东省 佛山市 南海区 440605
广西壮族自治区 桂林市 阳朔县 450321
四川省 成都市 武侯区 510107
四川省 绵阳市 江油市 510781
贵州省 贵阳市 南明区 520102
云南省 昆明市 五华区 530102
陕西省 西安市 雁塔区 610113
甘肃省 兰州市 城关区 620102
河北省 石家庄市 正定县 130123
河北省 保定市 唐县 130627
山西省 忻州市 忻府区 140902
内蒙古自治区 呼和浩特市 新城区 150102
辽宁省 沈阳市 和平区 210102
吉林省 长春市 九台区 220113
海南省 海口市 龙华区 460106
新疆维吾尔自治区 乌鲁木齐市 天山区 650102
北京市 - 朝阳区 110105
上海市 - 浦东新区 310115
重庆市 - 万州区 500101
"""

_CITIES = """\
山东省 潍坊市 370700
山东省 济宁市 370800
山东省 临沂市 371300
山东省 聊城市 371500
黑龙江省 鹤岗市 230400
宁夏回族自治区 中卫市 640500
江苏省 无锡市 320200
江苏省 苏州市 320500
浙江省 绍兴市 330600
浙江省 金华市 330700
安徽省 合肥市 340100
福建省 泉州市 350500
江西省 南昌市 360100
河南省 郑州市 410100
河南省 商丘市 411400
湖南省 长沙市 430100
广东省 佛山市 440600
四川省 绵阳市 510700
河北省 保定市 130600
甘肃省 兰州市 620100
"""


def _parse_places() -> list[Place]:
    places = []
    for line in _COUNTIES.splitlines():
        province, city, name, code = line.split()
        places.append(Place(province, "" if city == "-" else city, name, code, "county"))
    for line in _CITIES.splitlines():
        province, city, code = line.split()
        places.append(Place(province, city, city, code, "city"))
    return places


PLACES = _parse_places()

# Departments as named at each level; county-level bodies are 局, some city-level ones 委员会.
COUNTY_DEPARTMENTS = (
    "卫生健康局",
    "教育局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "退役军人事务局",
    "司法局",
    "发展和改革局",
    "行政审批服务局",
    "人民政府办公室",
    "人民政府",
)
CITY_DEPARTMENTS = (
    "卫生健康委员会",
    "教育局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "发展和改革委员会",
    "公安局",
    "司法局",
    "人民政府办公室",
    "人民政府",
)
# How reports abbreviate a department in their titles (安丘市卫健局).
ABBREVIATIONS = {
    "卫生健康局": "卫健局",
    "卫生健康委员会": "卫健委",
    "人力资源和社会保障局": "人社局",
    "市场监督管理局": "市场监管局",
    "住房和城乡建设局": "住建局",
    "发展和改革委员会": "发改委",
    "发展和改革局": "发改局",
    "文化和旅游局": "文旅局",
}


def place_for_agency(agency: str) -> Place | None:
    """The place an agency name starts with, preferring the longest (county over city) match."""
    matches = [p for p in PLACES if agency.startswith(p.name) or agency.startswith(p.city + p.name)]
    return max(matches, key=lambda p: (len(p.name), p.level == "county"), default=None)


def draw_agency(rng: random.Random) -> tuple[str, str, Place]:
    """(agency, department, place) for a random real place and a department of its level."""
    place = rng.choice(PLACES)
    departments = COUNTY_DEPARTMENTS if place.level == "county" else CITY_DEPARTMENTS
    department = rng.choice(departments)
    return place.name + department, department, place
