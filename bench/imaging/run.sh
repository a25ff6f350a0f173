#!/bin/sh
# Clean-up vs unpaper (default settings) on the same generated A4 300-dpi pages, one core each.
# Usage: bench/imaging/run.sh [PAGES] [FIRST_SEED]
set -eu
cd "$(dirname "$0")/../.."
exec cargo run --release -q -p sohoa-imaging --example bench -- "${1:-6}" "${2:-500}"
