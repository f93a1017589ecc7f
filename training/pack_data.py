#!/usr/bin/env python3
"""Packs prepared data into a small, lossless training set that can travel to a machine without network
access (for example a GPU machine that receives the working tree with a size limit).

Cuts the training photos of DATA/train into TILE x TILE tiles, drops flat tiles (mean absolute luma
gradient below --min-texture, on the 0-255 scale), draws tiles at random (seeded; every textured pixel
alike) and writes them as lossless WebP (or PNG) until --mb is reached; DATA/val photos are written as
centre crops of --val-crop. The result is a data folder for train.py (--data PACK).

Usage: pack_data.py DATA PACK [--mb 16] [--tile 320] [--format webp|png]
"""
import argparse
import io
import json
import os
import sys

import numpy as np


def list_images(d):
    exts = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".ppm")
    return sorted(os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs if f.lower().endswith(exts))


def texture(a):
    y = a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114
    return float((np.abs(np.diff(y, axis=0)).mean() + np.abs(np.diff(y, axis=1)).mean()) / 2)


def encode(img, fmt):
    b = io.BytesIO()
    if fmt == "webp":
        img.save(b, "WEBP", lossless=True, quality=100, method=4)
    else:
        img.save(b, "PNG", compress_level=9)
    return b.getvalue()


def main():
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("pack")
    ap.add_argument("--mb", type=float, default=16.0, help="size budget of the training tiles, MiB")
    ap.add_argument("--tile", type=int, default=320)
    ap.add_argument("--min-texture", type=float, default=2.0)
    ap.add_argument("--format", choices=["webp", "png"], default="webp")
    ap.add_argument("--val-crop", type=int, default=480)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    T = args.tile
    train_dir = os.path.join(args.data, "train")
    files = list_images(train_dir)
    if not files:
        sys.exit("no photos under " + train_dir)
    # pass 1: the textured tiles of every photo
    cands = []
    flat = 0
    for fi, f in enumerate(files):
        a = np.asarray(Image.open(f).convert("RGB"), dtype=np.float32)
        for y in range(0, a.shape[0] - T + 1, T):
            for x in range(0, a.shape[1] - T + 1, T):
                if texture(a[y:y + T, x:x + T]) >= args.min_texture:
                    cands.append((fi, y, x))
                else:
                    flat += 1
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(cands))
    budget = args.mb * 1048576
    out_dir = os.path.join(args.pack, "train")
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, old))
    # pass 2: encode a first guess of the number of tiles, photo by photo, then keep the prefix of the random
    # order that fits the budget (grow the guess when the tiles compress better than expected)
    n_guess = max(1, int(budget / (T * T * 1.2)))
    blobs = {}
    done = 0
    while True:
        want = [int(k) for k in order[done:n_guess]]
        by_file = {}
        for k in want:
            by_file.setdefault(cands[k][0], []).append(k)
        for fi, ks in sorted(by_file.items()):
            im = Image.open(files[fi]).convert("RGB")
            for k in ks:
                _, y, x = cands[k]
                blobs[k] = encode(im.crop((x, y, x + T, y + T)), args.format)
        done = n_guess
        total = sum(len(blobs[int(k)]) for k in order[:done])
        if total >= budget or done >= len(cands):
            break
        n_guess = min(len(cands), int(done * budget / total * 1.05) + 1)
    kept, total = [], 0
    for k in order[:done]:
        k = int(k)
        if total + len(blobs[k]) > budget:
            break
        kept.append(k)
        total += len(blobs[k])
    for k in kept:
        fi, y, x = cands[k]
        stem = os.path.splitext(os.path.basename(files[fi]))[0]
        with open(os.path.join(out_dir, "%s_%d_%d.%s" % (stem, y, x, args.format)), "wb") as fh:
            fh.write(blobs[k])
    # validation crops
    vdir = os.path.join(args.pack, "val")
    os.makedirs(vdir, exist_ok=True)
    vbytes = 0
    for f in list_images(os.path.join(args.data, "val")):
        im = Image.open(f).convert("RGB")
        s = min(args.val_crop, *im.size)
        x0, y0 = (im.size[0] - s) // 2, (im.size[1] - s) // 2
        b = encode(im.crop((x0, y0, x0 + s, y0 + s)), args.format)
        vbytes += len(b)
        with open(os.path.join(vdir, os.path.splitext(os.path.basename(f))[0] + "." + args.format), "wb") as fh:
            fh.write(b)
    prep = os.path.join(args.data, "prepared.json")
    summary = json.load(open(prep))["summary"] if os.path.exists(prep) else {}
    summary["pack"] = {"tiles": len(kept), "tile": T, "mpixels": round(len(kept) * T * T / 1e6, 1),
                       "of_textured_tiles": len(cands), "flat_tiles_dropped": flat, "format": args.format + " lossless",
                       "min_texture": args.min_texture, "seed": args.seed}
    json.dump({"summary": summary}, open(os.path.join(args.pack, "prepared.json"), "w"), indent=1)
    print("packed %d of %d textured %dx%d tiles (%.1f Mpixels, %.1f MiB) + %.1f MiB of validation crops in %s" % (
        len(kept), len(cands), T, T, len(kept) * T * T / 1e6, total / 1048576, vbytes / 1048576, args.pack))


if __name__ == "__main__":
    main()
