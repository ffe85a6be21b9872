#!/usr/bin/env bash
# Installs the Debian packages the project needs, when they are missing. Playwright cannot
# download its own browser on machines without general internet access, so Debian's chromium is
# installed too; the crawler uses Playwright's own browser where one exists.
set -euo pipefail

declare -A need=(
  [chromium]=chromium
  [antiword]=antiword
  [catdoc]=catdoc
  [soffice]=libreoffice-writer-nogui
  [redis-server]=redis-server
  [wget]=wget
  [pdftotext]=poppler-utils
)
missing=()
for tool in "${!need[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${need[$tool]}")
done
# LibreOffice's Python bridge, for the extractor's long-lived converter (extract/documents/office.py):
# a DOC in ~0.1 s instead of ~1 s of LibreOffice start-up per file.
/usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || missing+=(python3-uno)
# A TrueType CJK font: the benchmark farm's PDFs embed it (imitation/reportgen/render_pdf.py), and
# reportlab cannot embed Noto CJK's PostScript (CFF) outlines.
fc-list 2>/dev/null | grep -qi 'wenquanyi' || missing+=(fontconfig fonts-wqy-zenhei)
# Tesseract with Simplified Chinese: the OCR engine RapidOCR is measured against, and the fallback
# where rapidocr-onnxruntime is missing. LibreOffice Calc converts WPS ET workbooks xlrd cannot read.
command -v tesseract >/dev/null 2>&1 && [ -e /usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata ] \
  || missing+=(tesseract-ocr tesseract-ocr-chi-sim)
[ -e /usr/lib/libreoffice/program/libsclo.so ] || missing+=(libreoffice-calc-nogui)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Not root and no sudo: please install ${missing[*]} yourself." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
