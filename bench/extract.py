"""Extraction speed per source type, on one core and on all, and memory as reports accumulate.

    python bench/extract.py [--html 200] [--pdf 60] [--docx 60] [--doc 8]
                            [--growth 50,100,200,400,800] [--quick] [--json PATH]

The documents are synthetic reports from ``imitation/reportgen`` (``corpus(n)``: both templates,
clean and messy), rendered as HTML (the three HTML shapes in turn), PDF, DOCX and DOC (DOC by
LibreOffice, cached on disk after the first run; read through each process's long-lived
LibreOffice, extract/documents/office.py). Only the two per-document steps are timed:
``extract.documents.read_document`` then ``extract.parse.parse_report`` — no WARC reading, no
SQLite. One untimed document of each type is read first, so imports and caches are not counted.

* in process: documents/second per type, and the median time per document;
* 1 job and N jobs: the same documents through the extractor's worker pool
  (``extract.workers``, as ``python -m extract --jobs N`` reads them) of 1 and of N workers
  (N = the cores), and the speed-up between the two;
* the whole pipeline: ``python -m extract --jobs 1`` and ``--jobs N`` over one WARC of all the
  documents (``pipeline``: docs/s, wall time, peak RSS of the process tree, speed-up);
* memory: a fresh process reads the HTML, PDF and DOCX documents in turn, round and round, and
  notes its RSS after each ``--growth`` checkpoint (DOC is left out: its reading happens in a
  LibreOffice child process, not in ours).

JSON (``bench/results/extract.json``): ``types`` (per type: ``documents``, ``failures``,
``in_process_docs_per_s``, ``single_docs_per_s`` (1 job), ``parallel_docs_per_s`` (N jobs),
``parallel_per_core``, ``speedup``, ``single_docs_per_cpu_s`` and ``parallel_docs_per_cpu_s``
(documents per CPU-second of the workers and their LibreOffice), ``median_ms``),
``workers``, ``growth`` (``checkpoints`` [{documents, rss_bytes, max_rss_bytes}],
``growth_bytes_per_doc`` between the first and last checkpoint).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    RESULTS_DIR,
    descendants_cpu_s,
    mib,
    run_measured,
    table,
    use_project_imports,
    write_json,
)

use_project_imports()
from bench.extract_documents import TYPES, make_documents, read_and_parse  # noqa: E402
from extract.workers import default_jobs  # noqa: E402

GROWTH_TYPES = ("html", "pdf", "docx")
# Documents handed to the pool's workers: filled before the fork, so workers inherit them.
DOCUMENTS: dict[str, list[tuple[bytes, str, str]]] = {}


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if args.child_growth:
        print(json.dumps(growth_child(args.child_growth, [int(n) for n in args.growth.split(",")])))
        return {}
    notes = []
    started = time.perf_counter()
    DOCUMENTS.update(
        make_documents(
            {"html": args.html, "pdf": args.pdf, "docx": args.docx, "doc": args.doc}, notes
        )
    )
    print(
        f"  documents made in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{len(v)} {k}" for k, v in DOCUMENTS.items()),
        flush=True,
    )
    warm_up()
    workers = default_jobs()
    types = {}
    for kind, documents in DOCUMENTS.items():
        if not documents:
            continue
        single = single_process(kind)
        one_job, one_job_cpu = with_workers(kind, 1)
        parallel, parallel_cpu = with_workers(kind, workers)
        types[kind] = {
            "documents": len(documents),
            "failures": single["failures"],
            "in_process_docs_per_s": round(len(documents) / single["seconds"], 2),
            "single_docs_per_s": round(len(documents) / one_job, 2),
            "parallel_docs_per_s": round(len(documents) / parallel, 2),
            "parallel_per_core": round(len(documents) / parallel / workers, 2),
            "speedup": round(one_job / parallel, 2),
            "single_docs_per_cpu_s": round(len(documents) / max(one_job_cpu, 1e-9), 2),
            "parallel_docs_per_cpu_s": round(len(documents) / max(parallel_cpu, 1e-9), 2),
            "median_ms": round(1000 * statistics.median(single["each"]), 1),
            "first_failure": single["first_failure"],
        }
        print(
            f"  {kind}: {types[kind]['single_docs_per_s']} docs/s with 1 job, "
            f"{types[kind]['parallel_docs_per_s']} with {workers} "
            f"(x{types[kind]['speedup']}); per CPU-second "
            f"{types[kind]['single_docs_per_cpu_s']} / {types[kind]['parallel_docs_per_cpu_s']}",
            flush=True,
        )
    pipeline = end_to_end(workers)
    growth = measure_growth(args.growth)
    notes.append(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    result = {
        "workers": workers,
        "types": types,
        "pipeline": pipeline,
        "growth": growth,
        "notes": notes,
    }
    print()
    print(report(result))
    print(f"\nwrote {write_json(args.json, result)}")
    return result


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=int, default=200)
    parser.add_argument("--pdf", type=int, default=60)
    parser.add_argument("--docx", type=int, default=60)
    parser.add_argument("--doc", type=int, default=40)
    parser.add_argument(
        "--growth", default="50,100,200,400,800", help="RSS checkpoints, in documents read"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a handful of documents, for smoke tests"
    )
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "extract.json")
    parser.add_argument("--child-growth", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.html, args.pdf, args.docx, args.doc, args.growth = 6, 2, 2, 1, "5,10"
    return args


# -- documents ---------------------------------------------------------------------------------


def warm_up() -> None:
    for documents in DOCUMENTS.values():
        if documents:
            read_and_parse(documents[0])


# -- speed -------------------------------------------------------------------------------------


def single_process(kind: str) -> dict:
    """Each document of ``kind`` read in this process, one after the other (per-document times)."""
    each, failures, first_failure = [], 0, None
    started = time.perf_counter()
    for document in DOCUMENTS[kind]:
        seconds, error = read_and_parse(document)
        each.append(seconds)
        if error:
            failures += 1
            first_failure = first_failure or error
    return {
        "seconds": time.perf_counter() - started,
        "each": each,
        "failures": failures,
        "first_failure": first_failure,
    }


def _work(kind: str, index: int) -> float:
    return read_and_parse(DOCUMENTS[kind][index])[0]


def with_workers(kind: str, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds to read every document of ``kind`` through the extractor's own
    worker pool (extract.workers: forked, memory-capped processes) of ``jobs`` workers.

    The pool's start-up is excluded, as a long extraction pays it once: each worker reads one
    document first (which also starts its long-lived LibreOffice for DOC). CPU is that of the
    workers and their LibreOffice: on a machine others load, documents per CPU-second is what an
    idle core would give, where wall time says little.
    """
    from extract.workers import WorkerPool

    with WorkerPool(_work, jobs) as pool:
        list(pool.map_ordered(((kind, 0), (kind, 0)) for _ in range(jobs)))
        started, cpu_before = time.perf_counter(), descendants_cpu_s()
        tasks = (((kind, i), (kind, i)) for i in range(len(DOCUMENTS[kind])))
        list(pool.map_ordered(tasks))
        return time.perf_counter() - started, descendants_cpu_s() - cpu_before


def end_to_end(workers: int) -> dict:
    """``python -m extract --jobs J`` over one WARC holding every document, for J = 1 and N:
    the whole pipeline (WARC reading, workers, the SQLite writer, merging), wall time and the
    peak RSS of its process tree (LibreOffice included)."""
    from archive.exchange import Exchange
    from archive.writer import WarcArchive

    documents = [d for kind in TYPES for d in DOCUMENTS[kind]]
    runs = {}
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        warc_dir = Path(tmp) / "warc"
        with WarcArchive(warc_dir, prefix="bench", started=datetime.now(timezone.utc)) as archive:
            for index, (payload, content_type, filename) in enumerate(documents):
                path = f"/{index}/{quote(filename)}"
                head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
                head += f"Content-Length: {len(payload)}\r\n\r\n"
                request = f"GET {path} HTTP/1.1\r\nHost: www.bench.gov.cn\r\n\r\n"
                archive.write_exchange(
                    Exchange(
                        url=f"http://www.bench.gov.cn{path}",
                        request_bytes=request.encode(),
                        response_head=head.encode(),
                        response_body=payload,
                        started=datetime.now(timezone.utc),
                    )
                )
        for jobs in sorted({1, workers}):
            command = [sys.executable, "-m", "extract", str(warc_dir), "--db"]
            command += [str(Path(tmp) / f"jobs{jobs}.db"), "--jobs", str(jobs)]
            measured = run_measured(command, stderr=Path(tmp) / "extract.err")
            if measured.returncode != 0:
                raise RuntimeError((Path(tmp) / "extract.err").read_text()[-3000:])
            runs[str(jobs)] = {
                "docs_per_s": round(len(documents) / measured.wall_s, 2),
                "wall_s": round(measured.wall_s, 2),
                "peak_tree_rss_bytes": measured.peak_rss_bytes,
            }
            print(f"  pipeline, {jobs} job(s): {runs[str(jobs)]['docs_per_s']} docs/s", flush=True)
    speedup = runs["1"]["wall_s"] / runs[str(workers)]["wall_s"] if workers > 1 else 1.0
    return {"documents": len(documents), "jobs": runs, "speedup": round(speedup, 2)}


# -- memory ------------------------------------------------------------------------------------


def measure_growth(checkpoints: str) -> dict:
    """Run the growth loop in a fresh process (so this one's corpus does not count)."""
    mixed = [d for kind in GROWTH_TYPES for d in DOCUMENTS[kind]]
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        corpus_file = Path(tmp) / "documents.pickle"
        corpus_file.write_bytes(pickle.dumps(_interleave([DOCUMENTS[k] for k in GROWTH_TYPES])))
        out = Path(tmp) / "growth.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child-growth",
            str(corpus_file),
            "--growth",
            checkpoints,
        ]
        measured = run_measured(command, stdout=out, stderr=Path(tmp) / "growth.err")
        if measured.returncode != 0:
            raise RuntimeError((Path(tmp) / "growth.err").read_text()[-3000:])
        points = json.loads(out.read_text())
    first, last = points[0], points[-1]
    per_doc = (last["rss_bytes"] - first["rss_bytes"]) / max(
        1, last["documents"] - first["documents"]
    )
    return {
        "documents_in_rotation": len(mixed),
        "types": list(GROWTH_TYPES),
        "checkpoints": points,
        "growth_bytes_per_doc": round(per_doc),
        "peak_rss_bytes": measured.peak_rss_bytes,
        "wall_s": round(measured.wall_s, 2),
    }


def _interleave(lists: list[list]) -> list:
    """html, pdf, docx, html, pdf, docx … so every stretch of the loop has every type."""
    out, longest = [], max(len(items) for items in lists)
    for i in range(longest):
        out += [items[i] for items in lists if i < len(items)]
    return out


def growth_child(corpus_file: Path, checkpoints: list[int]) -> list[dict]:
    from bench.common import peak_rss_self, rss_bytes

    documents = pickle.loads(corpus_file.read_bytes())
    read_and_parse(documents[0])  # imports, as in the speed runs
    points, done = [], 0
    for target in sorted(checkpoints):
        while done < target:
            read_and_parse(documents[done % len(documents)])
            done += 1
        points.append(
            {"documents": done, "rss_bytes": rss_bytes(), "max_rss_bytes": peak_rss_self()}
        )
    return points


def report(result: dict) -> str:
    rows = [
        [
            kind,
            t["documents"],
            t["failures"],
            t["median_ms"],
            t["in_process_docs_per_s"],
            t["single_docs_per_s"],
            t["parallel_docs_per_s"],
            t["speedup"],
            t["single_docs_per_cpu_s"],
            t["parallel_docs_per_cpu_s"],
        ]
        for kind, t in result["types"].items()
    ]
    speed = table(
        [
            "type",
            "docs",
            "failed",
            "median ms",
            "docs/s in process",
            "docs/s 1 job",
            f"docs/s {result['workers']} jobs",
            "speed-up",
            "docs/CPU-s 1 job",
            f"docs/CPU-s {result['workers']} jobs",
        ],
        rows,
        title="read_document + parse_report, per source type",
    )
    growth = result["growth"]
    memory = table(
        ["documents read", "RSS MiB", "max RSS MiB"],
        [
            [p["documents"], mib(p["rss_bytes"]), mib(p["max_rss_bytes"])]
            for p in growth["checkpoints"]
        ],
        title=f"Memory while reading {'/'.join(growth['types'])} in rotation "
        f"({growth['documents_in_rotation']} distinct documents)",
    )
    notes = "".join(f"\nnote: {n}" for n in result["notes"])
    pipeline = result["pipeline"]
    whole = table(
        ["jobs", "docs/s", "wall s", "peak tree RSS MiB"],
        [
            [jobs, run["docs_per_s"], run["wall_s"], mib(run["peak_tree_rss_bytes"])]
            for jobs, run in pipeline["jobs"].items()
        ],
        title=f"python -m extract over one WARC of all {pipeline['documents']} documents "
        f"(speed-up x{pipeline['speedup']})",
    )
    return (
        f"{speed}\n\n{whole}\n\n{memory}\ngrowth after the first checkpoint: "
        f"{growth['growth_bytes_per_doc']:,} bytes per document{notes}"
    )


if __name__ == "__main__":
    main()
