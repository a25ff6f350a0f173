#!/usr/bin/env bash
# OCR benchmark: bare tesseract vs ocrmypdf vs sohoa's path on the same generated pages.
# Usage: bench/ocr/run.sh [--pages N] [--seed S] [--mix clean|scan] [--no-ocrmypdf] [--keep DIR]
# Not a test: it prints per-page times, ratios and CER; see README.md in this directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build -q -p sohoa-ocr --example ocr_bench
exec "$CARGO_TARGET_DIR/debug/examples/ocr_bench" "$@"
