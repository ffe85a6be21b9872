"""The heavy frame a real county portal puts around every page, for the benchmark farm.

A real county portal's list page weighs 15–50 KB and a report page 50–200 KB, though the list or
the report itself is a few KB: the rest is the CMS template — a header whose menu lists the
site's columns with their sub-columns, a hidden mobile menu repeating it, boxes of other
governments' sites (政府网站, 市县政府, 友情链接) as ``<select>`` menus, a footer with 主办单位,
网站标识码, ICP and 公安 备案 lines, and the template's inline CSS and jQuery-style scripts
(menus, tabs, font size, a visit counter). Report text pasted from Word keeps its inline styles
on every paragraph and cell. :func:`portal_chrome` makes one host's frame (deterministic: the
same host gets the same frame), :meth:`PortalChrome.dress` puts a served page into it.

Every same-site link the frame adds is one the crawler does not follow (news, services,
interaction …) or a page the site already serves, so the frame changes what a crawl weighs, not
what it visits.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from html import escape

from imitation.platforms.portal_chrome_assets import inline_script, inline_style

# Columns of the menu that never lead to reports: (label, path, sub-columns). {place} is the
# county's name.
MENU = (
    (
        "新闻中心",
        "/xwzx/",
        (
            ("今日要闻", "jryw"),
            ("部门动态", "bmdt"),
            ("乡镇动态", "xzdt"),
            ("图片新闻", "tpxw"),
            ("视频新闻", "spxw"),
            ("媒体聚焦", "mtjj"),
            ("新闻发布会", "xwfbh"),
            ("通知公告", "tzgg"),
        ),
    ),
    (
        "政务服务",
        "/zwfw/",
        (
            ("办事指南", "bszn"),
            ("便民服务", "bmfw"),
            ("主题服务", "ztfw"),
            ("企业服务", "qyfw"),
            ("个人服务", "grfw"),
            ("公共服务", "ggfw"),
            ("审批服务", "spfw"),
        ),
    ),
    (
        "互动交流",
        "/hdjl/",
        (
            ("县长信箱", "xzxx"),
            ("在线访谈", "zxft"),
            ("网上调查", "wsdc"),
            ("意见征集", "yjzj"),
            ("留言选登", "lyxd"),
            ("咨询投诉", "zxts"),
            ("互动交流知识库", "zsk"),
        ),
    ),
    (
        "走进{place}",
        "/zjxx/",
        (
            ("{place}概况", "gk"),
            ("历史沿革", "lsyg"),
            ("行政区划", "xzqh"),
            ("自然地理", "zrdl"),
            ("旅游景点", "lyjd"),
            ("招商引资", "zsyz"),
            ("特色产业", "tscy"),
        ),
    ),
    (
        "专题专栏",
        "/ztzl/",
        (
            ("优化营商环境", "yhyshj"),
            ("乡村振兴", "xczx"),
            ("安全生产", "aqsc"),
            ("生态环境保护", "sthjbh"),
            ("文明城市创建", "wmcscj"),
            ("法治政府建设", "fzzfjs"),
            ("防汛抗旱", "fxkh"),
            ("民生实事", "mssx"),
        ),
    ),
)
OTHER_SITES = (
    ("人民网", "http://www.people.com.cn/"),
    ("新华网", "http://www.xinhuanet.com/"),
    ("中国政府采购网", "http://www.ccgp.gov.cn/"),
    ("信用中国", "https://www.creditchina.gov.cn/"),
    ("国家政务服务平台", "http://gjzwfw.www.gov.cn/"),
    ("全国人大", "http://www.npc.gov.cn/"),
)
# The one-character names of provinces in ICP and 公安 filing numbers, by the code's first two
# digits.
PROVINCE_ABBREVIATIONS = dict(
    zip(
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 "
        "64 65".split(),
        "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新",
        strict=True,
    )
)


@dataclass(frozen=True)
class Governments:
    """The governments a county portal links in its boxes: above it and beside it."""

    province: tuple[str, str]  # (name, region code)
    city: tuple[str, str] | None
    peers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PortalChrome:
    head: bytes  # inline style, before </head>
    header: bytes  # top bar, menu, mobile menu: right after <body>
    footer: bytes  # link boxes, footer lines and scripts: right before </body>

    def dress(self, page: bytes) -> bytes:
        """``page`` (UTF-8 HTML) inside the frame; a page without head and body is left as is."""
        head_end = page.find(b"</head>")
        body_start = page.find(b">", page.find(b"<body")) + 1
        body_end = page.rfind(b"</body>")
        if head_end < 0 or body_start <= 0 or body_end < body_start:
            return page
        return b"".join(
            (
                page[:head_end],
                self.head,
                page[head_end:body_start],
                self.header,
                word_pasted(page[body_start:body_end]),
                self.footer,
                page[body_end:],
            )
        )


def portal_chrome(
    host: str,
    name: str,
    place: str,
    region_code: str,
    disclosure: list[tuple[str, str]],
    governments: Governments,
) -> PortalChrome:
    """One county portal's frame. ``disclosure``: (label, path) of the site's own disclosure
    pages, which the menu's 政务公开 column lists."""
    seed = zlib.crc32(host.encode())
    # Templates differ in how many sub-columns they show and whether they carry a mobile menu.
    shown = 4 + seed % 5
    columns = [
        (label.format(place=place), path, [(s.format(place=place), f"{path}{p}/") for s, p in subs])
        for label, path, subs in MENU
    ]
    columns = [(label, path, subs[:shown]) for label, path, subs in columns]
    columns.insert(1, ("政务公开", "/xxgk/", [("政府信息公开", "/xxgk/"), *disclosure]))
    header = _top_bar(name, seed) + _menu(columns)
    if seed % 3:
        header += _mobile_menu(columns)
    footer = _link_boxes(name, governments) + _footer(name, place, region_code, seed)
    if seed % 2:
        footer = _footer_map(columns) + footer
    return PortalChrome(
        head=f"<style>{inline_style(seed)}</style>\n".encode(),
        header=header.encode(),
        footer=(footer + f"<script>{inline_script(region_code, seed)}</script>\n").encode(),
    )


def word_pasted(body: bytes) -> bytes:
    """An article's content as an editor keeps it when pasted from Word: every paragraph and
    table cell carries its own inline style (most of a real report page's weight)."""
    start = body.find(b'id="zoom">')
    if start < 0:
        return body
    end = body.find(b"</div>", start)
    content = (
        body[start:end]
        .replace(b"<p>", PASTED_PARAGRAPH)
        .replace(b"</p>", b"</span></p>")
        .replace(b"<td", PASTED_CELL)
        .replace(b"<table", PASTED_TABLE)
        .replace(b"<tr>", PASTED_ROW)
    )
    return body[:start] + content + body[end:]


PASTED_PARAGRAPH = (
    b'<p class="MsoNormal" style="text-indent: 2em; line-height: 28pt; margin: 0pt; '
    b'font-family: &#39;Times New Roman&#39;; font-size: 16pt;"><span style="font-family: '
    b'\xe4\xbb\xbf\xe5\xae\x8b_GB2312, \xe4\xbb\xbf\xe5\xae\x8b; font-size: 16pt;">'
)
PASTED_CELL = (
    b'<td style="padding: 0pt 5.4pt; border-left: 1px solid windowtext; border-right: 1px solid '
    b'windowtext; border-top: none; border-bottom: 1px solid windowtext; word-break: break-all;" '
    b'valign="center"'
)
PASTED_TABLE = (
    b'<table style="font-family: &#39;Times New Roman&#39;; font-size: 13px; border-collapse: '
    b'collapse; border: none; width: auto !important; margin: 0 auto;" cellspacing="0" '
    b'align="center" border="1"'
)
PASTED_ROW = b'<tr style="height: 19px">'


def _top_bar(name: str, seed: int) -> str:
    site = escape(name)
    return f"""<div class="gov-topbar"><div class="w1200 clearfix">
<div class="fl"><span id="gov-today"></span><span class="weather" id="gov-weather"></span></div>
<div class="fr"><a href="javascript:void(0);" onclick="govFont.zoom(1)">字号大</a>
<a href="javascript:void(0);" onclick="govFont.zoom(0)">中</a>
<a href="javascript:void(0);" onclick="govFont.zoom(-1)">小</a>
<a href="javascript:void(0);" id="gov-cn-switch">繁體</a>
<a href="javascript:void(0);" id="gov-aged">长者模式</a>
<a href="javascript:void(0);" id="gov-wza">无障碍浏览</a>
<a href="javascript:void(0);" class="gov-login">登录</a><a href="javascript:void(0);" class="gov-reg">注册</a>
<span class="gov-qr"><a href="javascript:void(0);">手机版</a><img src="/images/qr_m.png" alt="{site}手机版"></span>
<span class="gov-qr"><a href="https://weibo.com/u/{3000000000 + seed % 999999999}" target="_blank">政务微博</a></span>
<span class="gov-qr"><a href="javascript:void(0);">政务微信</a><img src="/images/qr_wx.png" alt="{site}微信公众号"></span>
</div></div></div>
<div class="gov-head"><div class="w1200 clearfix">
<div class="gov-logo"><a href="/"><img src="/images/logo.png" alt="{site}"></a></div>
<div class="gov-search"><form action="/search/index.html" method="get" target="_blank">
<input type="hidden" name="siteCode" value="{seed % 10**10:010d}"><input type="text" name="q" placeholder="请输入关键字">
<button type="submit">搜索</button></form>
<p class="hot">热门搜索：<a href="javascript:void(0);">社保</a><a href="javascript:void(0);">公积金</a>
<a href="javascript:void(0);">医保</a><a href="javascript:void(0);">招聘</a><a href="javascript:void(0);">营商环境</a></p></div>
</div></div>
"""


def _menu(columns) -> str:
    items = ['<li class="nav-home"><a href="/">首页</a></li>']
    for label, path, subs in columns:
        links = "".join(
            f'<a href="{href}" target="_blank" title="{escape(text)}">{escape(text)}</a>'
            for text, href in subs
        )
        items.append(
            f'<li class="nav-item"><a href="{path}" class="nav-a">{escape(label)}</a>'
            f'<div class="nav-sub"><div class="w1200">{links}</div></div></li>'
        )
    return f'<div class="gov-nav"><ul class="w1200 clearfix">{"".join(items)}</ul></div>\n'


def _mobile_menu(columns) -> str:
    blocks = []
    for label, path, subs in columns:
        links = "".join(f'<dd><a href="{href}">{escape(text)}</a></dd>' for text, href in subs)
        blocks.append(f'<dl><dt><a href="{path}">{escape(label)}</a></dt>{links}</dl>')
    return (
        '<div class="gov-mnav" id="gov-mnav" style="display:none"><div class="mnav-close">'
        f'<a href="javascript:void(0);">关闭</a></div>{"".join(blocks)}</div>\n'
    )


def _footer_map(columns) -> str:
    """The menu once more as a site map above the footer, as many templates end."""
    blocks = "".join(
        f'<div class="map-col"><h4><a href="{path}">{escape(label)}</a></h4><ul>'
        + "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for text, href in subs)
        + "</ul></div>"
        for label, path, subs in columns
    )
    return f'<div class="gov-map"><div class="w1200 clearfix">{blocks}</div></div>\n'


def _link_boxes(name: str, governments: Governments) -> str:
    province_name, province_code = governments.province
    above = [
        ("中国政府网", "http://www.gov.cn/"),
        (province_name + "人民政府", _site(province_code)),
    ]
    if governments.city:
        above.append((governments.city[0] + "人民政府", _site(governments.city[1])))
    peers = [(peer + "人民政府", _site(code)) for peer, code in governments.peers]
    boxes = [("政府网站", above), ("市县政府", peers), ("其他网站", list(OTHER_SITES))]
    selects = "".join(
        f'<div class="yqlj-box"><select onchange="if(this.value)window.open(this.value)">'
        f'<option value="">{heading}</option>'
        + "".join(f'<option value="{url}">{escape(text)}</option>' for text, url in links)
        + "</select></div>"
        for heading, links in boxes
        if links
    )
    return f'<div class="gov-yqlj"><div class="w1200 clearfix"><span>友情链接：</span>{selects}</div></div>\n'


def _footer(name: str, place: str, code: str, seed: int) -> str:
    site, abbr = escape(name), PROVINCE_ABBREVIATIONS.get(code[:2], "京")
    icp, police = 5000000 + seed % 999983, f"{code}02{seed % 1000000:06d}"
    return f"""<div class="gov-foot"><div class="w1200">
<p class="foot-links"><a href="/wzdt.html">网站地图</a>|<a href="/lxwm.html">联系我们</a>|
<a href="javascript:void(0);">网站声明</a>|<a href="javascript:void(0);">隐私保护</a></p>
<p>主办单位：{site}办公室 承办单位：{escape(place)}融媒体中心 技术支持：{escape(place)}大数据服务中心</p>
<p>地址：{escape(place)}人民路{seed % 300 + 1}号 邮编：{code} 联系电话：0{seed % 900 + 100}-{seed % 9000000 + 1000000}</p>
<p>网站标识码：{code}0001 <a href="https://beian.miit.gov.cn/" target="_blank">{abbr}ICP备{icp}号-1</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={police}" target="_blank">
<img src="/images/gongan.png" alt="">{abbr}公网安备 {police}号</a></p>
<p>建议使用1280×768以上分辨率浏览 本站已支持IPv6 <span id="gov-visits">访问量：</span></p>
<div class="foot-badges"><a href="https://bszs.conac.cn/sitename?method=show&amp;id={seed:08X}" target="_blank">
<img src="/images/red.png" alt="党政机关"></a>
<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={code}0001" target="_blank">
<img src="/images/jiucuo.png" alt="政府网站找错"></a>
<a href="javascript:void(0);" id="gov-wza-foot"><img src="/images/wza.png" alt="适老化无障碍服务"></a></div>
</div></div>
"""


def _site(code: str) -> str:
    """Another government's portal, named as the farm names its hosts."""
    return f"http://www.x{code}.gov.cn/"
