"""Benchmark: ``convviz.info`` / ``info_text`` cost the same for any input size.

Run: python bench/bench_info.py

Prints the median time of ``info_text`` (which calls ``info``) for a 10⁹-cell
2-D input (direct and transposed) against a 5×5 input, in the same process,
and their ratio (target: ≲ 2 — the explanation is integer arithmetic on the
spec's per-axis numbers, never an array the size of the input).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convviz import ConvSpec, info_text


def median_time(spec: ConvSpec, repeats: int = 30) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        info_text(spec)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    cases = [
        ("direct", ConvSpec(5, 3, stride=2, padding=1), ConvSpec(10**9, 3, stride=2, padding=1)),
        ("transposed", ConvSpec(5, 3, stride=2, padding=1, transposed=True),
         ConvSpec(10**9, 3, stride=2, padding=1, transposed=True)),
    ]
    for label, small, huge in cases:
        t_small, t_huge = median_time(small), median_time(huge)
        print(f"{label:<11} info_text  5×5: {t_small * 1e3:7.3f} ms   10⁹×10⁹: "
              f"{t_huge * 1e3:7.3f} ms   ratio {t_huge / t_small:5.2f}")


if __name__ == "__main__":
    main()
