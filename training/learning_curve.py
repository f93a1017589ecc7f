#!/usr/bin/env python3
"""Draws the learning curve of a run: gain over bicubic (RGB PSNR, border scale + 6) against training steps,
one line per validation scale, from RUN/val.csv. Writes a PNG and prints the same numbers as a Markdown table.

Usage: python3 learning_curve.py VAL_CSV OUT.png [--title TEXT]
Needs only Pillow.
"""
import argparse
import csv
from collections import defaultdict

from PIL import Image, ImageDraw

COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]


def read(path):
    gains = defaultdict(dict)   # scale -> step -> gain
    for row in csv.DictReader(open(path)):
        gains[int(row["scale"])][int(row["step"])] = float(row["gain"])
    return gains


def draw(gains, out, title):
    W, H, L, R, T, B = 720, 380, 60, 20, 40, 50
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    steps = sorted({s for g in gains.values() for s in g})
    vals = [v for g in gains.values() for v in g.values()]
    x0, x1 = 0, max(steps) or 1
    y0, y1 = min(min(vals), 0.0), max(max(vals), 0.0)
    pad = 0.05 * (y1 - y0 or 1)
    y0, y1 = y0 - pad, y1 + pad

    def px(step, v):
        return (L + (W - L - R) * (step - x0) / (x1 - x0), T + (H - T - B) * (y1 - v) / (y1 - y0))

    d.rectangle([L, T, W - R, H - B], outline=(0, 0, 0))
    # gridlines every 0.5 dB, the zero line (bicubic) darker
    k = int(y0 * 2) - 1
    while k / 2 <= y1:
        v = k / 2
        if v >= y0:
            y = px(0, v)[1]
            d.line([L, y, W - R, y], fill=(120, 120, 120) if v == 0 else (225, 225, 225))
            d.text((L - 40, y - 6), "%+.1f" % v, fill=(0, 0, 0))
        k += 1
    for i in range(6):
        s = x0 + (x1 - x0) * i / 5
        x = px(s, y0)[0]
        d.text((x - 12, H - B + 6), "%dk" % round(s / 1000) if x1 >= 5000 else "%d" % s, fill=(0, 0, 0))
    d.text((L + (W - L - R) / 2 - 40, H - 22), "training steps", fill=(0, 0, 0))
    d.text((L, 12), title, fill=(0, 0, 0))
    for n, (scale, g) in enumerate(sorted(gains.items())):
        c = COLOURS[n % len(COLOURS)]
        pts = [px(s, g[s]) for s in sorted(g)]
        if len(pts) > 1:
            d.line(pts, fill=c, width=2)
        for x, y in pts:
            d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=c)
        d.text((W - R - 60, H - B - 16 - 14 * (len(gains) - 1 - n)), "x%d" % scale, fill=c)   # bottom right
    img.save(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("val_csv")
    ap.add_argument("out")
    ap.add_argument("--title", default="gain over bicubic (dB, RGB PSNR, border scale+6) on held-back crops")
    a = ap.parse_args()
    gains = read(a.val_csv)
    draw(gains, a.out, a.title)
    scales = sorted(gains)
    print("| step | " + " | ".join("×%d" % s for s in scales) + " |")
    print("| --- |" + " --- |" * len(scales))
    for step in sorted({s for g in gains.values() for s in g}):
        print("| %d | " % step + " | ".join("%+.2f" % gains[s][step] if step in gains[s] else "" for s in scales) + " |")


if __name__ == "__main__":
    main()
