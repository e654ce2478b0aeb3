"""Why convolutions for sequences: the path between two positions N apart.

Across N consecutive positions (first to last, N − 1 apart) a signal crosses
N − 1 steps of an RNN chain, ⌈(N − 1)/(k − 1)⌉ plain convolution layers of
kernel k, ⌈log₂N⌉ dilated layers of kernel 2 (dilations 1, 2, 4, …): the
counts and their definition come from ``convviz.core.arithmetic``. One still
frame, log-log axes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convviz.core.arithmetic import path_lengths
from convviz.draw.diagrams._base import (
    FigureFrames,
    check_bool,
    check_options,
    check_scale,
    palette,
)
from convviz.errors import SpecError

__all__ = ["PathLengthPlot", "path_length_plot", "path_lengths"]

#: px of the figure above the plot that only the title needs (61 px with it, 21 without)
_TITLE_BAND = 40


class PathLengthPlot(FigureFrames):
    """One frame: path length against distance N for RNN, plain and dilated convolutions."""

    def __init__(self, *, theme: Any = "default", scale: float = 1.0, max_n: int = 1024,
                 kernel_size: int = 3, lang: str = "en", show_title: bool = True) -> None:
        pal = palette(theme)
        show_title = check_bool("title", show_title)
        if (
            isinstance(max_n, bool)
            or not isinstance(max_n, (int, np.integer))
            or not 8 <= max_n <= 10**6
        ):
            raise SpecError(f"max_n must be a whole number between 8 and 1000000, got {max_n!r}")
        # without the title the plot keeps its size and the figure loses the title's band
        height = 470 if show_title else 470 - _TITLE_BAND
        super().__init__(760, height, pal, check_scale(scale), lang)
        self.frame_count = 1
        k = int(kernel_size)
        n = np.arange(2, int(max_n) + 1)
        lengths = path_lengths(n, k)
        self.caption = self.word("path.definition")  # PATH_LENGTH_DEFINITION in English
        font = self.font()
        self.ax.remove()
        fs = pal.font_size
        ax = self.fig.add_axes((0.1, 0.17, 0.64, 0.70) if show_title else
                               (0.1, 0.17 * 470 / height, 0.64, 0.70 * 470 / height))
        ax.set_facecolor(pal.background)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        series = [
            ("rnn", self.word("path.rnn"), pal.accent),
            ("conv", self.word("path.conv", k=k, k1=k - 1), pal.input),
            ("dilated", self.word("path.dilated"), pal.gate),
        ]
        last = int(n[-1])
        for key, label, colour in series:
            ax.step(n, lengths[key], where="post", color=colour, linewidth=2.2, label=label)
            ax.plot([last], [lengths[key][-1]], "o", color=colour, markersize=5)
            unit = "path.steps" if key == "rnn" else "path.layers"
            ax.annotate(
                self.word(unit, n=f"{lengths[key][-1]:,}"), (last, lengths[key][-1]),
                xytext=(10, 0), textcoords="offset points", va="center", ha="left", color=colour,
                fontsize=fs, fontweight="bold", annotation_clip=False, **font,
            )
        ax.set_xlim(2, last)
        ax.set_ylim(0.8, last * 1.6)
        top = int(np.log2(last))
        xticks = [2 ** e for e in range(1, top + 1, 1 if top <= 10 else 2)]
        ax.set_xticks(xticks, [f"{t:,}" for t in xticks])
        yticks = [2 ** e for e in range(0, top + 1, 2)]
        ax.set_yticks(yticks, [f"{t:,}" for t in yticks])
        ax.minorticks_off()
        ax.tick_params(colors=pal.text, labelsize=fs * 0.85)
        for side in ax.spines.values():
            side.set_color(pal.muted)
        ax.grid(True, color=pal.muted, alpha=0.35, linewidth=0.6)
        ax.set_xlabel(self.word("path.x"), color=pal.text, fontsize=fs, **font)
        ax.set_ylabel(self.word("path.y"), color=pal.text, fontsize=fs, **font)
        legend = ax.legend(loc="upper left", fontsize=fs * 0.85, frameon=True,
                           **({"prop": {"family": font["family"], "size": fs * 0.85}}
                              if font else {}))
        legend.get_frame().set_facecolor(pal.background)
        legend.get_frame().set_edgecolor(pal.muted)
        for t in legend.get_texts():
            t.set_color(pal.text)
        self.title = self.word("path.title")
        if show_title:
            self.fig.text(0.1, 0.93, self.title, color=pal.text, fontsize=fs * 1.25,
                          fontweight="bold", ha="left", va="bottom", **font)
        if pal.show_caption:
            self.fig.text(
                0.1,
                0.02,
                self.word("path.note"),
                color=pal.muted if not pal.dark else pal.text,
                fontsize=fs * 0.85,
                ha="left",
                va="bottom",
                **font,
            )


def path_length_plot(theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                     lang: str = "en", **options: Any) -> PathLengthPlot:
    """Factory of the ``path_length`` preset (options: max_n, kernel_size, title: True, or
    False to leave the title line out for a page that shows it)."""
    check_bool("numbers", numbers)
    check_options(options, ("max_n", "kernel_size", "title"), "the path_length diagram")
    show_title = options.pop("title", True)
    return PathLengthPlot(theme=theme, scale=scale, lang=lang, show_title=show_title, **options)
