"""Ready-to-copy citations of a report: GB/T 7714-2015, APA (7th edition), BibTeX, RIS, CSL-JSON.

A citation names the report as published (the agency is its author, the title as printed
without a file extension, the publication date it carries), the original URL with the capture
date as the date it was retrieved, and the preserved copy in this archive: its URL under the
configured public address (``NIANBAO_PUBLIC_URL``, never the host a request came to) and, where
the style has room for a note, the WARC file, record id and payload digest. Every style uses
the same date (:func:`Source.date`): the report's printed date, else the page's; none when
neither is known (APA's "n.d.").

GB/T 7714-2015 electronic resource form (4.2, 8.8)::

    责任者. 题名[EB/OL]. (发布日期)[引用日期]. 获取和访问路径.

e.g. ``昌乐县卫生健康局. 昌乐县卫生健康局2020年政府信息公开工作年度报告[EB/OL]. (2021-01-22)[2024-05-01].
http://www.changle.gov.cn/…/t.html.`` The (发布日期) part is left out when the report carries
no date; 引用日期 is the capture date (UTC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass
class Source:
    """What a citation needs to know about a report and its capture."""

    report_id: str
    agency: str | None
    title: str | None
    year: int | None
    published: str | None  # YYYY-MM-DD (or YYYY-MM, YYYY), as printed or as the page dates it
    captured_at: str | None  # WARC-Date, ISO 8601 UTC
    url: str | None
    site_name: str | None = None
    warc_filename: str | None = None
    record_id: str | None = None
    payload_digest: str | None = None
    preserved_url: str | None = None  # absolute URL of the preserved copy in this archive

    @classmethod
    def from_report(cls, report: dict, preserved_url: str | None = None) -> Source:
        return cls(
            report_id=report["id"],
            agency=report.get("agency"),
            title=report.get("title"),
            year=report.get("year"),
            published=report.get("published") or report.get("page_published"),
            captured_at=report.get("captured_at"),
            url=report.get("source_url"),
            site_name=report.get("site_name"),
            warc_filename=report.get("warc_filename"),
            record_id=report.get("warc_record_id"),
            payload_digest=report.get("payload_digest"),
            preserved_url=preserved_url,
        )

    @property
    def date(self) -> str | None:
        """The one publication date every style cites (YYYY-MM-DD, or as much as is known)."""
        return iso_date(self.published)

    @property
    def display_title(self) -> str:
        if self.title:
            return clean_title(self.title)
        year = f"{self.year}年" if self.year else ""
        return f"{self.agency or ''}{year}政府信息公开工作年度报告"

    @property
    def author(self) -> str:
        return self.agency or self.site_name or "佚名"


_FILE_EXTENSION = re.compile(
    r"\.(?:pdf|docx?|wps|et|xlsx?|ofd|html?|shtml|jsp|aspx?|php|txt|rtf|zip|rar|7z)\s*$", re.I
)


def clean_title(title: str) -> str:
    """A title as printed: without the file extension an attachment's link text often keeps."""
    cleaned = title.strip()
    while _FILE_EXTENSION.search(cleaned):
        cleaned = _FILE_EXTENSION.sub("", cleaned).strip()
    return cleaned or title.strip()


def parse_date(text: str | None) -> tuple[int, int | None, int | None] | None:
    """``'2021-01-22'``, ``'2021年1月22日'``, ``'2021-01'`` or ``'2021'`` → (year, month, day)."""
    if not text:
        return None
    match = re.match(r"\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?)?", text)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


def iso_date(text: str | None) -> str | None:
    """A date as GB/T 7714 writes it: YYYY-MM-DD (or as much of it as is known)."""
    parts = parse_date(text)
    if parts is None:
        return None
    year, month, day = parts
    return "-".join(
        [f"{year:04d}"] + [f"{p:02d}" for p in (month, day) if p is not None][: 2 if month else 0]
    )


def gbt7714(source: Source) -> str:
    """The GB/T 7714-2015 citation (electronic resource, [EB/OL]), then the preserved copy."""
    published = source.date
    captured = iso_date(source.captured_at)
    dates = (f"({published})" if published else "") + (f"[{captured}]" if captured else "")
    parts = [f"{source.author}. {source.display_title}[EB/OL]."]
    if dates:
        parts.append(f"{dates}.")
    if source.url:
        parts.append(f"{source.url}.")
    if source.preserved_url:
        parts.append(f"存档: {source.preserved_url}.")
    return " ".join(parts)


def _apa_date(text: str | None) -> str:
    parts = parse_date(text)
    if parts is None:
        return "n.d."
    year, month, day = parts
    if month is None:
        return str(year)
    return f"{year}, {MONTHS[month - 1]}" + (f" {day}" if day else "")


def apa(source: Source) -> str:
    """The APA 7 citation: a report by a government agency, with a translated description."""
    description = "Annual report on government information disclosure"
    if source.year:
        description += f", {source.year}"
    text = f"{source.author}. ({_apa_date(source.date)}). {source.display_title} [{description}]."
    if source.site_name and source.site_name != source.author:
        text += f" {source.site_name}."
    captured = parse_date(source.captured_at)
    if source.url and captured and captured[1] and captured[2]:
        year, month, day = captured
        text += f" Retrieved {MONTHS[month - 1]} {day}, {year}, from {source.url}"
    elif source.url:
        text += f" {source.url}"
    if source.preserved_url:
        text += f" (archived copy: {source.preserved_url})"
    return text


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in text)


def bibtex_url(url: str) -> str:
    """A URL safe inside a BibTeX field: braces, backslashes and blanks percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group(0)):02X}", url)


def bibtex(source: Source) -> str:
    """A BibTeX ``@misc`` entry (biblatex-friendly: ``date``, ``url``, ``urldate``)."""
    fields: list[tuple[str, str]] = [
        ("author", "{" + bibtex_escape(source.author) + "}"),  # a corporate author: keep it whole
        ("title", "{" + bibtex_escape(source.display_title) + "}"),
    ]
    if source.date:  # no guessed year: the same date, or none, as the other styles
        fields.append(("year", source.date[:4]))
        fields.append(("date", source.date))
    if source.site_name:
        fields.append(("publisher", bibtex_escape(source.site_name)))
    if source.url:
        fields.append(("url", bibtex_url(source.url)))
        fields.append(("howpublished", r"\url{" + bibtex_url(source.url) + "}"))
    if (captured := iso_date(source.captured_at)) is not None:
        fields.append(("urldate", captured))
    note = archive_note(source)
    if note:
        fields.append(("note", bibtex_escape(note)))
    fields.append(("language", "chinese"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{nianbao-{source.report_id},\n{body}\n}}"


def archive_note(source: Source) -> str:
    """Where the preserved copy is: WARC file and record, digest, and its URL here."""
    bits = []
    if source.record_id:
        bits.append(f"WARC record {source.record_id}")
    if source.warc_filename:
        bits.append(f"in {source.warc_filename}")
    if source.payload_digest:
        bits.append(f"(payload digest {source.payload_digest})")
    if not bits and not source.preserved_url:
        return ""
    text = "Archived copy: " + " ".join(bits)
    if source.preserved_url:
        text += (", " if bits else "") + source.preserved_url
    return text


def _ris_date(iso: str | None) -> str | None:
    if not iso:
        return None
    parts = iso.split("-")
    return "/".join(parts + [""] * (3 - len(parts))) if len(parts) < 3 else "/".join(parts)


def ris(source: Source) -> str:
    """An RIS record (Zotero, EndNote): a government document with its archived copy."""
    lines = [("TY", "GOVDOC"), ("ID", f"nianbao-{source.report_id}"), ("AU", source.author)]
    lines.append(("TI", source.display_title))
    if source.date:
        lines += [("PY", source.date[:4]), ("DA", _ris_date(source.date))]
    if source.site_name:
        lines.append(("PB", source.site_name))
    if source.preserved_url:
        lines.append(("UR", source.preserved_url))
    if source.url:
        lines.append(("UR", source.url))
    if (captured := iso_date(source.captured_at)) is not None:
        lines.append(("Y2", _ris_date(captured)))
    if note := archive_note(source):
        lines.append(("N1", note))
    lines += [("LA", "zh"), ("ER", "")]
    return "\n".join(f"{tag}  - {' '.join(str(value).split())}".rstrip() for tag, value in lines)


def _date_parts(iso: str | None) -> dict | None:
    if not iso:
        return None
    return {"date-parts": [[int(part) for part in iso.split("-")]]}


def csl_json(source: Source) -> dict:
    """A CSL-JSON item (Zotero, Pandoc, citeproc): the report, its URL and its archived copy."""
    item = {
        "id": f"nianbao-{source.report_id}",
        "type": "report",
        "title": source.display_title,
        "author": [{"literal": source.author}],
        "genre": "政府信息公开工作年度报告",
        "language": "zh-CN",
        "URL": source.url,
        "publisher": source.site_name,
        "issued": _date_parts(source.date),
        "accessed": _date_parts(iso_date(source.captured_at)),
        "archive": "nianbao",
        "archive_location": source.preserved_url or source.record_id,
        "note": archive_note(source) or None,
    }
    return {key: value for key, value in item.items() if value}


def all_styles(source: Source) -> dict[str, str]:
    """``{'gbt7714': …, 'apa': …, 'bibtex': …, 'ris': …, 'csl_json': …}``, all text."""
    import json

    return {
        "gbt7714": gbt7714(source),
        "apa": apa(source),
        "bibtex": bibtex(source),
        "ris": ris(source),
        "csl_json": json.dumps([csl_json(source)], ensure_ascii=False, indent=2),
    }
