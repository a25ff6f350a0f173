#!/bin/sh
# Size and time of `sohoa pdf` (MRC PDF/A-2b) against `ocrmypdf --output-type pdfa` on the same colour
# A4 300-dpi page, plus signing time. Run from the repo root after building the CLI:
#   CARGO_TARGET_DIR=/var/tmp/tgt-pdf cargo build --release -p sohoa-cli && bench/pdf/run.sh [/var/tmp/tgt-pdf/release/sohoa]
set -eu
SOHOA=${1:-${CARGO_TARGET_DIR:-target}/release/sohoa}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
/usr/bin/python3 "$HERE/make_page.py" "$W/page.png"
t0=$(date +%s.%N)
tesseract "$W/page.png" "$W/page" -l vie tsv >/dev/null 2>&1
t1=$(date +%s.%N)
/usr/bin/python3 "$HERE/tsv2json.py" "$W/page.tsv" 300 "$W/page.json"
"$SOHOA" pdf "$W/page.png" --out "$W/ours.pdf" >/dev/null
t2=$(date +%s.%N)
ocrmypdf -q --output-type pdfa -l vie "$W/page.png" "$W/ocrmypdf.pdf"
t3=$(date +%s.%N)
ours=$(stat -c %s "$W/ours.pdf"); theirs=$(stat -c %s "$W/ocrmypdf.pdf"); png=$(stat -c %s "$W/page.png")
echo "input PNG:                 $png bytes"
echo "sohoa pdf (MRC PDF/A-2b):  $ours bytes  (writer $(echo "$t2 - $t1" | bc) s, tesseract $(echo "$t1 - $t0" | bc) s)"
echo "ocrmypdf --output-type pdfa: $theirs bytes  ($(echo "$t3 - $t2" | bc) s incl. its own OCR)"
echo "ratio ours/ocrmypdf:       $(echo "scale=4; $ours / $theirs" | bc)"
pdftotext "$W/ours.pdf" - | head -3
pdfimages -list "$W/ours.pdf"
pdfimages -list "$W/ocrmypdf.pdf"
