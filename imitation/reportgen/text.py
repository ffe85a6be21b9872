"""The prose of a synthetic report: title, preamble, the six sections' narrative, the signature.

Wording follows the real reports in ``imitation/seeds``: the same stock phrases, sub-headings and
the way figures are woven into sentences. Section 1 states the number of requests received and
of appeals; those figures agree with the tables unless the report is meant to contradict them.
"""

from __future__ import annotations

import random

SECTION_HEADINGS = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}

_LAWS = (
    "《中华人民共和国政府信息公开条例》（以下简称《条例》）",
    "《中华人民共和国政府信息公开条例》",
)
_NOTICE = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}

_OPENINGS = (
    "{year}年，{we}认真贯彻落实党中央、国务院和省、市关于政府信息公开工作的部署要求，"
    "进一步调整优化公开目录，深入拓展公开渠道，持续丰富公开形式，及时回应社会关切，"
    "依法保障了公众的知情权、参与权和监督权。",
    "{year}年，在{gov}的正确领导下，{we}坚持以公开为常态、不公开为例外，紧紧围绕中心工作，"
    "不断强化组织领导、拓展公开领域，努力提升政务公开质量和实效。",
    "{year}年，{we}立足部门职能，进一步健全组织机构、加强监督检查，积极稳步地开展政府信息"
    "公开工作，保障了政府信息公开工作依法、及时、准确、有序地开展。",
)
_ACTIVE = (
    "全年共主动公开政府信息{n}条，其中政策文件{a}条，工作动态{b}条，通知公告{c}条。"
    "通过政务新媒体发布信息{d}条。",
    "截至{year}年12月31日，在政府门户网站信息公开专栏主动公开各类政府信息{n}条，"
    "其中机构职能、领导分工等概况信息{a}条，政策文件及解读{b}条，财政预决算信息{c}条；"
    "通过微信公众号发布信息{d}条。",
)
_ACTIVE_MORE = (
    "加强政策解读。按照“谁起草、谁解读”的原则，同步制定发布政策解读文件{a}件，"
    "就重大政策文件和社会公众关注的问题进行深入解读。",
    "推进重点领域信息公开。一是公开行政执法信息，公布行政执法流程图，及时公示行政执法结果"
    "信息；二是公开“双随机、一公开”监管信息，及时公开抽查结果信息。",
)
_MANAGEMENT = (
    "严格落实政府信息公开保密审查制度，按照“先审查、后公开”和“一事一审”的原则，"
    "确保公开信息不涉密、涉密信息不公开。全年未发生泄密事件。",
    "完善信息公开管理流程，建立经办人员、科室负责人、办公室审核把关机制，重要信息须"
    "分管负责人审签，最大限度保证公开内容准确规范。",
)
_PLATFORM = (
    "充分发挥政府门户网站作为政府信息公开第一平台的作用，及时更新信息公开专栏，"
    "持续运行维护好政务微信公众号，提高内容更新频次和质量。",
    "优化政府信息公开平台，梳理完善政务公开指标体系，增加公开指标，加大公开力度；"
    "依托政务新媒体广泛公开{topic}方面的信息。",
)
_SUPERVISION = (
    "将政府信息公开工作纳入年度绩效考核体系，主要负责同志听取政务公开工作汇报{a}次，"
    "组织开展业务培训{b}次，全年未发生因政务公开工作不到位被责任追究的情况。",
    "调整政务公开工作领导小组，明确分管负责人和专职人员，形成主要领导亲自抓、分管领导"
    "具体抓、办公室牵头协调、各科室配合的工作格局。",
)
_PROBLEMS = (
    "一是主动公开意识还需进一步增强，部分信息公开不够及时；二是政策解读形式较为单一，"
    "解读质量有待提高；三是政务公开工作人员专业能力需要进一步提升。",
    "信息公开内容与社会公众的需求相比还有一定差距，公开的深度和广度不够，"
    "依申请公开答复的规范性有待加强。",
)
_REMEDIES = (
    "下一步，我们将加强业务培训，提升工作人员政务公开能力；严格落实信息发布审核制度，"
    "确保信息及时准确公开；丰富政策解读形式，增强解读效果。",
    "针对以上问题，{we}将进一步完善工作机制，细化主动公开目录，加强重点领域信息公开，"
    "规范依申请公开办理流程，不断提升政务公开工作水平。",
)
_TOPICS = (
    "医疗卫生",
    "教育",
    "民政",
    "财政",
    "社会保障",
    "自然资源",
    "住房保障",
    "交通运输",
    "农业农村",
    "市场监管",
    "安全生产",
)


def cn_date(iso: str, spaced: bool = False) -> str:
    """'2021-01-22' → '2021年1月22日' (or '2021 年 1 月 22 日' as PDF text extraction spaces it)."""
    year, month, day = (int(part) for part in iso.split("-"))
    sep = " " if spaced else ""
    return f"{year}{sep}年{sep}{month}{sep}月{sep}{day}{sep}日"


def title_for(rng: random.Random, agency: str, short: str, year: int) -> str:
    """A report title in one of the shapes agencies use; a newline splits a two-line title."""
    name = short if short != agency and rng.random() < 0.3 else agency
    return rng.choice(
        [
            f"{name}{year}年政府信息公开工作年度报告",
            f"{name}\n{year}年政府信息公开工作年度报告",
            f"{name}{year}年度政府信息公开工作年度报告",
            f"{name}{year}年度政府信息公开工作报告",
            f"{year}年{name}政府信息公开工作年度报告",
        ]
    )


def preamble(rng: random.Random, agency: str, place_name: str, year: int, version: str) -> str:
    """The paragraph before section 1: legal basis, statistics period, contact."""
    law = rng.choice(_LAWS)
    notice = (
        "和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作"
        f"年度报告格式〉的通知》（{_NOTICE[version]}）"
    )
    phone = f"0{rng.randint(310, 939)}-{rng.randint(2000000, 8999999)}"
    return (
        f"根据{law}{notice if rng.random() < 0.5 else ''}要求，结合工作实际，编制本报告。"
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        f"本报告电子版可在{place_name}人民政府门户网站查阅或下载。"
        f"如对本报告有疑问，请联系{agency}办公室，联系电话：{phone}。"
    )


def requests_statement(
    year: int, received: int, carried: int, forward: int, reviews: int, suits: int, we: str
) -> str:
    """The sentences of section 1 that state how many requests and appeals there were."""
    if received == 0:
        text = f"{year}年，{we}未收到政府信息公开申请。"
    else:
        text = f"{year}年，{we}共收到政府信息公开申请{received}件"
        text += f"，上年结转{carried}件" if carried else ""
        text += f"，结转下年度继续办理{forward}件。" if forward else "，均已按时答复办结。"
    if reviews == 0 and suits == 0:
        text += "全年未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。"
    else:
        text += f"全年因政府信息公开被申请行政复议{reviews}件，被提起行政诉讼{suits}件。"
    return text


def section_texts(
    rng: random.Random,
    *,
    agency: str,
    we: str,
    gov: str,
    year: int,
    version: str,
    stated: dict[str, int],
) -> dict[int, str]:
    """Narrative of the six sections, paragraphs separated by newlines.

    ``stated`` holds the figures section 1 states: received, carried, forward, reviews, suits.
    Sections 2-4 are mostly their tables; they get at most a short lead-in here.
    """

    def fill(template: str) -> str:
        return template.format(
            year=year,
            we=we,
            gov=gov,
            topic=rng.choice(_TOPICS),
            n=rng.randint(40, 1500),
            a=rng.randint(1, 30),
            b=rng.randint(1, 60),
            c=rng.randint(1, 40),
            d=rng.randint(20, 800),
        )

    requests = requests_statement(year, we=we, **stated)
    suffix = "" if version == "2021" else "情况"
    parts = [
        fill(rng.choice(_OPENINGS)),
        f"（一）主动公开{suffix}",
        fill(rng.choice(_ACTIVE)),
        fill(rng.choice(_ACTIVE_MORE)),
        f"（二）依申请公开{suffix}",
        requests,
        f"（三）政府信息管理{suffix}",
        fill(rng.choice(_MANAGEMENT)),
        "（四）政府信息公开平台建设" if version == "2021" else "（四）平台建设情况",
        fill(rng.choice(_PLATFORM)),
        f"（五）监督保障{suffix}",
        fill(rng.choice(_SUPERVISION)),
    ]
    section2 = fill(rng.choice(_ACTIVE)) if rng.random() < 0.2 else ""
    problems = [
        f"存在的问题。{fill(rng.choice(_PROBLEMS))}",
        f"改进情况。{fill(rng.choice(_REMEDIES))}",
    ]
    if version == "2019" and rng.random() < 0.5:
        problems.insert(0, f"{year - 1}年问题整改情况。{fill(rng.choice(_REMEDIES))}")
    problems = [ordinal + text for ordinal, text in zip(("（一）", "（二）", "（三）"), problems)]
    other = rng.choice(
        [
            "无。",
            f"{year}年度，{we}无其他需要报告的事项。",
            f"本年度未收取信息处理费。{year}年，{we}共承办人大代表建议{rng.randint(0, 30)}件、"
            f"政协委员提案{rng.randint(0, 40)}件，均已按时办结，满意率100%。",
        ]
    )
    return {1: "\n".join(parts), 2: section2, 3: "", 4: "", 5: "\n".join(problems), 6: other}


def closing(agency: str, published: str | None, spaced: bool) -> str:
    """The signature block: agency name and, where there is one, the date."""
    return agency + (f"\n{cn_date(published, spaced)}" if published else "")
