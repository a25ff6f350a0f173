#!/usr/bin/env bash
# Installs the Debian 12 system packages SoHoa Desk needs to build, run and test.
# Idempotent: packages already present are skipped, so a second run costs one dpkg query.
# Groups are selectable so a desk that only runs the app does not pull test tooling:
#   installer/install-deps.sh            # everything (build + run + test)
#   installer/install-deps.sh build run  # only those groups
set -euo pipefail

declare -A GROUPS_PKGS=(
  # Compilers and headers for the Rust engine and the Tauri 2 shell (WebKitGTK 4.1).
  # libclang: leptess generates its Tesseract/Leptonica bindings at build time.
  [build]="build-essential pkg-config file curl ca-certificates libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev libsane-dev libleptonica-dev libtesseract-dev libclang-dev clang libpcsclite-dev"
  # What the desktop app needs at run time on a workstation.
  # Scanners (SANE + network scanners via sane-airscan), Vietnamese OCR with orientation data, smart-card
  # service and OpenSC's PKCS#11 module, the Times-metric serif of the Decree 30 copy stamp.
  [run]="libwebkit2gtk-4.1-0 libgtk-3-0 xdg-utils libsane1 sane-utils sane-airscan tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd pcscd opensc fonts-liberation"
  # Real components the tests start: a virtual display, the WebKit WebDriver, SQLite shell for inspection.
  # Token simulators (SoftHSM2, vsmartcard's virtual reader), outside PDF validators (poppler's pdfsig,
  # qpdf, pikepdf) and the benchmark anchors (unpaper, OCRmyPDF); python3-venv hosts pyHanko (PyPI only).
  # debootstrap builds the clean Debian 12 root the .deb is installed into (installer/deb-test.sh), which
  # also checks the Windows bundle configuration against the Tauri CLI's schema (python3-jsonschema).
  # python3-openpyxl reads the supervisor's Excel export as an outside reader; openssl makes the extra root
  # certificate the administrator installs in the desktop test.
  [test]="xvfb xauth webkit2gtk-driver sqlite3 procps softhsm2 vsmartcard-vpcd poppler-utils qpdf python3-pikepdf unpaper ocrmypdf python3-venv fonts-liberation2 debootstrap python3-jsonschema python3-openpyxl openssl"
)

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build run test)

wanted=()
for g in "${groups[@]}"; do
  [ -n "${GROUPS_PKGS[$g]+x}" ] || { echo "install-deps: unknown group '$g' (build, run, test)" >&2; exit 2; }
  read -r -a pk <<<"${GROUPS_PKGS[$g]}"
  wanted+=("${pk[@]}")
done

# Node.js may come from another channel (NodeSource bundles npm and conflicts with Debian's npm): only
# ask apt for it when no node/npm is on the PATH.
if [[ " ${groups[*]} " == *" build "* ]] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  wanted+=(nodejs npm)
fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages present"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the lists only when they are missing or older than a day: keeps re-runs fast and offline-friendly.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    $SUDO apt-get update -q
  fi
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# pyHanko (the outside PAdES validator) exists only on PyPI.
if [[ " ${groups[*]} " == *" test "* ]]; then
  "$(dirname "$0")/python-tools.sh"
fi
