"""How fast does ``convviz --help`` start, and how fast does ``convviz render --all``
refuse a directory it cannot write, next to ``python -c "import numpy"``?

The commands run in this same session, interleaved (so a busy machine slows
them alike), several times each; the medians and their ratios are printed
against the targets: ``convviz --help`` at most 2.5× the bare NumPy import, the
refusal at most 3× (it is found before anything is drawn; it once took 7.9 s).
The directory that takes no files is ``/proc`` (even root cannot create files
there); without ``/proc`` that row is left out.

    python bench/bench_cli.py [--runs N]

Exit status 0 when the target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

TARGET = 2.5
REFUSAL_TARGET = 3.0


def wall_time(cmd: list[str], status: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode != status:
        raise SystemExit(f"{' '.join(cmd)}: exit status {done.returncode}, expected {status}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (default 9)")
    args = parser.parse_args(argv)

    script = shutil.which("convviz")
    convviz = [script] if script else [sys.executable, "-m", "convviz"]
    numpy_cmd = [sys.executable, "-c", "import numpy"]
    commands = {"python -c 'import numpy'": (numpy_cmd, 0),
                "convviz --help": ([*convviz, "--help"], 0)}
    targets = {"convviz --help": TARGET}
    if os.path.isdir("/proc/self"):
        refusal = "render --all -o /proc/x/"
        commands[refusal] = ([*convviz, "render", "--all", "-o", "/proc/convviz-bench/"], 1)
        targets[refusal] = REFUSAL_TARGET

    for cmd, status in commands.values():  # warm the file cache once
        wall_time(cmd, status)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (cmd, status) in commands.items():
            times[name].append(wall_time(cmd, status))

    print(f"{'command':<28}{'median':>10}{'min':>10}{'max':>10}   ({args.runs} runs, "
          f"{os.cpu_count()} cores)")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        print(f"{name:<28}{medians[name] * 1000:>8.0f}ms{min(values) * 1000:>8.0f}ms"
              f"{max(values) * 1000:>8.0f}ms")
    met = True
    for name, target in targets.items():
        ratio = medians[name] / medians["python -c 'import numpy'"]
        verdict = "ok" if ratio <= target else "SLOW"
        met = met and ratio <= target
        print(f"{name}: ratio {ratio:.2f}× (target ≤ {target}×): {verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
