"""The extractor's limits against hostile input, in one place.

Archived documents come from sites nobody controls. A few KB can inflate to GBs (a gzip body, a
DOCX part, a ZIP member, a PDF flate stream), and a malformed file can keep a parser busy for
hours. Two lines of defence:

1. Bounded decoding, checked before and while inflating: every decoder stops at a limit below
   (:mod:`extract.documents.bounds`) and raises ``TooLarge``, a ``DocumentError``, which the
   pipeline records as the document's error row ("too large: …") and goes on.
2. Each document is read in a worker process (:mod:`extract.workers`) whose address space and
   time are capped: what the first line misses (an encrypted PDF's streams, a parser's blow-up)
   costs that document a recorded error ("worker …"), never the run.

The limits are far above what a real report needs (a report is a few MB at most; its DOCX XML a
few MB, its PDF content streams tens of KB) and far below what would hurt a small machine: one
document's decoded bytes stay under ~256 MiB, so a worker stays within ~500 MB RSS.
"""

from __future__ import annotations

from archive.coding import DECODED_LIMIT

MiB = 1 << 20

# An HTTP body after undoing its Content-Encoding (gzip, deflate, br): the archive's default.
MAX_DECODED_BODY = DECODED_LIMIT
# An HTML page's markup, inline data: URIs (pasted images) not counted. bs4's tree takes ~95
# times the markup of a dense table (17 MiB took 1.6 GB, measured); a report page is 50-500 KB.
MAX_HTML_MARKUP = 4 * MiB
# All the bytes inflated for one document, every level counted: a ZIP's members, the parts of a
# DOCX inside it, and so on (the same DOCX inside a ZIP cannot pass by being counted once).
MAX_INFLATED_TOTAL = 256 * MiB
# One XML part of an Office file (DOCX/XLSX/WPS): lxml's tree takes several times its size.
MAX_XML_PART = 32 * MiB
# Files in one ZIP, and how deep ZIPs may nest.
MAX_ARCHIVE_MEMBERS = 200
MAX_ARCHIVE_DEPTH = 3
# One decoded (non-image) PDF stream, and all of a PDF's decoded streams together. Image
# streams are not decoded to read text, so they are not counted.
MAX_PDF_STREAM = 64 * MiB
MAX_PDF_STREAMS_TOTAL = 256 * MiB

# The worker process (extract.workers): the address space it may map beyond what it inherits
# from its parent (virtual memory, so above the RSS it may reach: OCR models and their runtime
# map several hundred MB), the wall
# time of one document, and documents read before it is replaced (memory that leaks over
# thousands of documents in pdfminer or lxml is given back).
WORKER_ADDRESS_SPACE = 1536 * MiB
WORKER_DOCUMENT_SECONDS = 300
WORKER_DOCUMENTS = 500
