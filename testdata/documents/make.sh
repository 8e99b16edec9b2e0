#!/usr/bin/env bash
# Rebuilds the document fixtures from the sources in src/ with real producers: LibreOffice
# (docx, odt, pdf, xlsx, ods, pptx, odp) and Ghostscript's ps2pdf (a second PDF producer).
# Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui
#         libreoffice-impress-nogui ghostscript
# Every credential in the sources is synthetic (the shapes of tests/it/util.rs).
set -euo pipefail
cd "$(dirname "$0")"
convert() { soffice --headless --convert-to "$2" --outdir . "src/$1" >/dev/null; }
for to in docx odt pdf; do convert runbook.fodt "$to"; done
for to in xlsx ods; do convert settings.csv "$to"; done
for to in pptx odp; do convert handover.fodp "$to"; done
ps2pdf src/guide.ps guide.pdf
