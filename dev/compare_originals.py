#!/usr/bin/env python
"""Compare convviz's classic renders with the original conv_arithmetic GIFs.

Developer script, not a test (tests never read the originals):

    python dev/compare_originals.py FOLDER [--out DIR] [--names a,b] [--threshold 0.97]

FOLDER holds the 15 original GIFs (``<name>.gif``). For each classic preset
this renders ours with the ``classic`` theme and decodes the original (later
GIF frames may be partial sub-rectangles; Pillow composites them onto the
previous frame, and we composite again ourselves as a check), then checks

- the size in pixels and the number of frames;
- per frame, the share of pixels whose *nearest palette colour* agrees
  (antialiased edges snap to one of the picture's few solid colours).

It prints a table, writes side-by-side PNGs (ours | original) of frames 0 and
the last to ``--out`` (default /tmp/convviz_compare), and exits 1 when a size
or frame count differs or any frame agrees on less than the threshold.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from convviz.draw.oblique import ConvRenderer
from convviz.look.scene import build_scene
from convviz.look.themes import get_theme, hex_to_rgb
from convviz.presets import CLASSIC_NAMES, PRESETS


def palette() -> np.ndarray:
    """The classic picture's solid colours, (n, 3) int."""
    theme = get_theme("classic")
    colours = list(theme.palette().values()) + [theme.line]
    return np.array([hex_to_rgb(c) for c in dict.fromkeys(colours)], dtype=np.int32)


def nearest(frame: np.ndarray, pal: np.ndarray) -> np.ndarray:
    """Index of the nearest palette colour of every pixel, (H, W)."""
    flat = frame.reshape(-1, 3).astype(np.int32)
    key = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    colours, inverse = np.unique(key, return_inverse=True)
    rgb = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], axis=1)
    d = ((rgb[:, None, :] - pal[None]) ** 2).sum(-1)
    return d.argmin(-1)[inverse.ravel()].reshape(frame.shape[:2])


def decode_gif(path: Path) -> list[np.ndarray]:
    """All frames of a GIF as full (H, W, 3) uint8 RGB images, composited."""
    frames = []
    with Image.open(path) as im:
        canvas: Image.Image | None = None
        for i in range(im.n_frames):
            im.seek(i)
            full = im.convert("RGBA")
            if canvas is None or full.size == canvas.size:
                # Pillow gives the composited full frame; paste it over what we
                # have so transparent pixels keep the previous frame (disposal 1)
                base = (
                    canvas.copy() if canvas is not None else Image.new("RGBA", full.size, "white")
                )
                base.alpha_composite(full)
                canvas = base
            else:  # a bare sub-rectangle: place it at its offset
                x0, y0 = im.tile[0][1][:2] if im.tile else (0, 0)
                base = canvas.copy()
                base.alpha_composite(full, (x0, y0))
                canvas = base
            frames.append(np.asarray(canvas.convert("RGB")))
    return frames


def side_by_side(ours: np.ndarray, theirs: np.ndarray) -> Image.Image:
    h = max(ours.shape[0], theirs.shape[0])
    w = ours.shape[1] + theirs.shape[1] + 8
    out = Image.new("RGB", (w, h), (255, 0, 0))
    out.paste(Image.fromarray(ours), (0, 0))
    out.paste(Image.fromarray(theirs), (ours.shape[1] + 8, 0))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder with the original <name>.gif files")
    parser.add_argument("--out", type=Path, default=Path("/tmp/convviz_compare"))
    parser.add_argument("--names", default=",".join(CLASSIC_NAMES))
    parser.add_argument("--threshold", type=float, default=0.97)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    pal = palette()
    failed = False
    total_render = 0.0
    print(f"{'name':42s} {'size ours/orig':>22s} {'frames':>9s} {'min':>7s} {'mean':>7s}  ok")
    for name in args.names.split(","):
        path = args.folder / f"{name}.gif"
        theirs = decode_gif(path)
        t0 = time.perf_counter()
        renderer = ConvRenderer(build_scene(PRESETS[name].spec), "classic")
        ours = [renderer.frame(n) for n in range(renderer.frame_count)]
        total_render += time.perf_counter() - t0
        size_ok = ours[0].shape == theirs[0].shape
        count_ok = len(ours) == len(theirs)
        scores = []
        if size_ok:
            for a, b in zip(ours, theirs):
                scores.append(float((nearest(a, pal) == nearest(b, pal)).mean()))
        low = min(scores) if scores else 0.0
        ok = size_ok and count_ok and low >= args.threshold
        failed |= not ok
        size_text = (
            f"{ours[0].shape[1]}x{ours[0].shape[0]}/{theirs[0].shape[1]}x{theirs[0].shape[0]}"
        )
        mean = float(np.mean(scores)) if scores else 0.0
        print(
            f"{name:42s} {size_text:>22s} {len(ours):>4d}/{len(theirs):<4d} {low:7.2%} "
            f"{mean:7.2%}  {'ok' if ok else 'FAIL'}"
        )
        for n in sorted({0, min(len(ours), len(theirs)) - 1}):
            side_by_side(ours[n], theirs[n]).save(args.out / f"{name}_{n:02d}.png")
    print(f"rendering all frames took {total_render:.2f} s; side-by-side PNGs in {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
