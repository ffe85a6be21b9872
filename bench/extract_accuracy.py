"""How accurately the extractor reads annual reports, per table and per source type.

    python bench/extract_accuracy.py [--n 200] [--seed 0] [--json bench/results/extract_accuracy.json]
    python bench/extract_accuracy.py --ocr 4 --ocr-engines rapidocr,tesseract --formats pdf --n 0 \
        --no-seeds --json bench/results/extract_accuracy_ocr.json

Builds a corpus of synthetic reports with known values (``imitation/reportgen``), renders each in
every source type, and also wraps the five real seeds (``imitation/seeds``) as HTML, PDF, DOCX
and DOC. Each document goes through ``extract.documents.read_document`` and
``extract.parse.parse_report``; only those two are timed. Prints cell accuracy per table and
source type, accuracy per messiness flag, the documents whose agency/year/template version came
out wrong, and the first wrong cells (expected, got, raw text) to start debugging from; writes
all of it as JSON. Always exits 0: it measures, it does not judge.

``--ocr N`` adds N generated reports printed, stamped and scanned (imitation/reportgen/
render_scan.py: 150 dpi, slight rotation, blur, noise, JPEG, a red seal over text) as PDFs of
page images, read by OCR with each engine of ``--ocr-engines``: their accuracy is reported apart,
as source type ``scan:<engine>`` (target: at least 98 % of cells).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.documents import read_document  # noqa: E402
from extract.documents.ocr import ocr_engine, ocr_pdf  # noqa: E402
from extract.parse import parse_report  # noqa: E402
from imitation.reportgen import MEDIA_TYPES, SOURCE_TYPES, corpus, render_many  # noqa: E402
from imitation.reportgen.render_doc import docx_to_doc_many  # noqa: E402
from imitation.reportgen.render_scan import render_scan_pdf  # noqa: E402
from imitation.reportgen.seeds import SEED_FORMATS, seed_documents_many, seed_paths
from imitation.seeds import GOLD_DIR

TABLES = ("active", "requests", "appeals")
SEED_MEDIA = {
    "html": MEDIA_TYPES["html_flat"],
    "pdf": MEDIA_TYPES["pdf"],
    "docx": MEDIA_TYPES["docx"],
    "doc": MEDIA_TYPES["doc"],
}
TOLERANCE = 1e-6  # money in 万元 is fractional; 0.394 read as 0.3940000001 is right


@dataclass
class Case:
    """One document to read, and what reading it should give."""

    name: str
    source: str  # a SOURCE_TYPES name, or 'seed:<fmt>' for a real seed
    payload: bytes
    content_type: str
    filename: str
    expected: dict[str, list]  # key -> acceptable answers
    meta: dict[str, object]  # agency, year, version
    flags: frozenset[str] = frozenset()
    engine: str | None = None  # read by this OCR engine (a scan), not by read_document


@dataclass
class Outcome:
    seconds: float
    error: str | None = None
    wrong_cells: list[dict] = field(default_factory=list)
    correct: dict[str, int] = field(default_factory=dict)  # table -> cells right
    total: dict[str, int] = field(default_factory=dict)  # table -> cells expected
    wrong_meta: dict[str, tuple] = field(default_factory=dict)  # field -> (expected, got)


def synthetic_cases(n: int, seed: int, formats: list[str], doc_limit: int) -> list[Case]:
    """Every report of the corpus in every requested source type (DOC for the first ``doc_limit``)."""
    reports = corpus(n, seed=seed)
    cases = []
    docx_payloads = None
    for fmt in formats:
        chosen = reports[:doc_limit] if fmt == "doc" else reports
        if fmt in ("docx", "doc") and docx_payloads is None:
            docx_payloads = render_many(reports, "docx")
        if fmt == "docx":
            payloads = docx_payloads
        elif fmt == "doc":
            payloads = docx_to_doc_many(docx_payloads[: len(chosen)])  # one LibreOffice run
        else:
            payloads = render_many(chosen, fmt)
        content_type, extension = MEDIA_TYPES[fmt]
        for report, payload in zip(chosen, payloads):
            cases.append(
                Case(
                    name=report.name,
                    source=fmt,
                    payload=payload,
                    content_type=content_type,
                    filename=f"{report.name}.{extension}",
                    expected={key: report.acceptable(key, fmt) for key in report.values},
                    meta={"agency": report.agency, "year": report.year, "version": report.version},
                    flags=report.messiness,
                )
            )
    return cases


def scan_cases(n: int, seed: int, engines: list[str]) -> list[Case]:
    """``n`` reports of the corpus scanned as image PDFs, once per OCR engine."""
    cases = []
    for report in corpus(n, seed=seed + 1)[:n]:
        payload = render_scan_pdf(report, seed=report.seed)
        for engine in engines:
            cases.append(
                Case(
                    name=report.name,
                    source=f"scan:{engine}",
                    payload=payload,
                    content_type="application/pdf",
                    filename=f"{report.name}.pdf",
                    expected={key: report.acceptable(key, "pdf") for key in report.values},
                    meta={"agency": report.agency, "year": report.year, "version": report.version},
                    flags=report.messiness,
                    engine=engine,
                )
            )
    return cases


def seed_cases(formats: list[str]) -> list[Case]:
    """The real seeds in each of their formats, scored against ``seeds/gold``."""
    paths = seed_paths()
    cases = []
    for path, documents in zip(paths, seed_documents_many(paths, formats=tuple(formats))):
        gold = json.loads((GOLD_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
        nullable = set(gold.get("accept_null", ()))
        expected = {
            key: [value, None] if key in nullable else [value]
            for key, value in gold["cells"].items()
        }
        for fmt, payload in documents.items():
            content_type, extension = SEED_MEDIA[fmt]
            cases.append(
                Case(
                    name=path.stem,
                    source=f"seed:{fmt}",
                    payload=payload,
                    content_type=content_type,
                    filename=f"{path.stem}.{extension}",
                    expected=expected,
                    meta={
                        "agency": gold["agency"],
                        "year": gold["year"],
                        "version": gold["format_version"],
                    },
                )
            )
    return cases


def run_case(case: Case) -> Outcome:
    """Read and parse one document (timed), then score it."""
    started = time.perf_counter()
    try:
        if case.engine:
            document = ocr_pdf(case.payload, engine=ocr_engine(case.engine))
        else:
            document = read_document(
                case.payload, content_type=case.content_type, filename=case.filename
            )
        parsed = parse_report(
            document.text,
            title_hint=document.title,
            cell_slots=document.cell_slots,
            cell_confidence=document.cell_confidence,
        )
    except Exception as error:  # a benchmark records every failure and goes on
        outcome = Outcome(
            seconds=time.perf_counter() - started, error=f"{type(error).__name__}: {error}"
        )
        for key in case.expected:
            table = key.split(".")[0]
            outcome.total[table] = outcome.total.get(table, 0) + 1
        return outcome
    outcome = Outcome(seconds=time.perf_counter() - started)
    got_meta = {"agency": parsed.agency, "year": parsed.year, "version": parsed.format_version}
    outcome.wrong_meta = {k: (v, got_meta[k]) for k, v in case.meta.items() if got_meta[k] != v}
    for key, answers in case.expected.items():
        table = key.split(".")[0]
        outcome.total[table] = outcome.total.get(table, 0) + 1
        cell = parsed.cells.get(tuple(key.split(".")))
        got = None if cell is None else cell.value
        if any(same(got, answer) for answer in answers):
            outcome.correct[table] = outcome.correct.get(table, 0) + 1
        else:
            outcome.wrong_cells.append(
                {
                    "document": case.name,
                    "source": case.source,
                    "key": key,
                    "expected": answers[0],
                    "got": got,
                    "raw": None if cell is None else cell.raw,
                    "note": None if cell is None else cell.note,
                    "flags": sorted(case.flags),
                }
            )
    return outcome


def same(got, want) -> bool:
    if want is None or got is None:
        return got is want
    return isinstance(got, (int, float)) and abs(got - want) <= TOLERANCE * max(1, abs(want))


def summarise(cases: list[Case], outcomes: list[Outcome]) -> dict:
    """Accuracy by source type and table, by messiness flag, plus metadata and cell errors."""
    by_source: dict[str, dict] = {}
    by_flag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case, outcome in zip(cases, outcomes):
        row = by_source.setdefault(
            case.source,
            {
                "documents": 0,
                "errors": 0,
                "seconds": 0.0,
                "wrong_metadata": 0,
                "cells": {t: [0, 0] for t in TABLES},
            },
        )
        row["documents"] += 1
        row["errors"] += outcome.error is not None
        row["seconds"] += outcome.seconds
        row["wrong_metadata"] += bool(outcome.wrong_meta)
        for table in TABLES:
            row["cells"][table][0] += outcome.correct.get(table, 0)
            row["cells"][table][1] += outcome.total.get(table, 0)
        if not case.source.startswith(("seed:", "scan:")):
            for flag in case.flags or {"(clean)"}:
                by_flag[flag][0] += sum(outcome.correct.values())
                by_flag[flag][1] += sum(outcome.total.values())
    for row in by_source.values():
        right = sum(c[0] for c in row["cells"].values())
        cells = sum(c[1] for c in row["cells"].values())
        row["accuracy"] = ratio(right, cells)
        row["by_table"] = {t: ratio(*c) for t, c in row["cells"].items()}
        row["documents_per_second"] = (
            round(row["documents"] / row["seconds"], 2) if row["seconds"] else None
        )
    return {
        "by_source_type": by_source,
        "by_flag": {
            flag: {"accuracy": ratio(*c), "cells": c[1]} for flag, c in sorted(by_flag.items())
        },
        "wrong_metadata": [
            {
                "document": c.name,
                "source": c.source,
                **{k: {"expected": e, "got": g} for k, (e, g) in o.wrong_meta.items()},
            }
            for c, o in zip(cases, outcomes)
            if o.wrong_meta
        ],
        "errors": [
            {"document": c.name, "source": c.source, "error": o.error}
            for c, o in zip(cases, outcomes)
            if o.error
        ],
        "wrong_cells": [cell for o in outcomes for cell in o.wrong_cells],
    }


def ratio(right: int, total: int) -> float | None:
    return round(right / total, 4) if total else None


def print_report(summary: dict, show: int) -> None:
    def pct(value):
        return "   -  " if value is None else f"{100 * value:6.2f}"

    print(
        f"\n{'source type':<14}{'docs':>6}{'errors':>8}{'all %':>8}{'active':>8}{'requests':>9}"
        f"{'appeals':>8}{'bad meta':>9}{'docs/s':>8}"
    )
    for source, row in summary["by_source_type"].items():
        tables = row["by_table"]
        print(
            f"{source:<14}{row['documents']:>6}{row['errors']:>8}{pct(row['accuracy']):>8}"
            f"{pct(tables['active']):>8}{pct(tables['requests']):>9}{pct(tables['appeals']):>8}"
            f"{row['wrong_metadata']:>9}{row['documents_per_second'] or 0:>8.1f}"
        )
    print("\ncell accuracy by messiness flag (synthetic reports, all source types):")
    for flag, row in summary["by_flag"].items():
        print(f"  {flag:<18}{pct(row['accuracy'])}%  of {row['cells']} cells")
    if summary["errors"]:
        print(f"\n{len(summary['errors'])} documents could not be read or parsed; first ones:")
        for error in summary["errors"][:show]:
            print(f"  {error['source']:<11} {error['document']}: {error['error'][:160]}")
    if summary["wrong_metadata"]:
        print(
            f"\n{len(summary['wrong_metadata'])} documents with wrong agency/year/version; first ones:"
        )
        for item in summary["wrong_metadata"][:show]:
            fields = "; ".join(
                f"{k} {v['expected']!r} → {v['got']!r}"
                for k, v in item.items()
                if isinstance(v, dict)
            )
            print(f"  {item['source']:<11} {item['document']}: {fields}")
    wrong = summary["wrong_cells"]
    print(
        f"\n{len(wrong)} wrong cells" + ("; first ones (expected / got / raw):" if wrong else ".")
    )
    for cell in wrong[:show]:
        print(
            f"  {cell['source']:<11} {cell['document']}  {cell['key']}: {cell['expected']!r} / "
            f"{cell['got']!r} / {cell['raw']!r}" + (f"  ({cell['note']})" if cell["note"] else "")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="synthetic reports (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "bench" / "results" / "extract_accuracy.json"
    )
    parser.add_argument(
        "--formats",
        default=",".join(SOURCE_TYPES),
        help=f"comma-separated source types (default all: {','.join(SOURCE_TYPES)})",
    )
    parser.add_argument(
        "--doc-limit",
        type=int,
        default=40,
        help="read DOC for only the first N reports: each DOC read starts LibreOffice (default 40)",
    )
    parser.add_argument("--no-seeds", action="store_true", help="skip the five real seeds")
    parser.add_argument("--ocr", type=int, default=0, help="scanned reports read by OCR")
    parser.add_argument("--ocr-engines", default="rapidocr", help="comma-separated OCR engines")
    parser.add_argument(
        "--show", type=int, default=15, help="wrong cells/metadata to print (default 15)"
    )
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(SOURCE_TYPES)
    if unknown:
        parser.error(f"unknown source types {sorted(unknown)}; choose from {SOURCE_TYPES}")

    started = time.perf_counter()
    cases = synthetic_cases(args.n, args.seed, formats, args.doc_limit)
    cases += scan_cases(args.ocr, args.seed, [e for e in args.ocr_engines.split(",") if e])
    if not args.no_seeds:
        seed_formats = [
            f
            for f in SEED_FORMATS
            if f in formats or (f == "html" and any(x.startswith("html") for x in formats))
        ]
        cases += seed_cases(seed_formats)
    print(
        f"{len(cases)} documents generated in {time.perf_counter() - started:.1f}s; reading…",
        flush=True,
    )
    outcomes = [run_case(case) for case in cases]
    summary = summarise(cases, outcomes)
    print_report(summary, args.show)

    args.json.parent.mkdir(parents=True, exist_ok=True)
    summary["wrong_cells"] = summary["wrong_cells"][:500]
    summary["parameters"] = {
        "n": args.n,
        "seed": args.seed,
        "formats": formats,
        "doc_limit": args.doc_limit,
        "seeds": not args.no_seeds,
        "ocr": args.ocr,
        "ocr_engines": args.ocr_engines,
    }
    args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
