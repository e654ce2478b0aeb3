"""Formats benchmark: bytes and time per output format for the 15 classic animations.

For each format (.gif, .png still, .svg animated, .svg still, .pdf, .webp,
.apng, .mp4, .webm), writes the 15 classic conv_arithmetic animations (classic
theme) into a temporary directory and prints the total bytes, the total time,
and both as a ratio to the GIF measured in the same process (frames are drawn
once per animation object, so each format is timed on a fresh one: drawing
included). Video rows are skipped when imageio-ffmpeg is missing::

    python bench/bench_formats.py             # all 15
    python bench/bench_formats.py --only 3    # the first 3 (a quick look)
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import convviz
from convviz.presets import CLASSIC_NAMES

#: (label, extension, save options)
FORMATS = [
    ("gif", ".gif", {}),
    ("png still", ".png", {"frame": 0}),
    ("svg animated", ".svg", {}),
    ("svg still", ".svg", {"frame": 0}),
    ("pdf (page per frame)", ".pdf", {}),
    ("webp", ".webp", {}),
    ("apng", ".apng", {}),
    ("mp4", ".mp4", {}),
    ("webm", ".webm", {}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, default=len(CLASSIC_NAMES),
                        help="only the first N classic animations")
    args = parser.parse_args()
    names = list(CLASSIC_NAMES)[: args.only]
    video = importlib.util.find_spec("imageio_ffmpeg") is not None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, ext, options in FORMATS:
            if ext in (".mp4", ".webm") and not video:
                print(f"{label:22s} skipped (pip install 'convviz[video]')")
                continue
            total, start = 0, time.perf_counter()
            for i, name in enumerate(names):
                path = Path(tmp) / f"{i}-{label.replace(' ', '_')}{ext}"
                total += convviz.animate(name, "classic").save(path, **options).stat().st_size
            rows.append((label, total, time.perf_counter() - start))
    gif_bytes, gif_time = rows[0][1], rows[0][2]
    print(f"{len(names)} classic animations (classic theme)")
    print(f"{'format':22s} {'bytes':>11s} {'× gif':>7s} {'seconds':>8s} {'× gif':>7s}")
    for label, size, seconds in rows:
        print(f"{label:22s} {size:11,d} {size / gif_bytes:7.2f} {seconds:8.2f} "
              f"{seconds / gif_time:7.2f}")


if __name__ == "__main__":
    main()
