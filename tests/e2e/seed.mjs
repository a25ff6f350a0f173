// Seeds a data directory with real records through the `sohoa` CLI and prints what the desktop test expects
// as JSON on stdout. Usage: node seed.mjs <path to sohoa> <data dir>
//
// The names carry the full range of Vietnamese diacritics (ễ, ă, ị, ọ, ú, ì...) so the test proves they survive
// CLI → engine → SQLite → IPC → WebKit untouched.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

const [cli, dataDir, stackDir] = process.argv.slice(2);
if (!cli || !dataDir || !stackDir) {
  console.error("usage: node seed.mjs <sohoa binary> <data dir> <archive stack dir>");
  process.exit(2);
}

function sohoa(...args) {
  const stdout = execFileSync(cli, ["--data-dir", dataDir, "--json", ...args], {
    encoding: "utf8",
    timeout: 30_000,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(stdout);
}

function newRecord(kind, ownerId, fields, extra = []) {
  const args = ["record", "new", "--kind", kind, "--owner-id", ownerId, ...extra];
  for (const [k, v] of Object.entries(fields)) args.push("--field", `${k}=${v}`);
  const out = sohoa(...args);
  return { id: out.id, storage_key: out.record?.summary?.storage_key ?? null };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A scanned-page look-alike: an off-white A4 page at 75 dpi with dark "text lines" and a red seal block. */
function pagePng() {
  const w = 620;
  const h = 877;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0;
    const textLine = y > 120 && y < 700 && y % 28 < 9;
    for (let x = 0; x < w; x++) {
      let px = [246, 244, 238];
      if (textLine && x > 70 && x < (y % 56 < 28 ? 550 : 420)) px = [40, 40, 48];
      if ((x - 470) ** 2 + (y - 760) ** 2 < 45 ** 2) px = [200, 30, 30];
      raw.set(px, row + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const an = newRecord("id-card", "079203001234", {
  full_name: "Nguyễn Văn An",
  birth_date: "2003-04-05",
  sex: "nam",
  cmnd_number: "025123456",
  father_name: "Nguyễn Văn Bình",
  mother_name: "Trần Thị Cúc",
});
const scratch = mkdtempSync(join(tmpdir(), "sohoa-e2e-page-"));
const page = join(scratch, "to-khai-cmnd-trang-1.png");
writeFileSync(page, pagePng());
try {
  sohoa("import", page, "--record", an.id);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const bich = newRecord("id-card", "001185012345", {
  full_name: "Trần Thị Bích Ngọc",
  birth_date: "1985-09-12",
  sex: "nữ",
  cmnd_number: "012345678",
  father_name: "Trần Văn Hùng",
  mother_name: "Lê Thị Thủy",
});

const residence = newRecord(
  "residence",
  "036090004567",
  {
    household_head: "Phạm Đức Thắng",
    address: "Số 12 đường Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh",
    "storage.warehouse": "Kho A",
    "storage.shelf": "Kệ 3",
    "storage.box": "Hộp 17",
  },
  ["--type", "CT01"],
);

const infoOnly = newRecord(
  "info-only",
  "094187000321",
  { doc_name: "Bản khai nhân khẩu năm 1995", condition: "torn" },
  ["--type", "CT01"],
);

const trashed = newRecord("id-card", "079203009999", {
  full_name: "Đỗ Minh Khôi",
  birth_date: "2003-01-02",
  sex: "nam",
  cmnd_number: "025999888",
  father_name: "Đỗ Văn Long",
  mother_name: "Vũ Thị Mai",
});
sohoa("record", "delete", trashed.id, "--reason", "Tạo nhầm");

// An archive stack as a network scanner drops it into a watched folder, in feed order: dossier 1 (2 sheets),
// Patch T, dossier 2 (1 sheet), Patch T, dossier 3 (2 sheets). The separator sheet is the one archive staff
// print with `sohoa separator-sheet`. The desktop test moves the stack into the watched folder when it runs.
mkdirSync(stackDir, { recursive: true });
const stack = ["page", "page", "sep", "page", "sep", "page", "page"];
stack.forEach((what, i) => {
  const file = join(stackDir, `scan-${String(i + 1).padStart(3, "0")}.png`);
  if (what === "sep") sohoa("separator-sheet", "--out", file, "--dpi", "150");
  else writeFileSync(file, pagePng());
});

// The long batch the responsiveness test feeds while it measures input latency: 500 pages, a Patch T sheet
// after every 10 (50 dossiers).
const longStack = `${stackDir}-500`;
mkdirSync(longStack, { recursive: true });
const page500 = pagePng();
const sep500 = join(longStack, "sep.png");
sohoa("separator-sheet", "--out", sep500, "--dpi", "150");
const sepBytes = readFileSync(sep500);
rmSync(sep500);
let n = 0;
for (let d = 0; d < 50; d++) {
  for (let p = 0; p < 10; p++) writeFileSync(join(longStack, `long-${String(++n).padStart(4, "0")}.png`), page500);
  writeFileSync(join(longStack, `long-${String(++n).padStart(4, "0")}.png`), sepBytes);
}

process.stdout.write(
  `${JSON.stringify({ an, bich, residence, info_only: infoOnly, trashed, live_count: 4, stack: stackDir, long_stack: longStack }, null, 2)}\n`,
);
