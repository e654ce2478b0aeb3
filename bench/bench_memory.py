"""Memory benchmark: peak resident memory of renders, each in its own fresh process.

Every case runs in a child Python process that reports its own peak resident set
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, imports included) when it is done:

(a) the largest render the command line accepts (``convviz render -i 64 -k 33``:
    1,024 frames of 3256×3104 px), unless ``--quick``;
(b) a contact sheet (``convviz render -i 10 -k 3 --sheet``: 64 frames, 4414×5726 px);
(c) a GIF of 1,024 frames against one of 16 frames of the same size (a synthetic
    frame source: a box walking over a grid, 960×720 px): frames are encoded one
    at a time, so the two peaks should stay within 1.5× of each other;
(d) the 3-D render that used to hold every frame (``-i 10,10,10 -k 1``, 1,000 frames).

Prints each peak in MB with PASS/FAIL against the targets: (a), (b) and (d) under
1 GiB; (c) the 1,024-frame peak at most 1.5× the 16-frame one. Writes only into a
temporary directory::

    python bench/bench_memory.py            # everything (several minutes)
    python bench/bench_memory.py --quick    # without (a)

The gallery's peak can be measured the same way: ``--gallery`` adds
``convviz gallery -o TMP`` as a case.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_MB = 1024
GROWTH_TARGET = 1.5

REPORT = r"""
import json, resource, sys
def _report(status):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    if sys.platform == "darwin":
        peak //= 1024
    print("\n" + json.dumps({"status": status, "peak_kib": peak}))
"""

CLI_CASE = REPORT + r"""
from convviz.cli.app import main
_report(main(sys.argv[1:]))
"""

SYNTHETIC_CASE = REPORT + r"""
import numpy as np
from convviz.animation import Animation

class Walker:
    # a box walking over a grid: few colours, a changed region per frame, like our pictures
    def __init__(self, frames, width=960, height=720):
        self.frame_count, self.size = frames, (width, height)
        self.caption, self.poster_frame = "walker", 0
        grid = np.full((height, width, 3), 253, np.uint8)
        grid[::24, :] = grid[:, ::24] = (88, 110, 117)
        self.grid = grid

    def frame(self, n):
        out = self.grid.copy()
        cols = self.size[0] // 24 - 4
        y, x = 24 * (n // cols % 25), 24 * (n % cols)
        out[y : y + 96, x : x + 96] = (38, 139, 210)
        return out

frames, path = int(sys.argv[1]), sys.argv[2]
Animation(lambda: Walker(frames), duration=0.1).save(path)
_report(0)
"""


def run(code: str, args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(peak MB, seconds, status) of one child process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, check=False)
    elapsed = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"case {args} failed (exit {done.returncode})")
    result = json.loads(lines[-1])
    return result["peak_kib"] / 1024, elapsed, int(result["status"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the largest render (a)")
    parser.add_argument("--gallery", action="store_true", help="also measure the gallery")
    options = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    results = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="convviz-bench-memory-") as tmp:
        cli_cases = [("(b) contact sheet -i 10 -k 3 --sheet", ["-i", "10", "-k", "3", "--sheet"]),
                     ("(d) 3-D -i 10,10,10 -k 1 (1,000 frames)", ["-i", "10,10,10", "-k", "1"])]
        if not options.quick:
            cli_cases.insert(0, ("(a) largest accepted -i 64 -k 33", ["-i", "64", "-k", "33"]))
        for label, flags in cli_cases:
            out = os.path.join(tmp, f"case{len(results)}" + (".png" if "--sheet" in flags
                                                            else ".gif"))
            peak, seconds, status = run(CLI_CASE, ["render", *flags, "-q", "-o", out], env)
            passed = status == 0 and peak < LIMIT_MB
            ok &= passed
            results.append((label, peak, seconds, f"{'PASS' if passed else 'FAIL'} (< {LIMIT_MB} MB"
                            + ("" if status == 0 else f"; exit {status}") + ")"))
        peaks = {}
        for frames in (16, 1024):
            peak, seconds, _ = run(SYNTHETIC_CASE, [str(frames), os.path.join(tmp, "w.gif")], env)
            peaks[frames] = peak
            results.append((f"(c) GIF of {frames} frames, 960×720", peak, seconds, ""))
        growth = peaks[1024] / peaks[16]
        passed = growth <= GROWTH_TARGET
        ok &= passed
        results.append(("(c) 1,024 frames / 16 frames", growth, 0.0,
                        f"{'PASS' if passed else 'FAIL'} (≤ {GROWTH_TARGET}×)"))
        if options.gallery:
            peak, seconds, status = run(CLI_CASE, ["gallery", "-q", "-o",
                                                   os.path.join(tmp, "site")], env)
            results.append(("gallery", peak, seconds, f"exit {status}"))
    for label, value, seconds, verdict in results:
        unit = "×" if label.endswith("16 frames") else " MB"
        timing = f"{seconds:6.1f} s" if seconds else " " * 8
        print(f"{label:44s} {value:8.1f}{unit:3s} {timing}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
