#!/usr/bin/env bash
# Desktop end-to-end test of SoHoa Desk: builds the UI and the app, seeds a fresh data directory through the
# real `sohoa` CLI, then drives the real app under Xvfb through tauri-driver + WebKitWebDriver.
#
#   tests/e2e/run.sh                 # everything
#   E2E_SKIP_BUILD=1 tests/e2e/run.sh   # reuse the binaries already in $CARGO_TARGET_DIR/debug
#   E2E_KEEP_DATA=1 tests/e2e/run.sh    # keep the seeded data directory for inspection
#   E2E_VERBOSE=1 tests/e2e/run.sh      # echo tauri-driver / WebKitWebDriver output
#
# Needs the system packages of `installer/install-deps.sh build test` (WebKitGTK, xvfb, xauth, webkit2gtk-driver)
# and Node 20.19+. Screenshots land in tests/e2e/out/ (gitignored).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
out="$here/out"

t_start=$SECONDS
step() { printf '\n== [%4ss] %s\n' "$((SECONDS - t_start))" "$*"; }
die() { echo "e2e: $*" >&2; exit 1; }

for tool in node npm cargo xvfb-run WebKitWebDriver; do
  command -v "$tool" >/dev/null || die "'$tool' not found: run installer/install-deps.sh build test"
done
# Vite 8 and vitest 4 need Node 20.19+; Debian 12's own nodejs is 18, which fails later with obscure errors.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "Node $(node --version) is too old: the UI build needs Node 20.19 or newer"

if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  step "UI: npm ci + build"
  # `npm ci` wipes node_modules every time; skip it when the installed tree is newer than the lock file
  # (npm writes node_modules/.package-lock.json on every install), the same test ./dev setup makes.
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    npm --prefix ui ci --no-audit --no-fund
  fi
  npm --prefix ui run build

  step "cargo build -p sohoa-desk -p sohoa-cli -p sohoa-vpcd-fixture -p sohoa-testkit (target: $CARGO_TARGET_DIR)"
  cargo build -p sohoa-desk -p sohoa-cli -p sohoa-vpcd-fixture -p sohoa-testkit \
    --bin sohoa-desk --bin sohoa --bin sohoa-test-token --bin sohoa-test-card
fi

app="$CARGO_TARGET_DIR/debug/sohoa-desk"
cli="$CARGO_TARGET_DIR/debug/sohoa"
token_tool="$CARGO_TARGET_DIR/debug/sohoa-test-token"
[ -x "$app" ] || die "$app is missing (build first, or unset E2E_SKIP_BUILD)"
[ -x "$cli" ] || die "$cli is missing (build first, or unset E2E_SKIP_BUILD)"

if ! command -v tauri-driver >/dev/null; then
  step "cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

step "seed a fresh data directory through the sohoa CLI"
work=$(mktemp -d "${TMPDIR:-/tmp}/sohoa-e2e.XXXXXX")
cleanup() {
  if [ -n "${E2E_KEEP_DATA:-}" ]; then echo "e2e: data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
data="$work/data"
# The webview keeps its own state (localStorage: the chosen language) under the XDG directories; give the app
# fresh ones so every run starts as a first start, in Vietnamese, whatever an earlier run or a developer left.
export XDG_DATA_HOME="$work/xdg/data" XDG_CONFIG_HOME="$work/xdg/config" XDG_CACHE_HOME="$work/xdg/cache"
mkdir -p "$data" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -p "$out"
rm -f "$out"/*.png
# The archive batch test's watched folder: named now (the app lists it once it exists), made by the test.
export SOHOA_WATCH_DIRS="$work/feed"
node "$here/seed.mjs" "$cli" "$data" "$work/stack" >"$out/seed.json"
# The citizen's CCCD card as a flatbed scans it (QR code with the test citizen's data), for the card reading.
"$CARGO_TARGET_DIR/debug/sohoa-test-card" "$work/cccd-front.png"
export SOHOA_E2E_CARD="$work/cccd-front.png"
# The same citizen's filled-in CMND application form (A4, 300 dpi), for the field suggestions after OCR.
"$CARGO_TARGET_DIR/debug/sohoa-test-card" "$work/to-khai-cmnd.png" --cmnd-form
export SOHOA_E2E_FORM="$work/to-khai-cmnd.png"
# A root certificate the administrator installs as a trust anchor from the settings screen, and its fingerprint
# as an outside tool computes it (the app must show the same before the install is confirmed).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/extra-root.key" \
  -subj "/CN=Root CA tập huấn bổ sung/O=Bộ Công an" -utf8 -days 3650 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$work/extra-root.pem" 2>/dev/null
export SOHOA_E2E_EXTRA_CA="$work/extra-root.pem"
SOHOA_E2E_EXTRA_CA_FP=$(openssl x509 -in "$work/extra-root.pem" -noout -fingerprint -sha256 | cut -d= -f2)
export SOHOA_E2E_EXTRA_CA_FP
cat "$out/seed.json"

step "a SoftHSM2 signing token with a test-PKI certificate (the app signs through real PKCS#11)"
token_env=$("$token_tool" "$work/token")
while IFS= read -r line; do export "${line?}"; done <<<"$token_env"
echo "$token_env" | grep -v PIN

step "desktop test under Xvfb (1366x768)"
# The app window is 1366x768, the smallest screen the desk must be readable on; xvfb-run's default screen is
# 640x480x8, which would clip the window and render 8-bit colour.
SOHOA_DESK_BIN="$app" SOHOA_DATA_DIR="$data" SOHOA_E2E_SEED="$out/seed.json" SOHOA_E2E_OUT="$out" \
  timeout --kill-after=10 540 \
  xvfb-run -a -s "-screen 0 1366x768x24 -nolisten tcp" \
  node --test --test-reporter=spec "$here/desktop.test.mjs"

step "done; screenshots:"
ls -1 "$out"/*.png
