#!/usr/bin/env python3
"""Writes a training checkpoint as a model file (../shared/spec/model-format.md).

Usage: python3 export.py CHECKPOINT OUT.safetensors [--name NAME] [--dtype F32|F16|BF16]

CHECKPOINT is a run folder of train.py (or its ckpt/ folder). The file holds the state dict under the
reference PyTorch names (EDSR's unused mean shifts included, as in the reference), and in
__metadata__["diif"] the model config with a "training" object: data, steps, samples, recipe, date,
final loss and the last validation PSNRs. The file is read back and checked before the command succeeds.
Needs only PyTorch and NumPy (no `safetensors` package).
"""
import argparse
import datetime
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import diif_torch as dt  # noqa: E402
from train import torch_load  # noqa: E402


def provenance(state):
    a = state.get("args", {})
    hist = state.get("history", [])
    loss = state.get("loss_ema")
    t = {
        "trainer": "diif-java training/train.py (PyTorch)",
        "data": state.get("data"),
        "steps": state["step"],
        "samples": state.get("samples"),
        "recipe": {
            "batch": a.get("batch"), "scales_per_batch": a.get("scales_per_batch"), "lr_patch": a.get("patch"),
            "scale_range": [a.get("scale_min"), a.get("scale_max")],
            "downsampling": "bicubic, antialiased (a=-0.5), LR quantised to 8 bits"
                            + (" (not quantised)" if a.get("no_quantize_lr") else ""),
            "augmentation": "horizontal/vertical flips, transpose (all 8 flips and 90-degree rotations)",
            "loss": "L1 (normalised space)", "init": a.get("init", "random"),
            "optimizer": "Adam(0.9, 0.999)", "lr_peak": a.get("lr"), "warmup": a.get("warmup"),
            "schedule": a.get("schedule"), "schedule_steps": a.get("steps"),
            "slices_per_group": a.get("slices"), "liif_queries": a.get("queries"), "bf16": a.get("bf16"),
            "bf16_until": a.get("bf16_until"),
            "seed": a.get("seed"),
        },
        "final_loss": None if loss is None else round(float(loss), 6),
        "final_loss_note": "exponential moving average (0.99) of the training L1 in normalised space "
                           "((rgb - 0.5) / 0.5); half of it is the L1 on [0, 1]",
        "train_seconds": round(float(state.get("train_seconds", 0.0))),
        "devices": sorted({h.get("device", "?") for h in hist}),
        "torch": sorted({h.get("torch", "?") for h in hist}),
        "started": state.get("started"),
        "sessions": [{k: h.get(k) for k in ("resumed_at", "when", "device", "torch", "argv")} for h in hist],
        "checkpoint_saved": state.get("saved"),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    if state.get("continued_from"):
        t["continued_from"] = state["continued_from"]   # the earlier schedule's recipe; "recipe" is the latest
    if state.get("last_val"):
        t["validation_psnr_rgb_shave_scale_plus_6"] = state["last_val"]
    return t


def export(checkpoint, out, name=None, dtype="F32"):
    ck = checkpoint if os.path.isfile(os.path.join(checkpoint, "state.pt")) else os.path.join(checkpoint, "ckpt")
    state = torch_load(os.path.join(ck, "state.pt"), "cpu")
    sd = torch_load(os.path.join(ck, "model.pt"), "cpu")
    config = json.loads(json.dumps(state["config"]))
    if name:
        config["name"] = name
    config["training"] = provenance(state)
    model = dt.build_model(config)
    model.load_state_dict(sd)
    meta = {"diif": json.dumps(config, separators=(", ", ": "))}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    dt.write_safetensors(out, model.state_dict(), meta, dtype)

    # read back: same tensors (at the stored precision), same config, same outputs
    back, config2 = dt.load_model_file(out)[0:2]
    assert config2 == config
    for k, v in model.state_dict().items():
        w = back.state_dict()[k]
        if dtype == "F32":
            assert torch.equal(w, v), k
        else:
            assert torch.allclose(w, v, rtol=1e-2, atol=1e-3), k
    x = torch.rand(1, 3, 12, 10, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        err = (back.render(x, 30, 25) - model.eval().render(x, 30, 25)).abs().max().item()
    if dtype == "F32":
        assert err == 0, err
    n = dt.learnable_parameter_count(model)
    print("wrote %s: %s, %d parameters, %s, step %d, final loss %s (%d bytes)" % (
        out, config["name"], n, dtype, state["step"], config["training"]["final_loss"], os.path.getsize(out)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--name")
    ap.add_argument("--dtype", choices=["F32", "F16", "BF16"], default="F32")
    args = ap.parse_args()
    export(args.checkpoint, args.out, args.name, args.dtype)


if __name__ == "__main__":
    main()
