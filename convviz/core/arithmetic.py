"""The arithmetic of a convolution, with the numbers filled in: one copy of every formula.

Output-size formulas, the rules that turn a padding name into numbers, the
drawn canvas, the receptive field of one layer, path lengths of stacks, and
the separable worked example. The command line (``convviz info``), the
gallery and the diagrams show these; none computes them again.

Everything here is integer arithmetic on the spec's per-axis numbers: no
array the size of the input is ever made, so a 10⁹-cell input costs nothing.

Symbols: i input, k kernel, s stride, d dilation, k̂ = d(k − 1) + 1 the
effective kernel, p_before / p_after the padding per side, o output; a
transposed convolution's ``output_padding`` adds cells at the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.core.spec import AxisGeometry, ConvSpec
from convviz.errors import SpecError

__all__ = [
    "AXIS_NAMES",
    "PATH_LENGTH_DEFINITION",
    "axis_groups",
    "canvas_pads",
    "formula",
    "formula_lines",
    "padding_rule",
    "path_lengths",
    "receptive_field_size",
    "separable_example",
    "spatially_separable_example",
    "stack_receptive_field",
]

#: names of the axes, by number of spatial dimensions
AXIS_NAMES = {1: ("length",), 2: ("rows", "cols"), 3: ("depth", "rows", "cols")}

#: what ``path_lengths`` counts, in words (shown next to the plot and the table)
PATH_LENGTH_DEFINITION = (
    "Path length across N consecutive positions: the fewest steps or layers that connect "
    "the first position with the last (N − 1 apart). An RNN chain needs N − 1 steps; a "
    "stack of stride-1 convolutions needs the fewest layers whose receptive field spans "
    "N inputs: ⌈(N − 1)/(k − 1)⌉ plain layers of kernel k, and ⌈log₂N⌉ dilated layers "
    "of kernel 2 with dilations 1, 2, 4, …"
)


def axis_groups(spec: ConvSpec) -> list[list[int]]:
    """Axes with identical geometry, grouped (one formula line per group)."""
    groups: dict[AxisGeometry, list[int]] = {}
    for a, g in enumerate(spec.axes):
        groups.setdefault(g, []).append(a)
    return list(groups.values())


def formula(spec: ConvSpec, axis: int) -> dict[str, Any]:
    """The output-size formula of one axis: symbolic, filled in, its value and its terms.

    ``where`` defines every symbol of ``symbolic`` that is not a parameter name.
    """
    g = spec.axes[axis]
    i, k, s, d = g.input_size, g.kernel_size, g.stride, g.dilation
    lo, hi, op, k_hat = g.pad_before, g.pad_after, g.output_padding, g.effective_kernel
    if g.transposed:
        symbolic = "o = (i − 1)·s + k̂ − p_before − p_after + output_padding"
        filled = f"({i} − 1)·{s} + {k_hat} − {lo} − {hi} + {op}"
        value = (i - 1) * s + k_hat - lo - hi + op
    else:
        symbolic = "o = ⌊(i + p_before + p_after − k̂) / s⌋ + 1"
        filled = f"⌊({i} + {lo} + {hi} − {k_hat}) / {s}⌋ + 1"
        value = (i + lo + hi - k_hat) // s + 1
    if value != g.output_size:  # pragma: no cover - a formula/engine disagreement
        raise AssertionError(
            f"formula {filled} = {value} disagrees with the engine's {g.output_size}"
        )
    return {
        "symbolic": symbolic,
        "filled": filled,
        "value": value,
        "where": f"k̂ = d(k − 1) + 1 = {d}·({k} − 1) + 1 = {k_hat}",
        "terms": {"i": i, "k": k, "d": d, "k_hat": k_hat, "s": s, "p_before": lo,
                  "p_after": hi, "output_padding": op},
    }


def formula_lines(spec: ConvSpec) -> tuple[str, ...]:
    """One line per group of identical axes: ``o = … = 5 (k̂ = …)``, prefixed by the axes."""
    lines = []
    for axes in axis_groups(spec):
        entry = formula(spec, axes[0])
        prefix = "" if len(axes) == spec.ndim else (
            ", ".join(AXIS_NAMES[spec.ndim][a] for a in axes) + ": ")
        lines.append(f"{prefix}{entry['symbolic']} = {entry['filled']} = {entry['value']}, "
                     f"where {entry['where']}")
    return tuple(lines)


def padding_rule(spec: ConvSpec, axis: int) -> str | None:
    """How a padding name turns into numbers on one axis, filled in (None for numbers)."""
    if not isinstance(spec.padding, str):
        return None
    name = spec.padding
    g = spec.axes[axis]
    k_hat = g.effective_kernel
    if spec.transposed:
        if name == "valid":
            return "valid: nothing cropped, p_before = p_after = 0"
        total = k_hat - g.stride
        return (f"same: o = i·s = {g.input_size}·{g.stride} = {g.input_size * g.stride}; crop "
                f"k̂ − s = {total}" + (f" → {g.pad_before} before, {g.pad_after} after"
                                      if total >= 0 else
                                      f" < 0 → none, output_padding s − k̂ = {g.output_padding}"))
    if name == "valid":
        return "valid: p_before = p_after = 0"
    if name == "full":
        return f"full: p = d(k − 1) = {g.dilation}·({g.kernel_size} − 1) = {g.pad_before} each side"
    if name == "causal":
        return (f"causal: p_before = d(k − 1) = {g.dilation}·({g.kernel_size} − 1) = "
                f"{g.pad_before}, p_after = 0")
    o = -(-g.input_size // g.stride)
    total = g.pad_before + g.pad_after
    return (f"same: o = ⌈i/s⌉ = ⌈{g.input_size}/{g.stride}⌉ = {o}; total = max((o − 1)·s + k̂ − i, "
            f"0) = max({o - 1}·{g.stride} + {k_hat} − {g.input_size}, 0) = {total} → "
            f"{g.pad_before} before, {g.pad_after} after")


def canvas_pads(spec: ConvSpec) -> tuple[tuple[int, int], ...]:
    """Signed (before, after) cells around the drawn input, per axis.

    Direct: the padding. Transposed: k̂ − 1 − p_before and k̂ − 1 − p_after +
    output_padding; a negative number means that many cells of the stretched
    input are cut off instead (the drawn canvas then shows no padding there).
    """
    out = []
    for g in spec.axes:
        if g.transposed:
            k_hat = g.effective_kernel
            out.append((k_hat - 1 - g.pad_before, k_hat - 1 - g.pad_after + g.output_padding))
        else:
            out.append((g.pad_before, g.pad_after))
    return tuple(out)


def _transposed_span(g: AxisGeometry, o: int) -> int:
    """Span of the input cells transposed output ``o`` reads (0 if none), in O(1).

    Output o reads input j through tap t when j·s = o + p_before − t·d, 0 ≤ j < i.
    """
    s, d, k, i, lo = g.stride, g.dilation, g.kernel_size, g.input_size, g.pad_before
    q = o + lo
    c = math.gcd(s, d)
    if q % c:
        return 0
    step_t, step_j = s // c, d // c
    first = (q // c) * pow(d // c, -1, step_t) % step_t if step_t > 1 else 0
    # valid taps: j ≤ i − 1 ⇔ t·d ≥ q − (i − 1)s;  j ≥ 0 ⇔ t·d ≤ q
    t_min = max(0, -(-(q - (i - 1) * s) // d))
    t_max = min(k - 1, q // d)
    if t_min > t_max:
        return 0
    t_first = first + -(-(t_min - first) // step_t) * step_t
    t_last = first + (t_max - first) // step_t * step_t
    if t_last < t_first:
        return 0
    return (t_last - t_first) // step_t * step_j + 1


def _axis_receptive_field(g: AxisGeometry) -> int:
    """Widest span of input cells one output cell of this axis depends on."""
    if not g.transposed:
        return g.effective_kernel
    out = g.output_size
    # spans repeat with period s away from the ends, so the outputs near either end and
    # one period in the middle cover every case
    edge = min(out, 2 * g.stride + g.effective_kernel + g.pad_before + g.pad_after)
    middle = out // 2
    candidates = (set(range(edge)) | set(range(out - edge, out))
                  | set(range(middle, min(middle + g.stride, out))))
    return max(_transposed_span(g, o) for o in candidates)


def receptive_field_size(spec: ConvSpec) -> tuple[int, ...]:
    """The receptive field of one layer per axis, as ``convviz.receptive_field(spec).size``.

    Direct: k̂. Transposed: the widest span of input cells any output cell reads.
    Closed form, so it costs the same for any input size.
    """
    return tuple(_axis_receptive_field(g) for g in spec.axes)


def _bit_length(values: np.ndarray) -> np.ndarray:
    """Bit length of non-negative int64 values, elementwise, without floating point."""
    out = np.zeros(values.shape, dtype=np.int64)
    v = values.copy()
    while (v > 0).any():
        out += v > 0
        v >>= 1
    return out


def _check_kernel(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
        raise SpecError(f"{name} must be a whole number >= 2, got {value!r}")
    return int(value)


def path_lengths(n: Any, kernel_size: int = 3, dilated_kernel_size: int = 2
                 ) -> dict[str, np.ndarray]:
    """Path length across ``n`` consecutive positions (see PATH_LENGTH_DEFINITION).

    ``rnn`` = N − 1 steps; ``conv`` = ⌈(N − 1)/(k − 1)⌉ stride-1 layers of kernel k
    (each adds k − 1 cells to the receptive field); ``dilated`` = the fewest layers
    of kernel k₂ with dilations 1, 2, 4, … whose receptive field 1 + (k₂ − 1)(2^L − 1)
    reaches N, i.e. the bit length of ⌈(N − 1)/(k₂ − 1)⌉ (⌈log₂N⌉ for k₂ = 2).
    """
    k = _check_kernel("kernel_size", kernel_size)
    k2 = _check_kernel("dilated_kernel_size", dilated_kernel_size)
    arr = np.asarray(n)
    if arr.size == 0 or not np.issubdtype(arr.dtype, np.integer) or arr.min() < 1:
        raise SpecError(f"n must hold whole numbers >= 1, got {n!r}")
    arr = arr.astype(np.int64)
    return {
        "rnn": arr - 1,
        "conv": -(-(arr - 1) // (k - 1)),
        "dilated": _bit_length(-(-(arr - 1) // (k2 - 1))),
    }


def stack_receptive_field(kernel: int, dilations: Sequence[int]) -> tuple[int, int]:
    """(receptive field, parameter count) of a stride-1 stack of 1-D convolutions.

    r = 1 + (k − 1)·Σ d_l; each layer has k weights and a bias.
    """
    specs = [ConvSpec((1,), kernel, dilation=d, padding="same") for d in dilations]
    size = 1 + sum(s.effective_kernel_size[0] - 1 for s in specs)
    return size, sum(s.parameter_count for s in specs)


def separable_example(i: int = 12, k: int = 5, c_in: int = 3, c_out: int = 256
                      ) -> dict[str, ConvSpec]:
    """The standard, depthwise and pointwise convolutions of the separable worked example."""
    standard = ConvSpec(i, k, in_channels=c_in, out_channels=c_out)
    depthwise = ConvSpec(i, k, groups=c_in, in_channels=c_in, out_channels=c_in)
    pointwise = ConvSpec(depthwise.output_size, 1, in_channels=c_in, out_channels=c_out)
    return {"standard": standard, "depthwise": depthwise, "pointwise": pointwise}


def spatially_separable_example(i: int = 12, k: int = 5, c_in: int = 3, c_out: int = 256
                                ) -> dict[str, ConvSpec]:
    """A k×k convolution and its spatially separable form: k×1 (column), then 1×k (row).

    Only a rank-1 kernel (an outer product of a column and a row) is exactly
    separable; the pair has k + k taps per channel pair instead of k·k.
    """
    standard = ConvSpec(i, k, in_channels=c_in, out_channels=c_out)
    column = ConvSpec(i, (k, 1), in_channels=c_in, out_channels=c_out)
    row = ConvSpec(column.output_size, (1, k), in_channels=c_out, out_channels=c_out)
    return {"standard": standard, "column": column, "row": row}
