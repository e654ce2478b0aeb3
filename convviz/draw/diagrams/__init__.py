"""Diagrams beyond single convolutions: gated blocks, stacks, separable.

``DIAGRAM_PRESETS`` maps a name to a :class:`DiagramPreset`; its
``factory(theme="default", scale=1.0, numbers=False, lang="en", **options)`` returns a
frame source (``frame_count``, ``size``, ``frame(n)``, ``caption``). This
module does not import matplotlib: the factories import the drawing modules
when called, so listing the presets stays light.

>>> sorted(DIAGRAM_PRESETS)[:3]
['glu_block', 'glu_block_same', 'highway_block']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from convviz.errors import SpecError

__all__ = [
    "DIAGRAM_PRESETS",
    "DiagramPreset",
    "diagram",
    "glu_diagram",
    "highway_diagram",
    "path_length_plot",
    "separable_costs",
    "separable_diagram",
    "stack_diagram",
]


@dataclass(frozen=True)
class DiagramPreset:
    """A named diagram: ``factory(theme=..., scale=..., numbers=..., lang=..., **options)``
    -> frame source (``lang``: "en" or "zh", the language of its words)."""

    name: str
    title: str
    family: str  # "why-cnn" | "gated" | "stacks" | "separable"
    description: str
    factory: Callable[..., Any]


def _lazy(module: str, function: str, **preset_options: Any) -> Callable[..., Any]:
    def factory(theme: Any = "default", scale: float = 1.0, numbers: bool = False,
                lang: str = "en", **options: Any) -> Any:
        make = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return make(theme=theme, scale=scale, numbers=numbers, lang=lang,
                    **{**preset_options, **options})

    factory.__name__ = f"{function}_factory"
    factory.__doc__ = f"Build the diagram with {module}.{function}({preset_options or ''})."
    return factory


_PRESETS = [
    DiagramPreset(
        "path_length", "Why CNNs for sequences: path length", "why-cnn",
        "Steps from the first to the last of N consecutive positions: N − 1 through an RNN "
        "chain, ⌈(N−1)/(k−1)⌉ plain convolution layers, ⌈log₂N⌉ dilated layers (log scale).",
        _lazy("path_length", "path_length_plot"),
    ),
    DiagramPreset(
        "glu_block", "Gated convolution block (GLU, causal, residual)", "gated",
        "Y = X + (X∗W + b) ⊗ σ(X∗V + c): two unshared causal Conv1D lanes read the same "
        "window t−d(k−1)…t; the gate σ scales the value lane. T=8, C=n=2, k=3.",
        _lazy("gated_block", "glu_diagram", padding="causal", residual=True),
    ),
    DiagramPreset(
        "glu_block_same", "Gated convolution block (GLU, 'same' padding, dilation 2)", "gated",
        "(X∗W + b) ⊗ σ(X∗V + c) without a residual, non-causal: the window is centred "
        "on t, with dilation 2.",
        _lazy("gated_block", "glu_diagram", padding="same", residual=False, dilation=2),
    ),
    DiagramPreset(
        "highway_block", "DGCNN highway form of the gated block", "gated",
        "Y = X ⊗ (1 − σ) + (X∗W + b) ⊗ σ: the input passes straight through with weight "
        "1 − σ or transformed with weight σ ('same' padding, as in DGCNN).",
        _lazy("gated_block", "highway_diagram", padding="same"),
    ),
    DiagramPreset(
        "stack_plain_vs_dilated", "Stacked Conv1D: plain vs dilated", "stacks",
        "Three k=3 layers: dilations 1, 1, 1 reach 7 inputs, dilations 1, 2, 4 reach 15 — "
        "same parameters, same cost. Every connection faint, one output's paths bright.",
        _lazy("stack", "plain_vs_dilated_diagram"),
    ),
    DiagramPreset(
        "wavenet", "WaveNet: causal dilated stack", "stacks",
        "Causal k=2 layers with dilations 1, 2, 4, 8: each output sees the 16 inputs up to "
        "its own time step, none after.",
        _lazy("stack", "wavenet_diagram"),
    ),
    DiagramPreset(
        "separable_conv", "Depthwise separable convolution", "separable",
        "12×12×3 input, 5×5 kernels, 256 outputs: one 5×5 kernel per channel (depthwise), "
        "then 1×1 across channels (pointwise) — 53,952 multiplications instead of 1,228,800.",
        _lazy("separable", "separable_diagram"),
    ),
]

#: name -> DiagramPreset, in gallery order
DIAGRAM_PRESETS: dict[str, DiagramPreset] = {p.name: p for p in _PRESETS}


def diagram(name: str, **kwargs: Any) -> Any:
    """Build the diagram preset ``name`` (keyword arguments go to its factory)."""
    try:
        preset = DIAGRAM_PRESETS[name]
    except KeyError:
        raise SpecError(
            f"unknown diagram {name!r}; known diagrams: {', '.join(DIAGRAM_PRESETS)}"
        ) from None
    return preset.factory(**kwargs)


# public drawing functions, imported on first use (they load matplotlib when called)
_LAZY = {
    "glu_diagram": "gated_block",
    "highway_diagram": "gated_block",
    "path_length_plot": "path_length",
    "separable_costs": "separable",
    "separable_diagram": "separable",
    "stack_diagram": "stack",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
