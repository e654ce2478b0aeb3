"""Receptive fields of a stack of convolutions, exact and in closed form per axis.

Every map of a ConvSpec is a product of per-axis maps, so the input cells one
output cell depends on are a product of per-axis sets. Along one axis, with
i inputs, kernel k, stride s, dilation d and padding p before:

- direct: output o reads input o·s − p + t·d, t = 0 … k−1, kept if in [0, i);
- transposed: output o reads the inputs j with j·s − p + t·d = o.

A per-axis set is held as a union of arithmetic progressions
``(start, step, count)``. Both reads map a progression onto a sum of two
progressions (base + m·A + t·D), which is one progression when its steps
chain (the smaller divides the larger and its run reaches it) and otherwise a
few; a transposed layer then keeps the terms divisible by s, again a
progression. Clipping to [0, i) keeps a progression a progression. So the
field of one output costs O(layers · pieces), whatever the length of the axis.

The widest span over *all* outputs of a stack with transposed layers is the
exact maximum of ``last − first + 1`` over the outputs; it is computed by
dynamic programming on the first and last input cell of every intermediate
cell (range minima over strided windows) on the two border regions of the
axis and one period of its interior, where every field is a translate of the
one a period earlier. NumPy only.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.core.spec import MAX_MAP_ENTRIES, AxisGeometry, ConvSpec
from convviz.errors import SpecError

__all__ = ["ReceptiveField", "check_stack", "receptive_field"]

Progression = tuple[int, int, int]  # (start, step, count), count >= 1
_DENSE_LIMIT = 1 << 22  # hull width under which many pieces are re-read as runs
_NO_CELL = np.iinfo(np.int64).max


class ReceptiveField:
    """Which input cells of a stack's first layer an output cell depends on.

    ``size``: per axis, 1 + Σ_l (k̂_l − 1)·Π_{j<l} s_j for a stack of direct
    convolutions (the receptive field away from the borders); for stacks with
    transposed layers, the widest span (last − first + 1) any output cell
    depends on. ``output_index``: the chosen output cell (or None).
    ``progressions``: per axis, the input cells of that output as a union of
    arithmetic progressions (they may overlap), an (n, 3) int64 array of
    (start, step, count) rows. ``mask``: boolean array shaped like the first
    input, True on the cells the output depends on; built on first use from
    the progressions.
    """

    __slots__ = ("_input_size", "_mask", "output_index", "progressions", "size")

    def __init__(
        self,
        size: tuple[int, ...],
        output_index: tuple[int, ...] | None,
        mask: np.ndarray | None = None,
        *,
        progressions: tuple[np.ndarray, ...] | None = None,
        input_size: tuple[int, ...] | None = None,
    ) -> None:
        self.size = tuple(size)
        self.output_index = output_index
        self.progressions = progressions
        self._mask = mask
        self._input_size = input_size

    def __repr__(self) -> str:
        return f"ReceptiveField(size={self.size}, output_index={self.output_index})"

    @property
    def mask(self) -> np.ndarray | None:
        """Boolean array shaped like the first input (None without an output_index)."""
        if self._mask is None and self.progressions is not None and self._input_size:
            cells = math.prod(self._input_size)
            if cells > MAX_MAP_ENTRIES:
                raise SpecError(
                    f"mask of an input of {cells:,} cells is more than the {MAX_MAP_ENTRIES:,} "
                    "an array here may have; use progressions or axis_cells(axis)"
                )
            rows = [_dense(p, n) for p, n in zip(self.progressions, self._input_size)]
            mask = rows[0]
            for row in rows[1:]:
                mask = np.logical_and.outer(mask, row)
            mask.flags.writeable = False
            self._mask = mask
        return self._mask

    def axis_cells(self, axis: int) -> np.ndarray:
        """Sorted input indices along ``axis`` that the output depends on."""
        if self.progressions is None:
            raise SpecError("axis_cells needs an output_index")
        if not isinstance(axis, (int, np.integer)) or not 0 <= axis < len(self.progressions):
            raise SpecError(f"axis must be in [0, {len(self.progressions)}), got {axis!r}")
        pieces = [np.arange(a, a + b * c, b, dtype=np.int64) for a, b, c in self.progressions[axis]]
        return np.unique(np.concatenate(pieces)) if pieces else np.zeros(0, np.int64)

    @property
    def cells(self) -> np.ndarray:
        """Coordinates of the cells in ``mask``, shape (n, ndim), in C order."""
        if self.progressions is None:
            if self._mask is None:
                raise SpecError("cells needs an output_index")
            return np.argwhere(self._mask)
        axes = [self.axis_cells(a) for a in range(len(self.progressions))]
        grid = np.meshgrid(*axes, indexing="ij")
        return np.stack(grid, axis=-1).reshape(-1, len(axes)).astype(np.intp)


def _dense(progressions: np.ndarray, n: int) -> np.ndarray:
    row = np.zeros(n, dtype=bool)
    for start, step, count in progressions.tolist():
        row[start : start + step * (count - 1) + 1 : step] = True
    return row


# -- one axis, one output: unions of progressions ------------------------------------------
def _sum_of_two(base: int, a: int, na: int, b: int, nb: int) -> list[Progression]:
    """{base + m·a + t·b : m < na, t < nb} as progressions (steps a, b >= 1)."""
    if na == 1 or nb == 1:
        return [(base, b, nb)] if na == 1 else [(base, a, na)]
    (small, n_small), (large, n_large) = sorted(((a, na), (b, nb)))
    if large % small == 0 and n_small * small >= large:  # the runs chain into one
        return [(base, small, (n_large - 1) * (large // small) + n_small)]
    if na <= nb:
        return [(base + m * a, b, nb) for m in range(na)]
    return [(base + t * b, a, na) for t in range(nb)]


def _clip(start: int, step: int, count: int, n: int) -> Progression | None:
    """The part of a progression inside [0, n), or None."""
    last = start + step * (count - 1)
    if start < 0:
        start += ((-start + step - 1) // step) * step
    if last > n - 1:
        last -= ((last - (n - 1) + step - 1) // step) * step
    if start > last:
        return None
    count = (last - start) // step + 1
    return (start, step if count > 1 else 1, count)


def _normalise(pieces: list[Progression], n: int) -> list[Progression]:
    """Clip to [0, n), merge runs and same-class progressions, drop covered ones."""
    clipped = [q for p in pieces if (q := _clip(*p, n)) is not None]
    runs = sorted((a, a + c - 1) for a, b, c in clipped if b == 1)
    merged: list[list[int]] = []
    for lo, hi in runs:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    starts = [lo for lo, _ in merged]
    classes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for a, b, c in clipped:
        if b == 1:
            continue
        last = a + b * (c - 1)
        run = bisect.bisect_right(starts, a) - 1
        if run >= 0 and merged[run][1] >= last:
            continue  # inside a run
        classes.setdefault((b, a % b), []).append((a, last))
    out: list[Progression] = [(lo, 1, hi - lo + 1) for lo, hi in merged]
    for (step, _), spans in classes.items():
        spans.sort()
        cur = list(spans[0])
        for lo, hi in spans[1:]:
            if lo <= cur[1] + step:
                cur[1] = max(cur[1], hi)
            else:
                out.append((cur[0], step, (cur[1] - cur[0]) // step + 1))
                cur = [lo, hi]
        out.append((cur[0], step, (cur[1] - cur[0]) // step + 1))
    if len(out) > 64:
        lo = min(a for a, _, _ in out)
        hi = max(a + b * (c - 1) for a, b, c in out)
        if hi - lo < _DENSE_LIMIT:  # many pieces: re-read them as runs of cells
            row = _dense(np.array(out, dtype=np.int64) - [lo, 0, 0], hi - lo + 1)
            edges = np.flatnonzero(np.diff(np.concatenate(([0], row.view(np.int8), [0]))))
            out = [(lo + int(a), 1, int(b - a)) for a, b in zip(edges[::2], edges[1::2])]
    return sorted(out)


def _reads(pieces: list[Progression], g: AxisGeometry) -> list[Progression]:
    """The input cells that the output cells ``pieces`` read through one layer."""
    s, d, k, p = g.stride, g.dilation, g.kernel_size, g.pad_before
    found: list[Progression] = []
    for a, q, n in pieces:
        if not g.transposed:  # o·s − p + t·d
            found += _sum_of_two(a * s - p, q * s, n, d, k)
            continue
        # j·s = o + p − t·d: the values v = o + p − t·d, then those divisible by s
        for v0, e, c in _sum_of_two(a + p - (k - 1) * d, q, n, d, k):
            common = math.gcd(e, s)
            period = s // common
            if (-v0) % s % common:
                continue
            m0 = ((-v0) % s // common) * pow(e // common, -1, period) % period
            if m0 < c:
                found.append(((v0 + m0 * e) // s, e // common, (c - 1 - m0) // period + 1))
    return _normalise(found, g.input_size)


def _axis_field(layers: Sequence[ConvSpec], axis: int, index: int) -> np.ndarray:
    pieces: list[Progression] = [(index, 1, 1)]
    for layer in reversed(layers):
        pieces = _reads(pieces, layer.axes[axis])
        if not pieces:
            break
    return np.array(pieces, dtype=np.int64).reshape(-1, 3)


# -- one axis, every output: the widest span -----------------------------------------------
def _range_reduce(values: np.ndarray, step: int, starts: np.ndarray, counts: np.ndarray,
                  op: Any) -> np.ndarray:
    """op over values[x], values[x + step], … (count terms) for every start x (counts >= 1)."""
    flat, pos = values, starts
    if step > 1:  # lay each residue class mod step out contiguously
        cell = np.arange(values.size, dtype=np.int64)
        order = np.argsort(cell % step, kind="stable")
        rank = np.empty_like(order)
        rank[order] = cell
        flat, pos = values[order], rank[starts]
    levels = [flat]
    while (1 << len(levels)) <= int(counts.max(initial=1)):
        half = 1 << (len(levels) - 1)
        prev = levels[-1]
        levels.append(op(prev[:-half], prev[half:]) if prev.size > half else prev[:0])
    out = np.empty(starts.size, dtype=values.dtype)
    level = np.frexp(counts.astype(np.float64))[1].astype(np.int64) - 1  # ⌊log2 count⌋
    for lv, table in enumerate(levels):
        sel = level == lv
        if not sel.any():
            continue
        width = 1 << lv
        out[sel] = op(table[pos[sel]], table[pos[sel] + counts[sel] - width])
    return out


def _step_spans(g: AxisGeometry, lo: np.ndarray, hi: np.ndarray, off_in: int,
                out_cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First/last input cell of every output in ``out_cells`` from those of the inputs
    (``lo``/``hi`` describe inputs off_in, off_in + 1, …)."""
    s, d, k, p, i = g.stride, g.dilation, g.kernel_size, g.pad_before, g.input_size
    v = out_cells
    if not g.transposed:  # inputs v·s − p + t·d, t in [t_lo, t_hi]
        t_lo = np.maximum(0, -((v * s - p) // d))
        t_hi = np.minimum(k - 1, (i - 1 + p - v * s) // d)
        start, step, count = v * s - p + t_lo * d, d, t_hi - t_lo + 1
    else:  # inputs (v + p − t·d)/s for t ≡ t0 (mod s/g): j_top − m·(d/g)
        common = math.gcd(d, s)
        period, jump = s // common, d // common
        ok = (v + p) % common == 0
        t0 = ((v + p) // common % period) * pow(jump % period or 1, -1, period) % period
        m_max = np.where(t0 <= k - 1, (k - 1 - t0) // period, -1)
        j_top = (v + p - t0 * d) // s
        m1 = np.maximum(0, -((i - 1 - j_top) // jump))
        m2 = np.minimum(m_max, j_top // jump)
        count = np.where(ok, m2 - m1 + 1, 0)
        start, step = j_top - m2 * jump, jump
    some = count > 0
    out_lo = np.full(v.size, _NO_CELL, dtype=np.int64)
    out_hi = np.full(v.size, -1, dtype=np.int64)
    if some.any():
        starts = start[some] - off_in
        out_lo[some] = _range_reduce(lo, step, starts, count[some], np.minimum)
        out_hi[some] = _range_reduce(hi, step, starts, count[some], np.maximum)
    return out_lo, out_hi


def _hull_before(g: AxisGeometry, first: int, last: int) -> tuple[int, int]:
    """Unclipped range of input cells that outputs first … last can read."""
    s, p, k_hat = g.stride, g.pad_before, g.effective_kernel
    if g.transposed:
        return -((k_hat - 1 - first - p) // s), (last + p) // s
    return first * s - p, last * s - p + k_hat - 1


def _window_span(layers: Sequence[ConvSpec], axis: int, first: int, last: int) -> int:
    """The widest field among outputs first … last of the stack (exact)."""
    windows = [(first, last)]
    for layer in reversed(layers):
        g = layer.axes[axis]
        first_read, last_read = _hull_before(g, *windows[-1])
        windows.append((max(first_read, 0), min(last_read, g.input_size - 1)))
    windows.reverse()  # windows[l]: cells of layer l's input that matter (l = len: output)
    lo = np.arange(windows[0][0], windows[0][1] + 1, dtype=np.int64)
    hi = lo.copy()
    for n, layer in enumerate(layers):
        out_a, out_b = windows[n + 1]
        cells = np.arange(out_a, out_b + 1, dtype=np.int64)
        lo, hi = _step_spans(layer.axes[axis], lo, hi, windows[n][0], cells)
    real = hi >= 0
    return int((hi[real] - lo[real]).max(initial=-1)) + 1


def _widest_span(layers: Sequence[ConvSpec], axis: int) -> int:
    """Widest field over every output along one axis, on the borders plus one period."""
    out = layers[-1].axes[axis].output_size

    def inside(o: int, side: int) -> bool:  # does output o's cone stay in bounds on side?
        lo = hi = o
        for layer in reversed(layers):
            g = layer.axes[axis]
            lo, hi = _hull_before(g, lo, hi)
            if (lo < 0) if side < 0 else (hi > g.input_size - 1):
                return False
        return True

    left_lo, left_hi = 0, out  # first output whose cone stays right of 0
    while left_lo < left_hi:
        mid = (left_lo + left_hi) // 2
        left_lo, left_hi = (left_lo, mid) if inside(mid, -1) else (mid + 1, left_hi)
    right_lo, right_hi = -1, out - 1  # last output whose cone stays left of the end
    while right_lo < right_hi:
        mid = (right_lo + right_hi + 1) // 2
        right_lo, right_hi = (mid, right_hi) if inside(mid, 1) else (right_lo, mid - 1)
    period = math.prod(layer.axes[axis].stride for layer in layers if layer.transposed)
    first_inner, last_inner = left_lo, right_lo
    if last_inner - first_inner + 1 < 2 * period:
        return _window_span(layers, axis, 0, out - 1)
    # inner outputs o and o + period read translated fields: one period of them suffices
    return max(_window_span(layers, axis, 0, first_inner + period - 1),
               _window_span(layers, axis, last_inner + 1, out - 1))


# -- the public functions ------------------------------------------------------------------
def check_stack(specs: ConvSpec | Sequence[ConvSpec]) -> list[ConvSpec]:
    """A stack of layers as a list, validated: at least one ConvSpec, and every
    layer's input_size equal to the previous layer's output_size (SpecError)."""
    if isinstance(specs, ConvSpec):
        layers = [specs]
    elif isinstance(specs, (str, bytes)) or not isinstance(specs, Sequence):
        raise TypeError(
            f"specs must be a ConvSpec or a sequence of ConvSpecs, got {type(specs).__name__} "
            f"{specs!r:.60}"
        )
    else:
        layers = list(specs)
    if not layers:
        raise SpecError("specs must hold at least one ConvSpec, got an empty sequence")
    for n, layer in enumerate(layers):
        if not isinstance(layer, ConvSpec):
            raise SpecError(f"specs[{n}] must be a ConvSpec, got {type(layer).__name__}")
    for n in range(1, len(layers)):
        if layers[n].input_size != layers[n - 1].output_size:
            raise SpecError(
                f"specs[{n}].input_size={layers[n].input_size} must equal "
                f"specs[{n - 1}].output_size={layers[n - 1].output_size}"
            )
    return layers


def _output_index(output_index: Any, out_size: tuple[int, ...]) -> tuple[int, ...]:
    ndim = len(out_size)
    def whole(v: Any) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
    if whole(output_index):
        index: tuple[Any, ...] = (int(output_index),) * ndim
    elif isinstance(output_index, (tuple, list, np.ndarray)) and all(
        whole(v) for v in output_index
    ):
        index = tuple(int(v) for v in output_index)
    else:
        raise TypeError(
            f"output_index must be an int or a tuple of {ndim} ints (a cell of the output "
            f"{out_size}), got {output_index!r}"
        )
    if len(index) != ndim or not all(0 <= v < n for v, n in zip(index, out_size)):
        raise SpecError(f"output_index={output_index!r} is not a cell of the output {out_size}")
    return index


def receptive_field(
    specs: ConvSpec | Sequence[ConvSpec], output_index: Sequence[int] | int | None = None
) -> ReceptiveField:
    """The receptive field of a stack of convolutions (layer 0 reads the input).

    With ``output_index`` (a cell of the last layer's output) the result's
    ``progressions`` and ``mask`` hold exactly the input cells that cell
    depends on (padding and inserted zeros excluded). Closed form per axis:
    the cost does not grow with the length of the axes.

    >>> rf = receptive_field([ConvSpec((9,), 3, dilation=d) for d in (1,)], 2)
    >>> rf.size, rf.axis_cells(0).tolist()
    ((3,), [2, 3, 4])
    """
    layers = check_stack(specs)
    ndim = layers[0].ndim
    if any(layer.ndim != ndim for layer in layers):
        raise SpecError("all specs of a stack must have the same number of dimensions")
    size = []
    for axis in range(ndim):
        if any(layer.transposed for layer in layers):
            size.append(_widest_span(layers, axis))
            continue
        r, jump = 1, 1
        for layer in layers:
            g = layer.axes[axis]
            r += (g.effective_kernel - 1) * jump
            jump *= g.stride
        size.append(r)
    if output_index is None:
        return ReceptiveField(tuple(size), None)
    index = _output_index(output_index, layers[-1].output_size)
    fields = tuple(_axis_field(layers, axis, v) for axis, v in enumerate(index))
    for f in fields:
        f.flags.writeable = False
    return ReceptiveField(tuple(size), index, progressions=fields,
                          input_size=layers[0].input_size)
