"""Render benchmark: convviz vs. a plain matplotlib FuncAnimation, on the 15 classic GIFs.

In one run, each in its own fresh Python process (imports included):

(a) convviz writes the 15 classic animations as GIFs (classic theme);
(b) a straightforward matplotlib implementation — FuncAnimation that clears
    the axes and redraws every patch each frame, saved with PillowWriter —
    draws the same 15 specs in the same oblique style.

(c) the import floor: a process that only runs ``import numpy, matplotlib, PIL``;
    convviz's wall time is printed as a multiple of it (what drawing and
    encoding add to the imports any matplotlib picture pays);
(d) per frame, in one process: the numbers mode and the scatter view redraw
    only what changed between frames (``FlatFigure.read``); the baseline is
    the same figure drawn in full by matplotlib (``canvas.draw()``) per frame.

Prints both wall times and their ratio (target: convviz ≥ 20× faster), and the
total size of convviz's 15 GIFs against the originals' 3,398,746 bytes
(target: at most half), with PASS/FAIL for each target. Every timing is run
``--repeat`` times and the median printed. Writes only into a temporary
directory. Timing depends on the machine and its load; run it on a quiet
machine::

    python bench/bench_render.py              # all 15
    python bench/bench_render.py --only 3     # the first 3 (a quick look)
    python bench/bench_render.py --repeat 5   # steadier medians on a busy machine
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORIGINAL_TOTAL_BYTES = 3_398_746
SPEED_TARGET = 20.0
SIZE_TARGET = 0.5

CONVVIZ_SCRIPT = r"""
import sys, convviz
from convviz.presets import CLASSIC_NAMES
out, count = sys.argv[1], int(sys.argv[2])
for name in CLASSIC_NAMES[:count]:
    convviz.animate(name, "classic").save(f"{out}/{name}.gif")
"""

FLOOR_SCRIPT = "import numpy, matplotlib, PIL"

PER_FRAME_SCRIPT = r"""
import json, statistics, sys, time
from convviz import ConvSpec
from convviz.draw.numbers import NumbersRenderer
from convviz.draw.scatter import ScatterRenderer

def per_frame(make):
    r = make()
    r.frame(0)
    start = time.perf_counter()
    for n in range(1, r.frame_count):
        r.frame(n)
    incremental = (time.perf_counter() - start) / (r.frame_count - 1)
    start = time.perf_counter()
    for n in range(1, r.frame_count):
        r.frame(n)
        r._fig.full_draw()
    both = (time.perf_counter() - start) / (r.frame_count - 1)
    return incremental, both - incremental

cases = {
    "numbers 7x7 k3 p1": lambda: NumbersRenderer(ConvSpec(7, 3, padding=1)),
    "numbers transposed": lambda: NumbersRenderer(ConvSpec(3, 3, stride=2, transposed=True)),
    "scatter 4x4 k3 s2": lambda: ScatterRenderer(ConvSpec(4, 3, stride=2, transposed=True)),
}
print(json.dumps({name: per_frame(make) for name, make in cases.items()}))
"""


# -- (b) the baseline: what one would write with matplotlib alone ----------------------------------
def baseline(out_dir: str, count: int) -> None:
    """FuncAnimation + PillowWriter, clearing and redrawing every patch per frame."""
    from convviz.presets import CLASSIC_NAMES

    for name in CLASSIC_NAMES[:count]:
        baseline_one(name, out_dir)


def baseline_one(name: str, out_dir: str) -> None:
    """One classic animation, the plain matplotlib way."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.animation import FuncAnimation, PillowWriter
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon

    from convviz.presets import PRESETS

    unit_px, margin_px, dpi = 29.53, 21.6, 150

    def project(x: float, y: float) -> tuple[float, float]:
        # the originals' oblique projection, cell units
        return x - 0.7 * y, 0.5 * x + 0.65 * y

    def quad(x: float, y: float, dy: float = 0.0) -> list[tuple[float, float]]:
        corners = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
        return [(px, py + dy) for px, py in (project(cx, cy) for cx, cy in corners)]

    spec = PRESETS[name].spec
    rows, cols = spec.canvas_size
    o_rows, o_cols = spec.output_size
    kind = spec.canvas_kind
    taps = spec.taps
    k_hat = spec.effective_kernel_size
    lift = rows + 1  # the output plane sits (T + 1) cells above the input, on screen
    width = 1.7 * cols * unit_px + 2 * margin_px
    height = (rows + 1 + 1.15 * o_rows) * unit_px + 2 * margin_px
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    frames = list(range(spec.frame_count))
    pad = margin_px / unit_px
    x_lo, x_hi = -0.7 * rows - pad, cols + pad
    y_lo, y_hi = -pad, lift + 1.15 * o_rows + pad

    def draw(n: int, ax=ax) -> list:
        ax.clear()
        ax.set_axis_off()
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
        out = divmod(n, o_cols)
        window = {tuple(c) for c in taps[out].reshape(-1, 2)}
        for r in range(rows):
            for c in range(cols):
                y = rows - 1 - r  # row 0 at the top
                real = kind[r, c] == 0
                ax.add_patch(Polygon(quad(c, y), closed=True,
                                     facecolor="#268BD2" if real else "white",
                                     edgecolor="#002B36", linewidth=0.8,
                                     linestyle="-" if real else "--"))
                if (r, c) in window:
                    ax.add_patch(Polygon(quad(c, y), closed=True, facecolor="#073642",
                                         alpha=0.4, edgecolor="#002B36", linewidth=0.8))
        r0, c0 = taps[out].reshape(-1, 2)[0]
        y0 = rows - r0 - k_hat[0]
        corners = [(c0, y0), (c0 + k_hat[1], y0), (c0 + k_hat[1], y0 + k_hat[0]),
                   (c0, y0 + k_hat[0])]
        oy = o_rows - 1 - out[0]
        ocorners = [(out[1], oy), (out[1] + 1, oy), (out[1] + 1, oy + 1), (out[1], oy + 1)]
        for (ax_, ay), (bx, by) in zip(corners, ocorners):
            p, q = project(ax_, ay), project(bx, by)
            ax.plot([p[0], q[0]], [p[1], q[1] + lift], color="black", linewidth=0.4)
        for r in range(o_rows):
            for c in range(o_cols):
                current = (r, c) == out
                ax.add_patch(Polygon(quad(c, o_rows - 1 - r, dy=lift), closed=True,
                                     facecolor="#1C7676" if current else "#2AA198",
                                     edgecolor="#002B36", linewidth=0.8))
        return []

    animation = FuncAnimation(fig, draw, frames=frames, blit=False, repeat=False)
    animation.save(os.path.join(out_dir, f"{name}.gif"), writer=PillowWriter(fps=1), dpi=dpi)


BASELINE_SCRIPT = r"""
import sys
sys.path.insert(0, {bench!r})
from bench_render import baseline
baseline(sys.argv[1], int(sys.argv[2]))
"""


def timed(script: str, out_dir: str, count: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a fresh Python process running ``script``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, out_dir, str(count)], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_timed(script: str, out_dir: str, count: int, repeat: int) -> tuple[float, float]:
    """Medians of (wall, CPU) seconds over ``repeat`` fresh processes."""
    runs = [timed(script, out_dir, count) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def per_frame(repeat: int) -> dict[str, tuple[float, float]]:
    """name -> median (incremental, full draw) seconds per frame, from fresh processes."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", PER_FRAME_SCRIPT], check=True,
                              capture_output=True, text=True)
        runs.append(json.loads(done.stdout))
    return {name: (statistics.median(r[name][0] for r in runs),
                   statistics.median(r[name][1] for r in runs)) for name in runs[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, default=15, help="render the first N classic presets")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (medians printed)")
    args = parser.parse_args(argv)
    count = max(1, min(15, args.only))
    repeat = max(1, args.repeat)
    with tempfile.TemporaryDirectory(prefix="convviz-bench-") as tmp:
        ours, theirs = Path(tmp, "convviz"), Path(tmp, "baseline")
        ours.mkdir()
        theirs.mkdir()
        t_floor, cpu_floor = median_timed(FLOOR_SCRIPT, str(ours), count, repeat)
        t_ours, cpu_ours = median_timed(CONVVIZ_SCRIPT, str(ours), count, repeat)
        t_base, cpu_base = timed(
            BASELINE_SCRIPT.format(bench=str(Path(__file__).parent)), str(theirs), count
        )
        frames = per_frame(repeat)
        ours_bytes = sum(p.stat().st_size for p in ours.glob("*.gif"))
        base_bytes = sum(p.stat().st_size for p in theirs.glob("*.gif"))
        files = len(list(ours.glob("*.gif")))
    speedup = t_base / t_ours
    cpu_speedup = cpu_base / cpu_ours
    print(f"presets rendered:           {count} (files written: {files})")
    print("                              wall         CPU (user+sys)")
    print(f"import floor (numpy, matplotlib, PIL): {t_floor:.2f} s   {cpu_floor:.2f} s")
    print(f"convviz (one process):      {t_ours:8.2f} s   {cpu_ours:8.2f} s"
          f"  = {t_ours / t_floor:.2f}× the import floor (CPU {cpu_ours / cpu_floor:.2f}×)")
    print(f"FuncAnimation+PillowWriter: {t_base:8.2f} s   {cpu_base:8.2f} s")
    print(f"speed-up (wall):            {speedup:8.1f}×  (target ≥ {SPEED_TARGET:.0f}×: "
          f"{'PASS' if speedup >= SPEED_TARGET else 'FAIL'})")
    print(f"speed-up (CPU, steadier on a busy machine): {cpu_speedup:.1f}×")
    print(f"baseline GIF bytes:         {base_bytes:,}")
    if count == 15:
        ratio = ours_bytes / ORIGINAL_TOTAL_BYTES
        print(f"convviz GIF bytes:          {ours_bytes:,} = {ratio:.2f} × the originals' "
              f"{ORIGINAL_TOTAL_BYTES:,}  (target ≤ {SIZE_TARGET}: "
              f"{'PASS' if ratio <= SIZE_TARGET else 'FAIL'})")
    else:
        ratio = None
        print(f"convviz GIF bytes:          {ours_bytes:,} (size target needs all 15)")
    print("per frame (median of fresh processes):  incremental   full draw   ratio")
    for name, (inc, full) in frames.items():
        print(f"  {name:<36} {inc * 1e3:8.2f} ms  {full * 1e3:8.2f} ms  {full / inc:6.1f}×")
    if args.json:
        print(json.dumps({"count": count, "floor_s": t_floor, "floor_cpu_s": cpu_floor,
                          "per_frame_s": frames, "convviz_s": t_ours, "baseline_s": t_base,
                          "convviz_cpu_s": cpu_ours, "baseline_cpu_s": cpu_base,
                          "speedup": speedup, "cpu_speedup": cpu_speedup,
                          "convviz_bytes": ours_bytes,
                          "baseline_bytes": base_bytes, "size_ratio": ratio}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
