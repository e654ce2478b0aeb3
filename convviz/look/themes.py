"""Themes: the colours, strokes and text of a picture. Data only (no matplotlib).

``classic`` is the originals' look (Solarized colours, no text); ``default``
adds "input"/"output" labels and a caption line; ``dark`` is the same on a dark
background; ``colorblind`` uses the Okabe–Ito blue/orange pair, so input and
output never differ by blue-vs-cyan alone.

Colours are ``'#rrggbb'`` strings; widths are points (1 pt = 1/72 inch; the
pictures are drawn at 150 dpi times the render scale).

>>> get_theme("classic").input_fill
'#268bd2'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from convviz.errors import SpecError

if TYPE_CHECKING:  # (numpy is imported where colours are matched, not with the themes)
    import numpy as np

__all__ = ["SCALE_RANGE", "THEMES", "Theme", "check_scale", "get_theme", "nearest_colours"]

_HEX = re.compile(r"^#[0-9a-f]{6}$")


@dataclass(frozen=True)
class Theme:
    """How a picture looks. Every colour is a lower-case ``'#rrggbb'`` string."""

    name: str
    background: str = "#ffffff"
    input_fill: str = "#268bd2"  #: real input cells
    output_fill: str = "#2aa198"  #: the output plane
    padding_fill: str = "#ffffff"  #: padding cells (dashed borders)
    zero_fill: str = "#ffffff"  #: zeros inserted by a transposed convolution
    #: cells a transposed convolution's output_padding adds at the canvas' end
    output_padding_fill: str = "#ffffff"
    stroke: str = "#002b36"  #: grid lines and cell outlines
    shadow: str = "#073642"  #: the kernel's shadow and the current output cell
    shadow_alpha: float = 0.4
    line: str = "#000000"  #: the four projection lines and the output border
    text: str = "#002b36"
    accent: str = "#cb4b16"  #: a second highlight colour (Solarized orange)
    muted: str = "#93a1a1"  #: faint lines
    show_labels: bool = False  #: "input" / "output" next to the planes
    show_caption: bool = False  #: a caption line under the picture
    font_size: float = 8.0  #: points
    stroke_width: float = 0.8  #: points: grids and cell outlines
    line_width: float = 0.4  #: points: projection lines, output border
    dash: tuple[float, float] = (3.0, 3.0)  #: points on, off: padding borders
    input_label: str = "input"
    output_label: str = "output"
    #: the diagrams' value lane (A = X∗W) and gate lane (B = X∗V) of a gated block
    value_fill: str = "#859900"
    gate_fill: str = "#d33682"
    #: fills of the ghost channel planes behind a multi-channel input
    channel_fills: tuple[str, ...] = ("#268bd2", "#d33682", "#859900", "#b58900")

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "str" and f.name not in ("name", "input_label", "output_label"):
                if not isinstance(value, str) or not _HEX.match(value.lower()):
                    raise SpecError(
                        f"theme colour {f.name} must be a '#rrggbb' string, got {value!r}"
                    )
                object.__setattr__(self, f.name, value.lower())
        if not 0.0 <= float(self.shadow_alpha) <= 1.0:
            raise SpecError(f"shadow_alpha must be in [0, 1], got {self.shadow_alpha!r}")
        for name in ("font_size", "stroke_width", "line_width"):
            if not float(getattr(self, name)) > 0:
                raise SpecError(f"{name} must be > 0, got {getattr(self, name)!r}")
        fills = tuple(c.lower() for c in self.channel_fills)
        if not fills or not all(_HEX.match(c) for c in fills):
            raise SpecError(
                f"channel_fills must be '#rrggbb' strings, got {self.channel_fills!r}"
            )
        object.__setattr__(self, "channel_fills", fills)

    @property
    def shadow_on_background(self) -> str:
        """The shadow as it reads on the background (alpha-composited)."""
        return blend(self.shadow, self.background, self.shadow_alpha)

    def palette(self) -> dict[str, str]:
        """The solid colours a frame is made of: name -> '#rrggbb'."""
        return {
            "background": self.background,
            "input": self.input_fill,
            "output": self.output_fill,
            "stroke": self.stroke,
            "shadow_on_background": blend(self.shadow, self.padding_fill, self.shadow_alpha),
            "shadow_on_input": blend(self.shadow, self.input_fill, self.shadow_alpha),
            "shadow_on_output": blend(self.shadow, self.output_fill, self.shadow_alpha),
        }

    def with_(self, **changes: Any) -> Theme:
        """A copy with some fields changed (validated)."""
        return replace(self, **changes)


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """'#rrggbb' -> (r, g, b) ints 0–255."""
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def nearest_colours(rgb: Any, palette: Any) -> np.ndarray:
    """For every colour of ``rgb`` ((n, 3) whole numbers 0–255), the index (uint8) of the
    nearest colour of ``palette`` ((m, 3), m <= 256): least squared RGB distance, the first
    on ties.

    |c − p|² = |c|² + (|p|² − 2 c·p): the first term is the same for every p, so the
    argmin is that of the second, computed in whole numbers (exact: the same ties
    everywhere) and without a matrix product (BLAS would start threads that keep
    spinning after it, taking the CPU another worker needs)."""
    import numpy as np

    pal = np.asarray(palette, dtype=np.int64).reshape(-1, 3)
    colours = np.asarray(rgb, dtype=np.int64).reshape(-1, 3)
    norms = (pal * pal).sum(1)
    lookup = np.empty(len(colours), dtype=np.uint8)
    for start in range(0, len(colours), 4096):
        chunk = colours[start : start + 4096]
        dot = chunk[:, :1] * pal[:, 0] + chunk[:, 1:2] * pal[:, 1] + chunk[:, 2:] * pal[:, 2]
        lookup[start : start + 4096] = (norms - 2 * dot).argmin(1)
    return lookup


def blend(top: str, bottom: str, alpha: float) -> str:
    """``top`` at opacity ``alpha`` over ``bottom``, as '#rrggbb'."""
    t, b = hex_to_rgb(top), hex_to_rgb(bottom)
    mixed = (round(alpha * x + (1 - alpha) * y) for x, y in zip(t, b))
    return "#" + "".join(f"{v:02x}" for v in mixed)


_CLASSIC = Theme(name="classic")

THEMES: dict[str, Theme] = {
    "classic": _CLASSIC,
    # the text themes tell the cell kinds apart: padding stays the background (dashed
    # grid), inserted zeros and output_padding cells get pale fills of their own
    "default": replace(_CLASSIC, name="default", show_labels=True, show_caption=True,
                       zero_fill="#eee8d5", output_padding_fill="#f5d5c5"),
    "dark": Theme(
        name="dark",
        background="#002b36",  # Solarized base03
        input_fill="#268bd2",
        output_fill="#2aa198",
        padding_fill="#002b36",
        zero_fill="#0b4a5a",
        output_padding_fill="#4a2f2a",
        stroke="#93a1a1",  # base1: light strokes on the dark ground
        shadow="#fdf6e3",  # a light "shadow" reads as a highlight on dark
        shadow_alpha=0.45,
        line="#eee8d5",
        text="#eee8d5",
        accent="#cb4b16",
        muted="#586e75",
        show_labels=True,
        show_caption=True,
        channel_fills=("#268bd2", "#d33682", "#859900", "#b58900"),
    ),
    "colorblind": Theme(
        name="colorblind",
        background="#ffffff",
        input_fill="#0072b2",  # Okabe–Ito blue
        output_fill="#e69f00",  # Okabe–Ito orange
        padding_fill="#ffffff",
        zero_fill="#dddddd",
        output_padding_fill="#f3d9b1",
        stroke="#000000",
        shadow="#000000",
        shadow_alpha=0.4,
        line="#000000",
        text="#000000",
        accent="#d55e00",  # vermilion
        muted="#999999",
        value_fill="#009e73",  # Okabe–Ito bluish green
        gate_fill="#cc79a7",  # Okabe–Ito reddish purple
        show_labels=True,
        show_caption=True,
        channel_fills=("#0072b2", "#cc79a7", "#009e73", "#f0e442"),
    ),
}


def get_theme(theme: str | Theme) -> Theme:
    """The Theme called ``theme`` (or ``theme`` itself); SpecError listing names otherwise."""
    if isinstance(theme, Theme):
        return theme
    if isinstance(theme, str) and theme.lower() in THEMES:
        return THEMES[theme.lower()]
    raise SpecError(f"unknown theme {theme!r}; known themes: {', '.join(THEMES)}")


#: the drawing scales every renderer accepts (1 = the originals' pixel size): below 0.1
#: a picture has no legible cell, above 8 one frame outgrows the memory budget
SCALE_RANGE = (0.1, 8.0)


def check_scale(scale: Any) -> float:
    """``scale`` as a float; SpecError naming it unless it is a number in SCALE_RANGE."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) and not (
        hasattr(scale, "dtype") and getattr(scale, "ndim", 1) == 0 and scale.dtype.kind in "iuf"
    ):
        raise SpecError(f"scale must be a number, got {scale!r}")
    value = float(scale)
    low, high = SCALE_RANGE
    if not (math.isfinite(value) and low <= value <= high):
        raise SpecError(f"scale must be between {low:g} and {high:g}, got {scale!r}")
    return value
