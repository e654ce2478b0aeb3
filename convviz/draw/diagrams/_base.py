"""Shared machinery of the diagrams: themes, option checks, the figure frame source.

Importing this module does not import matplotlib; :class:`FigureFrames`
imports it when a diagram is built.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from convviz.errors import SpecError
from convviz.look.themes import check_scale
from convviz.look.words import check_fonts, check_lang, font_families, word

__all__ = [
    "FigureFrames",
    "Palette",
    "check_bool",
    "check_lang",
    "check_scale",
    "fmt_int",
    "palette",
    "rectangles",
]


@dataclass(frozen=True)
class Palette:
    """Everything a diagram needs from a theme (colours '#rrggbb'), derived from a
    :class:`convviz.look.themes.Theme` by :func:`palette`."""

    name: str
    background: str
    text: str
    stroke: str
    muted: str
    input: str
    output: str
    padding: str
    accent: str
    value: str
    gate: str
    show_caption: bool
    font_size: float
    dark: bool
    #: outlines and bright paths: the accent, or the text colour if the accent is near a fill
    highlight: str


def _get_theme(name: str) -> Any:
    from convviz.look.themes import get_theme  # no matplotlib: themes are data

    return get_theme(name)


def _luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _distance(a: str, b: str) -> float:
    ca = [int(a.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    cb = [int(b.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return sum((x - y) ** 2 for x, y in zip(ca, cb)) ** 0.5


def palette(theme: Any = "default") -> Palette:
    """The diagram palette of a theme given by name or as a Theme object."""
    if isinstance(theme, str):
        name = theme
        obj = _get_theme(theme)
    else:
        obj = theme
        name = str(getattr(theme, "name", "default"))
    try:
        value, gate = obj.value_fill, obj.gate_fill
        return Palette(
            name=name,
            background=obj.background,
            text=obj.text,
            stroke=obj.stroke,
            muted=obj.muted,
            input=obj.input_fill,
            output=obj.output_fill,
            padding=obj.padding_fill,
            accent=obj.accent,
            value=value,
            gate=gate,
            show_caption=bool(obj.show_caption),
            # diagrams carry more text than the conv_arithmetic pictures: their base size is
            # 10 pt for a theme's 8 pt (matplotlib's 100 dpi at scale 1)
            font_size=10.0 * float(obj.font_size) / 8.0,
            dark=_luminance(obj.background) < 0.5,
            highlight=(obj.text if min(_distance(obj.accent, c) for c in
                                       (obj.output_fill, obj.input_fill, value, gate)) < 90
                       else obj.accent),
        )
    except AttributeError as exc:
        raise SpecError(f"theme {theme!r} lacks a field a diagram needs: {exc}") from None


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise SpecError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_options(options: dict[str, Any], allowed: Sequence[str], what: str) -> None:
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise SpecError(
            f"{what} has no option {unknown[0]!r}; its options are: "
            f"{', '.join(allowed) or 'none'}"
        )


def rectangles(xy: Any, width: float, height: float, **kwargs: Any) -> Any:
    """A PolyCollection of axis-aligned ``width`` × ``height`` rectangles at corners ``xy`` (N, 2).

    Draws what a PatchCollection of Rectangle patches draws, without creating
    one Artist per cell (hundreds of cells cost ~0.1 ms each to construct).
    """
    from matplotlib.collections import PolyCollection

    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    x, y = xy[:, 0], xy[:, 1]
    corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    verts = np.stack([np.stack(c, axis=-1) for c in corners], axis=1)  # (N, 4, 2)
    return PolyCollection(cast(Any, verts), closed=True, **kwargs)


def fmt_int(value: int) -> str:
    """1228800 -> '1,228,800'."""
    return f"{value:,}"


class FigureFrames:
    """A frame source drawn with matplotlib's object API (no pyplot).

    Subclasses draw the static parts once in ``__init__`` (on ``self.ax``, an
    axes spanning the figure in pixel units at scale 1, y pointing down),
    register what changes with :meth:`dynamic`, and implement
    ``_update(n)``. The static picture is rendered once and restored for
    every frame; only the dynamic artists are redrawn on top of it, dynamic
    texts pasted from coverage masks rasterised once per distinct label.
    All text is drawn a whole line at a time (:mod:`convviz.draw.canvas`).
    """

    frame_count: int = 1
    caption: str = ""
    #: the picture's own title line, drawn at its top unless built with ``title=False``
    #: (a page whose heading already says it leaves it out)
    title: str = ""
    #: the frame that best stands for the whole animation (a gallery thumbnail, a still)
    poster_frame: int = 0

    def __init__(self, width: int, height: int, pal: Palette, scale: float,
                 lang: str = "en") -> None:
        from matplotlib.figure import Figure

        from convviz.draw.canvas import canvas_class

        self.lang = check_lang(lang)
        check_fonts(self.lang)
        canvas = canvas_class()
        self.palette = pal
        self.scale = scale
        self.width, self.height = width, height
        self.fig = Figure(figsize=(width / 100, height / 100), dpi=100 * scale,
                          facecolor=pal.background)
        self.canvas = canvas(self.fig)
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, width)
        self.ax.set_ylim(height, 0)
        self.ax.set_axis_off()
        self.ax.set_facecolor(pal.background)
        self._dynamic: list[Any] = []
        self._background: Any = None
        w, h = self.canvas.get_width_height()
        self.size = (int(w), int(h))

    # -- building --------------------------------------------------------------------
    def word(self, key: str, **fields: Any) -> str:
        """The picture word ``key`` in this diagram's language (:mod:`convviz.look.words`)."""
        return word(self.lang, key, **fields)

    def font(self, mono: bool = False) -> dict[str, Any]:
        """Keyword arguments giving a text this diagram's fonts: none in English (the
        default DejaVu Sans), DejaVu Sans then a CJK font in Chinese."""
        return {} if self.lang == "en" else {"family": font_families(self.lang, mono=mono)}

    def dynamic(self, artist: Any) -> Any:
        """Mark an artist as changing between frames (drawn after the static picture)."""
        artist.set_animated(True)
        self._dynamic.append(artist)
        return artist

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float | None = None,
        colour: str | None = None,
        ha: str = "center",
        va: str = "center",
        weight: str = "normal",
        **kw: Any,
    ) -> Any:
        if self.lang != "en":
            kw["family"] = font_families(self.lang, mono=kw.get("family") == "DejaVu Sans Mono")
        return self.ax.text(
            x, y, s, fontsize=size or self.palette.font_size, color=colour or self.palette.text,
            ha=ha, va=va, fontweight=weight, **kw,
        )

    def measure(
        self, s: str, *, size: float | None = None, weight: str = "normal"
    ) -> tuple[float, float]:
        """(width, height) of a text in figure units (px at scale 1), from the font's metrics."""
        probe = self.text(0, 0, s, size=size, weight=weight)
        box = probe.get_window_extent(self.canvas.get_renderer())
        probe.remove()
        return box.width / self.scale, box.height / self.scale

    def resize(self, width: float, height: float) -> None:
        """Set the figure size (figure units), keeping one unit per pixel at scale 1."""
        self.width, self.height = math.ceil(width), math.ceil(height)
        self.fig.set_size_inches(self.width / 100, self.height / 100)
        self.ax.set_xlim(0, self.width)
        self.ax.set_ylim(self.height, 0)
        self._background = None
        w, h = self.canvas.get_width_height()
        self.size = (int(w), int(h))

    def fit_texts(self, margin: float = 12.0) -> None:
        """Grow the figure until every text of every frame lies ``margin`` px inside it.

        Call once at the end of ``__init__``: each frame's dynamic texts are set
        (``_update``) and measured with the renderer, so the size accounts for the
        widest label any frame shows (the fonts' real metrics, not an estimate).
        Text past the left or top edge shifts the picture right or down.
        """
        renderer = self.canvas.get_renderer()
        # ax.text and ax.annotate put every label here (findobj would also build the hidden
        # axes' ticks, ~40 ms)
        texts = [t for t in [*self.ax.texts, *self.fig.texts] if t.get_text()]
        static = [t for t in texts if not t.get_animated()]
        moving = [t for t in texts if t.get_animated()]

        def extents(items: list[Any]) -> list[Any]:
            return [
                t.get_window_extent(renderer)
                for t in items
                if t.get_visible() and t.get_text().strip()
            ]

        boxes = extents(static)
        for n in range(self.frame_count):
            self._update(n)
            boxes.extend(extents(moving))
        if not boxes:
            return
        s = self.scale
        # display pixels (y up, scaled) -> figure units at scale 1 (y down)
        left = min(b.x0 for b in boxes) / s
        right = max(b.x1 for b in boxes) / s
        top = self.height - max(b.y1 for b in boxes) / s
        bottom = self.height - min(b.y0 for b in boxes) / s
        shift_x = max(0.0, margin - left)
        shift_y = max(0.0, margin - top)
        width = max(self.width, math.ceil(right + shift_x + margin))
        height = max(self.height, math.ceil(bottom + shift_y + margin))
        if (width, height) == (self.width, self.height) and not (shift_x or shift_y):
            return
        self.resize(width, height)
        self.ax.set_xlim(-shift_x, self.width - shift_x)
        self.ax.set_ylim(self.height - shift_y, -shift_y)

    def drop_top(self, height: float) -> None:
        """Cut ``height`` px (figure units at scale 1) off the top of the picture.

        For a diagram built without its title: everything below the title's room
        moves up by ``height`` and the picture gets that much shorter. Call it after
        :meth:`fit_texts`, with nothing drawn in the band cut off.
        """
        (x0, x1), (bottom, top) = self.ax.get_xlim(), self.ax.get_ylim()
        self.resize(self.width, self.height - height)
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(bottom, top + height)

    # -- the frame source protocol -----------------------------------------------------
    def _update(self, n: int) -> None:  # pragma: no cover - overridden
        pass

    def frame(self, n: int) -> np.ndarray:
        """Frame ``n`` as an (height, width, 3) uint8 array."""
        if (
            isinstance(n, bool)
            or not isinstance(n, (int, np.integer))
            or not 0 <= n < self.frame_count
        ):
            raise SpecError(f"frame index must be an int in [0, {self.frame_count}), got {n!r}")
        if self._background is None:
            self.canvas.draw()  # animated artists are skipped: this is the static picture
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._text_cache: dict[Any, Any] = {}
            self._side: Any = None
        else:
            self.canvas.restore_region(self._background)
        self._update(int(n))
        pixels = np.asarray(self.canvas.buffer_rgba())
        for artist in self._dynamic:
            if not artist.get_visible():
                continue
            if self._is_plain_text(artist):
                self._paste_text(artist, pixels)
            else:
                self.fig.draw_artist(artist)
        # one channel at a time: numpy copies a (h, w, 4) -> (h, w, 3) slice ~4× slower at once
        out = np.empty(pixels.shape[:2] + (3,), dtype=np.uint8)
        for channel in range(3):
            out[..., channel] = pixels[..., channel]
        return out

    # -- changing texts: each distinct one rasterised once -----------------------------------------
    @staticmethod
    def _is_plain_text(artist: Any) -> bool:
        from matplotlib.text import Text

        return isinstance(artist, Text) and artist.get_bbox_patch() is None

    def _paste_text(self, text: Any, pixels: np.ndarray) -> None:
        """Composite a dynamic text onto the frame from its cached coverage mask.

        Drawing a text costs ~0.1 ms a glyph (matplotlib renders glyph by glyph);
        a label that comes back in later frames ("Step 1 of 2 …", "7 inputs") is
        rasterised once, alone, on a transparent side canvas, and pasted from then
        on with the same source-over blend Agg uses (integer arithmetic, so the
        frames stay byte-identical across processes). The side canvas renders a
        line of text as one FreeType bitmap (see :mod:`convviz.draw.canvas`), several
        times faster than glyph by glyph, so a label that changes every frame is
        cheap too.
        """
        from matplotlib.colors import to_rgba

        key = (id(text), text.get_text(), tuple(text.get_position()), to_rgba(text.get_color()),
               text.get_fontsize(), text.get_fontweight(), text.get_fontfamily()[0],
               text.get_ha(), text.get_va(), text.get_rotation(), text.get_alpha())
        entry = self._text_cache.get(key)
        if entry is None:
            entry = self._text_cache[key] = self._rasterise(text, pixels.shape)
        if entry is False:  # nothing drawn (blank text)
            return
        y0, x0, patch = entry
        h, w = patch.shape[:2]
        region = pixels[y0 : y0 + h, x0 : x0 + w, :3]
        a = patch[..., 3:4].astype(np.uint32)
        region[...] = (region * (255 - a) + patch[..., :3] * a + 127) // 255

    def _rasterise(self, text: Any, shape: tuple[int, ...]) -> Any:
        """(row, col, RGBA patch: colour and coverage) of a text drawn alone, or False."""
        if self._side is None:
            from convviz.draw.canvas import renderer_class

            self._side = renderer_class()(shape[1], shape[0], self.fig.dpi)
        side = self._side
        text.draw(side)
        # look for its pixels a few px around its layout box (display: y up)
        box = text.get_window_extent(self.canvas.get_renderer())
        height, width = shape[:2]
        top, left = max(0, math.floor(height - box.y1) - 4), max(0, math.floor(box.x0) - 4)
        rgba = np.asarray(side.buffer_rgba())[top : min(height, math.ceil(height - box.y0) + 5),
                                               left : min(width, math.ceil(box.x1) + 5)]
        alpha = rgba[..., 3]
        rows = np.flatnonzero(alpha.any(axis=1))
        entry: Any = False
        if rows.size:
            cols = np.flatnonzero(alpha[rows[0] : rows[-1] + 1].any(axis=0))
            y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            entry = (int(top + y0), int(left + x0), rgba[y0:y1, x0:x1].copy())
        rgba[...] = (255, 255, 255, 0)  # the side canvas is transparent again
        return entry

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.size[0]}×{self.size[1]}, "
            f"{self.frame_count} frames: {self.caption}>"
        )
