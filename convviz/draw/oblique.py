"""The oblique conv_arithmetic renderer: draws a :class:`~convviz.look.scene.Scene`.

Geometry (at 150 dpi, the originals' resolution; ``scale`` multiplies it):
one grid cell is u = 0.5 cm = 29.53 px, a margin of 21.6 px surrounds the
picture, and grid point (x, y) — x to the right along a row, y up the rows —
is drawn at (x − 0.7·y, 0.5·x + 0.65·y) cells: an oblique parallel
projection. The input plane (the canvas: padded, or stretched and padded
input) lies at the bottom; the output plane is drawn (nx + ny)/2 + 1 cells
higher (T + 1 for a square T×T canvas) and 5.2 px to the left. A square
2-D picture is therefore W = 1.7·T·u + 43.2 px wide and
H = (T + 1 + 1.15·o)·u + 43.2 px high, the originals' sizes.

Painting order: dashed grid over the whole canvas → real input cells →
the kernel's shadow on each tap → a solid grid over the kernel's k̂×k̂
extent → four projection lines to the current output cell → the output
plane (which hides the lines) → the current output cell, shaded.

1-D specs are drawn flat (no slant): the input row at the bottom, the output
cells above it, output t over its window's last cell when the spec is causal
and over the window's centre otherwise (so the cells spread out at stride > 1),
with two lines from the kernel's extent to the output cell. 3-D specs are drawn
as depth slices side by side: every depth slice of the input canvas is one
oblique plane (left = canvas depth 0), labelled by the input depth it holds
("pad" / "zero" otherwise); every output depth slice is one plane in the row
above, centred over the slices its window reads; the kernel's shadow and
extent grid appear on each slice its window reaches, with projection lines
from its first and last.

The text themes add, per frame, the weight-tap index of every window position
(``FrameScene.weight_index``: flipped for a transposed convolution) and, on
frames whose window reads no input cell, the note "this output reads only
zeros: bias only" under the caption; padding, inserted zeros and
output_padding cells get the theme's three fills. A 2-D multi-channel spec
(at most MAX_CHANNEL_PLANES channels a side) is drawn with one plane per
channel: the input channels in the bottom row ("input channel 0", ...), the
output channels in the row above ("output channel 0", ...); the frames step
through the output channels, and in each the input channels the current output
channel reads (its group's) show the window, the kernel's shadow and projection
lines to the current output cell, the others are muted. With more channels the
other channels are coloured sheets behind one plane, by group (input channels
that output channel 0 does not read: the muted colour).

Speed: shapes go straight to matplotlib's Agg rasteriser (no Figure, no
Axes; matplotlib.figure is imported only for text). The static picture is
drawn once; every frame restores that background where the last frame drew,
draws what changes (shadow, extent grid, lines, the highlighted output cell;
the output plane is background and the lines are clipped at it) and re-reads
only that region. The layout (plain geometry) is :mod:`convviz.draw.oblique_layout`,
what the picture holds (shared with the SVG writer) :mod:`convviz.draw.oblique_picture`;
every drawing call goes through :mod:`convviz.draw.canvas`.

Colours: fills are drawn without antialiasing (an antialiased stroke always
covers their edge), strokes, lines and text with it. Every frame is then
snapped to the theme's *frame palette* (:func:`_frame_palette`): the
background and fills, each also under the shadow, plus stroke, line and text
blended over each of them in ``LEVELS`` = 4 steps — each pixel becomes the
nearest such colour (squared RGB distance, first in 0xRRGGBB order on ties).
A frame thus holds at most ~150 colours, GIFs store it exactly (decoded ==
``frame(n)``) and compress well; a snapped pixel moves by at most about half a
blend step (255/8 per channel), antialiased edges keep 3 intermediate levels.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from convviz.draw.canvas import graphics_context, rc_settings
from convviz.draw.canvas import make_path as _path
from convviz.draw.oblique_layout import (
    _RC,
    CELL,
    DPI,
    MARGIN,
    PT,
    _text_width_px,
    fonts,
    frame_size,
)
from convviz.draw.oblique_palette import _frame_palette, _lut, _unpack_bgr
from convviz.draw.oblique_picture import ObliquePicture
from convviz.errors import SpecError
from convviz.look.scene import Scene
from convviz.look.themes import Theme, hex_to_rgb, nearest_colours

__all__ = ["CELL", "DPI", "MARGIN", "ConvRenderer", "frame_size", "render_frame"]

#: points: the weight-tap indices written in the window's cells (text themes)
TAP_FONT_PT = 6.0

# -----------------------------------------------------------------------------------
# the renderer
# -----------------------------------------------------------------------------------
def _rgba(colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    r, g, b = hex_to_rgb(colour)
    return (r / 255, g / 255, b / 255, float(alpha))


class ConvRenderer(ObliquePicture):
    """A frame source drawing ``scene`` in the conv_arithmetic style.

    ``theme``: a name in ``themes.THEMES`` or a Theme; ``scale``: pixel scale
    factor (1 = the originals' 150 dpi). ``frame(n)`` returns frame n as a
    (height, width, 3) uint8 array; the same inputs give the same bytes.

    >>> from convviz import ConvSpec
    >>> from convviz.look.scene import build_scene
    >>> r = ConvRenderer(build_scene(ConvSpec(4, 3)), "classic")
    >>> r.frame_count, r.size, r.frame(0).shape
    (4, (244, 259), (259, 244, 3))
    """

    def __init__(self, scene: Scene, theme: str | Theme = "default", scale: float = 1.0):
        super().__init__(scene, theme, scale)
        self._layout = self.layout  # (the name it had before ObliquePicture)
        self._fig: Any = None  # built lazily, on the first frame
        self._texts: dict[tuple[str, float], Any] = {}  # per-frame text artists, reused
        self._note_shown = False  # whether the frame drawn last shows the bias-only note
        self._note_box: tuple[int, int, int, int] | None = None
        note = self.layout.note
        if note is not None:
            half_w = 0.5 * _text_width_px(note[0], self.theme.font_size, scene.lang) + 2.0
            half_h = 0.8 * self.theme.font_size * PT
            self._note_box = self._dirty_box(
                [
                    np.array(
                        [[note[1] - half_w, note[2] - half_h], [note[1] + half_w, note[2] + half_h]]
                    )
                ]
            )

    def __repr__(self) -> str:
        return (
            f"ConvRenderer({self.caption!r}, theme={self.theme.name!r}, "
            f"frames={self.frame_count}, size={self.size})"
        )

    # -- drawing ---------------------------------------------------------------------
    def _build(self) -> None:
        """Draw the static picture once (straight onto an Agg canvas: no Figure, no
        Axes for the shapes), quantise it, and keep it as every frame's background."""
        from convviz.draw.canvas import pixels, renderer_class

        lay, th = self.layout, self.theme
        dpi = DPI * lay.scale
        # shapes go straight to the renderer; text (labels, caption) through Text artists
        agg = renderer_class()(lay.width, lay.height, dpi)
        text_renderer = agg if (lay.labels or lay.caption) else None
        self._agg = agg
        self._buffer = pixels(agg)  # (H, W, 4) RGBA view of the canvas
        self._buffer[...] = (*hex_to_rgb(th.background), 255)
        # layout px (y down, 150 dpi) -> Agg display px (y up)
        self._transform = np.array([[lay.scale, 0.0, 0.0], [0.0, -lay.scale, lay.height],
                                    [0.0, 0.0, 1.0]])
        sw = th.stroke_width
        stroke = _rgba(th.stroke)
        dashes = (0.0, tuple(th.dash))

        # channel sheets behind the planes (multi-channel specs, text themes)
        for sheet, fill in self.sheets():
            self._cells([sheet], _rgba(fill), stroke, sw)

        # the canvas: padding/zero fills (one path per colour), dashed grid, input cells
        for cp in self.canvas_planes():
            plane = cp.plane
            masks: dict[str, np.ndarray] = {}
            for fill, _, mask in cp.fills:
                masks[fill] = masks[fill] | mask if fill in masks else mask
            for fill, mask in masks.items():
                self._cells(plane.cells(cp.others[mask]), _rgba(fill), None, 0.0)
            if len(cp.others):
                self._segments(plane.grid(0, plane.rows, 0, plane.cols), stroke, sw, "butt", dashes)
            if len(cp.inputs):
                self._cells(plane.cells(cp.inputs), _rgba(th.input_fill), stroke, sw)

        # the output planes hide the projection lines. The layout keeps them clear
        # of the input planes, so they are part of the background and each line is
        # clipped where it enters them (instead of redrawing them every frame)
        for cells in self.output_cells():
            self._cells(cells, _rgba(th.output_fill), stroke, sw)

        if text_renderer is not None:
            self._draw_text(text_renderer)

        self._background = self._buffer.copy()
        self._palette = _frame_palette(th)
        self._lut = _lut(self._palette)
        self._out = np.empty((lay.height, lay.width, 3), dtype=np.uint8)
        self._index = np.empty((lay.height, lay.width), dtype=np.uint8)  # into _palette
        self._current = -1  # the frame _index holds
        self._stale: tuple[int, int, int, int] | None = None  # where _out lags _index
        self._quantise_into(0, lay.height, 0, lay.width)
        self._dirty: tuple[int, int, int, int] | None = None

    def _draw_text(self, renderer: Any) -> None:
        import matplotlib
        from matplotlib.figure import Figure

        lay, th, sc = self.layout, self.theme, self.scene
        fig = Figure(figsize=(lay.width / (DPI * lay.scale), lay.height / (DPI * lay.scale)),
                     dpi=DPI * lay.scale)
        s, w, h = lay.scale, lay.width, lay.height
        with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
            texts = [
                fig.text(x * s / w, 1 - y * s / h, text, rotation=rot, ha=ha, va=va,
                         color=th.text, fontsize=th.font_size, family=fonts(sc.lang),
                         rotation_mode="anchor")
                for text, x, y, rot, ha, va in lay.labels
            ]
            for text, x, y, bold in self.caption_lines():
                weight = "bold" if bold else "normal"
                texts.append(fig.text(x * s / w, 1 - y * s / h, text, ha="center", va="center",
                                      color=th.text, fontsize=th.font_size,
                                      family=fonts(sc.lang), weight=weight))
            for artist in texts:
                artist.draw(renderer)

    def _cells(self, polys: Any, face: Any, edge: Any, width: float) -> None:
        """Filled polygons: the fill without antialiasing (a stroke covers its edge),
        then the outlines (antialiased) on top."""
        polys = np.asarray(polys, dtype=float).reshape(-1, 4, 2)
        n = len(polys)
        if not n:
            return
        # closed quads: a closed path ignores its last vertex, so repeat the first
        verts = np.concatenate([polys, polys[:, :1]], axis=1)
        if face is not None:
            # one path for all (shared edges are filled once: a translucent fill stays even)
            self._agg.draw_path(graphics_context(antialiased=False, snap=False),
                                _path(verts.reshape(-1, 2), np.tile(_QUAD_CODES, n)),
                                self._transform, face)
        if edge is not None:
            self._collection([_path(v, _QUAD_CODES) for v in verts], edge, width, "miter",
                             "butt", (0.0, None))

    def _segments(self, segs: Any, colour: Any, width: float, cap: str,
                  dashes: tuple[float, Any] = (0.0, None)) -> None:
        paths = [_path(np.asarray(s, dtype=float), None) for s in segs]
        if paths:
            self._collection(paths, colour, width, "round", cap, dashes)

    def _collection(self, paths: list, colour: Any, width: float, join: str, cap: str,
                    dashes: tuple[float, Any]) -> None:
        n = len(paths)
        self._agg.draw_path_collection(
            graphics_context(joinstyle=join, capstyle=cap),
            self._transform,
            paths,
            np.zeros((0, 3, 3)),
            np.zeros((0, 2)),
            np.eye(3),
            np.zeros((0, 4)),
            np.array([colour] * n, float),
            np.full(n, float(width)),
            [dashes],
            np.ones(n, np.uint8),
            None,
            "screen",
        )

    def _quantise_into(self, y0: int, y1: int, x0: int, x1: int) -> None:
        """Snap the canvas region [y0:y1, x0:x1] to the frame palette, into self._index
        (self._out, the RGB picture, follows on demand: :meth:`_refresh_rgb`)."""
        if y1 <= y0 or x1 <= x0:
            return
        keys = self._buffer[y0:y1, x0:x1].view("<u4")[..., 0] & np.uint32(0xFFFFFF)
        index = np.take(self._lut, keys)  # (faster than self._lut[keys])
        missing = index == 0
        if missing.any():
            unknown = keys[missing]
            new = np.unique(unknown)
            self._lut[new] = nearest_colours(_unpack_bgr(new), self._palette) + 1
            index[missing] = self._lut[unknown]
        index -= 1
        self._index[y0:y1, x0:x1] = index
        if self._stale is None:
            self._stale = (y0, y1, x0, x1)
        else:
            sy0, sy1, sx0, sx1 = self._stale
            self._stale = (min(y0, sy0), max(y1, sy1), min(x0, sx0), max(x1, sx1))

    def _refresh_rgb(self) -> None:
        """Bring self._out (RGB) up to date with self._index."""
        if self._stale is not None:
            y0, y1, x0, x1 = self._stale
            self._out[y0:y1, x0:x1] = np.take(self._palette, self._index[y0:y1, x0:x1], axis=0)
            self._stale = None

    # -- per frame -------------------------------------------------------------------
    def _frame_index(self, n: Any) -> int:
        """``n`` as a frame number 0 … frame_count − 1 (negative: from the end)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise SpecError(f"frame index must be a whole number, got {n!r}")
        if not -self.frame_count <= n < self.frame_count:
            raise SpecError(
                f"frame index {n} is out of range: this animation has {self.frame_count} frames"
            )
        return int(n) % self.frame_count

    def frame(self, n: int) -> np.ndarray:
        """Frame ``n`` (0 ≤ n < frame_count) as a (height, width, 3) uint8 array."""
        self._draw(self._frame_index(n))
        self._refresh_rgb()
        return self._out.copy()

    def _draw(self, n: int) -> None:
        """Draw frame ``n`` (0 ≤ n < frame_count) into self._index."""
        if self._fig is None:
            self._build()
            self._fig = True
        th = self.theme
        shadow, segs, lines, cell = self._frame_geometry(n)
        muted = self._muted(n)
        sw = th.stroke_width
        shade = _rgba(th.shadow, th.shadow_alpha)
        stroke = _rgba(th.stroke)
        # restore the background where the last frame drew, then draw this frame
        # (the bias-only note, under the caption, is a region of its own)
        note_box = self._note_box if (self._note_shown or self.scene.frames[n].bias_only) \
            else None
        for region in (self._dirty, note_box):
            if region is not None:
                y0, y1, x0, x1 = region
                self._buffer[y0:y1, x0:x1] = self._background[y0:y1, x0:x1]
        self._cells(muted, _rgba(th.muted), stroke, sw)
        self._cells(shadow, shade, None, 0.0)
        self._segments(segs, stroke, sw, "projecting")
        self._segments(lines, _rgba(th.line), th.line_width, "butt")
        self._cells(cell, shade, stroke, sw)
        extra = self._draw_frame_text(n, shadow)
        if note_box is not None:
            self._quantise_into(*note_box)
        self._note_shown = self.layout.note is not None and self.scene.frames[n].bias_only
        box = self._dirty_box([*muted, *shadow, *segs, *lines, *cell, *extra])
        y0, y1, x0, x1 = box
        if self._dirty is not None:  # also where the last frame drew (one box: they overlap)
            py0, py1, px0, px1 = self._dirty
            y0, y1, x0, x1 = min(y0, py0), max(y1, py1), min(x0, px0), max(x1, px1)
        self._quantise_into(y0, y1, x0, x1)
        self._dirty = box
        self._current = n

    def _draw_frame_text(self, n: int, shadow: list) -> list:
        """Text themes: the weight tap of every window position, written in its cell
        (``scene.frames[n].weight_index``: the flip of a transposed kernel and the
        holes of a dilated one show), and the bias-only note when the window reads
        only padding and inserted zeros. Returns the corners the text may touch."""
        lay, th = self.layout, self.theme
        notes: list[tuple[str, float, float, float]] = []
        marks = self.tap_marks(n, shadow)
        if marks:
            digits = len(str(int(self.scene.frames[n].weight_index.max())))
            size = min(th.font_size, TAP_FONT_PT * (1.0 if digits == 1 else 0.8))
            notes.extend((str(w), float(x), float(y), size) for w, x, y in marks)
        note = self.note(n)
        if note is not None:
            notes.append((*note, th.font_size))
        if not notes:
            return []
        fig = self._text_figure()
        s, w, h = lay.scale, lay.width, lay.height
        corners = []
        with rc_settings(_RC):  # (only what differs: cheaper than the text itself)
            for text, x, y, size in notes:
                # one Text artist per distinct string and size, moved from frame to frame
                artist = self._texts.get((text, size))
                if artist is None:
                    artist = fig.text(0.0, 0.0, text, ha="center", va="center",
                                      color=th.text, fontsize=size,
                                      family=fonts(self.scene.lang))
                    self._texts[(text, size)] = artist
                artist.set_position((x * s / w, 1 - y * s / h))
                artist.draw(self._agg)
                if lay.note is None or text != lay.note[0]:  # (the note's: self._note_box)
                    half_w = 0.5 * _text_width_px(text, size, self.scene.lang) + 2.0
                    half_h = 0.8 * size * PT
                    corners.append(np.array([[x - half_w, y - half_h], [x + half_w, y + half_h]]))
        return corners

    def _text_figure(self) -> Any:
        if getattr(self, "_fig_text", None) is None:
            from matplotlib.figure import Figure

            lay = self.layout
            self._fig_text = Figure(
                figsize=(lay.width / (DPI * lay.scale), lay.height / (DPI * lay.scale)),
                dpi=DPI * lay.scale)
        return self._fig_text

    @property
    def frame_palette(self) -> np.ndarray:
        """(n, 3) uint8, sorted by 0xRRGGBB: every colour a frame may hold."""
        if self._fig is None:
            self._build()
            self._fig = True
        return self._palette.copy()

    def frame_indices(self, n: int) -> np.ndarray:
        """Frame ``n`` as (height, width) uint8 indices into :attr:`frame_palette`
        (``frame_palette[frame_indices(n)] == frame(n)``); cheap right after frame(n)."""
        n = self._frame_index(n)
        if self._fig is None or self._current != n:
            self._draw(n)
        return self._index.copy()

    def _dirty_box(self, shapes: list) -> tuple[int, int, int, int]:
        """Pixel rows/cols [y0, y1) × [x0, x1) that the frame's shapes can touch."""
        lay = self.layout
        pts = np.concatenate([np.asarray(s, float).reshape(-1, 2) for s in shapes]) * lay.scale
        pad = 3 + math.ceil(self.theme.stroke_width * PT * lay.scale)
        x0 = max(0, math.floor(pts[:, 0].min()) - pad)
        x1 = min(lay.width, math.ceil(pts[:, 0].max()) + pad)
        y0 = max(0, math.floor(pts[:, 1].min()) - pad)
        y1 = min(lay.height, math.ceil(pts[:, 1].max()) + pad)
        return y0, y1, x0, x1

    def frames(self) -> list[np.ndarray]:
        """All frames, in order."""
        return [self.frame(n) for n in range(self.frame_count)]



# -----------------------------------------------------------------------------------
# drawing helpers
# -----------------------------------------------------------------------------------
#: path codes of a closed quadrilateral: MOVETO, 3 × LINETO, CLOSEPOLY
_QUAD_CODES = np.array([1, 2, 2, 2, 79], dtype=np.uint8)


def render_frame(
    scene: Scene, n: int = 0, theme: str | Theme = "default", scale: float = 1.0
) -> np.ndarray:
    """One frame of ``scene`` (a convenience for tests and notebooks)."""
    return ConvRenderer(scene, theme, scale).frame(n)
