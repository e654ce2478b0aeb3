"""convviz — convolution arithmetic made visible.

The engine (``ConvSpec``, ``apply``, ``pool``, ``receptive_field``) is NumPy
only; drawing (``animate``) loads matplotlib lazily, on first use, so that
``import convviz`` stays fast and light.
"""

from __future__ import annotations

import importlib
from typing import Any

from convviz.core.engine import ReceptiveField, apply, pool, receptive_field
from convviz.core.spec import CellKind, ConvSpec
from convviz.errors import ConvvizError, OutputError, SpecError

__version__ = "0.1.0"

# name -> module that defines it; imported on first attribute access (PEP 562)
_LAZY = {
    "animate": "convviz.animation",
    "Animation": "convviz.animation",
    "presets": "convviz.presets",
    "get_preset": "convviz.presets",
    "list_presets": "convviz.presets",
    "info": "convviz.core.info",
    "info_text": "convviz.core.info",
    "glu": "convviz.core.gated",
    "network": "convviz.core.network",
    "Network": "convviz.core.network",
    "highway": "convviz.core.gated",
    "widget": "convviz.notebook_widget",
}

__all__ = [
    "Animation",
    "CellKind",
    "ConvSpec",
    "ConvvizError",
    "Network",
    "OutputError",
    "ReceptiveField",
    "SpecError",
    "__version__",
    "animate",
    "apply",
    "get_preset",
    "glu",
    "highway",
    "info",
    "info_text",
    "list_presets",
    "network",
    "pool",
    "presets",
    "receptive_field",
    "widget",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'convviz' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
