"""The preset table: the 15 classic conv_arithmetic animations, then ours.

Data only. The classic parameters are those of Dumoulin & Visin's animations;
each ``*_transposed`` preset is the transposed convolution of its direct
twin (input = the direct output, output = the direct input), with the odd
remainder as output_padding, i.e. the extra row/column at the bottom/right.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from convviz.core.spec import ConvSpec
from convviz.errors import SpecError

__all__ = [
    "CLASSIC_NAMES",
    "FAMILIES",
    "PRESETS",
    "Preset",
    "get_preset",
    "list_presets",
    "presets",
]


@dataclass(frozen=True)
class Preset:
    """A named spec with a title, the family it belongs to, and render options."""

    name: str
    title: str
    spec: ConvSpec
    family: str  # "direct" | "transposed" | "dilated" | "ours" | "numbers" | "scatter"
    description: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    classic: bool = False


def _direct(name: str, title: str, i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> Preset:
    family = "dilated" if d > 1 else "direct"
    spec = ConvSpec(i, k, stride=s, padding=p, dilation=d)
    return Preset(name, title, spec, family, classic=True)


_DIRECT = [
    _direct("no_padding_no_strides", "No padding, no strides", 4, 3),
    _direct("arbitrary_padding_no_strides", "Arbitrary padding, no strides", 5, 4, p=2),
    _direct("same_padding_no_strides", "Half padding, no strides", 5, 3, p=1),
    _direct("full_padding_no_strides", "Full padding, no strides", 5, 3, p=2),
    _direct("no_padding_strides", "No padding, strides", 5, 3, s=2),
    _direct("padding_strides", "Padding, strides", 5, 3, s=2, p=1),
    _direct("padding_strides_odd", "Padding, strides (odd)", 6, 3, s=2, p=1),
]

_TRANSPOSED = [
    Preset(
        f"{p.name}_transposed",
        f"{p.title}, transposed",
        p.spec.transpose(),
        "transposed",
        description=f"The transposed convolution of {p.name}.",
        classic=True,
    )
    for p in _DIRECT
]

_DILATION = _direct("dilation", "Dilation, no padding, no strides", 7, 3, d=2)

#: the 15 classic names, in the originals' order (direct, transposed, dilation)
CLASSIC_NAMES = tuple(p.name for p in _DIRECT + _TRANSPOSED + [_DILATION])

_OURS = [
    Preset(
        "dilation_transposed",
        "Dilation, transposed",
        ConvSpec(3, 3, dilation=2, transposed=True),
        "ours",
        "The transposed convolution of 'dilation': 3×3 back to 7×7; the originals lack it.",
    ),
    Preset(
        "causal_1d",
        "Causal 1-D convolution, dilation 2",
        ConvSpec((8,), 3, dilation=2, padding="causal"),
        "ours",
        "Keras padding='causal': d(k−1) cells before, none after; output t reads t−4, t−2, t.",
    ),
    Preset(
        "tf_same_strides",
        "TensorFlow 'same' padding, stride 2",
        ConvSpec(6, 3, stride=2, padding="same"),
        "ours",
        "o = ⌈i/s⌉ with the odd padding cell after (bottom/right), unlike PyTorch's padding=1.",
    ),
    Preset(
        "output_padding_transposed",
        "Transposed, stride 2, output_padding 1",
        ConvSpec(4, 3, stride=2, padding=1, output_padding=1, transposed=True),
        "ours",
        "PyTorch's usual 2× upsampling: k=3, s=2, p=1, output_padding=1 gives o = 2i.",
    ),
    Preset(
        "depthwise",
        "Depthwise convolution (groups = channels)",
        ConvSpec(5, 3, padding=1, groups=3, in_channels=3, out_channels=3),
        "ours",
        "groups = C_in: every channel has its own kernel.",
    ),
]

# The paper's numerical figures (flat, with numbers) and the scatter view:
# rendered by convviz.draw.flat; ``options`` are animate()'s defaults for them.
_NUMBERS = [
    Preset(
        "numbers_convolution",
        "Convolution with numbers",
        ConvSpec(5, 3),
        "numbers",
        "The paper's Figure 1.1: i=5, k=3, s=1, p=0; random inputs 0–3, weights 0–2.",
        {"numbers": True},
    ),
    Preset(
        "numbers_padding_strides",
        "Convolution with numbers, padding and strides",
        ConvSpec(5, 3, stride=2, padding=1),
        "numbers",
        "The paper's Figure 2.1 style: i=5, k=3, s=2, p=1; padding cells read as zeros.",
        {"numbers": True},
    ),
    Preset(
        "numbers_average_pooling",
        "Average pooling with numbers",
        ConvSpec(5, 3),
        "numbers",
        "The paper's Figure 1.5: 3×3 average pooling, stride 1, over a 5×5 input.",
        {"numbers": True, "pool": "avg"},
    ),
    Preset(
        "numbers_max_pooling",
        "Max pooling with numbers",
        ConvSpec(5, 3),
        "numbers",
        "The paper's Figure 1.6: 3×3 max pooling, stride 1, over a 5×5 input.",
        {"numbers": True, "pool": "max"},
    ),
    Preset(
        "numbers_dilation",
        "Dilated convolution with numbers",
        ConvSpec(7, 3, dilation=2),
        "numbers",
        "Dilation with numbers, which the paper draws only without: taps d=2 apart.",
        {"numbers": True},
    ),
    Preset(
        "numbers_transposed",
        "Transposed convolution with numbers",
        ConvSpec(3, 3, stride=2, padding=1, transposed=True),
        "numbers",
        "padding_strides_transposed with numbers: the stretched canvas and the flipped kernel.",
        {"numbers": True},
    ),
    Preset(
        "scatter_checkerboard",
        "Scatter view: uneven overlap (k=3, s=2)",
        ConvSpec(3, 3, stride=2, transposed=True),
        "scatter",
        "Each input cell paints a k×k patch of the output; with s=2 not dividing k=3 the "
        "overlap counts alternate 1, 2, 4: the checkerboard of transposed convolutions.",
        {"view": "scatter"},
    ),
    Preset(
        "scatter_even",
        "Scatter view: even overlap (k=4, s=2, p=1)",
        ConvSpec(3, 4, stride=2, padding=1, transposed=True),
        "scatter",
        "k=4 is a multiple of s=2: away from the borders every output cell is written "
        "by exactly (k/s)² = 4 input cells.",
        {"view": "scatter"},
    ),
]

PRESETS: dict[str, Preset] = {
    p.name: p for p in _DIRECT + _TRANSPOSED + [_DILATION] + _OURS + _NUMBERS
}

#: families in listing order; "diagram" covers convviz.draw.diagrams.DIAGRAM_PRESETS
FAMILIES = ("direct", "transposed", "dilated", "ours", "numbers", "scatter", "diagram")


def _diagram_presets() -> Mapping[str, Any]:
    """convviz.draw.diagrams.DIAGRAM_PRESETS, or {} while that part is absent."""
    try:
        from convviz.draw.diagrams import DIAGRAM_PRESETS  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        return {}
    return DIAGRAM_PRESETS


def get_preset(name: str) -> Any:
    """The preset called ``name`` (a Preset, or a DiagramPreset); SpecError listing names
    otherwise."""
    if isinstance(name, str):
        if name in PRESETS:
            return PRESETS[name]
        diagrams = _diagram_presets()
        if name in diagrams:
            return diagrams[name]
    raise SpecError(
        f"unknown preset {name!r}; known presets: {', '.join(list_presets())}"
    )


def list_presets(family: str | None = None, *, classic: bool | None = None) -> list[str]:
    """Names of all presets, classic ones first, then ours, numbers, scatter, diagrams.

    ``family`` keeps one family (see FAMILIES; "dilated" is the classic
    'dilation'; "diagram" is every diagram preset, whose own families —
    "gated", "stacks", ... — work too); ``classic=True`` keeps the 15 originals.
    """
    diagrams = _diagram_presets()
    diagram_families = {getattr(d, "family", "diagram") for d in diagrams.values()}
    if family is not None and family not in FAMILIES and family not in diagram_families:
        known = list(FAMILIES) + sorted(diagram_families - set(FAMILIES))
        raise SpecError(f"family must be one of {', '.join(known)}, got {family!r}")
    names = [
        p.name
        for p in PRESETS.values()
        if (family is None or p.family == family) and (classic is None or p.classic == classic)
    ]
    if not classic:
        names += [
            n
            for n, d in diagrams.items()
            if n not in PRESETS
            and (family in (None, "diagram") or getattr(d, "family", None) == family)
        ]
    return names


class _PresetsModule(types.ModuleType):
    """This module, made to behave as the list of presets as well.

    ``convviz.presets`` is both this module (``convviz.presets.PRESETS``) and
    the listing the issue asks for: call it (``convviz.presets()``, with
    list_presets' arguments), iterate it, test ``in``, index it by name, or
    print it. Whichever import happens first, the attribute is this object.
    """

    def __call__(self, family: str | None = None, *, classic: bool | None = None) -> list[str]:
        return list_presets(family, classic=classic)

    def __iter__(self) -> Iterator[str]:
        return iter(list_presets())

    def __len__(self) -> int:
        return len(list_presets())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in list_presets()

    def __getitem__(self, name: str) -> Any:
        return get_preset(name)

    def __repr__(self) -> str:
        names = list_presets()
        return f"<convviz presets: {len(names)} — {', '.join(names)}>"


sys.modules[__name__].__class__ = _PresetsModule

#: ``convviz.presets`` (the lazy export) and ``convviz.presets.presets`` are this
#: module: callable like list_presets, iterable over the names.
presets = sys.modules[__name__]
