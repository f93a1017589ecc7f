"""Reference values for QualityMetricsTest, computed independently with numpy (no skimage needed).

Run: /usr/bin/python3 metrics_reference.py
SSIM follows Wang et al. 2004 (ssim.m): 2-D Gaussian window 11x11, sigma 1.5, normalised; K1 0.01,
K2 0.03, L 255; mean over the 'valid' window positions. Luma: BT.601, 16 + 65.481 r + 128.553 g +
24.966 b for r, g, b in [0, 1], not rounded.
"""
import numpy as np

W, H = 24, 20


def images():
    c, y, x = np.mgrid[0:3, 0:H, 0:W]
    a = (7 * x + 5 * y + 40 * c + (x * y) % 23) % 256
    b = np.clip(a + (x * 7 + y * 13 + c * 5) % 21 - 10, 0, 255)
    return a.astype(np.float64), b.astype(np.float64)


def shaved(img, s):
    return img[..., s:img.shape[-2] - s, s:img.shape[-1] - s]


def psnr(mse):
    return 10 * np.log10(255.0 ** 2 / mse)


def luma(img):
    return 16 + (65.481 * img[0] + 128.553 * img[1] + 24.966 * img[2]) / 255


def ssim(x, y):
    d = np.arange(11) - 5
    g = np.exp(-(d[:, None] ** 2 + d[None, :] ** 2) / (2 * 1.5 ** 2))
    g /= g.sum()
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    values = []
    for r in range(x.shape[0] - 10):
        for c in range(x.shape[1] - 10):
            px, py = x[r:r + 11, c:c + 11], y[r:r + 11, c:c + 11]
            mx, my = (g * px).sum(), (g * py).sum()
            vx, vy = (g * (px - mx) ** 2).sum(), (g * (py - my) ** 2).sum()
            cov = (g * (px - mx) * (py - my)).sum()
            values.append((2 * mx * my + c1) * (2 * cov + c2) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2)))
    return np.mean(values)


a, b = images()
print(f"psnrRgb shave 3: {psnr(np.mean((shaved(a, 3) - shaved(b, 3)) ** 2)):.12f}")
print(f"psnrRgb shave 0: {psnr(np.mean((a - b) ** 2)):.12f}")
print(f"psnrY shave 2:   {psnr(np.mean((luma(shaved(a, 2)) - luma(shaved(b, 2))) ** 2)):.12f}")
print(f"ssimY shave 2:   {ssim(luma(shaved(a, 2)), luma(shaved(b, 2))):.12f}")
print(f"ssimY shave 0:   {ssim(luma(a), luma(b)):.12f}")
print(f"luma of (255, 0, 0), (0, 255, 0), (0, 0, 255), white, black: "
      f"{[16 + v for v in (65.481, 128.553, 24.966, 65.481 + 128.553 + 24.966, 0)]}")
