"""Numbers mode: the paper's numerical figures as a frame source.

Random integer inputs 0–3, kernel weights 0–2 (a seeded search keeps every
row and column non-zero: :func:`convviz.draw.flat_values.example_values`)
printed small in a corner of every covered cell, the outputs computed by
:func:`convviz.apply` (or :func:`convviz.pool`) filled in one per frame, the
output grid to the right of the input (below it for 1-D), the kernel under
them — as given, and for a transposed convolution also as applied (flipped).
Every product is printed, zeros too; max-pool padding prints as −∞ and never
takes part; one number format per picture. Direct, dilated, transposed (the
stretched canvas, the flipped kernel) and pooling. The numbers behind every picture are
public attributes (``x``, ``w``, ``output``, ``output_text``) so tests check
the data the picture is drawn from, not pixels.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from convviz.core.engine import apply, canvas_values
from convviz.core.engine import pool as pool_values
from convviz.core.spec import CellKind, ConvSpec
from convviz.draw.flat_base import (
    NUMBERS_LIMIT,
    FlatFigure,
    _as_2d,
    _cell2d,
    _check_flat,
    _in_rc,
    _luma,
    _mix,
    _place_pair,
    flat_palette,
)
from convviz.draw.flat_values import (
    MINUS_INFINITY,
    example_values,
    kernel_panel,
    number_format,
    spelled,
)
from convviz.errors import SpecError
from convviz.look.themes import check_scale
from convviz.look.words import check_fonts, check_lang, describe, text_fonts, text_width, word

__all__ = ["NumbersRenderer"]


class NumbersRenderer:
    """The paper's numerical figures as a frame source: one frame per output cell.

    ``x``: the input values (shape ``input_size``; default random integers
    0–3 from ``seed``); ``w``: the kernel (``kernel_size``; default random
    integers 0–2), ignored when ``pool`` is ``"max"`` or ``"avg"``. The
    defaults come from :func:`convviz.draw.flat_values.example_values`: no
    all-zero row or column in either.
    Channels are not drawn: a grouped spec is shown as one channel.

    Data (all computed before any drawing): ``canvas`` (values on the drawn
    grid, zeros on padding and inserted zeros), ``output`` (the result of
    :func:`convviz.apply` / :func:`convviz.pool`), ``output_text`` (the
    strings printed in the output cells), ``windows`` (canvas cells of every
    output cell's taps, ``spec.taps``), ``tap_weights`` (the weight printed at
    every window position: the kernel flipped for a transposed spec),
    ``format`` (the one number format of the picture).
    """

    def __init__(
        self,
        spec: ConvSpec,
        x: Any = None,
        w: Any = None,
        *,
        pool: str | None = None,
        theme: Any = "default",
        scale: float = 1.0,
        seed: int = 0,
        title: str | None = None,
        lang: str = "en",
    ) -> None:
        spec = _check_flat(spec, "numbers mode", NUMBERS_LIMIT)
        self.lang = check_lang(lang)
        check_fonts(self.lang)
        if pool not in (None, "max", "avg"):
            raise SpecError(f"pool must be None, 'max' or 'avg', got {pool!r}")
        if pool is not None and spec.transposed:
            raise SpecError(
                "pool needs a direct spec (pooling is never transposed), got transposed=True"
            )
        too_big = [s for s in spec.canvas_size + spec.output_size if s > NUMBERS_LIMIT]
        if too_big:
            raise SpecError(
                f"numbers mode prints every value and needs at most {NUMBERS_LIMIT} cells per "
                f"side; spec {spec.describe()} has a {'×'.join(map(str, spec.canvas_size))} "
                f"canvas and a {'×'.join(map(str, spec.output_size))} output"
            )
        if (
            spec.groups != 1
            or spec.in_channels not in (None, 1)
            or spec.out_channels not in (None, 1)
        ):
            spec = dataclasses.replace(spec, groups=1, in_channels=None, out_channels=None)
        self.spec = spec
        self.pool = pool
        self.palette = flat_palette(theme)
        self.scale = check_scale(scale)
        x0, w0 = example_values(spec, seed, kernel=not pool)
        self.x = self._values("x", x, spec.input_size, x0)
        self.w = None if pool or w0 is None else self._values("w", w, spec.kernel_size, w0)
        # max-pool padding holds −∞ (it never wins a max); elsewhere padding reads 0
        self.canvas = (canvas_values(spec, self.x.astype(np.float64), fill=-np.inf)
                       if pool == "max" else canvas_values(spec, self.x))
        if pool:
            self.output = pool_values(spec, self.x, pool)
        else:
            assert self.w is not None
            self.output = apply(spec, self.x, self.w)
        self.format = number_format(self.x, self.w, self.output)
        self.output_text = np.vectorize(self.format, otypes=[object])(self.output)
        self.windows = np.asarray(spec.taps)  # (*o, *k, ndim)
        if self.w is not None:
            flat_w = self.w[tuple(np.moveaxis(np.asarray(spec.weight_taps), -1, 0))]
            self.tap_weights = flat_w  # (*k): weight used at each window position
        else:
            self.tap_weights = None
        self.frame_count = int(math.prod(spec.output_size))
        self.poster_frame = self.frame_count // 2
        kind = word(lang, "flat.max_pooling" if pool == "max" else "flat.avg_pooling"
                    if pool == "avg" else "flat.transposed" if spec.transposed
                    else "flat.convolution")
        self.title = title
        params = describe(spec, lang)
        self.caption = word(lang, "flat.title_params", title=title, params=params) if title else (
            word(lang, "flat.numbers_caption", kind_capitalised=kind.capitalize(), params=params))
        self._kind_name = kind
        self._layout()
        self._fig: FlatFigure | None = None

    @staticmethod
    def _values(name: str, given: Any, shape: tuple[int, ...], default: np.ndarray) -> np.ndarray:
        if given is None:
            return default
        array = np.asarray(given)
        if array.shape != shape:
            raise SpecError(f"{name} must have shape {shape}, got {array.shape}")
        if not np.issubdtype(array.dtype, np.number) or np.issubdtype(
            array.dtype, np.complexfloating
        ):
            raise SpecError(f"{name} must hold real numbers, got dtype {array.dtype}")
        return array

    # -- data the frames show -------------------------------------------------------------------
    def output_index(self, n: int) -> tuple[int, ...]:
        """The output cell frame n computes (row by row from the top, as the originals)."""
        return tuple(int(v) for v in np.unravel_index(self._check(n), self.spec.output_size))

    def window(self, n: int) -> np.ndarray:
        """Canvas cells read in frame n, shape (Π k, ndim), in window order."""
        return self.windows[self.output_index(n)].reshape(-1, self.spec.ndim)

    def terms(self, n: int) -> list[tuple[float, float | None]]:
        """(value, weight) at every window position of frame n (weight None when pooling),
        one per tap: Π kernel_size terms, zeros included."""
        cells = self.window(n)
        values = self.canvas[tuple(cells.T)]
        if self.tap_weights is None:
            return [(v.item(), None) for v in values]
        weights = self.tap_weights.reshape(-1)
        return [(v.item(), wt.item()) for v, wt in zip(values, weights)]

    def formula(self, n: int) -> str:
        """The arithmetic of frame n as printed under the grids."""
        terms, fmt = self.terms(n), self.format
        value = self.output_text[self.output_index(n)]
        values = [v for v, _ in terms]
        if self.pool == "max":  # padding never takes part in a max
            kinds = self.spec.canvas_kind[tuple(self.window(n).T)]
            real = [v for v, k in zip(values, kinds) if k == CellKind.INPUT]
            return f"max({', '.join(fmt(v) for v in real)}) = {value}"
        if self.pool == "avg":  # padding counts as 0, the divisor is the window size
            return f"({' + '.join(fmt(v) for v in values)}) / {len(values)} = {value}"
        products = [f"{fmt(v)}×{fmt(wt)}" for v, wt in terms if wt is not None]
        return f"{' + '.join(products)} = {value}"

    def kernel_panels(self) -> list[tuple[str, np.ndarray]]:
        """The kernel panels under the grids: (label, weights) — the kernel as given,
        and for a transposed spec also as applied (flipped); none when pooling."""
        if self.w is None or self.tap_weights is None:
            return []
        panels = [(word(self.lang, "flat.kernel"), self.w)]
        if self.spec.transposed:
            panels.append((word(self.lang, "flat.flipped"), self.tap_weights))
        return panels

    def _check(self, n: int) -> int:
        if not isinstance(n, (int, np.integer)) or not -self.frame_count <= n < self.frame_count:
            raise IndexError(f"frame {n!r} out of range for {self.frame_count} frames")
        return int(n) % self.frame_count

    # -- geometry ----------------------------------------------------------------------------------
    def _layout(self) -> None:
        u = round(40 * self.scale)
        self.unit = u
        spec, pal = self.spec, self.palette
        self._crows, self._ccols = _as_2d(spec.canvas_size)
        self._orows, self._ocols = _as_2d(spec.output_size)
        margin = round(0.5 * u)
        label_h = round(0.6 * u) if pal.labels else 0
        lines = 2 if pal.captions else 0
        caption_h = round(lines * 0.5 * u + (0.3 * u if lines else 0))
        self._text_lines = lines
        cw, ch = self._ccols * u, self._crows * u
        ow, oh = self._ocols * u, self._orows * u
        (self._cx, self._cy), (self._ox, self._oy), width, grid_bottom = _place_pair(
            spec.ndim, u, margin, label_h, (cw, ch), (ow, oh)
        )
        # the kernel panels, under the grids, left to right
        self._kcell = kc = round(0.6 * u)
        krows, kcols = _as_2d(self.spec.kernel_size)
        self._panel_xy = []
        px = margin
        for _ in self.kernel_panels():
            self._panel_xy.append((px, grid_bottom + round(0.5 * u) + label_h))
            px += kcols * kc + u
        if self._panel_xy:
            grid_bottom = self._panel_xy[0][1] + krows * kc
            width = max(width, px - u + margin)
        self._caption_y = grid_bottom + round(0.35 * u)
        height = grid_bottom + caption_h + margin
        if lines:
            # wide enough for the longest formula (monospace) and the caption line
            longest = max(len(self.formula(n)) for n in range(self.frame_count))
            caption = self._caption_line()
            caption_w = (len(caption) * 0.58 * 0.27 * u if self.lang == "en"
                         else text_width(caption, 0.27 * u, self.lang))
            need = max(longest * 0.62 * 0.3 * u, caption_w)
            shift = max(0, math.ceil(need + 2 * margin - width))
            width += shift
            self._cx += shift // 2
            self._ox += shift // 2
            self._panel_xy = [(x + shift // 2, y) for x, y in self._panel_xy]
        self.size = (int(width), int(height))

    # -- drawing -----------------------------------------------------------------------------------
    def _build(self) -> FlatFigure:
        from matplotlib.patches import Rectangle

        spec, pal, u = self.spec, self.palette, self.unit
        fig = FlatFigure(*self.size, pal.background)
        font = text_fonts(self.lang)
        lw = fig.points(max(1.0, 1.66 * self.scale))
        value_size = fig.points(0.42 * u)
        small_size = fig.points(0.24 * u)
        self._input_fill = _mix(pal.input, pal.background, 0.45)
        self._input_fill_dark = _mix(pal.shadow, self._input_fill, pal.shadow_alpha)
        self._output_fill = _mix(pal.output, pal.background, 0.4)
        self._zero_fill = _mix(pal.shadow, pal.background, pal.shadow_alpha * 0.5)
        kind = spec.canvas_kind.reshape(self._crows, self._ccols)
        canvas = self.canvas.reshape(self._crows, self._ccols)
        self._canvas_rects = {}
        self._canvas_texts = {}
        for r in range(self._crows):
            for c in range(self._ccols):
                x0, y0 = self._cx + c * u, self._cy + r * u
                real = kind[r, c] == CellKind.INPUT
                rect = Rectangle(
                    (x0, y0), u, u, facecolor=self._input_fill if real else pal.background,
                    edgecolor=pal.stroke, linewidth=lw,
                    linestyle="-" if real else (0, (3, 3)), zorder=1,
                )
                fig.add(rect)
                self._canvas_rects[r, c] = rect
                text = fig.text(
                    x0 + u / 2, y0 + u * 0.47, self._pad_text(canvas[r, c], real),
                    ha="center", va="center", fontsize=value_size,
                    color=pal.text if real else pal.muted, zorder=4,
                )
                self._canvas_texts[r, c] = text
        # the window: an outline over its extent k̂ and one weight label per tap
        ek = _as_2d(spec.effective_kernel_size)
        self._extent = Rectangle((0, 0), ek[1] * u, ek[0] * u, fill=False, edgecolor=pal.stroke,
                                 linewidth=lw * 1.8, zorder=5)
        fig.add(self._extent)
        k_cells = int(math.prod(spec.kernel_size))
        self._weight_texts = []
        if self.tap_weights is not None:
            flat_w = self.tap_weights.reshape(-1)
            for t in range(k_cells):
                self._weight_texts.append(fig.text(
                    0, 0, "×" + self.format(flat_w[t]), ha="right", va="bottom",
                    fontsize=small_size, color=pal.on_dark, zorder=6, fontweight="bold",
                ))
        # output grid
        self._out_rects = {}
        self._out_texts = {}
        for r in range(self._orows):
            for c in range(self._ocols):
                x0, y0 = self._ox + c * u, self._oy + r * u
                rect = Rectangle((x0, y0), u, u, facecolor=pal.background, edgecolor=pal.stroke,
                                 linewidth=lw, zorder=1)
                fig.add(rect)
                self._out_rects[r, c] = rect
                self._out_texts[r, c] = fig.text(
                    x0 + u / 2, y0 + u * 0.47, "", ha="center", va="center",
                    fontsize=value_size, color=pal.text, zorder=4,
                )
        self._kernel_texts = [
            kernel_panel(fig, pal, values, self.format, xy, self._kcell, label, lw, font)
            for (label, values), xy in zip(self.kernel_panels(), self._panel_xy)
        ]
        label_size = fig.points(0.34 * u)
        if pal.labels:
            what = pal.input_label + (word(self.lang, "flat.stretched") if spec.transposed else "")
            fig.text(self._cx, self._cy - 0.18 * u, what, ha="left", va="bottom",
                     fontsize=label_size, color=pal.text, **font)
            out_label = {"max": word(self.lang, "flat.max_pool"),
                         "avg": word(self.lang, "flat.avg_pool")}.get(
                self.pool or "", pal.output_label
            )
            fig.text(self._ox, self._oy - 0.18 * u, out_label, ha="left", va="bottom",
                     fontsize=label_size, color=pal.text, **font)
        self._formula = None
        self._caption_artist = None
        if pal.captions:
            self._formula = fig.text(
                self.size[0] / 2, self._caption_y, "", ha="center", va="top",
                fontsize=fig.points(0.3 * u), color=pal.text, family="DejaVu Sans Mono",
            )
            fig.text(self.size[0] / 2, self._caption_y + 0.55 * u, self._caption_line(),
                     ha="center", va="top", fontsize=fig.points(0.27 * u), color=pal.muted,
                     **font)
        return fig

    def _pad_text(self, value: float, real: bool) -> str:
        """An input cell's value; a padding or inserted cell's: 0, or −∞ for max pooling
        (it never wins a max)."""
        if real:
            return self.format(value)
        return MINUS_INFINITY if self.pool == "max" else self.format(0)

    def _caption_line(self) -> str:
        lang = self.lang
        text = spelled(self.spec, lang).removesuffix(
            word(lang, "list_sep") + word(lang, "spelled.transposed"))
        note = word(lang, "flat.kernel_flipped") if self.spec.transposed else ""
        return word(lang, "flat.caption_line", kind=self._kind_name, spelled=text, note=note)

    def frame(self, n: int) -> np.ndarray:
        """Frame n as an (H, W, 3) uint8 array: output cell n computed, 0…n−1 filled in."""
        n = self._check(n)
        if self._fig is None:
            self._fig = _in_rc(self._build)
        spec, pal, u = self.spec, self.palette, self.unit
        kind = spec.canvas_kind.reshape(self._crows, self._ccols)
        covered = {_cell2d(cell, spec.ndim) for cell in self.window(n)}
        for (r, c), rect in self._canvas_rects.items():
            real = kind[r, c] == CellKind.INPUT
            text = self._canvas_texts[r, c]
            if (r, c) in covered:
                fill = self._input_fill_dark if real else self._zero_fill
                rect.set_facecolor(fill)
                text.set_color(pal.on_dark if real or _luma(fill) < 0.5 else pal.text)
            else:
                rect.set_facecolor(self._input_fill if real else pal.background)
                text.set_color(pal.text if real else pal.muted)
        window = [_cell2d(cell, spec.ndim) for cell in self.window(n)]
        (r0, c0) = min(window)
        self._extent.set_xy((self._cx + c0 * u, self._cy + r0 * u))
        for t, (r, c) in enumerate(window):
            if t < len(self._weight_texts):
                label = self._weight_texts[t]
                label.set_position((self._cx + (c + 0.95) * u, self._cy + (r + 0.98) * u))
                fill = self._input_fill_dark if kind[r, c] == CellKind.INPUT else self._zero_fill
                label.set_color(pal.on_dark if _luma(fill) < 0.5 else pal.text)
        current = _cell2d(self.output_index(n), spec.ndim)
        out_text = self.output_text.reshape(self._orows, self._ocols)
        for (r, c), rect in self._out_rects.items():
            k = r * self._ocols + c
            text = self._out_texts[r, c]
            if k < n:
                rect.set_facecolor(self._output_fill)
                text.set_text(out_text[r, c])
                text.set_color(pal.text)
                text.set_fontweight("normal")
            elif (r, c) == current:
                rect.set_facecolor(pal.output)
                text.set_text(out_text[r, c])
                text.set_color(pal.on_dark)
                text.set_fontweight("bold")
            else:
                rect.set_facecolor(pal.background)
                text.set_text("")
        if self._formula is not None:
            self._formula.set_text(self.formula(n))
        return self._fig.read()

    def drawn_text(self) -> dict[str, Any]:
        """What the last drawn frame printed: 'input' (canvas grid) and 'output' strings,
        'weights' (the window's labels) and 'kernels' (one array per kernel panel)."""
        if self._fig is None:
            raise SpecError("drawn_text() needs a frame drawn first: call frame(n)")
        canvas = np.empty((self._crows, self._ccols), dtype=object)
        for key, text in self._canvas_texts.items():
            canvas[key] = text.get_text()
        output = np.empty((self._orows, self._ocols), dtype=object)
        for key, text in self._out_texts.items():
            output[key] = text.get_text()
        return {
            "input": canvas.reshape(self.spec.canvas_size),
            "output": output.reshape(self.spec.output_size),
            "weights": np.array([t.get_text() for t in self._weight_texts], dtype=object),
            "kernels": [np.array([t.get_text() for t in texts], dtype=object).reshape(values.shape)
                        for texts, (_, values) in zip(self._kernel_texts, self.kernel_panels())],
        }

    def __repr__(self) -> str:
        return (
            f"<NumbersRenderer {self.caption!r}: {self.frame_count} frames "
            f"{self.size[0]}×{self.size[1]}>"
        )
