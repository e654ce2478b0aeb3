"""How fast does ``convviz --help`` start, next to ``python -c "import numpy"``?

Both commands run in this same session, interleaved (so a busy machine slows
both alike), several times each; the medians and their ratio are printed
against the target: ``convviz --help`` at most 2.5× the bare NumPy import.

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


def wall_time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (default 9)")
    args = parser.parse_args(argv)

    script = shutil.which("convviz")
    convviz_cmd = [script, "--help"] if script else [sys.executable, "-m", "convviz", "--help"]
    numpy_cmd = [sys.executable, "-c", "import numpy"]
    commands = {"python -c 'import numpy'": numpy_cmd, "convviz --help": convviz_cmd}

    for cmd in commands.values():  # warm the file cache once
        wall_time(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(wall_time(cmd))

    print(f"{'command':<28}{'median':>10}{'min':>10}{'max':>10}   ({args.runs} runs, "
          f"{os.cpu_count()} cores)")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        print(f"{name:<28}{medians[name] * 1000:>8.0f}ms{min(values) * 1000:>8.0f}ms"
              f"{max(values) * 1000:>8.0f}ms")
    ratio = medians["convviz --help"] / medians["python -c 'import numpy'"]
    verdict = "ok" if ratio <= TARGET else "SLOW"
    print(f"ratio {ratio:.2f}× (target ≤ {TARGET}×): {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
