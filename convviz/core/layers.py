"""Layers of a network as data, and the exact field arithmetic through them (NumPy free).

A :class:`Layer` is what a reader (PyTorch, Keras, text, ConvSpec) finds in a
model: its kind and parameters, without the input size. :meth:`Layer.spec`
turns it into a :class:`~convviz.core.spec.ConvSpec` once the input size is
known, so TensorFlow's ``'same'`` padding is computed exactly for that size.

:class:`AxisField` holds, for every cell o of a tensor along one axis, the first
and last network-input cell its field reaches (padding included: cells beyond
the input's borders count, as if the input went on). These are periodic:
``first(o + P) = first(o) + P·J`` with J the jump (a Fraction after transposed
layers) and P the period (the product of the transposed strides, reduced).
So one period of numbers describes a whole axis exactly, whatever its length.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from convviz.core.axis import is_whole
from convviz.core.spec import ConvSpec
from convviz.errors import SpecError

__all__ = ["KINDS", "AxisField", "EveryAxis", "Layer"]

#: layer kinds; "add" and "concat" merge branches (the field of a sum is the union)
KINDS = ("conv", "conv_transpose", "maxpool", "avgpool", "pad", "crop", "upsample",
         "add", "concat")
MAX_PERIOD = 1 << 16  #: the longest period of fields an axis may have (product of strides)


def _ints(name: str, value: Any, minimum: int) -> tuple[int, ...] | int:
    if is_whole(value):
        if value < minimum:
            raise SpecError(f"{name} must be >= {minimum}, got {value!r}")
        return int(value)
    if isinstance(value, (tuple, list)) and value and all(is_whole(v) for v in value):
        if min(value) < minimum:
            raise SpecError(f"{name} must be >= {minimum} on every axis, got {value!r}")
        return tuple(int(v) for v in value)
    raise SpecError(f"{name} must be an int or a tuple of ints, got {value!r}")


def _axis_values(name: str, value: Any, ndim: int) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * ndim
    if len(value) != ndim:
        raise SpecError(f"{name}={value!r} has {len(value)} values; the input has {ndim} axes")
    return tuple(value)


@dataclass(frozen=True)
class Layer:
    """One layer that changes or reads spatial geometry (no input size yet).

    ``kind``: one of :data:`KINDS`. ``kernel_size``, ``stride``, ``dilation``,
    ``output_padding``: an int or one per axis. ``padding``: as ConvSpec takes
    it (an int, per-axis ints or (before, after) pairs, or a name such as
    ``'same'``); for ``pad`` and ``crop`` the (before, after) cells added or
    removed. ``ceil_mode``: PyTorch pooling's rounding up (the last window may
    hang over the end). ``out_channels``: None keeps the input's channels.
    ``bias``: whether a convolution has one. ``depth_multiplier``: a depthwise
    convolution (groups = input channels, out = multiplier × input channels).
    ``name``: how the model calls it.
    """

    kind: str
    kernel_size: Any = 1
    stride: Any = 1
    padding: Any = 0
    dilation: Any = 1
    output_padding: Any = 0
    groups: int = 1
    in_channels: int | None = None
    out_channels: int | None = None
    bias: bool = True
    ceil_mode: bool = False
    depth_multiplier: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SpecError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        set_ = object.__setattr__
        set_(self, "kernel_size", _ints("kernel_size", self.kernel_size, 1))
        set_(self, "stride", _ints("stride", self.stride, 1))
        set_(self, "dilation", _ints("dilation", self.dilation, 1))
        set_(self, "output_padding", _ints("output_padding", self.output_padding, 0))
        if not is_whole(self.groups) or self.groups < 1:
            raise SpecError(f"groups must be a whole number >= 1, got {self.groups!r}")
        for attr in ("in_channels", "out_channels"):
            value = getattr(self, attr)
            if value is not None and (not is_whole(value) or value < 1):
                raise SpecError(f"{attr} must be a whole number >= 1, got {value!r}")

    @property
    def merges(self) -> bool:
        """True for the layers that merge branches (add, concat)."""
        return self.kind in ("add", "concat")

    def spec(self, input_size: tuple[int, ...], channels: int | None) -> ConvSpec | None:
        """The ConvSpec of this layer on an input of ``input_size`` (None for crop/merge)."""
        ndim = len(input_size)
        if self.kind in ("crop", "add", "concat"):
            return None
        if self.kind == "pad":
            return ConvSpec(input_size, 1, padding=side_pairs("padding", self.padding, ndim))
        if self.kind == "upsample":  # nearest: output o copies input ⌊o/s⌋
            return ConvSpec(input_size, self.stride, stride=self.stride, transposed=True)
        padding = self.padding
        if self.ceil_mode and self.kind in ("maxpool", "avgpool"):
            padding = self._ceil_padding(input_size)
        if self.kind in ("maxpool", "avgpool"):
            return ConvSpec(input_size, self.kernel_size, stride=self.stride, padding=padding,
                            dilation=self.dilation)
        groups, c_out = self.groups, self.out_channels
        c_in = self.in_channels if self.in_channels is not None else channels
        if self.depth_multiplier is not None:
            if c_in is None:
                raise SpecError(f"depthwise layer {self.name or self.kind!r} needs the number "
                                "of input channels (input_channels=...)")
            groups, c_out = c_in, c_in * self.depth_multiplier
        if self.in_channels is not None and channels is not None and self.in_channels != channels:
            raise SpecError(f"layer {self.name or self.kind!r} takes in_channels="
                            f"{self.in_channels} but its input has {channels} channels")
        return ConvSpec(input_size, self.kernel_size, stride=self.stride, padding=padding,
                        dilation=self.dilation, transposed=self.kind == "conv_transpose",
                        output_padding=self.output_padding, groups=groups,
                        in_channels=c_in, out_channels=c_out)

    def _ceil_padding(self, input_size: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        """PyTorch's ceil_mode as extra padding after: o = ⌈(i + 2p − k̂)/s⌉ + 1, minus one
        if that last window would start in the padding after the input."""
        ndim = len(input_size)
        pads = side_pairs("padding", self.padding, ndim)
        out = []
        for a, i in enumerate(input_size):
            k = _axis_values("kernel_size", self.kernel_size, ndim)[a]
            s = _axis_values("stride", self.stride, ndim)[a]
            d = _axis_values("dilation", self.dilation, ndim)[a]
            lo, hi = pads[a]
            k_hat = d * (k - 1) + 1
            o = -(-(i + lo + hi - k_hat) // s) + 1
            if (o - 1) * s >= i + lo:
                o -= 1
            out.append((lo, max(hi, (o - 1) * s + k_hat - i - lo)))
        return tuple(out)

    def with_name(self, name: str) -> Layer:
        return replace(self, name=name)


class EveryAxis(tuple):  # type: ignore[type-arg]
    """A (before, after) pair of padding or cropping meant for every axis."""


def side_pairs(name: str, padding: Any, ndim: int) -> tuple[tuple[int, int], ...]:
    """(before, after) per axis from an int, per-axis ints or per-axis pairs."""
    if isinstance(padding, EveryAxis) and len(padding) == 2 and all(map(is_whole, padding)):
        if min(padding) < 0:
            raise SpecError(f"{name} must be >= 0 on every side, got {tuple(padding)!r}")
        return (tuple(padding),) * ndim  # type: ignore[return-value]
    if is_whole(padding):
        return ((int(padding), int(padding)),) * ndim
    if isinstance(padding, (tuple, list)) and len(padding) == ndim:
        pairs = []
        for entry in padding:
            if is_whole(entry):
                pairs.append((int(entry), int(entry)))
            elif (isinstance(entry, (tuple, list)) and len(entry) == 2
                  and all(is_whole(v) for v in entry)):
                pairs.append((int(entry[0]), int(entry[1])))
            else:
                break
        else:
            if min(min(p) for p in pairs) < 0:
                raise SpecError(f"{name} must be >= 0 on every side, got {padding!r}")
            return tuple(pairs)
    raise SpecError(f"{name} must be an int, one int per axis or one (before, after) pair "
                    f"per axis ({ndim} axes), got {padding!r}")


# -- fields along one axis ------------------------------------------------------------------
Cell = tuple[int, int] | None  # (first, last) network-input cell, or None: reads nothing


@dataclass(frozen=True)
class AxisField:
    """First and last network-input cell (padding included) of every cell along one axis.

    ``cells[o]`` for o in [0, period) is (first, last) or None when that cell
    reads only inserted zeros; cell o + n·period has the field shifted by
    n·period·jump (a whole number).
    """

    period: int
    jump: Fraction
    cells: tuple[Cell, ...]

    def __post_init__(self) -> None:
        shift = self.period * self.jump  # the whole cells one period moves the fields
        if shift.denominator != 1:
            raise SpecError(f"period {self.period} × jump {self.jump} must be whole")
        object.__setattr__(self, "shift", int(shift))

    @classmethod
    def identity(cls) -> AxisField:
        """The network input: cell o sees exactly itself."""
        return cls(1, Fraction(1), ((0, 0),))

    def at(self, o: int) -> Cell:
        """The (first, last) cells that cell ``o`` (any integer) depends on."""
        n, r = divmod(o, self.period)
        cell = self.cells[r]
        if cell is None:
            return None
        shift = n * self.shift  # type: ignore[attr-defined]
        return (cell[0] + shift, cell[1] + shift)

    @property
    def size(self) -> int:
        """The widest field, last − first + 1, over every cell (0 if none reads anything)."""
        return max((b - a + 1 for a, b in (c for c in self.cells if c is not None)), default=0)

    @property
    def start(self) -> Fraction | None:
        """Centre of cell 0's field (None if it reads nothing)."""
        cell = self.cells[0]
        return None if cell is None else Fraction(cell[0] + cell[1], 2)

    def direct(self, k: int, s: int, d: int, p: int) -> AxisField:
        """Through a direct layer: output o reads cells o·s − p + t·d, t = 0 … k − 1."""
        if self.period == 1 and self.cells[0] is not None:  # one affine field: o·J + (a, b)
            (a, b), j = self.cells[0], self.shift  # type: ignore[attr-defined]
            jump = self.jump * s if s != 1 else self.jump
            return AxisField(1, jump, ((a - p * j, b + ((k - 1) * d - p) * j),))
        period = self.period // math.gcd(self.period, s)
        cells = [_hull(self.at(o * s - p + t * d) for t in range(k)) for o in range(period)]
        return _reduced(period, self.jump * s, cells)

    def transposed(self, k: int, s: int, d: int, p: int) -> AxisField:
        """Through a transposed layer: output o reads the cells j with j·s = o + p − t·d."""
        period = self.period * s
        if period > MAX_PERIOD:
            raise SpecError(f"the strides of the transposed layers multiply to a period of "
                            f"{period} cells, more than the {MAX_PERIOD} handled")
        cells = [
            _hull(self.at((o + p - t * d) // s) for t in range(k) if (o + p - t * d) % s == 0)
            for o in range(period)
        ]
        return _reduced(period, self.jump / s, cells)

    def union(self, other: AxisField, what: str) -> AxisField:
        """The field of a sum (or concatenation): both branches' cells, hull per cell."""
        if self.jump != other.jump:
            raise SpecError(f"{what} merges branches with different jumps ({self.jump} and "
                            f"{other.jump} input cells per cell); their fields do not line up")
        period = math.lcm(self.period, other.period)
        cells = [_hull((self.at(o), other.at(o))) for o in range(period)]
        return _reduced(period, self.jump, cells)


def _hull(cells: Any) -> Cell:
    found = [c for c in cells if c is not None]
    if not found:
        return None
    return (min(c[0] for c in found), max(c[1] for c in found))


def _reduced(period: int, jump: Fraction, cells: Sequence[Cell]) -> AxisField:
    """The same fields with the shortest period that repeats them."""
    field = AxisField(period, jump, tuple(cells))
    for q in sorted({q for q in range(1, period) if period % q == 0}):
        shift = q * jump
        if shift.denominator != 1:
            continue
        if all(_shifted(field.at(o), int(shift)) == field.at(o + q) for o in range(period)):
            return AxisField(q, jump, tuple(field.cells[:q]))
    return field


def _shifted(cell: Cell, by: int) -> Cell:
    return None if cell is None else (cell[0] + by, cell[1] + by)
