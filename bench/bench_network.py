"""Benchmark: a network's full table costs per layer, never per input cell.

Run: python bench/bench_network.py

Prints, in one run, ``convviz.network(text, size).table()`` for

- a 200-layer network (convolutions with strides and dilations, pooling,
  padding) on a 224×224 input and on a 10⁹×10⁹ input: target under 20 ms each,
  and the same time for both sizes (no array has the size of the input);
- the same with transposed layers and upsampling in it (fields have a period);
- a 2-layer network, the baseline: the ratios are per-layer cost × 100.

and the peak memory the 10⁹ network allocates.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import convviz


def best_of(fn: Callable[[], object], repeat: int = 7) -> float:
    fn()  # warm up (first-use imports)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


BLOCK = "conv k3 p1 c64 | bn | relu | conv k3 d2 p2 c64 | relu"
DEEP = " | ".join([BLOCK] * 96 + ["maxpool k2 s2", "conv k3 s2 p1 c64", "avgpool k3 s1 p1",
                                  "pad p1", "conv k3 s1 c64", "maxpool k2 s2 ceil",
                                  "conv k1 c64", "conv k3 p1 c64"])
UPDOWN = " | ".join(["conv k3 s2 p1 c32", "tconv k4 s2 p1 c32", "up s2", "conv k3 s2 p1 c32"]
                    * 50)
SHALLOW = "conv k3 p1 c64 | maxpool k2 s2"


def main() -> None:
    cases = [("2 layers", SHALLOW), ("200 layers", DEEP), ("200 up/down", UPDOWN)]
    base = best_of(lambda: convviz.network(SHALLOW, 224, input_channels=3).table())
    for label, text in cases:
        for size in (224, 10**9):
            net = convviz.network(text, size, input_channels=3)
            t = best_of(lambda text=text, size=size: convviz.network(
                text, size, input_channels=3).table())
            print(f"{label:<12} {len(net.rows):3d} rows  input {size:>10}: {t * 1e3:7.3f} ms  "
                  f"ratio to 2 layers {t / base:6.1f}  last field {net.rows[-1].receptive_field}")
    tracemalloc.start()
    convviz.network(DEEP, 10**9, input_channels=3).table()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak memory of the 200-layer table on a 10⁹×10⁹ input: {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
