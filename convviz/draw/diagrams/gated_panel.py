"""The right-hand panel of a gated block diagram: costs, colour legend, σ scale, values at t.

:func:`draw_panel` draws the panel's static part once, beside the block's data flow: the
cost badges (parameters, multiply-adds, sigmoids, products, from
:func:`convviz.core.gated.gated_cost`), the legend of the diagram's colours, and the σ
colour scale (:func:`sigma_colormap`, the same colours as the σ(B) strip). With numbers
on it adds a text that :func:`values_lines` fills, frame by frame, with the vectors
A[t], B[t], σ(B[t]), H[t] (and Y[t]) of the time step t shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from convviz.core.gated import gated_cost
from convviz.draw.diagrams._base import Palette, fmt_int
from convviz.draw.diagrams.gated_parts import _mix, _rgb

if TYPE_CHECKING:
    from convviz.draw.diagrams.gated_block import GatedBlockDiagram

__all__ = ["Panel", "draw_panel", "sigma_colormap", "values_lines"]


class Panel(NamedTuple):
    """What :func:`draw_panel` leaves for the diagram to keep."""

    #: (label, formula, value) of each cost badge, top to bottom
    badges: list[tuple[str, str, int]]
    #: y (figure units) of the top of the values text, below the σ scale
    values_y: float
    #: the (dynamic) text of the values at t, or None without numbers
    values_text: Any


def sigma_colormap(pal: Palette) -> Any:
    """The colour map of σ from 0 to 1: from a faint to a deep shade of the gate colour."""
    from matplotlib.colors import LinearSegmentedColormap

    lo_col = _mix(pal.gate, pal.background, 0.92)
    hi_col = _rgb(pal.gate) * (0.55 if not pal.dark else 1.0)
    return LinearSegmentedColormap.from_list(
        "sigma", [lo_col, _rgb(pal.gate) * 0.8 + lo_col * 0.2, hi_col]
    )


def draw_panel(diagram: GatedBlockDiagram, x: float, y: float) -> Panel:
    """Draw the panel's static part with its top-left corner at (x, y) (figure units)."""
    trace = diagram.trace
    spec = trace.spec
    channels, length = trace.x.shape
    n = trace.a.shape[0]
    k = spec.kernel_size[0]
    d = spec.dilation[0]
    highway = trace.form == "highway"
    pal = diagram.palette
    fs = pal.font_size
    ax = diagram.ax
    text = diagram.text
    w = diagram.word
    cost = gated_cost(length, channels, n, k, dilation=d, padding=spec.padding,
                      residual=trace.residual, form=trace.form)
    badges = [
        (w("gated.parameters"), f"2·(k·C·n + n) = 2·({k}·{channels}·{n} + {n})",
         cost.parameters),
        (w("gated.multiply_adds"), f"≈ 2·T·k·C·n = 2·{length}·{k}·{channels}·{n}",
         cost.multiply_adds),
        (w("gated.sigmoids"), f"T·n = {length}·{n}", cost.sigmoids),
        (w("gated.products"),
         f"T·n = {length}·{n}" if not highway else f"2·T·n = 2·{length}·{n}",
         cost.products),
    ]
    text(x, y, w("gated.cost"), ha="left", weight="bold", size=fs * 1.05)
    yy = y + 24
    for label, formula, value in badges:
        text(
            x,
            yy,
            w("gated.badge", label=label, value=fmt_int(value)),
            ha="left",
            size=fs * 0.95,
            weight="bold",
            colour=pal.text,
            bbox=dict(
                boxstyle="round,pad=0.3",
                facecolor=_mix(pal.accent, pal.background, 0.85),
                edgecolor=pal.highlight,
                linewidth=0.8,
            ),
        )
        text(x + 6, yy + 21, formula, ha="left", size=fs * 0.8, colour=pal.text)
        yy += 50
    # legend
    yy += 6
    text(x, yy, w("gated.colours"), ha="left", weight="bold", size=fs * 1.05)
    yy += 20
    from matplotlib.patches import Rectangle

    for colour, label, dashed in (
        (pal.input, w("gated.input_x"), False),
        (pal.padding, w("gated.zero_padding"), True),
        (pal.value, w("gated.value_lane"), False),
        (pal.gate, w("gated.gate_lane"), False),
        (pal.output, w("gated.output"), False),
        (pal.highlight, w("gated.window_step"), None),
    ):
        if dashed is None:  # the window: an outline
            ax.add_patch(
                Rectangle((x, yy - 7), 14, 14, fill=False, edgecolor=colour, linewidth=2.2)
            )
        else:
            ax.add_patch(
                Rectangle(
                    (x, yy - 7),
                    14,
                    14,
                    facecolor=colour,
                    edgecolor=pal.stroke,
                    linewidth=0.8,
                    linestyle="--" if dashed else "-",
                )
            )
        text(x + 22, yy, label, ha="left", size=fs * 0.9)
        yy += 21
    # σ scale
    yy += 8
    text(x, yy, w("gated.sigma_scale"), ha="left", size=fs * 0.9)
    yy += 14
    grad = np.linspace(0, 1, 256)[None, :]
    ax.imshow(grad, cmap=diagram.sigma_cmap, vmin=0, vmax=1, aspect="auto",
              extent=(x, x + 200, yy + 14, yy), zorder=3, interpolation="bilinear")
    ax.add_patch(Rectangle((x, yy), 200, 14, fill=False, edgecolor=pal.stroke, linewidth=0.8))
    for v in (0, 0.5, 1):
        text(x + 200 * v, yy + 24, f"{v:g}", size=fs * 0.8)
    # the image rescaled the axes: back to one unit per pixel, y pointing down
    ax.set_xlim(0, diagram.width)
    ax.set_ylim(diagram.height, 0)
    values_y = yy + 46
    values_text = None
    if diagram.numbers:
        values_text = diagram.dynamic(text(x, values_y, "", ha="left", va="top",
                                           size=fs * 0.85, family="DejaVu Sans Mono"))
    return Panel(badges, values_y, values_text)


def values_lines(diagram: GatedBlockDiagram, t: int) -> list[str]:
    """The lines of the values text at time step t: A[t], B[t], σ(B[t]), H[t] (and Y[t]
    with a residual or in the highway form), each a vector rounded to 2 decimals."""
    tr = diagram.trace

    def vec(a: np.ndarray) -> str:
        return (
            "("
            + ", ".join(f"{np.round(v, 2) + 0.0:+.2f}" for v in a).replace("-", "−")
            + ")"
        )

    lines = [
        diagram.word("gated.values_at", t=t),
        f"A[t]    = {vec(tr.a[:, t])}",
        f"B[t]    = {vec(tr.b[:, t])}",
        f"σ(B[t]) = {vec(tr.gate[:, t])}",
        f"H[t]    = {vec(tr.h[:, t])}",
    ]
    if tr.residual or diagram.highway:
        lines.append(f"Y[t]    = {vec(tr.y[:, t])}")
    return lines
