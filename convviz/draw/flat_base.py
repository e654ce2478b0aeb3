"""The flat renderers' common parts: colours derived from the theme, layout helpers,
and :class:`FlatFigure`, a figure redrawn incrementally.

:mod:`convviz.draw.numbers` (the paper's numerical figures) and
:mod:`convviz.draw.scatter` (the scatter view) build one figure with
matplotlib's object API and change artists' colours, texts and positions per
frame; :class:`FlatFigure` then redraws only the pixel boxes of what changed,
which reproduces a full draw exactly. All drawing goes through
:mod:`convviz.draw.canvas` (public matplotlib API only).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.core.spec import ConvSpec
from convviz.errors import SpecError

__all__ = [
    "NUMBERS_LIMIT",
    "SCATTER_LIMIT",
    "FlatFigure",
    "FlatPalette",
    "RedrawStats",
    "flat_palette",
]

#: numbers mode draws every value: the canvas and output must stay legible
NUMBERS_LIMIT = 13
#: the scatter view draws one frame per input cell
SCATTER_LIMIT = 12

_DPI = 100

# rc settings that would otherwise let a user's matplotlibrc change our pixels
_RC: Any = {
    "path.simplify": False,
    "path.snap": True,
    "text.antialiased": True,
    "patch.antialiased": True,
    "lines.scale_dashes": False,
    "text.hinting": "force_autohint",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.monospace": ["DejaVu Sans Mono"],
    "mathtext.default": "regular",
    "agg.path.chunksize": 0,
}


# -- colours ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FlatPalette:
    """Colours and text switches of the flat renderers: a view of a
    :class:`convviz.look.themes.Theme` (:func:`flat_palette`), no colours of its own."""

    name: str
    background: str
    input: str
    output: str
    stroke: str
    shadow: str
    shadow_alpha: float
    text: str
    muted: str
    on_dark: str  #: text on a dark fill: the theme's text on a dark ground, else white
    labels: bool
    captions: bool
    input_label: str
    output_label: str


def flat_palette(theme: Any = "default") -> FlatPalette:
    """The flat renderers' colours for a theme name or a resolved
    :class:`convviz.look.themes.Theme` (SpecError naming an unknown theme)."""
    if isinstance(theme, FlatPalette):
        return theme
    from convviz.look.themes import get_theme

    th = get_theme(theme)
    dark_ground = _luma(_rgb(th.background)) < 0.5
    return FlatPalette(
        name=th.name,
        background=th.background,
        input=th.input_fill,
        output=th.output_fill,
        stroke=th.stroke,
        shadow=th.shadow,
        shadow_alpha=float(th.shadow_alpha),
        text=th.text,
        muted=th.muted,
        on_dark=th.text if dark_ground else "#ffffff",
        labels=bool(th.show_labels),
        captions=bool(th.show_caption),
        input_label=th.input_label,
        output_label=th.output_label,
    )


def _rgb(colour: Any) -> np.ndarray:
    if not isinstance(colour, str):
        return np.asarray(colour, dtype=float)[:3]
    colour = colour.lstrip("#")
    return np.array([int(colour[i : i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255


def _mix(a: Any, b: Any, t: float) -> tuple[float, float, float]:
    """t of colour a over colour b (t=1: a)."""
    rgb = t * _rgb(a) + (1 - t) * _rgb(b)
    return tuple(float(v) for v in rgb)  # type: ignore[return-value]


def _luma(colour: Any) -> float:
    rgb = _rgb(colour)
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _place_pair(
    ndim: int, u: int, margin: int, label_h: int, first: tuple[int, int], second: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int], int, int]:
    """Top-left corners of two grids (w, h) px — 1-D: stacked and centred, the
    second below; else side by side, centred vertically — and the picture's
    width and the grids' bottom edge."""
    (w1, h1), (w2, h2) = first, second
    top = margin + label_h
    if ndim == 1:
        gap = round(1.0 * u) + label_h
        width = 2 * margin + max(w1, w2)
        one = (margin + (width - 2 * margin - w1) // 2, top)
        two = (margin + (width - 2 * margin - w2) // 2, top + h1 + gap)
        return one, two, width, two[1] + h2
    gap = round(1.2 * u)
    width = 2 * margin + w1 + gap + w2
    body = max(h1, h2)
    return (
        (margin, top + (body - h1) // 2),
        (margin + w1 + gap, top + (body - h2) // 2),
        width,
        top + body,
    )


# -- a small base: one figure, pixel coordinates, y down -------------------------------------------
@dataclasses.dataclass
class RedrawStats:
    """How a :class:`FlatFigure` drew its frames (what tests check the fast path by)."""

    reads: int = 0  #: frames read
    boxes: int = 0  #: dirty boxes redrawn, over all reads
    pixels: int = 0  #: pixels redrawn, over all reads
    last_pixels: int = 0  #: pixels the last read redrew
    calls_recorded: int = 0  #: artists recorded by drawing them (the rest were moved copies)


class FlatFigure:
    """Figure + Agg canvas in pixel units, origin top-left, redrawn incrementally.

    The renderers build the figure once (:meth:`add`, :meth:`text`: artists placed in
    pixels by :attr:`transform`, on the figure itself) and change artists' colours, texts
    and positions per frame; :meth:`read` then redraws only what changed:

    - every artist's drawing in a given look is recorded once as the calls
      it makes on the renderer (paths, and each line of text as an image of
      its glyphs), and replayed from then on — matplotlib's text layout and
      transforms run once per look;
    - the artists whose look changed since the last read mark their old and
      new pixel boxes dirty; each dirty box is cleared (the figure patch)
      and every artist touching it is replayed, in the full draw's order,
      clipped to the box.

    All shapes are axis-aligned and text is pasted as images at whole pixels,
    so a clipped redraw reproduces a full draw (``canvas.draw()``) exactly:
    frame n's pixels never depend on which frames were drawn before it.
    ``stats`` counts what each read redrew.
    """

    def __init__(self, width: int, height: int, background: str) -> None:
        from matplotlib.figure import Figure

        from convviz.draw.canvas import canvas_class

        self.width, self.height = int(width), int(height)
        # a hair over the exact size: Agg truncates width·dpi to an int
        self.figure = Figure(
            figsize=((self.width + 1e-3) / _DPI, (self.height + 1e-3) / _DPI), dpi=_DPI,
            facecolor=background,
        )
        self.canvas = canvas_class()(self.figure)
        self.transform = pixel_transform(self.figure, self.width, self.height)
        self.stats = RedrawStats()
        self._order: list[Any] = []  # figure patch + its rectangles and texts, in draw order
        self._looks: list[Any] = []  # each artist's look at the last read (None: not drawn yet)
        self._boxes = np.zeros((0, 4))  # pixels each artist covers (x0, y0, x1, y1), y up
        self._recorded: dict[tuple[int, Any], tuple[list[tuple[Any, ...]], tuple[int, ...]]] = {}
        self._rgb: np.ndarray | None = None  # the frame as last read, RGB
        # calls of one artist per (shape, look), moved to other artists of that shape and look
        self._shapes: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def points(self, pixels: float) -> float:
        """Font size / line width in points for a length in pixels."""
        return pixels * 72.0 / _DPI

    @property
    def texts(self) -> list[Any]:
        """The picture's Text artists, in the order they were added."""
        from matplotlib.text import Text

        return [a for a in self.figure.artists if isinstance(a, Text)]

    def add(self, artist: Any) -> Any:
        """Put ``artist`` (a Rectangle; its data in pixels) on the picture; returns it.

        On the figure, unclipped: the picture is the whole figure, so there is nothing to
        clip (an axes' clip to its own full-figure box cost about a third of building a
        numbers picture, and drew the same pixels)."""
        artist.set_transform(self.transform)
        return self.figure.add_artist(artist)

    def text(self, x: float, y: float, s: str, **kwargs: Any) -> Any:
        """A Text at (``x``, ``y``) pixels with ``kwargs`` (as ``Axes.text`` makes it:
        left/baseline unless given, never clipped), on the picture."""
        from matplotlib.text import Text

        return self.add(Text(x, y, s, **{"clip_on": False, **kwargs}))

    def shape_of(self, i: int, look: Any) -> tuple[Any, np.ndarray] | None:
        """Artist ``i``'s drawing in ``look`` apart from where it is, and where it is: (a key
        that artists of the same shape and look share, its anchor in display pixels (x, y
        up) relative to the data origin); None if it is drawn in a way not shared."""
        artist = self._order[i]
        if _data_transform(artist) is not self.transform:
            return None
        shape = _shape_key(artist, look)
        if shape is None:
            return None
        return shape, self._lin @ np.array(_anchor(artist))

    def read(self) -> np.ndarray:
        """The frame as the artists now look, (height, width, 3) uint8."""
        from convviz.draw.canvas import pixels, rc_settings

        with rc_settings(_RC):
            if not self._order:
                self._start()
            redrawn = self._redraw_changed()
        buffer = pixels(self._target)
        if buffer.shape[:2] != (self.height, self.width):  # pragma: no cover - guard
            raise RuntimeError(
                f"canvas is {buffer.shape[:2]}, expected {(self.height, self.width)}"
            )
        area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in redrawn)
        self.stats.reads += 1
        self.stats.boxes += len(redrawn)
        self.stats.pixels += area
        self.stats.last_pixels = area
        if self._rgb is None:
            self._rgb = np.ascontiguousarray(buffer[..., :3])
        else:  # copy back only the redrawn boxes (rows from the top)
            for x0, y0, x1, y1 in redrawn:
                rows = slice(self.height - y1, self.height - y0)
                self._rgb[rows, x0:x1] = buffer[rows, x0:x1, :3]
        return self._rgb.copy()

    def full_draw(self) -> np.ndarray:
        """The frame drawn in full by matplotlib (``canvas.draw()``), (height, width, 3)
        uint8 — what :meth:`read` reproduces; the incremental state is left as it was."""
        import matplotlib

        from convviz.draw.canvas import pixels

        with matplotlib.rc_context(_RC):
            self.canvas.draw()
        rgb = np.ascontiguousarray(pixels(self.canvas.get_renderer())[..., :3])
        self._order = []  # the canvas was overwritten: the next read starts afresh
        self._rgb = None
        return rgb

    # -- incremental redraw ---------------------------------------------------------------------
    def _start(self) -> None:
        """The draw order of a full draw: the figure patch, then its artists by zorder."""
        from matplotlib.patches import Rectangle
        from matplotlib.text import Text

        from convviz.draw.canvas import recorder_class

        children = list(self.figure.artists)
        unknown = [a for a in children if not isinstance(a, (Rectangle, Text))]
        if unknown:  # pragma: no cover - the renderers only add rectangles and texts
            raise RuntimeError(f"cannot redraw {unknown[0]!r} incrementally")
        # Figure.draw paints its patch, then its artists sorted by zorder (stable: in the
        # order they were added)
        self._order = [self.figure.patch] + sorted(children, key=lambda a: a.get_zorder())
        self._target = self.canvas.get_renderer()
        self._recorder = recorder_class()(self._target.width, self._target.height,
                                          self._target.dpi)
        self._lin = np.array(self.transform.get_matrix())[:2, :2]
        self._looks = [None] * len(self._order)
        self._boxes = np.zeros((len(self._order), 4))

    def _calls(self, i: int, look: Any) -> tuple[list[tuple[Any, ...]], tuple[int, ...]]:
        """Artist i's drawing calls in this look and the pixel box they cover (recorded once)."""
        key = (i, look)
        found = self._recorded.get(key)
        if found is None:
            artist = self._order[i]
            shape = (
                _shape_key(artist, look) if _data_transform(artist) is self.transform else None
            )
            base = self._shapes.get(shape) if shape is not None else None
            if base is not None:
                found = self._moved(base, artist)
            if found is None:
                calls = self._recorder.record(artist)
                self.stats.calls_recorded += 1
                found = (calls, _calls_box(calls, self.height))
                if shape is not None and shape not in self._shapes:
                    self._shapes[shape] = (_anchor(artist), calls)
            self._recorded[key] = found
        return found

    def _moved(self, base: tuple[Any, ...], artist: Any) -> tuple[Any, ...] | None:
        """An artist's calls from another artist's of the same shape and look, moved.

        Rectangles: the recorded transform moved by the data offset (Agg snaps the
        rectangle to pixels). Texts: the line's image placed where a draw at the
        moved position puts it (rounded to whole pixels), unless that position is
        a rounding tie; then None (the artist is recorded itself).
        """
        (bx, by), calls = base
        x, y = _anchor(artist)
        lin = self._lin
        ddx = lin[0, 0] * (x - bx) + lin[0, 1] * (y - by)  # display offset, y up
        ddy = lin[1, 0] * (x - bx) + lin[1, 1] * (y - by)
        moved: list[tuple[Any, ...]] = []
        for call in calls:
            if call[0] == "path":
                matrix = call[3].copy()
                matrix[0, 2] += ddx
                matrix[1, 2] += ddy
                moved.append((call[0], call[1], call[2], matrix, call[4]))
            elif call[0] == "image":
                kind, gc, image, _left, _bottom, left_f, bottom_f = call
                left_f, bottom_f = left_f + ddx, bottom_f - ddy  # rows grow downwards
                if any(abs(v - math.floor(v) - 0.5) < 1e-6 for v in (left_f, bottom_f)):
                    return None  # a rounding tie: do not guess
                moved.append((kind, gc, image, round(left_f), round(bottom_f) + 1,
                              left_f, bottom_f))
            else:
                return None
        return moved, _calls_box(moved, self.height)

    def _redraw_changed(self) -> list[tuple[int, int, int, int]]:
        """Redraw the boxes of the artists whose look changed; returns the boxes."""
        from matplotlib.transforms import Bbox

        dirty: list[tuple[int, ...]] = []
        for i, artist in enumerate(self._order):
            look = _look(artist)
            if look == self._looks[i]:
                continue
            self._looks[i] = look
            old = tuple(int(v) for v in self._boxes[i])
            new = self._calls(i, look)[1]
            self._boxes[i] = new
            dirty.extend(b for b in (old, new) if b[2] > b[0] and b[3] > b[1])
        boxes = self._boxes
        renderer = self._target
        redrawn = []
        for x0, y0, x1, y1 in _merge_boxes(dirty):
            x0, y0 = max(x0, 0), max(y0, 0)
            x1, y1 = min(x1, self.width), min(y1, self.height)
            if x1 <= x0 or y1 <= y0:
                continue
            redrawn.append((x0, y0, x1, y1))
            clip = Bbox.from_extents(x0, y0, x1, y1)
            hit = np.flatnonzero((boxes[:, 0] < x1) & (boxes[:, 2] > x0)
                                 & (boxes[:, 1] < y1) & (boxes[:, 3] > y0))
            for j in hit.tolist():  # the figure patch (index 0) first: it clears the box
                for call in self._calls(j, self._looks[j])[0]:
                    if call[0] == "path":
                        gc = call[1]
                        gc.set_clip_rectangle(clip)
                        renderer.draw_path(gc, call[2], call[3], call[4])
                    elif call[0] == "image":
                        renderer.paste(call[2], call[3], call[4], clip)
                    else:  # text matplotlib draws itself (rotated, mathematical)
                        gc = call[1]
                        gc.set_clip_rectangle(clip)
                        renderer.draw_text(gc, *call[2:])
        return redrawn


def pixel_transform(figure: Any, width: float, height: float) -> Any:
    """Pixels (x right, y down, 0 … ``width`` and 0 … ``height``) to display: the matrix of
    the data transform of an axes filling ``figure`` with x limits (0, width) and y limits
    (height, 0), built as that one is (from those limits to the figure's box) — without
    the axes, whose ticks alone take ~20 ms to build."""
    from matplotlib.transforms import Bbox, BboxTransformFrom, BboxTransformTo, TransformedBbox

    limits = Bbox([[0.0, float(height)], [float(width), 0.0]])
    return BboxTransformFrom(limits) + BboxTransformTo(
        TransformedBbox(Bbox.unit(), figure.transSubfigure))


def _call_box(call: tuple[Any, ...], height: int) -> tuple[float, float, float, float]:
    """Display pixels (y up) a recorded call may touch, generously."""
    if call[0] == "path":
        gc, path, matrix = call[1], call[2], call[3]
        xy = path.vertices @ matrix[:2, :2].T + matrix[:2, 2]
        pad = 3 + gc.get_linewidth() * _DPI / 72.0  # the stroke, its miter joins, snapping
        return (
            xy[:, 0].min() - pad,
            xy[:, 1].min() - pad,
            xy[:, 0].max() + pad,
            xy[:, 1].max() + pad,
        )
    if call[0] == "image":
        image, left, bottom = call[2], call[3], call[4]
        h, w = image.shape[:2]
        # rows [bottom - h, bottom) from the top
        return (left - 1, height - bottom - 1, left + w + 1, height - bottom + h + 1)
    return (0.0, 0.0, float("inf"), float("inf"))  # stock text: anywhere


def _calls_box(calls: list[tuple[Any, ...]], height: int) -> tuple[int, int, int, int]:
    if not calls:
        return (0, 0, 0, 0)
    boxes = np.array([_call_box(call, height) for call in calls])
    boxes[~np.isfinite(boxes)] = 1 << 30
    return (math.floor(boxes[:, 0].min()), math.floor(boxes[:, 1].min()),
            math.ceil(boxes[:, 2].max()), math.ceil(boxes[:, 3].max()))


def _data_transform(artist: Any) -> Any:
    """The transform from the artist's data to display (for a patch, not its own geometry)."""
    from matplotlib.artist import Artist

    return Artist.get_transform(artist)


def _anchor(artist: Any) -> tuple[float, float]:
    """The data point an artist is placed by (a rectangle's corner, a text's position)."""
    from matplotlib.text import Text

    if isinstance(artist, Text):
        x, y = artist.get_position()
    else:
        x, y = artist.get_x(), artist.get_y()
    return float(x), float(y)


def _shape_key(artist: Any, look: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """What an artist's drawing depends on apart from where it is (None: never shared)."""
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    if isinstance(artist, Text):
        if artist.get_rotation() != 0:
            return None
        where = look[4]
        return ("text", look[:4] + look[5:], artist.get_horizontalalignment(),
                artist.get_verticalalignment(),
                artist.get_fontproperties().copy(), _optional(artist, "get_linespacing"),
                artist.get_clip_on(), artist.get_zorder(), _optional(artist, "get_fontfeatures"),
                _optional(artist, "get_language"), where is None)
    if type(artist) is not Rectangle or artist.get_angle() != 0:
        return None
    w, h = look[4][2:]
    return ("rect", look[:4] + look[5:], w, h, artist.get_joinstyle(), artist.get_capstyle(),
            artist.get_antialiased(), artist.get_hatch(), artist.get_snap(), artist.get_clip_on())


def _optional(artist: Any, getter: str) -> Any:
    """A text property newer matplotlibs have (line spacing 3.9, font features and
    language 3.10); None where it does not exist yet."""
    method = getattr(artist, getter, None)
    return None if method is None else method()


def _look(artist: Any) -> tuple[Any, ...]:
    """Everything the renderers change on an artist between frames (what decides its pixels)."""
    from matplotlib.text import Text

    if isinstance(artist, Text):
        return (artist.get_visible(), artist.get_text(), str(artist.get_color()),
                artist.get_fontweight(), tuple(artist.get_position()), artist.get_alpha(),
                artist.get_fontsize())
    if hasattr(artist, "get_x"):
        where: tuple[float, ...] = (artist.get_x(), artist.get_y(), artist.get_width(),
                                    artist.get_height())
    else:  # the figure patch: never changes
        where = ()
    return (artist.get_visible(), tuple(artist.get_facecolor()), tuple(artist.get_edgecolor()),
            artist.get_alpha(), where, artist.get_linewidth(), artist.get_linestyle(),
            artist.get_fill())


def _merge_boxes(boxes: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Unite overlapping or touching boxes until none overlap (fewer, larger redraws)."""
    merged = [list(b) for b in boxes]
    changed = True
    while changed:
        changed = False
        out: list[list[int]] = []
        for b in merged:
            for m in out:
                if b[0] <= m[2] and m[0] <= b[2] and b[1] <= m[3] and m[1] <= b[3]:
                    m[0], m[1] = min(m[0], b[0]), min(m[1], b[1])
                    m[2], m[3] = max(m[2], b[2]), max(m[3], b[3])
                    changed = True
                    break
            else:
                out.append(b)
        merged = out
    return [tuple(m) for m in merged]


def _in_rc(build: Any) -> Any:
    import matplotlib

    with matplotlib.rc_context(_RC):
        return build()


def _as_2d(shape: tuple[int, ...]) -> tuple[int, int]:
    """Rows and columns a 1-D or 2-D grid is drawn with (1-D: one row)."""
    return (1, shape[0]) if len(shape) == 1 else (shape[0], shape[1])


def _cell2d(index: Sequence[int], ndim: int) -> tuple[int, int]:
    return (0, int(index[0])) if ndim == 1 else (int(index[0]), int(index[1]))


def _check_flat(spec: Any, what: str, limit: int) -> ConvSpec:
    if not isinstance(spec, ConvSpec):
        raise SpecError(f"spec must be a ConvSpec, got {type(spec).__name__}")
    if spec.ndim > 2:
        raise SpecError(
            f"{what} draws 1-D and 2-D convolutions; spec has {spec.ndim} dimensions "
            f"(input_size={spec.input_size})"
        )
    return spec
