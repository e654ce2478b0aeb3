"""What the oblique picture's two writers share: its set-up and what it draws.

The raster renderer (:class:`convviz.draw.oblique.ConvRenderer`) and the SVG
writer (:class:`convviz.draw.oblique_svg.ObliqueSvg`) draw the same picture of
a :class:`~convviz.look.scene.Scene`; both are an :class:`ObliquePicture`,
which resolves the theme, checks the scale, lays the picture out
(:mod:`convviz.draw.oblique_layout`), prepares the output planes that hide the
projection lines, names the poster frame (the middle one) and says, in layout
px, what the static picture and each frame hold. Each writer turns that into
its own marks (Agg paths, SVG path data) in the same order.

Plain geometry, no matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.core.spec import CellKind
from convviz.draw.oblique_clip import inward_edges
from convviz.draw.oblique_frame import frame_geometry, muted_planes
from convviz.draw.oblique_layout import SHEET_STEP, _Layout, _layout, _Plane
from convviz.draw.oblique_palette import _sheet_fills
from convviz.errors import SpecError
from convviz.look.scene import OUTPUT_PADDING, Scene
from convviz.look.themes import Theme, check_scale, get_theme

__all__ = ["CELL_LOOKS", "CanvasPlane", "ObliquePicture"]

#: the look of a canvas cell that holds no input, by its kind: its name (the SVG
#: class is ``cv-`` + name) and the Theme field of its fill
CELL_LOOKS: dict[int, tuple[str, str]] = {
    CellKind.PADDING: ("pad", "padding_fill"),
    CellKind.ZERO: ("zero", "zero_fill"),
    OUTPUT_PADDING: ("opad", "output_padding_fill"),
}


@dataclass(frozen=True)
class CanvasPlane:
    """One input plane of the static picture.

    ``fills``: the cells holding no input (padding, inserted zeros, output padding)
    that are filled, as (fill colour, look name, [row, col] cells) groups in drawing
    order (by colour, then name; the cells of a group in row-major order), empty
    when none is; ``mask`` of each group over ``others``. ``others``: every cell
    holding no input ([row, col], row-major: the plane gets a dashed grid when there
    is one); ``inputs``: the cells holding input.
    """

    plane: _Plane
    others: np.ndarray
    fills: tuple[tuple[str, str, np.ndarray], ...]
    inputs: np.ndarray


class ObliquePicture:
    """The oblique picture of ``scene`` in ``theme`` at ``scale``: the set-up its
    writers share.

    ``theme``: a name in ``themes.THEMES`` or a Theme; ``scale``: pixel scale factor
    (1 = the originals' 150 dpi). Attributes: ``scene``, ``theme`` (the Theme),
    ``scale`` (a float), ``layout``, ``size`` ((width, height) px), ``frame_count``,
    ``caption`` and ``poster_frame`` (the middle frame: frame_count // 2).
    """

    def __init__(self, scene: Scene, theme: str | Theme, scale: float):
        if not isinstance(scene, Scene):
            raise SpecError(f"scene must be a convviz.look.scene.Scene, got {type(scene).__name__}")
        self.scene = scene
        self.theme = get_theme(theme)
        self.scale = check_scale(scale)
        self.layout: _Layout = _layout(scene, self.theme, self.scale)
        self.frame_count: int = scene.frame_count
        self.size: tuple[int, int] = (self.layout.width, self.layout.height)
        self.caption: str = scene.caption
        self.poster_frame: int = self.frame_count // 2  # the still shown by default
        # the output planes, which hide the projection lines (prepared once)
        self._hiders = [inward_edges(p.outline_extent()) for p in self.layout.outputs]

    # -- the static picture ----------------------------------------------------------
    def sheets(self) -> list[tuple[np.ndarray, str]]:
        """The channel sheets behind the planes (multi-channel specs, text themes):
        (corners (4, 2), fill colour) in drawing order, the farthest first."""
        lay = self.layout
        fills_in, fills_out = _sheet_fills(self.scene, self.theme)
        out = []
        for planes, count, fills in ((lay.inputs, lay.ghost_in, fills_in),
                                     (lay.outputs, lay.ghost_out, fills_out)):
            for plane in planes:
                for j in range(count, 0, -1):
                    out.append((plane.outline_extent() - (0.0, j * SHEET_STEP), fills[j]))
        return out

    def canvas_planes(self) -> list[CanvasPlane]:
        """Every input plane's cells by what they hold (:class:`CanvasPlane`)."""
        lay, th, sc = self.layout, self.theme, self.scene
        kind = sc.canvas_kind if sc.cell_look is None else sc.cell_look
        out = []
        for z, plane in enumerate(lay.inputs):
            plane_kind = kind[z] if sc.ndim == 3 else kind.reshape(plane.rows, plane.cols)
            others = np.argwhere(plane_kind != CellKind.INPUT)
            looks = [CELL_LOOKS[int(plane_kind[tuple(p)])] for p in others]
            fills = [(getattr(th, field), name) for name, field in looks]
            groups = []
            if len(others) and (lay.ghost_in or any(f != th.background for f, _ in fills)):
                for look in sorted(set(fills)):
                    mask = np.array([f == look for f in fills])
                    groups.append((look[0], look[1], mask))
            out.append(CanvasPlane(plane, others, tuple(groups),
                                   np.argwhere(plane_kind == CellKind.INPUT)))
        return out

    def output_cells(self) -> list[np.ndarray]:
        """Every cell of every output plane: polygons (n, 4, 2) per plane."""
        return [plane.cells(np.argwhere(np.ones((plane.rows, plane.cols), bool)))
                for plane in self.layout.outputs]

    def caption_lines(self) -> list[tuple[str, float, float, bool]]:
        """The caption's lines: (text, x, y, bold) each, layout px (x, y: the line's
        centre); the first line is bold when the scene has a title."""
        return [(text, x, y, bool(self.scene.title) and i == 0)
                for i, (text, x, y) in enumerate(self.layout.caption)]

    # -- per frame -------------------------------------------------------------------
    def _frame_geometry(self, n: int) -> tuple[list, list, list, list]:
        """Shadow polygons, extent grid segments, projection lines, highlight polygon
        (:func:`~convviz.draw.oblique_frame.frame_geometry`)."""
        return frame_geometry(self.scene, self.layout, self._hiders, n)

    def _muted(self, n: int) -> list:
        """The input channel cells frame ``n`` leaves muted
        (:func:`~convviz.draw.oblique_frame.muted_planes`)."""
        return muted_planes(self.scene, self.layout, n)

    def tap_marks(self, n: int, shadow: list) -> list[tuple[int, Any, Any]]:
        """Text themes: the weight tap of every window position of frame ``n`` and
        where it is written (the centre of its cell of ``shadow``, layout px):
        (tap, x, y) each (``scene.frames[n].weight_index``, repeated per lit input
        channel plane); none in other themes."""
        f = self.scene.frames[n]
        taps = len(f.weight_index)
        if not (self.theme.show_labels and taps and len(shadow) % taps == 0):
            return []
        marks = []
        for poly, w in zip(shadow, f.weight_index.tolist() * (len(shadow) // taps)):
            x, y = np.asarray(poly, float).mean(0)
            marks.append((w, x, y))
        return marks

    def note(self, n: int) -> tuple[str, float, float] | None:
        """The bias-only note (text, x, y) when frame ``n`` shows it, else None."""
        note = self.layout.note
        return note if note is not None and self.scene.frames[n].bias_only else None
