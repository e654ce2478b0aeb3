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
#: (kind, text, ismath, font) -> the text's (width, height, descent) on a vector renderer
_METRICS: dict[tuple[Any, ...], Any] = {}

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
            _again(tap, events)

        def draw_path_collection(self, gc: Any, master_transform: Any, paths: Any,
                                 all_transforms: Any, offsets: Any, offset_trans: Any,
                                 facecolors: Any, edgecolors: Any, linewidths: Any,
                                 linestyles: Any, antialiaseds: Any, urls: Any,
                                 offset_position: Any, **kwargs: Any) -> None:
            # the generic one: each path through draw_path (which scales)
            from matplotlib.backend_bases import RendererBase

            args = (gc, as_transform(master_transform), paths, all_transforms, offsets,
                    as_transform(offset_trans), facecolors, edgecolors, linewidths,
                    linestyles, antialiaseds, _urls(urls), offset_position)
            tap = getattr(self, "writer", None)
            key = _collection_key(args, kwargs) if isinstance(tap, _WriterTap) else None
            if key is None:
                RendererBase.draw_path_collection(self, *args, **kwargs)
                return
            assert isinstance(tap, _WriterTap)
            events = tap.paths.get(key)
            if events is None:  # drawn once, its writer calls noted
                outer, tap.events = tap.events, []
                try:
                    if not _items(self, *args, **kwargs):
                        RendererBase.draw_path_collection(self, *args, **kwargs)
                    events = tap.paths[key] = tap.events
                finally:
                    tap.events = outer
                if outer is not None:
                    outer.extend(events)
                return
            _again(tap, events)

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
            key = (kind, s, ismath, hash(scaled), scaled.get_file())
            found = _METRICS.get(key)
            if found is None:
                if len(_METRICS) >= 20_000:  # (a bound for a long session)
                    _METRICS.clear()
                found = _METRICS[key] = super().get_text_width_height_descent(s, scaled,
                                                                              ismath)
            return found

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


def _again(tap: _WriterTap, events: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> None:
    """Write a path's (or a collection's) noted writer calls again (noted in turn if an
    artist is being recorded)."""
    for name, args, kwargs in events:
        tap.call(name, args, kwargs)


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


def _items(renderer: Any, gc: Any, master: Any, paths: Any, transforms: Any, offsets: Any,
           offset_trans: Any, faces: Any, edges: Any, widths: Any, styles: Any,
           antialiased: Any, urls: Any, position: Any, hatchcolors: Any = None) -> bool:
    """Draw a collection's paths one by one as matplotlib's generic
    ``RendererBase.draw_path_collection`` does — the same ``draw_path`` calls with the
    same graphics context states — without its per-item overhead, in the common case
    (one transform for all, no links, no hatch; the caller checked the rest). A path
    drawn before in the same look is written again from its noted writer calls (not
    drawn: its key is found from the item's properties alone). False if not that case.
    """
    from matplotlib.colors import to_rgba
    from matplotlib.transforms import Affine2D

    if len(transforms) or any(u is not None for u in urls) or (
            hatchcolors is not None and len(hatchcolors) and gc.get_hatch() is not None):
        return False
    n_paths, n_offsets = len(paths), len(offsets)
    n_faces, n_edges, n_widths, n_styles, n_aa = (len(faces), len(edges), len(widths),
                                                   len(styles), len(antialiased))
    if (n_faces == 0 and n_edges == 0) or n_paths == 0:
        return True
    tap = renderer.writer
    base = _gc_key(gc)
    matrix = master.get_matrix()
    moved = offset_trans.transform(offsets) if n_offsets else None
    gc0 = renderer.new_gc()
    gc0.copy_properties(gc)
    if n_edges == 0:
        gc0.set_linewidth(0.0)
    width, dashes, colour = gc0.get_linewidth(), gc0.get_dashes(), tuple(gc0.get_rgb())
    path_keys: dict[int, Any] = {}
    for i in range(max(n_paths, n_offsets)):
        xo, yo = (moved[i % n_offsets] if moved is not None else (0.0, 0.0))
        if not (np.isfinite(xo) and np.isfinite(yo)):
            continue
        if n_edges:
            if n_widths:
                width = float(widths[i % n_widths])
            if n_styles:
                dashes = styles[i % n_styles]
            ec = to_rgba(edges[i % n_edges])
            if ec[3] == 0.0:
                width = 0.0
            else:
                colour = ec
        fc = faces[i % n_faces] if n_faces else None
        if fc is not None and len(fc) == 4 and fc[3] == 0:
            fc = None
        aa = bool(antialiased[i % n_aa]) if n_aa else False
        k = i % n_paths
        path = paths[k]
        if k not in path_keys:
            codes = path.codes
            path_keys[k] = (path.vertices.tobytes(), path.vertices.shape,
                            None if codes is None else codes.tobytes(), path.should_simplify,
                            path.simplify_threshold)
        key = ("item", base, path_keys[k], matrix.tobytes(), float(xo), float(yo),
               None if fc is None else tuple(np.asarray(fc, dtype=float).ravel()),
               tuple(colour), width, None if dashes is None else (
                   dashes[0], None if dashes[1] is None else tuple(dashes[1])), aa)
        events = tap.paths.get(key)
        if events is not None:
            _again(tap, events)
            continue
        gc0.set_linewidth(width)
        gc0.set_dashes(*dashes)
        gc0.set_foreground(colour, isRGBA=True)
        gc0.set_antialiased(aa)
        transform = Affine2D(matrix.copy())
        if xo != 0 or yo != 0:
            transform.translate(xo, yo)
        outer, tap.events = tap.events, []
        try:
            renderer.draw_path(gc0, path, transform, fc)
            events = tap.paths[key] = tap.events
        finally:
            tap.events = outer
        if outer is not None:
            outer.extend(events)
    gc0.restore()
    return True


def _gc_key(gc: Any) -> Any:
    """What a graphics context gives an SVG path (None when that is not simple to tell:
    a hatch, a clip path, a sketch)."""
    if (gc.get_hatch() is not None or gc.get_clip_path()[0] is not None
            or gc.get_sketch_params() is not None):
        return None
    offset, dashes = gc.get_dashes()
    clip = gc.get_clip_rectangle()
    return (tuple(gc.get_rgb()), gc.get_linewidth(), gc.get_alpha(), gc.get_forced_alpha(),
            offset, None if dashes is None else tuple(dashes), gc.get_joinstyle(),
            gc.get_capstyle(), None if clip is None else tuple(clip.bounds), gc.get_url(),
            gc.get_antialiased(), gc.get_snap(), gc.get_gid())


def _array_key(values: Any) -> Any:
    array = np.asarray(values)
    if array.dtype == object:
        return None
    return array.dtype.str, array.shape, array.tobytes()


def _collection_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Everything the generic ``draw_path_collection`` draws from (its arguments and the
    graphics context), or None when that is not simple to tell."""
    from matplotlib.transforms import Affine2DBase

    (gc, master, paths, transforms, offsets, offset_trans, faces, edges, widths, styles,
     antialiased, urls, position) = args
    base = _gc_key(gc)
    if (base is None or set(kwargs) - {"hatchcolors"} or not isinstance(master, Affine2DBase)
            or not isinstance(offset_trans, Affine2DBase)):
        return None
    shapes = []
    for path in paths:
        codes = path.codes
        shapes.append((path.vertices.tobytes(), path.vertices.shape,
                       None if codes is None else codes.tobytes(), path.should_simplify,
                       path.simplify_threshold))
    hatches = kwargs.get("hatchcolors")  # (matplotlib >= 3.10 passes them)
    parts = [_array_key(v) for v in (transforms, offsets, faces, edges, widths, antialiased,
                                     () if hatches is None else hatches)]
    if any(p is None for p in parts):
        return None
    try:
        dash_key = tuple((o, None if d is None else tuple(d)) for o, d in styles)
        url_key = tuple(urls)
        hash((dash_key, url_key))
    except TypeError:
        return None
    return ("collection", base, master.get_matrix().tobytes(), tuple(shapes),
            offset_trans.get_matrix().tobytes(), *parts, dash_key, url_key, position)


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


def _draw_flat(flat: Any, renderer: Any) -> None:
    """A flat renderer's frame on an SVG renderer: its artists in the order a full draw
    paints them (:class:`convviz.draw.flat_base.FlatFigure` keeps it, and each artist's
    look as the raster frame just read it), each drawn once per look and then written
    again from its recorded writer calls (the figure and axes themselves add nothing:
    the figure's patch is among the artists, the axes are off)."""
    tap = renderer.writer
    if not isinstance(tap, _WriterTap):
        tap = renderer.writer = _WriterTap(renderer.writer)
    for artist, look in zip(flat._order, flat._looks):
        key = (id(artist), look)
        events = tap.memo.get(key)
        if events is not None:
            _replay(renderer, tap, events)
            continue
        tap.events = []
        try:
            artist.draw(renderer)
            tap.memo[key] = tap.events
        finally:
            tap.events = None


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

        if hasattr(renderer, "writer") and not isinstance(renderer.writer, _WriterTap):
            renderer.writer = _WriterTap(renderer.writer)  # a path drawn again is replayed
        with matplotlib.rc_context({**_RC, **VECTOR_RC}):
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

        with matplotlib.rc_context({**_RC, **VECTOR_RC}):
            for artist in source._dynamic:  # on the static picture, in order, as the raster
                artist.draw(renderer)
        return raster  # type: ignore[no-any-return]
    fig = _figure(source)
    if fig is None:
        raise SpecError(f"{type(source).__name__} cannot be drawn as vectors; use .gif or .png")
    from convviz.draw.flat_base import _RC

    flat = getattr(source, "_fig", None)
    if hasattr(renderer, "writer") and getattr(flat, "_order", None):
        with matplotlib.rc_context({**_RC, **VECTOR_RC}):
            _draw_flat(flat, renderer)
        return raster  # type: ignore[no-any-return]

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
