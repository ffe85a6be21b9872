"""Attachment links and file names from Content-Disposition headers and URLs."""

from urllib.parse import quote

import pytest

from crawler.discovery.attachments import (
    ATTACHMENT_EXTENSIONS,
    attachment_filename,
    decode_filename_bytes,
    filename_from_content_disposition,
    is_attachment_link,
)

NAME = "昌乐县卫生健康局2020年政府信息公开工作年度报告.pdf"


@pytest.mark.parametrize("extension", sorted(ATTACHMENT_EXTENSIONS))
def test_every_listed_extension_is_an_attachment(extension):
    assert is_attachment_link(f"http://x.gov.cn/u/cms/2021/report.{extension.upper()}", "")


@pytest.mark.parametrize(
    "url, text",
    [
        (
            "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=2101281.pdf",
            "",
        ),
        ("http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=abc", "下载"),
        ("http://x.gov.cn/download.jsp?id=123", ""),
        ("http://x.gov.cn/common/DownLoad.aspx?fileId=88", ""),
        ("http://x.gov.cn/attachment.do?id=9", ""),
        ("http://x.gov.cn/api/file/download?id=9", ""),
        ("http://x.gov.cn/file/download/9f8e7d", ""),
        ("http://x.gov.cn/cms/getFile?fid=5", ""),
        ("http://x.gov.cn/fileDownload.action?id=5", ""),
        ("http://x.gov.cn/show.jsp?id=5", "附件：昌乐县2020年年报.pdf"),
        ("http://x.gov.cn/show.jsp?id=5", "附件1"),
        ("http://x.gov.cn/show.jsp?id=5", "点击下载"),
        ("http://x.gov.cn/show.jsp?id=5", "附件下载"),
        ("http://x.gov.cn/show.jsp?id=5", "2020年年度报告.docx"),
        ("http://x.gov.cn/u/%E5%B9%B4%E6%8A%A5.pdf", ""),
        ("http://x.gov.cn/P020210128551.PDF?v=2", ""),
        ("http://x.gov.cn/picture/0/s.jpeg", ""),
    ],
)
def test_attachment_links(url, text):
    assert is_attachment_link(url, text)


@pytest.mark.parametrize(
    "url, text",
    [
        ("http://x.gov.cn/art/2021/1/5/art_1_2.html", "2020年政府信息公开工作年度报告"),
        ("http://x.gov.cn/col/col9/index.html", "政府信息公开年报"),
        ("http://x.gov.cn/download/index.html", "下载中心"),
        ("http://x.gov.cn/xxgk/list.jsp?page=2", "下一页"),
        ("http://x.gov.cn/", ""),
        ("http://x.gov.cn/pdfviewer/", "查看"),
    ],
)
def test_pages_are_not_attachments(url, text):
    assert not is_attachment_link(url, text)


@pytest.mark.parametrize(
    "header",
    [
        b"attachment; filename*=UTF-8''" + quote(NAME).encode(),
        b"attachment; filename*=utf-8'zh-CN'" + quote(NAME).encode(),
        b"attachment; filename*=\"UTF-8''" + quote(NAME).encode() + b'"',
        b"attachment; filename*=GBK''" + quote(NAME.encode("gbk")).encode(),
        # filename* wins over filename, in either order
        b"attachment; filename=\"fallback.pdf\"; filename*=UTF-8''" + quote(NAME).encode(),
        b"attachment; filename*=UTF-8''" + quote(NAME).encode() + b'; filename="fallback.pdf"',
        (f'attachment; filename="{NAME}"').encode(),
        (f"attachment; filename={NAME}").encode(),
        (f'attachment; filename="{NAME}"').encode("gbk"),
        (f'attachment; filename="{NAME}"').encode("gb18030"),
        b"attachment; filename=" + quote(NAME).encode(),
        b'attachment;filename="' + quote(NAME.encode("gbk")).encode() + b'"',
        b'attachment; filename="=?UTF-8?B?'
        + __import__("base64").b64encode(NAME.encode())
        + b'?="',
        b"inline; filename==?GBK?B?" + __import__("base64").b64encode(NAME.encode("gbk")) + b"?=",
        (f'filename="{NAME}"').encode(),
        (f'ATTACHMENT; FILENAME="{NAME}"').encode(),
        (f'attachment; filename="C:\\Users\\x\\{NAME}"').encode("gbk"),
        (f'attachment; filename="../../{NAME}"').encode(),
    ],
)
def test_filename_from_content_disposition(header):
    assert filename_from_content_disposition(header) == NAME


def test_filename_with_quoted_semicolon_and_escaped_quote():
    assert (
        filename_from_content_disposition(b'attachment; filename="a;b \\"c\\".pdf"')
        == 'a;b "c".pdf'
    )


def test_percent_encoded_name_with_plus_for_space():
    header = b"attachment; filename=" + quote("2020 年报.pdf", safe="").replace("%20", "+").encode()
    assert filename_from_content_disposition(header) == "2020 年报.pdf"


def test_gbk_name_with_0x5c_trail_byte():
    # "癨" is 0xB0 0x5C in GBK: the backslash byte must not be taken for an escape or a path.
    name = "癨报告.pdf"
    assert b"\\" in name.encode("gbk")
    assert (
        filename_from_content_disposition((f'attachment; filename="{name}"').encode("gbk")) == name
    )


@pytest.mark.parametrize(
    "header",
    [
        b"inline",
        b"attachment",
        b"",
        b'attachment; filename=""',
        b"attachment; filename*=x",
    ],
)
def test_no_filename(header):
    assert filename_from_content_disposition(header) is None


def test_str_header_is_rejected():
    with pytest.raises(TypeError):
        filename_from_content_disposition("attachment; filename=a.pdf")


def test_decode_filename_bytes_prefers_utf8_then_gb18030():
    assert decode_filename_bytes("年报".encode()) == "年报"
    assert decode_filename_bytes("年报".encode("gb18030")) == "年报"
    assert decode_filename_bytes(b"\xff\xfe\xff") != ""


@pytest.mark.parametrize(
    "url, header, expected",
    [
        (
            "http://x.gov.cn/downfile.jsp?id=1",
            b"attachment; filename*=UTF-8''" + quote(NAME).encode(),
            NAME,
        ),
        ("http://x.gov.cn/u/" + quote(NAME), None, NAME),
        ("http://x.gov.cn/u/" + quote(NAME.encode("gbk")), None, NAME),
        ("http://x.gov.cn/u/" + quote(NAME), b"inline", NAME),
        (
            "http://x.gov.cn/module/download/downfile.jsp?classid=0&filename=" + quote(NAME),
            None,
            NAME,
        ),
        ("http://x.gov.cn/down.aspx?fileName=" + quote(NAME.encode("gbk")), None, NAME),
        ("http://x.gov.cn/DownLoad.aspx?id=3", None, None),
        ("http://x.gov.cn/file/download?id=3", None, None),
        ("http://x.gov.cn/get.do?filename=..%2F..%2Fetc%2Fpasswd", None, "passwd"),
    ],
)
def test_attachment_filename(url, header, expected):
    assert attachment_filename(url, header) == expected
