"""ConvSpec: a frozen, validated description of one convolution.

Symbols follow Dumoulin & Visin, "A guide to convolution arithmetic":
i input size, k kernel size, s stride, p padding, d dilation,
k̂ = d(k − 1) + 1 the effective kernel size, o output size — all per axis.

Array conventions: axis 0 of a 2-D grid is the row, row 0 is the *top* row
(the one the animations visit first); "before" means top/left/start and
"after" bottom/right/end.

The *canvas* is the grid the classic animations draw under the kernel:

- direct convolution: the input with its padding, ``p_lo + i + p_hi`` cells;
  output ``o`` reads canvas cells ``o·s + t·d`` for taps ``t = 0 … k−1``.
- transposed convolution: the input with ``s − 1`` inserted zeros between
  neighbouring cells, padded ``k̂ − 1 − p_lo`` before and
  ``k̂ − 1 − p_hi + output_padding`` after; output ``o`` reads canvas cells
  ``o + t·d`` (a stride-1 convolution) with the kernel flipped, i.e. window
  position ``t`` uses weight tap ``k − 1 − t``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from convviz.core.axis import AxisGeometry, CellKind, is_whole
from convviz.errors import SpecError

__all__ = ["PADDING_NAMES", "AxisGeometry", "CellKind", "ConvSpec"]

PADDING_NAMES = ("valid", "same", "full", "causal")
MAX_MAP_ENTRIES = 1 << 28  #: the largest index map (entries) a spec builds, about 2 GB
TRANSPOSED_PADDING_NAMES = ("valid", "same")
MAX_NDIM = 3


_is_int = is_whole  # the name this module has always used


def _per_axis(name: str, value: Any, ndim: int, minimum: int) -> tuple[int, ...]:
    """Normalise an int-or-tuple argument to one int per axis, validated."""
    if _is_int(value):
        values = (int(value),) * ndim
    elif isinstance(value, (tuple, list)):
        if len(value) != ndim:
            raise SpecError(
                f"{name} must be an int or a tuple of {ndim} ints (one per axis), "
                f"got {value!r} with {len(value)} values"
            )
        if not all(_is_int(v) for v in value):
            raise SpecError(f"{name} must hold whole numbers, got {value!r}")
        values = tuple(int(v) for v in value)
    else:
        raise SpecError(f"{name} must be an int or a tuple of ints, got {value!r}")
    for v in values:
        if v < minimum:
            raise SpecError(f"{name} must be >= {minimum} on every axis, got {value!r}")
    return values


def _normalise_padding(
    padding: Any, ndim: int, transposed: bool
) -> str | tuple[tuple[int, int], ...]:
    """Return the padding as a lower-case name or one (before, after) pair per axis."""
    if isinstance(padding, str):
        name = padding.lower()
        allowed = TRANSPOSED_PADDING_NAMES if transposed else PADDING_NAMES
        if name not in allowed:
            kind = "a transposed convolution" if transposed else "a convolution"
            raise SpecError(
                f"padding {padding!r} is not a padding name for {kind}; "
                f"use one of {', '.join(allowed)} or whole numbers"
            )
        return name
    if _is_int(padding):
        if padding < 0:
            raise SpecError(f"padding must be >= 0, got {padding}")
        return ((int(padding), int(padding)),) * ndim
    if isinstance(padding, (tuple, list)):
        if len(padding) != ndim:
            raise SpecError(
                f"padding must have one entry per axis ({ndim}), got {padding!r} with "
                f"{len(padding)}; per-side padding is a pair per axis, e.g. "
                f"{tuple((1, 2) for _ in range(ndim))!r}"
            )
        pairs = []
        for entry in padding:
            if _is_int(entry):
                pair = (int(entry), int(entry))
            elif (
                isinstance(entry, (tuple, list))
                and len(entry) == 2
                and all(_is_int(v) for v in entry)
            ):
                pair = (int(entry[0]), int(entry[1]))
            else:
                raise SpecError(
                    f"padding entries must be ints or (before, after) pairs, got {entry!r} "
                    f"in {padding!r}"
                )
            if min(pair) < 0:
                raise SpecError(f"padding must be >= 0 on every side, got {padding!r}")
            pairs.append(pair)
        return tuple(pairs)
    raise SpecError(
        f"padding must be an int, a tuple, or one of {', '.join(PADDING_NAMES)}; got {padding!r}"
    )


def _size_tuple(name: str, value: Any, ndim: int | None) -> tuple[int, ...]:
    if _is_int(value):
        count = 2 if ndim is None else ndim
        values: tuple[int, ...] = (int(value),) * count
    elif isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        values = tuple(int(v) for v in value)
        if not 1 <= len(values) <= MAX_NDIM:
            raise SpecError(
                f"{name} must have 1, 2 or 3 spatial dimensions, got {value!r} "
                f"({len(values)} values)"
            )
        if ndim is not None and len(values) != ndim:
            raise SpecError(
                f"{name} must have {ndim} values like input_size, got {value!r} "
                f"with {len(values)}"
            )
    else:
        raise SpecError(f"{name} must be an int or a tuple of ints, got {value!r}")
    if min(values) < 1:
        raise SpecError(f"{name} must be >= 1 on every axis, got {value!r}")
    return values


@dataclass(frozen=True)
class ConvSpec:
    """One convolution (or transposed convolution), validated on construction.

    ``input_size``: an int means a square 2-D input; a tuple's length gives the
    number of spatial dimensions (1, 2 or 3). ``kernel_size``, ``stride``,
    ``dilation`` and ``output_padding`` take an int or one value per axis.

    ``padding``: an int; one int per axis (symmetric, as in PyTorch); one
    ``(before, after)`` pair per axis; ``"valid"``; ``"same"`` (TensorFlow's
    rule: o = ⌈i/s⌉, the odd extra cell after); ``"full"`` (d(k−1) each
    side); ``"causal"`` (d(k−1) before). For transposed convolutions an int or
    tuple has PyTorch's meaning, ``"valid"`` is 0 and ``"same"`` gives
    o = i·s as Keras does.

    ``groups`` splits the channels; ``in_channels``/``out_channels`` default
    to ``groups`` and must be divisible by it.

    >>> ConvSpec(5, 3, stride=2, padding=1).output_size
    (3, 3)
    >>> same = ConvSpec((8,), 3, stride=2, padding="same")
    >>> same.padding_before, same.padding_after
    ((0,), (1,))
    """

    input_size: Any
    kernel_size: Any
    stride: Any = 1
    padding: Any = 0
    dilation: Any = 1
    transposed: bool = False
    output_padding: Any = 0
    groups: int = 1
    in_channels: int | None = None
    out_channels: int | None = None
    _axes: tuple[AxisGeometry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        input_size = _size_tuple("input_size", self.input_size, None)
        ndim = len(input_size)
        set_(self, "input_size", input_size)
        set_(self, "kernel_size", _size_tuple("kernel_size", self.kernel_size, ndim))
        set_(self, "stride", _per_axis("stride", self.stride, ndim, 1))
        set_(self, "dilation", _per_axis("dilation", self.dilation, ndim, 1))
        if not isinstance(self.transposed, (bool, np.bool_)):
            raise SpecError(f"transposed must be True or False, got {self.transposed!r}")
        set_(self, "transposed", bool(self.transposed))
        set_(self, "output_padding", _per_axis("output_padding", self.output_padding, ndim, 0))
        set_(self, "padding", _normalise_padding(self.padding, ndim, self.transposed))
        self._validate_channels()
        set_(self, "_axes", tuple(self._make_axes()))
        for axis, geometry in enumerate(self._axes):
            if geometry.output_size < 1:
                raise SpecError(self._too_small_message(axis, geometry))

    # -- validation --------------------------------------------------------------
    def _validate_channels(self) -> None:
        if not _is_int(self.groups) or self.groups < 1:
            raise SpecError(f"groups must be a whole number >= 1, got {self.groups!r}")
        object.__setattr__(self, "groups", int(self.groups))
        for name in ("in_channels", "out_channels"):
            value = getattr(self, name)
            if value is None:
                continue
            if not _is_int(value) or value < 1:
                raise SpecError(f"{name} must be a whole number >= 1, got {value!r}")
            if value % self.groups:
                raise SpecError(
                    f"{name}={value} is not divisible by groups={self.groups}; "
                    "each group needs the same number of channels"
                )
            object.__setattr__(self, name, int(value))

    def _too_small_message(self, axis: int, g: AxisGeometry) -> str:
        where = f" on axis {axis}" if self.ndim > 1 else ""
        if self.transposed:
            return (
                f"padding={self.padding!r} crops the whole output{where}: "
                f"(i−1)s + k̂ − p_before − p_after + output_padding = "
                f"({g.input_size}−1)·{g.stride} + {g.effective_kernel} − {g.pad_before} − "
                f"{g.pad_after} + {g.output_padding} = {g.output_size}, it must be >= 1"
            )
        return (
            f"kernel_size={self.kernel_size!r} (effective {g.effective_kernel} with "
            f"dilation {g.dilation}) is wider than the padded input{where}: "
            f"{g.input_size} + {g.pad_before} + {g.pad_after} = "
            f"{g.input_size + g.pad_before + g.pad_after}"
        )

    def _make_axes(self) -> Iterable[AxisGeometry]:
        for a in range(self.ndim):
            i, k = self.input_size[a], self.kernel_size[a]
            s, d = self.stride[a], self.dilation[a]
            k_hat = d * (k - 1) + 1
            op = self.output_padding[a]
            if self.transposed:
                if op >= max(s, d):
                    raise SpecError(
                        f"output_padding={self.output_padding!r} must be smaller than "
                        f"max(stride, dilation) = {max(s, d)} on every axis"
                    )
                if self.padding == "same":
                    if op:
                        raise SpecError(
                            f"output_padding={self.output_padding!r} cannot be combined with "
                            "padding='same', which already fixes the output to i·s"
                        )
                    total = k_hat - s
                    lo, hi = (total // 2, total - total // 2) if total >= 0 else (0, 0)
                    op = max(s - k_hat, 0)
                elif self.padding == "valid":
                    lo = hi = 0
                else:
                    lo, hi = self.padding[a]
            else:
                if op:
                    raise SpecError(
                        f"output_padding={self.output_padding!r} applies only to transposed "
                        "convolutions; set transposed=True or drop it"
                    )
                if self.padding == "valid":
                    lo = hi = 0
                elif self.padding == "same":
                    o = -(-i // s)
                    total = max((o - 1) * s + k_hat - i, 0)
                    lo, hi = total // 2, total - total // 2
                elif self.padding == "full":
                    lo = hi = k_hat - 1
                elif self.padding == "causal":
                    lo, hi = k_hat - 1, 0
                else:
                    lo, hi = self.padding[a]
            yield AxisGeometry(i, k, s, d, lo, hi, self.transposed, op)

    # -- sizes ------------------------------------------------------------------------
    @property
    def ndim(self) -> int:
        """Number of spatial dimensions (1, 2 or 3)."""
        return len(self.input_size)

    @property
    def axes(self) -> tuple[AxisGeometry, ...]:
        """Per-axis geometry; every map of the spec is an outer product of these."""
        return self._axes

    @property
    def output_size(self) -> tuple[int, ...]:
        return tuple(g.output_size for g in self._axes)

    @property
    def effective_kernel_size(self) -> tuple[int, ...]:
        """k̂ = d(k − 1) + 1 per axis."""
        return tuple(g.effective_kernel for g in self._axes)

    @property
    def padding_before(self) -> tuple[int, ...]:
        """Padding applied before each axis (transposed: PyTorch's cropped padding)."""
        return tuple(g.pad_before for g in self._axes)

    @property
    def padding_after(self) -> tuple[int, ...]:
        return tuple(g.pad_after for g in self._axes)

    @property
    def applied_output_padding(self) -> tuple[int, ...]:
        """output_padding in effect (a transposed 'same' may need some when k̂ < s)."""
        return tuple(g.output_padding for g in self._axes)

    @property
    def canvas_size(self) -> tuple[int, ...]:
        """Size of the drawn grid (padded input, or stretched and padded input)."""
        return tuple(g.canvas_size for g in self._axes)

    @property
    def canvas_padding(self) -> tuple[tuple[int, int], ...]:
        """(before, after) cells of padding drawn on the canvas, per axis."""
        return tuple(g.canvas_padding for g in self._axes)

    @property
    def channels(self) -> tuple[int, int]:
        """(in_channels, out_channels), each defaulting to groups."""
        return (self.in_channels or self.groups, self.out_channels or self.groups)

    @property
    def parameter_count(self) -> int:
        """Weights plus biases: C_out · C_in/g · Π k + C_out."""
        c_in, c_out = self.channels
        return c_out * (c_in // self.groups) * math.prod(self.kernel_size) + c_out

    @property
    def multiply_count(self) -> int:
        """Multiplications of one forward pass: Π o · C_out · C_in/g · Π k (direct);
        Π i · C_in · C_out/g · Π k (transposed, scatter form)."""
        c_in, c_out = self.channels
        per_window = math.prod(self.kernel_size)
        if self.transposed:
            return math.prod(self.input_size) * c_in * (c_out // self.groups) * per_window
        return math.prod(self.output_size) * c_out * (c_in // self.groups) * per_window

    @property
    def frame_count(self) -> int:
        """One frame per output cell."""
        return math.prod(self.output_size)

    # -- index maps (read-only arrays, computed once) ----------------------------------
    def _check_map(self, name: str, shape: tuple[int, ...]) -> None:
        """Refuse to build an index map too large for memory (SpecError naming it)."""
        entries = math.prod(shape)
        if entries > MAX_MAP_ENTRIES:
            raise SpecError(
                f"{name} of {self.describe()} would hold {entries:,} entries, more than the "
                f"{MAX_MAP_ENTRIES:,} an index map may have; sizes, counts and describe() "
                "need no map"
            )

    @cached_property
    def canvas_kind(self) -> np.ndarray:
        """CellKind of every canvas cell, shape canvas_size (int8)."""
        self._check_map("canvas_kind", self.canvas_size)
        return _readonly(_outer_kind([g.canvas_kind() for g in self._axes]))

    @cached_property
    def canvas_input(self) -> np.ndarray:
        """For every canvas cell the input cell it shows, shape (*canvas, ndim); −1 if none."""
        self._check_map("canvas_input", self.canvas_size + (self.ndim,))
        return _readonly(_combine([g.canvas_input() for g in self._axes], invalid_if_any=True))

    @cached_property
    def taps(self) -> np.ndarray:
        """Canvas cell read by every output cell at every window position.

        Shape (*output_size, *kernel_size, ndim). For a transposed convolution the
        window position t uses weight tap ``weight_taps[t]`` (the kernel flipped).
        """
        self._check_map("taps", self.output_size + self.kernel_size + (self.ndim,))
        return _readonly(_combine_pairs([g.canvas_taps() for g in self._axes]))

    @cached_property
    def weight_taps(self) -> np.ndarray:
        """Kernel tap used at every window position, shape (*kernel_size, ndim)."""
        self._check_map("weight_taps", self.kernel_size + (self.ndim,))
        return _readonly(_combine([g.weight_taps() for g in self._axes], invalid_if_any=False))

    @cached_property
    def input_taps(self) -> np.ndarray:
        """Input cell read by every output cell at every window position.

        Shape (*output_size, *kernel_size, ndim); all coordinates −1 where the
        window position lies on padding or an inserted zero.
        """
        self._check_map("input_taps", self.output_size + self.kernel_size + (self.ndim,))
        return _readonly(
            _combine_pairs([g.input_taps() for g in self._axes], invalid_if_any=True)
        )

    @cached_property
    def scatter_taps(self) -> np.ndarray:
        """Output cell each input cell writes through each weight tap (the scatter view).

        Shape (*input_size, *kernel_size, ndim); all −1 where the contribution
        is cropped (or, for a direct convolution, never made).
        """
        self._check_map("scatter_taps", self.input_size + self.kernel_size + (self.ndim,))
        return _readonly(
            _combine_pairs([g.scatter_taps() for g in self._axes], invalid_if_any=True)
        )

    # -- derived specs -------------------------------------------------------------------
    def transpose(self) -> ConvSpec:
        """The transposed convolution of this one (or the direct one of a transposed).

        Its output size is this spec's input size; output_padding takes the
        remainder a = (i + p_lo + p_hi − k̂) mod s, as PyTorch needs.
        """
        pads = tuple(zip(self.padding_before, self.padding_after))
        common = dict(
            kernel_size=self.kernel_size,
            stride=self.stride,
            dilation=self.dilation,
            groups=self.groups,
            in_channels=self.out_channels,
            out_channels=self.in_channels,
        )
        if self.transposed:
            return ConvSpec(self.output_size, padding=pads, **common)
        extra = tuple(
            (g.input_size + g.pad_before + g.pad_after - g.effective_kernel) % g.stride
            for g in self._axes
        )
        return ConvSpec(
            self.output_size, padding=pads, transposed=True, output_padding=extra, **common
        )

    def describe(self) -> str:
        """A short one-line description with the paper's symbols."""
        def fmt(values: Sequence[int]) -> str:
            return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))

        parts = [f"i={fmt(self.input_size)}", f"k={fmt(self.kernel_size)}"]
        if set(self.stride) != {1}:
            parts.append(f"s={fmt(self.stride)}")
        pads = self.padding_before + self.padding_after
        if isinstance(self.padding, str):
            parts.append(f"p={self.padding}")
        elif self.padding_before == self.padding_after:
            parts.append(f"p={fmt(self.padding_before)}")
        elif any(pads):
            parts.append(
                "p=" + ",".join(f"{b}/{a}" for b, a in zip(self.padding_before, self.padding_after))
            )
        else:
            parts.append("p=0")
        if set(self.dilation) != {1}:
            parts.append(f"d={fmt(self.dilation)}")
        if any(self.output_padding):
            parts.append(f"op={fmt(self.output_padding)}")
        if self.groups != 1:
            parts.append(f"g={self.groups}")
        parts.append(f"o={fmt(self.output_size)}")
        text = ", ".join(parts)
        return text + (", transposed" if self.transposed else "")


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


# A cell is padding if it is padding along any axis, else an inserted zero if it
# is one along any axis, else an input cell: combine per-axis kinds by rank.
_KIND_RANK = np.array([0, 2, 1], dtype=np.int8)  # INPUT, PADDING, ZERO -> rank
_RANK_KIND = np.array([CellKind.INPUT, CellKind.ZERO, CellKind.PADDING], dtype=np.int8)


def _outer_kind(per_axis: list[np.ndarray]) -> np.ndarray:
    """N-D CellKind grid from the per-axis kinds."""
    out = _KIND_RANK[per_axis[0]]
    for arr in per_axis[1:]:
        out = np.maximum.outer(out, _KIND_RANK[arr])
    return np.ascontiguousarray(_RANK_KIND[out])


def _combine(per_axis: list[np.ndarray], invalid_if_any: bool) -> np.ndarray:
    """Stack 1-D per-axis arrays into an (*sizes, ndim) grid of coordinates."""
    grids = np.meshgrid(*per_axis, indexing="ij")
    out = np.stack(grids, axis=-1)
    if invalid_if_any:
        out[(out < 0).any(axis=-1)] = -1
    return out


def _combine_pairs(per_axis: list[np.ndarray], invalid_if_any: bool = False) -> np.ndarray:
    """From per-axis (n_a, k_a) arrays build (*n, *k, ndim) coordinates."""
    ndim = len(per_axis)
    shape = tuple(a.shape[0] for a in per_axis) + tuple(a.shape[1] for a in per_axis)
    out = np.empty(shape + (ndim,), dtype=np.intp)
    for axis, arr in enumerate(per_axis):
        view = [1] * (2 * ndim)
        view[axis] = arr.shape[0]
        view[ndim + axis] = arr.shape[1]
        out[..., axis] = arr.reshape(view)
    if invalid_if_any and ndim > 1:
        out[(out < 0).any(axis=-1)] = -1
    return out
