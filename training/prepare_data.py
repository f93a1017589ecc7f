#!/usr/bin/env python3
"""Turns the fetched training photos into HR patch sources (called by prepare-data.sh).

For every train_* photo of the manifest:
* photos flagged flat (manifest roundtrip_psnr_2x above --flat-psnr: mostly sky or blur) are skipped;
* photos that are also evaluation images (same file in the eval set, e.g. opencv-doc graf1) are skipped;
* JPEGs of quality <= --jpeg-max-quality are downscaled 2x (antialiased bicubic), which removes most of
  their compression artefacts; lossless and high-quality photos are kept at full size;
* photos listed in the hold-out file go to OUT/val (validation and `diif eval`), the rest to OUT/train,
  as lossless PNG.
OUT/prepared.json records what was done to each photo.

Usage: prepare_data.py --photos RAW --out OUT [--manifest CSV] [--holdout TXT] [--jobs N]
"""
import argparse
import csv
import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


def process(job):
    src, dst, downscale = job
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None
    if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
        with Image.open(dst) as im:
            return dst, im.size, "kept"
    with Image.open(src) as im:
        im = im.convert("RGB")
        size0 = im.size
        if downscale:
            im = im.resize((im.size[0] // 2, im.size[1] // 2), Image.BICUBIC)
        tmp = dst + ".tmp.png"
        im.save(tmp, "PNG", compress_level=1)
        os.replace(tmp, dst)
        return dst, im.size, "%dx%d -> %dx%d" % (size0 + im.size)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", required=True, help="folder with train_primary/, train_secondary/ (fetch-photos.sh)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--manifest", default=os.path.join(HERE, "data", "manifest.csv"))
    ap.add_argument("--holdout", default=os.path.join(HERE, "data", "holdout.txt"))
    ap.add_argument("--flat-psnr", type=float, default=44.0)
    ap.add_argument("--jpeg-max-quality", type=int, default=90, help="JPEGs at or below this are downscaled 2x")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    args = ap.parse_args()

    rows = list(csv.DictReader(open(args.manifest)))
    eval_names = {os.path.basename(r["file"]) for r in rows if r["set"] == "eval"}
    holdout = {l.strip() for l in open(args.holdout) if l.strip() and not l.startswith("#")} \
        if args.holdout and os.path.exists(args.holdout) else set()
    for d in ("train", "val"):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    jobs, info = [], []
    skipped = {"flat": [], "eval_duplicate": [], "missing": []}
    for r in rows:
        if not r["set"].startswith("train"):
            continue
        src = os.path.join(args.photos, r["file"])
        if not os.path.exists(src):
            skipped["missing"].append(r["file"])
            continue
        if os.path.basename(r["file"]) in eval_names:
            skipped["eval_duplicate"].append(r["file"])
            continue
        held = r["file"] in holdout
        if not held and float(r["roundtrip_psnr_2x"] or 0) > args.flat_psnr:
            skipped["flat"].append(r["file"])
            continue
        q = r["jpeg_quality"]
        down = r["format"] == "JPEG" and q.isdigit() and int(q) <= args.jpeg_max_quality
        stem = os.path.splitext(os.path.basename(r["file"]))[0]
        dst = os.path.join(args.out, "val" if held else "train", stem + ".png")
        jobs.append((src, dst, down))
        info.append({"file": os.path.relpath(dst, args.out), "source": r["file"], "package": r["source"],
                     "version": r["version"], "license": r["license"], "jpeg_quality": q,
                     "downscaled_2x": down})
    with ProcessPoolExecutor(max(1, args.jobs)) as ex:
        results = list(ex.map(process, jobs))
    px = {"train": 0, "val": 0}
    for i, (dst, size, what) in zip(info, results):
        i["size"] = list(size)
        px[i["file"].split(os.sep)[0]] += size[0] * size[1]
    summary = {
        "photos_train": sum(i["file"].startswith("train") for i in info),
        "photos_val": sum(i["file"].startswith("val") for i in info),
        "mpixels_train": round(px["train"] / 1e6, 1), "mpixels_val": round(px["val"] / 1e6, 1),
        "skipped_flat": len(skipped["flat"]), "skipped_eval_duplicate": skipped["eval_duplicate"],
        "missing": len(skipped["missing"]),
        "rules": "manifest train_* photos; skip roundtrip_psnr_2x > %g (flat) and eval duplicates; JPEG quality "
                 "<= %d downscaled 2x (PIL bicubic, antialiased); hold-out list -> val" % (args.flat_psnr,
                                                                                       args.jpeg_max_quality),
        "manifest_sha256": hashlib.sha256(open(args.manifest, "rb").read()).hexdigest(),
        "source": "Debian and npm packages, see training/data/manifest.csv (not redistributed)",
    }
    json.dump({"summary": summary, "skipped": skipped, "photos": info},
              open(os.path.join(args.out, "prepared.json"), "w"), indent=1)
    print("prepared %d training photos (%.1f Mpixels) and %d held-back photos (%.1f Mpixels) in %s; skipped %d flat, "
          "%d evaluation duplicates, %d missing" % (summary["photos_train"], summary["mpixels_train"],
                                                   summary["photos_val"], summary["mpixels_val"], args.out,
                                                   len(skipped["flat"]), len(skipped["eval_duplicate"]),
                                                   len(skipped["missing"])))
    if skipped["missing"]:
        print("warning: %d photos of the manifest were not found under %s" % (len(skipped["missing"]), args.photos),
              file=sys.stderr)


if __name__ == "__main__":
    main()
