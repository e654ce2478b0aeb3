"""Benchmark: the vectorised index map against a plain Python-loop version.

Run: python bench/bench_engine.py

Prints, in one run, the time to build the index map (``spec.taps`` and
``spec.input_taps``) for a 512×512 input with a 3×3 kernel and for a
2048-long 1-D input with k=3, d=4, against a plain Python-loop version of
the same map, and the ratio (target: vectorised ≥ 50× faster). Then the
vectorised time per output cell at growing sizes (target: linear — the
per-cell time stays flat, ratio of largest to smallest ≲ 2).
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from convviz import ConvSpec


def loop_index_map(spec: ConvSpec) -> tuple[list, list]:
    """The same two maps as spec.taps / spec.input_taps, with Python loops."""
    nd = spec.ndim
    taps, input_taps = [], []
    for o in itertools.product(*[range(n) for n in spec.output_size]):
        for t in itertools.product(*[range(n) for n in spec.kernel_size]):
            canvas = [o[a] * spec.stride[a] + t[a] * spec.dilation[a] for a in range(nd)]
            real = [canvas[a] - spec.padding_before[a] for a in range(nd)]
            taps.append(canvas)
            inside = all(0 <= real[a] < spec.input_size[a] for a in range(nd))
            input_taps.append(real if inside else [-1] * nd)
    return taps, input_taps


def vector_index_map(spec: ConvSpec) -> tuple[np.ndarray, np.ndarray]:
    fresh = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride,
                     padding=spec.padding, dilation=spec.dilation)  # no cached maps
    return fresh.taps, fresh.input_taps


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    cases = [
        ("2-D 512×512, k=3", ConvSpec(512, 3, padding=1)),
        ("1-D 2048, k=3, d=4", ConvSpec((2048,), 3, dilation=4, padding="causal")),
    ]
    ok = True
    print(f"{'case':24} {'loop':>10} {'vectorised':>11} {'ratio':>8}  target ≥ 50×")
    for name, spec in cases:
        # the loop result must be the same map, or the comparison means nothing
        loop_taps, loop_inputs = loop_index_map(spec)
        vec_taps, vec_inputs = vector_index_map(spec)
        assert np.array_equal(np.asarray(loop_taps), vec_taps.reshape(-1, spec.ndim))
        assert np.array_equal(np.asarray(loop_inputs), vec_inputs.reshape(-1, spec.ndim))
        t_loop = best_of(lambda spec=spec: loop_index_map(spec), 1 if spec.ndim == 2 else 3)
        t_vec = best_of(lambda spec=spec: vector_index_map(spec), 5)
        ratio = t_loop / t_vec
        ok &= ratio >= 50
        print(
            f"{name:24} {t_loop * 1e3:8.1f}ms {t_vec * 1e3:9.2f}ms {ratio:7.0f}×  "
            f"{'pass' if ratio >= 50 else 'FAIL'}"
        )

    print("\nlinearity: vectorised time per output cell (2-D, k=3, same padding)")
    per_cell = []
    for n in (64, 128, 256, 512, 1024):
        spec = ConvSpec(n, 3, padding=1)
        t = statistics.median(
            [best_of(lambda spec=spec: vector_index_map(spec), 1) for _ in range(5)]
        )
        per_cell.append(t / spec.frame_count)
        print(
            f"  {n:5}×{n:<5} {spec.frame_count:8} cells {t * 1e3:8.2f} ms "
            f"{per_cell[-1] * 1e9:7.1f} ns/cell"
        )
    spread = max(per_cell[2:]) / min(per_cell[2:])
    linear = spread < 2
    ok &= linear
    print(f"  per-cell time spread over the three largest sizes: {spread:.2f}× "
          f"({'linear: pass' if linear else 'FAIL'})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
