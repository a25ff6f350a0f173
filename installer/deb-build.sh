#!/usr/bin/env bash
# Builds the Debian package of SoHoa Desk with the Tauri bundler (npm's @tauri-apps/cli, a prebuilt binary).
#   installer/deb-build.sh            # debug profile: reuses the build `./dev test`'s desktop e2e test made (CI)
#   installer/deb-build.sh --release  # the package that goes to desks (optimised, no debug info)
# The last line printed is the path of the .deb. Package contents and Depends: src-tauri/tauri.conf.json
# (bundle.linux.deb); the `sohoa` CLI is staged into src-tauri/binaries/ (gitignored) and installed as
# /usr/bin/sohoa. With TAURI_SIGNING_PRIVATE_KEY set, a release build also writes the signed updater
# artifacts (src-tauri/tauri.release.conf.json; installer/UPDATES.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

profile=debug
case "${1:-}" in
  "") ;;
  --release) profile=release ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
say() { printf '== %s\n' "$*" >&2; }

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "UI packages (npm ci)"
  npm --prefix ui ci --no-audit --no-fund >&2
fi
# In CI the e2e test has just built ui/dist from the same sources; rebuilding it would only renew its mtimes,
# which makes tauri-build recompile the app (20-50 s here). Debug packages reuse a dist newer than every UI
# source; a release package always builds it afresh.
ui_sources() { find ui/src ui/index.html ui/package.json ui/package-lock.json ui/vite.config.ts ui/svelte.config.js ui/tsconfig.json "$@"; }
if [ "$profile" = debug ] && [ -f ui/dist/index.html ] && [ -z "$(ui_sources -newer ui/dist/index.html -print -quit)" ]; then
  say "UI build: ui/dist is newer than every UI source, reused"
else
  say "UI build"
  npm --prefix ui run build >&2
fi

say "sohoa CLI and desktop app ($profile)"
if [ "$profile" = debug ]; then
  # Exactly the build tests/e2e/run.sh makes (same packages, so the same feature unification): after
  # `./dev test` this is a no-op, and the bundler below only packages binaries the e2e test already drove.
  cargo build -p sohoa-desk -p sohoa-cli >&2
else
  cargo build --release -p sohoa-cli >&2
fi
# Stripped: the debug profile keeps DWARF of the workspace crates, which desks never need (a debug package
# is only for CI). Written via a temporary name so an interrupted run never leaves half a binary behind.
mkdir -p src-tauri/binaries
cp "$CARGO_TARGET_DIR/$profile/sohoa" src-tauri/binaries/sohoa.tmp
strip --strip-debug src-tauri/binaries/sohoa.tmp
mv -f src-tauri/binaries/sohoa.tmp src-tauri/binaries/sohoa

# The Tauri CLI (npm's prebuilt binary) is installed on demand outside the UI's lock file: the registry
# mirror here serves only some of its per-platform packages, which breaks `npm ci` for every platform.
tauri_cli_dir="${SOHOA_TAURI_CLI_DIR:-/var/tmp/sohoa-tauri-cli}"
if [ ! -x "$tauri_cli_dir/node_modules/.bin/tauri" ]; then
  say "Tauri CLI (npm @tauri-apps/cli@2.12.5 into $tauri_cli_dir)"
  mkdir -p "$tauri_cli_dir"
  npm --prefix "$tauri_cli_dir" install --no-audit --no-fund --no-save @tauri-apps/cli@2.12.5 >&2
fi
tauri="$tauri_cli_dir/node_modules/.bin/tauri"
if [ "$profile" = debug ]; then
  # `tauri bundle` packages the binary built above; `tauri build` would run its own `cargo build` of the
  # app alone, whose feature unification differs from the e2e build's and recompiles a large part of the tree.
  say "tauri bundle --bundles deb --debug"
  (cd src-tauri && "$tauri" bundle --bundles deb --ci --debug >&2)
else
  tauri_flags=(--bundles deb --ci)
  if [ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
    tauri_flags+=(--config tauri.release.conf.json)
  fi
  say "tauri build ${tauri_flags[*]}"
  (cd src-tauri && "$tauri" build "${tauri_flags[@]}" >&2)
fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
deb="$CARGO_TARGET_DIR/$profile/bundle/deb/sohoa-desk_${version}_amd64.deb"
[ -f "$deb" ] || { echo "deb-build: expected $deb, not found" >&2; exit 1; }
echo "$deb"
