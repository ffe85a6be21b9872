"""A report as a government website's article page, in three shapes of body.

- ``html_table``: the tables as real ``<table>`` markup with rowspan/colspan, the way CMS editors
  (TRS, Hanweb) publish a pasted Word table: inline styles, ``<p>`` inside cells, ``&nbsp;`` in
  empty cells.
- ``html_flat``: the tables flattened into one ``<p>`` per printed line, numbers space-separated,
  as when a PDF's text is pasted into the editor (the shape of most seeds).
- ``html_tabs``: one ``<p>`` per table row, cells separated by TAB characters.

The page around the article has what real ones have: navigation, a breadcrumb, the 索引号
metadata table, a link to the previous year's report and a footer, so an extractor has to find
the report in it.
"""

from __future__ import annotations

import hashlib
from html import escape

from .layout import Block, document_blocks
from .model import GeneratedReport
from .places import place_for_agency
from .tables import Table, layout_grid

PROVINCE_ICP = {
    "山东": "鲁",
    "黑龙": "黑",
    "宁夏": "宁",
    "江苏": "苏",
    "浙江": "浙",
    "安徽": "皖",
    "福建": "闽",
    "江西": "赣",
    "河南": "豫",
    "湖北": "鄂",
    "湖南": "湘",
    "广东": "粤",
    "广西": "桂",
    "四川": "蜀",
    "贵州": "黔",
    "云南": "滇",
    "陕西": "陕",
    "甘肃": "甘",
    "河北": "冀",
    "山西": "晋",
    "内蒙": "蒙",
    "辽宁": "辽",
    "吉林": "吉",
    "海南": "琼",
    "新疆": "新",
    "北京": "京",
    "上海": "沪",
    "重庆": "渝",
}
HTML_SHAPES = ("html_table", "html_flat", "html_tabs")
CELL_STYLE = "border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"


def render_html(report: GeneratedReport, shape: str) -> bytes:
    """The article page for ``report`` with its tables in ``shape`` (one of ``HTML_SHAPES``),
    encoded in the page's declared charset."""
    if shape not in HTML_SHAPES:
        raise ValueError(f"unknown HTML shape {shape!r}; expected one of {HTML_SHAPES}")
    body = "\n".join(_block_html(block, shape, report.style) for block in document_blocks(report))
    charset = report.style.get("charset", "utf-8")
    declared = "gb2312" if charset == "gbk" else charset  # sites declare gb2312 and send GBK
    return _page(report, body, declared).encode(charset)


def flat_lines(table: Table) -> list[str]:
    """The table as PDF text extraction prints it: a row's cells on one line, space-separated,
    empty cells gone; a cell broken over lines puts its pieces on lines of their own."""
    lines: list[str] = []
    for row in layout_grid(table):
        current: list[str] = []
        for position in row:
            if position is None or not position[1] or not position[0].text.strip():
                continue
            text = position[0].text
            if "\n" in text:
                if current:
                    lines.append(" ".join(current))
                lines.extend(text.split("\n"))
                current = []
            else:
                current.append(text)
        if current:
            lines.append(" ".join(current))
    return lines


def tab_fields(table: Table) -> list[list[str]]:
    """The table as copied from Word: one list per row, an empty field for every position a
    merged cell covers."""
    return [["" if p is None or not p[1] else p[0].text for p in row] for row in layout_grid(table)]


def _block_html(block: Block, shape: str, style: dict) -> str:
    text = escape(block.text).replace("\n", "<br/>")
    if block.kind == "title":
        return f'<p style="text-align:center"><strong><span style="font-size:22px">{text}</span></strong></p>'
    if block.kind in ("date", "page_number"):
        return f'<p style="text-align:center">{text}</p>'
    if block.kind == "heading":
        return f'<p style="text-indent:2em"><strong><span style="font-family:黑体">{text}</span></strong></p>'
    if block.kind == "subheading":
        return f'<p style="text-indent:2em"><span style="font-family:楷体_GB2312">{text}</span></p>'
    if block.kind == "signature":
        return f'<p style="text-align:right">{text}</p>'
    if block.kind == "table":
        return _table_html(block.table, shape, style)
    return f'<p style="text-indent:2em"><span style="font-family:仿宋_GB2312;font-size:16px">{text}</span></p>'


def _table_html(table: Table, shape: str, style: dict) -> str:
    if shape == "html_flat":
        return "\n".join(f"<p>{escape(line)}</p>" for line in flat_lines(table))
    if shape == "html_tabs":
        return "\n".join(
            "<p>" + "\t".join(escape(f).replace("\n", "<br/>") for f in fields) + "</p>"
            for fields in tab_fields(table)
        )
    total = sum(table.widths)
    rows = []
    for row in table.rows:
        tds = []
        for cell in row:
            spans = "".join(
                f' {name}="{n}"'
                for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                if n > 1
            )
            tds.append(
                f'<td{spans} valign="center" style="{CELL_STYLE}">{_cell_html(cell.text, style)}</td>'
            )
        rows.append("<tr>" + "".join(tds) + "</tr>")
    colgroup = "".join(f'<col width="{round(600 * w / total)}"/>' for w in table.widths)
    return (
        '<table border="1" cellspacing="0" cellpadding="0" width="600" '
        'style="border-collapse:collapse;border:none">'
        f"<colgroup>{colgroup}</colgroup><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


def _cell_html(text: str, style: dict) -> str:
    if not text.strip():
        return '<p style="text-align:center">&nbsp;</p>'
    lines = [escape(line) for line in text.split("\n")]
    if style.get("cell_breaks") == "p":
        return "".join(
            f'<p style="text-align:center"><span style="font-size:14px">{line}</span></p>'
            for line in lines
        )
    return f'<p style="text-align:center"><span style="font-size:14px">{"<br/>".join(lines)}</span></p>'


def _page(report: GeneratedReport, body: str, charset: str) -> str:
    place = place_for_agency(report.agency)
    site = f"{place.name}人民政府" if place else report.agency
    title = escape(report.title.replace("\n", ""))
    digest = hashlib.sha256(report.name.encode()).hexdigest()
    code = report.region_code or "000000"
    page_date = report.published or f"{report.year + 1}-03-{int(digest[:2], 16) % 28 + 1:02d}"
    index = f"11{code}{int(digest[2:10], 16) % 10**8:08d}X/{report.year + 1}-{int(digest[10:14], 16) % 999:05d}"
    icp = PROVINCE_ICP.get(report.region[:2], "京")
    previous = escape(f"{report.agency}{report.year - 1}年政府信息公开工作年度报告")
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{title}_{escape(site)}</title>
<meta name="SiteName" content="{escape(site)}" />
<meta name="ArticleTitle" content="{title}" />
<meta name="PubDate" content="{page_date} 09:{int(digest[14:16], 16) % 60:02d}" />
<meta name="ContentSource" content="{escape(report.agency)}" />
<link rel="stylesheet" type="text/css" href="/images/style.css" />
<script type="text/javascript" src="/js/jquery-1.11.3.min.js"></script>
</head>
<body>
<div class="topbar"><div class="w1200"><span id="today"></span><a href="javascript:void(0)" id="wza">无障碍浏览</a> <a href="javascript:void(0)">长者模式</a> <a href="/">繁體</a></div></div>
<div class="header"><div class="w1200"><a href="/"><img src="/images/logo.png" alt="{escape(site)}" /></a><form action="/search" method="get"><input name="q" placeholder="请输入关键字" /><button>搜索</button></form></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/col/zwgk/">政务公开</a></li><li><a href="/col/zwfw/">政务服务</a></li><li><a href="/col/hdjl/">互动交流</a></li><li><a href="/col/zj/">走进{escape(place.name if place else site)}</a></li></ul></div>
<div class="w1200 position">当前位置：<a href="/">首页</a> &gt; <a href="/col/zwgk/">政府信息公开</a> &gt; <a href="/col/ndbg/">政府信息公开年报</a></div>
<div class="w1200 main">
<table class="xxgk-info" width="100%"><tr><td>索引号：</td><td>{index}</td><td>发布机构：</td><td>{escape(report.agency)}</td></tr>
<tr><td>主题分类：</td><td>综合政务/其他</td><td>生成日期：</td><td>{page_date}</td></tr>
<tr><td>名称：</td><td colspan="3">{title}</td></tr></table>
<div class="article">
<h1 class="article-title">{title}</h1>
<div class="article-info">发布时间：{page_date} &nbsp; 来源：{escape(report.agency)} &nbsp; 浏览次数：<span id="hits"></span> &nbsp; 【字体：<a>大</a> <a>中</a> <a>小</a>】</div>
<div class="TRS_Editor"><div class="Custom_UnionStyle">
{body}
</div></div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="article-nav"><p>上一篇：<a href="/art/prev.html">{previous}</a></p><p>下一篇：<a href="/art/next.html">关于公布{report.year + 1}年政务公开工作要点的通知</a></p></div>
</div></div>
<div class="footer"><div class="w1200"><p>主办单位：{escape(site)}办公室 &nbsp; 承办单位：{escape(site)}大数据中心</p>
<p>网站标识码：{code}0001 &nbsp; <a href="https://beian.miit.gov.cn/" target="_blank">{icp}ICP备{int(digest[16:24], 16) % 10**8:08d}号</a> &nbsp; {icp}公网安备 {code}02000{int(digest[24:28], 16) % 1000:03d}号</p>
<p>建议使用1920×1080分辨率 IE9以上版本浏览器</p></div></div>
<script type="text/javascript">var _hmt = _hmt || []; document.getElementById("today").innerHTML = new Date().toLocaleDateString();</script>
</body>
</html>
"""
