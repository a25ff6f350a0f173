#!/usr/bin/env bash
# OCR benchmark: bare tesseract vs ocrmypdf vs sohoa's path on the same generated pages.
# Usage: bench/ocr/run.sh [--pages N] [--seed S] [--mix clean|scan] [--no-ocrmypdf] [--keep DIR]
# Not a test: it prints per-page times, ratios and CER; see README.md in this directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# Release profile: our path is timed as it ships (no debug assertions, thin LTO).
cargo build -q --release -p sohoa-ocr --example ocr_bench
exec "$CARGO_TARGET_DIR/release/examples/ocr_bench" "$@"
