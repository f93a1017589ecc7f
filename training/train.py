#!/usr/bin/env python3
"""Trains EDSR-baseline-DIIF (the default model) or EDSR-baseline-LIIF, resumably.

Recipe (the paper's, scaled to the compute at hand; see README.md): LR patches 48x48, scale ~ U(1, 4)
per group of the batch (batches mix scales), HR crop of round(48 s) pixels, antialiased bicubic
downsampling (Keys a = -0.5, as PIL / MATLAB imresize) quantised to 8 bits, random flips and transposes,
L1 loss in the model's normalised space, Adam with a linear warm-up and cosine or step decay.

Efficiency options: --slices K decodes K random slices per patch group instead of the full grid (LIIF
samples --queries pixels per patch likewise); --bf16 runs the networks under bfloat16 autocast (CPU with
AVX512-BF16 or CUDA); the whole image pool lives on the GPU when there is one.

Resuming: everything is in RUN/ckpt (model.pt, optim.pt, state.pt: weights, Adam state, step, RNG
states, arguments). Running the same command again continues from there (the schedule is defined by
--steps, so a long run can be split into many short ones: --max-minutes stops cleanly and checkpoints).
Logs: RUN/train.csv (loss curve), RUN/val.csv (PSNR vs bicubic at x2/x4/x12 on held-back photos).

Example (smoke run): python3 train.py --data DATA --run runs/diif --steps 20 --batch 4 --val-every 10
"""
import argparse
import csv
import datetime
import glob
import json
import math
import os
import random
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import diif_torch as dt  # noqa: E402

IMAGE_EXT = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".ppm", ".npy")


# ---------------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------------
def list_images(d):
    files = []
    for ext in IMAGE_EXT:
        files += glob.glob(os.path.join(d, "**", "*" + ext), recursive=True)
    return sorted(files)


def read_image(path):
    """uint8 tensor [3, H, W]."""
    if path.endswith(".npy"):
        a = np.load(path)
    else:
        from PIL import Image
        with Image.open(path) as im:
            a = np.asarray(im.convert("RGB"))
    assert a.ndim == 3 and a.shape[2] == 3, path
    return torch.from_numpy(np.array(a, dtype=np.uint8, copy=True)).permute(2, 0, 1).contiguous()


def load_images(files, threads):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max(1, threads)) as ex:
        return list(ex.map(read_image, files))


def resize(x, h, w):
    """Antialiased bicubic resize (a = -0.5, kernel widened by the factor when downscaling: PIL's and
    MATLAB's imresize), x float [n, 3, H, W] in [0, 1]; result clamped to [0, 1]."""
    return F.interpolate(x, size=(h, w), mode="bicubic", align_corners=False, antialias=True).clamp_(0, 1)


def quantize(x):
    return torch.round(x * 255) / 255


class PatchSampler:
    """Random training pairs from a pool of HR photos (uint8 [3, H, W] tensors, on any device)."""

    def __init__(self, images, patch, scale_min, scale_max, quantize_lr=True, weighting="area"):
        self.images = images
        self.patch = patch
        self.smin, self.smax = scale_min, scale_max
        self.quantize_lr = quantize_lr
        side = np.array([min(im.shape[1], im.shape[2]) for im in images])
        area = np.array([im.shape[1] * im.shape[2] for im in images], dtype=np.float64)
        self.side = side
        self.weight = area if weighting == "area" else np.sqrt(area) if weighting == "sqrt" else np.ones_like(area)
        need = int(round(patch * scale_max))
        if side.max() < need:
            raise SystemExit("no training image is %d pixels on its short side (patch %d x scale %g)"
                             % (need, patch, scale_max))

    def group(self, rng, n, device):
        """n pairs sharing one scale: (lr [n,3,p,p], hr [n,3,hh,hh]) floats in [0, 1]."""
        s = rng.uniform(self.smin, self.smax)
        hh = int(round(self.patch * s))
        ok = self.side >= hh
        w = self.weight * ok
        idx = rng.choice(len(self.images), size=n, p=w / w.sum())
        crops = []
        for k in idx:
            im = self.images[k]
            y = int(rng.integers(0, im.shape[1] - hh + 1))
            x = int(rng.integers(0, im.shape[2] - hh + 1))
            c = im[:, y:y + hh, x:x + hh]
            hf, vf, tr = rng.random(3) < 0.5
            if hf:
                c = c.flip(-1)
            if vf:
                c = c.flip(-2)
            if tr:
                c = c.transpose(-1, -2)
            crops.append(c)
        hr = torch.stack(crops).to(device, non_blocking=True).float().div_(255)
        lr = resize(hr, self.patch, self.patch)
        if self.quantize_lr:
            lr = quantize(lr)
        return lr, hr


def val_set(files, crop, scales, threads):
    """Centre crops of the validation photos, sides a multiple of every validation scale."""
    m = 1
    for s in scales:
        m = m * s // math.gcd(m, s)
    out = []
    for im in load_images(files, threads):
        side = min(crop, im.shape[1], im.shape[2]) // m * m
        if side < 2 * m:
            continue
        y = (im.shape[1] - side) // 2
        x = (im.shape[2] - side) // 2
        out.append(im[:, y:y + side, x:x + side].contiguous())
    return out


@torch.no_grad()
def validate(model, crops, scales, device, chunk):
    """Mean PSNR (RGB, 8-bit outputs, border scale + 6 removed: the paper's DIV2K protocol) of the model
    and of bicubic upsampling, per scale."""
    model.eval()
    res = {}
    for s in scales:
        pm, pb = [], []
        for im in crops:
            hr = im[None].to(device).float() / 255
            side = hr.shape[-1]
            lr = quantize(resize(hr, side // s, side // s))
            kw = {"max_slices": chunk} if isinstance(model, dt.DiifNet) else {"max_queries": chunk}
            y = model.render(lr, side, side, **kw)
            sr = quantize((y * model.norm_std + model.norm_mean).clamp(0, 1))
            bic = quantize(resize(lr, side, side))
            pm.append(dt.psnr(sr, hr, s + 6))
            pb.append(dt.psnr(bic, hr, s + 6))
        res[s] = (float(np.mean(pm)), float(np.mean(pb)), len(pm))
    model.train()
    return res


# ---------------------------------------------------------------------------------------------------
# training step
# ---------------------------------------------------------------------------------------------------
def group_loss(model, feat_or_maps, lr_size, hr, args, rng):
    """L1 (normalised space) of one group sharing a geometry; feat_or_maps: corners (DIIF) or first-layer
    maps (LIIF) of the group's patches."""
    n, _, oh, ow = hr.shape
    target = (hr - model.norm_mean) / model.norm_std
    dev = hr.device
    if isinstance(model, dt.DiifNet):
        geo = dt.diif_geometry(lr_size, lr_size, oh, ow, model.slicing, model.max_scale, str(dev))
        sl = None
        if args.slices and args.slices < geo.n_slices:
            sl = torch.from_numpy(rng.choice(geo.n_slices, args.slices, replace=False)).to(dev)
        rgb, orow, ocol, ok = model.decode_slices(feat_or_maps, geo, sl)
        rows = orow.clamp(max=oh - 1)[:, :, None].expand_as(ok)
        cols = ocol.clamp(max=ow - 1)[:, None, :].expand_as(ok)
        tgt = target[:, :, rows, cols].permute(0, 2, 3, 4, 1)          # [n, S, P, Nw, 3]
        d = (rgb.float() - tgt).abs() * ok[None, :, :, :, None]
        return d.sum() / (ok.sum() * 3 * n)
    q = args.queries if args.queries and args.queries < oh * ow else oh * ow
    qi = torch.from_numpy(np.stack([rng.choice(oh * ow, q, replace=False) for _ in range(n)])).to(dev)
    rows, cols = qi // ow, qi % ow
    pred = model.query(feat_or_maps, rows, cols, oh, ow)                # [n, Q, 3]
    tgt = target.flatten(2).gather(2, qi[:, None, :].expand(-1, 3, -1)).permute(0, 2, 1)
    return (pred.float() - tgt).abs().mean()


def lr_at(step, args):
    warm = min(1.0, (step + 1) / args.warmup) if args.warmup > 0 else 1.0
    if args.schedule == "cosine":
        t = min(1.0, max(0.0, (step - args.warmup) / max(1, args.steps - args.warmup)))
        f = args.lr_min / args.lr + (1 - args.lr_min / args.lr) * 0.5 * (1 + math.cos(math.pi * t))
    elif args.schedule == "step":
        f = args.decay_factor ** (step // args.decay_every)
    else:
        f = 1.0
    return args.lr * warm * f


# ---------------------------------------------------------------------------------------------------
# checkpoints
# ---------------------------------------------------------------------------------------------------
def save_checkpoint(run, model, opt, state, moments_dtype):
    ck = os.path.join(run, "ckpt")
    new = ck + ".new"
    os.makedirs(new, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(new, "model.pt"))
    osd = opt.state_dict()
    if moments_dtype == "bf16":   # halves optim.pt (e.g. to fit a transfer limit); resume widens again
        # state_dict() shares each parameter's state dict with the live optimizer: convert copies only,
        # or the running optimizer would continue with bfloat16 moments (and PyTorch's CPU Adam fails).
        osd = dict(osd)
        osd["state"] = {i: {k: (v.to(torch.bfloat16) if k in ("exp_avg", "exp_avg_sq") else v)
                            for k, v in st.items()} for i, st in osd["state"].items()}
    torch.save(osd, os.path.join(new, "optim.pt"))
    torch.save(state, os.path.join(new, "state.pt"))
    old = ck + ".old"
    if os.path.isdir(ck):
        os.replace(ck, old)
    os.replace(new, ck)
    if os.path.isdir(old):
        for f in os.listdir(old):
            os.remove(os.path.join(old, f))
        os.rmdir(old)


def load_checkpoint(run, model, opt, device):
    ck = os.path.join(run, "ckpt")
    if not os.path.isfile(os.path.join(ck, "state.pt")):
        return None
    model.load_state_dict(torch_load(os.path.join(ck, "model.pt"), device))
    optim_file = os.path.join(ck, "optim.pt")
    if os.path.isfile(optim_file):
        osd = torch_load(optim_file, device)
        for st in osd["state"].values():
            for k in ("exp_avg", "exp_avg_sq"):
                if k in st:
                    st[k] = st[k].float()
        opt.load_state_dict(osd)
    else:
        # A committed checkpoint carries weights only: Adam's moments start afresh (a warm restart).
        print(f"no optim.pt in {ck}: resuming the weights with fresh Adam moments", flush=True)
    return torch_load(os.path.join(ck, "state.pt"), "cpu")


def continued_state(path, model, config):
    """The state of a new run that continues an exported model: its weights, and its training record as the
    history this run appends to (the record's sessions become this run's earlier sessions)."""
    exported, file_config, _ = dt.load_model_file(path)
    record = file_config.pop("training", {})
    if {k: v for k, v in file_config.items() if k != "name"} != {k: v for k, v in config.items() if k != "name"}:
        raise SystemExit("%s is not a %s model of this architecture" % (path, config["name"]))
    if not record.get("steps"):
        raise SystemExit("%s has no training record to continue" % path)
    model.load_state_dict(exported.state_dict())
    return {"step": record["steps"], "origin": record["steps"], "train_seconds": float(record.get("train_seconds", 0)),
            "samples": record.get("samples", 0), "config": config, "started": record.get("started"),
            "loss_ema": record.get("final_loss"), "continued_from": {"file": os.path.basename(path), **{
                k: record.get(k) for k in ("steps", "samples", "recipe", "date", "final_loss")}},
            "history": [dict(h) for h in record.get("sessions", [])]}


def torch_load(path, device):
    """Our own files: plain Python objects besides tensors (RNG states), so not weights_only."""
    try:
        return torch.load(path, map_location=device, weights_only=False)
    except TypeError:   # very old PyTorch without weights_only
        return torch.load(path, map_location=device)


def append_csv(path, header, row):
    new = not os.path.exists(path)
    with open(path, "a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(header)
        w.writerow(row)


# ---------------------------------------------------------------------------------------------------
def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", choices=["diif", "liif"], default="diif")
    ap.add_argument("--config", help="model config JSON; overrides --arch (default: EDSR-baseline-DIIF/LIIF)")
    ap.add_argument("--data", required=True, help="prepared data (prepare-data.sh OUT): OUT/train, OUT/val")
    ap.add_argument("--val-dir", action="append", help="validation photos (default DATA/val); repeatable")
    ap.add_argument("--run", required=True, help="run folder: checkpoints and logs (resumes when present)")
    ap.add_argument("--steps", type=int, default=200000, help="total steps of the schedule")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--scales-per-batch", type=int, default=4, help="groups of the batch, each its own scale")
    ap.add_argument("--patch", type=int, default=48, help="LR patch side")
    ap.add_argument("--scale-min", type=float, default=1.0)
    ap.add_argument("--scale-max", type=float, default=4.0)
    ap.add_argument("--slices", type=int, default=0,
                    help="DIIF: decode this many random slices per group (0 = the full grid)")
    ap.add_argument("--queries", type=int, default=2304, help="LIIF: query pixels per patch (0 = all)")
    ap.add_argument("--init", choices=["random", "interpolation"], default="random",
                    help="new runs only: PyTorch's random initialisation, or one that already interpolates "
                         "(see diif_torch.init_as_interpolation)")
    ap.add_argument("--init-from", metavar="MODEL.safetensors",
                    help="new runs only: start from an exported model of the same architecture and continue its "
                         "training record (steps, samples, time, sessions); --steps, --warmup and --bf16-until "
                         "then count from the model's step")
    ap.add_argument("--lr", type=float, default=4e-4, help="peak learning rate")
    ap.add_argument("--lr-min", type=float, default=1e-6)
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--schedule", choices=["cosine", "step", "constant"], default="cosine")
    ap.add_argument("--decay-every", type=int, default=50000, help="step schedule: steps between decays")
    ap.add_argument("--decay-factor", type=float, default=0.5)
    ap.add_argument("--clip-grad", type=float, default=0.0, help="max gradient norm (0 = off)")
    ap.add_argument("--bf16", action="store_true", help="bfloat16 autocast for the networks")
    ap.add_argument("--bf16-until", type=int, default=0,
                    help="with --bf16: autocast only before this step, float32 from there on (0 = always). The "
                         "models then finish training in the precision they are run in: bfloat16 rounds the "
                         "carried colour to about 1/128, which the weights learn to compensate, and float32 "
                         "inference then shows a colour offset of 1-2 levels in flat regions")
    ap.add_argument("--no-tf32", action="store_true", help="CUDA: full float32 matrix products (default TF32)")
    ap.add_argument("--weighting", choices=["area", "sqrt", "uniform"], default="area",
                    help="how photos are drawn: by area (every pixel alike), sqrt(area), or uniformly")
    ap.add_argument("--no-quantize-lr", action="store_true", help="keep LR patches in float (default: 8-bit)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0 = PyTorch's default)")
    ap.add_argument("--data-on-device", choices=["auto", "yes", "no"], default="auto",
                    help="keep the photo pool in GPU memory (auto: when CUDA)")
    ap.add_argument("--max-images", type=int, default=0, help="use only the first N photos (smoke tests)")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--val-every", type=int, default=2000)
    ap.add_argument("--val-scales", default="2,4,12")
    ap.add_argument("--val-crop", type=int, default=480, help="centre crop side of each validation photo")
    ap.add_argument("--val-max", type=int, default=16, help="at most this many validation photos")
    ap.add_argument("--final-val", action="store_true", help="validate when the session ends, too")
    ap.add_argument("--ckpt-every", type=int, default=1000)
    ap.add_argument("--ckpt-moments", choices=["fp32", "bf16"], default="fp32",
                    help="dtype of Adam's moments in optim.pt (bf16 halves it)")
    ap.add_argument("--max-minutes", type=float, default=0, help="stop (with a checkpoint) after this long")
    ap.add_argument("--export", help="after training, write the model file here (export.py)")
    ap.add_argument("--render-chunk", type=int, default=65536)
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    t_start = time.time()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = not args.no_tf32   # training only; the weights stay float32
        torch.backends.cudnn.allow_tf32 = not args.no_tf32
        torch.backends.cudnn.benchmark = True
    if device.type == "cpu":
        check_blas()
    os.makedirs(args.run, exist_ok=True)

    config = json.load(open(args.config)) if args.config else \
        json.loads(json.dumps(dt.DEFAULT_DIIF_CONFIG if args.arch == "diif" else dt.DEFAULT_LIIF_CONFIG))
    torch.manual_seed(args.seed)
    model = dt.build_model(config).to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999))
    state = load_checkpoint(args.run, model, opt, device)
    rng = np.random.default_rng(args.seed)
    if state is None and args.init_from:
        state = continued_state(args.init_from, model, config)
        print("new run in %s from %s at step %d" % (args.run, args.init_from, state["step"]))
    elif state is None:
        if args.init == "interpolation":
            dt.init_as_interpolation(model, tail_scale=0.01)
        state = {"step": 0, "train_seconds": 0.0, "samples": 0, "config": config, "args": vars(args),
                 "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                 "loss_ema": None, "history": []}
        print("new run in %s: %s, %d parameters" % (args.run, config["name"], dt.learnable_parameter_count(model)))
    else:
        rng.bit_generator.state = state["numpy_rng"]
        torch.set_rng_state(state["torch_rng"])
        if device.type == "cuda" and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(state["cuda_rng"].cpu() if hasattr(state["cuda_rng"], "cpu") else state["cuda_rng"])
        if state["config"] != config:
            raise SystemExit("the checkpoint in %s is of another architecture" % args.run)
        print("resuming %s at step %d" % (args.run, state["step"]))
    # A continued model's schedule (and the step it switches to float32) starts at the model's step.
    origin = state.get("origin", 0)
    state["args"] = vars(args)   # the latest session's arguments (every session's are in history)
    state["history"].append({"resumed_at": state["step"], "argv": sys.argv[1:], "device": str(device),
                             "torch": torch.__version__,
                             "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")})

    # data
    train_dir = os.path.join(args.data, "train") if os.path.isdir(os.path.join(args.data, "train")) else args.data
    files = list_images(train_dir)
    if args.max_images:
        files = files[:args.max_images]
    if not files:
        raise SystemExit("no training images under " + train_dir)
    threads = os.cpu_count() if device.type == "cuda" else max(1, torch.get_num_threads())
    t0 = time.time()
    images = load_images(files, threads)
    on_dev = args.data_on_device == "yes" or (args.data_on_device == "auto" and device.type == "cuda")
    if on_dev:
        images = [im.to(device) for im in images]
    pixels = sum(im.shape[1] * im.shape[2] for im in images)
    print("%d training photos, %.1f Mpixels, loaded in %.1f s%s" % (len(images), pixels / 1e6, time.time() - t0,
                                                                    " (on the GPU)" if on_dev else ""))
    data_info = {"data": os.path.basename(os.path.normpath(args.data)), "photos": len(images), "pixels": pixels}
    prep = os.path.join(args.data, "prepared.json")
    if os.path.isfile(prep):
        data_info["prepared"] = json.load(open(prep)).get("summary")
    state["data"] = data_info
    sampler = PatchSampler(images, args.patch, args.scale_min, args.scale_max, not args.no_quantize_lr,
                           args.weighting)
    val_dirs = args.val_dir or ([os.path.join(args.data, "val")] if os.path.isdir(os.path.join(args.data, "val")) else [])
    val_scales = [int(s) for s in args.val_scales.split(",") if s]
    vfiles = [f for d in val_dirs for f in list_images(d)][:args.val_max]
    vcrops = val_set(vfiles, args.val_crop, val_scales, threads) if vfiles and (args.val_every or args.final_val) else []
    if vcrops:
        print("validation: %d crops of %s from %s" % (len(vcrops), sorted({c.shape[-1] for c in vcrops}), val_dirs))

    stop = {"flag": False}

    def on_signal(signum, frame):
        print("signal %d: stopping after this step" % signum, flush=True)
        stop["flag"] = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    train_csv = os.path.join(args.run, "train.csv")
    val_csv = os.path.join(args.run, "val.csv")
    amp = dict(device_type=device.type, dtype=torch.bfloat16, enabled=args.bf16)
    ngroups = max(1, min(args.scales_per_batch, args.batch))
    sizes = [args.batch // ngroups + (g < args.batch % ngroups) for g in range(ngroups)]
    model.train()
    acc_loss, acc_n, t_log = torch.zeros((), device=device), 0, time.time()
    session_start = time.time()

    def run_validation():
        t = time.time()
        res = validate(model, vcrops, val_scales, device, args.render_chunk)
        line = []
        for s, (pm, pb, n) in res.items():
            append_csv(val_csv, ["step", "scale", "psnr_model", "psnr_bicubic", "gain", "images"],
                       [state["step"], s, "%.3f" % pm, "%.3f" % pb, "%.3f" % (pm - pb), n])
            line.append("x%d %.2f dB (bicubic %.2f, %+.2f)" % (s, pm, pb, pm - pb))
        state["last_val"] = {str(s): {"psnr": r[0], "bicubic": r[1]} for s, r in res.items()}
        print("step %d val: %s [%.1f s]" % (state["step"], "; ".join(line), time.time() - t), flush=True)

    if vcrops and state["step"] == 0 and not os.path.exists(val_csv):
        run_validation()
    end = origin + args.steps
    while state["step"] < end and not stop["flag"]:
        step = state["step"]
        lr_now = lr_at(step - origin, args)
        for g in opt.param_groups:
            g["lr"] = lr_now
        groups = [sampler.group(rng, n, device) for n in sizes]
        lr_all = torch.cat([g[0] for g in groups])
        amp["enabled"] = args.bf16 and not (args.bf16_until and step - origin >= args.bf16_until)
        with torch.autocast(**amp):
            feat = model.encode(lr_all)
            maps = model.corners(feat) if isinstance(model, dt.DiifNet) else model.first_layer_maps(feat)
            loss = 0
            k = 0
            for (lr_g, hr_g), n in zip(groups, sizes):
                loss = loss + group_loss(model, maps[k:k + n], args.patch, hr_g, args, rng)
                k += n
            loss = loss / len(groups)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip_grad > 0:
            torch.nn.utils.clip_grad_norm_(params, args.clip_grad)
        opt.step()
        acc_loss += loss.detach()      # no host sync per step; checked at every log
        acc_n += 1
        state["step"] = step + 1
        state["samples"] += args.batch
        out_of_time = args.max_minutes and (time.time() - t_start) > args.max_minutes * 60
        save_now = state["step"] % args.ckpt_every == 0 or out_of_time
        if state["step"] % args.log_every == 0 or state["step"] == end or save_now or stop["flag"]:
            mean = acc_loss.item() / acc_n   # synchronises
            if not math.isfinite(mean):
                raise SystemExit("loss is %s near step %d: lower --lr or use --clip-grad; the last checkpoint is "
                                 "untouched" % (mean, state["step"]))
            dtm = time.time() - t_log
            state["train_seconds"] += dtm
            d = 0.99 ** acc_n
            state["loss_ema"] = mean if state["loss_ema"] is None else d * state["loss_ema"] + (1 - d) * mean
            append_csv(train_csv, ["step", "lr", "loss", "loss_ema", "sec_per_step", "train_seconds"],
                       [state["step"], "%.3e" % lr_now, "%.5f" % mean, "%.5f" % state["loss_ema"],
                        "%.4f" % (dtm / acc_n), "%.0f" % state["train_seconds"]])
            print("step %d  lr %.2e  loss %.4f (ema %.4f)  %.3f s/step" % (
                state["step"], lr_now, mean, state["loss_ema"], dtm / acc_n), flush=True)
            acc_loss, acc_n, t_log = torch.zeros((), device=device), 0, time.time()
        if vcrops and args.val_every and state["step"] % args.val_every == 0:
            run_validation()
            t_log = time.time()
        if state["step"] % args.ckpt_every == 0 and not out_of_time:
            state_save(state, rng, device)
            save_checkpoint(args.run, model, opt, state, args.ckpt_moments)
        if out_of_time:
            print("time limit reached at step %d" % state["step"])
            break
    if vcrops and args.final_val and not (args.val_every and state["step"] % args.val_every == 0):
        run_validation()
    state_save(state, rng, device)
    save_checkpoint(args.run, model, opt, state, args.ckpt_moments)
    print("checkpoint at step %d in %s (%.0f s of training in all, this session %.0f s)" % (
        state["step"], os.path.join(args.run, "ckpt"), state["train_seconds"], time.time() - session_start))
    if args.export:
        import export
        export.export(args.run, args.export)


def check_blas():
    """Debian's python3-torch does its matrix products through the system libblas.so.3, which is the
    slow reference BLAS unless an optimised one is installed (the MLP layers then run ~15x slower)."""
    a = torch.rand(256, 256)
    a @ a
    t = time.time()
    for _ in range(4):
        a @ a
    gflops = 4 * 2 * 256 ** 3 / (time.time() - t) / 1e9
    if gflops < 8:
        print("warning: matrix products run at %.1f GFLOP/s per thread; PyTorch is using a slow BLAS. "
              "On Debian: apt-get install libopenblas0-pthread (or run with "
              "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread)" % (gflops / torch.get_num_threads()),
              file=sys.stderr)


def state_save(state, rng, device):
    state["numpy_rng"] = rng.bit_generator.state
    state["torch_rng"] = torch.get_rng_state()
    state["cuda_rng"] = torch.cuda.get_rng_state() if device.type == "cuda" else None
    state["saved"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


if __name__ == "__main__":
    main()
