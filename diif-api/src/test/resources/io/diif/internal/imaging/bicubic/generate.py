"""Reference outputs for AntialiasedBicubicResizeTest.

Run with Debian's PyTorch (torch 1.13, numpy, Pillow): /usr/bin/python3 generate.py
Writes plane-WxH.npy inputs (float32 [2, H, W], values also outside [0, 1]) and
plane-WxH-to-OWxOH.npy outputs of torch's F.interpolate(mode="bicubic", align_corners=False,
antialias=True), after checking each against Pillow's Image.resize(BICUBIC) on mode "F" images.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {
    (7, 5): [(3, 2), (21, 15), (7, 5)],         # down by 2.33 x 2.5, up x3, identity
    (13, 11): [(5, 4), (6, 5), (39, 33), (20, 6)],  # down 2.6 x 2.75 and 2.17 x 2.2, up x3, up x / down y
    (12, 12): [(4, 4), (6, 3)],                 # down by integers: 3, and 2 x 4
}


def plane(w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    smooth = 0.5 + 0.6 * np.sin(0.9 * x + 0.4 * y) * np.cos(0.3 * x - 0.7 * y)
    edge = np.where(x + 2 * y > w, 0.35, -0.2)
    return np.stack([smooth, smooth[::-1, ::-1] + edge]).astype(np.float32)


def save(name, array):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(array, dtype="<f4"))


for (w, h), outputs in CASES.items():
    source = plane(w, h)
    save(f"plane-{w}x{h}.npy", source)
    for ow, oh in outputs:
        out = F.interpolate(torch.from_numpy(source)[None], size=(oh, ow), mode="bicubic",
                            align_corners=False, antialias=True)[0].numpy()
        for c in range(source.shape[0]):
            pil = np.asarray(Image.fromarray(source[c], mode="F").resize((ow, oh), Image.BICUBIC))
            assert np.abs(pil - out[c]).max() < 1e-5, (w, h, ow, oh, c, np.abs(pil - out[c]).max())
        save(f"plane-{w}x{h}-to-{ow}x{oh}.npy", out)
        print(f"{w}x{h} -> {ow}x{oh}: range {out.min():.4f} .. {out.max():.4f}")
