"""What an SVG renderer writes again instead of drawing it again (:mod:`convviz.draw.vector`).

matplotlib's SVG renderer writes through an XML writer; :class:`WriterTap` stands in
for it and notes the writer calls of whatever is drawn while it records. What was drawn
before in the same look is then written again by the same calls — the same bytes, by
construction, without drawing it:

- a path (:func:`path_key`: its shape, transform, colours and line);
- a collection (:func:`collection_key`: everything matplotlib's generic
  ``draw_path_collection`` draws from), and each of its paths (:func:`draw_items` draws
  them one by one as that function does, with the same graphics-context states);
- a flat renderer's artist in a look it had before (:func:`draw_flat`);

each by :func:`once`, which notes what a drawing writes under its key (a group the
renderer opens as one call, so that its number is counted again) and writes it again —
as the text it wrote, where the writer stands as it did then. A text's size is measured
once too (:data:`METRICS`: matplotlib keeps it per renderer, and every document is a new
renderer), and a path's style attribute once per look (:data:`STYLES`: a collection's items
drawn at once write what matplotlib's SVG ``draw_path`` writes, made once).
:func:`moved_piece` moves the SVG text an artist wrote to another place (the
gallery's pictures made from pieces, :func:`convviz.encode.vector.svg_frames`).

Importing this module does not import matplotlib.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = ["METRICS", "STYLES", "WriterTap", "collection_key", "draw_flat", "draw_items", "logged",
           "moved_piece", "once", "path_key", "shape_key", "tap", "urls", "write_again"]

#: (kind, text, ismath, font, rc settings) -> the text's (width, height, descent) on a
#: vector renderer
METRICS: dict[tuple[Any, ...], Any] = {}
#: (:func:`style_key`, units per point) -> the style attribute of a path on an SVG renderer
STYLES: dict[tuple[Any, ...], str] = {}


def style_key(gc: Any, rgbFace: Any) -> tuple[Any, ...] | None:
    """Everything of a graphics context and a fill that the style attribute of a path on
    matplotlib's SVG renderer is made from (what its ``_get_style_dict`` reads); None with
    a hatch (a pattern of the document's own: then matplotlib draws the path itself)."""
    if gc.get_hatch() is not None:
        return None
    offset, dashes = gc.get_dashes()
    return (None if rgbFace is None else tuple(float(v) for v in rgbFace),
            gc.get_forced_alpha(), gc.get_alpha(), offset,
            None if dashes is None else tuple(dashes), gc.get_linewidth(),
            tuple(gc.get_rgb()), gc.get_joinstyle(), gc.get_capstyle())


def urls(urls: Any) -> Any:
    """A collection's link targets (the generic collection drawing needs a list)."""
    return [None] if urls is None else urls


class WriterTap:
    """Stands in for an SVG renderer's ``writer``: passes every call on, and while a
    drawing is recorded (``events`` a list) notes it, so that its output can be written
    again by the same calls (:func:`write_again`): the same bytes, by construction.

    ``stream``: the text stream the writer writes to, if known. Then the tap also follows
    the writer's state — how deep its open elements are (relative to when the tap was
    put in), and whether a start tag or text is still pending in it — so that a drawing
    noted where nothing was pending can be written again as its text at once, where the
    writer is in that same state (:func:`once`): the same bytes, without the calls."""

    def __init__(self, writer: Any, stream: Any = None) -> None:
        self.writer = writer
        self.events: list[tuple[str, tuple[Any, ...], dict[str, Any]]] | None = None
        self.paths: dict[Any, list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = {}
        self.texts: dict[Any, tuple[int, str]] = {}  # key -> (depth, text written)
        self.stream = stream
        self.depth: int | None = 0  # None: not known (after close)
        self.pending = False

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.events is not None:
            self.events.append((name, args, kwargs))
        result = getattr(self.writer, name)(*args, **kwargs)
        if self.depth is not None:
            if name == "start":
                self.depth += 1
                self.pending = True
            elif name == "end":
                self.depth -= 1
                self.pending = False
            elif name in ("element", "comment"):
                self.pending = False
            elif name == "data":
                self.pending = True
            elif name == "close":
                self.depth = None
        return result

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

    def settled(self) -> bool:
        """Whether text can be written to the stream now (nothing pending in the writer)."""
        return self.stream is not None and self.depth is not None and not self.pending


def tap(renderer: Any) -> WriterTap:
    """The renderer's writer as a :class:`WriterTap` (put in on first use), following the
    stream the renderer says it writes to (``text_out``), if any."""
    writer = renderer.writer
    if not isinstance(writer, WriterTap):
        writer = renderer.writer = WriterTap(writer, getattr(renderer, "text_out", None))
    return writer


def write_again(renderer: Any, tap: WriterTap,
                events: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> None:
    """Write noted calls again (noted in turn if a drawing is being recorded); a group is
    opened and closed by the renderer, which counts its number again."""
    for name, args, kwargs in events:
        if name in ("open_group", "close_group"):
            getattr(renderer, name)(*args)
        else:
            tap.call(name, args, kwargs)


def once(renderer: Any, tap: WriterTap, key: Any, draw: Callable[[], Any]) -> None:
    """``draw()`` with its writer calls noted under ``key`` (and noted in turn if a
    drawing is being recorded); if noted before, those calls are written again instead —
    or, where the writer is as it was when they were noted and they open no group (whose
    number counts up), the text they wrote."""
    events = tap.paths.get(key)
    if events is not None:
        text = tap.texts.get(key)
        if text is not None and tap.settled() and tap.depth == text[0]:
            tap.stream.write(text[1])
            if tap.events is not None:
                tap.events.extend(events)
        else:
            write_again(renderer, tap, events)
        return
    settled, depth = tap.settled(), tap.depth
    start = tap.stream.tell() if settled else 0
    outer, tap.events = tap.events, []
    try:
        draw()
        events = tap.paths[key] = tap.events
    finally:
        tap.events = outer
    if outer is not None:
        outer.extend(events)
    if (settled and depth is not None and tap.settled() and tap.depth == depth
            and not any(name in ("open_group", "close_group") for name, _, _ in events)):
        end = tap.stream.tell()
        tap.stream.seek(start)
        tap.texts[key] = (depth, tap.stream.read(end - start))
        tap.stream.seek(end)


def path_key(gc: Any, path: Any, transform: Any, rgbFace: Any) -> Any:
    """Everything an SVG renderer's ``draw_path`` writes depends on (None when that is not
    simple to tell: a hatch, a clip path, a sketch, a transform that is not affine)."""
    from matplotlib.transforms import Affine2DBase

    if (gc.get_hatch() is not None or gc.get_clip_path()[0] is not None
            or gc.get_sketch_params() is not None or not isinstance(transform, Affine2DBase)):
        return None
    offset, dashes = gc.get_dashes()
    clip = gc.get_clip_rectangle()
    return (*shape_key(path), transform.get_matrix().tobytes(),
            None if rgbFace is None else tuple(np.asarray(rgbFace, dtype=float).ravel()),
            tuple(gc.get_rgb()), gc.get_linewidth(), gc.get_alpha(), gc.get_forced_alpha(),
            offset, None if dashes is None else tuple(dashes), gc.get_joinstyle(),
            gc.get_capstyle(), None if clip is None else tuple(clip.bounds), gc.get_url())


def draw_items(renderer: Any, gc: Any, master: Any, paths: Any, transforms: Any, offsets: Any,
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
    # each item is looked up here by its own key: drawn, it needs no look-up of its path
    lean = hasattr(renderer, "draw_path_now")  # (which takes a bare matrix too)
    draw_path = renderer.draw_path_now if lean else renderer.draw_path
    base = gc_key(gc)
    matrix = master.get_matrix()
    matrix_key = matrix.tobytes()
    moved = offset_trans.transform(offsets).tolist() if n_offsets else None
    gc0 = renderer.new_gc()
    gc0.copy_properties(gc)
    if n_edges == 0:
        gc0.set_linewidth(0.0)
    width, dashes, colour = gc0.get_linewidth(), gc0.get_dashes(), tuple(gc0.get_rgb())
    # per-item properties as Python values, each computed once (as matplotlib takes them)
    edge_rgba = _rows(edges) or [to_rgba(e) for e in edges]
    face_keys = _rows(faces) or [tuple(np.asarray(fc, dtype=float).ravel()) for fc in faces]
    width_values = [float(w) for w in widths]
    path_keys: dict[int, Any] = {}
    for i in range(max(n_paths, n_offsets)):
        xo, yo = moved[i % n_offsets] if moved is not None else (0.0, 0.0)
        if not (math.isfinite(xo) and math.isfinite(yo)):
            continue
        if n_edges:
            if n_widths:
                width = width_values[i % n_widths]
            if n_styles:
                dashes = styles[i % n_styles]
            ec = edge_rgba[i % n_edges]
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
            path_keys[k] = shape_key(path)
        key = ("item", base, path_keys[k], matrix_key, xo, yo,
               None if fc is None else face_keys[i % n_faces],
               tuple(colour), width, None if dashes is None else (
                   dashes[0], None if dashes[1] is None else tuple(dashes[1])), aa)
        def draw(path: Any = path, offset: tuple[float, float] = (xo, yo), face: Any = fc,
                 line: tuple[Any, ...] = (width, dashes, colour, aa)) -> None:
            gc0.set_linewidth(line[0])
            gc0.set_dashes(*line[1])
            gc0.set_foreground(line[2], isRGBA=True)
            gc0.set_antialiased(line[3])
            transform = matrix.copy()
            if offset[0] != 0 or offset[1] != 0:  # (as Affine2D.translate adds them)
                transform[0, 2] += offset[0]
                transform[1, 2] += offset[1]
            draw_path(gc0, path, transform if lean else Affine2D(transform), face)

        once(renderer, tap, key, draw)
    gc0.restore()
    return True


def _rows(values: Any) -> list[tuple[float, ...]] | None:
    """The rows of an (n, 4) float array of colours in [0, 1] as tuples of floats (what
    ``to_rgba`` gives for each); None for anything else."""
    if (not isinstance(values, np.ndarray) or values.ndim != 2 or values.shape[1] != 4
            or values.dtype.kind != "f" or not len(values)
            or not ((values >= 0) & (values <= 1)).all()):
        return None
    return [tuple(row) for row in values.tolist()]


def shape_key(path: Any) -> tuple[Any, ...]:
    """Everything of a path an SVG renderer's drawing depends on (its vertices, codes and
    simplification)."""
    codes = path.codes
    return (path.vertices.tobytes(), path.vertices.shape,
            None if codes is None else codes.tobytes(), path.should_simplify,
            path.simplify_threshold)


def gc_key(gc: Any) -> Any:
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


def array_key(values: Any) -> Any:
    array = np.asarray(values)
    if array.dtype == object:
        return None
    return array.dtype.str, array.shape, array.tobytes()


def collection_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Everything the generic ``draw_path_collection`` draws from (its arguments and the
    graphics context), or None when that is not simple to tell."""
    from matplotlib.transforms import Affine2DBase

    (gc, master, paths, transforms, offsets, offset_trans, faces, edges, widths, styles,
     antialiased, urls, position) = args
    base = gc_key(gc)
    if (base is None or set(kwargs) - {"hatchcolors"} or not isinstance(master, Affine2DBase)
            or not isinstance(offset_trans, Affine2DBase)):
        return None
    shapes = [shape_key(path) for path in paths]
    hatches = kwargs.get("hatchcolors")  # (matplotlib >= 3.10 passes them)
    parts = [array_key(v) for v in (transforms, offsets, faces, edges, widths, antialiased,
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
def logged(renderer: Any, name: str, args: tuple[Any, ...]) -> Iterator[None]:
    """Notes a renderer's group call as one event while a drawing is recorded (the group's
    number is counted again when it is written again); the writer calls inside it are not
    noted."""
    tap = getattr(renderer, "writer", None)  # (a PDF renderer has none)
    if not isinstance(tap, WriterTap) or tap.events is None:
        yield
        return
    events = tap.events
    events.append((name, args, {}))
    tap.events = None
    try:
        yield
    finally:
        tap.events = events


def draw_flat(flat: Any, renderer: Any) -> None:
    """A flat renderer's frame on an SVG renderer: its artists in the order a full draw
    paints them (:class:`convviz.draw.flat_base.FlatFigure` keeps it, and each artist's
    look as the raster frame just read it), each drawn once per look and then written
    again from its recorded writer calls (the figure and axes themselves add nothing:
    the figure's patch is among the artists, the axes are off)."""
    writer = tap(renderer)
    for artist, look in zip(flat._order, flat._looks):
        once(renderer, writer, ("artist", id(artist), look),
             functools.partial(artist.draw, renderer))


_PATH_DATA = re.compile(r' d="([^"]*)"')
_TRANSLATE = re.compile(r' transform="translate\(([-\d.]+) ([-\d.]+)\)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_STRAIGHT = re.compile(r"[-\d.\sMLz]*")
#: what a piece may hold for :func:`moved_piece` to move it: paths (M, L, z) and texts
#: placed by a translation (no curves, no other positions, no references but clips)
_MOVABLE = re.compile(r'^(?:\s*<(?:g|/g|path|text|/text)\b[^<>]*>[^<>]*)*\s*$')


def _svg_number(value: float) -> str:
    """A number as matplotlib's SVG writes it (six decimals, no trailing zeros)."""
    return f"{value:f}".rstrip("0").rstrip(".")


def moved_piece(piece: str, dx: float, dy: float) -> str | None:
    """The SVG text an artist wrote (``piece``: its group, paths of straight segments and
    texts placed by a translation), as a draw moved by (``dx``, ``dy``) SVG units writes
    it; None if the piece holds anything else (then draw it)."""
    if (not _MOVABLE.match(piece)
            or re.search(r' (?:x|y|points)="', piece)
            or piece.count(' transform="') != len(_TRANSLATE.findall(piece))
            or any(not _STRAIGHT.fullmatch(d) for d in _PATH_DATA.findall(piece))):
        return None

    def path(m: re.Match[str]) -> str:
        numbers = iter(_NUMBER.finditer(m.group(1)))
        out, pos = [], 0
        for x in numbers:
            y = next(numbers)
            out += [m.group(1)[pos:x.start()], _svg_number(float(x.group(0)) + dx),
                    m.group(1)[x.end():y.start()], _svg_number(float(y.group(0)) + dy)]
            pos = y.end()
        return ' d="' + "".join(out) + m.group(1)[pos:] + '"'

    def translate(m: re.Match[str]) -> str:
        x, y = float(m.group(1)) + dx, float(m.group(2)) + dy
        return f' transform="translate({_svg_number(x)} {_svg_number(y)})"'

    return _TRANSLATE.sub(translate, _PATH_DATA.sub(path, piece))
