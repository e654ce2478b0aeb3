"""Gated 1-D convolutions: GLU and the DGCNN highway form, computed by the engine.

Dauphin et al. (2017), "Language Modeling with Gated Convolutional Networks":

    h(X) = (X∗W + b) ⊗ σ(X∗V + c)

two convolutions of the same shape with unshared weights; ⊗ is element-wise,
σ the sigmoid. With a residual (n = C): Y = X + h(X). DGCNN (Su Jianlin)
rewrites the residual block as a highway gate:

    Y = X ⊗ (1 − σ) + (X∗W + b) ⊗ σ,   σ = σ(X∗V + c)

Layouts follow PyTorch's Conv1d: ``x`` is (C, T) (channels, time), the
weights ``w`` and ``v`` are (n, C, k), the biases (n,). Both convolutions run
through :func:`convviz.apply` with a ``ConvSpec((T,), k, dilation=d,
padding=...)``: ``"causal"`` pads d(k−1) zeros before the sequence (output t
reads inputs t − d(k−1) … t), ``"same"`` splits them around it (the odd cell
after). Inputs are real numbers, computed in float64 (complex inputs raise
TypeError naming the argument; NaN and ±inf propagate as IEEE arithmetic
says). NumPy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.core.engine import apply, real_array
from convviz.core.spec import MAX_MAP_ENTRIES, ConvSpec
from convviz.errors import SpecError

__all__ = [
    "GatedCost",
    "GatedTrace",
    "gated_cost",
    "gated_spec",
    "gated_trace",
    "glu",
    "highway",
    "sigmoid",
]

_PADDINGS = ("causal", "same")


def sigmoid(z: Any) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z), computed without overflow (as ½(1 + tanh(z/2)))."""
    z = real_array("z", z).astype(np.float64)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def gated_spec(
    length: int, kernel_size: int, *, dilation: int = 1, padding: str = "causal",
    in_channels: int | None = None, out_channels: int | None = None,
) -> ConvSpec:
    """The ConvSpec of one of the block's two convolutions (T inputs, T outputs)."""
    _whole("length", length)
    _whole("kernel_size", kernel_size)
    if not isinstance(padding, str) or padding.lower() not in _PADDINGS:
        raise SpecError(
            f"padding must be 'causal' or 'same' for a gated block (the output keeps the "
            f"input's length), got {padding!r}"
        )
    return ConvSpec(
        (length,), kernel_size, dilation=dilation, padding=padding.lower(),
        in_channels=in_channels, out_channels=out_channels,
    )


@dataclass(frozen=True)
class GatedTrace:
    """Every intermediate tensor of one gated block (float64 arrays).

    ``x`` (C, T); ``padded`` (C, T + d(k−1)), the input as the convolutions
    read it; ``a`` = X∗W + b and ``b`` = X∗V + c, both (n, T); ``gate`` = σ(b);
    ``h`` = a ⊗ gate; ``y`` the block's output: h, X + h (residual) or
    X ⊗ (1 − gate) + h (highway).
    """

    spec: ConvSpec
    form: str  # "glu" | "highway"
    residual: bool
    x: np.ndarray
    padded: np.ndarray
    a: np.ndarray
    b: np.ndarray
    gate: np.ndarray
    h: np.ndarray
    y: np.ndarray
    w: np.ndarray | None = None  #: the value weights W (n, C, k)
    v: np.ndarray | None = None  #: the gate weights V (n, C, k)
    bias_w: np.ndarray | None = None  #: b (n,) or None
    bias_v: np.ndarray | None = None  #: c (n,) or None


def _whole(name: str, value: Any) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a whole number, got {value!r:.60}")
    if value < 1:
        raise SpecError(f"{name} must be >= 1, got {value}")


def _array(name: str, value: Any, ndim: int, shape_text: str) -> np.ndarray:
    arr = real_array(name, value).astype(np.float64)
    if arr.ndim != ndim:
        raise SpecError(f"{name} must have shape {shape_text}, got shape {arr.shape}")
    if ndim > 1 and 0 in arr.shape:
        raise SpecError(f"{name} must have shape {shape_text} with no empty axis, got {arr.shape}")
    return arr


def gated_trace(
    x: Any, w: Any, v: Any, b: Any = None, c: Any = None, *,
    dilation: int = 1, padding: str = "causal", residual: bool = False, form: str = "glu",
) -> GatedTrace:
    """Compute a gated block and keep every intermediate tensor (see GatedTrace).

    ``form="glu"``: y = (X∗W + b) ⊗ σ(X∗V + c) (+ X if ``residual``);
    ``form="highway"``: y = X ⊗ (1 − σ) + (X∗W + b) ⊗ σ. Both need
    n = C when the input is added back.
    """
    if form not in ("glu", "highway"):
        raise SpecError(f"form must be 'glu' or 'highway', got {form!r}")
    x = _array("x", x, 2, "(C, T): channels, time")
    w = _array("w", w, 3, "(n, C, k) as in PyTorch's Conv1d")
    v = _array("v", v, 3, "(n, C, k) as in PyTorch's Conv1d")
    if w.shape != v.shape:
        raise SpecError(
            f"w and v must have the same shape (two convolutions of one shape), got "
            f"w {w.shape} and v {v.shape}"
        )
    n, c_in, k = w.shape
    channels, length = x.shape
    if c_in != channels:
        raise SpecError(
            f"w has shape {w.shape}: w.shape[1]={c_in} must equal x's channels C={channels}"
        )
    biases: list[np.ndarray | None] = []
    for name, bias in (("b", b), ("c", c)):
        if bias is None:
            biases.append(None)
            continue
        arr = _array(name, bias, 1, f"({n},)")
        if arr.shape != (n,):
            raise SpecError(
                f"{name} must have shape ({n},) (one per output channel), got {arr.shape}"
            )
        biases.append(arr)
    if not isinstance(residual, (bool, np.bool_)):
        raise SpecError(f"residual must be True or False, got {residual!r}")
    adds_input = bool(residual) or form == "highway"
    if adds_input and n != channels:
        what = "residual=True" if form == "glu" else "the highway form"
        raise SpecError(
            f"{what} adds the input back, so the output channels n={n} must equal the "
            f"input channels C={channels}"
        )
    spec = gated_spec(
        length, k, dilation=dilation, padding=padding, in_channels=channels, out_channels=n
    )
    if spec.canvas_size[0] > MAX_MAP_ENTRIES // max(channels, 1):
        raise SpecError(
            f"dilation={dilation!r} with kernel size {k} pads the sequence to "
            f"{spec.canvas_size[0]:,} steps, too long to compute"
        )
    a = apply(spec, x, w, biases[0])
    pre_gate = apply(spec, x, v, biases[1])
    gate = sigmoid(pre_gate)
    h = a * gate
    if form == "highway":
        y = x * (1.0 - gate) + h
    else:
        y = x + h if residual else h
    padded = np.zeros((channels, spec.canvas_size[0]))
    start = spec.canvas_padding[0][0]
    padded[:, start : start + length] = x
    return GatedTrace(spec, form, bool(residual), x, padded, a, pre_gate, gate, h, y,
                      w, v, biases[0], biases[1])


def glu(
    x: Any, w: Any, v: Any, b: Any = None, c: Any = None, *,
    dilation: int = 1, padding: str = "causal", residual: bool = False,
) -> np.ndarray:
    """Gated linear unit over two 1-D convolutions: (X∗W + b) ⊗ σ(X∗V + c), shape (n, T).

    ``x`` (C, T); ``w``, ``v`` (n, C, k) (PyTorch's Conv1d layout, unshared);
    ``b``, ``c`` (n,) or None. ``padding="causal"`` (d(k−1) zeros before) or
    ``"same"``. ``residual=True`` adds X (needs n = C).

    >>> x = np.ones((1, 3)); w = np.ones((1, 1, 2)); v = np.zeros((1, 1, 2))
    >>> glu(x, w, v).tolist()   # causal: [1, 2, 2] ⊗ σ(0) = ½
    [[0.5, 1.0, 1.0]]
    """
    return gated_trace(
        x, w, v, b, c, dilation=dilation, padding=padding, residual=residual, form="glu"
    ).y


def highway(
    x: Any, w: Any, v: Any, b: Any = None, c: Any = None, *,
    dilation: int = 1, padding: str = "causal",
) -> np.ndarray:
    """DGCNN's gated block: X ⊗ (1 − σ) + (X∗W + b) ⊗ σ with σ = σ(X∗V + c), shape (C, T).

    The input passes straight through with weight 1 − σ, or transformed with
    weight σ; ``w`` and ``v`` are (C, C, k) (n = C).
    """
    return gated_trace(x, w, v, b, c, dilation=dilation, padding=padding, form="highway").y


@dataclass(frozen=True)
class GatedCost:
    """What one gated block costs for T steps, C inputs, n outputs, kernel k.

    ``parameters`` = 2·(k·C·n + n) (W, b, V, c); ``multiply_adds`` =
    2·T·k·C·n (both convolutions, padding taps included as frameworks compute
    them); ``sigmoids`` = T·n; ``products`` = T·n (highway: 2·T·n, A ⊗ σ and
    X ⊗ (1 − σ)); ``additions`` = T·n for the residual sum, 2·T·n for the
    highway form (1 − σ and the sum), 0 otherwise.
    """

    spec: ConvSpec
    parameters: int
    multiply_adds: int
    sigmoids: int
    products: int
    additions: int


def gated_cost(
    length: int, in_channels: int, out_channels: int, kernel_size: int, *,
    dilation: int = 1, padding: str = "causal", residual: bool = False, form: str = "glu",
) -> GatedCost:
    """Counts of one gated block, from the engine's ``parameter_count``/``multiply_count``."""
    if form not in ("glu", "highway"):
        raise SpecError(f"form must be 'glu' or 'highway', got {form!r}")
    if not isinstance(residual, (bool, np.bool_)):
        raise SpecError(f"residual must be True or False, got {residual!r}")
    _whole("in_channels", in_channels)
    _whole("out_channels", out_channels)
    spec = gated_spec(
        length, kernel_size, dilation=dilation, padding=padding,
        in_channels=in_channels, out_channels=out_channels,
    )
    elements = spec.output_size[0] * out_channels
    if form == "highway":
        products, adds = 2 * elements, 2 * elements
    else:
        products, adds = elements, (elements if residual else 0)
    return GatedCost(
        spec, 2 * spec.parameter_count, 2 * spec.multiply_count, elements, products, adds
    )
