#!/usr/bin/env python3
"""Draws the SoHoa Desk icon and writes every file the Tauri bundler asks for (PNG, ICO, ICNS).

Why a script: the machine has no image tools or network, and an icon drawn from code can be regenerated
identically (the output is deterministic, so `git diff` shows whether a re-run changed anything).
Pure standard library: the shapes are rasterised with 4x4 supersampling, smaller sizes are box-filtered
from the 512 px master in premultiplied alpha so edges stay clean.

Usage: python3 src-tauri/scripts/make_icons.py [OUT_DIR]   (default: src-tauri/icons next to this script)
"""

import math
import os
import struct
import sys
import zlib

MASTER = 512
SS = 4  # samples per pixel per axis

BG = (31, 78, 121, 255)  # deep blue: the desk
PAGE = (255, 255, 255, 255)
FOLD = (208, 215, 226, 255)
LINE = (150, 166, 186, 255)
SEAL = (198, 40, 40, 255)  # the red seal that a colour scan must keep (Decree 30)
TICK = (255, 255, 255, 255)


def in_round_rect(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


PAGE_X0, PAGE_Y0, PAGE_X1, PAGE_Y1, FOLD_SIZE = 132, 84, 372, 428, 70
LINES = [(172, 168, 332), (172, 210, 332), (172, 252, 332), (172, 294, 280)]
SEAL_C, SEAL_R = (338, 380), 74
TICK_PTS = [(304, 382), (327, 405), (370, 356)]


def sample(x, y):
    """Colour of the icon at a point of the 512 px canvas, shapes painted back to front."""
    if not in_round_rect(x, y, 16, 16, 496, 496, 100):
        return (0, 0, 0, 0)
    colour = BG
    if PAGE_X0 <= x <= PAGE_X1 and PAGE_Y0 <= y <= PAGE_Y1:
        fx, fy = x - (PAGE_X1 - FOLD_SIZE), y - PAGE_Y0
        if fx > 0 and fy < FOLD_SIZE:
            if fx <= fy:
                colour = FOLD  # the folded-over corner
        else:
            colour = PAGE
            for lx0, ly, lx1 in LINES:
                if in_round_rect(x, y, lx0, ly, lx1, ly + 16, 8):
                    colour = LINE
    if math.hypot(x - SEAL_C[0], y - SEAL_C[1]) <= SEAL_R:
        colour = SEAL
        (ax, ay), (bx, by), (cx, cy) = TICK_PTS
        if min(seg_dist(x, y, ax, ay, bx, by), seg_dist(x, y, bx, by, cx, cy)) <= 11:
            colour = TICK
    return colour


def render_master():
    """Premultiplied RGBA floats, row-major."""
    px = []
    step = 1.0 / SS
    offs = [(i + 0.5) * step for i in range(SS)]
    n = SS * SS
    for j in range(MASTER):
        row = []
        for i in range(MASTER):
            r = g = b = a = 0.0
            for oy in offs:
                for ox in offs:
                    cr, cg, cb, ca = sample(i + ox, j + oy)
                    af = ca / 255.0
                    r += cr * af
                    g += cg * af
                    b += cb * af
                    a += ca
            row.append((r / n, g / n, b / n, a / n))
        px.append(row)
    return px


def downscale(px, size):
    f = MASTER // size
    out = []
    for j in range(size):
        row = []
        for i in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for y in range(j * f, (j + 1) * f):
                src = px[y]
                for x in range(i * f, (i + 1) * f):
                    p = src[x]
                    acc[0] += p[0]
                    acc[1] += p[1]
                    acc[2] += p[2]
                    acc[3] += p[3]
            k = f * f
            row.append(tuple(v / k for v in acc))
        out.append(row)
    return out


def to_rgba_bytes(px):
    rows = []
    for row in px:
        line = bytearray([0])  # PNG filter type 0 (None)
        for r, g, b, a in row:
            if a <= 0:
                line += b"\x00\x00\x00\x00"
                continue
            af = a / 255.0
            line += bytes(
                (
                    min(255, round(r / af)),
                    min(255, round(g / af)),
                    min(255, round(b / af)),
                    min(255, round(a)),
                )
            )
        rows.append(bytes(line))
    return b"".join(rows)


def png(px):
    size = len(px)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA: Tauri rejects non-RGBA icons
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(to_rgba_bytes(px), 9))
        + chunk(b"IEND", b"")
    )


def ico(pngs):
    """ICO with PNG-compressed entries (valid since Windows Vista), largest last as the bundler expects none in particular."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, data in pngs:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns(entries):
    body = b"".join(tag + struct.pack(">I", len(data) + 8) + data for tag, data in entries)
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "icons")
    os.makedirs(out_dir, exist_ok=True)
    master = render_master()
    sizes = {s: (master if s == MASTER else downscale(master, s)) for s in (16, 32, 64, 128, 256, 512)}
    encoded = {s: png(p) for s, p in sizes.items()}
    files = {
        "32x32.png": encoded[32],
        "128x128.png": encoded[128],
        "128x128@2x.png": encoded[256],
        "icon.png": encoded[512],
        "icon.ico": ico([(s, encoded[s]) for s in (16, 32, 64, 128, 256)]),
        "icon.icns": icns([(b"icp4", encoded[16]), (b"icp5", encoded[32]), (b"icp6", encoded[64]),
                           (b"ic07", encoded[128]), (b"ic08", encoded[256]), (b"ic09", encoded[512])]),
    }
    for name, data in files.items():
        with open(os.path.join(out_dir, name), "wb") as fh:
            fh.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
