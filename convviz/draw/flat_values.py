"""The numbers the flat renderers print: one number format per picture, example
values found by a seeded search, and the kernel panel.

- :func:`number_format` — every number in a picture printed alike: all as
  integers, or all with the same number of decimals;
- :func:`example_values` — random integer inputs 0–3 and weights 0–2 from a
  seed, redrawn until every row and column of the input, of the kernel and
  of the output holds a non-zero value (in 1-D: every cell; output lines no
  input can reach excepted), so no line of the picture multiplies out to
  nothing (and a causal kernel's weight on the current step, its last tap,
  is never 0);
- :func:`kernel_panel` — a small grid of the kernel's weights, drawn under
  the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from convviz.core.spec import ConvSpec

__all__ = ["MINUS_INFINITY", "example_values", "kernel_panel", "lines_nonzero", "number_format",
           "spelled"]

#: how a cell that never takes part in a max (max-pool padding) is printed
MINUS_INFINITY = "−∞"

#: draws of the seeded search before giving up (the chance one draw fails is < 0.9)
_ATTEMPTS = 1000


def spelled(spec: ConvSpec, lang: str = "en") -> str:
    """:meth:`ConvSpec.describe` in words, for a picture that defines no symbols:
    "input 5×5, kernel 3×3, stride 2, padding 1, output 3×3" (in ``lang``)."""
    from convviz.look.words import word

    sizes = {"i": spec.input_size, "k": spec.kernel_size, "o": spec.output_size}
    parts = []
    for part in spec.describe().split(", "):
        symbol, _, value = part.partition("=")
        if symbol in sizes:
            value = "×".join(map(str, sizes[symbol]))
        parts.append(word(lang, f"spelled.{symbol}", value=value) if value
                     else word(lang, f"spelled.{part}"))
    return word(lang, "list_sep").join(parts)


def number_format(*arrays: Any) -> Callable[[float], str]:
    """One format for every finite value of ``arrays``: integers when all are
    whole, else the fewest decimals (1 or 2) that print every value exactly,
    else one decimal (as the paper prints averages). −∞ prints as ``−∞``."""
    parts = [np.asarray(a, dtype=np.float64).ravel() for a in arrays if a is not None]
    values = np.concatenate(parts) if parts else np.zeros(0)
    values = values[np.isfinite(values)]
    decimals = 1
    for places in (0, 1, 2):
        scaled = values * 10**places
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-9 * np.maximum(1, np.abs(scaled))):
            decimals = places
            break

    def fmt(value: float) -> str:
        value = float(value)
        if value == -math.inf:
            return MINUS_INFINITY
        text = f"{value:.{decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text

    return fmt


def lines_nonzero(array: np.ndarray) -> bool:
    """True when, along every axis, every line across it (a 2-D array's rows and
    columns; a 1-D array's cells) holds a non-zero value."""
    a = np.asarray(array) != 0
    return all(
        bool(a.any(axis=tuple(b for b in range(a.ndim) if b != axis)).all())
        for axis in range(a.ndim)
    )


def _lines(reach: np.ndarray) -> np.ndarray:
    """True on every cell of a line (along any axis) with no cell in ``reach``: the
    output lines no input can write, which may stay zero."""
    dead = np.zeros(reach.shape, dtype=bool)
    for axis in range(reach.ndim):
        others = tuple(b for b in range(reach.ndim) if b != axis)
        empty = ~reach.any(axis=others)
        dead |= np.expand_dims(empty, others) if others else empty
    return dead


def example_values(spec: ConvSpec, seed: int, *, kernel: bool = True
                   ) -> tuple[np.ndarray, np.ndarray | None]:
    """(x, w): integers 0–3 of shape ``input_size`` and 0–2 of shape
    ``kernel_size`` (None when ``kernel`` is False), the first draw from
    ``numpy.random.default_rng(seed)`` in which :func:`lines_nonzero` holds for
    both and for the output ``apply(spec, x, w)`` (where some input reaches).
    Deterministic: the same seed gives the same values."""
    from convviz.core.engine import apply

    reach = None
    if kernel:
        reach = apply(spec, np.ones(spec.input_size), np.ones(spec.kernel_size)) != 0
    rng = np.random.default_rng(seed)
    for _ in range(_ATTEMPTS):
        x = rng.integers(0, 4, size=spec.input_size)
        w = rng.integers(0, 3, size=spec.kernel_size) if kernel else None
        if not lines_nonzero(x) or (w is not None and not lines_nonzero(w)):
            continue
        if w is None or reach is None or lines_nonzero((apply(spec, x, w) != 0) | _lines(reach)):
            return x, w
    raise RuntimeError(f"no example values after {_ATTEMPTS} draws from seed {seed}")


def kernel_panel(fig: Any, pal: Any, values: np.ndarray, fmt: Callable[[float], str],
                 corner: tuple[float, float], cell: float, label: str, lw: float,
                 font: dict[str, Any] | None = None) -> list[Any]:
    """Draw a kernel's weights as a small grid with its label above, top-left at
    ``corner`` (pixels); returns the weight texts in the kernel's order. ``font``:
    keyword arguments giving the label its fonts (:func:`convviz.look.words.text_fonts`)."""
    font = font or {}
    from matplotlib.patches import Rectangle

    grid = np.asarray(values)
    grid2 = grid.reshape(1, -1) if grid.ndim == 1 else grid
    x0, y0 = corner
    if pal.labels:
        fig.text(x0, y0 - 0.12 * cell, label, ha="left", va="bottom",
                 fontsize=fig.points(0.56 * cell), color=pal.text, **font)
    texts = []
    for r in range(grid2.shape[0]):
        for c in range(grid2.shape[1]):
            fig.add(
                Rectangle(
                    (x0 + c * cell, y0 + r * cell),
                    cell,
                    cell,
                    facecolor=pal.background,
                    edgecolor=pal.stroke,
                    linewidth=lw,
                    zorder=1,
                )
            )
            texts.append(fig.text(x0 + (c + 0.5) * cell, y0 + (r + 0.47) * cell, fmt(grid2[r, c]),
                                  ha="center", va="center", fontsize=fig.points(0.5 * cell),
                                  color=pal.text, zorder=4))
    return texts
