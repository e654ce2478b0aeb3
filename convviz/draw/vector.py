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
- figure-based sources (the flat renderers, the diagrams): frame ``n``'s
  artists are set up by drawing the raster frame, then the whole figure is
  drawn onto the vector renderer. On an SVG renderer, an artist whose look
  has not changed since an earlier frame of the same document (a diagram's
  static picture, a flat renderer's cell in the same look), and a path drawn
  before with the same shape, transform, colours and line, are written again
  from the SVG writer calls noted the first time: the same bytes, without
  drawing them again.

Importing this module does not import matplotlib.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import numpy as np

from convviz.errors import SpecError

__all__ = ["draw_frame", "draw_static", "supports_vector", "vector_renderer_class"]

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
            key = _path_key(gc, path, transform, rgbFace) if isinstance(tap, _WriterTap) \
                else None
            if key is None:
                super().draw_path(self._scaled_gc(gc), path, transform, rgbFace)
                return
            assert isinstance(tap, _WriterTap)
            events = tap.paths.get(key)
            if events is None:  # drawn once, its writer calls noted
                outer, tap.events = tap.events, []
                try:
                    super().draw_path(self._scaled_gc(gc), path, transform, rgbFace)
                    events = tap.paths[key] = tap.events
                finally:
                    tap.events = outer
                if outer is not None:
                    outer.extend(events)
                return
            for name, args, kwargs in events:  # (noted again if an artist is recorded)
                tap.call(name, args, kwargs)

        def draw_path_collection(self, gc: Any, master_transform: Any, paths: Any,
                                 all_transforms: Any, offsets: Any, offset_trans: Any,
                                 facecolors: Any, edgecolors: Any, linewidths: Any,
                                 linestyles: Any, antialiaseds: Any, urls: Any,
                                 offset_position: Any, **kwargs: Any) -> None:
            # the generic one: each path through draw_path (which scales)
            from matplotlib.backend_bases import RendererBase

            RendererBase.draw_path_collection(
                self, gc, as_transform(master_transform), paths, all_transforms, offsets,
                as_transform(offset_trans), facecolors, edgecolors, linewidths, linestyles,
                antialiaseds, _urls(urls), offset_position, **kwargs)

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
            return super().get_text_width_height_descent(s, self._scaled_prop(prop), ismath)

        def open_group(self, s: str, gid: Any = None) -> None:
            with _logged(self, "open_group", (s, gid)):
                super().open_group(s, gid)

        def close_group(self, s: str) -> None:
            with _logged(self, "close_group", (s,)):
                super().close_group(s)

    _CLASSES[kind] = PixelVectorRenderer
    return PixelVectorRenderer


def _urls(urls: Any) -> Any:
    """A collection's link targets (the generic collection drawing needs a list)."""
    return [None] if urls is None else urls


class _WriterTap:
    """Stands in for an SVG renderer's ``writer``: passes every call on, and while an
    artist is recorded (``events`` a list) notes it, so that the artist's output can be
    written again by the same calls (:func:`_replay`): the same bytes, by construction."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.events: list[tuple[str, tuple[Any, ...], dict[str, Any]]] | None = None
        self.memo: dict[Any, list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = {}
        self.paths: dict[Any, list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = {}
        self.animated: dict[int, list[Any]] = {}  # figure id -> its animated artists

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.events is not None:
            self.events.append((name, args, kwargs))
        return getattr(self.writer, name)(*args, **kwargs)

    def start(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("start", args, kwargs)

    def end(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("end", args, kwargs)

    def element(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("element", args, kwargs)

    def data(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("data", args, kwargs)

    def comment(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("comment", args, kwargs)

    def close(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("close", args, kwargs)

    def flush(self) -> Any:
        return self.writer.flush()


def _path_key(gc: Any, path: Any, transform: Any, rgbFace: Any) -> Any:
    """Everything an SVG renderer's ``draw_path`` writes depends on (None when that is not
    simple to tell: a hatch, a clip path, a sketch, a transform that is not affine)."""
    from matplotlib.transforms import Affine2DBase

    if (gc.get_hatch() is not None or gc.get_clip_path()[0] is not None
            or gc.get_sketch_params() is not None or not isinstance(transform, Affine2DBase)):
        return None
    offset, dashes = gc.get_dashes()
    clip = gc.get_clip_rectangle()
    codes = path.codes
    return (path.vertices.tobytes(), path.vertices.shape,
            None if codes is None else codes.tobytes(), path.should_simplify,
            path.simplify_threshold, transform.get_matrix().tobytes(),
            None if rgbFace is None else tuple(np.asarray(rgbFace, dtype=float).ravel()),
            tuple(gc.get_rgb()), gc.get_linewidth(), gc.get_alpha(), gc.get_forced_alpha(),
            offset, None if dashes is None else tuple(dashes), gc.get_joinstyle(),
            gc.get_capstyle(), None if clip is None else tuple(clip.bounds), gc.get_url())


@contextlib.contextmanager
def _logged(renderer: Any, name: str, args: tuple[Any, ...]) -> Iterator[None]:
    """Notes a renderer's group call as one event while an artist is recorded (the group's
    number is counted again when it is replayed); the writer calls inside it are not noted."""
    tap = getattr(renderer, "writer", None)  # (a PDF renderer has none)
    if not isinstance(tap, _WriterTap) or tap.events is None:
        yield
        return
    events = tap.events
    events.append((name, args, {}))
    tap.events = None
    try:
        yield
    finally:
        tap.events = events


def _replay(renderer: Any, tap: _WriterTap,
            events: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> None:
    for name, args, kwargs in events:
        if name in ("open_group", "close_group"):
            getattr(renderer, name)(*args)
        else:
            getattr(tap.writer, name)(*args, **kwargs)


def _memo_keys(source: Any, fig: Any, dynamic: list[Any]) -> list[tuple[Any, Any]]:
    """(artist, a function giving the key of what it draws now) for the artists of
    ``fig`` whose SVG output is decided by that key alone.

    The flat renderers: each rectangle and text by its look (what the renderers change
    between frames, :func:`convviz.draw.flat_base._look`); the diagrams: every artist
    not marked as changing (their static picture, the same in every frame).
    """
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.text import Text

    found = [fig.patch, *fig.texts, *fig.patches, *fig.lines, *fig.artists]
    for ax in fig.axes:
        found += ax.get_children()
    # each once, and none whose drawing is already replaced
    drawn = [a for a in {id(a): a for a in found}.values() if "draw" not in vars(a)]
    keys: list[tuple[Any, Any]] = []
    if getattr(source, "fig", None) is fig:  # a diagram: what is not dynamic is static
        changing = {id(a) for a in dynamic}
        for artist in drawn:
            if id(artist) not in changing and isinstance(artist, (Patch, Text, Line2D,
                                                                  Collection)):
                keys.append((artist, functools.partial(_static_key, artist)))
    else:
        from convviz.draw.flat_base import _look

        for artist in drawn:
            if isinstance(artist, (Rectangle, Text)):
                keys.append((artist, functools.partial(_look_key, _look, artist)))
    return keys


def _static_key(artist: Any) -> Any:
    return id(artist)


def _look_key(look: Any, artist: Any) -> Any:
    return (id(artist), look(artist))


def _draw_memoised(fig: Any, renderer: Any, keys: list[tuple[Any, Any]]) -> None:
    """``fig.draw(renderer)``, each artist of ``keys`` drawn once per key into this
    renderer's document, then written again from its recorded writer calls."""
    tap = getattr(renderer, "writer", None)  # (a PDF renderer has none)
    if not isinstance(tap, _WriterTap):
        tap = renderer.writer = _WriterTap(renderer.writer)

    def memoised(artist: Any, key_of: Any) -> Any:
        draw = artist.draw

        def draw_once(r: Any) -> None:
            if r is not renderer or tap.events is not None:
                draw(r)
                return
            key = key_of()
            events = tap.memo.get(key)
            if events is not None:
                _replay(renderer, tap, events)
                return
            tap.events = []
            try:
                draw(r)
                tap.memo[key] = tap.events
            finally:
                tap.events = None

        return draw_once

    for artist, key_of in keys:
        artist.draw = memoised(artist, key_of)
    try:
        fig.draw(renderer)
    finally:
        for artist, _ in keys:
            del artist.draw


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
    source.frame(0)  # builds the figure
    return float(_figure(source).dpi)


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


def draw_static(source: Any, renderer: Any) -> Any:
    """Draw what every frame shares onto ``renderer``; returns a state for :func:`draw_frame`
    (None when each frame is drawn whole)."""
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
    fig = _figure(source)
    if fig is None:
        raise SpecError(f"{type(source).__name__} cannot be drawn as vectors; use .gif or .png")
    from convviz.draw.flat_base import _RC

    tap = getattr(renderer, "writer", None)
    if isinstance(tap, _WriterTap) and id(fig) in tap.animated:  # (a document's later frames)
        animated = tap.animated[id(fig)]
    else:
        animated = [a for a in fig.findobj() if a.get_animated()]
    for artist in animated:
        artist.set_animated(False)
    try:
        with matplotlib.rc_context({**_RC, **VECTOR_RC}):
            if hasattr(renderer, "writer"):  # SVG: what did not change is written again
                _draw_memoised(fig, renderer, _memo_keys(source, fig, animated))
                renderer.writer.animated[id(fig)] = animated
            else:
                fig.draw(renderer)
    finally:
        for artist in animated:
            artist.set_animated(True)
    return raster  # type: ignore[no-any-return]
