"""Numbers computed *through* the index maps of a ConvSpec.

``apply`` and ``pool`` gather canvas cells with ``spec.taps`` and weight them
with ``spec.weight_taps``: they prove the maps that every picture is drawn
from. ``receptive_field`` (in :mod:`convviz.core.field`, re-exported here)
follows the same reading rules back through a stack in closed form.

Inputs are arrays of real numbers. Booleans and integers of any width are
computed as int64 (so int8 or uint8 inputs never wrap around); floats keep
their type; complex, string and object arrays are refused with a TypeError
naming the argument. NaN and ±inf propagate as IEEE arithmetic says (a NaN
in a window gives NaN, inf − inf gives NaN). NumPy only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from convviz.core.field import ReceptiveField, check_stack, receptive_field
from convviz.core.spec import MAX_MAP_ENTRIES, ConvSpec
from convviz.errors import SpecError

__all__ = [
    "ReceptiveField",
    "apply",
    "canvas_values",
    "check_stack",
    "pool",
    "real_array",
    "receptive_field",
]

_INT64_MAX = np.iinfo(np.int64).max


def real_array(name: str, value: Any) -> np.ndarray:
    """``value`` as an array of real numbers, named ``name`` in errors.

    Booleans and integers become int64 (wide enough that small integer types
    never wrap); floating types are kept; complex, text and object values
    raise TypeError.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got the text {value!r:.60}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {value!r:.60} ({exc})") from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} must hold real numbers, got complex dtype {arr.dtype}; convolve the real "
            "and imaginary parts separately"
        )
    if kind == "u" and arr.dtype.itemsize == 8 and arr.size and int(arr.max()) > _INT64_MAX:
        raise SpecError(f"{name} holds values above {_INT64_MAX}, too large for int64 arithmetic")
    if kind in "biu":
        return arr.astype(np.int64)
    if kind != "f":
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    return arr


def _check_spec(spec: Any) -> ConvSpec:
    if not isinstance(spec, ConvSpec):
        raise TypeError(f"spec must be a ConvSpec, got {type(spec).__name__} {spec!r:.60}")
    return spec


def _split_batch(spec: ConvSpec, x: np.ndarray) -> tuple[np.ndarray, int]:
    """Return x as (N, C, *input) and how many leading dims the caller gave (0, 1, 2)."""
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
    if extra and x.shape[-spec.ndim - 1] == 0:
        raise SpecError(f"x must have at least one channel, got shape {x.shape}")
    return x.reshape((1,) * (2 - extra) + x.shape), extra


def canvas_values(spec: ConvSpec, x: np.ndarray, fill: float = 0) -> np.ndarray:
    """Place x on the drawn canvas: shape (..., *canvas_size), ``fill`` elsewhere.

    x is (..., *input_size); the leading dimensions are kept.
    """
    spec = _check_spec(spec)
    x = real_array("x", x)
    fill_value = real_array("fill", fill)
    if fill_value.ndim:
        raise TypeError(f"fill must be one number, got {fill!r:.60}")
    if x.ndim < spec.ndim or x.shape[x.ndim - spec.ndim :] != spec.input_size:
        raise SpecError(
            f"x must have shape (..., *input_size) with input_size {spec.input_size}, "
            f"got shape {x.shape}"
        )
    lead = x.shape[: x.ndim - spec.ndim]
    cells = math.prod(lead + spec.canvas_size)
    if cells > MAX_MAP_ENTRIES:
        raise SpecError(
            f"the canvas of {spec.describe()} would hold {cells:,} cells, more than the "
            f"{MAX_MAP_ENTRIES:,} an array here may have"
        )
    dtype = x.dtype if fill == 0 else np.result_type(x.dtype, fill_value.dtype)
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
    return canvas.reshape(lead + (math.prod(spec.canvas_size),))[..., flat_taps]


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
    integer outputs, computed in int64 (bool and small integer types are
    widened, never wrapped); complex inputs raise TypeError. The result has
    x's leading dimensions (a batch may be empty) and ``output_size``.

    >>> apply(ConvSpec(3, 2), np.arange(9).reshape(3, 3), np.ones((2, 2), int))
    array([[ 8, 12],
           [20, 24]])
    """
    spec = _check_spec(spec)
    xb, extra = _split_batch(spec, real_array("x", x))
    w = real_array("w", w)
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
            f"(C_in, C_out/groups, *kernel_size)) with kernel_size {spec.kernel_size}; "
            f"got {w.shape}"
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
    if bias is not None:
        bias = real_array("bias", bias)
        if bias.shape != (c_out,):
            raise SpecError(f"bias must have shape ({c_out},), got {bias.shape}")
    for name, expected, got in (
        ("in_channels", spec.in_channels, c_in),
        ("out_channels", spec.out_channels, c_out),
    ):
        if expected is not None and expected != got:
            raise SpecError(f"the spec has {name}={expected} but x and w give {got}")
    _check_integer_range(xb, wg, bias)
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
        out = out + bias.reshape((c_out,) + (1,) * spec.ndim)
    return out.reshape(out.shape[2 - extra :]) if extra < 2 else out


def _real_counts(spec: ConvSpec) -> np.ndarray:
    """How many real input cells every window holds, shape (Π output_size,)."""
    return _gather(spec, canvas_values(spec, np.ones(spec.input_size, np.int64))).sum(axis=-1)


def _largest(arr: np.ndarray) -> int:
    return max(abs(int(arr.min())), abs(int(arr.max()))) if arr.size else 0


def _check_integer_range(
    x: np.ndarray, w: np.ndarray, bias: np.ndarray | None
) -> None:
    """Integer inputs are summed in int64: refuse values whose sums could leave it.

    ``w`` is grouped, (g, C_out/g, C_in/g, K): every output sums C_in/g · K products.
    """
    arrays = [a for a in (x, w, bias) if a is not None]
    if not all(a.dtype == np.int64 for a in arrays):
        return
    terms = w.shape[2] * w.shape[3]
    bound = _largest(x) * _largest(w) * terms + (_largest(bias) if bias is not None else 0)
    if bound > _INT64_MAX:
        raise SpecError(
            f"x and w hold integers up to {_largest(x)} and {_largest(w)}: a sum of {terms} "
            f"products may reach {bound}, beyond int64; pass float64 arrays or smaller values"
        )


def pool(
    spec: ConvSpec, x: np.ndarray, mode: str = "max", *, count_include_pad: bool = True
) -> np.ndarray:
    """Max or average pooling over the spec's windows, channel by channel.

    ``x`` is ``input_size``, (C, *input_size) or (N, C, *input_size). Max
    pooling ignores padding (as PyTorch pads with −∞); average pooling divides
    by the window size, or by the real cells in it when
    ``count_include_pad=False`` (Keras 'same'). Computed in float64; complex
    inputs raise TypeError; NaN propagates (a NaN in a window gives NaN).
    """
    spec = _check_spec(spec)
    if not isinstance(mode, str) or mode not in ("max", "avg"):
        raise SpecError(f"mode must be 'max' or 'avg', got {mode!r}")
    if not isinstance(count_include_pad, (bool, np.bool_)):
        raise TypeError(f"count_include_pad must be True or False, got {count_include_pad!r}")
    if spec.transposed:
        raise SpecError("pooling needs a direct spec, got transposed=True")
    xb, extra = _split_batch(spec, real_array("x", x))
    if mode == "max":
        gathered = _gather(spec, canvas_values(spec, xb.astype(np.float64), fill=-np.inf))
        out = gathered.max(axis=-1)
        if np.isneginf(out).any() and not _real_counts(spec).all():  # −inf may be data
            raise SpecError(
                f"padding={spec.padding!r} leaves a max-pooling window with no input cell"
            )
    else:
        gathered = _gather(spec, canvas_values(spec, xb.astype(np.float64)))
        if count_include_pad:
            out = gathered.mean(axis=-1)
        else:
            out = gathered.sum(axis=-1) / _real_counts(spec)
    out = out.reshape(xb.shape[:2] + spec.output_size)
    return out.reshape(out.shape[2 - extra :]) if extra < 2 else out
