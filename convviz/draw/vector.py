"""Vector drawing: the same drawing calls as the pixels, replayed on SVG and PDF renderers.

Every renderer draws through matplotlib's renderer interface (``draw_path``,
``draw_path_collection``, ``draw_text``); :func:`draw_frame` replays frame
``n`` of a frame source onto any :class:`~matplotlib.backend_bases.RendererBase`
made by :func:`vector_renderer_class` (from matplotlib's public
:class:`~matplotlib.backends.backend_svg.RendererSVG` or
:class:`~matplotlib.backends.backend_pdf.RendererPdf`). Shapes stay paths and
text stays text: no picture of the frame is embedded (an image an artist
draws, such as a heat map, stays an image, as in matplotlib's own SVG/PDF).

Units: one unit is one pixel of the raster frame (the source's dpi), so a
vector frame overlays its PNG exactly. Line widths, dashes and font sizes,
which matplotlib gives in points, are scaled by dpi / 72 on the way.

- the oblique renderer (:class:`convviz.draw.oblique.ConvRenderer`): its static
  picture is drawn once (:func:`draw_static`) and each frame draws only what
  moves on top of it, as the raster does;
- figure-based sources: frame ``n``'s artists are set up by drawing the raster
  frame, then drawn onto the vector renderer as the raster was: a diagram's static
  picture once (:func:`draw_static`) and its changing artists on top in each frame;
  a flat renderer's artists in the full draw's order; another figure whole. On an SVG
  renderer, whatever was drawn before in the same look is written again from the
  writer calls noted the first time (:mod:`convviz.draw.vector_memo`): the same bytes,
  without drawing it again.

Importing this module does not import matplotlib.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from convviz.draw import vector_memo as memo
from convviz.draw.canvas import rc_settings
from convviz.errors import SpecError

__all__ = ["draw_frame", "draw_static", "frame_pieces", "supports_vector",
           "vector_renderer_class"]

_CLASSES: dict[str, type] = {}

#: rc settings for vector output: text as text, no random ids, no dates
VECTOR_RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "convviz",
    "svg.id": None,
    "pdf.fonttype": 42,
    "pdf.compression": 6,
}


def vector_renderer_class(kind: str) -> type:
    """A RendererSVG (``kind="svg"``) or RendererPdf (``"pdf"``) in raster-pixel units.

    Construct it with the backend's own arguments, then set ``px_dpi`` to the
    raster's dpi (the factor between points and units is ``px_dpi / 72``).
    """
    if kind in _CLASSES:
        return _CLASSES[kind]
    import matplotlib
    from matplotlib.backend_bases import GraphicsContextBase
    from matplotlib.transforms import Affine2D, Transform

    base: Any
    if kind == "svg":
        from matplotlib.backends.backend_svg import RendererSVG

        base = RendererSVG
    elif kind == "pdf":
        from matplotlib.backends.backend_pdf import RendererPdf

        base = RendererPdf
    else:
        raise SpecError(f"kind must be 'svg' or 'pdf', got {kind!r}")

    def as_transform(t: Any) -> Any:
        return t if isinstance(t, Transform) else Affine2D(np.asarray(t, dtype=float))

    class PixelVectorRenderer(base):  # type: ignore[misc, valid-type]
        px_dpi: float = 72.0
        text_out: Any = None  # the text stream an SVG renderer writes to (vector_memo.tap)

        @property
        def factor(self) -> float:
            return self.px_dpi / 72.0

        def points_to_pixels(self, points: Any) -> Any:
            return points * self.factor

        def _scaled_gc(self, gc: Any) -> Any:
            copy = self.new_gc()
            GraphicsContextBase.copy_properties(copy, gc)
            copy.set_linewidth(gc.get_linewidth() * self.factor)
            offset, dashes = gc.get_dashes()
            if dashes is not None:
                copy.set_dashes((offset or 0.0) * self.factor,
                                [d * self.factor for d in dashes])
            return copy

        def _scaled_prop(self, prop: Any) -> Any:
            copy = prop.copy()
            copy.set_size(prop.get_size_in_points() * self.factor)
            return copy

        def draw_path(self, gc: Any, path: Any, transform: Any, rgbFace: Any = None) -> None:
            transform = as_transform(transform)
            tap = getattr(self, "writer", None)
            key = (memo.path_key(gc, path, transform, rgbFace)
                   if isinstance(tap, memo.WriterTap) else None)
            if key is None:
                self.draw_path_now(gc, path, transform, rgbFace)
                return
            assert isinstance(tap, memo.WriterTap)
            memo.once(self, tap, key, lambda: self.draw_path_now(gc, path, transform, rgbFace))

        def draw_path_now(self, gc: Any, path: Any, transform: Any, rgbFace: Any = None
                          ) -> None:
            """:meth:`draw_path` drawn now (nothing looked up: for a caller that looked
            its drawing up itself, :func:`convviz.draw.vector_memo.draw_items`); ``transform``
            a Transform or its bare 3×3 matrix."""
            style = self._lean_style(gc, rgbFace) if kind == "svg" else None
            if style is None:
                super().draw_path(self._scaled_gc(gc), path, as_transform(transform), rgbFace)
                return
            # what RendererSVG.draw_path writes, but for its style attribute: the same for
            # every path drawn with the same graphics context and fill, so made once; and the
            # flip to SVG's downward y as the matrix matplotlib's transform sum computes
            # (np.dot of the two matrices), without building that sum
            matrix = transform if isinstance(transform, np.ndarray) else transform.get_matrix()
            clip = rgbFace is None
            data = self._convert_path(path, np.dot(self._flip, matrix), clip=clip,
                                      simplify=path.should_simplify and clip, sketch=None)
            self.writer.element("path", d=data, **self._get_clip_attrs(gc), style=style)

        @functools.cached_property
        def _flip(self) -> Any:
            """The matrix matplotlib's ``_make_flip_transform`` adds (pixels, y up, to SVG's
            downward y), made as it makes it."""
            return Affine2D().scale(1, -1).translate(0, self.height).get_matrix()

        def _lean_style(self, gc: Any, rgbFace: Any) -> str | None:
            """The style attribute RendererSVG.draw_path writes for ``gc`` (scaled) and
            ``rgbFace``, made once per look; None where that path does more than write
            one element (a link, a hatch, a sketch)."""
            look = memo.style_key(gc, rgbFace)
            if look is None or gc.get_url() is not None or gc.get_sketch_params() is not None:
                return None
            key = (look, self.factor)
            style = memo.STYLES.get(key)
            if style is None:
                if len(memo.STYLES) >= 20_000:  # (a bound for a long session)
                    memo.STYLES.clear()
                style = memo.STYLES[key] = self._get_style(self._scaled_gc(gc), rgbFace)
            return str(style)

        def draw_path_collection(self, gc: Any, master_transform: Any, paths: Any,
                                 all_transforms: Any, offsets: Any, offset_trans: Any,
                                 facecolors: Any, edgecolors: Any, linewidths: Any,
                                 linestyles: Any, antialiaseds: Any, urls: Any,
                                 offset_position: Any, **kwargs: Any) -> None:
            # the generic one: each path through draw_path (which scales)
            from matplotlib.backend_bases import RendererBase

            args = (gc, as_transform(master_transform), paths, all_transforms, offsets,
                    as_transform(offset_trans), facecolors, edgecolors, linewidths,
                    linestyles, antialiaseds, memo.urls(urls), offset_position)
            tap = getattr(self, "writer", None)
            key = (memo.collection_key(args, kwargs) if isinstance(tap, memo.WriterTap)
                   else None)
            if key is None:
                RendererBase.draw_path_collection(self, *args, **kwargs)
                return
            assert isinstance(tap, memo.WriterTap)

            def draw() -> None:
                if not memo.draw_items(self, *args, **kwargs):
                    RendererBase.draw_path_collection(self, *args, **kwargs)

            memo.once(self, tap, key, draw)

        def draw_markers(self, gc: Any, marker_path: Any, marker_trans: Any, path: Any,
                         trans: Any, rgbFace: Any = None) -> None:
            from matplotlib.backend_bases import RendererBase

            RendererBase.draw_markers(self, gc, marker_path, as_transform(marker_trans), path,
                                      as_transform(trans), rgbFace)

        def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                      ismath: Any = False, mtext: Any = None) -> None:
            super().draw_text(gc, x, y, s, self._scaled_prop(prop), angle, ismath=ismath,
                              mtext=None)

        def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> Any:
            scaled = self._scaled_prop(prop)
            # the font's metrics (matplotlib's own cache holds them per renderer, and a
            # document is a renderer: every SVG would measure its texts again)
            rc = matplotlib.rcParams
            key = (kind, s, ismath, hash(scaled), scaled.get_file(), rc["text.hinting"],
                   rc["text.hinting_factor"], rc["text.kerning_factor"])
            found = memo.METRICS.get(key)
            if found is None:
                if len(memo.METRICS) >= 20_000:  # (a bound for a long session)
                    memo.METRICS.clear()
                found = memo.METRICS[key] = super().get_text_width_height_descent(s, scaled,
                                                                              ismath)
            return found

        def open_group(self, s: str, gid: Any = None) -> None:
            with memo.logged(self, "open_group", (s, gid)):
                super().open_group(s, gid)

        def close_group(self, s: str) -> None:
            with memo.logged(self, "close_group", (s,)):
                super().close_group(s)

    _CLASSES[kind] = PixelVectorRenderer
    return PixelVectorRenderer


def _is_oblique(source: Any) -> bool:
    from convviz.draw.oblique import ConvRenderer

    return isinstance(source, ConvRenderer)


def _figure(source: Any) -> Any:
    """The matplotlib Figure a figure-based source draws (None if it has none)."""
    fig = getattr(source, "fig", None)  # the diagrams
    if fig is not None and hasattr(fig, "draw"):
        return fig
    flat = getattr(source, "_fig", None)  # the flat renderers' FlatFigure
    return getattr(flat, "figure", None)


def supports_vector(source: Any) -> bool:
    """Whether :func:`draw_frame` can draw ``source`` (built-in renderers and diagrams)."""
    return hasattr(source, "draw_vector") or _is_oblique(source) or hasattr(source, "fig") \
        or hasattr(source, "_fig")


def source_dpi(source: Any) -> float:
    """The dpi the source's raster frames are drawn at (units per inch of its pixels)."""
    if _is_oblique(source):
        from convviz.draw.oblique_layout import DPI

        return float(DPI * source.scale)
    fig = _figure(source)
    if fig is None:
        source.frame(0)  # builds the figure (a flat renderer's)
        fig = _figure(source)
    return float(fig.dpi)


class _ObliqueTee:
    """Sends an oblique renderer's drawing to a vector renderer instead of its pixels.

    A twin of the source (same scene, theme and scale) runs its own build and
    per-frame steps; its shape and text drawing calls go to ``target`` (its own
    pixels stay blank: nothing reads them)."""

    def __init__(self, source: Any) -> None:
        from convviz.draw.oblique import ConvRenderer

        twin = ConvRenderer(source.scene, source.theme, source.scale)
        self.twin, self.target = twin, None

        class Side:  # what ConvRenderer's drawing helpers read: _agg, _transform, _collection
            _collection = ConvRenderer._collection
            _cells = ConvRenderer._cells

        side = Side()
        side._transform = None  # type: ignore[attr-defined]
        self.side = side

        def cells(polys: Any, face: Any, edge: Any, width: float) -> None:
            self._sync()
            ConvRenderer._cells(side, polys, face, edge, width)  # type: ignore[arg-type]

        def segments(segs: Any, colour: Any, width: float, cap: str,
                     dashes: tuple[float, Any] = (0.0, None)) -> None:
            self._sync()
            ConvRenderer._segments(side, segs, colour, width, cap, dashes)  # type: ignore[arg-type]

        def draw_text(renderer: Any) -> None:
            ConvRenderer._draw_text(twin, self.target)

        twin._cells = cells  # type: ignore[method-assign]
        twin._segments = segments  # type: ignore[method-assign]
        twin._draw_text = draw_text  # type: ignore[method-assign]

    def _sync(self) -> None:
        self.side._agg = self.target  # type: ignore[attr-defined]
        self.side._transform = self.twin._transform  # type: ignore[attr-defined]


def _layered(source: Any) -> bool:
    """Whether ``source`` is a diagram: a static picture with its changing artists
    (``_dynamic``, matplotlib's *animated* ones) drawn on top of it in every frame."""
    fig = getattr(source, "fig", None)
    return isinstance(getattr(source, "_dynamic", None), list) and hasattr(fig, "draw")


#: draw_static's state for a diagram: its static picture is drawn
_LAYERED = "layered"


def draw_static(source: Any, renderer: Any) -> Any:
    """Draw what every frame shares onto ``renderer``; returns a state for :func:`draw_frame`
    (None when each frame is drawn whole)."""
    if _layered(source):
        import matplotlib

        from convviz.draw.flat_base import _RC

        if hasattr(renderer, "writer"):
            memo.tap(renderer)  # a path drawn again is written again
        with rc_settings({**_RC, **VECTOR_RC}):
            source.fig.draw(renderer)  # (matplotlib leaves the animated artists out)
        return _LAYERED
    if not _is_oblique(source):
        return None
    import matplotlib

    from convviz.draw.canvas import graphics_context, make_path
    from convviz.look.themes import hex_to_rgb

    width, height = source.size
    box = np.array([[0, 0], [width, 0], [width, height], [0, height], [0, 0]], dtype=float)
    background = tuple(c / 255 for c in hex_to_rgb(source.theme.background))
    renderer.draw_path(graphics_context(antialiased=False), make_path(box, None),
                       np.eye(3), background)
    tee = _ObliqueTee(source)
    tee.target = renderer
    with matplotlib.rc_context(VECTOR_RC):
        tee.twin._build()
    tee.twin._fig = True
    return tee


def draw_frame(source: Any, renderer: Any, n: int, state: Any = None) -> np.ndarray | None:
    """Draw frame ``n`` of ``source`` onto ``renderer`` (after :func:`draw_static`'s
    ``state``, which holds the picture every frame shares, for the oblique renderer).

    Returns the raster frame drawn on the way (a figure-based source's ``frame(n)``:
    the same pixels as the source gives), or None when none was drawn.
    """
    import matplotlib

    if hasattr(source, "draw_vector"):
        source.draw_vector(renderer, n)
        return None
    if _is_oblique(source):
        tee = state if state is not None else draw_static(source, renderer)
        tee.target = renderer
        with matplotlib.rc_context(VECTOR_RC):
            tee.twin._draw(n)
        return None
    raster = source.frame(n)  # sets the artists up for frame n
    if _layered(source):
        if state != _LAYERED:
            draw_static(source, renderer)
        from convviz.draw.flat_base import _RC

        with rc_settings({**_RC, **VECTOR_RC}):
            for artist in source._dynamic:  # on the static picture, in order, as the raster
                artist.draw(renderer)
        return raster  # type: ignore[no-any-return]
    fig = _figure(source)
    if fig is None:
        raise SpecError(f"{type(source).__name__} cannot be drawn as vectors; use .gif or .png")
    from convviz.draw.flat_base import _RC

    flat = getattr(source, "_fig", None)
    if hasattr(renderer, "writer") and getattr(flat, "_order", None):
        with rc_settings({**_RC, **VECTOR_RC}):
            memo.draw_flat(flat, renderer)
        return raster  # type: ignore[no-any-return]

    animated = [a for a in fig.findobj() if a.get_animated()]
    for artist in animated:  # (another figure source: each frame drawn whole)
        artist.set_animated(False)
    try:
        with rc_settings({**_RC, **VECTOR_RC}):
            fig.draw(renderer)
    finally:
        for artist in animated:
            artist.set_animated(True)
    return raster  # type: ignore[no-any-return]


def _cut(out: Any, start: int) -> str:
    """What was written to ``out`` (a text stream) since ``start``, taken out of it."""
    out.seek(start)
    text = str(out.read())
    out.seek(start)
    out.truncate()
    return text


def frame_pieces(source: Any, renderer: Any, n: int, state: Any, out: Any,
                 drawn: dict[Any, Any]) -> tuple[np.ndarray | None, list[str]]:
    """Frame ``n`` drawn on an SVG renderer as :func:`draw_frame` draws it, its text taken
    out of ``out`` (the renderer's stream) in pieces: a flat renderer's artists one piece
    each, any other frame one piece. Returns the raster frame drawn on the way and the
    pieces.

    ``drawn``: (artist, look) -> piece, kept by the caller across the frames of one
    document: a flat renderer's artist in a look it had before is not drawn again, its
    piece is the same string. (Written by matplotlib in the full draw's order, each piece
    is what :func:`draw_frame` writes for that artist but for the numbers in matplotlib's
    group ids.) It also holds, under ``("shape", key)``, the first piece drawn of each
    shape and look (:meth:`convviz.draw.flat_base.FlatFigure.shape_of`) and where its
    artist was: another artist of that shape and look is that piece moved.
    """
    from convviz.draw.flat_base import _RC

    flat: Any = getattr(source, "_fig", None)
    if (hasattr(source, "draw_vector") or _is_oblique(source) or _layered(source)
            or not hasattr(flat, "_order")):
        start = out.tell()
        raster = draw_frame(source, renderer, n, state)
        return raster, [_cut(out, start)]
    raster = source.frame(n)  # sets the artists up for frame n (and their looks)
    if hasattr(renderer, "writer"):
        memo.tap(renderer)  # a path drawn again is written again
    pieces = []
    with rc_settings({**_RC, **VECTOR_RC}):
        for i, (artist, look) in enumerate(zip(flat._order, flat._looks)):
            key = (id(artist), look)
            piece = drawn.get(key)
            if piece is None:
                piece = drawn[key] = _flat_piece(flat, i, look, renderer, out, drawn)
            pieces.append(piece)
    return raster, pieces


def _flat_piece(flat: Any, i: int, look: Any, renderer: Any, out: Any,
                drawn: dict[Any, Any]) -> str:
    """A flat renderer's artist ``i`` in ``look`` on an SVG renderer: an artist of the same
    shape and look drawn before, moved (as the raster frames move one artist's drawing to
    another's place), else drawn."""
    shaped = flat.shape_of(i, look)
    if shaped is not None and ("shape", shaped[0]) in drawn:
        where, base = drawn["shape", shaped[0]]
        dx, dy = shaped[1] - where
        moved = memo.moved_piece(base, float(dx), -float(dy))  # (SVG y grows downwards)
        if moved is not None:
            return moved
    start = out.tell()
    flat._order[i].draw(renderer)
    piece = _cut(out, start)
    if shaped is not None:
        drawn.setdefault(("shape", shaped[0]), (shaped[1], piece))
    return piece
