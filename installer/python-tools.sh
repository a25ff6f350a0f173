#!/usr/bin/env bash
# Outside validators that only PyPI carries (pyHanko and its CLI), in a private virtualenv so the system
# Python stays untouched. Tests look for them at $SOHOA_PYTOOLS/bin (default /opt/sohoa-pytools).
# Idempotent: a venv that already answers `pyhanko --version` is left as it is.
set -euo pipefail
VENV="${SOHOA_PYTOOLS:-/opt/sohoa-pytools}"
if [ -x "$VENV/bin/pyhanko" ] && "$VENV/bin/pyhanko" --version >/dev/null 2>&1; then
  echo "python-tools: pyhanko present in $VENV"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || [ -w "$(dirname "$VENV")" ] || SUDO="sudo"
$SUDO python3 -m venv "$VENV"
$SUDO "$VENV/bin/pip" install --quiet --disable-pip-version-check 'pyhanko>=0.25' 'pyhanko-cli' 'pyhanko-certvalidator'
"$VENV/bin/pyhanko" --version
