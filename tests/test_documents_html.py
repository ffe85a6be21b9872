"""HTML articles: charset handling, article extraction, table linearisation, links and dates."""

from __future__ import annotations

import pytest

from extract.documents import read_document
from extract.documents.encoding import decode_html
from tests import document_samples as samples

URL = "http://www.example.gov.cn/zfxxgk/ndbg/202201/t20220122_1.html"


def _read(html: str, encoding: str = "utf-8", **kwargs):
    return read_document(html.encode(encoding), url=URL, **kwargs)


def test_article_text_table_title_date_and_links():
    document = _read(samples.report_html(), content_type="text/html; charset=utf-8")
    assert document.source_type == "html"
    assert document.text.splitlines() == samples.EXPECTED_LINES + [f"附件：{samples.TITLE}.pdf"]
    assert document.title == samples.TITLE
    assert document.published == "2022-01-22"
    assert document.links == [
        ("http://www.example.gov.cn/zfxxgk/ndbg/files/P020220122.pdf", f"{samples.TITLE}.pdf")
    ]


def test_gbk_page_without_any_declared_charset():
    document = _read(samples.report_html(charset_meta=None), "gbk")
    assert document.text.splitlines()[: len(samples.EXPECTED_LINES)] == samples.EXPECTED_LINES
    assert document.title == samples.TITLE


@pytest.mark.parametrize(
    "snippet", ["<p>规章</p>", "<div>行政规范性文件 本年制发件数</div>", "<td>予以公开</td>"]
)
def test_short_gbk_fragments_are_not_taken_for_big5(snippet):
    text, encoding = decode_html(snippet.encode("gbk"))
    assert (text, encoding) == (snippet, "gb18030")


def test_declared_charsets_in_order_and_latin1_server_default_ignored():
    gbk_page = samples.report_html(charset_meta="gb2312").encode("gbk")
    assert decode_html(gbk_page, "text/html; charset=ISO-8859-1")[1] == "gb18030"
    # The HTTP header wins over the page when both decode …
    ascii_page = b'<meta charset="utf-8"><p>plain</p>'
    assert decode_html(ascii_page, "text/html; charset=gbk")[1] == "gb18030"
    # … but a header that cannot be right (GBK bytes are not UTF-8) gives way to the page.
    assert decode_html(gbk_page, "text/html; charset=utf-8")[1] == "gb18030"


def test_a_few_bad_bytes_do_not_lose_the_declared_charset():
    page = samples.report_html().encode("utf-8").replace("来源".encode(), "来源".encode()[:-1])
    text, encoding = decode_html(page, "text/html; charset=utf-8")
    assert encoding == "utf-8" and samples.TITLE in text


def test_unknown_container_falls_back_to_densest_block():
    document = _read(samples.report_html(container='div class="mainText"'))
    assert document.text.splitlines() == samples.EXPECTED_LINES + [f"附件：{samples.TITLE}.pdf"]


def test_page_furniture_and_scripts_are_dropped():
    text = _read(samples.report_html(container='div class="mainText"')).text
    for furniture in ("首页", "当前位置", "机构职能", "分享到", "ICP", "var nav", "color"):
        assert furniture not in text


def test_layout_table_around_a_data_table():
    page = f"""<html><body><table width="100%"><tr><td><a href="/">首页</a></td></tr>
    <tr><td><table><tr><td>
      <p>{samples.BEFORE[0]}</p><p>{samples.BEFORE[1]}</p>
      {samples.REPORT_TABLE_HTML}
      <p>{samples.AFTER[0]}</p>
    </td></tr></table></td></tr></table></body></html>"""
    lines = _read(page).text.splitlines()
    assert lines[-len(samples.EXPECTED_LINES) :] == samples.EXPECTED_LINES


def test_tables_already_flattened_pass_through():
    page = """<div class="TRS_Editor"><p>二、主动公开政府信息情况</p>
    <p>信息内容</p><p>本年制发件数</p><p>规章</p><p>0</p>
    <p>\n\t\t规章\t0\t\t3\n\t</p><pre>行政规范性文件\t2\t1\t15
收费\t1</pre></div>"""
    assert _read(page).text.splitlines() == [
        "二、主动公开政府信息情况", "信息内容", "本年制发件数", "规章", "0",
        "规章\t0\t\t3", "行政规范性文件\t2\t1\t15", "收费\t1",
    ]  # fmt: skip


def test_empty_cells_at_the_ends_of_a_tab_separated_row_are_kept():
    # A row continuing a row-spanning label starts with an empty cell, and a row printing one
    # number less ends with one: dropping either TAB would shift every number a column.
    page = """<div class="TRS_Editor"><p>三、本年度办理结果\t（一）予以公开\t\t11\t\t11</p>
    <p>\t（七）总计\t\t31\t32\t</p>\n\t\t<p>\n\t\t四、结转下年度继续办理\t\t\t2</p></div>"""
    assert _read(page).text.splitlines() == [
        "三、本年度办理结果\t（一）予以公开\t\t11\t\t11",
        "\t（七）总计\t\t31\t32\t",
        "四、结转下年度继续办理\t\t\t2",
    ]


def test_header_rows_of_the_requests_table():
    page = """<div id="UCAP-CONTENT"><table><caption>表三</caption>
    <tr><td rowspan="3" colspan="3">本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和</td>
        <td colspan="7">申请人情况</td></tr>
    <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
    <tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
    <tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>12</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>13</td></tr>
    <tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>5</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr>
    <tr><td rowspan="1">（三）不予公开</td><td>1．属于国家秘密</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
    </table></div>"""
    assert _read(page).text.splitlines() == [
        "表三",
        "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和\t\t\t申请人情况\t\t\t\t\t\t",
        "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t",
        "一、本年新收政府信息公开申请数量\t\t\t12\t1\t0\t0\t0\t0\t13",
        "三、本年度办理结果\t（一）予以公开\t\t5\t0\t0\t0\t0\t0\t5",
        "\t（三）不予公开\t1．属于国家秘密\t0\t0\t0\t0\t0\t0\t0",
    ]


def test_links_are_absolute_and_attachments_outside_the_article_kept():
    page = """<html><head><base href="http://www.example.gov.cn/root/"><title>t</title></head><body>
    <div class="TRS_Editor"><p>请见附件，年度报告全文如下所述，共计三部分内容。</p>
    <a href="detail.html">全文</a><a href="javascript:void(0)">打印</a><a href="#top">顶部</a></div>
    <div class="attachments"><a href="/files/report.doc" title="年报"></a><a href="/other.html">其他</a>
    <a href="/down.jsp?name=b.pdf&amp;id=2">年报PDF</a></div>
    </body></html>"""
    assert _read(page).links == [
        ("http://www.example.gov.cn/root/detail.html", "全文"),
        ("http://www.example.gov.cn/files/report.doc", "年报"),
        ("http://www.example.gov.cn/down.jsp?name=b.pdf&id=2", "年报PDF"),
    ]


def test_title_and_date_from_cms_meta_tags():
    page = """<html><head><meta name="ArticleTitle" content="某区2020年 政府信息公开工作年度报告">
    <meta name="PubDate" content="2021-01-29 10:31"><title>某区人民政府</title></head>
    <body><h1>某区人民政府</h1><div id="zoom"><p>根据《中华人民共和国政府信息公开条例》要求，编制本报告。</p></div>
    <p>发布时间：2021年03月01日</p></body></html>"""
    document = _read(page)
    assert (document.title, document.published) == (
        "某区2020年 政府信息公开工作年度报告",
        "2021-01-29",
    )


def test_date_from_the_info_bar_in_chinese_form():
    page = """<html><body><h1>年度报告</h1><div class="xx">信息来源：某局　发布日期：2021年1月5日</div>
    <div id="zoom"><p>根据《中华人民共和国政府信息公开条例》要求，编制本报告。</p></div></body></html>"""
    assert _read(page).published == "2021-01-05"


def test_word_single_file_web_page_saved_as_doc():
    html = f"<html><body><div class=WordSection1><p>{samples.BEFORE[0]}</p>{samples.REPORT_TABLE_HTML}</div></body></html>"
    mht = (
        'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="----=_NextPart"\n\n'
        '------=_NextPart\nContent-Type: text/html; charset="gb2312"\nContent-Transfer-Encoding: base64\n\n'
    ).encode("ascii")
    import base64

    mht += base64.encodebytes(html.encode("gbk")) + b"\n------=_NextPart--\n"
    document = read_document(mht, filename="年报.doc")
    assert document.text.splitlines() == [samples.BEFORE[0]] + samples.TABLE_LINES


def test_deeply_nested_markup_is_walked_without_recursion():
    page = "<div id=zoom>" + "".join(f"<div><font>第{i}段" for i in range(2500)) + "</div>"
    lines = _read(page).text.splitlines()
    assert len(lines) == 2500 and lines[-1] == "第2499段"


def test_line_breaks_inside_chinese_sentences_vanish_but_not_between_words():
    page = "<div id=zoom><p>本年度共主动公开\n  政府信息\n120条，<b>其中</b>规章 3 件；see\nhere</p></div>"
    assert _read(page).text == "本年度共主动公开政府信息 120条，其中规章 3 件；see here"
