#!/usr/bin/env bash
# Installs the SoHoa Desk .deb into a clean Debian 12 root with apt (--no-install-recommends) and runs the
# installed programs from it: proves the package's Depends bring every library and data file they need, with
# nothing from the build machine, and that `sohoa doctor` finds the desk ready (training mode).
#   installer/deb-test.sh                   # build the .deb (debug, installer/deb-build.sh), then test it
#   DEB=path.deb installer/deb-test.sh      # test an existing package (e.g. a release build)
#   DEB_TEST_KEEP=1 installer/deb-test.sh   # keep the root afterwards (path printed)
# Prints one `ok N - ...` line per passed check (./dev test counts them); any failure stops with a reason.
# Needs root or passwordless sudo (debootstrap, chroot, mount), debootstrap, poppler-utils and
# python3-jsonschema (installer/install-deps.sh test), ~1.5 GB free in /var/tmp, and the Debian mirror
# (DEBIAN_MIRROR, default deb.debian.org): it is asked first with a 15 s deadline, and debootstrap/apt run
# under timeouts, so an offline machine fails with a reason instead of hanging. The bootstrapped root is
# cached as a tarball in /var/tmp/sohoa-deb-test (rebuilt when older than 7 days) and the .debs apt
# downloads are kept there too, so a rerun unpacks a fresh root in seconds and downloads only the lists.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${SOHOA_DEB_CACHE:-/var/tmp/sohoa-deb-test}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
t_start=$SECONDS
step() { printf '\n== [%4ss] %s\n' "$((SECONDS - t_start))" "$*"; }
die() { echo "deb-test: $*" >&2; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }

# As a normal user: build as that user (no root-owned files in the tree), then only the root part under sudo.
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "needs root (debootstrap, chroot and mount) or sudo"
  # -n: in CI a password prompt would wait forever; fail now with the reason instead.
  sudo -n true 2>/dev/null || die "needs root (debootstrap, chroot and mount): run as root or allow passwordless sudo"
  deb=${DEB:-$("$here/deb-build.sh" | tail -1)}
  exec sudo -n DEB="$deb" SOHOA_DEB_CACHE="$cache" DEBIAN_MIRROR="$mirror" DEB_TEST_KEEP="${DEB_TEST_KEEP:-}" \
    bash "$0"
fi
for tool in debootstrap chroot findmnt pdftoppm python3 /usr/bin/python3; do
  command -v "$tool" >/dev/null || die "'$tool' not found: run installer/install-deps.sh test"
done
mkdir -p "$cache/archives"

# Both debootstrap and apt-get update need the mirror. Ask it once, with a deadline, before any build or
# download, so a machine without network fails here with a plain reason instead of hanging in apt's retries.
mirror_ok() {
  /usr/bin/python3 - "$mirror/dists/$suite/Release" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=15) as r:
        sys.exit(0 if r.status == 200 and r.read(64) else 1)
except Exception as e:
    print(f"{sys.argv[1]}: {e}", file=sys.stderr)
    sys.exit(1)
PY
}
mirror_ok || die "the Debian mirror $mirror is not reachable (debootstrap and apt need it): check the network or proxy, or set DEBIAN_MIRROR to a reachable Debian 12 mirror"
# apt inside the root: bounded waits and a few retries, so a mirror that stops answering mid-run fails too.
apt_opts=(-o Acquire::http::Timeout=30 -o Acquire::https::Timeout=30 -o Acquire::Retries=3)

if [ -n "${DEB:-}" ]; then
  deb=$(realpath "$DEB")
else
  step "build the .deb (installer/deb-build.sh)"
  t=$SECONDS
  deb=$("$here/deb-build.sh" | tail -1)
  echo "built in $((SECONDS - t)) s"
fi
[ -f "$deb" ] || die "$deb not found"
deb_size=$(stat -c %s "$deb")
echo "package: $deb ($((deb_size / 1024)) KiB)"
dpkg-deb -f "$deb" Package Version Depends Recommends

# --- a clean root -------------------------------------------------------------------------------------------
tarball="$cache/$suite-minbase.tar"
boot_kind=cached
t=$SECONDS
if [ ! -f "$tarball" ] || [ -n "$(find "$tarball" -mtime +7)" ]; then
  boot_kind=cold
  step "debootstrap --variant=minbase $suite (cold; cached afterwards as $tarball)"
  fresh=$(mktemp -d "$cache/bootstrap.XXXXXX")
  timeout --kill-after=30 1200 debootstrap --variant=minbase "$suite" "$fresh" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
  [ -z "$(findmnt -rn -o TARGET | grep -F "$fresh" || true)" ] || die "debootstrap left mounts under $fresh"
  tar -C "$fresh" -cf "$tarball.tmp" .
  mv -f "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$fresh"
fi
target=$(mktemp -d /var/tmp/sohoa-deb-root.XXXXXX)

# Unmount everything under the root before deleting it, and refuse to delete while anything is still mounted:
# `rm -rf` through a live /proc or bind mount would reach the host.
cleanup() {
  local rc=$?
  local m
  for m in $(findmnt -rn -o TARGET | grep -F "$target" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
  if [ -n "${DEB_TEST_KEEP:-}" ]; then
    echo "deb-test: root kept in $target"
  elif [ -z "$(findmnt -rn -o TARGET | grep -F "$target" || true)" ]; then
    rm -rf --one-file-system "$target"
  else
    echo "deb-test: $target still has mounts; not deleted" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "unpack a fresh root from the bootstrap tarball"
tar -C "$target" -xf "$tarball"
boot_s=$((SECONDS - t))
echo "root ready in $boot_s s ($boot_kind)"
mount -t proc proc "$target/proc"
cp /etc/resolv.conf "$target/etc/resolv.conf"
# Maintainer scripts must not start services (pcscd) inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$target/usr/sbin/policy-rc.d"
chmod 755 "$target/usr/sbin/policy-rc.d"

in_root() {
  chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    SOHOA_DATA_DIR=/var/tmp/sohoa-data SOHOA_USER=deb-test "$@"
}

# --- install with apt -----------------------------------------------------------------------------------------
# --no-install-recommends: everything checked below must work from the package's Depends alone (a desk's
# plain `apt install` also pulls the Recommends, a superset); it also halves the root's size and install time.
step "apt-get install --no-install-recommends ./sohoa-desk.deb in the clean root"
cp "$deb" "$target/tmp/sohoa-desk.deb"
cp -l "$cache"/archives/*.deb "$target/var/cache/apt/archives/" 2>/dev/null || true
t=$SECONDS
in_root timeout --kill-after=30 600 apt-get "${apt_opts[@]}" update -q >"$cache/apt.log" 2>&1 || { tail -20 "$cache/apt.log" >&2; die "apt-get update failed"; }
in_root env DEBIAN_FRONTEND=noninteractive timeout --kill-after=30 1200 apt-get "${apt_opts[@]}" install -y -q --no-install-recommends /tmp/sohoa-desk.deb >>"$cache/apt.log" 2>&1 ||
  { tail -30 "$cache/apt.log" >&2; die "apt-get install failed (log: $cache/apt.log)"; }
install_s=$((SECONDS - t))
cp -ln "$target"/var/cache/apt/archives/*.deb "$cache/archives/" 2>/dev/null || true
grep -E '^(Need to get|After this operation)' "$cache/apt.log" || true
echo "installed in $install_s s"
in_root dpkg-query -W -f='${Status}\n' sohoa-desk | grep -q "install ok installed" || die "sohoa-desk not installed"
ok "apt installed the package and its dependencies"

# --- the installed programs -----------------------------------------------------------------------------------
step "installed programs and their libraries"
for bin in /usr/bin/sohoa /usr/bin/sohoa-desk; do
  [ -x "$target$bin" ] || die "$bin missing"
  missing=$(in_root ldd "$bin" | grep 'not found' || true)
  [ -z "$missing" ] || die "$bin: libraries missing from Depends: $missing"
  ok "$bin: every shared library resolved"
done
version=$(in_root sohoa --version)
echo "$version"
[[ "$version" == sohoa* ]] || die "sohoa --version printed '$version'"
ok "sohoa --version"

step "sohoa doctor --json from the installed package (the first-run check)"
# In this root no pcscd runs, no scanner is connected and no vault is set (training mode), so those checks may
# warn; what the package itself must bring has to be ok from its Depends alone: Tesseract with vie + osd,
# OpenSC's PKCS#11 module (it loads; no reader is needed for that), a writable data directory. Training mode
# makes every device warning non-fatal, so the exit code must be 0 (7 = a check failed).
doctor_rc=0
in_root timeout 120 sohoa --json doctor >"$target/tmp/doctor.json" 2>"$target/tmp/doctor.err" || doctor_rc=$?
/usr/bin/python3 - "$target/tmp/doctor.json" "$doctor_rc" <<'PY' || die "sohoa doctor in the clean root (exit $doctor_rc): see $target/tmp/doctor.json and doctor.err"
import json, sys
report = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
checks = {c["id"]: c for c in report["checks"]}
for c in report["checks"]:
    print(f"  {c['status']:<4} {c['id']:<19} {c['detail'][:110]}")
must_ok = ["ocr.tessdata", "pkcs11.modules", "data_dir.writable", "vault.reachable"]
may_warn = ["scan.devices", "pcsc.service", "trust.anchors", "data_dir.free_space"]
problems = [f"check {k} missing from the report" for k in must_ok + may_warn if k not in checks]
problems += [f"{k} is {checks[k]['status']}, must be ok: {checks[k]['detail']}" for k in must_ok
             if k in checks and checks[k]["status"] != "ok"]
problems += [f"{k} failed: {checks[k]['detail']}" for k in may_warn
             if k in checks and checks[k]["status"] not in ("ok", "warn")]
if rc != 0 or not report["ok"]:
    problems.append(f"exit code {rc}, report ok={report['ok']} (a check failed)")
if not report["training_mode"]:
    problems.append("not in training mode although no vault is configured")
ocr = checks.get("ocr.tessdata", {}).get("data") or {}
if not (ocr.get("vie") and ocr.get("osd") and str(ocr.get("tessdata", "")).startswith("/usr/share/tesseract-ocr/")):
    problems.append(f"OCR data not from the Debian packages: {ocr}")
mods = (checks.get("pkcs11.modules", {}).get("data") or {}).get("modules", [])
if not any(m.get("module") == "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so" and m.get("loads") for m in mods):
    problems.append(f"OpenSC's PKCS#11 module does not load: {mods}")
# The installed program must find the package's trust directory, not a path relative to the working dir.
if "share/sohoa/trust" not in checks.get("trust.anchors", {}).get("detail", ""):
    problems.append(f"trust.anchors does not look in /usr/share/sohoa/trust: {checks.get('trust.anchors')}")
for p in problems:
    print("doctor:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
ok "sohoa doctor --json: OCR data, OpenSC PKCS#11, data directory ok; only device checks warn"
in_root sohoa doctor >"$target/tmp/doctor.txt" || die "sohoa doctor (table) failed"
grep -q 'Kết quả / result: .* 0 lỗi' "$target/tmp/doctor.txt" ||
  { cat "$target/tmp/doctor.txt" >&2; die "sohoa doctor's table has no result line with 0 failures"; }
ok "sohoa doctor (Vietnamese table, 0 failures)"

step "data: catalogues, store, scanners, OCR"
fields=$(in_root sohoa --json fields --kind id-card)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert "cmnd_number" in json.dumps(d), d' "$fields" ||
  die "sohoa fields --kind id-card did not list cmnd_number"
ok "sohoa fields (catalogues)"
[ -f "$target/usr/share/sohoa/catalogs/provinces.toml" ] || die "catalogues not installed in /usr/share/sohoa/catalogs"
[ -f "$target/usr/share/sohoa/trust/README.md" ] || die "trust directory not installed in /usr/share/sohoa/trust"
ok "shared data in /usr/share/sohoa (catalogs, trust)"

created=$(in_root sohoa --json record new --kind info-only --owner-id 094187000321 --type CT01 \
  --field doc_name="Bản khai nhân khẩu năm 1995" --field condition=torn)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d.get("id"), d' "$created" || die "record new: $created"
in_root sohoa --json audit verify --deep >/dev/null || die "audit verify --deep failed in the installed package"
ok "record store: record new + audit verify --deep"

devices=$(in_root sohoa --json devices)
python3 -c 'import json,sys; json.loads(sys.argv[1])' "$devices" || die "sohoa devices --json: $devices"
ok "sohoa devices --json (libsane loads; $(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$devices") device(s))"

langs=$(in_root tesseract --list-langs 2>&1)
grep -qx vie <<<"$langs" || die "tesseract --list-langs has no vie: $langs"
grep -qx osd <<<"$langs" || die "tesseract --list-langs has no osd: $langs"
ok "Tesseract data: vie and osd"

# A page rendered here (poppler, from a PDF written below) and read by the installed engine: libtesseract,
# Leptonica and the vie model load and recognise text in the clean root.
python3 - "$target/tmp/page.pdf" <<'PY'
import sys
lines = ["CONG AN XA KIEM TRA NHAN DANG", "SOHOA DESK 2026 BAN SAO Y", "HO SO CU TRU QUYEN SO 12",
         "NGUOI LAP BIEU NGUYEN VAN AN", "DIA CHI SO 12 DUONG LE LOI", "NOI DUNG DA KIEM TRA DAY DU"] * 3
body = " ".join(f"({t}) Tj 0 -34 Td" for t in lines)
stream = f"BT /F1 22 Tf 60 740 Td {body} ET".encode()
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
out = bytearray(b"%PDF-1.4\n")
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
pdftoppm -r 300 -gray -png -singlefile "$target/tmp/page.pdf" "$target/tmp/page"
mkdir -p "$target/tmp/ocr"
# --no-clean: the clean-up stage turns this synthetic upright page by an "uncertain" orientation (270 or 180
# with confidence < 0.2, on the build machine too: a sohoa-imaging matter, not a packaging one), after which
# Tesseract reads nothing. What this check is about, the packaged libtesseract + vie data, is unaffected.
in_root sohoa --json ocr --no-clean /tmp/page.png --out /tmp/ocr >/dev/null || die "sohoa ocr failed in the installed package"
read_text=$(cat "$target/tmp/ocr/page.txt")
grep -q "NHAN DANG" <<<"$read_text" || die "OCR did not read the test line; got: $read_text"
ok "sohoa ocr reads a rendered page: $(tr '\n' ' ' <<<"$read_text" | cut -c1-60)"

step "desktop entry and icons"
desktop="$target/usr/share/applications/sohoa-desk.desktop"
[ -f "$desktop" ] || die "no desktop entry at /usr/share/applications/sohoa-desk.desktop"
grep -q '^Name\[vi\]=.*Số hóa hồ sơ' "$desktop" || die "desktop entry has no Vietnamese name"
grep -q '^Comment\[vi\]=' "$desktop" || die "desktop entry has no Vietnamese comment"
grep -q '^Exec=sohoa-desk$' "$desktop" || die "desktop entry does not start sohoa-desk"
grep -q '^Categories=.*Office;' "$desktop" || die "desktop entry is not in the Office menu: $(grep '^Categories' "$desktop")"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$desktop"; fi
ok "desktop entry (Vietnamese name and comment, Exec=sohoa-desk, Office menu)"
for size in 32x32 128x128; do
  [ -f "$target/usr/share/icons/hicolor/$size/apps/sohoa-desk.png" ] || die "icon $size missing"
done
ok "icons in the hicolor theme"

step "bundle configurations that cannot be built here (Windows, signed release) against the CLI's schema"
# The Windows installers need a Windows host (installer/windows/README.md); this at least proves that the
# merged configurations the Tauri CLI would read there are valid, so a typo is caught before anyone builds.
/usr/bin/python3 - "$root/src-tauri" "${SOHOA_TAURI_CLI_DIR:-/var/tmp/sohoa-tauri-cli}/node_modules/@tauri-apps/cli/config.schema.json" <<'PY'
import copy, json, sys
import jsonschema
conf_dir, schema_path = sys.argv[1], sys.argv[2]
schema = json.load(open(schema_path))
base = json.load(open(f"{conf_dir}/tauri.conf.json"))
def merge(a, b):
    a = copy.deepcopy(a)
    for k, v in b.items():
        a[k] = merge(a[k], v) if isinstance(v, dict) and isinstance(a.get(k), dict) else v
    return a
bad = 0
for overlay in ["tauri.linux.conf.json", "tauri.windows.conf.json", "tauri.release.conf.json"]:
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(merge(base, json.load(open(f"{conf_dir}/{overlay}")))))
    for e in errors:
        print(f"{overlay}: {'/'.join(map(str, e.path))}: {e.message[:300]}", file=sys.stderr)
    bad += len(errors)
# The schema types bundle.category as any string, but the bundler accepts only the names its description
# lists ("invalid category" at bundling time, after the whole build): check against that list.
desc = schema["definitions"]["BundleConfig"]["properties"]["category"]["description"]
allowed = {w.strip(" .\n") for w in desc.split("one of the following:")[-1].split(",")}
category = base.get("bundle", {}).get("category")
if category is not None and category not in allowed:
    print(f"tauri.conf.json: bundle.category {category!r} is not one of {sorted(allowed)}", file=sys.stderr)
    bad += 1
sys.exit(1 if bad else 0)
PY
ok "tauri.conf.json + linux/windows/release overlays valid against @tauri-apps/cli's config schema"

step "summary"
echo "deb size: $((deb_size / 1024)) KiB; root ($boot_kind): $boot_s s; apt install: $install_s s; total $((SECONDS - t_start)) s"
echo "$pass passed, 0 failed"
