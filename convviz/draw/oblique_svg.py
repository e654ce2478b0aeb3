"""The oblique conv_arithmetic picture written directly as SVG (no matplotlib).

The SVG is drawn from the same set-up and plain geometry as the raster
(:class:`convviz.draw.oblique_picture.ObliquePicture`, which both are), in
the raster's painting order, with the raster's line widths and dashes, so a
rasterised SVG frame agrees with the PNG/GIF frame pixel for pixel up to
antialiasing. Text themes add their text as ``<text>``
(:mod:`convviz.draw.oblique_svg_style`).

Document structure (exact; a JavaScript port reproduces it byte for byte for
the classic theme, whose picture has no text). Lines end with ``\\n``; the
document is, line by line:

1. ``<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 W H" width="W"
   height="H" class="cv CLS" role="img" data-planes='PLANES'>`` — W, H the
   raster frame's size in px (one unit is one raster pixel); CLS is
   ``cv-hold`` for a still (``frame=n``) or a one-frame picture, else
   ``cv-kN-D`` (N frames of D ms: the animation rules below); PLANES the
   hit-test geometry (below).
2. ``<title>CAPTION</title>``
3. ``<desc>CAPTION (N frames, Ss each, looping)</desc>`` — S is D/1000 with up
   to 3 decimals, trailing zeros (and a bare ".") stripped; a still says
   ``(frame n of N)``, a one-frame picture ``(1 frame)``. CAPTION is the
   scene's caption, escaped (``&`` ``<`` ``>`` ``"`` as entities).
4. ``<style>CSS</style>`` — :func:`svg_style` (colours and the generic rules;
   left out with ``style=False``), then, for an animation,
   :func:`animation_style` (N, D).
5. the static picture: one ``<path class="K" d="…"/>`` per line, in painting
   order (kinds without geometry are left out):
   ``cv-bg`` (the background, ``M0,0H{W}V{H}H0Z``), channel sheets
   (``cv-sheet cv-c{j}`` or ``cv-sheet cv-mu``; text themes), then per input
   plane, in order: its non-input cells' fills ``cv-pad`` / ``cv-zero`` /
   ``cv-opad`` (only where the raster draws them: the fill differs from the
   background, or there are sheets), its dashed grid ``cv-dash`` (when it
   has non-input cells), its input cells ``cv-in``; then all output planes'
   cells ``cv-out``. Text themes then add the labels and caption lines
   (``<text>``).
6. one line per frame n (a still: only that frame)::

       <g class="cv-f[ cv-p][ cv-on]" data-frame="n" data-out="O" data-cells="C">PATHS</g>

   ``cv-p`` marks the poster frame (:func:`convviz.frames.poster_frame`),
   ``cv-on`` the frame of a still (or of a one-frame picture); O is the
   output cell's index, its coordinates joined by " "; C the canvas cells
   the window reads, in tap
   order (``FrameScene.taps``), each cell's coordinates joined by ",", cells
   joined by " " (1-D: "c", 2-D: "r,c", 3-D: "z,r,c"; row 0 is the top row).
   With one plane per channel the group also has ``data-ch="c"``, the output
   channel. PATHS, in order, each left out when empty: ``cv-mu`` (muted input
   channel planes), ``cv-sh`` (the kernel's shadow), ``cv-ext`` (the grid over
   the kernel's extent), ``cv-ln`` (projection lines, clipped at the output
   plane), ``cv-hi`` (the output cell); text themes then add the weight-tap
   indices and the bias-only note (``<text>``).
7. ``</svg>`` (and a final ``\\n``).

Path data: a quadrilateral is ``M{p0}L{p1} {p2} {p3}Z``, a segment
``M{p0}L{p1}``, a point ``x,y``; subpaths are concatenated with nothing in
between. Every number goes through :func:`num`: the value times 100 rounded
as ``floor(v·100 + 0.5)`` (IEEE double arithmetic, as JavaScript's
``Math.floor``), written with up to 2 decimals, trailing zeros and a bare "."
stripped, and no "-0" (``num(-0.004) == "0"``, ``num(1.005) == "1"`` since
1.005·100 is 100.49999…). Coordinates are layout px × scale
(:mod:`convviz.draw.oblique_layout`), snapped as the raster's
rasteriser (matplotlib's Agg) snaps them: a quadrilateral or segment of a
stroked kind (all but ``cv-bg``, ``cv-pad``, ``cv-zero``, ``cv-opad``,
``cv-sh``) whose every edge runs horizontally or vertically (|Δx| < 1e-4 or
|Δy| < 1e-4, closing edge included) has each vertex moved to
x' = ⌊x + 0.5⌋ + h, y' = ⌊y + 0.5⌋ + h, where h = 0.5 when the
kind's stroke width in px, rounded as ⌊w + 0.5⌋, is odd, else 0 (``cv-ln``:
the line width; the others: the stroke width). Only 1-D pictures (and rare
vertical projection lines) have such shapes.

PLANES: a JSON array written without spaces, one object per plane, input
planes first, keys in this order: ``"side"`` (``"in"``/``"out"``),
``"index"`` (the coordinates that come before the cell's own: a 3-D depth
slice ``[z]``, a 1-D output cell ``[t]``, else ``[]``), ``"tail"`` (how many
of [row, col] complete a cell's index: 2 for a 2-D/3-D plane, 1 for the 1-D
input row, 0 for a 1-D output cell), ``"rows"``, ``"cols"``, ``"origin"``,
``"ex"``, ``"ey"`` (px, y down, numbers as :func:`num`), and ``"channel"``
(with one plane per channel only). Point p lies in cell [row, col] of a
plane when p = origin + x·ex + y·ey with col = ⌊x⌋ ∈ [0, cols),
⌊y⌋ ∈ [0, rows) and row = rows − 1 − ⌊y⌋.

CSS (:func:`svg_style`): custom properties on ``.cv`` hold the theme's
colours (``--cv-bg``, ``--cv-in``, ``--cv-out``, ``--cv-pad``, ``--cv-zero``,
``--cv-opad``, ``--cv-stroke``, ``--cv-shadow``, ``--cv-shadow-a`` (its
opacity), ``--cv-line``, ``--cv-text``, ``--cv-muted``, ``--cv-c0`` …
``--cv-c3``); with ``dark`` the same names take the dark theme's values (the
same field of the dark theme: the pairing of :func:`convviz.site.recolour.theme_pairs`)
under ``@media (prefers-color-scheme: dark)``. Every colour in the picture is a
``var()`` of one of them. Stroke widths, dashes and font sizes are in the
rules, in px (points × 150/72 × scale), so :func:`svg_style` depends on the
scale too.

The CSS text itself is fixed by (theme, dark theme, scale): :func:`svg_style`
concatenates its rules with nothing in between, in the order of its source.

Animation (no script): every frame group is hidden but the poster frame's
(``cv-p``), which is what a viewer that plays no CSS animation shows, and
what shows under ``prefers-reduced-motion: reduce``. For N > 1 frames of D ms
(D = ⌊duration_ms + 0.5⌋; :func:`animation_style`, rules that depend on N and
D only, so pictures with the same N and D share them harmlessly when inlined
in one page), frame n runs ``@keyframes cv-kN-D`` (visible from 0 to P %,
then hidden; step timing; N·D ms; looping), delayed by (n − N)·D ms (a
negative delay: it runs from the start, mid-cycle, so frame n shows during
[n·D, (n + 1)·D) of every cycle), all inside
``@media (prefers-reduced-motion: no-preference)``; exactly (one line,
written here in pieces)::

    @media (prefers-reduced-motion: no-preference){
    @keyframes cv-kN-D{0%{visibility:visible}P%{visibility:hidden}100%{visibility:hidden}}
    .cv-kN-D .cv-f{animation:cv-kN-D TTms step-end infinite}
    .cv-kN-D .cv-f[data-frame="1"]{animation-delay:-DDms}
    …
    }

with P = 100/N written as :func:`num` but with up to 4 decimals, TT = N·D,
and one delay rule for each n = 1 … N − 1 (DD = (N − n)·D). A script
freezes the picture on one frame by adding ``cv-hold`` to the root and
``cv-on`` to that frame's group (a still is written that way).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from convviz.draw.oblique_layout import PT, _Plane
from convviz.draw.oblique_picture import ObliquePicture
from convviz.draw.oblique_svg_style import (
    _escape,
    _seconds,
    animation_style,
    frame_text,
    num,
    static_text,
    svg_style,
)
from convviz.errors import SpecError
from convviz.frames import poster_frame
from convviz.look.scene import Scene
from convviz.look.themes import Theme

__all__ = ["ObliqueSvg", "animation_style", "num", "picture_svg", "svg_style"]

# -----------------------------------------------------------------------------------
# geometry -> path data
# -----------------------------------------------------------------------------------
def _pt(p: Any) -> str:
    return f"{num(p[0])},{num(p[1])}"


class _Snap:
    """matplotlib's Agg snapping of a stroked path whose segments all run horizontally or
    vertically (see the module docstring), for a stroke ``stroke_px`` px wide."""

    def __init__(self, stroke_px: float):
        self.half = 0.5 if math.floor(stroke_px + 0.5) % 2 else 0.0

    def __call__(self, pts: np.ndarray, closed: bool) -> np.ndarray:
        ring = np.concatenate([pts, pts[:1]]) if closed else pts
        d = np.abs(np.diff(ring, axis=0))
        if not bool(np.all((d[:, 0] < 1e-4) | (d[:, 1] < 1e-4))):
            return pts
        return np.floor(pts + 0.5) + self.half


def _quads(polys: Any, s: float, snap: _Snap | None = None) -> str:
    out = []
    for q in np.asarray(polys, dtype=float).reshape(-1, 4, 2) * s:
        if snap is not None:
            q = snap(q, True)
        out.append(f"M{_pt(q[0])}L{_pt(q[1])} {_pt(q[2])} {_pt(q[3])}Z")
    return "".join(out)


def _segs(segs: Any, s: float, snap: _Snap | None = None) -> str:
    out = []
    for seg in segs:
        a, b = (np.asarray(seg, dtype=float) * s if snap is None
                else snap(np.asarray(seg, dtype=float) * s, False))
        out.append(f"M{_pt(a)}L{_pt(b)}")
    return "".join(out)


def _path(cls: str, d: str) -> str:
    return f'<path class="{cls}" d="{d}"/>' if d else ""


def _plane_json(plane: _Plane, side: str, index: list[int], tail: int, s: float,
                channel: int | None) -> str:
    def vec(v: Any) -> str:
        return f"[{num(v[0] * s)},{num(v[1] * s)}]"

    text = (f'{{"side":"{side}","index":[{",".join(str(i) for i in index)}],'
            f'"tail":{tail},"rows":{plane.rows},"cols":{plane.cols},'
            f'"origin":{vec(plane.origin)},"ex":{vec(plane.ex)},"ey":{vec(plane.ey)}')
    if channel is not None:
        text += f',"channel":{channel}'
    return text + "}"


class ObliqueSvg(ObliquePicture):
    """The oblique picture of ``scene`` in ``theme`` at ``scale`` as SVG pieces.

    :meth:`static` (the static picture), :meth:`frame` (one frame's group),
    :meth:`document` (the whole SVG); see the module docstring for the exact text.
    """

    def __init__(self, scene: Scene, theme: str | Theme = "classic", scale: float = 1.0):
        super().__init__(scene, theme, scale)
        self._snap = _Snap(self.theme.stroke_width * PT * self.scale)
        self._snap_line = _Snap(self.theme.line_width * PT * self.scale)

    # -- pieces ----------------------------------------------------------------------
    def planes_json(self) -> str:
        """The hit-test geometry of every plane (the root's ``data-planes``)."""
        lay, sc = self.layout, self.scene
        ndim = sc.ndim
        items = []
        for z, plane in enumerate(lay.inputs):
            if lay.channel_planes:
                items.append(_plane_json(plane, "in", [], 2, self.scale, z))
            elif ndim == 3:
                items.append(_plane_json(plane, "in", [z], 2, self.scale, None))
            else:
                items.append(_plane_json(plane, "in", [], 1 if ndim == 1 else 2,
                                         self.scale, None))
        for z, plane in enumerate(lay.outputs):
            if lay.channel_planes:
                items.append(_plane_json(plane, "out", [], 2, self.scale, z))
            elif ndim == 1:
                items.append(_plane_json(plane, "out", [z], 0, self.scale, None))
            elif ndim == 3:
                items.append(_plane_json(plane, "out", [z], 2, self.scale, None))
            else:
                items.append(_plane_json(plane, "out", [], 2, self.scale, None))
        return "[" + ",".join(items) + "]"

    def static(self) -> str:
        """The static picture: paths (and, in text themes, labels and caption), one
        element a line, each line ending in a newline."""
        lay, s = self.layout, self.scale
        lines = [_path("cv-bg", f"M0,0H{lay.width}V{lay.height}H0Z")]
        # channel sheets behind the planes (multi-channel specs, text themes)
        for sheet, fill in self.sheets():
            lines.append(_path(f"cv-sheet {self._sheet_class(fill)}",
                               _quads([sheet], s, self._snap)))
        for cp in self.canvas_planes():
            plane = cp.plane
            # (in the raster's order: the fills sorted by colour, then by look)
            for _, look, mask in cp.fills:
                lines.append(_path(f"cv-{look}", _quads(plane.cells(cp.others[mask]), s)))
            if len(cp.others):
                lines.append(_path("cv-dash", _segs(plane.grid(0, plane.rows, 0, plane.cols), s,
                                                      self._snap)))
            if len(cp.inputs):
                lines.append(_path("cv-in", _quads(plane.cells(cp.inputs), s, self._snap)))
        outs = [_quads(cells, s, self._snap) for cells in self.output_cells()]
        lines.append(_path("cv-out", "".join(outs)))
        if lay.labels or lay.caption:
            lines.extend(static_text(self))
        return "".join(line + "\n" for line in lines if line)

    def _sheet_class(self, fill: str) -> str:
        fills = self.theme.channel_fills
        if fill in fills[:4]:
            return f"cv-c{fills.index(fill)}"
        return "cv-mu"

    def frame(self, n: int, *, poster: bool = False, on: bool = False) -> str:
        """Frame ``n``'s group, one line ending in a newline (``poster``/``on``: the
        ``cv-p``/``cv-on`` classes)."""
        sc, s = self.scene, self.scale
        n = self._check_frame(n)
        f = sc.frames[n]
        shadow, segs, lines, cell = self._frame_geometry(n)
        muted = self._muted(n)
        cls = "cv-f" + (" cv-p" if poster else "") + (" cv-on" if on else "")
        out = " ".join(str(int(i)) for i in f.output_index)
        cells = " ".join(",".join(str(int(i)) for i in tap)
                         for tap in np.asarray(f.taps).reshape(len(f.taps), -1))
        attrs = f'class="{cls}" data-frame="{n}" data-out="{out}" data-cells="{cells}"'
        if self.layout.channel_planes:
            attrs += f' data-ch="{f.out_channel}"'
        parts = [
            _path("cv-mu", _quads(muted, s, self._snap)) if muted else "",
            _path("cv-sh", _quads(shadow, s)) if len(shadow) else "",
            _path("cv-ext", _segs(segs, s, self._snap)),
            _path("cv-ln", _segs(lines, s, self._snap_line)),
            _path("cv-hi", _quads(cell, s, self._snap)),
        ]
        if self.theme.show_labels or self.theme.show_caption:
            parts.extend(frame_text(self, n, shadow))
        return f"<g {attrs}>{''.join(parts)}</g>\n"

    def _check_frame(self, n: Any) -> int:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise SpecError(f"frame must be a whole number, got {n!r}")
        count = self.frame_count
        if not -count <= n < count:
            raise SpecError(f"frame={n} is not a frame of this animation (0 … {count - 1})")
        return int(n) % count

    def document(self, *, dark: str | Theme | None = None, duration_ms: float = 1000,
                 frame: int | None = None, style: bool = True) -> str:
        """The whole SVG: every frame animated, or (``frame``) that still."""
        d = _check_duration(duration_ms)
        count = self.frame_count
        w, h = self.size
        if frame is None:
            poster = poster_frame(self)
            # (one frame: nothing to play, the frame is held)
            cls = f"cv cv-k{count}-{d}" if count > 1 else "cv cv-hold"
            what = f"{count} frames, {_seconds(d)} each, looping" if count > 1 else "1 frame"
            frames = [self.frame(n, poster=n == poster, on=count == 1) for n in range(count)]
            css = animation_style(count, d)
        else:
            n = self._check_frame(frame)
            cls = "cv cv-hold"
            what = f"frame {n} of {count}"
            frames = [self.frame(n, on=True)]
            css = ""
        if style:
            css = svg_style(self.theme, dark, scale=self.scale) + css
        caption = _escape(self.caption)
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
                f'height="{h}" class="{cls}" role="img" data-planes=\'{self.planes_json()}\'>\n'
                f"<title>{caption}</title>\n"
                f"<desc>{caption} ({_escape(what)})</desc>\n"
                f"<style>{css}</style>\n")
        return head + self.static() + "".join(frames) + "</svg>\n"


def _check_duration(duration_ms: Any) -> int:
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, (int, float, np.number)):
        raise SpecError(f"duration_ms must be a number, got {duration_ms!r}")
    value = float(duration_ms)
    if not (math.isfinite(value) and math.floor(value + 0.5) >= 1):
        raise SpecError(f"duration_ms must be at least 1 ms, got {duration_ms!r}")
    return math.floor(value + 0.5)


def picture_svg(scene: Scene, theme: str | Theme = "classic", *, scale: float = 1.0,
                dark: str | Theme | None = None, duration_ms: float = 1000,
                frame: int | None = None, style: bool = True) -> str:
    """The oblique picture of ``scene`` as one SVG document (see the module docstring).

    ``frame=None``: every frame, animated by CSS (``duration_ms`` each, rounded to
    whole ms, looping); an int: that frame, still. ``dark``: a theme (or name) whose
    colours apply under ``prefers-color-scheme: dark``. ``style=False`` leaves
    :func:`svg_style` out (a page holding it once for many pictures).

    >>> from convviz import ConvSpec
    >>> from convviz.look.scene import build_scene
    >>> svg = picture_svg(build_scene(ConvSpec(4, 3)))
    >>> svg.count('<g class="cv-f'), svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    (4, True)
    """
    return ObliqueSvg(scene, theme, scale).document(dark=dark, duration_ms=duration_ms,
                                                    frame=frame, style=style)
