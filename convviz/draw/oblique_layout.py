"""The oblique renderer's layout: where every plane, label and caption goes.

Plain geometry, no matplotlib: the oblique parallel projection of
:mod:`convviz.draw.oblique` (grid point (x, y) at (x − 0.7·y, 0.5·x + 0.65·y)
cells, u = 0.5 cm at 150 dpi), the picture's size, and the segment clipping
that stops projection lines at the output plane (:mod:`convviz.draw.oblique_clip`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.draw.oblique_clip import convex_overlap
from convviz.errors import SpecError
from convviz.look.scene import Scene
from convviz.look.themes import Theme, check_scale, get_theme
from convviz.look.words import font_families, word

#: the originals' resolution (dots per inch at scale 1)
DPI = 150.0
#: one grid cell, 0.5 cm, in pixels at 150 dpi
CELL = 0.5 / 2.54 * DPI
#: the blank margin on every side, px at 150 dpi
MARGIN = 21.6
#: the output plane's extra shift to the left, px at 150 dpi
OUTPUT_SHIFT = 5.2
#: the oblique map: grid x runs along EX, grid y along EY (cells, y up)
EX = (1.0, 0.5)
EY = (-0.7, 0.65)
#: a sub-pixel nudge (px at 150 dpi) that puts our antialiased edges where the
#: originals' rasteriser put theirs (measured against them, dev/compare_originals.py)
NUDGE = (0.05, 0.0)
#: the largest picture we agree to draw, px per side
MAX_PIXELS = 8192
#: gap between depth slices (3-D), cells
SLICE_GAP = 0.8
#: the most channels drawn as planes of their own (per side); a spec with more
#: gets the channel sheets below instead
MAX_CHANNEL_PLANES = 8
#: the most channel sheets drawn per plane, and how far each is lifted (px)
MAX_SHEETS = 4
SHEET_STEP = 0.24 * CELL
#: the note under the caption on frames whose window reads only padding and
#: inserted zeros (``FrameScene.bias_only``)
BIAS_ONLY = "this output reads only zeros: bias only"
#: vertical gap between the rows of a 1-D picture, cells
ROW_GAP_1D = 2.0

_FONT = "DejaVu Sans"  # ships with matplotlib: same glyphs on every machine

# rc settings that would otherwise change our pixels from a user's matplotlibrc
_RC: dict[str, Any] = {
    "lines.scale_dashes": False,
    "path.simplify": False,
    "path.snap": True,
    "text.antialiased": True,
    "patch.antialiased": True,
    "lines.antialiased": True,
    "text.hinting": "force_autohint",
    "font.family": "sans-serif",
    "font.sans-serif": [_FONT],
    "agg.path.chunksize": 0,
}

PT = DPI / 72.0  # px per point at scale 1


# -----------------------------------------------------------------------------------
# layout: plain geometry, no matplotlib
# -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plane:
    """A rows×cols grid drawn with basis vectors ex, ey (px, y down) from origin.

    Grid point (x, y) (x along a row, y up the rows, in cells) is at
    origin + x·ex + y·ey. Cell [r, c] covers x ∈ [c, c+1], y ∈ [rows−1−r, rows−r].
    """

    rows: int
    cols: int
    origin: tuple[float, float]
    ex: tuple[float, float]
    ey: tuple[float, float]

    def point(self, x: Any, y: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        px = self.origin[0] + x * self.ex[0] + y * self.ey[0]
        py = self.origin[1] + x * self.ex[1] + y * self.ey[1]
        return np.stack([px, py], axis=-1)

    def cells(self, rc: np.ndarray) -> np.ndarray:
        """Polygons (n, 4, 2) of cells rc (n, 2) = [row, col]."""
        rc = np.asarray(rc, dtype=float).reshape(-1, 2)
        r, c = rc[:, 0], rc[:, 1]
        y0 = self.rows - 1 - r
        xs = np.stack([c, c + 1, c + 1, c], axis=1)
        ys = np.stack([y0, y0, y0 + 1, y0 + 1], axis=1)
        return self.point(xs, ys)

    def box(self, r0: float, r1: float, c0: float, c1: float) -> np.ndarray:
        """Corners (4, 2) of rows [r0, r1) × cols [c0, c1): the corners at
        (x0,y0), (x1,y0), (x1,y1), (x0,y1) with y0 the bottom."""
        y0, y1 = self.rows - r1, self.rows - r0
        return self.point([c0, c1, c1, c0], [y0, y0, y1, y1])

    def grid(self, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
        """Segments (n, 2, 2) of the grid lines over rows [r0, r1) × cols [c0, c1),
        each starting at its low-x / low-y end (where TikZ starts the dashes)."""
        y0, y1 = self.rows - r1, self.rows - r0
        xs = np.arange(c0, c1 + 1, dtype=float)
        ys = np.arange(y0, y1 + 1, dtype=float)
        # lines of constant x (from y0 to y1), then of constant y (from c0 to c1)
        seg_x = np.stack(
            [np.repeat(xs[:, None], 2, 1), np.broadcast_to([y0, y1], (len(xs), 2))], -1
        )
        seg_y = np.stack(
            [np.broadcast_to([c0, c1], (len(ys), 2)), np.repeat(ys[:, None], 2, 1)], -1
        )
        segs = np.concatenate([seg_x, seg_y]).astype(float)
        return self.point(segs[..., 0], segs[..., 1])

    def outline_extent(self) -> np.ndarray:
        """The four corners (px) of the whole plane."""
        return self.box(0, self.rows, 0, self.cols)


@dataclass(frozen=True)
class _Layout:
    width: int  # px
    height: int  # px
    scale: float
    inputs: tuple[_Plane, ...]  # one per depth slice (1 in 1-D/2-D)
    outputs: tuple[_Plane, ...]
    flat: bool
    labels: tuple[tuple[str, float, float, float, str, str], ...]  # text, x, y, rot, ha, va
    caption: tuple[tuple[str, float, float], ...]  # text, x, y (centre, baseline-ish)
    font_px: float
    ghost_in: int = 0  # channel sheets drawn behind the input plane
    ghost_out: int = 0  # ... and behind the output plane
    #: the line drawn under the caption on frames whose window reads only zeros:
    #: (text, x, y) or None
    note: tuple[str, float, float] | None = None
    #: every input channel and every output channel is a plane of its own
    #: (``inputs[c]`` is input channel c, ``outputs[c]`` output channel c)
    channel_planes: bool = False


def channel_planes(scene: Scene, theme: Theme) -> bool:
    """Whether ``scene`` is drawn with one plane per channel: a 2-D multi-channel
    spec in a theme with labels, at most MAX_CHANNEL_PLANES channels a side."""
    c_in, c_out = scene.spec.channels
    return (scene.ndim == 2 and theme.show_labels and (c_in, c_out) != (1, 1)
            and max(c_in, c_out) <= MAX_CHANNEL_PLANES)


def _slice_label(theme: Theme, scene: Scene, z: int) -> str:
    """The label of canvas depth slice ``z``: "input 2" for real input depth 2,
    else what the slice is ("pad", "zero", "output pad"), in the scene's language."""
    name = scene.slice_names[z]
    if name.startswith("depth "):
        return f"{theme.input_label} {name.removeprefix('depth ')}"
    return word(scene.lang, "oblique." + name.replace(" ", "_"))


def fonts(lang: str) -> Any:
    """The font family of a picture's text: DejaVu Sans, and for Chinese the CJK fonts
    after it (:func:`convviz.look.words.font_families`)."""
    return _FONT if lang == "en" else tuple(font_families(lang))


def _label_corners(label: tuple[str, float, float, float, str, str], size_pt: float,
                   lang: str = "en") -> np.ndarray:
    """The four corners (px, y down) of a label's text box, rotated about its anchor
    as matplotlib's ``rotation_mode="anchor"`` does (the height is the font's line)."""
    text, x, y, rot, ha, va = label
    w, h = _text_width_px(text, size_pt, lang), 1.2 * size_pt * PT
    u0 = {"left": 0.0, "center": -w / 2, "right": -w}[ha]
    v0 = {"bottom": 0.0, "center": -h / 2, "top": -h}[va]
    u = np.array([u0, u0 + w, u0 + w, u0])
    v = np.array([v0, v0, v0 + h, v0 + h])
    c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    return np.stack([x + u * c - v * s, y - (u * s + v * c)], 1)


@functools.lru_cache(maxsize=4096)
def _text_width_px(text: str, font_size_pt: float, lang: str = "en") -> float:
    """Width of ``text`` in px at 150 dpi in the fonts of a ``lang`` picture
    (matplotlib's TextPath; no drawing)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    family = fonts(lang)
    path = TextPath((0, 0), text, size=font_size_pt,
                    prop=FontProperties(family=family if isinstance(family, str) else list(family)))
    ext = path.get_extents()
    return float(ext.x1 - min(ext.x0, 0.0)) * PT


def _plane_size(rows: int, cols: int) -> tuple[float, float]:
    """(width, height) px of an oblique rows×cols plane."""
    return (cols * EX[0] - rows * EY[0]) * CELL, (cols * EX[1] + rows * EY[1]) * CELL


def _oblique(rows: int, cols: int, left: float, bottom: float) -> _Plane:
    """An oblique plane whose bounding box has its left edge at ``left`` and its
    bottom (the bottom corner, grid point (0, 0)) at ``bottom`` (px, y down)."""
    origin = (left - rows * EY[0] * CELL, bottom)
    return _Plane(rows, cols, origin, (EX[0] * CELL, -EX[1] * CELL), (EY[0] * CELL, -EY[1] * CELL))


def frame_size(scene: Scene, theme: str | Theme = "classic", scale: float = 1.0) -> tuple[int, int]:
    """(width, height) px of the pictures of ``scene``."""
    layout = _layout(scene, get_theme(theme), check_scale(scale))
    return layout.width, layout.height


def _grid2(shape: Sequence[int]) -> tuple[int, int]:
    """(rows, cols) of one drawn plane of an N-D grid."""
    if len(shape) == 1:
        return 1, shape[0]
    return shape[-2], shape[-1]


def _layout(scene: Scene, theme: Theme, scale: float) -> _Layout:
    ndim = scene.ndim
    lang = scene.lang
    canvas = scene.canvas_size
    out = scene.output_size
    m = MARGIN
    nudge_x, nudge_y = NUDGE
    font_px = theme.font_size * PT
    label_pad = 0.45 * font_px
    labels: list[tuple[str, float, float, float, str, str]] = []
    ghost_in = ghost_out = 0

    if ndim == 1:
        # flat rows: output above input, centred
        n, o = canvas[0], out[0]
        width = n * CELL + 2 * m
        left = m
        if theme.show_labels:
            lw = max(
                _text_width_px(theme.input_label, theme.font_size, lang),
                _text_width_px(theme.output_label, theme.font_size, lang),
            )
            left += lw + label_pad * 2
            width += lw + label_pad * 2
        height = (2 + ROW_GAP_1D) * CELL + 2 * m
        inputs: tuple[_Plane, ...] = (
            _Plane(1, n, (left, m + (1 + ROW_GAP_1D + 1) * CELL), (CELL, 0.0), (0.0, -CELL)),
        )
        # output t sits over the canvas x its rule names (scene.output_anchor: the
        # window's last cell when causal, else its centre), one 1×1 plane per cell
        anchors = scene.output_anchor or tuple((n - o) / 2 + t + 0.5 for t in range(o))
        outputs: tuple[_Plane, ...] = tuple(
            _Plane(1, 1, (left + (a - 0.5) * CELL, m + CELL), (CELL, 0.0), (0.0, -CELL))
            for a in anchors
        )
        ox = min(p.origin[0] for p in outputs)
        if theme.show_labels:
            x = left - label_pad
            labels.append(
                (theme.input_label, x, m + (1.5 + ROW_GAP_1D) * CELL, 0.0, "right", "center")
            )
            labels.append(
                (theme.output_label, min(x, ox - label_pad), m + 0.5 * CELL, 0.0, "right", "center")
            )
        flat = True
    else:
        rows, cols = _grid2(canvas)
        orows, ocols = _grid2(out)
        c_in, c_out = scene.spec.channels
        planes = channel_planes(scene, theme)
        slices = canvas[0] if ndim == 3 else (c_in if planes else 1)
        oslices = out[0] if ndim == 3 else (c_out if planes else 1)
        pw, ph = _plane_size(rows, cols)
        opw, oph = _plane_size(orows, ocols)
        gap = SLICE_GAP * CELL
        in_w = slices * pw + (slices - 1) * gap
        in_left = m
        if ndim == 2 and theme.show_labels and not planes:
            # many channels: the other channels as coloured sheets behind each plane
            ghost_in, ghost_out = min(c_in, MAX_SHEETS) - 1, min(c_out, MAX_SHEETS) - 1
        ogap = gap
        if planes:
            # one row of input channel planes, one of output channel planes above,
            # both centred on the wider of the two; planes far enough apart that
            # their slanted labels do not run into each other
            slant = math.cos(math.atan2(EX[1], EX[0]))
            # (an output label hangs past its plane's left corner, by about half a plane)
            for text, size, gaps in (
                (word(lang, "oblique.channel", label=theme.input_label, channel=c_in - 1), pw,
                 "in"),
                (word(lang, "oblique.channel", label=theme.output_label, channel=c_out - 1),
                 opw / 2, "out"),
            ):
                need = _text_width_px(text, theme.font_size, lang) * slant + 2 * label_pad - size
                if gaps == "in":
                    gap = max(gap, need)
                else:
                    ogap = max(ogap, need)
            in_w = slices * pw + (slices - 1) * gap
            out_w = oslices * opw + (oslices - 1) * ogap
            in_left = m + max(0.0, (out_w - in_w) / 2)
            first = m + max(0.0, (in_w - out_w) / 2)
            out_lefts = [first + j * (opw + ogap) for j in range(oslices)]
            in_w = max(in_w, out_w)
        elif ndim == 2:
            out_lefts = [m + (rows - orows) * -EY[0] * CELL - OUTPUT_SHIFT]
        else:
            # output slice z centred over the input slices its window reads, so
            # its projection lines rise from those slices and cross no other
            depth = scene.spec.axes[0]
            k_hat = depth.effective_kernel
            out_lefts = [
                m + (start * (pw + gap) + (k_hat * pw + (k_hat - 1) * gap) / 2) - opw / 2
                for start in depth.window_starts().tolist()
            ]

        def place(bottom: float, lift: float) -> tuple[tuple[_Plane, ...], tuple[_Plane, ...]]:
            ins = tuple(_oblique(rows, cols, in_left + z * (pw + gap), bottom)
                        for z in range(slices))
            outs = tuple(_oblique(orows, ocols, x, bottom - lift) for x in out_lefts)
            return ins, outs

        # T + 1 cells for a square canvas (the originals); higher when a long thin
        # canvas would otherwise reach under the output plane
        lift = ((rows + cols) / 2 + 1) * CELL
        while _overlap(*place(0.0, lift), pad=3.0 + ghost_in * SHEET_STEP):
            lift += 0.25 * CELL
        top = max(ph, lift + oph)
        top_extra = ghost_out * SHEET_STEP + (0.6 * font_px if theme.show_labels else 0.0)
        width = in_w + 2 * m
        height = top + top_extra + 2 * m
        bottom = m + top_extra + top  # the input's bottom corner
        inputs, outputs = place(bottom, lift)
        if theme.show_labels:
            # both labels run along the planes' x edges (EX, 26.6° up-right)
            ang = math.degrees(math.atan2(EX[1], EX[0]))
            sin, cos = math.sin(math.radians(ang)), math.cos(math.radians(ang))
            for z, plane in enumerate(inputs):
                # 3-D: named by the real input depth ("pad", "zero" for the others)
                if planes:
                    text = word(lang, "oblique.channel", label=theme.input_label, channel=z)
                else:
                    text = theme.input_label if slices == 1 else _slice_label(theme, scene, z)
                text += word(lang, "oblique.channels", channels=c_in) if ghost_in else ""
                # below the lower-right edge (grid y = 0), at its middle
                p = plane.point(cols / 2, 0.0)
                labels.append(
                    (text, p[0] + sin * label_pad, p[1] + cos * label_pad, ang, "center", "top")
                )
            for z, plane in enumerate(outputs):
                if planes:
                    text = word(lang, "oblique.channel", label=theme.output_label, channel=z)
                else:
                    text = theme.output_label if oslices == 1 else f"{theme.output_label} {z}"
                text += word(lang, "oblique.channels", channels=c_out) if ghost_out else ""
                # above the upper-left edge (grid y = rows), near its left end
                p = plane.point(min(ocols / 2, 1.0 + 0.1 * ocols), float(orows))
                p = p - (0.0, ghost_out * SHEET_STEP)
                labels.append(
                    (text, p[0] - sin * label_pad, p[1] - cos * label_pad, ang, "center", "bottom")
                )
            # grow the picture where a slanted label would reach past its edges
            corners = np.concatenate([_label_corners(lab, theme.font_size, lang)
                                      for lab in labels])
            grow_left = max(0.0, m / 2 - float(corners[:, 0].min()))
            grow_top = max(0.0, m / 2 - float(corners[:, 1].min()))
            grow_right = max(0.0, float(corners[:, 0].max()) - (width - m / 2))
            if grow_left or grow_top:
                inputs = tuple(_shift(q, grow_left, grow_top) for q in inputs)
                outputs = tuple(_shift(q, grow_left, grow_top) for q in outputs)
                labels = [(t, x + grow_left, y + grow_top, r, ha, va)
                          for t, x, y, r, ha, va in labels]
            width += grow_left + grow_right
            height += grow_top
        flat = False

    caption: list[tuple[str, float, float]] = []
    note: tuple[str, float, float] | None = None
    bias_only = theme.show_caption and any(f.bias_only for f in scene.frames)
    if theme.show_caption and scene.lines:
        line_h = 1.45 * font_px
        bias_note = word(lang, "oblique.bias_only")  # BIAS_ONLY in English
        texts = [*scene.lines, bias_note] if bias_only else list(scene.lines)
        text_w = max(_text_width_px(t, theme.font_size, lang) for t in texts)
        extra_w = max(0.0, text_w + 2 * m - width)
        if extra_w:
            dx = extra_w / 2
            width += extra_w
            inputs = tuple(_shift(p, dx, 0) for p in inputs)
            outputs = tuple(_shift(p, dx, 0) for p in outputs)
            labels = [(t, x + dx, y, r, ha, va) for t, x, y, r, ha, va in labels]
        y = height - m + 0.6 * line_h
        if not flat and theme.show_labels:
            y += 0.9 * font_px  # the input label hangs below the lower-right edge
            # (a long slanted label, such as "input channel 3", hangs lower at its left)
            lowest = max(float(_label_corners(lab, theme.font_size, lang)[:, 1].max())
                         for lab in labels)
            y = max(y, lowest + 0.25 * line_h)
        for text in scene.lines:
            caption.append((text, width / 2, y + 0.5 * line_h))
            y += line_h
        if bias_only:  # a line kept free for the note, drawn on the frames it concerns
            note = (bias_note, width / 2, y + 0.5 * line_h)
            y += line_h
        height = y + m * 0.6

    w_px, h_px = round(width * scale), round(height * scale)
    if max(w_px, h_px) > MAX_PIXELS:
        raise SpecError(
            f"the picture would be {w_px}×{h_px} px; the most is {MAX_PIXELS} px per side "
            "(use a smaller scale or spec)"
        )
    # centre the drawing on the whole-pixel canvas (as the originals' rasteriser
    # did), then nudge it onto their pixel grid
    dx = (w_px / scale - width) / 2 + nudge_x
    dy = (h_px / scale - height) / 2 + nudge_y
    inputs = tuple(_shift(p, dx, dy) for p in inputs)
    outputs = tuple(_shift(p, dx, dy) for p in outputs)
    labels = [(t, x + dx, y + dy, r, ha, va) for t, x, y, r, ha, va in labels]
    caption = [(t, x + dx, y + dy) for t, x, y in caption]
    if note is not None:
        note = (note[0], note[1] + dx, note[2] + dy)
    return _Layout(w_px, h_px, scale, inputs, outputs, flat, tuple(labels), tuple(caption),
                   font_px, ghost_in, ghost_out, note,
                   channel_planes(scene, theme))


def _shift(plane: _Plane, dx: float, dy: float) -> _Plane:
    return _Plane(
        plane.rows, plane.cols, (plane.origin[0] + dx, plane.origin[1] + dy), plane.ex, plane.ey
    )


def _overlap(inputs: Sequence[_Plane], outputs: Sequence[_Plane], pad: float = 3.0) -> bool:
    """Whether an output plane comes within ``pad`` px of an input plane."""
    return any(
        convex_overlap(a.outline_extent(), b.outline_extent(), pad)
        for a in inputs
        for b in outputs
    )
