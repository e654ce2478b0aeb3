"""Depthwise separable convolution: one k×k kernel per channel, then 1×1 across channels.

The counts come from ConvSpecs: the standard convolution
``ConvSpec(i, k, in_channels=C, out_channels=C_out)``, the depthwise one with
``groups=C`` (C·M outputs) and the pointwise ``ConvSpec(o, 1, ...)``. The
worked example: 12×12×3 input, 5×5 kernels, 256 outputs, 8×8 result —
1,228,800 multiplications standard vs 4,800 + 49,152 = 53,952 separable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.core.spec import ConvSpec
from convviz.draw.diagrams._base import (
    FigureFrames,
    check_bool,
    check_options,
    check_scale,
    fmt_int,
    palette,
    rectangles,
)
from convviz.errors import SpecError

__all__ = ["SeparableCosts", "SeparableDiagram", "separable_costs", "separable_diagram"]


@dataclass(frozen=True)
class SeparableCosts:
    """Multiplications and weights (biases excluded) of standard vs separable convolution."""

    standard: ConvSpec
    depthwise: ConvSpec
    pointwise: ConvSpec
    standard_multiplications: int
    depthwise_multiplications: int
    pointwise_multiplications: int
    standard_weights: int
    depthwise_weights: int
    pointwise_weights: int

    @property
    def separable_multiplications(self) -> int:
        return self.depthwise_multiplications + self.pointwise_multiplications

    @property
    def separable_weights(self) -> int:
        return self.depthwise_weights + self.pointwise_weights

    @property
    def ratio(self) -> float:
        """Separable / standard multiplications (= 1/C_out + 1/(kh·kw) when M = 1)."""
        return self.separable_multiplications / self.standard_multiplications


def _weights(spec: ConvSpec) -> int:
    return spec.parameter_count - spec.channels[1]  # parameter_count includes one bias per output


def separable_costs(input_size: Any = 12, kernel_size: Any = 5, in_channels: int = 3,
                    out_channels: int = 256, *, depth_multiplier: int = 1, stride: Any = 1,
                    padding: Any = 0) -> SeparableCosts:
    """Counts of a k×k convolution C → C_out done directly and as depthwise + pointwise."""
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels),
                        ("depth_multiplier", depth_multiplier)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise SpecError(f"{name} must be a whole number >= 1, got {value!r}")
    standard = ConvSpec(input_size, kernel_size, stride=stride, padding=padding,
                        in_channels=in_channels, out_channels=out_channels)
    depthwise = ConvSpec(
        input_size,
        kernel_size,
        stride=stride,
        padding=padding,
        groups=in_channels,
        in_channels=in_channels,
        out_channels=in_channels * depth_multiplier,
    )
    pointwise = ConvSpec(depthwise.output_size, 1, in_channels=in_channels * depth_multiplier,
                         out_channels=out_channels)
    return SeparableCosts(
        standard, depthwise, pointwise,
        standard.multiply_count, depthwise.multiply_count, pointwise.multiply_count,
        _weights(standard), _weights(depthwise), _weights(pointwise),
    )


def _rgb(colour: str) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array(to_rgb(colour))


def _mix(colour: str, background: str, amount: float) -> np.ndarray:
    return _rgb(colour) * (1 - amount) + _rgb(background) * amount


class SeparableDiagram(FigureFrames):
    """Step 1: depthwise at each shown output position; step 2: pointwise at the same positions.

    ``positions="diagonal"`` (default) shows the positions (0, 0), (1, 1), …
    (o−1, o−1) — the window slides right and down — and fills the planes in
    reading order up to the shown position, so the skipped positions read as
    computed too; ``positions="all"`` steps through every one of the o²
    positions (2·o² frames).
    """

    CELL = 9

    def __init__(self, *, theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                 input_size: int = 12, kernel_size: int = 5, in_channels: int = 3,
                 out_channels: int = 256, positions: str = "diagonal", lang: str = "en",
                 show_title: bool = True) -> None:
        pal = palette(theme)
        check_bool("numbers", numbers)
        show_title = check_bool("title", show_title)
        if positions not in ("diagonal", "all"):
            raise SpecError(f"positions must be 'diagonal' or 'all', got {positions!r}")
        if not (isinstance(in_channels, int) and 1 <= in_channels <= 4):
            raise SpecError(f"in_channels must be 1…4 to be drawn, got {in_channels!r}")
        if not (isinstance(input_size, int) and input_size <= 16):
            raise SpecError(f"input_size must be an int <= 16 to be drawn, got {input_size!r}")
        self.costs = costs = separable_costs(input_size, kernel_size, in_channels, out_channels)
        i = input_size
        k = kernel_size
        o = costs.depthwise.output_size[0]
        self.o, self.k, self.channels = o, k, in_channels
        cs = self.CELL
        plane_i, plane_o = i * cs, o * cs
        gap = 30
        top = 112
        rows_h = in_channels * plane_i + (in_channels - 1) * gap
        width, height = 900, int(top + rows_h + (196 if pal.show_caption else 170))
        super().__init__(width, height, pal, check_scale(scale), lang)
        fs = pal.font_size
        ax = self.ax
        from matplotlib.collections import LineCollection
        from matplotlib.patches import Rectangle

        #: the output positions shown, in order (each once per phase)
        self.positions = ([(j, j) for j in range(o)] if positions == "diagonal"
                          else [(r, c) for r in range(o) for c in range(o)])
        self.frame_count = 2 * len(self.positions)
        self.poster_frame = self.positions.index(
            (o // 2, o // 2)
        )  # depthwise, window in the middle
        self.caption = self.word(
            "sep.caption", i=i, c=in_channels, k=k, c_out=out_channels,
            separable=fmt_int(costs.separable_multiplications),
            standard=fmt_int(costs.standard_multiplications),
        )
        self.title = self.word("sep.title", i=i, c=in_channels, o=o, c_out=out_channels, k=k)
        if show_title:
            self.text(16, 22, self.title, size=fs * 1.25, weight="bold", ha="left")
        self.step_text = self.dynamic(self.text(16, 46, "", size=fs * 1.0, ha="left", weight="bold",
                                                colour=pal.accent))
        colours = [pal.input, pal.value, pal.gate, pal.output][:in_channels]
        x_in, x_kernel, x_dw = 70, 70 + plane_i + 50, 70 + plane_i + 50 + k * cs + 75
        x_pw = x_dw + plane_o + 90
        x_out = x_pw + 90
        sizes = dict(i=i, c=in_channels, k=k, o=o, c_out=out_channels)
        headers = [(x_in + plane_i / 2, self.word("sep.input", **sizes)),
                   (x_kernel + k * cs / 2, self.word("sep.kernels", **sizes)),
                   (x_dw + plane_o / 2, self.word("sep.dw_output", **sizes)),
                   (x_pw + 4, self.word("sep.pointwise", **sizes)),
                   (x_out + plane_o / 2 + 18, self.word("sep.output", **sizes))]
        for x, label in headers:
            self.text(x, top - 26, label, size=fs * 0.9, weight="bold", va="center")
        self.in_xy, self.dw_xy, self.kernel_xy = [], [], []
        self.dw_cells = []
        for c, colour in enumerate(colours):
            y = top + c * (plane_i + gap)
            self.in_xy.append((x_in, y))
            ax.add_collection(
                rectangles(
                    [(x_in + a * cs, y + b * cs) for b in range(i) for a in range(i)],
                    cs,
                    cs,
                    facecolor=colour,
                    edgecolor=pal.background if not pal.dark else pal.stroke,
                    linewidth=0.5,
                )
            )
            ax.add_patch(
                Rectangle(
                    (x_in, y), plane_i, plane_i, fill=False, edgecolor=pal.stroke, linewidth=1
                )
            )
            self.text(x_in - 8, y + plane_i / 2, self.word("sep.channel", c=c), ha="right",
                      size=fs * 0.85)
            ky = y + (plane_i - k * cs) / 2
            ax.add_collection(rectangles(
                [(x_kernel + a * cs, ky + b * cs) for b in range(k) for a in range(k)], cs, cs,
                facecolor=_mix(colour, pal.background, 0.35), edgecolor=pal.stroke, linewidth=0.5))
            self.text(x_kernel + k * cs / 2, ky + k * cs + 14, f"K{c}", size=fs * 0.8)
            dy = y + (plane_i - plane_o) / 2
            self.dw_xy.append((x_dw, dy))
            cells = rectangles(
                [(x_dw + a * cs, dy + b * cs) for b in range(o) for a in range(o)], cs, cs,
                facecolor=_mix(colour, pal.background, 0.85), edgecolor=pal.stroke, linewidth=0.4)
            self.dw_cells.append(
                (self.dynamic(cells), _rgb(colour), _mix(colour, pal.background, 0.85))
            )
            ax.add_collection(cells)
            self.kernel_xy.append((x_kernel, ky))
        # pointwise kernel: one cell per channel, in the channel colours
        mid = top + rows_h / 2
        self.pw_cells: list[Any] = []
        for c, colour in enumerate(colours):
            ax.add_patch(
                Rectangle(
                    (x_pw - 6, mid - in_channels * 7 + c * 14),
                    14,
                    14,
                    facecolor=colour,
                    edgecolor=pal.stroke,
                    linewidth=0.8,
                )
            )
        self.pw_xy = (x_pw + 1, mid)
        self.pw_box = self.dynamic(
            ax.add_patch(
                Rectangle(
                    (x_pw - 9, mid - in_channels * 7 - 3),
                    20,
                    in_channels * 14 + 6,
                    fill=False,
                    edgecolor=pal.highlight,
                    linewidth=2.0,
                    zorder=5,
                )
            )
        )
        self.kernel_boxes = [
            self.dynamic(
                ax.add_patch(
                    Rectangle(
                        (kx - 3, ky - 3),
                        k * cs + 6,
                        k * cs + 6,
                        fill=False,
                        edgecolor=pal.highlight,
                        linewidth=2.0,
                        zorder=5,
                    )
                )
            )
            for kx, ky in self.kernel_xy
        ]
        # output stack: a few planes drawn behind each other
        depth = min(out_channels, 5)
        off = 8
        oy = mid - plane_o / 2
        for p in range(depth - 1, 0, -1):
            ax.add_patch(
                Rectangle(
                    (x_out + p * off, oy - p * off),
                    plane_o,
                    plane_o,
                    facecolor=_mix(pal.output, pal.background, 0.6),
                    edgecolor=pal.stroke,
                    linewidth=0.8,
                )
            )
        self.out_xy = (x_out, oy)
        self.out_cells = self.dynamic(rectangles(
            [(x_out + a * cs, oy + b * cs) for b in range(o) for a in range(o)], cs, cs,
            facecolor=_mix(pal.output, pal.background, 0.85), edgecolor=pal.stroke, linewidth=0.4))
        ax.add_collection(self.out_cells)
        self.out_strong = _rgb(pal.output)
        self.out_pale = _mix(pal.output, pal.background, 0.85)
        self.text(
            x_out + plane_o / 2 + 18,
            oy + plane_o + 16,
            self.word("sep.planes", c_out=out_channels, depth=depth),
            size=fs * 0.8,
        )
        # dynamic highlights
        self.windows = [
            self.dynamic(
                ax.add_patch(
                    Rectangle(
                        (0, 0),
                        k * cs,
                        k * cs,
                        fill=False,
                        edgecolor=pal.highlight,
                        linewidth=2.2,
                        zorder=5,
                    )
                )
            )
            for _ in colours
        ]
        self.marks = [
            self.dynamic(
                ax.add_patch(
                    Rectangle(
                        (0, 0), cs, cs, fill=False, edgecolor=pal.highlight, linewidth=2.0, zorder=5
                    )
                )
            )
            for _ in colours
        ]
        self.out_mark = self.dynamic(
            ax.add_patch(
                Rectangle(
                    (0, 0), cs, cs, fill=False, edgecolor=pal.highlight, linewidth=2.0, zorder=5
                )
            )
        )
        self.column = self.dynamic(
            LineCollection([], colors=pal.highlight, linewidths=2.0, zorder=5)
        )
        ax.add_collection(self.column)
        self.links = self.dynamic(LineCollection([], linewidths=1.2, zorder=4))
        ax.add_collection(self.links)
        self.colours = colours
        # counts
        self._counts(16, top + rows_h + 40, i, k, o, in_channels, out_channels)
        self._caption_text = None
        if pal.show_caption:
            self._caption_text = self.dynamic(
                self.text(16, height - 16, "", size=fs * 0.95, ha="left")
            )
        self.fit_texts()
        if not show_title:
            self.drop_top(24)  # the step line takes the title's place

    def _counts(self, x: float, y: float, i: int, k: int, o: int, c: int, c_out: int) -> None:
        pal = self.palette
        fs = pal.font_size
        cs = self.costs
        w = self.word
        sizes = dict(c=c, c_out=c_out, k=k, o=o)
        self.count_lines = [
            (w("sep.standard"), w("sep.standard_how", **sizes),
             cs.standard_multiplications, cs.standard_weights),
            (w("sep.depthwise"), w("sep.depthwise_how", **sizes),
             cs.depthwise_multiplications, cs.depthwise_weights),
            (w("sep.pointwise_row"), w("sep.pointwise_how", **sizes),
             cs.pointwise_multiplications, cs.pointwise_weights),
            (w("sep.total"),
             f"{fmt_int(cs.depthwise_multiplications)} + {fmt_int(cs.pointwise_multiplications)}",
             cs.separable_multiplications, cs.separable_weights),
        ]
        cols = (x, x + 200, x + 500, x + 660)
        heads = ("", w("sep.how_many"), w("sep.multiplications"), w("sep.weights"))
        for cx, head in zip(cols, heads):
            self.text(cx, y, head, ha="left", weight="bold", size=fs * 0.9)
        for row, (name, how, mults, weights) in enumerate(self.count_lines):
            yy = y + 22 + row * 21
            bold = "bold" if row in (0, 3) else "normal"
            colour = pal.accent if row == 3 else pal.text
            self.text(cols[0], yy, name, ha="left", size=fs * 0.9, weight=bold, colour=colour)
            self.text(cols[1], yy, how, ha="left", size=fs * 0.9, colour=colour)
            self.text(
                cols[2] + 120,
                yy,
                fmt_int(mults),
                ha="right",
                size=fs * 0.9,
                weight=bold,
                colour=colour,
            )
            self.text(
                cols[3] + 90,
                yy,
                fmt_int(weights),
                ha="right",
                size=fs * 0.9,
                weight=bold,
                colour=colour,
            )
        ratio = cs.ratio
        self.text(
            x,
            y + 22 + 4 * 21 + 6,
            w("sep.ratio", ratio=ratio, c_out=c_out, kk=k * k),
            ha="left",
            size=fs * 0.95,
            weight="bold",
        )

    def step(self, n: int) -> tuple[str, int, int]:
        """Frame n as (phase, row, col): 'depthwise' for the first half, then 'pointwise'."""
        shown = len(self.positions)
        phase = "depthwise" if n < shown else "pointwise"
        r, c = self.positions[n % shown]
        return phase, r, c

    def _update(self, n: int) -> None:
        cs = self.CELL
        o = self.o
        phase, r, c = self.step(n)
        # planes fill in reading order up to the shown position (skipped positions are computed too)
        done_dw = o * o if phase == "pointwise" else r * o + c + 1
        done_pw = 0 if phase == "depthwise" else r * o + c + 1
        flat = np.arange(o * o)
        for cells, strong, pale in self.dw_cells:
            cells.set_facecolor(np.where((flat < done_dw)[:, None], strong, pale))
        self.out_cells.set_facecolor(
            np.where((flat < done_pw)[:, None], self.out_strong, self.out_pale)
        )
        segs, colours = [], []
        for ch, colour in enumerate(self.colours):
            xi, yi = self.in_xy[ch]
            xd, yd = self.dw_xy[ch]
            self.windows[ch].set_visible(phase == "depthwise")
            self.windows[ch].set_xy((xi + c * cs, yi + r * cs))
            self.marks[ch].set_xy((xd + c * cs, yd + r * cs))
            xk, yk = self.kernel_xy[ch]
            self.kernel_boxes[ch].set_visible(phase == "depthwise")
            if phase == "depthwise":
                kmid = yk + self.k * cs / 2
                segs.append([(xi + (c + self.k) * cs, yi + (r + self.k / 2) * cs), (xk - 3, kmid)])
                colours.append(colour)
                segs.append([(xk + self.k * cs + 3, kmid), (xd + c * cs, yd + (r + 0.5) * cs)])
            else:
                segs.append(
                    [(xd + (c + 1) * cs, yd + (r + 0.5) * cs), (self.pw_xy[0] - 6, self.pw_xy[1])]
                )
            colours.append(colour)
        xo, yo = self.out_xy
        self.pw_box.set_visible(phase == "pointwise")
        self.out_mark.set_visible(phase == "pointwise")
        self.out_mark.set_xy((xo + c * cs, yo + r * cs))
        if phase == "pointwise":
            segs.append([(self.pw_xy[0] + 8, self.pw_xy[1]), (xo + c * cs, yo + (r + 0.5) * cs)])
            colours.append(self.palette.highlight)
            self.column.set_segments([[(xo + (c + 0.5) * cs, yo + (r + 0.5) * cs),
                                       (xo + (c + 0.5) * cs + 32, yo + (r + 0.5) * cs - 32)]])
        else:
            self.column.set_segments([])
        self.links.set_segments(segs)
        self.links.set_color(colours)
        ch = self.channels
        if phase == "depthwise":
            self.step_text.set_text(self.word("sep.step1", k=self.k, c=ch))
        else:
            self.step_text.set_text(
                self.word("sep.step2", c_out=self.costs.standard.channels[1], c=ch))
        if self._caption_text is not None:
            if phase == "depthwise":
                text = self.word("sep.at_dw", r=r, col=c, k=self.k, r_end=r + self.k - 1,
                                 col_end=c + self.k - 1)
            else:
                text = self.word("sep.at_pw", r=r, col=c, c=ch)
            shown = len(self.positions)
            if shown < o * o:
                text += self.word("sep.shown", shown=shown, total=o * o)
            self._caption_text.set_text(text)


def separable_diagram(theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                      lang: str = "en", **options: Any) -> SeparableDiagram:
    """Factory of the ``separable_conv`` preset (options: input_size, kernel_size,
    in_channels, out_channels, positions: 'diagonal' (default, 2·o frames) or 'all' (2·o²),
    title: True, or False to leave the title line out for a page that shows it)."""
    check_options(
        options,
        ("input_size", "kernel_size", "in_channels", "out_channels", "positions", "title"),
        "the separable diagram",
    )
    show_title = options.pop("title", True)
    return SeparableDiagram(theme=theme, scale=scale, numbers=numbers, lang=lang,
                            show_title=show_title, **options)
