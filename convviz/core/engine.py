"""Numbers computed *through* the index maps of a ConvSpec.

``apply`` and ``pool`` gather canvas cells with ``spec.taps`` and weight them
with ``spec.weight_taps``: they prove the maps that every picture is drawn
from. ``receptive_field`` follows ``spec.input_taps`` back through a stack.
NumPy only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from convviz.core.spec import ConvSpec
from convviz.errors import SpecError

__all__ = ["ReceptiveField", "apply", "canvas_values", "pool", "receptive_field"]


def _split_batch(spec: ConvSpec, x: np.ndarray) -> tuple[np.ndarray, int]:
    """Return x as (N, C, *input) and how many leading dims the caller gave (0, 1, 2)."""
    x = np.asarray(x)
    extra = x.ndim - spec.ndim
    if extra not in (0, 1, 2):
        raise SpecError(
            f"x must have shape input_size {spec.input_size}, (C, *input_size) or "
            f"(N, C, *input_size); got shape {x.shape}"
        )
    if tuple(x.shape[extra:]) != spec.input_size:
        raise SpecError(
            f"x has spatial shape {tuple(x.shape[extra:])} but the spec's input_size is "
            f"{spec.input_size}"
        )
    return x.reshape((1,) * (2 - extra) + x.shape), extra


def canvas_values(spec: ConvSpec, x: np.ndarray, fill: float = 0) -> np.ndarray:
    """Place x on the drawn canvas: shape (..., *canvas_size), ``fill`` elsewhere.

    x is (..., *input_size); the leading dimensions are kept.
    """
    x = np.asarray(x)
    lead = x.shape[: x.ndim - spec.ndim]
    dtype = x.dtype if fill == 0 else np.result_type(x.dtype, np.asarray(fill).dtype)
    canvas = np.full(lead + spec.canvas_size, fill, dtype=dtype)
    positions = np.ix_(*[g.input_positions() for g in spec.axes])
    canvas[(Ellipsis,) + positions] = x
    return canvas


def _gather(spec: ConvSpec, canvas: np.ndarray) -> np.ndarray:
    """(..., *canvas) -> (..., O, K): the canvas value at every output cell's taps."""
    flat_taps = np.ravel_multi_index(np.moveaxis(spec.taps, -1, 0), spec.canvas_size)
    out_cells = math.prod(spec.output_size)
    flat_taps = flat_taps.reshape(out_cells, -1)
    lead = canvas.shape[: canvas.ndim - spec.ndim]
    return canvas.reshape(lead + (-1,))[..., flat_taps]


def apply(
    spec: ConvSpec, x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None
) -> np.ndarray:
    """The convolution described by ``spec``, computed through its index map.

    Shapes:

    - ``x`` shaped ``input_size`` with ``w`` shaped ``kernel_size`` (one channel), or
    - ``x`` (C_in, *input_size) or (N, C_in, *input_size) with ``w`` in PyTorch's
      layout: (C_out, C_in/g, *k), transposed (C_in, C_out/g, *k).

    Cross-correlation, as PyTorch and Keras compute it; a transposed spec
    equals ``torch.nn.functional.conv_transpose``. Integer inputs give
    integer outputs. The result has x's leading dimensions and ``output_size``.

    >>> apply(ConvSpec(3, 2), np.arange(9).reshape(3, 3), np.ones((2, 2), int))
    array([[ 8, 12],
           [20, 24]])
    """
    xb, extra = _split_batch(spec, x)
    w = np.asarray(w)
    g = spec.groups
    if extra == 0:
        if w.shape != spec.kernel_size:
            raise SpecError(
                f"w must have shape kernel_size {spec.kernel_size} for a single-channel x, "
                f"got {w.shape}"
            )
        if g != 1:
            raise SpecError(f"groups={g} needs channel-first x of shape (C_in, *input_size)")
        w = w.reshape((1, 1) + w.shape)
    if w.ndim != spec.ndim + 2 or tuple(w.shape[2:]) != spec.kernel_size:
        raise SpecError(
            f"w must have shape (C_out, C_in/groups, *kernel_size) (transposed: "
            f"(C_in, C_out/groups, *kernel_size)) with kernel_size {spec.kernel_size}; got {w.shape}"
        )
    n, c_in = xb.shape[:2]
    if c_in % g:
        raise SpecError(f"x has {c_in} channels, not divisible by groups={g}")
    if spec.transposed:
        if w.shape[0] != c_in:
            raise SpecError(f"w.shape[0]={w.shape[0]} must equal x's channels {c_in} (transposed)")
        c_out = w.shape[1] * g
        # (C_in, C_out/g, K) -> (g, C_out/g, C_in/g, K)
        wg = w.reshape(g, c_in // g, w.shape[1], -1).transpose(0, 2, 1, 3)
    else:
        if w.shape[1] * g != c_in:
            raise SpecError(
                f"w.shape[1]={w.shape[1]} must be x's channels / groups = {c_in}/{g}"
            )
        c_out = w.shape[0]
        if c_out % g:
            raise SpecError(f"w has {c_out} output channels, not divisible by groups={g}")
        wg = w.reshape(g, c_out // g, c_in // g, -1)
    for name, expected, got in (("in_channels", spec.in_channels, c_in), ("out_channels", spec.out_channels, c_out)):
        if expected is not None and expected != got:
            raise SpecError(f"the spec has {name}={expected} but x and w give {got}")
    # window position t uses weight tap weight_taps[t] (flipped when transposed)
    flat_weight = np.ravel_multi_index(
        np.moveaxis(spec.weight_taps, -1, 0), spec.kernel_size
    ).reshape(-1)
    wg = wg[..., flat_weight]
    gathered = _gather(spec, canvas_values(spec, xb))  # (N, C_in, O, K)
    gathered = gathered.reshape(n, g, c_in // g, *gathered.shape[2:])
    out = np.einsum("ngcok,gdck->ngdo", gathered, wg, optimize=True)
    out = out.reshape((n, c_out) + spec.output_size)
    if bias is not None:
        bias = np.asarray(bias)
        if bias.shape != (c_out,):
            raise SpecError(f"bias must have shape ({c_out},), got {bias.shape}")
        out = out + bias.reshape((c_out,) + (1,) * spec.ndim)
    return out.reshape(out.shape[2 - extra :]) if extra < 2 else out


def pool(
    spec: ConvSpec, x: np.ndarray, mode: str = "max", *, count_include_pad: bool = True
) -> np.ndarray:
    """Max or average pooling over the spec's windows, channel by channel.

    ``x`` is ``input_size``, (C, *input_size) or (N, C, *input_size). Max
    pooling ignores padding (as PyTorch pads with −∞); average pooling divides
    by the window size, or by the real cells in it when
    ``count_include_pad=False`` (Keras 'same').
    """
    if mode not in ("max", "avg"):
        raise SpecError(f"mode must be 'max' or 'avg', got {mode!r}")
    if spec.transposed:
        raise SpecError("pooling needs a direct spec, got transposed=True")
    xb, extra = _split_batch(spec, x)
    if mode == "max":
        gathered = _gather(spec, canvas_values(spec, xb.astype(np.float64), fill=-np.inf))
        out = gathered.max(axis=-1)
        if np.isneginf(out).any():
            raise SpecError(
                f"padding={spec.padding!r} leaves a max-pooling window with no input cell"
            )
    else:
        gathered = _gather(spec, canvas_values(spec, xb.astype(np.float64)))
        if count_include_pad:
            out = gathered.mean(axis=-1)
        else:
            real = _gather(spec, canvas_values(spec, np.ones(spec.input_size)))
            out = gathered.sum(axis=-1) / real.sum(axis=-1)
    out = out.reshape(xb.shape[:2] + spec.output_size)
    return out.reshape(out.shape[2 - extra :]) if extra < 2 else out


@dataclass(frozen=True)
class ReceptiveField:
    """Which input cells of a stack's first layer an output cell depends on.

    ``size``: per axis, 1 + Σ_l (k̂_l − 1)·Π_{j<l} s_j for a stack of direct
    convolutions (the receptive field away from the borders); for stacks with
    transposed layers, the widest span any output cell depends on.
    ``output_index``: the chosen output cell (or None); ``mask``: boolean array
    shaped like the first input, True on the cells it depends on.
    """

    size: tuple[int, ...]
    output_index: tuple[int, ...] | None
    mask: np.ndarray | None

    @property
    def cells(self) -> np.ndarray:
        """Coordinates of the cells in ``mask``, shape (n, ndim)."""
        if self.mask is None:
            raise SpecError("cells needs an output_index")
        return np.argwhere(self.mask)


def _axis_dependency(spec: ConvSpec, axis: int) -> np.ndarray:
    """Boolean (o, i) matrix: output o reads input i along one axis."""
    g = spec.axes[axis]
    taps = g.input_taps()
    dep = np.zeros((g.output_size, g.input_size), dtype=bool)
    rows = np.repeat(np.arange(g.output_size), g.kernel_size)
    cols = taps.reshape(-1)
    keep = cols >= 0
    dep[rows[keep], cols[keep]] = True
    return dep


def check_stack(specs: ConvSpec | Sequence[ConvSpec]) -> list[ConvSpec]:
    """A stack of layers as a list, validated: at least one ConvSpec, and every
    layer's input_size equal to the previous layer's output_size (SpecError)."""
    layers = [specs] if isinstance(specs, ConvSpec) else list(specs)
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


def receptive_field(
    specs: ConvSpec | Sequence[ConvSpec], output_index: Sequence[int] | int | None = None
) -> ReceptiveField:
    """The receptive field of a stack of convolutions (layer 0 reads the input).

    With ``output_index`` (a cell of the last layer's output) the result's
    ``mask`` marks exactly the input cells that cell depends on, following
    every layer's ``input_taps`` (padding and inserted zeros excluded).
    """
    layers = check_stack(specs)
    ndim = layers[0].ndim
    if any(layer.ndim != ndim for layer in layers):
        raise SpecError("all specs of a stack must have the same number of dimensions")
    # per axis: dependency matrix of the whole stack, (o_last, i_first)
    deps = []
    for axis in range(ndim):
        dep = _axis_dependency(layers[-1], axis)
        for layer in reversed(layers[:-1]):
            dep = (dep.astype(np.int64) @ _axis_dependency(layer, axis).astype(np.int64)) > 0
        deps.append(dep)
    if all(not layer.transposed for layer in layers):
        size = []
        for axis in range(ndim):
            r, jump = 1, 1
            for layer in layers:
                g = layer.axes[axis]
                r += (g.effective_kernel - 1) * jump
                jump *= g.stride
            size.append(r)
    else:
        size = []
        for dep in deps:
            spans = [np.flatnonzero(row) for row in dep]
            size.append(max((s[-1] - s[0] + 1 for s in spans if s.size), default=0))
    mask = None
    index: tuple[int, ...] | None = None
    if output_index is not None:
        index = (output_index,) * ndim if isinstance(output_index, (int, np.integer)) else tuple(output_index)
        out_size = layers[-1].output_size
        if len(index) != ndim or not all(0 <= v < n for v, n in zip(index, out_size)):
            raise SpecError(
                f"output_index={output_index!r} is not a cell of the output {out_size}"
            )
        rows = [dep[v] for dep, v in zip(deps, index)]
        mask = rows[0]
        for row in rows[1:]:
            mask = np.logical_and.outer(mask, row)
        mask.flags.writeable = False
    return ReceptiveField(tuple(int(v) for v in size), index, mask)
