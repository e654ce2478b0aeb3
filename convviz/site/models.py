"""View models of the gallery: exactly what the templates need, computed from the engine.

Pure data (NumPy only, no drawing, no Jinja): the dataclasses of a
:class:`SiteModel` (sections → blocks → cards) and of the :class:`ImageJob` s
the pictures need, and the helpers that word a spec (alt text, "drawn as",
hover maps); :func:`convviz.site.sections.collect` fills them. Every number on the page —
output sizes, paddings, formulas, parameter and multiplication counts,
receptive fields, framework code, the hover maps — comes from
:class:`~convviz.core.spec.ConvSpec` and :mod:`convviz.core.arithmetic` /
:mod:`convviz.core.frameworks`; nothing is typed in or computed twice.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from convviz.core.arithmetic import (
    canvas_pads,
)
from convviz.core.spec import CellKind, ConvSpec
from convviz.errors import SpecError
from convviz.site.text import TEXT

__all__ = [
    "Block",
    "Card",
    "CodeLine",
    "Figure",
    "GridCell",
    "HoverGrid",
    "Image",
    "ImageJob",
    "Link",
    "Section",
    "SiteModel",
    "Table",
    "alt_text",
    "drawn_as",
    "hover_grid",
    "playground_fragment",
    "shape_row",
    "window_starts",
]

# -------------------------------------------------------------------------------------------
# the pictures

#: the theme the gallery's pictures are drawn in; an SVG follows the page into the dark
#: scheme by itself (convviz.site.themed), the GIF and PNG downloads stay light
LIGHT_THEME = "classic"


@dataclass(frozen=True)
class ImageJob:
    """One picture file of the site and how to make it.

    ``path`` is relative to the output directory: ``img/<name>.svg`` (shown on the
    page), ``.gif`` or ``.png`` (downloads); ``source`` a preset or diagram name for
    ``convviz.animate``; ``options`` the keyword arguments of ``animate`` (sorted
    pairs); ``still`` is None for an animation, else ``"representative"``: the
    animation's representative frame alone.
    ``identity`` holds what the picture depends on besides the renderer's code
    (the spec's repr, the preset's options); the build hashes it.
    ``optional``: a failure drops a link, not the card. The animations carry no
    labels (``labels=False``): the words are in the page, in its language, so both
    languages share them; a picture with words of its own (a diagram) is drawn per
    language when the renderer takes ``lang`` (``<name>-zh.svg``).
    """

    path: str
    source: str
    options: tuple[tuple[str, Any], ...]
    still: str | None
    identity: str
    optional: bool = False

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.options)


@dataclass(frozen=True)
class Image:
    path: str  # URL relative to the page
    alt: str
    width: int = 0
    height: int = 0
    min_width: int = 0  # display width below which its smallest text is under 10 CSS px
    inline: str = ""  # the SVG's markup, to put in the page (its CSS in SiteModel.picture_css)


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    lang: str = ""  # the language of the page linked to, when it is another one


@dataclass(frozen=True)
class CodeLine:
    label: str
    code: str


@dataclass(frozen=True)
class Figure:
    """An animation with its still (shown instead under prefers-reduced-motion)."""

    label: str
    animation: Image
    still: Image | None
    zoom: bool = False  # a big picture: a tap opens it full size
    downloads: tuple[Link, ...] = ()  # the same picture as a GIF and a PNG still


@dataclass(frozen=True)
class GridCell:
    kind: str  # "input" | "padding" | "zero"
    canvas: str  # "r,c" canvas coordinates
    input: str  # "r,c" input coordinates, "" if not an input cell


@dataclass(frozen=True)
class HoverGrid:
    """The interactive index map of one spec (1-D or 2-D).

    ``data`` is embedded as JSON: ``taps`` and ``input_taps`` are the engine's
    maps flattened to (number of output cells, number of taps, ndim), output
    cells in row-major order; the script highlights ``taps`` on the canvas and
    ``input_taps`` (−1 skipped) on the input cells.
    """

    id: str
    label: str
    canvas: tuple[tuple[GridCell, ...], ...]  # rows
    output: tuple[tuple[tuple[int, str], ...], ...]  # rows of (flat index, aria label)
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    caption: str
    figures: tuple[Figure, ...]
    links: tuple[Link, ...] = ()
    formula: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()
    code: tuple[CodeLine, ...] = ()
    grid: HoverGrid | None = None
    note: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # right-align these columns


@dataclass(frozen=True)
class Block:
    """One piece of a section; ``kind`` picks the template macro.

    kinds: ``text`` (paragraphs), ``cards`` (a grid of cards, ``per_row``),
    ``table``, ``code`` (labelled code lines), ``formulas`` (``gated``),
    ``heading`` (a sub-heading in ``title``), ``sources`` (``links`` under ``title``).
    """

    kind: str
    title: str = ""
    paragraphs: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    per_row: int = 4
    table: Table | None = None
    code: tuple[CodeLine, ...] = ()
    note: str = ""
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    number: int
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SiteModel:
    lang: str
    html_lang: str
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    text: Mapping[str, str]
    version: str
    omitted: tuple[str, ...] = ()  # cards left out (picture missing), for the report
    root: str = ""  # the page's way back to the output folder ("" or "../")
    languages: tuple[Link, ...] = ()  # the same page in the other languages
    picture_css: str = ""  # the CSS the inlined pictures share, once

    @property
    def cards(self) -> list[Card]:
        return [c for s in self.sections for b in s.blocks for c in b.cards]


# -------------------------------------------------------------------------------------------
# small formatting helpers


def _size(values: Sequence[int]) -> str:
    return "×".join(str(v) for v in values)


def _num(value: int) -> str:
    return f"{value:,}"


def _one(values: Sequence[int]) -> int | tuple[int, ...]:
    """An int when every axis agrees (the frameworks' shorthand), else the tuple."""
    return values[0] if len(set(values)) == 1 else tuple(values)


def drawn_as(spec: ConvSpec, lang: str) -> str:
    """How the gather view draws a transposed spec, in words (every axis).

    The input is stretched with s − 1 zeros between neighbouring cells, then
    k̂ − 1 − p cells are added on each side; a negative count cuts cells off.
    A count that differs between axes is given per axis (rows first).
    """
    t = TEXT[lang]
    pads = canvas_pads(spec)
    gaps = _zeros(tuple(g.stride - 1 for g in spec.axes), t)

    def side(counts: Sequence[int], where: str) -> str:
        n = _one([abs(c) for c in counts])
        return (t["side_pad"] if min(counts) >= 0 else t["side_cut"]).format(
            n=n if isinstance(n, int) else ", ".join(map(str, n)), where=t[where])

    before = side([b for b, _ in pads], "before")
    after = side([a for _, a in pads], "after")

    return t["drawn_as_value"].format(
        stretched=_size(tuple(a.stretched_size for a in spec.axes)), zeros=gaps,
        before=before, after=after)


def _zeros(gaps: Sequence[int], t: Mapping[str, str]) -> str:
    """'no zeros', '1 zero', 'n zeros' or 'a, b zeros' (per axis) in the page's language."""
    n = _one(gaps)
    if isinstance(n, tuple):
        return t["zeros_many"].format(n=", ".join(map(str, n)))
    return t["zeros_none"] if n == 0 else t["zeros_one"] if n == 1 else t["zeros_many"].format(n=n)


def scatter_frames(spec: ConvSpec) -> int:
    """Frames of the scatter view: one per input cell, then the summed output."""
    return math.prod(spec.input_size) + 1


def paired_durations(gather: int, scatter: int) -> tuple[float, float]:
    """Seconds per frame of a gather and a scatter view of ``gather`` and ``scatter`` frames
    so that both loops last exactly as long, in the whole centiseconds a GIF stores.

    The loop is the shortest common multiple of both frame counts (in centiseconds)
    that gives the gather view at least 1 s a frame, so the two views shown side by
    side start every loop together.
    """
    unit = math.lcm(gather, scatter)
    loop = unit * math.ceil(100 * gather / unit)  # centiseconds
    return loop // gather / 100, loop // scatter / 100


def _list(values: Sequence[int]) -> str:
    """One number when every axis agrees, else the numbers separated by commas."""
    one = _one(values)
    return str(one) if isinstance(one, int) else ",".join(map(str, one))


def playground_fragment(spec: ConvSpec) -> str:
    """The playground's URL fragment for ``spec`` (``#n=2&i=5&k=3&s=2&p=1``).

    The fields are the ones templates/playground.html reads: n (axes), i, k, s, p,
    d, t (transposed), op, g, ci, co; a padding is a name (``same``, ``causal``),
    one number, a number per axis, or before/after pairs per axis.
    """
    padding = spec.padding
    if isinstance(padding, str):
        pad = padding
    elif all(lo == hi for lo, hi in padding):
        pad = _list([lo for lo, _ in padding])
    else:
        pad = ",".join(f"{lo}/{hi}" for lo, hi in padding)
    c_in, c_out = spec.channels
    parts = [("n", str(spec.ndim)), ("i", _list(spec.input_size)),
             ("k", _list(spec.kernel_size)), ("s", _list(spec.stride)), ("p", pad),
             ("d", _list(spec.dilation)), ("t", "1" if spec.transposed else ""),
             ("op", _list(spec.output_padding)), ("g", str(spec.groups)),
             ("ci", str(c_in) if c_in != 1 else ""), ("co", str(c_out) if c_out != 1 else "")]
    return "#" + "&".join(f"{key}={value}" for key, value in parts if value)


# -------------------------------------------------------------------------------------------
# the hover map


def _coord(index: Iterable[int]) -> str:
    return ",".join(str(int(v)) for v in index)


@functools.lru_cache(maxsize=512)
def hover_grid(spec: ConvSpec, grid_id: str, label: str, out_label: str) -> HoverGrid:
    """The interactive index map of a 1-D or 2-D spec, straight from its index maps.

    ``out_label`` formats each output cell's aria label with ``{pos}``. (Kept: a build
    gathers its pages twice, and a rebuild in the same process asks again; do not change
    what it returns.)
    """
    if spec.ndim > 2:
        raise SpecError(f"hover_grid draws 1-D and 2-D specs, got ndim={spec.ndim}")
    kind = spec.canvas_kind
    canvas_input = spec.canvas_input
    names = {CellKind.INPUT: "input", CellKind.PADDING: "padding", CellKind.ZERO: "zero"}
    shape2 = kind.shape if spec.ndim == 2 else (1,) + kind.shape
    rows = []
    for r in range(shape2[0]):
        row = []
        for c in range(shape2[1]):
            index = (r, c) if spec.ndim == 2 else (c,)
            inp = canvas_input[index]
            row.append(GridCell(names[CellKind(int(kind[index]))], _coord(index),
                                _coord(inp) if inp[0] >= 0 else ""))
        rows.append(tuple(row))
    out = spec.output_size
    out2 = out if spec.ndim == 2 else (1,) + out
    cells = []
    for r in range(out2[0]):
        cells.append(tuple(
            (r * out2[1] + c, out_label.format(pos=f"({r}, {c})" if spec.ndim == 2 else str(c)))
            for c in range(out2[1])
        ))
    n_out = math.prod(out)
    n_k = math.prod(spec.kernel_size)
    data = {
        "ndim": spec.ndim,
        "output": list(out),
        "taps": spec.taps.reshape(n_out, n_k, spec.ndim).tolist(),
        "input_taps": spec.input_taps.reshape(n_out, n_k, spec.ndim).tolist(),
    }
    return HoverGrid(grid_id, label, tuple(rows), tuple(cells), data)


# -------------------------------------------------------------------------------------------
# shapes, window starts, stacks, counts


def shape_row(spec: ConvSpec) -> tuple[str, str, str]:
    """(PyTorch in → out, Keras in → out, padding per side) for one spec, batch 1."""
    c_in, c_out = spec.channels
    i, o = spec.input_size, spec.output_size
    torch = f"{(1, c_in, *i)} → {(1, c_out, *o)}"
    keras = f"{(1, *i, c_in)} → {(1, *o, c_out)}"
    pads = ", ".join(f"{lo}/{hi}" for lo, hi in zip(spec.padding_before, spec.padding_after))
    return torch.replace(",)", ")"), keras.replace(",)", ")"), pads


def window_starts(spec: ConvSpec, axis: int = 0) -> tuple[int, ...]:
    """Input position of every window's first tap along ``axis`` (negative: in the padding)."""
    g = spec.axes[axis]
    return tuple(int(v) for v in g.canvas_taps()[:, 0] - g.canvas_padding[0])


# -------------------------------------------------------------------------------------------
# alt text


def alt_text(spec: ConvSpec, lang: str, *, view: str = "gather", still: bool = False,
             numbers: bool = False) -> str:
    """A sentence describing the picture of ``spec``, from its numbers."""
    t = TEXT[lang]
    what = t["alt_still" if still else "alt_animation"] + (t["alt_numbers"] if numbers else "")
    if lang == "en":
        what = what.replace(" with numbers ", " with numbers, ")
    d = "" if set(spec.dilation) == {1} else t["alt_dil"].format(d=_one(spec.dilation))
    k, i, o = _size(spec.kernel_size), _size(spec.input_size), _size(spec.output_size)
    if spec.transposed and view == "scatter":
        p = spec.padding_before
        crop = t["alt_crop"].format(p=_one(p)) if any(p) else ""
        return t["alt_scatter"].format(what=what, i=i, k=k, o=o, s=_one(spec.stride), crop=crop)
    if spec.transposed:
        cb = _one([before for before, _ in spec.canvas_padding])
        ca = _one([after for _, after in spec.canvas_padding])
        gaps = [st - 1 for st in spec.stride]
        zeros = t["alt_zeros"].format(zeros=_zeros(gaps, t)) if any(gaps) else ""
        return t["alt_transposed"].format(what=what, i=i, zeros=zeros, cb=cb, ca=ca, k=k, dil=d,
                                          o=o, frames=spec.frame_count)
    lo, hi = spec.padding_before, spec.padding_after
    if not any(lo + hi):
        pad = ""
    elif lo == hi:
        pad = t["alt_pad_sym"].format(p=_one(lo))
    else:
        pad = t["alt_pad"].format(before=_one(lo), after=_one(hi))
    stride = "" if set(spec.stride) == {1} else t["alt_stride"].format(s=_one(spec.stride))
    return t["alt_direct"].format(what=what, k=k, i=i, pad=pad, stride=stride, dil=d, o=o,
                                  frames=spec.frame_count)
