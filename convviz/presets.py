"""The preset table: the 15 classic conv_arithmetic animations, then ours.

Data only. The classic parameters are those of Dumoulin & Visin's animations;
each ``*_transposed`` preset is the transposed convolution of its direct
twin (input = the direct output, output = the direct input), with the odd
remainder as output_padding, i.e. the extra row/column at the bottom/right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import SpecError
from .spec import ConvSpec

__all__ = ["Preset", "PRESETS", "CLASSIC_NAMES", "get_preset", "presets"]


@dataclass(frozen=True)
class Preset:
    """A named spec with a title, the family it belongs to, and render options."""

    name: str
    title: str
    spec: ConvSpec
    family: str  # "direct" | "transposed" | "dilated" | "ours"
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

PRESETS: dict[str, Preset] = {p.name: p for p in _DIRECT + _TRANSPOSED + [_DILATION] + _OURS}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; SpecError listing the names otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise SpecError(
            f"unknown preset {name!r}; known presets: {', '.join(PRESETS)}"
        ) from None


def presets() -> list[str]:
    """The names of all presets, classic ones first."""
    return list(PRESETS)
