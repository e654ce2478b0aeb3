"""Benchmark: the core answers in milliseconds whatever the length of the axes.

Run: python bench/bench_core.py

Prints, in one run:

- ``receptive_field`` of stacks of 10⁵-cell layers (direct, dilated, strided,
  transposed; size and the cells of one output) against the same stacks on
  100 cells: the ratio should stay near 1 (closed form per axis; target: each
  call well under 50 ms, ratio ≤ 20×);
- the matrix method (kept as the tests' reference) on a 400-cell stack, for
  scale: it grows as n³;
- ``convviz.info_text(ConvSpec(10**9, 3))`` against a 5×5 spec (target:
  milliseconds, ratio ≤ 5×) and the peak memory it allocates.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import convviz
from convviz import ConvSpec, receptive_field


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    fn()  # warm up (first-use imports)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def chain(n: int, layers: list[dict]) -> list[ConvSpec]:
    specs: list[ConvSpec] = []
    size: tuple[int, ...] = (n,)
    for kwargs in layers:
        specs.append(ConvSpec(size, **kwargs))
        size = specs[-1].output_size
    return specs


STACKS = {
    "two 3-taps (the report)": [dict(kernel_size=3), dict(kernel_size=3)],
    "WaveNet d=1…512": [dict(kernel_size=2, dilation=2**n, padding="causal") for n in range(10)],
    "strided, dilated": [dict(kernel_size=3, stride=2), dict(kernel_size=3, stride=2, dilation=2),
                         dict(kernel_size=5, dilation=3, padding="same")],
    "transposed mixed": [dict(kernel_size=3, stride=2, transposed=True),
                         dict(kernel_size=4, stride=3, dilation=2, padding=1),
                         dict(kernel_size=3, stride=2, dilation=2, transposed=True)],
}


def main() -> int:
    ok = True
    print(f"{'receptive_field stack':28} {'100 cells':>10} {'10⁵ cells':>10} {'ratio':>7}")
    for name, layers in STACKS.items():
        times = []
        for n in (100, 100_000):
            specs = chain(n, layers)
            index = specs[-1].output_size[0] // 2
            times.append(best_of(lambda specs=specs, index=index: receptive_field(specs, index)))
        ratio = times[1] / times[0]
        fine = times[1] < 0.05 and ratio <= 20
        ok &= fine
        print(f"{name:28} {times[0] * 1e3:8.2f}ms {times[1] * 1e3:8.2f}ms {ratio:6.1f}×  "
              f"{'pass' if fine else 'FAIL'}")

    from reference import receptive_field_matrix  # the tests' independent reference

    specs = chain(400, STACKS["transposed mixed"])
    t_matrix = best_of(lambda: receptive_field_matrix(specs, (10,)), 1)
    t_closed = best_of(lambda: receptive_field(specs, 10))
    print(f"\nmatrix method (the tests' reference), 400-cell stack: {t_matrix * 1e3:.1f} ms; "
          f"closed form {t_closed * 1e3:.2f} ms ({t_matrix / t_closed:.0f}× faster)")

    small, huge = ConvSpec(5, 3), ConvSpec(10**9, 3)
    t_small = best_of(lambda: convviz.info_text(small))
    t_huge = best_of(lambda: convviz.info_text(huge))
    tracemalloc.start()
    convviz.info_text(huge)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ratio = t_huge / t_small
    fine = ratio <= 5 and t_huge < 0.05
    ok &= fine
    print(f"\ninfo_text: 5×5 {t_small * 1e3:.2f} ms, 10⁹×10⁹ {t_huge * 1e3:.2f} ms, "
          f"ratio {ratio:.2f}×, peak {peak / 1e6:.2f} MB  {'pass' if fine else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
