"""The oblique renderer's frame palette: every colour a frame may hold.

Fills are drawn without antialiasing and inks (stroke, line, text) with it;
every frame is snapped to the palette below, so a GIF stores it exactly; and
the fills of the channel sheets. See
:mod:`convviz.draw.oblique` for how it is used.
"""

from __future__ import annotations

import numpy as np

from convviz.draw.oblique_layout import MAX_SHEETS
from convviz.look.scene import Scene
from convviz.look.themes import Theme, hex_to_rgb

#: antialiasing levels kept per (surface, ink) pair: a pixel that an ink (stroke,
#: line, text) covers partly is snapped to surface + k/LEVELS·(ink − surface)
LEVELS = 4


def _frame_palette(theme: Theme) -> np.ndarray:
    """The colours a frame may hold, (n, 3) uint8 sorted by 0xRRGGBB.

    Surfaces: the background and every fill, each also under the shadow; inks:
    stroke, line and text, each blended over every surface in LEVELS steps.
    Fills are drawn without antialiasing and inks with it, so every rendered
    pixel lies on (or, where inks cross, near) one of these blends.
    """
    def rgb(c: str) -> np.ndarray:
        return np.array(hex_to_rgb(c), dtype=np.float64)

    fills = [theme.background, theme.padding_fill, theme.zero_fill, theme.output_padding_fill,
             theme.input_fill, theme.output_fill, *theme.channel_fills[:MAX_SHEETS]]
    if theme.show_labels:  # unlit channel sheets
        fills.append(theme.muted)
    surfaces = [rgb(c) for c in dict.fromkeys(fills)]
    shade = rgb(theme.shadow)
    surfaces += [s + theme.shadow_alpha * (shade - s) for s in surfaces]
    inks = [rgb(c) for c in dict.fromkeys([theme.stroke, theme.line, theme.text])]
    colours = [*surfaces, *inks]
    for s in surfaces:
        for ink in inks:
            colours += [s + k / LEVELS * (ink - s) for k in range(1, LEVELS)]
    packed = np.unique([(int(r) << 16) | (int(g) << 8) | int(b)
                        for r, g, b in np.round(np.array(colours)).astype(int)])
    return np.stack([packed >> 16, (packed >> 8) & 255, packed & 255], 1).astype(np.uint8)


_LUTS: dict[bytes, np.ndarray] = {}


def _lut(palette: np.ndarray) -> np.ndarray:
    """A colour -> palette index + 1 table over all 2²⁴ colours (key 0xBBGGRR),
    filled on demand (0 = not looked up yet); one per palette, shared."""
    key = palette.tobytes()
    if key not in _LUTS:
        _LUTS[key] = np.zeros(1 << 24, dtype=np.uint8)
    return _LUTS[key]


def _unpack_bgr(keys: np.ndarray) -> np.ndarray:
    keys = keys.astype(np.int64)
    return np.stack([keys & 255, (keys >> 8) & 255, keys >> 16], 1)


def _sheet_fills(scene: Scene, theme: Theme) -> tuple[list[str], list[str]]:
    """Fills of the channel sheets, per input and per output channel (index 0 is
    the front plane). Every channel takes its group's colour; input channels that
    output channel 0 (the front plane) does not read are muted, so the lit sheets
    are exactly the channels it reads (all of them without groups)."""
    c_in, c_out = scene.spec.channels
    groups = scene.spec.groups
    colours = theme.channel_fills

    def group_in(j: int) -> int:
        return j // (c_in // groups)

    def group_out(j: int) -> int:
        return j // (c_out // groups)

    fills_in = [colours[group_in(j) % len(colours)] if group_in(j) == group_out(0) else theme.muted
                for j in range(c_in)]
    fills_out = [colours[group_out(j) % len(colours)] for j in range(c_out)]
    return fills_in, fills_out
