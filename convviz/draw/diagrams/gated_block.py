"""Data-flow diagrams of a gated convolution block (GLU) and of DGCNN's highway form.

Drawn from a small real example (seeded random weights) computed by
:func:`convviz.core.gated.gated_trace`, animated over the time steps t: both lanes
read the same window of the padded input (the engine's ``spec.taps``):
t − d(k−1) … t for causal padding, t − p_lo … t + p_hi for 'same', in steps of d,
σ scales the value lane, ⊗ gives H, and the input comes back through ⊕ (residual)
or through the highway gate 1 − σ. The panel on the right (costs, colour legend, σ scale,
the values at t) is drawn by :mod:`convviz.draw.diagrams.gated_panel`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.core.gated import GatedTrace
from convviz.draw.diagrams._base import (
    FigureFrames,
    check_bool,
    check_options,
    check_scale,
    palette,
)
from convviz.draw.diagrams.gated_panel import draw_panel, sigma_colormap, values_lines
from convviz.draw.diagrams.gated_parts import _list, _num, _Strip, example_block
from convviz.errors import SpecError

__all__ = ["GatedBlockDiagram", "example_block", "glu_diagram", "highway_diagram"]


class GatedBlockDiagram(FigureFrames):
    """A gated block's data flow, one frame per time step t (or one frame for ``t``)."""

    def __init__(self, trace: GatedTrace, *, theme: Any = "default", scale: float = 1.0,
                 numbers: bool = False, t: int | None = None, lang: str = "en",
                 show_title: bool = True) -> None:
        pal = palette(theme)
        self.trace = trace
        self.numbers = check_bool("numbers", numbers)
        show_title = check_bool("title", show_title)
        spec = trace.spec
        channels, length = trace.x.shape
        n = trace.a.shape[0]
        k = spec.kernel_size[0]
        d = spec.dilation[0]
        self.highway = trace.form == "highway"
        self.cs = cs = 40 if numbers else 24
        self.num_size = 6.6
        pad_lo, pad_hi = spec.canvas_padding[0]
        canvas = spec.canvas_size[0]
        lane_w = length * cs
        gap = max(110, canvas * cs - 2 * lane_w + 40)
        left = 96  # room for the residual line and the tensor names
        lanes_w = 2 * lane_w + gap
        xa, xb = left + 30, left + 30 + lane_w + gap
        centre = left + 30 + lanes_w / 2
        x_right = centre + canvas * cs / 2  # right end of the padded X strip
        panel_x = max(xb + lane_w + (160 if self.highway else 60), x_right + 215)
        width = int(panel_x + 300)
        sh = max(channels, n) * cs  # strip height
        y_x = 74
        y_ab = y_x + channels * cs + 100
        y_s = y_ab + n * cs + 80
        lane_out = y_ab + n * cs + 38  # where arrows leave A and B, below their captions
        y_m = y_s + n * cs + (74 if self.highway else 44)  # the ⊗ node(s)
        y_h: Any
        y_p: Any
        y_y: Any
        if self.highway:
            y_p = y_m + 52  # ⊕
            y_y = y_p + 34
            y_h = None
        else:
            y_h = y_m + 30
            y_p = y_h + n * cs + 44 if trace.residual else None
            y_y = y_p + 34 if trace.residual else None
        bottom = (y_y if y_y is not None else y_h) + sh + 34
        footer = 34 if pal.show_caption else 10
        height = int(max(bottom + footer, 560))
        super().__init__(width, height, pal, check_scale(scale), lang)
        if t is not None and (isinstance(t, bool) or not isinstance(t, (int, np.integer))
                              or not 0 <= t < length):
            raise SpecError(f"t must be a time step in [0, {length}), got {t!r}")
        self.fixed_t = None if t is None else int(t)
        self.frame_count = 1 if t is not None else length
        self.poster_frame = 0 if t is not None else length // 2
        self.length = length
        fs = pal.font_size
        ax = self.ax
        w = self.word
        pad_kind = w("gated.causal") if spec.padding == "causal" else w("gated.same")
        # ---- title --------------------------------------------------------------------------
        if self.highway:
            title = w("gated.title_highway")
        elif trace.residual:
            title = w("gated.title_residual")
        else:
            title = w("gated.title")
        self.title = title
        if show_title:
            self.text(16, 22, title, size=fs * 1.25, weight="bold", ha="left")
        self.text(
            16,
            42,
            w("gated.subtitle" if n != 1 else "gated.subtitle_one", t=length, c=channels, n=n,
              k=k, d=d, padding=pad_kind),
            size=fs * 0.9,
            ha="left",
            colour=pal.text,
        )
        # ---- X, padded -------------------------------------------------------------------------
        x0 = centre - canvas * cs / 2
        dashed = tuple(range(pad_lo)) + tuple(range(pad_lo + length, canvas))
        padded_shape = w("gated.padded", t=length, c=channels, canvas=canvas)
        self.sx = _Strip(self, "X", x0, y_x, trace.padded, pal.input, dashed=dashed,
                         first_col=pad_lo, progressive=False)
        # right of the strip, in its lower half (the highway's straight path leaves above it)
        y_mid = y_x + channels * cs / 2
        self.text(
            x0 + canvas * cs + 8,
            y_mid + min(12, channels * cs / 2 - 2),
            padded_shape,
            ha="left",
            va="center",
            size=fs * 0.85,
            colour=pal.text,
        )
        if pad_lo:
            self.text(
                x0 + pad_lo * cs / 2,
                y_x - 9,
                w("gated.zeros" if pad_lo > 1 else "gated.zero", n=pad_lo),
                size=fs * 0.8,
                colour=pal.muted if not pal.dark else pal.text,
            )
        if pad_hi:
            self.text(
                x0 + (canvas - pad_hi / 2) * cs,
                y_x - 9,
                w("gated.zeros" if pad_hi > 1 else "gated.zero", n=pad_hi),
                size=fs * 0.8,
                colour=pal.muted if not pal.dark else pal.text,
            )
        self.text(x0 + (pad_lo + length / 2) * cs, y_x - 9, w("gated.time"), size=fs * 0.8,
                  colour=pal.muted if not pal.dark else pal.text)
        # ---- the two lanes -----------------------------------------------------------------------
        self.sa = _Strip(
            self, "A", xa, y_ab, trace.a, pal.value, shape=f"A = X∗W + b  ({length}, {n})"
        )
        self.sb = _Strip(
            self, "B", xb, y_ab, trace.b, pal.gate, shape=f"B = X∗V + c  ({length}, {n})"
        )
        for x_lane, colour, text in (
            (xa, pal.value, w("gated.value_weights", n=n, c=channels, k=k)),
            (xb, pal.gate, w("gated.gate_weights", n=n, c=channels, k=k)),
        ):
            self.text(x_lane + lane_w / 2, y_ab + n * cs + 27, text, size=fs * 0.85, colour=colour,
                      weight="bold")
        # ---- σ(B) -------------------------------------------------------------------------
        self.sigma_cmap = sigma_colormap(pal)
        self.ss = _Strip(self, "σ(B)", xb, y_s, trace.gate, None, cmap=self.sigma_cmap,
                         shape=w("gated.sigma_shape", t=length, n=n))
        self._arrow(xb + lane_w / 2, lane_out, xb + lane_w / 2, y_s - 2, pal.gate, "σ")
        # ---- products ---------------------------------------------------------------------------
        r = 13
        if self.highway:
            mx_val, mx_skip = centre, xb + lane_w + 52
            self._node(mx_val, y_m, "⊗")
            self._node(mx_skip, y_m, "⊗")
            self._poly([(xa + lane_w / 2, lane_out), (xa + lane_w / 2, y_m), (mx_val - r, y_m)],
                       pal.value, arrow=True)
            self._poly(
                [
                    (xb + lane_w / 2, y_s + n * cs + 22),
                    (xb + lane_w / 2, y_m - 30),
                    (mx_val, y_m - 30),
                    (mx_val, y_m - r),
                ],
                pal.gate,
                arrow=True,
            )
            self.text(
                (mx_val + xb + lane_w / 2) / 2,
                y_m - 38,
                "σ",
                size=fs,
                colour=pal.gate,
                weight="bold",
            )
            self._poly(
                [(xb + lane_w / 2, y_m - 30), (mx_skip, y_m - 30), (mx_skip, y_m - r)],
                pal.gate,
                arrow=True,
            )
            self.text(
                mx_skip - 4, y_m - 38, "1 − σ", size=fs, colour=pal.gate, weight="bold", ha="right"
            )
            # the input's straight path, on the right
            y_skip = y_x + max(4, channels * cs / 2 - 12)
            self._poly([(x0 + canvas * cs, y_skip), (mx_skip, y_skip),
                        (mx_skip, y_m - 60)], pal.input, arrow=False)
            self._poly([(mx_skip, y_m - 60), (mx_skip, y_m - r)], pal.input, arrow=True)
            self.text(
                mx_skip + 6,
                (y_ab + y_s) / 2,
                w("gated.straight"),
                ha="left",
                size=fs * 0.85,
                colour=pal.input,
            )
            self.text(mx_val + 8, y_m + 26, "A ⊗ σ", ha="left", size=fs * 0.9, colour=pal.text)
            self.text(
                mx_skip - 8, y_m + 26, "X ⊗ (1 − σ)", ha="right", size=fs * 0.9, colour=pal.text
            )
            self._node(centre, y_p, "⊕")
            self._poly([(mx_val, y_m + r), (mx_val, y_p - r)], pal.output, arrow=True)
            self._poly(
                [(mx_skip, y_m + r), (mx_skip, y_p), (centre + r, y_p)], pal.output, arrow=True
            )
            yx0 = centre - lane_w / 2
            self.sy: _Strip | None = _Strip(
                self, "Y", yx0, y_y, trace.y, pal.output, shape=f"Y  ({length}, {channels})"
            )
            self._arrow(centre, y_p + r, centre, y_y - 2, pal.output)
            self.sh = None
        else:
            self._node(centre, y_m, "⊗")
            self._poly([(xa + lane_w / 2, lane_out), (xa + lane_w / 2, y_m), (centre - r, y_m)],
                       pal.value, arrow=True)
            self._poly(
                [(xb + lane_w / 2, y_s + n * cs + 22), (xb + lane_w / 2, y_m), (centre + r, y_m)],
                pal.gate,
                arrow=True,
            )
            hx0 = centre - lane_w / 2
            hname = "H" if trace.residual else "H = Y"
            self.sh = _Strip(self, hname, hx0, y_h, trace.h, pal.output,
                             shape=f"H = A ⊗ σ(B)  ({length}, {n})")
            self._arrow(centre, y_m + r, centre, y_h - 2, pal.output)
            self.sy = None
            if trace.residual:
                self._node(centre, y_p, "⊕")
                self._arrow(centre, y_h + n * cs + 20, centre, y_p - r, pal.output)
                skip_x = left - 40
                self._poly(
                    [
                        (x0 - 26, y_x + channels * cs / 2),
                        (skip_x, y_x + channels * cs / 2),
                        (skip_x, y_p),
                        (centre - r, y_p),
                    ],
                    pal.input,
                    arrow=True,
                )
                self.text(
                    skip_x + 6,
                    (y_h + y_p) / 2 + 6,
                    w("gated.residual"),
                    ha="left",
                    size=fs * 0.85,
                    colour=pal.input,
                )
                self.sy = _Strip(self, "Y", hx0, y_y, trace.y, pal.output,
                                 shape=f"Y = X + H  ({length}, {channels})")
                self._arrow(centre, y_p + r, centre, y_y - 2, pal.output)
        # ---- the window and its connections (dynamic) --------------------------------------------
        from matplotlib.collections import LineCollection
        from matplotlib.patches import Rectangle

        self.taps = spec.taps[..., 0]  # (T, k) canvas columns read by output t
        self.win_boxes = [
            self.dynamic(
                ax.add_patch(
                    Rectangle(
                        (0, 0),
                        cs,
                        channels * cs,
                        fill=False,
                        edgecolor=pal.highlight,
                        linewidth=2.4,
                        zorder=6,
                    )
                )
            )
            for _ in range(k)
        ]
        self.win_span = self.dynamic(ax.add_patch(Rectangle((0, 0), 1, 6, facecolor=pal.highlight,
                                                            edgecolor="none", alpha=0.9, zorder=6)))
        self.links = self.dynamic(LineCollection([], linewidths=1.6, zorder=2))
        ax.add_collection(self.links)
        strips = [s for s in (self.sa, self.sb, self.ss, self.sh, self.sy) if s is not None]
        self.col_boxes = [
            self.dynamic(
                ax.add_patch(
                    Rectangle(
                        (0, 0),
                        cs,
                        s.height,
                        fill=False,
                        edgecolor=pal.highlight,
                        linewidth=2.4,
                        zorder=6,
                    )
                )
            )
            for s in strips
        ]
        self.col_strips = strips
        self.window_label = self.dynamic(self.text(0, y_x + channels * cs + 26, "", size=fs * 0.85,
                                                   colour=pal.highlight, weight="bold"))
        # ---- right panel: counts, legend, σ scale ------------------------------------------------
        self.badges, self.values_y, self.values_text = draw_panel(self, panel_x, 74)
        self.caption = w("gated.caption", title=title.replace("  ", " "), t=length, c=channels,
                         n=n, k=k, d=d, padding=pad_kind)
        self._caption_text = None
        if pal.show_caption:
            self._caption_text = self.dynamic(
                self.text(16, height - 16, "", size=fs * 0.95, ha="left")
            )
        self.fit_texts()
        if not show_title:
            self.drop_top(_TITLE_ROOM)  # the parameters line takes the title's place

    # -- drawing helpers ------------------------------------------------------------------------
    def _node(self, x: float, y: float, symbol: str) -> None:
        from matplotlib.patches import Circle

        pal = self.palette
        self.ax.add_patch(Circle((x, y), 13, facecolor=pal.background, edgecolor=pal.stroke,
                                 linewidth=1.4, zorder=4))
        self.text(x, y + 1, symbol, size=self.palette.font_size * 1.5, zorder=5)

    def _arrow(
        self, x0: float, y0: float, x1: float, y1: float, colour: str, label: str = ""
    ) -> None:
        self.ax.annotate(
            "",
            (x1, y1),
            (x0, y0),
            arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=1.6, shrinkA=0, shrinkB=0),
        )
        if label:
            self.text(x0 + 10, (y0 + y1) / 2, label, ha="left", size=self.palette.font_size * 1.1,
                      colour=colour, weight="bold")

    def _poly(self, points: list[tuple[float, float]], colour: str, arrow: bool) -> None:
        xs, ys = zip(*points[:-1]) if arrow else zip(*points)
        self.ax.plot(xs, ys, color=colour, linewidth=1.6, solid_capstyle="butt", zorder=2)
        if arrow:
            self._arrow(*points[-2], *points[-1], colour)

    # -- frames ------------------------------------------------------------------------------------
    def window(self, n: int) -> np.ndarray:
        """Canvas columns of the padded X that step t = frame n reads (from ``spec.taps``)."""
        t = self.fixed_t if self.fixed_t is not None else n
        return self.taps[t]

    def window_inputs(self, n: int) -> np.ndarray:
        """Input time steps frame n's window reads (negative or ≥ T: zero padding)."""
        return self.window(n) - self.sx.first_col

    def window_offsets(self, n: int) -> np.ndarray:
        """The window relative to t: causal −d(k−1) … 0, 'same' −p_lo … +p_hi, in steps of d."""
        t = self.fixed_t if self.fixed_t is not None else n
        return self.window_inputs(n) - t

    def _zeros_note(self, lo: int, hi: int) -> str:
        last = self.length - 1
        if lo < 0 and hi > last:
            return self.word("gated.zeros_outside", last=last)
        if lo < 0:
            return self.word("gated.zeros_before")
        return self.word("gated.zeros_after", last=last) if hi > last else ""

    def window_label_text(self, n: int) -> str:
        """'window t−2…t = 1…3' (d = 1) or 'window t−2, t, t+2 = 1, 3, 5' (d > 1)."""
        offsets, inputs = self.window_offsets(n), self.window_inputs(n)

        def rel(v: int) -> str:
            return "t" if v == 0 else f"t{v:+d}".replace("-", "−")

        def window(where: str) -> str:
            return self.word("gated.window", where=where)

        def stepped(span: str, step: int) -> str:
            return self.word("gated.step", span=span, step=step)

        if offsets.size == 1:
            return window(f"t = {_num(int(inputs[0]))}")
        step = int(offsets[1] - offsets[0])
        if step == 1:
            return window(f"{rel(int(offsets[0]))}…{rel(int(offsets[-1]))} = "
                          f"{_num(int(inputs[0]))}…{_num(int(inputs[-1]))}")
        if offsets.size <= 4:
            return window(f"{', '.join(rel(int(v)) for v in offsets)} = "
                          f"{', '.join(_num(int(v)) for v in inputs)}")
        return window(stepped(f"{rel(int(offsets[0]))}…{rel(int(offsets[-1]))}", step) + " = "
                      + stepped(f"{_num(int(inputs[0]))}…{_num(int(inputs[-1]))}", step))

    def _update(self, n: int) -> None:
        t = self.fixed_t if self.fixed_t is not None else n
        pal = self.palette
        cs = self.cs
        cols = self.taps[t]
        for box, col in zip(self.win_boxes, cols):
            box.set_xy(self.sx.cell_xy(int(col), self.sx.rows - 1))
        x_lo, x_hi = self.sx.col_x(cols[0]) - cs / 2, self.sx.col_x(cols[-1]) + cs / 2
        self.win_span.set_bounds(x_lo, self.sx.y0 + self.sx.height + 4, x_hi - x_lo, 4)
        self.window_label.set_position(((x_lo + x_hi) / 2, self.sx.y0 + self.sx.height + 20))
        self.window_label.set_text(self.window_label_text(n))
        inputs = self.window_inputs(n)
        lo, hi = int(inputs[0]), int(inputs[-1])
        segs, colours = [], []
        ybot = self.sx.y0 + self.sx.height + 36
        for strip, colour in ((self.sa, pal.value), (self.sb, pal.gate)):
            target = (strip.col_x(t), strip.y0 - 2)
            for col in cols:
                segs.append([(self.sx.col_x(col), ybot), target])
                colours.append(colour)
        self.links.set_segments(segs)
        self.links.set_color(colours)
        for strip in self.col_strips:
            strip.update(t)
        for box, strip in zip(self.col_boxes, self.col_strips):
            box.set_xy(strip.cell_xy(t, strip.rows - 1))
        if self.values_text is not None:
            self.values_text.set_text("\n".join(values_lines(self, t)))
        if self._caption_text is not None:
            sep = self.word("sep")
            text = (self.word("gated.lanes_read", t=t, inputs=_list(inputs, self.lang))
                    + self._zeros_note(lo, hi))
            if self.highway:
                text += sep + "Y[t] = X[t]·(1 − σ) + A[t]·σ"
            else:
                text += sep + "H[t] = A[t] ⊗ σ(B[t])"
                text += (sep + "Y[t] = X[t] + H[t]") if self.trace.residual else ""
            self._caption_text.set_text(text)


#: px between the title's line and the parameters line below it
_TITLE_ROOM = 20

_OPTIONS = (
    "length",
    "channels",
    "n",
    "kernel_size",
    "dilation",
    "padding",
    "residual",
    "seed",
    "t",
    "title",
)


def _build(
    form: str, theme: Any, scale: float, numbers: bool, options: dict[str, Any], lang: str = "en"
) -> GatedBlockDiagram:
    allowed = (
        _OPTIONS if form == "glu" else tuple(o for o in _OPTIONS if o not in ("residual", "n"))
    )
    check_options(options, allowed, f"the {form} block diagram")
    t = options.pop("t", None)
    show_title = options.pop("title", True)
    channels = options.pop("channels", 2)
    residual = options.pop("residual", True) if form == "glu" else False
    n = options.pop("n", channels) if form == "glu" else channels
    trace = example_block(channels=channels, n=n, residual=residual, form=form, **options)
    return GatedBlockDiagram(trace, theme=theme, scale=scale, numbers=numbers, t=t, lang=lang,
                             show_title=show_title)


def glu_diagram(theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                lang: str = "en", **options: Any) -> GatedBlockDiagram:
    """GLU block diagram. Options: length (8), channels (2), n (= channels), kernel_size (3),
    dilation (1), padding ('causal'), residual (True), seed (0), t (None: animate over t),
    title (True; False leaves the title line out, for a page that shows it)."""
    return _build("glu", theme, scale, numbers, dict(options), lang)


def highway_diagram(theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                    lang: str = "en", **options: Any) -> GatedBlockDiagram:
    """DGCNN highway-form diagram. Options: length, channels, kernel_size, dilation, padding
    ('causal' by default here; the preset uses 'same'), seed, t, title (as for
    :func:`glu_diagram`)."""
    return _build("highway", theme, scale, numbers, dict(options), lang)
