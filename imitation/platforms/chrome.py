"""The frame every imitated government page sits in: header, navigation, breadcrumb, footer.

Real list pages carry dozens of links besides the list (menus, other columns, the 网站标识码
and ICP/公安备案 badges, links to other government sites); parsers have to find the list among
them, so the imitations carry them too.
"""

from __future__ import annotations

from html import escape

SITE_NAME = "某某市人民政府"

NAV_LINKS = (
    ("/", "首页"),
    ("/zwgk/", "政务公开"),
    ("/zwfw/", "政务服务"),
    ("/hdjl/", "互动交流"),
    ("/zjmc/", "走进某某"),
)

SIDE_LINKS = (
    ("/zwgk/zfxxgkzd/", "政府信息公开制度"),
    ("/zwgk/fdzdgknr/", "法定主动公开内容"),
    ("/zwgk/zfxxgkzn/", "政府信息公开指南"),
)

FOOTER_LINKS = (
    ("/wzdt/", "网站地图"),
    ("/lxwm/", "联系我们"),
    ("https://www.gov.cn/", "中国政府网"),
    ("https://beian.miit.gov.cn/", "京ICP备05070218号"),
    (
        "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11010202000001",
        "京公网安备 11010202000001号",
    ),
    ("https://bszs.conac.cn/sitename?method=show&id=0A1B2C3D", "党政机关"),
)


def anchors(links: tuple[tuple[str, str], ...], item: str = "li") -> str:
    return "".join(
        f'<{item}><a href="{escape(href)}" target="_blank">{escape(text)}</a></{item}>'
        for href, text in links
    )


def page(
    title: str, main: str, *, head: str = "", scripts: str = "", column: str = "政府信息公开年报"
) -> str:
    """A whole HTML page with ``main`` as the column's content."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{SITE_NAME}">
<meta name="ColumnName" content="{escape(column)}">
<title>{escape(title)}_{SITE_NAME}</title>
<link rel="stylesheet" href="/images/common.css">
{head}
</head>
<body>
<div class="top"><div class="w1200"><span>欢迎访问{SITE_NAME}门户网站</span>
<a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a> <a href="#skip">跳过导航</a>
<a href="mailto:zfwz@example.gov.cn">网站纠错</a></div></div>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{SITE_NAME}"></a></div>
<ul class="nav">{anchors(NAV_LINKS)}</ul></div>
<div class="w1200 main">
<div class="position" id="skip">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <span>{escape(column)}</span></div>
<div class="left"><h3>政府信息公开</h3><ul>{anchors(SIDE_LINKS)}</ul></div>
<div class="right">
<h2 class="column-title">{escape(column)}</h2>
{main}
</div>
</div>
<div class="footer"><ul class="footer-links">{anchors(FOOTER_LINKS)}</ul>
<p>主办：{SITE_NAME}办公室 网站标识码：1100000001</p></div>
{scripts}
</body>
</html>
"""
