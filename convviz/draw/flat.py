"""Flat (unslanted) frame sources: the paper's numerical figures and the scatter view.

- :class:`NumbersRenderer` — random integer inputs 0–3, kernel weights 0–2
  printed small in a corner of every covered cell, the outputs computed by
  :func:`convviz.apply` (or :func:`convviz.pool`) filled in one per frame,
  the output grid to the right of the input (below it for 1-D). Direct,
  dilated, transposed (the stretched canvas, the flipped kernel) and pooling.
- :class:`ScatterRenderer` — the scatter view of a transposed convolution:
  per frame one input cell paints its kernel-sized patch of the output
  (``spec.scatter_taps``); the output cells count how many patches covered
  them, which exposes the checkerboard when the stride does not divide the
  kernel; a last frame shows the whole count map.

Both are frame sources (``frame_count``, ``size``, ``frame(n)``,
``caption``): the figure is built once with matplotlib's object API; each
frame updates colours, texts and positions and redraws only the pixel boxes
of what changed (Agg blitting of recorded draw calls, see ``_FlatFigure``),
which reproduces a full draw exactly. The numbers behind every picture are public attributes (``x``,
``w``, ``output``, ``output_text``, ``counts``) so tests check the data the
picture is drawn from, not pixels.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.core.engine import apply, canvas_values
from convviz.core.engine import pool as pool_values
from convviz.core.spec import CellKind, ConvSpec
from convviz.errors import SpecError

__all__ = ["NUMBERS_LIMIT", "FlatPalette", "NumbersRenderer", "ScatterRenderer", "flat_palette"]

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
    """Colours and text switches of the flat renderers (a view of a Theme)."""

    name: str
    background: str = "#FFFFFF"
    input: str = "#268BD2"
    output: str = "#2AA198"
    stroke: str = "#002B36"
    shadow: str = "#073642"
    shadow_alpha: float = 0.4
    text: str = "#002B36"
    muted: str = "#93A1A1"
    on_dark: str = "#FFFFFF"
    labels: bool = True
    captions: bool = True
    input_label: str = "input"
    output_label: str = "output"


_PALETTES = {
    "classic": FlatPalette("classic", labels=False, captions=False),
    "default": FlatPalette("default"),
    "dark": FlatPalette(
        "dark", background="#002B36", stroke="#93A1A1", shadow="#FDF6E3", shadow_alpha=0.3,
        text="#EEE8D5", muted="#586E75", on_dark="#FDF6E3",
    ),
    # Okabe–Ito blue and orange: distinguishable with every common colour-vision deficiency
    "colorblind": FlatPalette(
        "colorblind", input="#0072B2", output="#E69F00", stroke="#000000", shadow="#000000",
        shadow_alpha=0.35, text="#000000", muted="#999999",
    ),
}

THEME_NAMES = tuple(_PALETTES)


def flat_palette(theme: Any = "default") -> FlatPalette:
    """The flat renderers' colours for a theme name or a ``convviz.look.themes.Theme``.

    Reads ``convviz.look.themes`` (the one source of theme colours); the built-in
    table is only a fallback for a checkout without that module.
    """
    if isinstance(theme, FlatPalette):
        return theme
    try:
        from convviz.look.themes import get_theme
    except ImportError:  # pragma: no cover - themes.py ships with convviz
        get_theme = None  # type: ignore[assignment]
    if get_theme is None:
        name = theme if isinstance(theme, str) else getattr(theme, "name", None)
        if name not in _PALETTES:
            raise SpecError(f"unknown theme {theme!r}; known themes: {', '.join(_PALETTES)}")
        return _PALETTES[name]
    th = get_theme(theme)  # SpecError naming the theme and the known ones
    base = _PALETTES.get(th.name, _PALETTES["default"])
    background = getattr(th, "background", base.background)
    dark_ground = _luma(_rgb(background)) < 0.5
    text = getattr(th, "text", base.text)
    return FlatPalette(
        name=th.name,
        background=background,
        input=getattr(th, "input_fill", base.input),
        output=getattr(th, "output_fill", base.output),
        stroke=getattr(th, "stroke", base.stroke),
        shadow=getattr(th, "shadow", base.shadow),
        shadow_alpha=float(getattr(th, "shadow_alpha", base.shadow_alpha)),
        text=text,
        muted=getattr(th, "muted", base.muted),
        on_dark=text if dark_ground else "#ffffff",
        labels=bool(getattr(th, "show_labels", base.labels)),
        captions=bool(getattr(th, "show_caption", base.captions)),
        input_label=getattr(th, "input_label", "input"),
        output_label=getattr(th, "output_label", "output"),
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


def _format_value(value: float) -> str:
    """Integers as integers; anything else with one decimal (as the paper prints them)."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.1f}"


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
    return (margin, top + (body - h1) // 2), (margin + w1 + gap, top + (body - h2) // 2), width, top + body


# -- a small base: one figure, pixel coordinates, y down -------------------------------------------
class _FlatFigure:
    """Figure + Agg canvas with an axes in pixel units, origin top-left, redrawn incrementally.

    The renderers build the figure once and change artists' colours, texts
    and positions per frame; :meth:`read` then redraws only what changed:

    - every artist's drawing in a given look is recorded once as the calls
      it makes on the Agg renderer (paths, glyph images), and replayed from
      then on — matplotlib's text layout and transforms run once per look;
    - the artists whose look changed since the last read mark their old and
      new pixel boxes dirty; each dirty box is cleared (the figure patch)
      and every artist touching it is replayed, in the full draw's order,
      clipped to the box (Agg blitting).

    All shapes are axis-aligned and glyphs are blitted as images, so a
    clipped redraw reproduces a full draw exactly: frame n's pixels never
    depend on which frames were drawn before it.
    """

    def __init__(self, width: int, height: int, background: str) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.width, self.height = int(width), int(height)
        # a hair over the exact size: Agg truncates width·dpi to an int
        self.figure = Figure(
            figsize=((self.width + 1e-3) / _DPI, (self.height + 1e-3) / _DPI), dpi=_DPI,
            facecolor=background,
        )
        self.canvas = FigureCanvasAgg(self.figure)
        ax = self.figure.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, self.width)
        ax.set_ylim(self.height, 0)
        # the limits are fixed: artists go in with add_artist, not add_patch, whose
        # data-limit update costs about 1 ms a patch and changes nothing here
        ax.set_facecolor(background)
        self.ax = ax
        self._order: list[Any] = []  # figure patch + the axes' patches and texts, in draw order
        self._looks: list[Any] = []  # each artist's look at the last read (None: not drawn yet)
        self._boxes = np.zeros((0, 4))  # pixels each artist covers (x0, y0, x1, y1), y up
        self._recorded: dict[tuple[int, Any], tuple[list[tuple[Any, ...]], tuple[int, ...]]] = {}
        self._glyphs: dict[tuple[Any, ...], tuple[int, int, list[tuple[Any, ...]]]] = {}
        self._rgb: np.ndarray | None = None  # the frame as last read, RGB
        self._full_redraw = False  # True: no incremental redraw (canvas.draw() per read)
        # calls of one artist per (shape, look), moved to other artists of that shape and look
        self._shapes: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._draw_xy: list[tuple[float, float]] = []

    def points(self, pixels: float) -> float:
        """Font size / line width in points for a length in pixels."""
        return pixels * 72.0 / _DPI

    def read(self) -> np.ndarray:
        import matplotlib

        with matplotlib.rc_context(_RC):
            redrawn: list[tuple[int, int, int, int]] | None = None
            if not self._full_redraw:
                try:
                    if not self._order:
                        self._start()
                    redrawn = self._redraw_changed()
                except (AttributeError, RuntimeError, TypeError):  # pragma: no cover
                    # a matplotlib whose Agg internals differ: draw every frame in full
                    self._full_redraw = True
            if redrawn is None:
                self.canvas.draw()
                self._renderer = self.canvas.get_renderer()
                self._rgb = None
        buffer = np.asarray(self._renderer.buffer_rgba())
        if buffer.shape[:2] != (self.height, self.width):  # pragma: no cover - guard
            raise RuntimeError(f"canvas is {buffer.shape[:2]}, expected {(self.height, self.width)}")
        if self._rgb is None or redrawn is None:
            self._rgb = np.ascontiguousarray(buffer[..., :3])
        else:  # copy back only the redrawn boxes (rows from the top)
            for x0, y0, x1, y1 in redrawn:
                rows = slice(self.height - y1, self.height - y0)
                self._rgb[rows, x0:x1] = buffer[rows, x0:x1, :3]
        return self._rgb.copy()

    # -- incremental redraw ---------------------------------------------------------------------
    def _start(self) -> None:
        """The draw order of a full draw: the figure patch, then the axes' artists by zorder."""
        from matplotlib.patches import Rectangle
        from matplotlib.text import Text

        ax = self.ax
        drawn = {id(a) for a in ax.patches} | {id(a) for a in ax.texts}
        children = [a for a in ax.get_children() if id(a) in drawn]
        unknown = [a for a in children if not isinstance(a, (Rectangle, Text))]
        if unknown:  # pragma: no cover - the renderers only add rectangles and texts
            raise RuntimeError(f"cannot redraw {unknown[0]!r} incrementally")
        # Axes.draw sorts its children by zorder, stable in insertion order; with the axis
        # off it draws neither its own patch nor spines, and empty titles draw nothing
        self._order = [self.figure.patch] + sorted(children, key=lambda a: a.get_zorder())
        self._renderer = self.canvas.get_renderer()
        self._lin = np.array(ax.transData.get_matrix())[:2, :2]
        self._looks = [None] * len(self._order)
        self._boxes = np.zeros((len(self._order), 4))

    def _calls(self, i: int, look: Any) -> tuple[list[tuple[Any, ...]], tuple[int, ...]]:
        """Artist i's Agg calls in this look and the pixel box they cover (recorded once)."""
        key = (i, look)
        found = self._recorded.get(key)
        if found is None:
            artist = self._order[i]
            shape = _shape_key(artist, look) if _data_transform(artist) is self.ax.transData else None
            base = self._shapes.get(shape) if shape is not None else None
            if base is not None:
                found = self._moved(base, artist)
            if found is None:
                self._draw_xy = []
                calls, box = self._record(artist)
                found = (calls, box)
                if shape is not None and shape not in self._shapes:
                    xy = _anchor(artist)
                    self._shapes[shape] = (xy, tuple(self._draw_xy), calls)
            self._recorded[key] = found
        return found

    def _moved(self, base: tuple[Any, ...], artist: Any) -> tuple[Any, ...] | None:
        """An artist's calls from another artist's of the same shape and look, moved.

        Rectangles: the recorded transform moved by the data offset (Agg snaps the
        rectangle to pixels). Texts: the glyph images moved by whole pixels, when
        Agg's rounding of the glyph origins to 1/64 pixel moves by whole pixels too;
        otherwise None (the artist is recorded itself).
        """
        (bx, by), draw_xy, calls = base
        x, y = _anchor(artist)
        lin = self._lin
        ddx = lin[0, 0] * (x - bx) + lin[0, 1] * (y - by)  # display offset, y up
        ddy = lin[1, 0] * (x - bx) + lin[1, 1] * (y - by)
        moved: list[tuple[Any, ...]] = []
        if calls and calls[0][0] == "path":
            for call in calls:
                if call[0] != "path":
                    return None
                matrix = call[3].copy()
                matrix[0, 2] += ddx
                matrix[1, 2] += ddy
                moved.append((call[0], call[1], call[2], matrix, call[4]))
        else:
            if len(draw_xy) != 1:
                return None
            (dx_x, dx_y), = draw_xy
            shift = []
            for old, new in ((64 * dx_x, 64 * (dx_x + ddx)), (64 * dx_y, 64 * (dx_y + ddy))):
                if abs(new - math.floor(new) - 0.5) < 1e-6:  # a rounding tie: do not guess
                    return None
                step = round(new) - round(old)
                if step % 64:
                    return None
                shift.append(step // 64)
            for call in calls:
                moved.append((call[0], call[1], call[2], call[3] + shift[0], call[4] - shift[1], call[5]))
        return moved, _calls_box(moved, self.height)

    def _record(self, artist: Any) -> tuple[list[tuple[Any, ...]], tuple[int, ...]]:
        renderer = self._renderer
        recorder = _AggRecorder()
        real = renderer._renderer
        renderer._renderer = recorder
        renderer.draw_text = self._draw_text  # glyphs: reused across artists (see _draw_text)
        try:
            artist.draw(renderer)
        finally:
            renderer._renderer = real
            del renderer.draw_text
        return recorder.calls, _calls_box(recorder.calls, self.height)

    def _draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                   ismath: Any = False, mtext: Any = None) -> None:
        """RendererAgg.draw_text while recording, with each string's glyphs rendered once.

        Agg places glyph i at round(64·(x + dx_i)) in 1/64 pixels (dx_i a multiple
        of 1/64): a string drawn again at a position whose rounded 64ths differ by
        whole pixels gets the very same glyph bitmaps, shifted by those pixels.
        """
        renderer = self._renderer
        recorder = renderer._renderer
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        # a copy: the artist's FontProperties change in place (set_fontweight)
        key = (s, prop.copy(), angle, bool(gc.get_antialiased()), features, language, bool(ismath))
        self._draw_xy.append((x, self.height - y))  # display, y up
        x64, y64 = round(64 * x), round(64 * (self.height - y))
        found = self._glyphs.get(key) if angle == 0 and not ismath else None
        if found is not None and (x64 - found[0]) % 64 == 0 and (y64 - found[1]) % 64 == 0:
            dx, dy = (x64 - found[0]) // 64, (y64 - found[1]) // 64
            for image, left, bottom in found[2]:
                recorder.calls.append(("text", recorder.gc_copy(gc), image, left + dx, bottom - dy, 0))
            return
        first = len(recorder.calls)
        type(renderer).draw_text(renderer, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        calls = recorder.calls[first:]
        if found is None and angle == 0 and not ismath and all(c[0] == "text" for c in calls):
            self._glyphs[key] = (x64, y64, [(c[2], c[3], c[4]) for c in calls])

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
        real = self._renderer._renderer
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
                    gc = call[1]
                    gc._cliprect = clip
                    if call[0] == "path":
                        real.draw_path(gc, call[2], call[3], call[4])
                    else:
                        real.draw_text_image(call[2], call[3], call[4], call[5], gc)
        return redrawn


class _AggRecorder:
    """Stands in for the C++ Agg renderer while an artist draws: keeps the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    @staticmethod
    def gc_copy(gc: Any) -> Any:
        from matplotlib.backend_bases import GraphicsContextBase

        copy = GraphicsContextBase()
        copy.copy_properties(gc)
        return copy

    def draw_path(self, gc: Any, path: Any, transform: Any, rgbFace: Any = None) -> None:
        matrix = np.array(transform.get_matrix() if hasattr(transform, "get_matrix") else transform,
                          dtype=float)
        face = None if rgbFace is None else tuple(rgbFace)
        self.calls.append(("path", self.gc_copy(gc), path, matrix, face))

    def draw_text_image(self, image: Any, x: int, y: int, angle: float, gc: Any) -> None:
        self.calls.append(("text", self.gc_copy(gc), np.array(image, copy=True), x, y, angle))

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - guard
        raise RuntimeError(f"flat renderers cannot record Agg calls to {name}")


def _call_box(call: tuple[Any, ...], height: int) -> tuple[float, float, float, float]:
    """Display pixels (y up) a recorded call may touch, generously."""
    if call[0] == "path":
        gc, path, matrix = call[1], call[2], call[3]
        xy = path.vertices @ matrix[:2, :2].T + matrix[:2, 2]
        pad = 3 + gc.get_linewidth() * _DPI / 72.0  # the stroke, its miter joins, snapping
        return (xy[:, 0].min() - pad, xy[:, 1].min() - pad, xy[:, 0].max() + pad, xy[:, 1].max() + pad)
    image, x, y = call[2], call[3], call[4]
    h, w = image.shape[:2]
    # draw_text_image's (x, y) is the bitmap's bottom-left, y downwards
    return (x - 1, height - y - 1, x + w + 1, height - y + h + 1)


def _calls_box(calls: list[tuple[Any, ...]], height: int) -> tuple[int, int, int, int]:
    if not calls:
        return (0, 0, 0, 0)
    boxes = np.array([_call_box(call, height) for call in calls])
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
                artist.get_fontproperties().copy(), artist.get_linespacing(), artist.get_clip_on(),
                artist.get_zorder(), artist.get_fontfeatures(), artist.get_language(), where is None)
    if type(artist) is not Rectangle or artist.get_angle() != 0:
        return None
    w, h = look[4][2:]
    return ("rect", look[:4] + look[5:], w, h, artist.get_joinstyle(), artist.get_capstyle(),
            artist.get_antialiased(), artist.get_hatch(), artist.get_snap(), artist.get_clip_on())


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


# -- numbers mode ---------------------------------------------------------------------------------
class NumbersRenderer:
    """The paper's numerical figures as a frame source: one frame per output cell.

    ``x``: the input values (shape ``input_size``; default random integers
    0–3 from ``seed``); ``w``: the kernel (``kernel_size``; default random
    integers 0–2), ignored when ``pool`` is ``"max"`` or ``"avg"``.
    Channels are not drawn: a grouped spec is shown as one channel.

    Data (all computed before any drawing): ``canvas`` (values on the drawn
    grid, zeros on padding and inserted zeros), ``output`` (the result of
    :func:`convviz.apply` / :func:`convviz.pool`), ``output_text`` (the
    strings printed in the output cells), ``windows`` (canvas cells of every
    output cell's taps, ``spec.taps``), ``tap_weights`` (the weight printed at
    every window position: the kernel flipped for a transposed spec).
    """

    def __init__(
        self,
        spec: ConvSpec,
        x: Any = None,
        w: Any = None,
        *,
        pool: str | None = None,
        theme: Any = "default",
        scale: float = 1.0,
        seed: int = 0,
        title: str | None = None,
    ) -> None:
        spec = _check_flat(spec, "numbers mode", NUMBERS_LIMIT)
        if pool not in (None, "max", "avg"):
            raise SpecError(f"pool must be None, 'max' or 'avg', got {pool!r}")
        if pool is not None and spec.transposed:
            raise SpecError("pool needs a direct spec (pooling is never transposed), got transposed=True")
        too_big = [s for s in spec.canvas_size + spec.output_size if s > NUMBERS_LIMIT]
        if too_big:
            raise SpecError(
                f"numbers mode prints every value and needs at most {NUMBERS_LIMIT} cells per "
                f"side; spec {spec.describe()} has a {'×'.join(map(str, spec.canvas_size))} "
                f"canvas and a {'×'.join(map(str, spec.output_size))} output"
            )
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise SpecError(f"scale must be a number > 0, got {scale!r}")
        if spec.groups != 1 or spec.in_channels not in (None, 1) or spec.out_channels not in (None, 1):
            spec = dataclasses.replace(spec, groups=1, in_channels=None, out_channels=None)
        self.spec = spec
        self.pool = pool
        self.palette = flat_palette(theme)
        self.scale = float(scale)
        rng = np.random.default_rng(seed)
        self.x = self._values("x", x, spec.input_size, rng, 4)
        self.w = None if pool else self._values("w", w, spec.kernel_size, rng, 3)
        self.canvas = canvas_values(spec, self.x)
        if pool:
            self.output = pool_values(spec, self.x, pool)
        else:
            assert self.w is not None
            self.output = apply(spec, self.x, self.w)
        self.output_text = np.vectorize(_format_value, otypes=[object])(self.output)
        self.windows = np.asarray(spec.taps)  # (*o, *k, ndim)
        if self.w is not None:
            flat_w = self.w[tuple(np.moveaxis(np.asarray(spec.weight_taps), -1, 0))]
            self.tap_weights = flat_w  # (*k): weight used at each window position
        else:
            self.tap_weights = None
        self.frame_count = int(math.prod(spec.output_size))
        self.poster_frame = self.frame_count // 2
        kind = "max pooling" if pool == "max" else "average pooling" if pool == "avg" else (
            "transposed convolution" if spec.transposed else "convolution")
        self.title = title
        self.caption = f"{title}: {spec.describe()}" if title else (
            f"{kind.capitalize()} with numbers, {spec.describe()}")
        self._kind_name = kind
        self._layout()
        self._fig: _FlatFigure | None = None

    @staticmethod
    def _values(name: str, given: Any, shape: tuple[int, ...], rng: np.random.Generator,
                high: int) -> np.ndarray:
        if given is None:
            return rng.integers(0, high, size=shape)
        array = np.asarray(given)
        if array.shape != shape:
            raise SpecError(f"{name} must have shape {shape}, got {array.shape}")
        if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
            raise SpecError(f"{name} must hold real numbers, got dtype {array.dtype}")
        return array

    # -- data the frames show -------------------------------------------------------------------
    def output_index(self, n: int) -> tuple[int, ...]:
        """The output cell frame n computes (row by row from the top, as the originals)."""
        return tuple(int(v) for v in np.unravel_index(self._check(n), self.spec.output_size))

    def window(self, n: int) -> np.ndarray:
        """Canvas cells read in frame n, shape (Π k, ndim), in window order."""
        return self.windows[self.output_index(n)].reshape(-1, self.spec.ndim)

    def terms(self, n: int) -> list[tuple[float, float | None]]:
        """(value, weight) at every window position of frame n (weight None when pooling)."""
        cells = self.window(n)
        values = self.canvas[tuple(cells.T)]
        if self.tap_weights is None:
            return [(v.item(), None) for v in values]
        weights = self.tap_weights.reshape(-1)
        return [(v.item(), wt.item()) for v, wt in zip(values, weights)]

    def formula(self, n: int) -> str:
        """The arithmetic of frame n as printed under the grids."""
        terms = self.terms(n)
        value = self.output_text[self.output_index(n)]
        real = [v for v, _ in terms]
        if self.pool == "max":
            cells = self.window(n)
            kinds = self.spec.canvas_kind[tuple(cells.T)]
            real = [v for v, k in zip(real, kinds) if k == CellKind.INPUT]
            return f"max({', '.join(_format_value(v) for v in real)}) = {value}"
        if self.pool == "avg":
            return f"({' + '.join(_format_value(v) for v in real)}) / {len(real)} = {value}"
        products = [f"{_format_value(v)}×{_format_value(wt)}" for v, wt in terms if v and wt]
        return f"{' + '.join(products) if products else '0'} = {value}"

    def _check(self, n: int) -> int:
        if not isinstance(n, (int, np.integer)) or not -self.frame_count <= n < self.frame_count:
            raise IndexError(f"frame {n!r} out of range for {self.frame_count} frames")
        return int(n) % self.frame_count

    # -- geometry -------------------------------------------------------------------------------------
    def _layout(self) -> None:
        u = round(40 * self.scale)
        self.unit = u
        spec, pal = self.spec, self.palette
        self._crows, self._ccols = _as_2d(spec.canvas_size)
        self._orows, self._ocols = _as_2d(spec.output_size)
        margin = round(0.5 * u)
        label_h = round(0.6 * u) if pal.labels else 0
        lines = 2 if pal.captions else 0
        caption_h = round(lines * 0.5 * u + (0.3 * u if lines else 0))
        self._text_lines = lines
        cw, ch = self._ccols * u, self._crows * u
        ow, oh = self._ocols * u, self._orows * u
        (self._cx, self._cy), (self._ox, self._oy), width, grid_bottom = _place_pair(
            spec.ndim, u, margin, label_h, (cw, ch), (ow, oh)
        )
        self._caption_y = grid_bottom + round(0.35 * u)
        height = grid_bottom + caption_h + margin
        if lines:
            # wide enough for the longest formula (monospace) and the caption line
            longest = max(len(self.formula(n)) for n in range(self.frame_count))
            need = max(longest * 0.62 * 0.3 * u, len(self._caption_line()) * 0.58 * 0.27 * u)
            shift = max(0, math.ceil(need + 2 * margin - width))
            width += shift
            self._cx += shift // 2
            self._ox += shift // 2
        self.size = (int(width), int(height))

    # -- drawing --------------------------------------------------------------------------------------
    def _build(self) -> _FlatFigure:
        from matplotlib.patches import Rectangle

        spec, pal, u = self.spec, self.palette, self.unit
        fig = _FlatFigure(*self.size, pal.background)
        ax = fig.ax
        lw = fig.points(max(1.0, 1.66 * self.scale))
        value_size = fig.points(0.42 * u)
        small_size = fig.points(0.24 * u)
        self._input_fill = _mix(pal.input, pal.background, 0.45)
        self._input_fill_dark = _mix(pal.shadow, self._input_fill, pal.shadow_alpha)
        self._output_fill = _mix(pal.output, pal.background, 0.4)
        self._zero_fill = _mix(pal.shadow, pal.background, pal.shadow_alpha * 0.5)
        kind = spec.canvas_kind.reshape(self._crows, self._ccols)
        canvas = self.canvas.reshape(self._crows, self._ccols)
        self._canvas_rects = {}
        self._canvas_texts = {}
        for r in range(self._crows):
            for c in range(self._ccols):
                x0, y0 = self._cx + c * u, self._cy + r * u
                real = kind[r, c] == CellKind.INPUT
                rect = Rectangle(
                    (x0, y0), u, u, facecolor=self._input_fill if real else pal.background,
                    edgecolor=pal.stroke, linewidth=lw,
                    linestyle="-" if real else (0, (3, 3)), zorder=1,
                )
                ax.add_artist(rect)
                self._canvas_rects[r, c] = rect
                text = ax.text(
                    x0 + u / 2, y0 + u * 0.47, _format_value(canvas[r, c]) if real else "0",
                    ha="center", va="center", fontsize=value_size,
                    color=pal.text if real else pal.muted, zorder=4,
                )
                self._canvas_texts[r, c] = text
        # the window: an outline over its extent k̂ and one weight label per tap
        ek = _as_2d(spec.effective_kernel_size)
        self._extent = Rectangle((0, 0), ek[1] * u, ek[0] * u, fill=False, edgecolor=pal.stroke,
                                 linewidth=lw * 1.8, zorder=5)
        ax.add_artist(self._extent)
        k_cells = int(math.prod(spec.kernel_size))
        self._weight_texts = []
        if self.tap_weights is not None:
            flat_w = self.tap_weights.reshape(-1)
            for t in range(k_cells):
                self._weight_texts.append(ax.text(
                    0, 0, "×" + _format_value(flat_w[t]), ha="right", va="bottom",
                    fontsize=small_size, color=pal.on_dark, zorder=6, fontweight="bold",
                ))
        # output grid
        self._out_rects = {}
        self._out_texts = {}
        for r in range(self._orows):
            for c in range(self._ocols):
                x0, y0 = self._ox + c * u, self._oy + r * u
                rect = Rectangle((x0, y0), u, u, facecolor=pal.background, edgecolor=pal.stroke,
                                 linewidth=lw, zorder=1)
                ax.add_artist(rect)
                self._out_rects[r, c] = rect
                self._out_texts[r, c] = ax.text(
                    x0 + u / 2, y0 + u * 0.47, "", ha="center", va="center",
                    fontsize=value_size, color=pal.text, zorder=4,
                )
        label_size = fig.points(0.34 * u)
        if pal.labels:
            what = pal.input_label + (", stretched and padded" if spec.transposed else "")
            ax.text(self._cx, self._cy - 0.18 * u, what, ha="left", va="bottom",
                    fontsize=label_size, color=pal.text)
            out_label = {"max": "max pool", "avg": "average pool"}.get(self.pool or "", pal.output_label)
            ax.text(self._ox, self._oy - 0.18 * u, out_label, ha="left", va="bottom",
                    fontsize=label_size, color=pal.text)
        self._formula = None
        self._caption_artist = None
        if pal.captions:
            self._formula = ax.text(
                self.size[0] / 2, self._caption_y, "", ha="center", va="top",
                fontsize=fig.points(0.3 * u), color=pal.text, family="DejaVu Sans Mono",
            )
            ax.text(self.size[0] / 2, self._caption_y + 0.55 * u, self._caption_line(),
                    ha="center", va="top", fontsize=fig.points(0.27 * u), color=pal.muted)
        return fig

    def _caption_line(self) -> str:
        text = self.spec.describe().removesuffix(", transposed")
        note = ", kernel flipped" if self.spec.transposed else ""
        return f"{self._kind_name}, {text}{note}"

    def frame(self, n: int) -> np.ndarray:
        """Frame n as an (H, W, 3) uint8 array: output cell n computed, 0…n−1 filled in."""
        n = self._check(n)
        if self._fig is None:
            self._fig = _in_rc(self._build)
        spec, pal, u = self.spec, self.palette, self.unit
        kind = spec.canvas_kind.reshape(self._crows, self._ccols)
        covered = {_cell2d(cell, spec.ndim) for cell in self.window(n)}
        for (r, c), rect in self._canvas_rects.items():
            real = kind[r, c] == CellKind.INPUT
            text = self._canvas_texts[r, c]
            if (r, c) in covered:
                fill = self._input_fill_dark if real else self._zero_fill
                rect.set_facecolor(fill)
                text.set_color(pal.on_dark if real or _luma(fill) < 0.5 else pal.text)
            else:
                rect.set_facecolor(self._input_fill if real else pal.background)
                text.set_color(pal.text if real else pal.muted)
        window = [_cell2d(cell, spec.ndim) for cell in self.window(n)]
        (r0, c0) = min(window)
        self._extent.set_xy((self._cx + c0 * u, self._cy + r0 * u))
        for t, (r, c) in enumerate(window):
            if t < len(self._weight_texts):
                label = self._weight_texts[t]
                label.set_position((self._cx + (c + 0.95) * u, self._cy + (r + 0.98) * u))
                fill = self._input_fill_dark if kind[r, c] == CellKind.INPUT else self._zero_fill
                label.set_color(pal.on_dark if _luma(fill) < 0.5 else pal.text)
        current = _cell2d(self.output_index(n), spec.ndim)
        out_text = self.output_text.reshape(self._orows, self._ocols)
        for (r, c), rect in self._out_rects.items():
            k = r * self._ocols + c
            text = self._out_texts[r, c]
            if k < n:
                rect.set_facecolor(self._output_fill)
                text.set_text(out_text[r, c])
                text.set_color(pal.text)
                text.set_fontweight("normal")
            elif (r, c) == current:
                rect.set_facecolor(pal.output)
                text.set_text(out_text[r, c])
                text.set_color(pal.on_dark)
                text.set_fontweight("bold")
            else:
                rect.set_facecolor(pal.background)
                text.set_text("")
        if self._formula is not None:
            self._formula.set_text(self.formula(n))
        return self._fig.read()

    def drawn_text(self) -> dict[str, np.ndarray]:
        """What the last drawn frame printed: 'input' (canvas grid) and 'output' strings."""
        if self._fig is None:
            raise SpecError("drawn_text() needs a frame drawn first: call frame(n)")
        canvas = np.empty((self._crows, self._ccols), dtype=object)
        for key, text in self._canvas_texts.items():
            canvas[key] = text.get_text()
        output = np.empty((self._orows, self._ocols), dtype=object)
        for key, text in self._out_texts.items():
            output[key] = text.get_text()
        return {
            "input": canvas.reshape(self.spec.canvas_size),
            "output": output.reshape(self.spec.output_size),
            "weights": np.array([t.get_text() for t in self._weight_texts], dtype=object),
        }

    def __repr__(self) -> str:
        return f"<NumbersRenderer {self.caption!r}: {self.frame_count} frames {self.size[0]}×{self.size[1]}>"


# -- scatter view ---------------------------------------------------------------------------------
class ScatterRenderer:
    """The scatter view of a transposed convolution, one frame per input cell + a summary.

    Input cell j writes ``x[j]·w[t]`` into output cell ``spec.scatter_taps[j, t]``
    (−1: cropped by the padding). ``counts[n]`` is, per output cell, how many
    of input cells 0…n have written into it; the last frame shows
    ``final_counts``. Cells the padding crops are drawn dashed around the
    output so the crop is visible.
    """

    def __init__(self, spec: ConvSpec, *, theme: Any = "default", scale: float = 1.0,
                 title: str | None = None) -> None:
        spec = _check_flat(spec, "the scatter view", SCATTER_LIMIT)
        if not spec.transposed:
            raise SpecError(
                "view='scatter' shows a transposed convolution; spec "
                f"{spec.describe()} is direct (use spec.transpose() or transposed=True)"
            )
        too_big = [s for s in spec.input_size if s > SCATTER_LIMIT] + [
            s for s in spec.output_size if s > 3 * SCATTER_LIMIT]
        if too_big:
            raise SpecError(
                f"the scatter view draws one frame per input cell and needs input_size <= "
                f"{SCATTER_LIMIT} per side; got {spec.describe()}"
            )
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise SpecError(f"scale must be a number > 0, got {scale!r}")
        self.spec = spec
        self.palette = flat_palette(theme)
        self.scale = float(scale)
        ndim = spec.ndim
        n_in = int(math.prod(spec.input_size))
        taps = np.asarray(spec.scatter_taps).reshape(n_in, -1, ndim)  # (inputs, Π k, ndim)
        self._targets = taps
        counts = np.zeros((n_in,) + spec.output_size, dtype=np.int64)
        running = np.zeros(spec.output_size, dtype=np.int64)
        for j in range(n_in):
            valid = taps[j][(taps[j] >= 0).all(-1)]
            np.add.at(running, tuple(valid.T), 1)
            counts[j] = running
        self.counts = counts
        self.final_counts = running.copy()
        self.frame_count = n_in + 1
        self.poster_frame = n_in
        self.title = title
        self.caption = f"{title}: {spec.describe()}" if title else (
            f"Scatter view of a transposed convolution, {spec.describe()}")
        # the uncropped ("full") output: positions j·s + t·d, the output is its slice from p_lo
        self._lo = tuple(min(0, -g.pad_before) for g in spec.axes)
        self._hi = tuple(
            max(g.output_size, (g.input_size - 1) * g.stride + g.effective_kernel - g.pad_before)
            for g in spec.axes
        )
        self._layout()
        self._fig: _FlatFigure | None = None

    def input_index(self, n: int) -> tuple[int, ...] | None:
        """The input cell frame n scatters (None on the summary frame)."""
        n = self._check(n)
        if n == self.frame_count - 1:
            return None
        return tuple(int(v) for v in np.unravel_index(n, self.spec.input_size))

    def patch(self, n: int) -> np.ndarray:
        """Positions frame n's input cell writes, in output coordinates, cropped ones included.

        Shape (Π k, ndim); a position outside [0, o) on some axis is cropped.
        """
        j = self.input_index(n)
        if j is None:
            return np.empty((0, self.spec.ndim), dtype=np.intp)
        per_axis = []
        for a, g in enumerate(self.spec.axes):
            t = np.arange(g.kernel_size)
            per_axis.append(j[a] * g.stride - g.pad_before + t * g.dilation)
        grids = np.meshgrid(*per_axis, indexing="ij")
        return np.stack([gr.reshape(-1) for gr in grids], -1)

    def counts_at(self, n: int) -> np.ndarray:
        """Overlap counts shown in frame n (the summary frame: final_counts)."""
        n = self._check(n)
        return self.final_counts if n == self.frame_count - 1 else self.counts[n]

    def _check(self, n: int) -> int:
        if not isinstance(n, (int, np.integer)) or not -self.frame_count <= n < self.frame_count:
            raise IndexError(f"frame {n!r} out of range for {self.frame_count} frames")
        return int(n) % self.frame_count

    def summary(self) -> str:
        """One line on the final count map: even, even inside, or a checkerboard and why."""
        counts = self.final_counts
        lo, hi = int(counts.min()), int(counts.max())
        if lo == hi:
            return f"every output cell is written {hi} time{'s' if hi != 1 else ''}"
        inner = counts[tuple(slice(1, -1) if n > 2 else slice(None) for n in counts.shape)]
        if inner.min() == inner.max():
            return f"overlap {lo}–{hi}: even away from the borders ({int(inner.max())} each)"
        reasons = []
        for g in self.spec.axes:
            if g.kernel_size % g.stride:
                reasons.append(f"stride {g.stride} does not divide k={g.kernel_size}")
            if g.dilation > 1:
                reasons.append(f"dilation {g.dilation} leaves gaps between taps")
        why = "; ".join(dict.fromkeys(reasons)) or "uneven overlap"
        return f"overlap {lo}–{hi}: a checkerboard ({why})"

    # -- geometry -------------------------------------------------------------------------------------
    def _layout(self) -> None:
        u = round(34 * self.scale)
        self.unit = u
        spec, pal = self.spec, self.palette
        margin = round(0.5 * u)
        label_h = round(0.6 * u) if pal.labels else 0
        lines = 2 if pal.captions else 0
        caption_h = round(lines * 0.5 * u + (0.3 * u if lines else 0))
        self._irows, self._icols = _as_2d(spec.input_size)
        full = tuple(h - l for l, h in zip(self._lo, self._hi))
        self._frows, self._fcols = _as_2d(full)
        lo2 = _as_2d(tuple(-v for v in self._lo))
        self._off_r, self._off_c = (0, lo2[1]) if spec.ndim == 1 else lo2
        iw, ih = self._icols * u, self._irows * u
        fw, fh = self._fcols * u, self._frows * u
        (self._ix, self._iy), (self._fx, self._fy), width, bottom = _place_pair(
            spec.ndim, u, margin, label_h, (iw, ih), (fw, fh)
        )
        self._caption_y = bottom + round(0.35 * u)
        if lines:
            # wide enough for the caption lines
            patch = "×".join(map(str, spec.kernel_size))
            first = f"input ({', '.join(['0'] * spec.ndim)}) adds x·w to a {patch}-cell patch"
            texts = [self.summary(), f"scatter view, {spec.describe()}", first]
            need = max(len(t) for t in texts) * 0.58 * 0.3 * u
            shift = max(0, math.ceil(need + 2 * margin - width))
            width += shift
            self._ix += shift // 2
            self._fx += shift // 2
        self.size = (int(width), int(bottom + caption_h + margin))

    def _out_xy(self, r: int, c: int) -> tuple[float, float]:
        """Top-left pixel of output cell (r, c) (output coordinates, may be cropped)."""
        u = self.unit
        return self._fx + (c + self._off_c) * u, self._fy + (r + self._off_r) * u

    def _build(self) -> _FlatFigure:
        from matplotlib.patches import Rectangle

        spec, pal, u = self.spec, self.palette, self.unit
        fig = _FlatFigure(*self.size, pal.background)
        ax = fig.ax
        lw = fig.points(max(1.0, 1.66 * self.scale))
        value_size = fig.points(0.42 * u)
        self._in_light = _mix(pal.input, pal.background, 0.25)
        self._in_done = _mix(pal.input, pal.background, 0.55)
        self._in_rects = {}
        for r in range(self._irows):
            for c in range(self._icols):
                rect = Rectangle((self._ix + c * u, self._iy + r * u), u, u, facecolor=self._in_light,
                                 edgecolor=pal.stroke, linewidth=lw, zorder=1)
                ax.add_artist(rect)
                self._in_rects[r, c] = rect
        orows, ocols = _as_2d(spec.output_size)
        # the cropped frame: full-output cells outside the output, dashed
        for fr in range(self._frows):
            for fc in range(self._fcols):
                r, c = fr - self._off_r, fc - self._off_c
                if 0 <= r < orows and 0 <= c < ocols:
                    continue
                x0, y0 = self._out_xy(r, c)
                ax.add_artist(Rectangle((x0, y0), u, u, facecolor=pal.background, edgecolor=pal.muted,
                                       linewidth=lw * 0.8, linestyle=(0, (3, 3)), zorder=1))
        self._out_rects = {}
        self._out_texts = {}
        for r in range(orows):
            for c in range(ocols):
                x0, y0 = self._out_xy(r, c)
                rect = Rectangle((x0, y0), u, u, facecolor=pal.background, edgecolor=pal.stroke,
                                 linewidth=lw, zorder=2)
                ax.add_artist(rect)
                self._out_rects[r, c] = rect
                self._out_texts[r, c] = ax.text(x0 + u / 2, y0 + u * 0.47, "", ha="center",
                                                va="center", fontsize=value_size, color=pal.text,
                                                zorder=5)
        # the current patch: one translucent square per tap, cropped taps faint
        k_cells = int(math.prod(spec.kernel_size))
        self._patch_rects = []
        for _ in range(k_cells):
            rect = Rectangle((0, 0), u, u, facecolor=pal.input, alpha=0.55, edgecolor=pal.stroke,
                             linewidth=lw * 1.4, zorder=3, visible=False)
            ax.add_artist(rect)
            self._patch_rects.append(rect)
        label_size = fig.points(0.34 * u)
        if pal.labels:
            ax.text(self._ix, self._iy - 0.18 * u, pal.input_label, ha="left", va="bottom",
                    fontsize=label_size, color=pal.text)
            ax.text(self._fx, self._fy - 0.18 * u, f"{pal.output_label}: overlap count", ha="left",
                    va="bottom", fontsize=label_size, color=pal.text)
        self._line1 = self._line2 = None
        if pal.captions:
            self._line1 = ax.text(self.size[0] / 2, self._caption_y, "", ha="center", va="top",
                                  fontsize=fig.points(0.3 * u), color=pal.text)
            self._line2 = ax.text(self.size[0] / 2, self._caption_y + 0.55 * u,
                                  f"scatter view, {spec.describe()}", ha="center", va="top",
                                  fontsize=fig.points(0.27 * u), color=pal.muted)
        return fig

    def frame(self, n: int) -> np.ndarray:
        n = self._check(n)
        if self._fig is None:
            self._fig = _in_rc(self._build)
        spec, pal = self.spec, self.palette
        j = self.input_index(n)
        done = n if j is not None else self.frame_count - 1
        for (r, c), rect in self._in_rects.items():
            k = r * self._icols + c
            rect.set_facecolor(pal.input if k == n and j is not None else
                               self._in_done if k < done else self._in_light)
        counts = self.counts_at(n).reshape(_as_2d(spec.output_size))
        peak = max(int(self.final_counts.max()), 1)
        final = j is None
        for (r, c), rect in self._out_rects.items():
            value = int(counts[r, c])
            fill = _mix(pal.output, pal.background, 0.15 + 0.85 * value / peak) if value else pal.background
            rect.set_facecolor(fill)
            text = self._out_texts[r, c]
            text.set_text(str(value) if value or final else "")
            text.set_color(pal.on_dark if value and _luma(fill) < 0.55 else pal.text)
            text.set_fontweight("bold" if final else "normal")
        positions = self.patch(n)
        orows, ocols = _as_2d(spec.output_size)
        for t, rect in enumerate(self._patch_rects):
            if t >= len(positions):
                rect.set_visible(False)
                continue
            r, c = _cell2d(positions[t], spec.ndim)
            inside = 0 <= r < orows and 0 <= c < ocols
            rect.set_xy(self._out_xy(r, c))
            rect.set_alpha(0.55 if inside else 0.2)
            rect.set_visible(True)
        if self._line1 is not None:
            if j is None:
                self._line1.set_text(self.summary())
            else:
                where = ", ".join(map(str, j))
                patch = "×".join(map(str, spec.kernel_size)) + ("-cell" if spec.ndim == 1 else "")
                self._line1.set_text(f"input ({where}) adds x·w to a {patch} patch")
        return self._fig.read()

    def __repr__(self) -> str:
        return f"<ScatterRenderer {self.caption!r}: {self.frame_count} frames {self.size[0]}×{self.size[1]}>"
