"""Stacked 1-D convolutions: rows of cells, every connection faint, one output's paths bright.

The bright cells and edges come from the engine: each layer's
``spec.input_taps`` followed back from the highlighted output, which is
exactly ``convviz.receptive_field(specs[l:], index).mask`` on row l.
:class:`StackModel` is that data model (NumPy only); :class:`StackDiagram`
draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.core.engine import check_stack, receptive_field
from convviz.core.spec import ConvSpec
from convviz.draw.diagrams._base import (
    FigureFrames,
    check_bool,
    check_options,
    check_scale,
    palette,
    rectangles,
)
from convviz.errors import SpecError
from convviz.look.words import word

__all__ = [
    "StackDiagram",
    "StackModel",
    "dilated_stack",
    "plain_vs_dilated_diagram",
    "stack_diagram",
    "wavenet_diagram",
]


def dilated_stack(length: int, kernel_size: int, dilations: Sequence[int], *,
                  padding: str = "same", strides: Sequence[int] | None = None) -> list[ConvSpec]:
    """A chain of 1-D ConvSpecs, one per dilation, each reading the previous output."""
    specs = []
    size = length
    strides = list(strides) if strides is not None else [1] * len(dilations)
    if len(strides) != len(dilations):
        raise SpecError(
            f"strides must have one entry per dilation ({len(dilations)}), got {strides!r}"
        )
    for d, s in zip(dilations, strides):
        spec = ConvSpec((size,), kernel_size, dilation=d, stride=s, padding=padding)
        specs.append(spec)
        size = spec.output_size[0]
    return specs


@dataclass(frozen=True)
class Highlight:
    """What one frame lights up: per row the bright cells, per layer the bright edges."""

    output_index: int
    cells: tuple[np.ndarray, ...]  # row r: bool (size_r,); row 0 is the input
    edges: tuple[np.ndarray, ...]  # layer l: bool (o_l, k_l), edge output o ← tap t (real input)
    padding_edges: tuple[np.ndarray, ...]  # layer l: bool (o_l, k_l), active edge onto padding


class StackModel:
    """Geometry and highlights of a stack of direct 1-D convolutions (no drawing).

    Row 0 is the input, row l + 1 the output of ``specs[l]``. ``x[r]`` holds
    the horizontal position of every cell of row r (input cells at 0, 1, …);
    an output sits above its window's centre, or above its last tap for
    causal padding (as WaveNet draws it). ``pad_x[l]`` are the positions of
    the padding cells layer l adds around row l.
    """

    def __init__(self, specs: Sequence[ConvSpec]) -> None:
        specs = check_stack(specs)  # ConvSpecs, chained (sizes match)
        for n, spec in enumerate(specs):
            if spec.ndim != 1:
                raise SpecError(
                    f"specs[{n}] must be 1-D to be drawn as a stack, "
                    f"got input_size {spec.input_size}"
                )
            if spec.transposed:
                raise SpecError(
                    f"specs[{n}] is transposed; a stack diagram draws direct convolutions"
                )
        self.specs = specs
        self.sizes = [specs[0].input_size[0]] + [s.output_size[0] for s in specs]
        self.receptive_field = receptive_field(specs).size[0]
        xs = [np.arange(self.sizes[0], dtype=float)]
        spacing = [1.0]
        self.pad_x: list[np.ndarray] = []
        self.tap_x: list[np.ndarray] = []  # layer l: (o_l, k) x position of each tap in row l
        for spec in specs:
            g = spec.axes[0]
            x_row, sp = xs[-1], spacing[-1]
            before, _after = g.canvas_padding
            canvas_x = x_row[0] + (np.arange(g.canvas_size) - before) * sp
            self.pad_x.append(
                np.concatenate([canvas_x[:before], canvas_x[before + g.input_size :]])
            )
            taps_x = canvas_x[g.canvas_taps()]
            self.tap_x.append(taps_x)
            if spec.padding == "causal":
                xs.append(taps_x[:, -1].copy())
            else:
                xs.append(taps_x.mean(axis=1))
            spacing.append(sp * g.stride)
        self.x = xs
        self.frame_count = self.sizes[-1]

    @property
    def layers(self) -> int:
        return len(self.specs)

    def highlight(self, output_index: int) -> Highlight:
        """Follow ``input_taps`` back from one output of the last layer."""
        if isinstance(output_index, bool) or not isinstance(output_index, (int, np.integer)) \
                or not 0 <= output_index < self.sizes[-1]:
            raise SpecError(
                f"output_index must be an int in [0, {self.sizes[-1]}), got {output_index!r}"
            )
        bright = np.zeros(self.sizes[-1], dtype=bool)
        bright[output_index] = True
        cells = [bright]
        edges, pad_edges = [], []
        for spec in reversed(self.specs):
            taps = spec.input_taps[..., 0]  # (o, k), −1 on padding
            active = bright[:, None] & np.ones_like(taps, dtype=bool)
            edges.append(active & (taps >= 0))
            pad_edges.append(active & (taps < 0))
            bright = np.zeros(spec.input_size[0], dtype=bool)
            bright[taps[edges[-1]]] = True
            cells.append(bright)
        return Highlight(
            int(output_index), tuple(cells[::-1]), tuple(edges[::-1]), tuple(pad_edges[::-1])
        )

    def edge_segments(self, layer: int) -> np.ndarray:
        """(o, k, 2) x positions (from: row ``layer`` tap, to: row ``layer``+1 cell)."""
        taps_x = self.tap_x[layer]
        out_x = np.broadcast_to(self.x[layer + 1][:, None], taps_x.shape)
        return np.stack([taps_x, out_x], axis=-1)

    def x_range(self) -> tuple[float, float]:
        values = np.concatenate(self.x + self.pad_x)
        return float(values.min()), float(values.max())

    def describe_layer(self, layer: int, lang: str = "en") -> str:
        g = self.specs[layer].axes[0]
        parts = [f"k={g.kernel_size}", f"d={g.dilation}"]
        if g.stride > 1:
            parts.append(f"s={g.stride}")
        return word(lang, "stack.layer", n=layer + 1, parts=", ".join(parts))

    def describe_receptive_field(self, lang: str = "en") -> str:
        ks = {s.kernel_size[0] for s in self.specs}
        if len(ks) == 1 and all(s.stride[0] == 1 for s in self.specs):
            (k,) = ks
            ds = [s.dilation[0] for s in self.specs]
            return word(lang, "stack.field_sum", k1=k - 1, dilations="+".join(map(str, ds)),
                        r=self.receptive_field)
        return word(lang, "stack.field", r=self.receptive_field)


def _mix(colour: str, background: str, amount: float) -> tuple[float, float, float]:
    """colour blended towards background by ``amount`` (0: colour, 1: background)."""
    from matplotlib.colors import to_rgb

    c, b = np.array(to_rgb(colour)), np.array(to_rgb(background))
    return tuple(c * (1 - amount) + b * amount)  # type: ignore[return-value]


class StackDiagram(FigureFrames):
    """One or more stacks (panels one above the other), animated over the last layer's outputs."""

    UNIT = 30  # px between neighbouring cells of the input row
    CELL = 20  # px, cell side
    ROW = 64  # px between rows
    LEFT = 150  # px for the row labels

    def __init__(self, panels: Sequence[tuple[str, Sequence[ConvSpec]]], *, theme: Any = "default",
                 scale: float = 1.0, numbers: bool = False, output_index: int | None = None,
                 title: str | None = None, lang: str = "en", show_title: bool = True) -> None:
        pal = palette(theme)
        show_title = check_bool("title", show_title)
        self.models = [StackModel(specs) for _, specs in panels]
        self.titles = [t for t, _ in panels]
        counts = {m.frame_count for m in self.models}
        if len(counts) != 1:
            raise SpecError(
                f"the panels' last layers must have the same length to animate together, "
                f"got {sorted(counts)}"
            )
        self.numbers = check_bool("numbers", numbers)
        (count,) = counts
        if output_index is not None and (
            isinstance(output_index, bool) or not isinstance(output_index, (int, np.integer))
            or not 0 <= output_index < count
        ):
            raise SpecError(f"output_index must be an int in [0, {count}), got {output_index!r}")
        self.fixed_index = output_index
        self.frame_count = 1 if output_index is not None else count
        # the most telling still: the output whose inputs are most numerous (first one if tied)
        self.poster_frame = 0 if output_index is not None else int(
            np.argmax([self.models[-1].highlight(j).cells[0].sum() for j in range(count)]))
        lo = min(m.x_range()[0] for m in self.models)
        hi = max(m.x_range()[1] for m in self.models)
        self.x0 = lo
        self.x1 = hi
        header = 44 if title and show_title else 12
        panel_heights = [58 + m.layers * self.ROW + self.CELL + 34 for m in self.models]
        footer = 30 if pal.show_caption else 8
        height = header + sum(panel_heights) + footer
        super().__init__(640, height, pal, check_scale(scale), lang)
        fs = pal.font_size
        # the widest row plus its labels: row names at the left, the input count at the right
        # (each row's label must end 20 px before that row's leftmost cell, padding included)
        need = [self.LEFT]
        for m in self.models:
            for r in range(m.layers + 1):
                xs = np.concatenate([m.x[r]] + ([m.pad_x[r]] if r < m.layers else []))
                label_w = self.measure(self._row_label(m, r, self.lang), size=fs * 0.9)[0]
                need.append(16 + label_w + 20 - (xs.min() - lo) * self.UNIT)
        self.left = max(need)
        widest_count = max(m.highlight(j).cells[0].sum() for m in self.models for j in range(count))
        count_w = self.measure(self.word("stack.inputs", n=f"{widest_count:,}"), size=fs * 0.9,
                               weight="bold")[0]
        right = self._px(hi) + self.CELL / 2 + 10 + count_w + 16
        self.resize(max(640, right), height)
        self.caption = title or (self.titles[0] if self.titles
                                 else self.word("stack.default_title"))
        self.title = title or ""
        if title and show_title:
            self.text(16, 22, title, size=fs * 1.3, weight="bold", ha="left")
        self._panels = []
        top = header
        for model, ptitle, ph in zip(self.models, self.titles, panel_heights):
            self._panels.append(self._draw_panel(model, ptitle, top))
            top += ph
        self._caption_text = None
        if pal.show_caption:
            self._caption_text = self.dynamic(self.text(16, height - 14, "", size=fs, ha="left"))
        self.fit_texts()  # the caption and anything else the estimate above missed

    # -- geometry ----------------------------------------------------------------------------------
    def _px(self, x: Any) -> Any:
        return self.left + (np.asarray(x) - self.x0) * self.UNIT + self.CELL / 2

    @staticmethod
    def _row_label(model: StackModel, r: int, lang: str = "en") -> str:
        if r == 0:
            return word(lang, "stack.input_row", size=model.sizes[0])
        label = model.describe_layer(r - 1, lang)
        return word(lang, "stack.output_row", label=label) if r == model.layers else label

    def _draw_panel(self, model: StackModel, title: str, top: float) -> dict[str, Any]:
        from matplotlib.collections import LineCollection
        from matplotlib.patches import Rectangle

        pal = self.palette
        fs = pal.font_size
        ax = self.ax
        self.text(16, top + 16, title, size=fs * 1.1, weight="bold", ha="left")
        self.text(16, top + 36, model.describe_receptive_field(self.lang), size=fs * 0.9, ha="left",
                  colour=pal.text)
        base = top + 58 + model.layers * self.ROW + self.CELL / 2  # centre of the input row
        row_y = [base - r * self.ROW for r in range(model.layers + 1)]
        half = self.CELL / 2
        # every connection, faint
        faint = []
        for layer in range(model.layers):
            seg = model.edge_segments(layer)
            y_from, y_to = row_y[layer] - half, row_y[layer + 1] + half
            for x_from, x_to in seg.reshape(-1, 2):
                faint.append([(self._px(x_from), y_from), (self._px(x_to), y_to)])
        ax.add_collection(LineCollection(faint, colors=[_mix(pal.muted, pal.background, 0.35)],
                                         linewidths=0.8, zorder=1))
        # padding cells, dashed
        pads = []
        for layer, xs in enumerate(model.pad_x):
            for x in xs:
                pads.append((self._px(x) - half, row_y[layer] - half))
        if pads:
            ax.add_collection(
                rectangles(
                    pads,
                    self.CELL,
                    self.CELL,
                    facecolor=pal.padding,
                    edgecolor=pal.muted,
                    linestyle=(0, (2.5, 2)),
                    linewidth=0.9,
                    zorder=2,
                )
            )
        # real cells: face colours change per frame
        rects, kinds = [], []
        for r, xs in enumerate(model.x):
            kind = "input" if r == 0 else ("output" if r == model.layers else "hidden")
            for x in xs:
                rects.append((self._px(x) - half, row_y[r] - half))
                kinds.append(kind)
        strong = {"input": pal.input, "hidden": pal.value, "output": pal.output}
        from matplotlib.colors import to_rgb

        strong_rgb = np.array([to_rgb(strong[k]) for k in kinds])
        pale_rgb = np.array([_mix(strong[k], pal.background, 0.78) for k in kinds])
        cells = self.dynamic(rectangles(rects, self.CELL, self.CELL, facecolor=pale_rgb,
                                        edgecolor=pal.stroke, linewidth=0.8, zorder=3))
        ax.add_collection(cells)
        bright_lines = self.dynamic(
            LineCollection([], colors=pal.highlight, linewidths=1.9, zorder=2.5)
        )
        ax.add_collection(bright_lines)
        pad_lines = self.dynamic(LineCollection([], colors=pal.muted, linewidths=1.2,
                                                linestyles=(0, (3, 2)), zorder=2.5))
        ax.add_collection(pad_lines)
        marker = self.dynamic(Rectangle((0, 0), self.CELL + 6, self.CELL + 6, fill=False,
                                        edgecolor=pal.highlight, linewidth=2.2, zorder=4))
        ax.add_patch(marker)
        # labels
        x_label = 16
        for r in range(model.layers + 1):
            self.text(x_label, row_y[r], self._row_label(model, r, self.lang), size=fs * 0.9,
                      ha="left")
        # time indices under the input row
        for j, x in enumerate(model.x[0]):
            if self.numbers or j % 2 == 0 or len(model.x[0]) <= 12:
                self.text(self._px(x), row_y[0] + half + 9, str(j), size=fs * 0.7, colour=pal.muted)
        count = self.dynamic(
            self.text(
                self._px(self.x1) + half + 10,
                row_y[0],
                "",
                size=fs * 0.9,
                ha="left",
                colour=pal.highlight,
                weight="bold",
            )
        )
        index_texts = []
        if self.numbers:
            for r, xs in enumerate(model.x[1:], start=1):
                for j, x in enumerate(xs):
                    # drawn after the (dynamic) cells, or the cells would cover them
                    index_texts.append(self.dynamic(self.text(self._px(x), row_y[r], str(j),
                                                              size=fs * 0.6, zorder=5)))
        return dict(model=model, row_y=row_y, cells=cells, strong=strong_rgb, pale=pale_rgb,
                    bright=bright_lines, pad=pad_lines, marker=marker, count=count,
                    index_texts=index_texts)

    # -- frames ------------------------------------------------------------------------------------
    def highlight(self, n: int) -> list[Highlight]:
        """The engine-derived highlight of every panel in frame ``n`` (the diagram's data)."""
        index = self.fixed_index if self.fixed_index is not None else n
        return [m.highlight(index) for m in self.models]

    def _update(self, n: int) -> None:
        half = self.CELL / 2
        highlights = self.highlight(n)
        for panel, hl in zip(self._panels, highlights):
            model: StackModel = panel["model"]
            row_y = panel["row_y"]
            on = np.concatenate(hl.cells)
            face = np.where(on[:, None], panel["strong"], panel["pale"])
            panel["cells"].set_facecolor(face)
            bright: list[Any] = []
            pad: list[Any] = []
            for layer in range(model.layers):
                seg = model.edge_segments(layer)
                y_from, y_to = row_y[layer] - half, row_y[layer + 1] + half
                for mask, out in ((hl.edges[layer], bright), (hl.padding_edges[layer], pad)):
                    for x_from, x_to in seg[mask]:
                        out.append([(self._px(x_from), y_from), (self._px(x_to), y_to)])
            panel["bright"].set_segments(bright)
            panel["pad"].set_segments(pad)
            top_x = self._px(model.x[-1][hl.output_index])
            panel["marker"].set_xy((top_x - half - 3, row_y[-1] - half - 3))
            inputs = np.flatnonzero(hl.cells[0])
            panel["count"].set_text(self.word("stack.inputs", n=f"{inputs.size:,}"))
        if self._caption_text is not None:
            hl = highlights[0]
            inputs = np.flatnonzero(hl.cells[0])
            text = self.word("stack.reads", index=hl.output_index, first=inputs[0],
                             last=inputs[-1])
            if len(highlights) > 1:
                counts = self.word("stack.versus").join(
                    str(int(h.cells[0].sum())) for h in highlights)
                text = self.word("stack.reach", index=hl.output_index, counts=counts)
            else:
                text += self.word("stack.cells", n=inputs.size)
            self._caption_text.set_text(text)


def stack_diagram(specs: Sequence[ConvSpec], *, theme: Any = "default", scale: float = 1.0,
                  numbers: bool = False, title: str | None = None,
                  output_index: int | None = None, lang: str = "en") -> StackDiagram:
    """Draw any chain of direct 1-D ConvSpecs (strides and dilations allowed) as a stack.

    One frame per output of the last layer (or one frame for ``output_index``).

    >>> from convviz import ConvSpec
    >>> d = stack_diagram([ConvSpec((9,), 3, stride=2), ConvSpec((4,), 2)])  # doctest: +SKIP
    """
    model = StackModel(specs)
    panel_title = title or word(lang, "stack.panel_title", n=model.layers)
    return StackDiagram([(panel_title, model.specs)], theme=theme, scale=scale, numbers=numbers,
                        output_index=output_index, lang=lang)


def plain_vs_dilated_diagram(theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                             lang: str = "en", **options: Any) -> StackDiagram:
    """The seed's pair: k=3, dilations 1, 1, 1 (7 inputs) above 1, 2, 4 (15 inputs).

    Options: length (16), kernel_size (3), padding ('same'), output_index (None: animate
    over the outputs), title (True; False leaves the title line out, for a page that
    shows it)."""
    check_options(options, ("length", "kernel_size", "padding", "output_index", "title"),
                  "the stack_plain_vs_dilated diagram")
    length = options.get("length", 16)
    k = options.get("kernel_size", 3)
    padding = options.get("padding", "same")
    plain = dilated_stack(length, k, [1, 1, 1], padding=padding)
    dilated = dilated_stack(length, k, [1, 2, 4], padding=padding)
    return StackDiagram(
        [(word(lang, "stack.plain"), plain), (word(lang, "stack.dilated"), dilated)],
        theme=theme, scale=scale, numbers=numbers, output_index=options.get("output_index"),
        title=word(lang, "stack.plain_vs_dilated"), lang=lang,
        show_title=options.get("title", True),
    )


def wavenet_diagram(theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                    lang: str = "en", **options: Any) -> StackDiagram:
    """WaveNet's causal stack: k=2, dilations 1, 2, 4, 8 → 16 inputs.

    Options: length (16), dilations ((1, 2, 4, 8)), output_index, title (as for
    :func:`plain_vs_dilated_diagram`)."""
    check_options(options, ("length", "dilations", "output_index", "title"), "the wavenet diagram")
    length = options.get("length", 16)
    dilations = options.get("dilations", (1, 2, 4, 8))
    specs = dilated_stack(length, 2, list(dilations), padding="causal")
    return StackDiagram(
        [(word(lang, "stack.causal", dilations=", ".join(map(str, dilations))), specs)],
        theme=theme, scale=scale, numbers=numbers, output_index=options.get("output_index"),
        title=word(lang, "stack.wavenet"), lang=lang, show_title=options.get("title", True),
    )
