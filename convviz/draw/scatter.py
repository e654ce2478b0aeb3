"""The scatter view of a transposed convolution, as a frame source.

Per frame one input cell paints its kernel-sized patch of the output
(``spec.scatter_taps``); the output cells count how many patches covered
them, which exposes the checkerboard of uneven overlap; a last frame shows
the whole count map (``counts`` are public) and a summary read from it
(:func:`overlap_summary`). With ``numbers=True`` the cells hold values
instead: each input times the kernel, added into the output.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from convviz.core.engine import apply
from convviz.core.spec import ConvSpec
from convviz.draw.flat_base import (
    SCATTER_LIMIT,
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
from convviz.draw.flat_values import example_values, kernel_panel, number_format, spelled
from convviz.errors import SpecError
from convviz.look.themes import check_scale
from convviz.look.words import check_fonts, check_lang, describe, text_fonts, text_width, word

__all__ = ["OverlapSummary", "ScatterRenderer", "overlap_summary"]


@dataclasses.dataclass(frozen=True)
class OverlapSummary:
    """What the final overlap counts of a transposed convolution show.

    ``pattern``: "uniform" (every output cell written equally often),
    "gaps" (some rows/columns are never written), "even inside" (equal away
    from the borders), "checkerboard" (uneven away from the borders along
    every axis), "stripes" (uneven along some axes only) or "uneven" (no
    cell is away from the borders). ``never_written``: per axis, the output
    lines (1-D: cells; 2-D: rows, then columns) no input writes. ``inside``:
    the distinct counts away from the borders — output cells no input's
    write is missing from for lack of inputs past the ends — empty when there
    are none.
    ``text``: the one line the picture prints.
    """

    pattern: str
    low: int
    high: int
    never_written: tuple[tuple[int, ...], ...]
    inside: tuple[int, ...]
    text: str


def _inside(spec: ConvSpec) -> list[np.ndarray]:
    """Per axis, the output cells away from the borders: those no write is lost from
    past the input's ends — every tap t with q − t·d a multiple of s (q = the
    uncropped position) has its input j = (q − t·d)/s in 0 … i−1."""
    cells = []
    for g in spec.axes:
        keep = []
        for o in range(g.output_size):
            q = o + g.pad_before
            if all((q - t * g.dilation) % g.stride or 0 <= (q - t * g.dilation) // g.stride
                   < g.input_size for t in range(g.kernel_size)):
                keep.append(o)
        cells.append(np.array(keep, dtype=np.intp))
    return cells


def _numbers(values: Any, lang: str = "en") -> str:
    values = [str(v) for v in values]
    if len(values) == 1:
        return values[0]
    return word(lang, "scatter.and", first=word(lang, "list_sep").join(values[:-1]),
                last=values[-1])


def overlap_summary(spec: ConvSpec, counts: np.ndarray, lang: str = "en") -> OverlapSummary:
    """Read the final overlap ``counts`` (shape ``spec.output_size``) of transposed
    ``spec``: the pattern they form and the one line that says so (in ``lang``)."""
    counts = np.asarray(counts)

    def w(key: str, **fields: Any) -> str:
        return word(lang, key, **fields)

    low, high = int(counts.min()), int(counts.max())
    ndim = counts.ndim
    never = tuple(
        tuple(
            int(i)
            for i in np.flatnonzero(~counts.any(axis=tuple(b for b in range(ndim) if b != a)))
        )
        for a in range(ndim)
    )
    inner = counts[np.ix_(*_inside(spec))]
    inside = tuple(int(v) for v in np.unique(inner))
    if low == high:
        pattern = "uniform"
        text = w("scatter.uniform" if high != 1 else "scatter.uniform_one", n=high)
    elif any(never):
        pattern = "gaps"
        if ndim == 1:
            lines = w("scatter.cells" if len(never[0]) > 1 else "scatter.cell",
                      cells=_numbers(never[0], lang))
        elif never[0] == never[1]:
            lines = w("scatter.rows_columns", lines=_numbers(never[0], lang))
        else:
            parts = [w(f"scatter.{name}s" if len(ix) > 1 else f"scatter.{name}",
                       lines=_numbers(ix, lang))
                     for name, ix in zip(("row", "column"), never) if ix]
            lines = parts[0] if len(parts) == 1 else w("scatter.and", first=parts[0],
                                                       last=parts[1])
        one = sum(map(len, never)) == 1
        text = w("scatter.never_one" if one else "scatter.never", low=low, high=high, lines=lines)
    elif not inside:
        pattern = "uneven"
        text = w("scatter.uneven", low=low, high=high)
    elif len(inside) == 1:
        pattern = "even inside"
        text = w("scatter.even_inside", low=low, high=high, count=inside[0])
    else:
        uneven = [a for a in range(ndim) if (np.diff(inner, axis=a) != 0).any()]
        if len(uneven) == ndim:
            pattern, key = "checkerboard", "scatter.checkerboard"
        else:
            pattern = "stripes"
            key = ("scatter.stripes_rows", "scatter.stripes_columns")[uneven[0]]
        text = w(key, low=low, high=high, counts=_numbers(inside, lang))
    return OverlapSummary(pattern, low, high, never, inside, text)


class ScatterRenderer:
    """The scatter view of a transposed convolution, one frame per input cell + a summary.

    Input cell j writes ``x[j]·w[t]`` into output cell ``spec.scatter_taps[j, t]``
    (−1: cropped by the padding). ``counts[n]`` is, per output cell, how many
    of input cells 0…n have written into it; the last frame shows
    ``final_counts`` and :meth:`summary` (read from them by
    :func:`overlap_summary`). Cells the padding crops are drawn dashed around
    the output so the crop is visible.

    ``numbers=True`` prints values instead of counts: the input ``x`` and the
    kernel ``w`` (defaults from ``seed``, as numbers mode draws them), the
    output cells the running sums ``sums[n]`` of every ``x[j]·w`` added so
    far; the last frame shows ``output`` (:func:`convviz.apply`).
    """

    def __init__(self, spec: ConvSpec, x: Any = None, w: Any = None, *, numbers: bool = False,
                 seed: int = 0, theme: Any = "default", scale: float = 1.0,
                 title: str | None = None, lang: str = "en") -> None:
        spec = _check_flat(spec, "the scatter view", SCATTER_LIMIT)
        self.lang = check_lang(lang)
        check_fonts(self.lang)
        if not spec.transposed:
            raise SpecError(
                "view='scatter' shows a transposed convolution; spec "
                f"{spec.describe()} is direct (use spec.transpose() or transposed=True)"
            )
        too_big = [s for s in spec.input_size if s > SCATTER_LIMIT] + [
            s for s in spec.output_size if s > 3 * SCATTER_LIMIT]
        if too_big:
            raise SpecError(
                f"the scatter view draws one frame per input cell and needs input_size <= "
                f"{SCATTER_LIMIT} per side; got {spec.describe()}"
            )
        if (x is not None or w is not None) and not numbers:
            raise SpecError("x and w are printed only with numbers=True")
        self.spec = spec
        self.palette = flat_palette(theme)
        self.scale = check_scale(scale)
        self.numbers = bool(numbers)
        ndim = spec.ndim
        n_in = int(math.prod(spec.input_size))
        taps = np.asarray(spec.scatter_taps).reshape(n_in, -1, ndim)  # (inputs, Π k, ndim)
        self._targets = taps
        counts = np.zeros((n_in,) + spec.output_size, dtype=np.int64)
        running = np.zeros(spec.output_size, dtype=np.int64)
        for j in range(n_in):
            valid = taps[j][(taps[j] >= 0).all(-1)]
            np.add.at(running, tuple(valid.T), 1)
            counts[j] = running
        self.counts = counts
        self.final_counts = running.copy()
        self.overlap = overlap_summary(spec, self.final_counts, self.lang)
        self.x: np.ndarray | None = None
        self.w: np.ndarray | None = None
        self.sums: np.ndarray | None = None
        self.output: np.ndarray | None = None
        if self.numbers:
            self._values(x, w, seed, taps)
        self.frame_count = n_in + 1
        self.poster_frame = n_in
        self.title = title
        params = describe(spec, self.lang)
        self.caption = word(lang, "flat.title_params", title=title, params=params) if title else (
            word(lang, "scatter.caption_numbers" if numbers else "scatter.caption",
                 params=params))
        # the uncropped ("full") output: positions j·s + t·d, the output is its slice from p_lo
        self._lo = tuple(min(0, -g.pad_before) for g in spec.axes)
        self._hi = tuple(
            max(g.output_size, (g.input_size - 1) * g.stride + g.effective_kernel - g.pad_before)
            for g in spec.axes
        )
        self._layout()
        self._fig: FlatFigure | None = None
        self._last: dict[tuple[int, str], Any] = {}  # (artist, property) -> value set

    def _values(self, x: Any, w: Any, seed: int, taps: np.ndarray) -> None:
        from convviz.draw.numbers import NumbersRenderer

        spec = self.spec
        x0, w0 = example_values(spec, seed)
        assert w0 is not None
        xv = NumbersRenderer._values("x", x, spec.input_size, x0)
        wv = NumbersRenderer._values("w", w, spec.kernel_size, w0)
        self.x, self.w, self.output = xv, wv, apply(spec, xv, wv)
        flat_x, flat_w = xv.reshape(-1), wv.reshape(-1)
        sums = np.zeros((len(taps),) + spec.output_size)
        running = np.zeros(spec.output_size)
        for j in range(len(taps)):
            keep = (taps[j] >= 0).all(-1)
            np.add.at(running, tuple(taps[j][keep].T), flat_x[j] * flat_w[keep])
            sums[j] = running
        self.sums = sums
        self.format = number_format(self.x, self.w, self.output, sums)

    def input_index(self, n: int) -> tuple[int, ...] | None:
        """The input cell frame n scatters (None on the summary frame)."""
        n = self._check(n)
        if n == self.frame_count - 1:
            return None
        return tuple(int(v) for v in np.unravel_index(n, self.spec.input_size))

    def patch(self, n: int) -> np.ndarray:
        """Positions frame n's input cell writes, in output coordinates, cropped ones included.

        Shape (Π k, ndim); a position outside [0, o) on some axis is cropped.
        """
        j = self.input_index(n)
        if j is None:
            return np.empty((0, self.spec.ndim), dtype=np.intp)
        per_axis = []
        for a, g in enumerate(self.spec.axes):
            t = np.arange(g.kernel_size)
            per_axis.append(j[a] * g.stride - g.pad_before + t * g.dilation)
        grids = np.meshgrid(*per_axis, indexing="ij")
        return np.stack([gr.reshape(-1) for gr in grids], -1)

    def counts_at(self, n: int) -> np.ndarray:
        """Overlap counts shown in frame n (the summary frame: final_counts)."""
        n = self._check(n)
        return self.final_counts if n == self.frame_count - 1 else self.counts[n]

    def _check(self, n: int) -> int:
        if not isinstance(n, (int, np.integer)) or not -self.frame_count <= n < self.frame_count:
            raise IndexError(f"frame {n!r} out of range for {self.frame_count} frames")
        return int(n) % self.frame_count

    def summary(self) -> str:
        """One line on the final count map (``overlap.text``, see :func:`overlap_summary`)."""
        return self.overlap.text

    def values_at(self, n: int) -> np.ndarray:
        """With numbers: the output values shown in frame n (running sums; the
        summary frame: ``output``)."""
        if self.sums is None or self.output is None:
            raise SpecError("values_at() needs numbers=True")
        n = self._check(n)
        return self.output if n == self.frame_count - 1 else self.sums[n]

    def _line(self, n: int) -> str:
        """The first caption line of frame n."""
        j = self.input_index(n)
        spec = self.spec
        lang = self.lang
        if j is None:
            return word(lang, "scatter.output_sum") if self.numbers else self.summary()
        where = ", ".join(map(str, j))
        if self.numbers:
            assert self.x is not None
            return word(lang, "scatter.adds", where=where, value=self.format(self.x[j]))
        patch = "×".join(map(str, spec.kernel_size))
        if spec.ndim == 1:
            patch = word(lang, "scatter.cells_1d", size=patch)
        return word(lang, "scatter.writes", where=where, patch=patch)

    # -- geometry ----------------------------------------------------------------------------------
    def _layout(self) -> None:
        u = round(34 * self.scale)
        self.unit = u
        spec, pal = self.spec, self.palette
        margin = round(0.5 * u)
        label_h = round(0.6 * u) if pal.labels else 0
        lines = 2 if pal.captions else 0
        caption_h = round(lines * 0.5 * u + (0.3 * u if lines else 0))
        self._irows, self._icols = _as_2d(spec.input_size)
        full = tuple(h - l for l, h in zip(self._lo, self._hi))
        self._frows, self._fcols = _as_2d(full)
        lo2 = _as_2d(tuple(-v for v in self._lo))
        self._off_r, self._off_c = (0, lo2[1]) if spec.ndim == 1 else lo2
        iw, ih = self._icols * u, self._irows * u
        fw, fh = self._fcols * u, self._frows * u
        (self._ix, self._iy), (self._fx, self._fy), width, bottom = _place_pair(
            spec.ndim, u, margin, label_h, (iw, ih), (fw, fh)
        )
        self._panel_xy: tuple[int, int] | None = None
        self._kcell = kc = round(0.6 * u)
        if self.numbers:  # the kernel panel, under the grids
            krows, kcols = _as_2d(spec.kernel_size)
            self._panel_xy = (margin, bottom + round(0.5 * u) + label_h)
            bottom = self._panel_xy[1] + krows * kc
            width = max(width, kcols * kc + 2 * margin)
        self._caption_y = bottom + round(0.35 * u)
        if lines:
            # wide enough for the caption lines
            texts = [self._line(n) for n in range(self.frame_count)] + [self._caption2()]
            if self.lang == "en":
                need = max(len(t) for t in texts) * 0.58 * 0.3 * u
            else:
                need = max(text_width(t, 0.3 * u, self.lang) for t in texts)
            shift = max(0, math.ceil(need + 2 * margin - width))
            width += shift
            self._ix += shift // 2
            self._fx += shift // 2
        self.size = (int(width), int(bottom + caption_h + margin))

    def _caption2(self) -> str:
        return word(self.lang, "scatter.line2_numbers" if self.numbers else "scatter.line2",
                    spelled=spelled(self.spec, self.lang))

    def _out_xy(self, r: int, c: int) -> tuple[float, float]:
        """Top-left pixel of output cell (r, c) (output coordinates, may be cropped)."""
        u = self.unit
        return self._fx + (c + self._off_c) * u, self._fy + (r + self._off_r) * u

    def _build(self) -> FlatFigure:
        from matplotlib.patches import Rectangle

        spec, pal, u = self.spec, self.palette, self.unit
        fig = FlatFigure(*self.size, pal.background)
        font = text_fonts(self.lang)
        lw = fig.points(max(1.0, 1.66 * self.scale))
        value_size = fig.points(0.42 * u)
        self._in_light = _mix(pal.input, pal.background, 0.25)
        self._in_done = _mix(pal.input, pal.background, 0.55)
        self._in_rects = {}
        for r in range(self._irows):
            for c in range(self._icols):
                rect = Rectangle(
                    (self._ix + c * u, self._iy + r * u),
                    u,
                    u,
                    facecolor=self._in_light,
                    edgecolor=pal.stroke,
                    linewidth=lw,
                    zorder=1,
                )
                fig.add(rect)
                self._in_rects[r, c] = rect
                if self.x is not None:
                    fig.text(self._ix + (c + 0.5) * u, self._iy + (r + 0.47) * u,
                             self.format(self.x.reshape(self._irows, self._icols)[r, c]),
                             ha="center", va="center", fontsize=value_size, color=pal.text,
                             zorder=4)
        if self._panel_xy is not None and self.w is not None:
            kernel_panel(fig, pal, self.w, self.format, self._panel_xy, self._kcell,
                         word(self.lang, "flat.kernel"), lw, font)
        orows, ocols = _as_2d(spec.output_size)
        # the cropped frame: full-output cells outside the output, dashed
        for fr in range(self._frows):
            for fc in range(self._fcols):
                r, c = fr - self._off_r, fc - self._off_c
                if 0 <= r < orows and 0 <= c < ocols:
                    continue
                x0, y0 = self._out_xy(r, c)
                fig.add(
                    Rectangle(
                        (x0, y0),
                        u,
                        u,
                        facecolor=pal.background,
                        edgecolor=pal.muted,
                        linewidth=lw * 0.8,
                        linestyle=(0, (3, 3)),
                        zorder=1,
                    )
                )
        self._out_rects = {}
        self._out_texts = {}
        for r in range(orows):
            for c in range(ocols):
                x0, y0 = self._out_xy(r, c)
                rect = Rectangle((x0, y0), u, u, facecolor=pal.background, edgecolor=pal.stroke,
                                 linewidth=lw, zorder=2)
                fig.add(rect)
                self._out_rects[r, c] = rect
                self._out_texts[r, c] = fig.text(x0 + u / 2, y0 + u * 0.47, "", ha="center",
                                                 va="center", fontsize=value_size, color=pal.text,
                                                 zorder=5)
        # the current patch: one translucent square per tap, cropped taps faint
        k_cells = int(math.prod(spec.kernel_size))
        self._patch_rects = []
        for _ in range(k_cells):
            rect = Rectangle((0, 0), u, u, facecolor=pal.input, alpha=0.55, edgecolor=pal.stroke,
                             linewidth=lw * 1.4, zorder=3, visible=False)
            fig.add(rect)
            self._patch_rects.append(rect)
        label_size = fig.points(0.34 * u)
        if pal.labels:
            in_label = (word(self.lang, "scatter.in_label", label=pal.input_label)
                        if self.numbers else pal.input_label)
            fig.text(self._ix, self._iy - 0.18 * u, in_label,
                     ha="left", va="bottom", fontsize=label_size, color=pal.text, **font)
            what = word(self.lang, "scatter.sum_so_far" if self.numbers else "scatter.count")
            fig.text(self._fx, self._fy - 0.18 * u,
                     word(self.lang, "scatter.out_label", label=pal.output_label, what=what),
                     ha="left", va="bottom", fontsize=label_size, color=pal.text, **font)
        self._line1 = self._line2 = None
        if pal.captions:
            self._line1 = fig.text(self.size[0] / 2, self._caption_y, "", ha="center", va="top",
                                   fontsize=fig.points(0.3 * u), color=pal.text, **font)
            self._line2 = fig.text(self.size[0] / 2, self._caption_y + 0.55 * u,
                                   self._caption2(), ha="center", va="top",
                                   fontsize=fig.points(0.27 * u), color=pal.muted, **font)
        return fig

    def frame(self, n: int) -> np.ndarray:
        n = self._check(n)
        if self._fig is None:
            self._fig = _in_rc(self._build)
            self._last = {}
        spec, pal = self.spec, self.palette
        j = self.input_index(n)
        done = n if j is not None else self.frame_count - 1
        set_ = self._set
        for (r, c), rect in self._in_rects.items():
            k = r * self._icols + c
            set_(rect, "facecolor", pal.input if k == n and j is not None else
                 self._in_done if k < done else self._in_light)
        counts = self.counts_at(n).reshape(_as_2d(spec.output_size))
        values = None if self.sums is None else self.values_at(n).reshape(counts.shape)
        peak = max(int(self.final_counts.max()), 1)
        final = j is None
        for (r, c), rect in self._out_rects.items():
            value = int(counts[r, c])
            fill = (
                _mix(pal.output, pal.background, 0.15 + 0.85 * value / peak)
                if value
                else pal.background
            )
            set_(rect, "facecolor", fill)
            text = self._out_texts[r, c]
            shown = str(value) if values is None else self.format(values[r, c])
            set_(text, "text", shown if value or final else "")
            set_(text, "color", pal.on_dark if value and _luma(fill) < 0.55 else pal.text)
            set_(text, "fontweight", "bold" if final else "normal")
        positions = self.patch(n)
        orows, ocols = _as_2d(spec.output_size)
        for t, rect in enumerate(self._patch_rects):
            if t >= len(positions):
                set_(rect, "visible", False)
                continue
            r, c = _cell2d(positions[t], spec.ndim)
            inside = 0 <= r < orows and 0 <= c < ocols
            set_(rect, "xy", self._out_xy(r, c))
            set_(rect, "alpha", 0.55 if inside else 0.2)
            set_(rect, "visible", True)
        if self._line1 is not None:
            self._line1.set_text(self._line(n))
        return self._fig.read()

    def _set(self, artist: Any, name: str, value: Any) -> None:
        """``artist.set_<name>(value)`` unless that is what it was last set to here (a
        matplotlib setter converts and marks the figure stale: most cells keep their
        looks from one frame to the next)."""
        key = (id(artist), name)
        if key not in self._last or self._last[key] != value:
            self._last[key] = value
            getattr(artist, "set_" + name)(value)

    def __repr__(self) -> str:
        return (
            f"<ScatterRenderer {self.caption!r}: {self.frame_count} frames "
            f"{self.size[0]}×{self.size[1]}>"
        )
