#!/usr/bin/python3
"""Reference PSNR and SSIM values from scikit-image for the engine's image metrics.

Writes Data/metrics/image_metrics.json: seeded random image pairs ([B, C, H, W], values rounded to 4 decimals so the
JSON text is exact) and, per image, scikit-image's
    peak_signal_noise_ratio(target, predicted, data_range=L)
    structural_similarity(predicted, target, data_range=L, gaussian_weights=True, sigma=1.5,
                          use_sample_covariance=False, channel_axis=0)
the settings of Wang et al. 2004 (11x11 Gaussian window, K1 = 0.01, K2 = 0.03).

Run with Debian's python3 and scikit-image (apt-get install -y python3-skimage; the `python3` on PATH lacks it):
    /usr/bin/python3 make_image_metrics.py [output folder]
"""
import json
import os
import sys

import numpy as np
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def make_case(rng, name, shape, low, high, noise):
    """A smooth-ish target (uniform noise plus a ramp) and a noisy, clipped prediction, both in [low, high]."""
    b, c, h, w = shape
    ramp = np.linspace(0, 1, w)[None, None, None, :] * np.linspace(0, 1, h)[None, None, :, None]
    target = np.clip(low + (high - low) * (0.5 * rng.random(shape) + 0.5 * ramp), low, high).round(4)
    predicted = np.clip(target + noise * (high - low) * rng.standard_normal(shape), low, high).round(4)
    data_range = high - low
    psnr = [float(peak_signal_noise_ratio(target[i], predicted[i], data_range=data_range)) for i in range(b)]
    ssim = [float(structural_similarity(predicted[i], target[i], data_range=data_range, gaussian_weights=True,
                                        sigma=1.5, use_sample_covariance=False, channel_axis=0)) for i in range(b)]
    return {
        "name": name,
        "shape": list(shape),
        "data_range": data_range,
        "predicted": predicted.ravel().tolist(),
        "target": target.ravel().tolist(),
        "psnr": psnr,
        "ssim": ssim,
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "Data", "metrics")
    rng = np.random.default_rng(20040413)
    cases = [
        make_case(rng, "gray_24x24_unit_range", (2, 1, 24, 24), 0.0, 1.0, 0.1),
        make_case(rng, "rgb_16x20_signed_range", (2, 3, 16, 20), -1.0, 1.0, 0.05),
        make_case(rng, "rgb_11x13_unit_range_heavy_noise", (1, 3, 11, 13), 0.0, 1.0, 0.4),
    ]
    document = {
        "generator": "Reference/python/make_image_metrics.py",
        "skimage": skimage.__version__,
        "numpy": np.__version__,
        "cases": cases,
    }
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "image_metrics.json")
    with open(path + ".tmp", "w") as f:
        json.dump(document, f, separators=(",", ":"))
    os.replace(path + ".tmp", path)
    for case in cases:
        print(case["name"], "psnr", case["psnr"], "ssim", case["ssim"])


if __name__ == "__main__":
    main()
