"""The gated block diagrams' parts: the small worked example and a strip of cells.

:func:`example_block` computes the example a
:class:`~convviz.draw.diagrams.gated_block.GatedBlockDiagram` animates; :class:`_Strip`
draws one (length × channels) array of it as a row of cells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from convviz.core.gated import GatedTrace, gated_trace
from convviz.draw.diagrams._base import rectangles
from convviz.errors import SpecError
from convviz.look.words import word

if TYPE_CHECKING:
    from convviz.draw.diagrams.gated_block import GatedBlockDiagram

__all__ = ["example_block"]


def example_block(length: int = 8, channels: int = 2, n: int = 2, kernel_size: int = 3, *,
                  dilation: int = 1, padding: str = "causal", residual: bool = True,
                  form: str = "glu", seed: int = 0) -> GatedTrace:
    """The small real example a diagram shows: seeded random X, W, V, b, c (rounded to 0.1)."""
    for name, value, low in (("length", length, 2), ("channels", channels, 1), ("n", n, 1),
                             ("kernel_size", kernel_size, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise SpecError(f"{name} must be a whole number >= {low}, got {value!r}")
    if length > 24 or channels > 4 or n > 4:
        raise SpecError(
            f"a block diagram shows at most 24 time steps and 4 channels, got length={length}, "
            f"channels={channels}, n={n}"
        )
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(-1, 1, (channels, length)), 1)
    w = np.round(rng.normal(0, 0.6, (n, channels, kernel_size)), 1)
    v = np.round(rng.normal(0, 0.8, (n, channels, kernel_size)), 1)
    b = np.round(rng.normal(0, 0.2, n), 1)
    c = np.round(rng.normal(0, 0.2, n), 1)
    return gated_trace(
        x, w, v, b, c, dilation=dilation, padding=padding, residual=residual, form=form
    )


def _num(v: int) -> str:
    return str(v).replace("-", "−")


def _list(values: Any, lang: str = "en") -> str:
    """Input steps as '1…3' (consecutive) or '1, 3, 5' (dilated; '0…8 step 2' when long)."""
    values = [int(v) for v in values]
    if len(values) == 1:
        return _num(values[0])
    step = values[1] - values[0]
    if step == 1:
        return f"{_num(values[0])}…{_num(values[-1])}"
    if len(values) <= 4:
        return ", ".join(_num(v) for v in values)
    return word(lang, "gated.step", span=f"{_num(values[0])}…{_num(values[-1])}", step=step)


def _rgb(colour: str) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array(to_rgb(colour))


def _mix(colour: str, background: str, amount: float) -> np.ndarray:
    return _rgb(colour) * (1 - amount) + _rgb(background) * amount


def _text_colour(face: np.ndarray) -> str:
    lum = 0.2126 * face[0] + 0.7152 * face[1] + 0.0722 * face[2]
    return "#000000" if lum > 0.55 else "#ffffff"


class _Strip:
    """A (channels × columns) grid of cells, channel 0 at the bottom, time across."""

    def __init__(self, diagram: GatedBlockDiagram, name: str, x0: float, y0: float,
                 values: np.ndarray, colour: str | None, *, cmap: Any = None,
                 first_col: int = 0, dashed: tuple[int, ...] = (), shape: str = "",
                 progressive: bool = True) -> None:
        pal = diagram.palette
        cs = diagram.cs
        self.d, self.values, self.x0, self.y0 = diagram, values, x0, y0
        self.rows, self.cols = values.shape
        self.first_col = first_col  # canvas column of values[:, 0] (X: after the padding)
        self.progressive = progressive
        self.cmap = cmap
        rects = []
        strong = None if colour is None else _rgb(colour)
        self.dashed = set(dashed)
        self.pale = _rgb(pal.padding) if colour is None else _mix(colour, pal.background, 0.82)
        for c in range(self.rows):
            for j in range(self.cols):
                rects.append(self.cell_xy(j, c))
        self.strong = np.empty((self.rows * self.cols, 3))
        for idx, (c, j) in enumerate(np.ndindex(self.rows, self.cols)):
            if j in self.dashed:
                self.strong[idx] = _rgb(pal.padding)
            elif cmap is not None:
                self.strong[idx] = cmap(float(values[c, j]))[:3]
            else:
                self.strong[idx] = strong
        styles = ["--" if j in self.dashed else "-" for _, j in np.ndindex(self.rows, self.cols)]
        self.cells = rectangles(rects, cs, cs, facecolor=self.strong, edgecolor=pal.stroke,
                                     linewidth=0.9, linestyle=styles, zorder=3)
        if progressive:
            diagram.dynamic(self.cells)
        diagram.ax.add_collection(self.cells)
        self.texts = []
        if diagram.numbers:
            for c, j in np.ndindex(self.rows, self.cols):
                x, y = self.cell_centre(j, c)
                label = (
                    "0"
                    if j in self.dashed
                    else f"{np.round(values[c, j], 2) + 0.0:.2f}".replace("-", "−")
                )
                t = diagram.text(x, y, label, size=diagram.num_size, zorder=5,
                                 colour=_text_colour(self.strong[c * self.cols + j]))
                if progressive:
                    diagram.dynamic(t)
                self.texts.append(t)
        # the tensor's name at the left, its shape under it
        diagram.text(x0 - 8, y0 + self.rows * cs / 2, name, ha="right", weight="bold",
                     size=pal.font_size * 1.05)
        if shape:
            diagram.text(x0 + self.cols * cs / 2, y0 + self.rows * cs + 11, shape,
                         size=pal.font_size * 0.85, colour=pal.text)

    @property
    def width(self) -> float:
        return self.cols * self.d.cs

    @property
    def height(self) -> float:
        return self.rows * self.d.cs

    def cell_xy(self, col: int, channel: int) -> tuple[float, float]:
        cs = self.d.cs
        return (self.x0 + col * cs, self.y0 + (self.rows - 1 - channel) * cs)

    def cell_centre(self, col: int, channel: int) -> tuple[float, float]:
        x, y = self.cell_xy(col, channel)
        return x + self.d.cs / 2, y + self.d.cs / 2

    def col_x(self, col: float) -> float:
        return self.x0 + (col + 0.5) * self.d.cs

    def update(self, t: int) -> None:
        """Columns ≤ t (in time) computed: strong colour; later ones pale and blank."""
        if not self.progressive:
            return
        done = np.array([j - self.first_col <= t or j in self.dashed
                         for _, j in np.ndindex(self.rows, self.cols)])
        faces = np.where(done[:, None], self.strong, self.pale)
        self.cells.set_facecolor(faces)
        for text, flag in zip(self.texts, done):
            text.set_visible(bool(flag))
