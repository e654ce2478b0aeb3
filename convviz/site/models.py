"""View models of the gallery: exactly what the templates need, computed from the engine.

Pure data (NumPy only, no drawing, no Jinja): :func:`collect` turns the preset
and diagram tables into a :class:`SiteModel` (sections → blocks → cards) and
the list of :class:`ImageJob` s the pictures need. Every number on the page —
output sizes, paddings, formulas, parameter and multiplication counts,
receptive fields, the hover maps — comes from :class:`~convviz.core.spec.ConvSpec`
and :func:`~convviz.core.engine.receptive_field`; nothing is typed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from convviz.core.engine import receptive_field
from convviz.core.spec import AxisGeometry, CellKind, ConvSpec
from convviz.errors import SpecError
from convviz.site.text import DIAGRAM_TITLES_ZH, LANGS, PRESET_TITLES_ZH, TEXT

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
    "collect",
    "diagram_roles",
    "direct_formula",
    "hover_grid",
    "keras_code",
    "path_lengths",
    "pytorch_code",
    "separable_counts",
    "shape_row",
    "stack_receptive_field",
    "transposed_formula",
    "window_starts",
]

# -------------------------------------------------------------------------------------------
# the pictures


@dataclass(frozen=True)
class ImageJob:
    """One picture file of the site and how to make it.

    ``path`` is relative to the output directory (``img/<name>.gif``);
    ``source`` a preset or diagram name for ``convviz.animate``; ``options``
    the keyword arguments of ``animate`` (sorted pairs); ``still`` is None for
    an animated GIF, else ``"representative"``: a PNG of the animation's
    representative frame.
    ``identity`` holds what the picture depends on besides the renderer's code
    (the spec's repr, the preset's options); the build hashes it.
    ``optional``: a failure drops a link, not the card.
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
    path: str  # URL relative to index.html
    alt: str
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class Link:
    href: str
    label: str


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
    ``heading`` (a sub-heading in ``title``).
    """

    kind: str
    title: str = ""
    paragraphs: tuple[str, ...] = ()
    cards: tuple[Card, ...] = ()
    per_row: int = 4
    table: Table | None = None
    code: tuple[CodeLine, ...] = ()
    note: str = ""


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


def _axis_names(ndim: int) -> tuple[str, ...]:
    return {1: ("",), 2: ("H: ", "W: "), 3: ("D: ", "H: ", "W: ")}[ndim]


def _distinct_axes(spec: ConvSpec) -> list[tuple[str, AxisGeometry]]:
    """One axis when all axes are alike (square), else every axis with its name."""
    axes = spec.axes
    if all(a == axes[0] for a in axes):
        return [("", axes[0])]
    return list(zip(_axis_names(spec.ndim), axes))


# -------------------------------------------------------------------------------------------
# formulas, with the numbers filled in


def direct_formula(spec: ConvSpec) -> tuple[str, ...]:
    """``o = ⌊(i + 2p − k)/s⌋ + 1 = ⌊(5 + 2·1 − 3)/2⌋ + 1 = 3``, one line per distinct axis.

    The value is evaluated from the filled-in numbers and checked against the
    engine's output size.
    """
    if spec.transposed:
        raise SpecError("direct_formula needs a direct convolution; use transposed_formula")
    lines = []
    for name, g in _distinct_axes(spec):
        i, k, s, d, lo, hi = (g.input_size, g.kernel_size, g.stride, g.dilation,
                              g.pad_before, g.pad_after)
        if lo == hi and d == 1:
            value = (i + 2 * lo - k) // s + 1
            text = f"o = ⌊(i + 2p − k)/s⌋ + 1 = ⌊({i} + 2·{lo} − {k})/{s}⌋ + 1 = {value}"
        elif lo == hi:
            value = (i + 2 * lo - d * (k - 1) - 1) // s + 1
            text = (f"o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1 = "
                    f"⌊({i} + 2·{lo} − {d}·({k} − 1) − 1)/{s}⌋ + 1 = {value}")
        else:
            value = (i + lo + hi - d * (k - 1) - 1) // s + 1
            text = (f"o = ⌊(i + p_before + p_after − d(k − 1) − 1)/s⌋ + 1 = "
                    f"⌊({i} + {lo} + {hi} − {d}·({k} − 1) − 1)/{s}⌋ + 1 = {value}")
        _check(value, g.output_size, text)
        lines.append(name + text)
    return tuple(lines)


def transposed_formula(spec: ConvSpec) -> tuple[str, ...]:
    """``o = s(i − 1) + a + k − 2p = …`` (PyTorch's ConvTranspose size), per distinct axis."""
    if not spec.transposed:
        raise SpecError("transposed_formula needs a transposed convolution; use direct_formula")
    lines = []
    for name, g in _distinct_axes(spec):
        i, k, s, d, lo, hi, a = (g.input_size, g.kernel_size, g.stride, g.dilation,
                                 g.pad_before, g.pad_after, g.output_padding)
        if lo == hi and d == 1:
            value = s * (i - 1) + a + k - 2 * lo
            text = f"o = s(i − 1) + a + k − 2p = {s}·({i} − 1) + {a} + {k} − 2·{lo} = {value}"
        elif lo == hi:
            value = (i - 1) * s - 2 * lo + d * (k - 1) + a + 1
            text = (f"o = (i − 1)s − 2p + d(k − 1) + a + 1 = "
                    f"({i} − 1)·{s} − 2·{lo} + {d}·({k} − 1) + {a} + 1 = {value}")
        else:
            value = (i - 1) * s - lo - hi + d * (k - 1) + a + 1
            text = (f"o = (i − 1)s − p_before − p_after + d(k − 1) + a + 1 = "
                    f"({i} − 1)·{s} − {lo} − {hi} + {d}·({k} − 1) + {a} + 1 = {value}")
        _check(value, g.output_size, text)
        lines.append(name + text)
    return tuple(lines)


def _check(value: int, engine: int, text: str) -> None:
    if value != engine:  # pragma: no cover - would be an engine/formula disagreement
        raise AssertionError(f"formula {text!r} disagrees with the engine's output size {engine}")


# -------------------------------------------------------------------------------------------
# framework code lines


def _kwargs(pairs: Iterable[tuple[str, Any, Any]]) -> str:
    """``name=value`` for every (name, value, default) whose value is not the default."""
    return ", ".join(f"{n}={v!r}" for n, v, default in pairs if v != default)


def pytorch_code(spec: ConvSpec) -> tuple[str, ...]:
    """The PyTorch layer(s) computing ``spec`` (one channel unless the spec has more)."""
    c_in, c_out = spec.channels
    n = spec.ndim
    k, s, d = _one(spec.kernel_size), _one(spec.stride), _one(spec.dilation)
    lines = []
    if spec.transposed:
        sym = spec.padding_before == spec.padding_after
        crop = _one(spec.padding_before) if sym else None
        args = _kwargs([("stride", s, 1), ("padding", crop, 0),
                        ("output_padding", _one(spec.applied_output_padding), 0),
                        ("groups", spec.groups, 1), ("dilation", d, 1)])
        layer = f"nn.ConvTranspose{n}d({c_in}, {c_out}, kernel_size={k!r}"
        lines.append(layer + (", " + args if args else "") + ")")
        if not sym:
            lines.append("# PyTorch crops the same padding on both sides; crop the output by hand")
        return tuple(lines)
    sym = spec.padding_before == spec.padding_after
    if sym:
        p: Any = _one(spec.padding_before)
    else:
        # F.pad takes (before, after) pairs from the last axis backwards
        pads = tuple(v for lo, hi in reversed(list(zip(spec.padding_before, spec.padding_after)))
                     for v in (lo, hi))
        lines.append(f"x = F.pad(x, {pads!r})")
        p = 0
    args = _kwargs([("stride", s, 1), ("padding", p, 0), ("dilation", d, 1),
                    ("groups", spec.groups, 1)])
    layer = f"nn.Conv{n}d({c_in}, {c_out}, kernel_size={k!r}"
    lines.append(layer + (", " + args if args else "") + ")")
    return tuple(lines)


def _same_as(spec: ConvSpec, padding: str) -> bool:
    """Whether padding=<name> gives exactly spec's geometry."""
    try:
        other = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride,
                         dilation=spec.dilation, padding=padding, transposed=spec.transposed)
    except SpecError:
        return False
    return (other.output_size == spec.output_size
            and other.padding_before == spec.padding_before
            and other.padding_after == spec.padding_after
            and other.applied_output_padding == spec.applied_output_padding)


def keras_code(spec: ConvSpec) -> tuple[str, ...]:
    """The Keras 3 layer(s) computing ``spec``: a padding name where one fits, else explicit
    ZeroPadding / Cropping layers (Keras pads symmetrically only through them)."""
    c_in, c_out = spec.channels
    n = spec.ndim
    k, s, d = _one(spec.kernel_size), _one(spec.stride), _one(spec.dilation)
    pads = list(zip(spec.padding_before, spec.padding_after))
    pad_arg: Any = tuple(pads) if n > 1 else pads[0]
    lines = []
    if spec.transposed:
        if _same_as(spec, "same"):
            padding = "same"
        else:
            padding = "valid"
        args = _kwargs([("strides", s, 1), ("padding", padding, None),
                        ("dilation_rate", d, 1)])
        a = spec.applied_output_padding
        default = tuple(max(k_hat, st) - k_hat
                        for k_hat, st in zip(spec.effective_kernel_size, spec.stride))
        if padding == "valid" and a != default:
            args += f", output_padding={_one(a)!r}"
        lines.append(f"layers.Conv{n}DTranspose({c_out}, {k!r}, {args})")
        if padding == "valid" and any(v for pair in pads for v in pair):
            lines.append(f"layers.Cropping{n}D({pad_arg!r})")
        return tuple(lines)
    if not any(v for pair in pads for v in pair):
        padding = "valid"
    elif _same_as(spec, "same"):
        padding = "same"
    elif n == 1 and _same_as(spec, "causal"):
        padding = "causal"
    else:
        lines.append(f"layers.ZeroPadding{n}D({pad_arg!r})")
        padding = "valid"
    if spec.groups == c_in and c_out % c_in == 0 and spec.groups > 1 and n == 2:
        args = _kwargs([("strides", s, 1), ("padding", padding, None),
                        ("depth_multiplier", c_out // c_in, 1), ("dilation_rate", d, 1)])
        lines.append(f"layers.DepthwiseConv2D({k!r}, {args})")
    else:
        args = _kwargs([("strides", s, 1), ("padding", padding, None),
                        ("dilation_rate", d, 1), ("groups", spec.groups, 1)])
        lines.append(f"layers.Conv{n}D({c_out}, {k!r}, {args})")
    if set(spec.stride) != {1} and set(spec.dilation) != {1}:
        lines.append("# Keras refuses strides > 1 together with dilation_rate > 1")
    return tuple(lines)


# -------------------------------------------------------------------------------------------
# the hover map


def _coord(index: Iterable[int]) -> str:
    return ",".join(str(int(v)) for v in index)


def hover_grid(spec: ConvSpec, grid_id: str, label: str, out_label: str) -> HoverGrid:
    """The interactive index map of a 1-D or 2-D spec, straight from its index maps.

    ``out_label`` formats each output cell's aria label with ``{pos}``.
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


def stack_receptive_field(kernel: int, dilations: Sequence[int]) -> tuple[int, int]:
    """(receptive field, parameter count) of a stride-1 stack of 1-D convolutions."""
    specs = [ConvSpec((1,), kernel, dilation=d, padding="same") for d in dilations]
    return receptive_field(specs).size[0], sum(s.parameter_count for s in specs)


def _layers_needed(n: int, layer: Callable[[int], ConvSpec]) -> int:
    """Fewest layers ``layer(0), layer(1), …`` (stride 1) whose receptive field spans n inputs.

    A stride-1 stack's receptive field grows by each layer's own field minus one,
    so one engine call per distinct layer suffices (no n-layer dependency chains).
    """
    growth: dict[ConvSpec, int] = {}
    span, count = 1, 0
    while span < n:
        spec = layer(count)
        if set(spec.stride) != {1}:
            raise SpecError("_layers_needed counts stride-1 stacks only")
        if spec not in growth:
            growth[spec] = receptive_field(spec).size[0] - 1
        span += growth[spec]
        count += 1
    return count


def path_lengths(ns: Sequence[int], kernel: int = 3, dilated_kernel: int = 2
                 ) -> list[tuple[int, int, int, int]]:
    """Rows (N, RNN steps, plain-conv layers, dilated-conv layers) for each N."""
    rows = []
    for n in ns:
        plain = _layers_needed(n, lambda l: ConvSpec((1,), kernel, padding="same"))
        dilated = _layers_needed(
            n, lambda l: ConvSpec((1,), dilated_kernel, dilation=2**l, padding="same"))
        rows.append((n, n, plain, dilated))
    return rows


def separable_counts(i: int = 12, k: int = 5, c_in: int = 3, c_out: int = 256
                     ) -> dict[str, ConvSpec]:
    """The standard, depthwise and pointwise convolutions of the worked example."""
    standard = ConvSpec(i, k, in_channels=c_in, out_channels=c_out)
    depthwise = ConvSpec(i, k, groups=c_in, in_channels=c_in, out_channels=c_in)
    pointwise = ConvSpec(depthwise.output_size, 1, in_channels=c_in, out_channels=c_out)
    return {"standard": standard, "depthwise": depthwise, "pointwise": pointwise}


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
        zeros = t["alt_zeros"].format(n=_one(gaps)) if any(gaps) else ""
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


# -------------------------------------------------------------------------------------------
# collecting the site


#: which diagram plays which part, matched against diagrams.DIAGRAM_PRESETS names
DIAGRAM_ROLES: dict[str, tuple[str, ...]] = {
    "path_length": ("path_length", "path"),
    "dilated_stack": ("stack_plain_vs_dilated", "dilated_stack", "stack"),
    "wavenet": ("wavenet",),
    "separable": ("separable_conv", "separable"),
    "glu_block": ("glu_block", "glu"),
    "glu_same": ("glu_block_same",),
    "highway_block": ("highway_block", "highway", "dgcnn"),
}


def diagram_roles(names: Iterable[str]) -> dict[str, str]:
    """role -> diagram name, the first name matching each role's patterns (exact first)."""
    names = list(names)
    roles: dict[str, str] = {}
    for role, patterns in DIAGRAM_ROLES.items():
        for pattern in patterns:
            hit = [n for n in names if n == pattern] or [n for n in names if pattern in n]
            hit = [n for n in hit if n not in roles.values()]
            if hit:
                roles[role] = hit[0]
                break
    return roles


@dataclass
class _Pictures:
    """Registers the pictures cards ask for; answers None for those that cannot be made."""

    available: Callable[[str], bool]
    failed: frozenset[str]
    identities: Mapping[str, str]
    sizes: Mapping[str, tuple[int, int]]
    jobs: dict[str, ImageJob] = field(default_factory=dict)

    def add(self, source: str, alt: str, *, still: bool = False, numbers: bool = False,
            view: str = "gather", optional: bool = False) -> Image | None:
        if not self.available(source):
            return None
        suffix = ("-numbers" if numbers else "") + ("-scatter" if view == "scatter" else "")
        path = f"img/{source}{suffix}.{'png' if still else 'gif'}"
        options: dict[str, Any] = {}
        if numbers:
            options["numbers"] = True
        if view != "gather":
            options["view"] = view
        job = ImageJob(path, source, tuple(sorted(options.items())),
                       "representative" if still else None,
                       self.identities.get(source, source), optional)
        self.jobs[path] = job
        if path in self.failed:
            return None
        w, h = self.sizes.get(path, (0, 0))
        return Image(path, alt, w, h)


def _title(preset: Any, lang: str) -> str:
    if lang == "zh":
        if preset.name in PRESET_TITLES_ZH:
            return PRESET_TITLES_ZH[preset.name]
        if preset.name.endswith("_transposed") and preset.name[:-11] in PRESET_TITLES_ZH:
            return PRESET_TITLES_ZH[preset.name[:-11]] + "，转置"
    return preset.title


class _Builder:
    def __init__(self, lang: str, pics: _Pictures, presets: Mapping[str, Any],
                 diagrams: Mapping[str, Any]):
        self.lang = lang
        self.t = TEXT[lang]
        self.pics = pics
        self.presets = presets
        self.diagrams = diagrams
        self.roles = diagram_roles(diagrams)
        self.omitted: list[str] = []

    # -- cards ------------------------------------------------------------------------------
    def _figure(self, name: str, spec: ConvSpec | None, label: str = "", view: str = "gather",
                alt: Callable[[bool], str] | None = None) -> Figure | None:
        def alt_for(still: bool) -> str:
            if alt is not None:
                return alt(still)
            assert spec is not None
            return alt_text(spec, self.lang, view=view, still=still)

        anim = self.pics.add(name, alt_for(False), view=view)
        if anim is None:
            return None
        still = self.pics.add(name, alt_for(True), still=True, view=view, optional=True)
        return Figure(label, anim, still)

    def _links(self, name: str, spec: ConvSpec, figures: Sequence[Figure]) -> tuple[Link, ...]:
        links = []
        for fig in figures:
            if fig.still is not None:
                label = self.t["still"] + (f" ({fig.label})" if fig.label else "")
                links.append(Link(fig.still.path, label))
        # the numbers-mode version as a still: drawing every numbers frame costs ~10× an
        # oblique frame, and the paper's numerical figures are stills too
        numbers = self.pics.add(name, alt_text(spec, self.lang, still=True, numbers=True),
                                still=True, numbers=True, optional=True)
        if numbers is not None:
            links.append(Link(numbers.path, self.t["numbers"]))
        return tuple(links)

    def conv_card(self, name: str, *, grid: bool = True, anchor: str = "") -> Card | None:
        """The card of preset ``name``; ``anchor`` makes its ids unique when shown twice."""
        anchor = anchor or name
        preset = self.presets.get(name)
        if preset is None:
            self.omitted.append(name)
            return None
        spec: ConvSpec = preset.spec
        title = _title(preset, self.lang)
        if spec.transposed:
            figs = [self._figure(name, spec, self.t["gather_view"]),
                    self._figure(name, spec, self.t["scatter_view"], view="scatter")]
            figures = tuple(f for f in figs if f is not None)
            if not figs[0]:
                self.omitted.append(name)
                return None
        else:
            fig = self._figure(name, spec)
            if fig is None:
                self.omitted.append(name)
                return None
            figures = (fig,)
        params: list[tuple[str, str]] = []
        code: list[CodeLine] = []
        if spec.transposed:
            formula = transposed_formula(spec)
            direct = spec.transpose()
            params.append((self.t["transposes"],
                           " ".join(pytorch_code(direct)) + f"  # {_size(direct.input_size)} → "
                           f"{_size(direct.output_size)}"))
            params.append((self.t["own_params"], " ".join(pytorch_code(spec))))
            g = spec.axes[0]
            params.append((self.t["drawn_as"], self.t["drawn_as_value"].format(
                stretched=_size(tuple(a.stretched_size for a in spec.axes)),
                zeros=g.stride - 1, before=g.canvas_padding[0], after=g.canvas_padding[1])))
        else:
            formula = direct_formula(spec)
            code.extend(CodeLine("PyTorch", line) for line in pytorch_code(spec))
        code.extend(CodeLine("Keras", line) for line in keras_code(spec))
        hover = None
        if grid and spec.ndim <= 2:
            hover = hover_grid(spec, f"grid-{anchor}", self.t["grid_label"].format(title=title),
                               self.t["out_cell"])
        return Card(
            id=anchor, title=title, caption=spec.describe(), figures=figures,
            links=self._links(name, spec, figures), formula=formula, params=tuple(params),
            code=tuple(code), grid=hover, note=preset.description if self.lang == "en" else "",
            wide=spec.transposed,
        )

    def diagram_card(self, role: str, *, note: str = "") -> Card | None:
        name = self.roles.get(role)
        if name is None:
            self.omitted.append(role)
            return None
        d = self.diagrams[name]
        title = DIAGRAM_TITLES_ZH.get(role, d.title) if self.lang == "zh" else d.title
        description = d.description if self.lang == "en" else ""
        def alt(still: bool) -> str:
            what = self.t["alt_still" if still else "alt_animation"].strip()
            return self.t["alt_diagram"].format(what=what, title=title,
                                                description=description).strip()

        fig = self._figure(name, None, alt=alt)
        if fig is None:
            self.omitted.append(name)
            return None
        links = (Link(fig.still.path, self.t["still"]),) if fig.still else ()
        return Card(id=name, title=title, caption="", figures=(fig,), links=links,
                    note=note or description, wide=True)

    @staticmethod
    def _cards(*cards: Card | None) -> tuple[Card, ...]:
        return tuple(c for c in cards if c is not None)

    # -- sections ---------------------------------------------------------------------------
    def why(self) -> tuple[Block, ...]:
        t = self.t
        rows = path_lengths((16, 128, 1024))
        table = Table(t["why_table"],
                      (t["why_n"], t["why_rnn"], t["why_plain"].format(k=3),
                       t["why_dilated"].format(k=2)),
                      tuple(tuple(_num(v) for v in row) for row in rows),
                      (True, True, True, True))
        return (Block("text", paragraphs=(t["why_p1"],)),
                Block("cards", cards=self._cards(self.diagram_card("path_length")), per_row=1),
                Block("text", paragraphs=(t["why_p2"],)),
                Block("table", table=table))

    def basic(self) -> tuple[Block, ...]:
        names = [n for n, p in self.presets.items() if p.classic and p.family == "direct"]
        return (Block("text", paragraphs=(self.t["basic_p1"], self.t["legend"])),
                Block("cards", cards=self._cards(*(self.conv_card(n) for n in names)), per_row=4))

    def transposed(self) -> tuple[Block, ...]:
        names = [n for n, p in self.presets.items() if p.classic and p.family == "transposed"]
        ours = [n for n in ("output_padding_transposed", "dilation_transposed")
                if n in self.presets]
        return (Block("text", paragraphs=(self.t["tr_p1"], self.t["tr_p2"])),
                Block("cards", cards=self._cards(*(self.conv_card(n) for n in names)), per_row=2),
                Block("heading", title=self.t["tr_ours"]),
                Block("cards", cards=self._cards(*(self.conv_card(n) for n in ours)), per_row=2))

    def dilated(self) -> tuple[Block, ...]:
        t = self.t
        rows = []
        for k, dil in ((3, (1, 1, 1)), (3, (1, 2, 4)), (2, (1, 2, 4, 8))):
            rf, params = stack_receptive_field(k, dil)
            rows.append((str(len(dil)), str(k), ", ".join(map(str, dil)), str(rf), str(params)))
        table = Table(t["dil_table"], (t["dil_layers"], t["dil_kernel"], t["dil_dilations"],
                                       t["dil_rf"], t["dil_params"]),
                      tuple(rows), (True, True, False, True, True))
        code = (
            CodeLine("Keras", "Conv1D(filters=config.filters,\n       "
                              "kernel_size=config.kernel_size,\n       dilation_rate=2)"),
            CodeLine("PyTorch", "nn.Conv1d(in_channels, config.filters,\n          "
                                "kernel_size=config.kernel_size,\n          dilation=2)"),
        )
        return (Block("text", paragraphs=(t["dil_p1"],)),
                Block("cards", cards=self._cards(self.conv_card("dilation")), per_row=2),
                Block("heading", title=t["dil_stack"]),
                Block("cards", cards=self._cards(self.diagram_card("dilated_stack"),
                                                 self.diagram_card("wavenet")), per_row=1),
                Block("table", table=table),
                Block("code", title=t["dil_code"], code=code, note=t["dil_code_note"]))

    def separable(self) -> tuple[Block, ...]:
        t = self.t
        ex = separable_counts()
        std, dw, pw = ex["standard"], ex["depthwise"], ex["pointwise"]
        k = std.kernel_size[0]
        rows = (
            (t["sep_standard"], _num(std.parameter_count), _num(std.multiply_count)),
            (t["sep_depthwise"].format(k=k), _num(dw.parameter_count), _num(dw.multiply_count)),
            (t["sep_pointwise"], _num(pw.parameter_count), _num(pw.multiply_count)),
            (t["sep_total"], _num(dw.parameter_count + pw.parameter_count),
             _num(dw.multiply_count + pw.multiply_count)),
        )
        caption = t["sep_table"].format(i=std.input_size[0], c_in=std.channels[0], k=k,
                                        c_out=std.channels[1], o=std.output_size[0])
        table = Table(caption, (t["sep_layer"], t["sep_params"], t["sep_mults"]), rows,
                      (False, True, True))
        sep = dw.multiply_count + pw.multiply_count
        ratio = t["sep_ratio"].format(ratio=f"{100 * sep / std.multiply_count:.1f}%",
                                      sep=_num(sep), std=_num(std.multiply_count))
        return (Block("text", paragraphs=(t["sep_p1"],)),
                Block("cards", cards=self._cards(self.diagram_card("separable")), per_row=1),
                Block("cards", cards=self._cards(self.conv_card("depthwise")), per_row=2),
                Block("table", table=table),
                Block("text", paragraphs=(ratio,)))

    def shapes(self) -> tuple[Block, ...]:
        t = self.t
        rows = []
        for preset in self.presets.values():
            if preset.family not in ("direct", "transposed", "dilated", "ours"):
                continue
            rows.append((_title(preset, self.lang), preset.spec.describe(),
                         *shape_row(preset.spec)))
        table = Table(t["sh_table"], (t["sh_case"], t["caption_label"], t["sh_torch"],
                                      t["sh_keras"], t["sh_pad"]),
                      tuple(rows), (False, False, False, False, False))
        blocks = [Block("text", paragraphs=(t["sh_p1"],)), Block("table", table=table)]
        tf, pt = self.presets.get("tf_same_strides"), self.presets.get("padding_strides_odd")
        if tf is not None and pt is not None:
            p_torch = _one(pt.spec.padding_before)
            para = t["sh_same_p"].format(
                tf_starts=", ".join(map(str, window_starts(tf.spec))),
                torch_p=p_torch, torch_starts=", ".join(map(str, window_starts(pt.spec))))
            blocks += [Block("heading", title=t["sh_same_title"]),
                       Block("text", paragraphs=(para,)),
                       Block("cards", cards=self._cards(self.conv_card("tf_same_strides"),
                                                        self.conv_card("padding_strides_odd",
                                                                       anchor="torch_padding_strides_odd")),
                             per_row=2)]
        causal = self.presets.get("causal_1d")
        if causal is not None:
            spec = causal.spec
            last = spec.output_size[0] - 1
            reads = [int(v) - last for v in spec.input_taps[last, :, 0]]
            reads_text = ", ".join("t" if r == 0 else f"t−{-r}" if r < 0 else f"t+{r}"
                                   for r in reads)
            para = t["sh_causal_p"].format(before=spec.padding_before[0],
                                           after=spec.padding_after[0], reads=reads_text)
            blocks += [Block("heading", title=t["sh_causal_title"]),
                       Block("text", paragraphs=(para,)),
                       Block("cards", cards=self._cards(self.conv_card("causal_1d")), per_row=2)]
        return tuple(blocks)

    def gated(self) -> tuple[Block, ...]:
        t = self.t
        k, c, n, steps = 3, 4, 4, 8
        spec = ConvSpec((steps,), k, padding="causal", in_channels=c, out_channels=n)
        cost = t["g_cost"].format(k=k, c=c, n=n, params=_num(2 * spec.parameter_count), t=steps,
                                  mults=_num(2 * spec.multiply_count),
                                  gates=_num(math.prod(spec.output_size) * n))
        return (Block("text", paragraphs=(t["g_p1"],)),
                Block("formulas"),
                Block("cards", cards=self._cards(self.diagram_card("glu_block"),
                                                 self.diagram_card("highway_block"),
                                                 self.diagram_card("glu_same")), per_row=1),
                Block("text", paragraphs=(t["g_p2"], cost)))


def collect(
    lang: str = "en",
    *,
    presets: Mapping[str, Any],
    diagrams: Mapping[str, Any],
    available: Callable[[str], bool],
    identities: Mapping[str, str],
    version: str,
    failed: Iterable[str] = (),
    sizes: Mapping[str, tuple[int, int]] | None = None,
) -> tuple[SiteModel, dict[str, ImageJob]]:
    """The whole site as a view model, and the pictures it needs (path -> job).

    ``available(name)``: whether a picture of preset/diagram ``name`` can be
    made; ``failed``: picture paths whose rendering failed (their cards, or
    links, are left out); ``sizes``: path -> (width, height) of made pictures.
    """
    if lang not in LANGS:
        raise SpecError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    pics = _Pictures(available, frozenset(failed), identities, sizes or {})
    b = _Builder(lang, pics, presets, diagrams)
    t = TEXT[lang]
    parts = [("why", t["s_why"], b.why), ("basic", t["s_basic"], b.basic),
             ("transposed", t["s_transposed"], b.transposed),
             ("dilated", t["s_dilated"], b.dilated), ("separable", t["s_separable"], b.separable),
             ("shapes", t["s_shapes"], b.shapes), ("gated", t["s_gated"], b.gated)]
    sections = tuple(Section(sid, n, title, make())
                     for n, (sid, title, make) in enumerate(parts, start=1))
    model = SiteModel(lang, t["html_lang"], t["site_title"], t["site_subtitle"], sections,
                      t, version, tuple(dict.fromkeys(b.omitted)))
    return model, pics.jobs
