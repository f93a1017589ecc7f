#!/usr/bin/env python3
"""Proves that the trainer's forward pass is the reference computation: loads the golden model files
(../shared/golden, or --golden DIR) into the PyTorch modules of diif_torch.py and reproduces every
golden output within 1e-5 (raw model output, normalised space).

Every case is rendered twice: in one pass (all slices broadcast) and in chunks of 997 slices / queries
(the gathered-subset path that training uses); the error reported is the larger of the two. Also checks
that decoding a random subset of slices (or LIIF queries) gives the pixels of the full render, and that a
model file written by write_safetensors reads back bit-identically.

Usage: python3 check_golden.py [--golden DIR] [--tol 1e-5] [--device cpu|cuda]
Exit status 0 when every case passes.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import diif_torch as dt  # noqa: E402


def load_png(path):
    from PIL import Image
    a = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(a).permute(2, 0, 1)[None].contiguous()


def default_golden():
    for c in (os.path.join(HERE, "..", "shared", "golden"), os.path.join(HERE, "..", "..", "shared", "golden")):
        if os.path.isdir(c):
            return os.path.normpath(c)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--golden", default=default_golden())
    ap.add_argument("--tol", type=float, default=1e-5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--skip-full", action="store_true", help="skip the full-size (1.68M parameter) cases")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if not args.golden or not os.path.isdir(args.golden):
        sys.exit("golden folder not found; pass --golden DIR (../shared/golden)")
    cases = json.load(open(os.path.join(args.golden, "cases.json")))["cases"]
    x = load_png(os.path.join(args.golden, "input.png")).to(args.device)
    models = {}
    failures = 0
    worst = 0.0
    t0 = time.time()
    print("%-36s %-9s %11s  %s" % ("model", "out", "max |err|", "result"))
    for c in cases:
        if args.skip_full and c["model"].startswith("full-"):
            continue
        if c["model"] not in models:
            models[c["model"]] = dt.load_model_file(os.path.join(args.golden, c["model"]), args.device)[0]
        m = models[c["model"]]
        want = np.load(os.path.join(args.golden, c["output"]))
        with torch.no_grad():
            got = m.render(x, c["out_height"], c["out_width"]).cpu().numpy()
            # the chunked render decodes through the gathered-subset path that training uses
            kw = {"max_slices": 997} if isinstance(m, dt.DiifNet) else {"max_queries": 997}
            got2 = m.render(x, c["out_height"], c["out_width"], **kw).cpu().numpy()
        assert got.shape == want.shape, (got.shape, want.shape)
        err = max(float(np.abs(got.astype(np.float64) - want).max()),
                  float(np.abs(got2.astype(np.float64) - want).max()))
        worst = max(worst, err)
        ok = err <= args.tol
        failures += not ok
        print("%-36s %4dx%-4d %11.3e  %s" % (c["model"], c["out_width"], c["out_height"], err,
                                            "ok" if ok else "FAIL"))

    # training path == render path (subsets of slices / queries land on the same pixels)
    g = torch.Generator().manual_seed(1)
    for name in ("model-diif-row-b4.safetensors", "model-diif-group.safetensors", "model-liif.safetensors"):
        m = models[name]
        for oh, ow in ((118, 148), (61, 77), (384, 480)):
            with torch.no_grad():
                full = m.render(x, oh, ow)[0]
                feat = m.encode(x)
                if isinstance(m, dt.DiifNet):
                    corners = m.corners(feat)
                    geo = dt.diif_geometry(feat.shape[2], feat.shape[3], oh, ow, m.slicing, m.max_scale,
                                           str(feat.device))
                    sl = torch.randperm(geo.n_slices, generator=g)[:500].to(args.device)
                    rgb, orow, ocol, ok = m.decode_slices(corners, geo, sl)
                    rows = orow[:, :, None].expand_as(ok)[ok]
                    cols = ocol[:, None, :].expand_as(ok)[ok]
                    got = rgb[0][ok]
                else:
                    z = m.first_layer_maps(feat)
                    q = torch.randperm(oh * ow, generator=g)[:500].to(args.device)
                    rows, cols = q // ow, q % ow
                    got = m.query(z, rows[None], cols[None], oh, ow)[0]
                want = full[:, rows, cols].t()
                err = (got - want).abs().max().item()
                ok_ = err <= 1e-6
                failures += not ok_
                print("%-36s %4dx%-4d %11.3e  %s (subset decode vs render)" % (name, ow, oh, err,
                                                                              "ok" if ok_ else "FAIL"))

    # safetensors writer round trip
    m = models["model-diif-row-b4.safetensors"]
    tensors, meta = dt.read_safetensors(os.path.join(args.golden, "model-diif-row-b4.safetensors"))
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "m.safetensors")
        dt.write_safetensors(p, m.state_dict(), meta)
        back, meta2 = dt.read_safetensors(p)
        same = meta2 == meta and all(torch.equal(back[k], v) for k, v in m.state_dict().items()) \
            and set(back) == set(tensors)
        failures += not same
        print("%-36s %-9s %11s  %s" % ("safetensors write/read round trip", "", "", "ok" if same else "FAIL"))
    print("worst golden error %.3e (tolerance %.0e), %d failure(s), %.1f s" % (worst, args.tol, failures,
                                                                              time.time() - t0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
