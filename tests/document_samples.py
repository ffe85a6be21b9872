"""Build small report-like documents (HTML, DOCX, PDF, DOC) for the document-reader tests.

Each holds the same table, with a row span, column spans and a label wrapped over
two lines, between two paragraphs; EXPECTED_LINES is what every reader must return.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

TITLE = "测试局2021年政府信息公开工作年度报告"
BEFORE = ["一、总体情况", "本年度共主动公开政府信息120条。"]
AFTER = ["四、存在的主要问题及改进情况"]
TABLE_LINES = [
    "第二十条第（一）项\t\t\t",
    "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
    "规章\t0\t0\t3",
    "行政规范性文件\t2\t1\t15",
    "三、本年度办理结果\t予以公开\t\t5",
    "\t不予公开\t其他\t1",
]
EXPECTED_LINES = BEFORE + TABLE_LINES + AFTER

REPORT_TABLE_HTML = """<table border="1">
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><th>信息内容</th><th>本年制发件数</th><th>本年废止件数</th><th>现行有效件数</th></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>3</td></tr>
<tr><td><p>行政规范性</p><p>文件</p></td><td>2</td><td>1</td><td>15</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">予以公开</td><td>5</td></tr>
<tr><td>不予公开</td><td>其他</td><td>1</td></tr>
</table>"""


def report_html(*, charset_meta: str | None = "utf-8", container: str = 'div id="zoom"') -> str:
    """A government-CMS-like article page with header, breadcrumbs, sidebar, script and footer.

    ``container`` is the article element's opening tag without brackets.
    """
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"""<!DOCTYPE html>
<html><head>{meta}<title>{TITLE}_测试市人民政府</title>
<script>var nav = "首页 机构 政务公开";</script><style>p {{ color: red }}</style></head>
<body>
<div class="header"><a href="/">首页</a><span>测试市人民政府门户网站欢迎您访问本网站</span></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a> &gt; 年度报告</div>
<div class="sidebar"><ul><li><a href="/a">机构职能</a></li><li><a href="/b">政策文件</a></li></ul></div>
<h1>{TITLE}</h1>
<div class="info">发布时间：2022-01-22 来源：测试局 浏览次数：<span id="hits">12</span></div>
<{container}>
<p>　　{BEFORE[0]}</p>
<p>　　本年度共主动公开政府
信息120条。</p>
{REPORT_TABLE_HTML}
<p>{AFTER[0]}</p>
<p>附件：<a href="../files/P020220122.pdf">{TITLE}.pdf</a></p>
</{container.split()[0]}>
<div class="share">分享到：<a href="javascript:void(0)">微信</a></div>
<div class="footer"><p>主办：测试市人民政府办公室 地址：测试市人民路1号 邮编：100000</p>
<p>网站标识码：1100000001 备案号：京ICP备00000000号</p></div>
</body></html>"""


def report_docx(*, title: str | None = TITLE) -> bytes:
    """A DOCX with the report table built from python-docx cell merges (gridSpan, vMerge)."""
    import docx

    document = docx.Document()
    document.core_properties.title = title or ""
    for text in BEFORE:
        document.add_paragraph(text)
    table = document.add_table(rows=6, cols=4)
    table.style = "Table Grid"
    values = [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "3"],
        ["", "2", "1", "15"],
        ["三、本年度办理结果", "予以公开", "", "5"],
        ["", "不予公开", "其他", "1"],
    ]
    for row, cells in enumerate(values):
        for col, text in enumerate(cells):
            if text:
                table.cell(row, col).text = text
    wrapped = table.cell(3, 0)
    wrapped.text = "行政规范性"
    wrapped.add_paragraph("文件")
    table.cell(0, 0).merge(table.cell(0, 3))
    table.cell(4, 1).merge(table.cell(4, 2))
    table.cell(4, 0).merge(table.cell(5, 0))
    for text in AFTER:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def convert_to_doc(docx_bytes: bytes, workdir: Path) -> bytes:
    """Word 97-2003 bytes of a DOCX, written by headless LibreOffice (the slow step: once per session)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed to build DOC samples")
    source = workdir / "report.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(workdir / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(workdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (workdir / "report.doc").read_bytes()


def report_pdf(*, title: str | None = TITLE, extra_pages: list[str] = ()) -> bytes:
    """A PDF in the CID font STSong-Light with the report table drawn as ruled lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    if title:
        pdf.setTitle(title)
    width, height = A4
    pdf.setFont("STSong-Light", 18)
    pdf.drawString(110, height - 80, TITLE)
    pdf.drawString(110.3, height - 80.2, TITLE)  # fake bold, as WPS and Word print it
    pdf.setFont("STSong-Light", 11)
    pdf.drawString(72, height - 120, BEFORE[0])
    pdf.drawString(72, height - 138, BEFORE[1])
    xs = [72, 182, 292, 402, 512]
    ys = [height - 170 - 30 * row for row in range(7)]
    for row, y in enumerate(ys):
        # No rule under the row-spanning label, so the first column's rows 4-5 are one cell.
        pdf.line(xs[1] if row == 5 else xs[0], y, xs[-1], y)
    for col, x in enumerate(xs):
        for row in range(6):
            if (row == 0 and col in (1, 2, 3)) or (row == 4 and col == 2):
                continue  # inner rules of the column-spanning cells
            pdf.line(x, ys[row], x, ys[row + 1])

    def cell(row: int, col: int, text: str, drop: float = 18) -> None:
        pdf.drawString(xs[col] + 4, ys[row] - drop, text)

    cell(0, 0, "第二十条第（一）项")
    for col, text in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        cell(1, col, text)
    for col, text in enumerate(["规章", "0", "0", "3"]):
        cell(2, col, text)
    cell(3, 0, "行政规范性", drop=12)
    cell(3, 0, "文件", drop=25)
    for col, text in enumerate(["2", "1", "15"], start=1):
        cell(3, col, text)
    cell(4, 0, "三、本年度办理结果", drop=34)
    cell(4, 1, "予以公开")
    cell(4, 3, "5")
    for col, text in enumerate(["不予公开", "其他", "1"], start=1):
        cell(5, col, text)
    pdf.drawString(72, ys[6] - 30, AFTER[0])
    for text in extra_pages:
        pdf.showPage()
        pdf.setFont("STSong-Light", 11)
        pdf.drawString(72, height - 80, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf(pages: int = 1) -> bytes:
    """A PDF whose pages are only pictures: what a scanner produces."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("L", (120, 60), 200)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for _ in range(pages):
        pdf.drawImage(ImageReader(picture), 50, 500, 240, 120)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF that needs a user password to open."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret"))
    pdf.drawString(100, 700, "secret report")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A small PNG picture."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()
