#!/usr/bin/python3
"""Tesseract TSV (level 5 rows) -> the flat words JSON `sohoa pdf` reads. Usage: tsv2json.py IN.tsv DPI OUT.json"""
import csv, json, sys
words = []
with open(sys.argv[1], newline="") as f:
    for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] == "5" and row["text"].strip():
            x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
            words.append({"text": row["text"], "bbox": [x, y, x + w, y + h]})
json.dump({"dpi": float(sys.argv[2]), "words": words}, open(sys.argv[3], "w"), ensure_ascii=False)
