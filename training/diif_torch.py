"""EDSR-baseline-DIIF and EDSR-baseline-LIIF in PyTorch, computed exactly as ../shared/spec/algorithm.md
describes, with the state-dict names of the model format (model-format.md), plus a dependency-free
safetensors reader and writer.

The same decoder code serves inference (every slice, assembled into the oh x ow grid) and training
(any subset of the slices, with the target pixels gathered at the same places), so the function that is
trained is the function the Java backends compute; check_golden.py proves it against the reference vectors.

Works with PyTorch 1.13 (Debian bookworm's python3-torch) and 2.x, on CPU or CUDA.
"""
import functools
import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DEFAULT_DIIF_CONFIG = {
    "format": 1,
    "name": "edsr-baseline-diif",
    "encoder": {"type": "edsr-baseline", "n_resblocks": 16, "n_feats": 64, "res_scale": 1.0},
    "decoder": {"type": "diif", "coarse_hidden": [256, 256], "fine_hidden": [256, 256],
                "slicing": "row", "slice_ensemble": True, "ensemble_block": 4, "coarse_cell": True,
                "fine_cell": False, "max_scale": 4.0},
    "normalization": {"mean": 0.5, "std": 0.5},
}

DEFAULT_LIIF_CONFIG = {
    "format": 1,
    "name": "edsr-baseline-liif",
    "encoder": {"type": "edsr-baseline", "n_resblocks": 16, "n_feats": 64, "res_scale": 1.0},
    "decoder": {"type": "liif", "hidden": [256, 256, 256, 256], "local_ensemble": True,
                "feat_unfold": True, "cell_decode": True},
    "normalization": {"mean": 0.5, "std": 0.5},
}


# ---------------------------------------------------------------------------------------------------
# Encoder (algorithm §0)
# ---------------------------------------------------------------------------------------------------
class MeanShift(nn.Conv2d):
    """EDSR's frozen 1x1 mean shift. Present in the reference state dict, never used (§0)."""

    def __init__(self, sign, rgb_mean=(0.4488, 0.4371, 0.4040)):
        super().__init__(3, 3, kernel_size=1)
        with torch.no_grad():
            self.weight.copy_(torch.eye(3).view(3, 3, 1, 1))
            self.bias.copy_(sign * torch.tensor(rgb_mean))
        for p in self.parameters():
            p.requires_grad = False


class ResBlock(nn.Module):
    def __init__(self, n_feats, res_scale):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(n_feats, n_feats, 3, padding=1), nn.ReLU(True),
                                  nn.Conv2d(n_feats, n_feats, 3, padding=1))
        self.res_scale = res_scale

    def forward(self, x):
        res = self.body(x)
        if self.res_scale != 1:
            res = res * self.res_scale
        return res + x


class EdsrBaseline(nn.Module):
    """EDSR without upsampling: head, n_resblocks ResBlocks + conv, global skip (LIIF's edsr.py)."""

    def __init__(self, n_resblocks=16, n_feats=64, res_scale=1.0):
        super().__init__()
        self.sub_mean = MeanShift(-1)
        self.add_mean = MeanShift(+1)
        self.head = nn.Sequential(nn.Conv2d(3, n_feats, 3, padding=1))
        self.body = nn.Sequential(*[ResBlock(n_feats, res_scale) for _ in range(n_resblocks)],
                                  nn.Conv2d(n_feats, n_feats, 3, padding=1))
        self.out_dim = n_feats

    def forward(self, x):
        x = self.head(x)
        return self.body(x) + x


def mlp(in_dim, hidden, out_dim):
    """nn.Sequential numbering Linear layers 0, 2, 4, ... with ReLUs between (the reference's MLP).
    out_dim None: the stack ends in a ReLU (DIIF's coarse stage)."""
    layers = []
    for h in hidden:
        layers += [nn.Linear(in_dim, h), nn.ReLU(True)]
        in_dim = h
    if out_dim is not None:
        layers.append(nn.Linear(in_dim, out_dim))
    return nn.Sequential(*layers)


# ---------------------------------------------------------------------------------------------------
# DIIF geometry (algorithm §1-§4), per axis
# ---------------------------------------------------------------------------------------------------
class AxisGeometry:
    """Grouping of oh output rows onto H latent rows, padded to N positions per group.

    start[i], n[i]: the group's first output row and its length; N = max n; cell = 2H/oh;
    s[i] = H*((2*start_i + 1)/oh - (2i+1)/H): relative coordinate of the group's first row;
    pos[i, k] = s[i] + k*cell for k < N (padded positions keep the progression);
    cc: the coarse cell input (cell, or 2/max_scale when oh > max_scale*H).
    Computed in float64 and rounded once to float32.
    """

    def __init__(self, H, oh, max_scale):
        start = [0] * H
        for i in range(1, H):
            a = 2 * i * oh - H
            start[i] = -((-a) // (2 * H))  # ceil(a / 2H)
        end = start[1:] + [oh]
        n = [e - s for s, e in zip(start, end)]
        assert min(n) >= 0 and sum(n) == oh
        self.H, self.oh = H, oh
        self.start = np.array(start, dtype=np.int64)
        self.n = np.array(n, dtype=np.int64)
        self.N = max(n)
        cell = 2.0 * H / oh
        self.cell = cell
        self.cc = 2.0 / max_scale if (max_scale is not None and oh > max_scale * H) else cell
        i = np.arange(H, dtype=np.float64)
        s = H * ((2 * self.start + 1) / oh - (2 * i + 1) / H)
        self.s = s
        k = np.arange(self.N, dtype=np.float64)
        self.pos = (s[:, None] + k[None, :] * cell)  # [H, N] float64


class DiifGeometry:
    """Everything about decoding an H x W feature map onto an oh x ow grid that does not depend on the
    image content: slices, their descriptors, the query coordinates and where each result goes."""

    def __init__(self, H, W, oh, ow, slicing, max_scale, device):
        gh = AxisGeometry(H, oh, max_scale)
        gw = AxisGeometry(W, ow, max_scale)
        self.H, self.W, self.oh, self.ow = H, W, oh, ow
        self.gh, self.gw = gh, gw
        f32 = dict(dtype=torch.float32, device=device)
        i64 = dict(dtype=torch.int64, device=device)
        Nh, Nw = gh.N, gw.N
        # rows: slices per latent R and rows per slice P (row slicing: R = Nh, P = 1; group: R = 1, P = Nh)
        if slicing == "row":
            R, P = Nh, 1
            top = gh.pos                       # [H, Nh]
            bottom = gh.pos
            rowq = gh.pos[:, :, None]          # [H, R, P]
            rowk = np.arange(Nh)[None, :, None].repeat(H, 0)
        elif slicing == "group":
            R, P = 1, Nh
            top = gh.s[:, None]
            bottom = (gh.s + (Nh - 1) * gh.cell)[:, None]
            rowq = gh.pos[:, None, :]
            rowk = np.arange(Nh)[None, None, :].repeat(H, 0)
        else:
            raise ValueError("slicing must be row or group, not " + str(slicing))
        self.R, self.P, self.Nw = R, P, Nw
        left = gw.s
        right = gw.s + (Nw - 1) * gw.cell      # the PADDED N_w (§4)
        self.cc = torch.tensor([gh.cc, gw.cc], **f32)
        self.top = torch.tensor(top, **f32)          # [H, R]
        self.bottom = torch.tensor(bottom, **f32)    # [H, R]
        self.left = torch.tensor(left, **f32)        # [W]
        self.right = torch.tensor(right, **f32)      # [W]
        self.rowq = torch.tensor(rowq, **f32)        # [H, R, P]
        self.colq = torch.tensor(gw.pos, **f32)      # [W, Nw]
        # output row / column of each position, and whether it is real (not padding)
        rowk = torch.tensor(rowk, **i64)             # [H, R, P]: k within the group
        self.out_row = torch.tensor(gh.start, **i64)[:, None, None] + rowk
        self.row_ok = rowk < torch.tensor(gh.n, **i64)[:, None, None]
        t = torch.arange(Nw, **i64)[None, :]
        self.out_col = torch.tensor(gw.start, **i64)[:, None] + t     # [W, Nw]
        self.col_ok = t < torch.tensor(gw.n, **i64)[:, None]
        self.n_slices = H * R * W

    def slice_index(self, flat):
        """Flat slice numbers (in [0, H*R*W)) -> (i, r, j)."""
        j = flat % self.W
        ir = flat // self.W
        return ir // self.R, ir % self.R, j


@functools.lru_cache(maxsize=256)
def diif_geometry(H, W, oh, ow, slicing, max_scale, device):
    return DiifGeometry(H, W, oh, ow, slicing, max_scale, torch.device(device))


# ---------------------------------------------------------------------------------------------------
# DIIF decoder (algorithm §5-§8)
# ---------------------------------------------------------------------------------------------------
class DiifImnet(nn.Module):
    """The C2F-MLP: `layers` (coarse, ends in ReLU) and `tail` (fine, ends in RGB)."""

    def __init__(self, n_feats, coarse_hidden, fine_hidden, block):
        super().__init__()
        self.layers = mlp(block * block * n_feats + 6, coarse_hidden, None)
        self.tail = mlp(coarse_hidden[-1] + 2, fine_hidden, 3)


VERTICES = ((-1, -1), (-1, 1), (1, -1), (1, 1))


class DiifNet(nn.Module):
    def __init__(self, config):
        super().__init__()
        enc, dec = config["encoder"], config["decoder"]
        assert enc["type"] == "edsr-baseline" and dec["type"] == "diif"
        assert dec.get("slice_ensemble", True) and dec.get("coarse_cell", True) and not dec.get("fine_cell", False)
        self.config = config
        self.encoder = EdsrBaseline(enc["n_resblocks"], enc["n_feats"], enc.get("res_scale", 1.0))
        self.block = int(dec.get("ensemble_block", 2))
        assert self.block in (2, 4)
        self.slicing = dec.get("slicing", "row")
        self.max_scale = dec.get("max_scale", 4.0)
        self.imnet = DiifImnet(enc["n_feats"], dec["coarse_hidden"], dec["fine_hidden"], self.block)
        norm = config.get("normalization", {"mean": 0.5, "std": 0.5})
        self.norm_mean, self.norm_std = norm["mean"], norm["std"]

    # -- encoder ------------------------------------------------------------------------------------
    def encode(self, rgb01):
        return self.encoder((rgb01 - self.norm_mean) / self.norm_std)

    def corners(self, feat):
        """The block part of the first coarse layer at every vertex: a BxB convolution of the feature map
        (zero padded) evaluated at the (H+1) x (W+1) cell corners. Corner (a, b) sits between latent rows
        a-1, a and columns b-1, b; its block is rows a-B/2 ... a+B/2-1 (§6), flattened channel-major like
        the weight's c*B^2 + dy*B + dx. Returns [n, C, H+1, W+1] without bias."""
        w = self.imnet.layers[0].weight
        B = self.block
        Fd = feat.shape[1]
        wb = w[:, :B * B * Fd].reshape(w.shape[0], Fd, B, B)
        return F.conv2d(feat, wb, None, padding=B // 2)

    # -- decoder ------------------------------------------------------------------------------------
    def decode_slices(self, corners, geo, slices=None):
        """Decodes slices of one geometry for a batch of feature maps.

        corners: [n, C, H+1, W+1] from corners(); slices: LongTensor of flat slice numbers (None = all).
        Returns rgb [n, S, P, Nw, 3] (normalised space), out_row [S, P], out_col [S, Nw], ok [S, P, Nw].
        """
        n, C = corners.shape[0], corners.shape[1]
        dev = corners.device
        dense = slices is None
        if dense:
            slices = torch.arange(geo.n_slices, device=dev)
        i, r, j = geo.slice_index(slices)
        w1 = self.imnet.layers[0].weight
        b1 = self.imnet.layers[0].bias
        wd = w1[:, w1.shape[1] - 6:]   # [C, 6]: cc_h, cc_w, top, left, bottom, right (float32 also under autocast)
        top, bottom = geo.top[i, r], geo.bottom[i, r]          # [S]
        left, right = geo.left[j], geo.right[j]                # [S]
        const = geo.cc[0] * wd[:, 0] + geo.cc[1] * wd[:, 1] + b1                    # [C]
        ct = corners.permute(0, 2, 3, 1)                       # [n, H+1, W+1, C]
        H, W, R = geo.H, geo.W, geo.R
        pre = []
        for vh, vw in VERTICES:
            a, b = (vh + 1) // 2, (vw + 1) // 2
            if dense:   # every slice, in flat order (i, r, j): broadcast instead of gathering
                rowterm = (geo.top - vh)[..., None] * wd[:, 2] + (geo.bottom - vh)[..., None] * wd[:, 4]
                colterm = (geo.left - vw)[:, None] * wd[:, 3] + (geo.right - vw)[:, None] * wd[:, 5]
                p = ct[:, a:a + H, None, b:b + W] + (rowterm[:, :, None] + (colterm + const))  # [n,H,R,W,C]
                pre.append(p.reshape(n, H * R * W, C))
            else:
                rowterm = (top - vh)[:, None] * wd[:, 2] + (bottom - vh)[:, None] * wd[:, 4]   # [S, C]
                colterm = (left - vw)[:, None] * wd[:, 3] + (right - vw)[:, None] * wd[:, 5]
                pre.append(ct[:, i + a, j + b] + (rowterm + colterm + const))                 # [n, S, C]
        h = torch.relu(torch.stack(pre, 2))                    # [n, S, 4, C]
        for layer in list(self.imnet.layers)[2::2]:
            h = torch.relu(layer(h))
        v = h                                                  # [n, S, 4, Hc]

        # fine stage (§7): q relative to the latent centre
        qh = geo.rowq[i, r]                                    # [S, P]
        qw = geo.colq[j]                                       # [S, Nw]
        P, Nw = qh.shape[1], qw.shape[1]
        areas = [torch.abs((qh[:, :, None] - vh) * (qw[:, None, :] - vw)) + 1e-9 for vh, vw in VERTICES]
        tot = areas[0] + areas[1] + areas[2] + areas[3]
        wts = torch.stack([areas[3 - m] / tot for m in range(4)], -1)   # diagonal swap, [S, P, Nw, 4]
        wts = wts.to(v.dtype)
        t0 = self.imnet.tail[0]
        hc = v.shape[-1]
        w_mix, w_q = t0.weight[:, :hc], t0.weight[:, hc:]
        qterm = qh[:, :, None, None] * w_q[:, 0] + qw[:, None, :, None] * w_q[:, 1]      # [S, P, Nw, Hf]
        if P * Nw > 4:   # cheaper: project the 4 vertex vectors, then mix (the same linear map)
            u = F.linear(v, w_mix.to(v.dtype))                                           # [n, S, 4, Hf]
            x = torch.einsum("spwm,nsmf->nspwf", wts, u)
        else:
            mix = torch.einsum("spwm,nsmc->nspwc", wts, v)
            x = F.linear(mix, w_mix.to(mix.dtype))
        x = x + (qterm + t0.bias)      # coordinate terms in float32, also under bf16 autocast
        for layer in list(self.imnet.tail)[1:]:
            x = layer(x)
        rgb = x                                                # [n, S, P, Nw, 3]
        out_row = geo.out_row[i, r]                            # [S, P]
        out_col = geo.out_col[j]                               # [S, Nw]
        ok = geo.row_ok[i, r][:, :, None] & geo.col_ok[j][:, None, :]
        return rgb, out_row, out_col, ok

    def render(self, rgb01, oh, ow, max_slices=65536):
        """Raw model output [n, 3, oh, ow] (normalised space, before y*std+mean and clamping)."""
        feat = self.encode(rgb01)
        corners = self.corners(feat)
        n, _, H, W = feat.shape
        geo = diif_geometry(H, W, oh, ow, self.slicing, self.max_scale, str(feat.device))
        out = torch.zeros(n, oh * ow, 3, device=feat.device, dtype=torch.float32)
        for s0 in range(0, geo.n_slices, max_slices):
            sl = None if geo.n_slices <= max_slices else \
                torch.arange(s0, min(s0 + max_slices, geo.n_slices), device=feat.device)
            rgb, orow, ocol, ok = self.decode_slices(corners, geo, sl)
            flat = (orow[:, :, None] * ow + ocol[:, None, :])[ok]        # [M]
            out[:, flat] = rgb[:, ok].float()
        return out.view(n, oh, ow, 3).permute(0, 3, 1, 2)


# ---------------------------------------------------------------------------------------------------
# LIIF (algorithm §11)
# ---------------------------------------------------------------------------------------------------
def make_coord_1d(n, device):
    """LIIF's make_coord for one axis, in float32 exactly as the official code: fl(-1 + 1/n) + fl(2/n)*k."""
    r = 1.0 / n  # (v1 - v0) / (2n)
    k = torch.arange(n, device=device).float()
    return (-1.0 + r) + (2 * r) * k


class LiifImnet(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.layers = mlp(in_dim, hidden, 3)


class LiifNet(nn.Module):
    def __init__(self, config):
        super().__init__()
        enc, dec = config["encoder"], config["decoder"]
        assert enc["type"] == "edsr-baseline" and dec["type"] == "liif"
        self.config = config
        self.encoder = EdsrBaseline(enc["n_resblocks"], enc["n_feats"], enc.get("res_scale", 1.0))
        self.imnet = LiifImnet(9 * enc["n_feats"] + 4, dec["hidden"])
        norm = config.get("normalization", {"mean": 0.5, "std": 0.5})
        self.norm_mean, self.norm_std = norm["mean"], norm["std"]

    def encode(self, rgb01):
        return self.encoder((rgb01 - self.norm_mean) / self.norm_std)

    def first_layer_maps(self, feat):
        """The feat9 part of the first layer at every latent: a 3x3 convolution (same linear map as
        unfold + matmul, channel-major c*9 + dy*3 + dx). [n, h, H, W] without bias."""
        w = self.imnet.layers[0].weight
        Fd = feat.shape[1]
        return F.conv2d(feat, w[:, :9 * Fd].reshape(w.shape[0], Fd, 3, 3), None, padding=1)

    def query(self, z, qrow, qcol, oh, ow):
        """z: [n, h, H, W] from first_layer_maps. Queries at output pixels (qrow, qcol) [n, Q] (int64)
        of an oh x ow grid. Returns rgb [n, Q, 3] (normalised space)."""
        n, hdim, H, W = z.shape
        dev = z.device
        ch = make_coord_1d(oh, dev)[qrow]   # [n, Q] float32
        cw = make_coord_1d(ow, dev)[qcol]
        lat_h, lat_w = make_coord_1d(H, dev), make_coord_1d(W, dev)
        cell_h = torch.full((), 2 / oh, dtype=torch.float32, device=dev) * H   # rel_cell = fl(fl(2/oh)*H)
        cell_w = torch.full((), 2 / ow, dtype=torch.float32, device=dev) * W
        w0, b0 = self.imnet.layers[0].weight, self.imnet.layers[0].bias
        wq = w0[:, w0.shape[1] - 4:]                       # rel_h, rel_w, cell_h, cell_w
        zt = z.permute(0, 2, 3, 1).reshape(n, H * W, hdim)
        preds, areas = [], []
        lo, hi = -1 + 1e-6, 1 - 1e-6
        for vx, vy in VERTICES:
            sh = torch.tensor(vx / H + 1e-6, dtype=torch.float32, device=dev)
            sw = torch.tensor(vy / W + 1e-6, dtype=torch.float32, device=dev)
            xh = (ch + sh).clamp(lo, hi)
            xw = (cw + sw).clamp(lo, hi)
            # grid_sample(mode='nearest', align_corners=False): nearbyint(((x + 1) * size - 1) / 2)
            ih = torch.round(((xh + 1) * H - 1) / 2).long().clamp(0, H - 1)
            iw = torch.round(((xw + 1) * W - 1) / 2).long().clamp(0, W - 1)
            rel_h = (ch - lat_h[ih]) * H
            rel_w = (cw - lat_w[iw]) * W
            idx = (ih * W + iw)                               # [n, Q]
            first = torch.gather(zt, 1, idx[:, :, None].expand(-1, -1, hdim))
            x = first + (rel_h[..., None] * wq[:, 0] + rel_w[..., None] * wq[:, 1]
                         + cell_h * wq[:, 2] + cell_w * wq[:, 3] + b0)
            for layer in list(self.imnet.layers)[1:]:
                x = layer(x)
            preds.append(x)
            areas.append(torch.abs(rel_h * rel_w) + 1e-9)
        tot = areas[0] + areas[1] + areas[2] + areas[3]
        areas = [areas[3], areas[2], areas[1], areas[0]]
        ret = 0
        for p, a in zip(preds, areas):
            ret = ret + p.float() * (a / tot).unsqueeze(-1)
        return ret

    def render(self, rgb01, oh, ow, max_queries=65536):
        feat = self.encode(rgb01)
        z = self.first_layer_maps(feat)
        n = feat.shape[0]
        dev = feat.device
        out = torch.zeros(n, oh * ow, 3, device=dev)
        for q0 in range(0, oh * ow, max_queries):
            q = torch.arange(q0, min(q0 + max_queries, oh * ow), device=dev)
            qrow = (q // ow)[None].expand(n, -1)
            qcol = (q % ow)[None].expand(n, -1)
            out[:, q0:q0 + len(q)] = self.query(z, qrow, qcol, oh, ow).float()
        return out.view(n, oh, ow, 3).permute(0, 3, 1, 2)


def build_model(config):
    t = config["decoder"]["type"]
    if t == "diif":
        return DiifNet(config)
    if t == "liif":
        return LiifNet(config)
    raise ValueError("decoder type %r is not supported here (diif, liif)" % t)


def learnable_parameter_count(model):
    return sum(p.numel() for n, p in model.named_parameters() if p.requires_grad)


# ---------------------------------------------------------------------------------------------------
# safetensors, standard library + numpy (the `safetensors` package is not needed)
# ---------------------------------------------------------------------------------------------------
_DT = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """Returns (tensors: name -> float32 torch tensor, metadata: dict of str)."""
    with open(path, "rb") as f:
        data = f.read()
    (hlen,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + hlen].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + hlen
    out = {}
    for name, e in header.items():
        b, en = e["data_offsets"]
        raw = data[base + b:base + en]
        if e["dtype"] == "BF16":
            u = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = u.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=np.dtype(_DT[e["dtype"]]).newbyteorder("<")).astype(np.float32)
        out[name] = torch.from_numpy(arr.reshape(e["shape"]).copy())
    return out, meta


def write_safetensors(path, tensors, metadata, dtype="F32"):
    """tensors: ordered name -> tensor; metadata: dict of str -> str. Writes the standard layout: u64 LE
    header length, JSON header padded with spaces to 8 bytes, tensor data back to back (no gaps)."""
    header = {}
    blobs = []
    off = 0
    for name, t in tensors.items():
        a = t.detach().cpu().float().contiguous().numpy()
        if dtype == "F32":
            raw = a.astype("<f4").tobytes()
        elif dtype == "F16":
            raw = a.astype("<f2").tobytes()
        elif dtype == "BF16":   # round to nearest even
            u = a.astype("<f4").view(np.uint32).astype(np.uint64)
            u = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2")
            raw = u.tobytes()
        else:
            raise ValueError(dtype)
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = dict(__metadata__=dict(metadata))
    h.update(header)
    hb = json.dumps(h, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hb += b" " * ((-len(hb)) % 8)
    tmp = str(path) + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    import os
    os.replace(tmp, path)


def load_model_file(path, device="cpu"):
    """Builds the module a model file declares and loads its tensors (strict: every tensor of the
    architecture must be there; EDSR's mean shifts may be absent)."""
    tensors, meta = read_safetensors(path)
    config = json.loads(meta["diif"])
    model = build_model(config)
    sd = model.state_dict()
    missing = [k for k in sd if k not in tensors and not k.startswith(("encoder.sub_mean", "encoder.add_mean"))]
    unknown = [k for k in tensors if k not in sd]
    if missing or unknown:
        raise ValueError("%s: missing tensors %s, unknown tensors %s" % (path, missing, unknown))
    for k, v in tensors.items():
        if tuple(v.shape) != tuple(sd[k].shape):
            raise ValueError("%s: %s has shape %s, expected %s" % (path, k, list(v.shape), list(sd[k].shape)))
    model.load_state_dict({**sd, **tensors})
    return model.to(device).eval(), config, meta


def psnr(a, b, shave=0):
    """PSNR of two [n, 3, H, W] tensors in [0, 1], a border of `shave` pixels removed."""
    if shave:
        a = a[..., shave:-shave, shave:-shave]
        b = b[..., shave:-shave, shave:-shave]
    mse = ((a.double() - b.double()) ** 2).mean().item()
    return float("inf") if mse == 0 else -10 * math.log10(mse)


# ---------------------------------------------------------------------------------------------------
# Interpolating initialisation
# ---------------------------------------------------------------------------------------------------
@torch.no_grad()
def init_as_interpolation(model, tail_scale=0.1):
    """Sets a freshly initialised DiifNet or LiifNet so that it already computes a smooth interpolation of
    its input.

    Why: models of this family spend their first thousands of steps learning to reproduce the input
    before they can beat interpolation; on a CPU budget that phase is most of the training. Three
    channels of every stage carry the picture through linearly, the other channels keep their random
    initialisation and learn the rest:
      encoder: feature channels 0-2 are the normalised RGB (head identity, body output zero there);
      DIIF: coarse units 0-2 are the bicubic (Keys a = -0.5) estimate of the colour at the vertex from
        the 4x4 block around it, plus 2 (so the ReLUs pass it unchanged: the estimate is > -1.57); fine
        units 0-2 carry the slice-ensemble mix of those, i.e. the bilinear interpolation of the four
        vertex estimates;
      LIIF: units 0-2 of every layer carry the latent's own colour plus 2 (the centre of its 3x3
        unfold), so the local ensemble is the bilinear interpolation of the pixels;
      the output layer subtracts the 2 again.
    The output layer reads the random channels through weights scaled by tail_scale, so those start
    small but receive gradients from the first step.
    """
    enc = model.encoder
    head = enc.head[0]
    head.weight[:3].zero_()
    head.bias[:3].zero_()
    for c in range(3):
        head.weight[c, c, 1, 1] = 1.0
    last = enc.body[-1]
    last.weight[:3].zero_()
    last.bias[:3].zero_()
    if isinstance(model, DiifNet):
        assert model.block == 4, "interpolating init: DIIF with 4x4 blocks only"
        B = model.block
        k = torch.tensor([-1.0, 9.0, 9.0, -1.0]) / 16     # Keys a = -0.5 at the midpoint of 4 samples
        taps = (k[:, None] * k[None, :]).reshape(-1)
        first, hidden = model.imnet.layers[0], list(model.imnet.layers)[2::2]
        tail = list(model.imnet.tail)
        hidden += tail[0:-1:2]
        out = tail[-1]
    else:
        B = 3
        taps = torch.zeros(9)
        taps[4] = 1.0                                     # the centre of the 3x3 unfold
        layers = list(model.imnet.layers)
        first, hidden, out = layers[0], layers[2:-1:2], layers[-1]
    first.weight[:3].zero_()
    for c in range(3):
        first.weight[c, c * B * B:(c + 1) * B * B] = taps.to(first.weight.dtype)
    first.bias[:3] = 2.0
    for layer in hidden:
        _pass_through(layer)
    out.weight.mul_(tail_scale)
    out.weight[:, :3].zero_()
    for c in range(3):
        out.weight[c, c] = 1.0
    out.bias.fill_(-2.0)


def _pass_through(linear):
    """Units 0-2 of a Linear copy inputs 0-2."""
    linear.weight[:3].zero_()
    linear.bias[:3].zero_()
    for c in range(3):
        linear.weight[c, c] = 1.0
