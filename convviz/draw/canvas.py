"""The one drawing seam: every renderer draws through here, on matplotlib's public API.

The oblique renderer, the flat renderers and the diagrams all rasterise with
matplotlib's Agg backend through the classes and functions below, which use
only public names: :class:`matplotlib.backends.backend_agg.RendererAgg`
(``draw_path``, ``draw_path_collection``, ``draw_image``, ``buffer_rgba``),
:class:`~matplotlib.backends.backend_agg.FigureCanvasAgg` (``get_renderer``),
:class:`~matplotlib.backend_bases.GraphicsContextBase` (its setters),
:class:`matplotlib.path.Path`, and :func:`matplotlib.font_manager.findfont` /
:func:`~matplotlib.font_manager.get_font` with FT2Font's public methods.

Text: a line of plain text is laid out and rasterised by FreeType in one
call (``FT2Font.set_text`` + ``draw_glyphs_to_bitmap``), as matplotlib's Agg
backend did up to 3.9; from 3.10 on matplotlib renders text glyph by glyph
(slower, and with other pixels). Drawing every line ourselves keeps the
pixels the same on every supported matplotlib, and lets a line be laid out
once and reused (:func:`text_line`). The coverage bitmap is composited with
``RendererAgg.draw_image`` (an image of the text colour whose alpha is the
coverage), which blends exactly as Agg's own text drawing does. Rotated,
mathematical or non-antialiased text keeps matplotlib's stock path.

Importing this module does not import matplotlib; the first call does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "TextLine",
    "canvas_class",
    "graphics_context",
    "make_path",
    "pixels",
    "rc_settings",
    "recorder_class",
    "renderer_class",
    "size_blind_fonts",
    "text_line",
]


@contextlib.contextmanager
def rc_settings(settings: Mapping[str, Any]) -> Iterator[None]:
    """matplotlib's rc ``settings`` while drawing: only those that differ are set, and put
    back after (``matplotlib.rc_context`` copies every setting, which costs more than a
    frame's drawing of a few cells)."""
    import matplotlib

    params: Any = matplotlib.rcParams
    changed = {key: params[key] for key, value in settings.items() if params[key] != value}
    if not changed:
        yield
        return
    params.update({key: settings[key] for key in changed})
    try:
        yield
    finally:
        params.update(changed)


class TextLine(NamedTuple):
    """One line of text laid out and rasterised by FreeType (pixels, y down)."""

    width: float  #: advance width, px
    height: float  #: ascent + descent, px
    descent: float  #: below the baseline, px
    coverage: np.ndarray  #: (h, w) uint8 coverage bitmap
    x_offset: float  #: the bitmap's left edge relative to the text's x, px
    y_offset: float  #: the bitmap's offset relative to the text's y, px


#: lines laid out once, shared by every renderer: (text, font properties, dpi) -> TextLine
_LINES: dict[Any, TextLine] = {}
#: (text, font properties, dpi, rgba) -> the RGBA image draw_image composites
_IMAGES: dict[Any, np.ndarray] = {}
_CACHE_LIMIT = 20_000
_CLASSES: dict[str, type] = {}
_GCS: dict[Any, Any] = {}


def text_line(s: str, prop: Any, dpi: float) -> TextLine:
    """The layout and coverage bitmap of one line of plain text (cached).

    ``prop``: a :class:`matplotlib.font_manager.FontProperties`. The metrics
    are those matplotlib lays text out with (the same ``set_text``).
    """
    import matplotlib

    rc = matplotlib.rcParams
    # the rc settings that change a line's layout or glyphs are part of its key
    key = (s, prop.copy(), float(dpi), rc["text.hinting"], rc["text.hinting_factor"],
           rc["text.kerning_factor"])
    line = _LINES.get(key)
    if line is None:
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.font_manager import findfont, get_font

        if len(_LINES) > _CACHE_LIMIT:
            _LINES.clear()
            _IMAGES.clear()
        font = get_font(_font_files(prop, findfont))
        font.clear()
        font.set_size(prop.get_size_in_points(), dpi)
        font.set_text(s, 0.0, flags=get_hinting_flag())
        w, h = font.get_width_height()  # 1/64 px
        d = font.get_descent()
        font.draw_glyphs_to_bitmap(antialiased=True)
        xo, yo = font.get_bitmap_offset()
        line = _LINES[key] = TextLine(w / 64.0, h / 64.0, d / 64.0, np.array(font.get_image()),
                                      xo / 64.0, yo / 64.0)
    return line


#: the size font look-ups are made at once :func:`size_blind_fonts` is on
_LOOKUP_SIZE = 10.0


def size_blind_fonts() -> bool:
    """Make matplotlib's font look-up ignore the size asked for, in this process; returns
    whether it does. For a process of convviz's own (a gallery worker), not a user's.

    ``FontManager.findfont`` picks among fonts by family, style, weight and stretch; by
    size only among fixed-size fonts, of which matplotlib lists none (every font it finds
    is scalable: that score is 0 for all). Its cache keys on the whole request, size too,
    so a picture whose labels have many sizes scores every installed font again for each
    (~1 ms each with the CJK fonts). Asked at one size, the same answers come from ~1/6
    of the look-ups. Left as it is if any listed font has a fixed size.
    """
    from matplotlib import font_manager

    manager: Any = font_manager.fontManager
    if getattr(manager, "_convviz_size_blind", False):
        return True
    if any(entry.size != "scalable" for entry in [*manager.ttflist, *manager.afmlist]):
        return False
    find = manager.findfont

    def findfont(prop: Any, fontext: str = "ttf", directory: Any = None,
                 fallback_to_default: bool = True, rebuild_if_missing: bool = True) -> Any:
        if isinstance(prop, font_manager.FontProperties) and prop.get_size() != _LOOKUP_SIZE:
            prop = prop.copy()
            prop.set_size(_LOOKUP_SIZE)
        return find(prop, fontext, directory, fallback_to_default, rebuild_if_missing)

    manager.findfont = findfont  # (the instance's: FontManager's own methods call it)
    manager._convviz_size_blind = True
    return True


def _font_files(prop: Any, findfont: Any) -> Any:
    """The font file of ``prop``, or for a list of families (a Chinese picture's Latin
    font, then CJK fonts) the files of those installed, in order: FreeType falls back
    along them for glyphs the first lacks."""
    families = prop.get_family()
    if len(families) == 1:
        return findfont(prop)
    files: list[str] = []
    for family in families:
        one = prop.copy()
        one.set_family(family)
        try:
            found = findfont(one, fallback_to_default=False)
        except ValueError:
            continue
        if found not in files:
            files.append(found)
    return files or findfont(prop)


def _mult(a: int, cover: np.ndarray) -> np.ndarray:
    """Agg's rounded 8-bit product a·cover/255 (what it scales a text colour's alpha by)."""
    t = a * cover.astype(np.uint32) + 128
    return (((t >> 8) + t) >> 8).astype(np.uint8)


def _text_image(s: str, prop: Any, dpi: float, rgba: tuple[float, ...]) -> np.ndarray:
    """(h, w, 4) uint8: the colour ``rgba`` with the line's coverage (times its alpha) as alpha."""
    coverage = text_line(s, prop, dpi).coverage
    key = (id(coverage), rgba)  # the line's bitmap (kept alive by _LINES) in this colour
    image = _IMAGES.get(key)
    if image is None:
        image = np.empty(coverage.shape + (4,), dtype=np.uint8)
        # Agg turns a float colour into 8 bits by rounding half up
        image[..., :3] = [int(c * 255 + 0.5) for c in rgba[:3]]
        alpha = int(rgba[3] * 255 + 0.5)
        image[..., 3] = coverage if alpha == 255 else _mult(alpha, coverage)
        _IMAGES[key] = image
    return image


def graphics_context(*, antialiased: bool = True, joinstyle: Any = "miter",
                     capstyle: Any = "butt", snap: bool | None = None) -> Any:
    """A shared :class:`~matplotlib.backend_bases.GraphicsContextBase` for drawing
    shapes straight onto a renderer: no stroke of its own (stroke widths and colours
    go with each call), no clipping, no dashes. Do not modify it."""
    key = (bool(antialiased), joinstyle, capstyle, snap)
    gc = _GCS.get(key)
    if gc is None:
        from matplotlib.backend_bases import GraphicsContextBase

        gc = GraphicsContextBase()
        gc.set_antialiased(antialiased)
        gc.set_joinstyle(joinstyle)
        gc.set_capstyle(capstyle)
        gc.set_snap(snap)
        gc.set_linewidth(0.0)
        gc.set_dashes(0, None)
        # no set_alpha: it would force every colour's own alpha (translucent shadows) to it
        _GCS[key] = gc
    return gc


def make_path(vertices: np.ndarray, codes: np.ndarray | None) -> Any:
    """A :class:`matplotlib.path.Path` that is never simplified (``path.simplify: False``)."""
    from matplotlib.path import Path

    path = Path(vertices, codes)
    path.should_simplify = False
    return path


def pixels(renderer: Any) -> np.ndarray:
    """The renderer's canvas as a writable (height, width, 4) uint8 RGBA view."""
    return np.asarray(renderer.buffer_rgba())


def renderer_class() -> type:
    """A :class:`~matplotlib.backends.backend_agg.RendererAgg` whose plain text is
    drawn a whole line at a time (:func:`text_line`); see the module docstring."""
    if "renderer" in _CLASSES:
        return _CLASSES["renderer"]
    from matplotlib.backends.backend_agg import RendererAgg

    class LineRenderer(RendererAgg):
        #: how many lines of text were drawn by the whole-line path / the stock path
        lines_drawn = 0
        stock_texts_drawn = 0

        def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> Any:
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            return text_line(s, prop, self.dpi)[:3]

        def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                      ismath: Any = False, mtext: Any = None) -> None:
            if ismath or angle or not gc.get_antialiased():
                self.stock_texts_drawn += 1
                return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            line = text_line(s, prop, self.dpi)
            left = round(x + line.x_offset)
            bottom = round(y + line.y_offset + line.descent) + 1
            rgba = gc.get_rgb()
            if len(rgba) == 3 or gc.get_forced_alpha():
                rgba = (*rgba[:3], gc.get_alpha())
            image = _text_image(s, prop, self.dpi, tuple(float(c) for c in rgba))
            self.paste(image, left, bottom, gc.get_clip_rectangle())
            self.lines_drawn += 1
            return None

        def paste(self, image: np.ndarray, left: int, bottom: int, clip: Any = None) -> None:
            """Composite an RGBA image whose bottom-left pixel is at column ``left``,
            row ``bottom - 1`` (rows from the top), cut to the canvas and to ``clip``
            (a display Bbox, y up, rounded to whole pixels) first."""
            h, w = image.shape[:2]
            x0, x1 = left, left + w
            y0, y1 = bottom - h, bottom
            cx0, cy0, cx1, cy1 = 0, 0, int(self.width), int(self.height)
            if clip is not None:
                bx0, by0, bx1, by1 = clip.extents
                cx0, cx1 = max(cx0, round(bx0)), min(cx1, round(bx1))
                cy0, cy1 = max(cy0, round(self.height - by1)), min(cy1, round(self.height - by0))
            ix0, ix1, iy0, iy1 = max(x0, cx0), min(x1, cx1), max(y0, cy0), min(y1, cy1)
            if ix1 <= ix0 or iy1 <= iy0:
                return
            # draw_image reads the image's rows bottom-up; its (x, y) is the image's
            # bottom-left corner in display pixels (y up)
            part = np.ascontiguousarray(
                image[iy1 - y0 - 1 : (iy0 - y0 - 1 if iy0 > y0 else None) : -1, ix0 - x0 : ix1 - x0]
            )
            self.draw_image(graphics_context(), ix0, int(self.height) - iy1, part)

    _CLASSES["renderer"] = LineRenderer
    return LineRenderer


def canvas_class() -> type:
    """A :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg` drawing with
    :func:`renderer_class` (one renderer per size and dpi, as the stock canvas keeps)."""
    if "canvas" in _CLASSES:
        return _CLASSES["canvas"]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    line_renderer = renderer_class()

    class LineCanvas(FigureCanvasAgg):
        renderer_key: Any = None

        def get_renderer(self) -> Any:
            w, h = self.get_width_height(physical=True)
            key = (w, h, self.figure.dpi)
            if self.renderer_key != key:
                self.renderer = line_renderer(w, h, self.figure.dpi)
                self.renderer_key = key
            return self.renderer

    _CLASSES["canvas"] = LineCanvas
    return LineCanvas



def recorder_class() -> type:
    """A renderer that keeps the calls an artist makes instead of drawing them.

    ``record(artist)`` returns the artist's drawing as a list of calls to replay
    on a :func:`renderer_class` renderer of the same size and dpi:
    ``("path", gc, path, matrix, face)`` for ``draw_path``; ``("image", gc,
    rgba, left, bottom, left_exact, bottom_exact)`` for a line of plain text
    (``paste`` it; the exact position before rounding lets it be moved);
    ``("text", gc, x, y, s, prop, angle, ismath, mtext)`` for text matplotlib
    draws itself. Any other drawing call raises RuntimeError.
    """
    if "recorder" in _CLASSES:
        return _CLASSES["recorder"]
    line_renderer = renderer_class()

    def gc_copy(gc: Any) -> Any:
        from matplotlib.backend_bases import GraphicsContextBase

        copy = GraphicsContextBase()
        copy.copy_properties(gc)
        return copy

    class Recorder(line_renderer):  # type: ignore[misc, valid-type]
        calls: list[tuple[Any, ...]]

        def record(self, artist: Any) -> list[tuple[Any, ...]]:
            self.calls = []
            artist.draw(self)
            calls, self.calls = self.calls, []
            return calls

        def draw_path(self, gc: Any, path: Any, transform: Any, rgbFace: Any = None) -> None:
            matrix = np.array(transform.get_matrix() if hasattr(transform, "get_matrix")
                              else transform, dtype=float)
            face = None if rgbFace is None else tuple(rgbFace)
            self.calls.append(("path", gc_copy(gc), path, matrix, face))

        def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                      ismath: Any = False, mtext: Any = None) -> None:
            if ismath or angle or not gc.get_antialiased():
                self.calls.append(("text", gc_copy(gc), x, y, s, prop.copy(), angle, ismath,
                                   mtext))
                return
            rgba = gc.get_rgb()
            if len(rgba) == 3 or gc.get_forced_alpha():
                rgba = (*rgba[:3], gc.get_alpha())
            image = _text_image(s, prop, self.dpi, tuple(float(c) for c in rgba))
            line = text_line(s, prop, self.dpi)
            left_f, bottom_f = x + line.x_offset, y + line.y_offset + line.descent
            self.calls.append(("image", gc_copy(gc), image, round(left_f), round(bottom_f) + 1,
                               left_f, bottom_f))

        def refuse(self, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("the incremental redraw records only paths and text")

        def __init__(self, width: int, height: int, dpi: float) -> None:
            super().__init__(width, height, dpi)
            # (RendererAgg binds these to its Agg core per instance)
            for name in ("draw_markers", "draw_path_collection", "draw_image",
                         "draw_gouraud_triangles", "draw_quad_mesh"):
                setattr(self, name, self.refuse)

    _CLASSES["recorder"] = Recorder
    return Recorder
