"""The notebook widget: ``convviz.widget(spec_or_preset)``, an anywidget.

>>> w = convviz.widget("padding_strides")          # doctest: +SKIP
>>> w                                               # doctest: +SKIP
(controls, the picture, the formula, the PyTorch and Keras lines)
>>> w.spec = dict(w.spec, stride=1)                 # doctest: +SKIP
>>> w.output_size                                   # doctest: +SKIP
[5, 5]
>>> w.save("padding.gif")                           # doctest: +SKIP

The front end (``templates/widget.js``, plain ESM, shipped as
``convviz.templates``, with the playground's hover in front: :func:`esm_and_css`)
only shows what the Python engine computes: it sets the
``spec`` trait from its controls, and everything else comes back through the
widget's state — ``error`` (with ``error_parameter``, the field it names),
``output_size``, ``describe``, ``formula``, ``pytorch``, ``keras``,
``disagreements``, ``frame_count`` and the picture, ``svg`` (with
``picture_note`` when the picture is a still or is not drawn); ``frame`` is −1
while the picture plays every frame, else the one frame shown.
The Save button writes ``save_path`` through the same writers as
:meth:`convviz.Animation.save` (atomically; an existing file only with
``save_overwrite``) and reports in ``save_message`` (``save_failed`` when it did
not write).

This module imports neither anywidget nor matplotlib: the widget class is made
on the first call of :func:`widget` (without anywidget: ImportError naming
``pip install "convviz[widget]"``); the engine's answers (:func:`spec_state`)
need neither, the picture (:func:`picture`) only matplotlib.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from convviz.core.spec import ConvSpec
from convviz.errors import ConvvizError, SpecError

__all__ = [
    "INSTALL_HINT",
    "MAX_ANIMATED_FRAMES",
    "MAX_PICTURE_CELLS",
    "PARAMETERS",
    "as_spec",
    "error_parameter",
    "esm_and_css",
    "picture",
    "spec_state",
    "widget",
    "widget_class",
]

INSTALL_HINT = 'pip install "convviz[widget]"'

#: ConvSpec's parameters: the keys of the widget's ``spec``
PARAMETERS = ("input_size", "kernel_size", "stride", "padding", "dilation", "transposed",
              "output_padding", "groups", "in_channels", "out_channels")

#: the picture is drawn for canvases of at most this many cells (32×32); larger ones are
#: only saved (an SVG of a 64×64 canvas is megabytes, and takes seconds to write)
MAX_PICTURE_CELLS = 1024

#: an animated picture holds every frame (100 frames: about 500 KB of SVG, 0.8 s to write);
#: beyond this many the widget shows one frame
MAX_ANIMATED_FRAMES = 64

#: the picture's look: the gallery's classic drawing, without text
PICTURE_OPTIONS: dict[str, Any] = {"theme": "classic", "labels": False}

#: every output trait of the widget and its value while the spec is invalid
EMPTY_STATE: dict[str, Any] = {
    "error": "",
    "error_parameter": "",
    "describe": "",
    "output_size": [],
    "formula": [],
    "pytorch": {},
    "keras": {},
    "disagreements": [],
    "frame_count": 0,
}

_DEFAULTS: dict[str, Any] = {"stride": 1, "padding": 0, "dilation": 1, "transposed": False,
                             "output_padding": 0, "groups": 1, "in_channels": None,
                             "out_channels": None}


# -------------------------------------------------------------------------------------------
# the spec as JSON


def _jsonable(name: str, value: Any) -> Any:
    """``value`` with tuples as lists and NumPy scalars as Python ones; TypeError (naming
    ``name``) for what JSON cannot hold."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(name, v) for v in value]
    item = getattr(value, "item", None)  # a NumPy scalar
    if callable(item) and getattr(value, "shape", None) == ():
        return _jsonable(name, item())
    raise TypeError(f"{name} must be numbers, lists of numbers or a padding name, "
                    f"got {type(value).__name__} {value!r}")


def _compact(values: Any) -> Any:
    """A per-axis list whose entries are all equal, as that one entry (3 for [3, 3])."""
    if isinstance(values, list) and values and all(v == values[0] for v in values):
        return values[0]
    return values


def _spec_dict(spec: ConvSpec) -> dict[str, Any]:
    """The widget's spec of a ConvSpec: ``input_size`` per axis (it sets the number of axes),
    every other parameter one value when it is the same on every axis, and the channel
    counts None when they are the default (``groups``)."""
    from convviz.core.info import spec_dict

    data = spec_dict(spec)
    out: dict[str, Any] = {"input_size": data["input_size"]}
    for key in ("kernel_size", "stride", "dilation", "output_padding"):
        out[key] = _compact(data[key])
    padding = data["padding"]
    if not isinstance(padding, str):
        padding = _compact([_compact(pair) for pair in padding])
    out["padding"] = padding
    out["transposed"] = data["transposed"]
    out["groups"] = data["groups"]
    for key in ("in_channels", "out_channels"):
        out[key] = None if data[key] == data["groups"] else data[key]
    return out


def _preset_spec(name: str) -> ConvSpec:
    from convviz.presets import get_preset

    preset = get_preset(name)
    spec = getattr(preset, "spec", None)
    if not isinstance(spec, ConvSpec):
        raise SpecError(f"preset {name!r} is a diagram, not one convolution; the widget shows "
                        "convolutions (see convviz.list_presets())")
    return spec


def initial_spec(spec_or_preset: Any = None, **spec_kwargs: Any) -> tuple[dict[str, Any],
                                                                          str | None]:
    """(the widget's spec, the preset's name or None) for :func:`widget`'s arguments.

    ``spec_or_preset``: None (i=5, k=3 in 2-D), a ConvSpec, a preset name or a dict
    with ConvSpec's parameter names; ``spec_kwargs`` replace single parameters.
    The values are not checked here: an invalid spec is shown in the widget.
    """
    name = None
    if spec_or_preset is None:
        base = _spec_dict(ConvSpec(5, 3))
    elif isinstance(spec_or_preset, ConvSpec):
        base = _spec_dict(spec_or_preset)
    elif isinstance(spec_or_preset, str):
        base, name = _spec_dict(_preset_spec(spec_or_preset)), spec_or_preset
    elif isinstance(spec_or_preset, Mapping):
        base = dict(spec_or_preset)
    else:
        raise TypeError("spec_or_preset must be None, a ConvSpec, a preset name or a dict of "
                        f"ConvSpec's parameters, got {type(spec_or_preset).__name__}")
    spec = check_keys({**base, **spec_kwargs})
    return spec, name


def check_keys(spec: Mapping[str, Any]) -> dict[str, Any]:
    """``spec`` as the widget holds it: every parameter present (the defaults filled in),
    JSON-ready; TypeError for a key that is not one of ConvSpec's parameters."""
    if not isinstance(spec, Mapping):
        raise TypeError(f"spec must be a dict of ConvSpec's parameters, got "
                        f"{type(spec).__name__}")
    unknown = [key for key in spec if key not in PARAMETERS]
    if unknown:
        raise TypeError(f"{unknown[0]!r} is not a parameter of a convolution; the parameters "
                        f"are {', '.join(PARAMETERS)}")
    out = {key: _jsonable(key, spec[key]) for key in PARAMETERS if key in spec}
    for key, default in _DEFAULTS.items():
        out.setdefault(key, default)
    return {key: out[key] for key in PARAMETERS if key in out}


def as_spec(spec: Mapping[str, Any]) -> ConvSpec:
    """The ConvSpec of the widget's ``spec``; SpecError naming the parameter otherwise."""
    for key in ("input_size", "kernel_size"):
        if key not in spec:
            raise SpecError(f"{key} is missing: a convolution needs an input_size and a "
                            "kernel_size")
    return ConvSpec(**check_keys(spec))


# -------------------------------------------------------------------------------------------
# the engine's answers


def error_parameter(message: str) -> str:
    """The parameter an error message names first ("" if none): the control to mark."""
    found = [(match.start(), name) for name in PARAMETERS
             for match in [re.search(rf"(?<![a-z_]){name}(?![a-z_])", message)] if match]
    return min(found)[1] if found else ""


def spec_state(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The widget's output traits for ``spec`` (a dict with ConvSpec's parameter names).

    Valid: ``describe``, ``output_size``, ``formula`` (one line per group of identical
    axes, then the padding name's rule), ``pytorch`` and ``keras`` (convviz.info's
    entries: code, exact, note, ...), ``disagreements``, ``frame_count`` and ``error``
    "". Invalid: ``error`` is the engine's message, ``error_parameter`` the parameter it
    names first, the rest empty. Never raises for a bad value: a spec the engine refuses
    is an answer here.
    """
    from convviz.core import arithmetic
    from convviz.core.info import info

    try:
        conv = as_spec(spec)
    except (SpecError, TypeError, ValueError, OverflowError) as error:
        message = str(error) or type(error).__name__
        return {**EMPTY_STATE, "error": message, "error_parameter": error_parameter(message)}
    data = info(conv)
    rules = [entry["text"] for entry in data["padding_rule"] or []]
    return {
        **EMPTY_STATE,
        "describe": data["describe"],
        "output_size": data["output_size"],
        "formula": list(arithmetic.formula_lines(conv)) + rules,
        "pytorch": data["pytorch"],
        "keras": data["keras"],
        "disagreements": data["disagreements"],
        "frame_count": data["frame_count"],
    }


def animation(spec: ConvSpec) -> Any:
    """The widget's picture of ``spec`` as an Animation (what Save writes)."""
    from convviz.animation import animate

    return animate(spec, **PICTURE_OPTIONS)


@functools.lru_cache(maxsize=8)
def picture(spec: ConvSpec, frame: int = -1) -> tuple[str, str]:
    """(SVG text, note) of the widget's picture: every frame, looping (``frame`` −1), or
    frame ``frame``. The SVG is "" when the canvas has more than
    :data:`MAX_PICTURE_CELLS` cells or the picture cannot be drawn; a frame is shown
    instead of the animation beyond :data:`MAX_ANIMATED_FRAMES` frames; the note says
    which, or why."""
    from convviz.encode.vector import svg_bytes

    cells = math.prod(spec.canvas_size)
    if cells > MAX_PICTURE_CELLS:
        size = "×".join(str(v) for v in spec.canvas_size)
        return "", (f"The canvas has {size} = {cells:,} cells; the widget draws up to "
                    f"{MAX_PICTURE_CELLS:,}. Save it to see it.")
    try:
        anim = animation(spec)
        count = anim.frame_count
        note = ""
        if frame >= count:
            frame = count - 1
        if frame < 0 and count > MAX_ANIMATED_FRAMES:
            frame = anim.poster_frame
            note = (f"Frame {frame + 1} of {count:,}: the widget animates up to "
                    f"{MAX_ANIMATED_FRAMES} frames; step with the slider, or save a GIF.")
        data = svg_bytes(anim, duration_ms=anim.duration_ms, frame=None if frame < 0 else frame)
    except SpecError as error:  # e.g. more frames than any animation may have
        return "", str(error)
    return data.decode("utf-8"), note


def save(spec: Mapping[str, Any], path: str | os.PathLike[str], *, frame: int | None = None,
         overwrite: bool = False) -> Path:
    """Write the widget's picture of ``spec`` to ``path`` (format from the extension) through
    :meth:`convviz.Animation.save`; refuses an existing file unless ``overwrite``."""
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise SpecError(f"path must name a file, e.g. 'convolution.gif'; got {path!r}")
    result: Path = animation(as_spec(spec)).save(path, frame=frame, overwrite=overwrite)
    return result


# -------------------------------------------------------------------------------------------
# the widget


def esm_and_css() -> tuple[str, str]:
    """The widget's front end as anywidget ships it: (the ESM, the CSS). The ESM is the
    picture's hover (``templates/convviz-hover.js``, a classic script that defines
    ``convviz.attachHover`` on the page, as the playground and the gallery load it) followed
    by ``templates/widget.js``: one module, nothing loaded from the network."""
    from importlib.resources import files

    folder = files("convviz.templates")
    hover = folder.joinpath("convviz-hover.js").read_text("utf-8")
    return (hover + "\n" + folder.joinpath("widget.js").read_text("utf-8"),
            folder.joinpath("widget.css").read_text("utf-8"))


@functools.cache
def widget_class() -> type:
    """The anywidget class behind :func:`widget` (made once; ImportError without anywidget)."""
    try:
        import anywidget
        import traitlets
    except ImportError as error:
        raise ImportError(f"convviz.widget needs anywidget; install it with {INSTALL_HINT}"
                          ) from error
    esm, css = esm_and_css()

    class ConvvizWidget(anywidget.AnyWidget):  # type: ignore[misc]
        """One convolution, live: controls, the picture, the formula, the framework lines.

        ``spec`` (a dict with ConvSpec's parameter names) is the input; every other
        synced trait is computed from it by the engine (see convviz.notebook_widget).
        """

        _esm = esm
        _css = css

        # a dict with ConvSpec's parameter names (a ConvSpec assigned here becomes one)
        spec = traitlets.Any({}).tag(sync=True)
        frame = traitlets.Int(-1).tag(sync=True)
        error = traitlets.Unicode("").tag(sync=True)
        error_parameter = traitlets.Unicode("").tag(sync=True)
        describe = traitlets.Unicode("").tag(sync=True)
        output_size = traitlets.List(traitlets.Int()).tag(sync=True)
        formula = traitlets.List(traitlets.Unicode()).tag(sync=True)
        pytorch = traitlets.Dict().tag(sync=True)
        keras = traitlets.Dict().tag(sync=True)
        disagreements = traitlets.List(traitlets.Unicode()).tag(sync=True)
        frame_count = traitlets.Int(0).tag(sync=True)
        svg = traitlets.Unicode("").tag(sync=True)
        picture_note = traitlets.Unicode("").tag(sync=True)
        save_path = traitlets.Unicode("convolution.gif").tag(sync=True)
        save_overwrite = traitlets.Bool(False).tag(sync=True)
        save_message = traitlets.Unicode("").tag(sync=True)
        save_failed = traitlets.Bool(False).tag(sync=True)

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)  # (the spec observer computes the state)
            self.on_msg(self._on_message)
            if not self.spec:
                self.spec = initial_spec()[0]

        @traitlets.validate("spec")
        def _check_spec(self, proposal: Any) -> dict[str, Any]:
            value = proposal["value"]
            return check_keys(_spec_dict(value) if isinstance(value, ConvSpec) else value)

        @traitlets.validate("frame")
        def _check_frame(self, proposal: Any) -> int:
            # −1 (every frame, looping) or a frame of the picture
            return max(min(int(proposal["value"]), self.frame_count - 1), -1)

        @traitlets.observe("spec")
        def _spec_changed(self, change: Any) -> None:
            self.refresh()

        @traitlets.observe("frame")
        def _frame_changed(self, change: Any) -> None:
            self._draw()

        def refresh(self) -> None:
            """Recompute every output trait from ``spec``."""
            state = spec_state(self.spec)
            with self.hold_sync():
                for key, value in state.items():
                    setattr(self, key, value)
                if self.frame >= self.frame_count:
                    self.frame = self.frame_count - 1  # (which draws)
                else:
                    self._draw()

        def _draw(self) -> None:
            if self.error:
                svg, note = "", ""
            else:
                svg, note = picture(as_spec(self.spec), self.frame)
            with self.hold_sync():
                self.svg = svg
                self.picture_note = note

        def save(self, path: str | os.PathLike[str] | None = None, *,
                 frame: int | None = None, overwrite: bool = False) -> Path:
            """Write the picture (default path: ``save_path``) through the normal writers:
            ``.gif``, ``.svg``, ``.png`` (``frame``: which still), ... Atomic; an existing
            file is refused (OutputError) unless ``overwrite``. Returns the path."""
            return save(self.spec, self.save_path if path is None else path, frame=frame,
                        overwrite=overwrite)

        def save_from_controls(self) -> None:
            """What the Save button does: write ``save_path`` (overwriting only with
            ``save_overwrite``) and report in ``save_message`` / ``save_failed``."""
            try:
                written = self.save(overwrite=self.save_overwrite)
            except (ConvvizError, OSError, TypeError, ValueError) as error:
                message, failed = str(error) or type(error).__name__, True
            else:
                size = written.stat().st_size
                message, failed = f"Wrote {written.resolve()} ({size:,} bytes).", False
            with self.hold_sync():
                self.save_message = message
                self.save_failed = failed

        def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
            if isinstance(content, dict) and content.get("type") == "save":
                self.save_from_controls()

    return ConvvizWidget


def widget(spec_or_preset: Any = None, **spec_kwargs: Any) -> Any:
    """An interactive convolution for Jupyter (JupyterLab, Notebook 7, VS Code).

    ``spec_or_preset``: None (i=5, k=3 in 2-D), a ConvSpec, a preset name (see
    ``convviz.presets()``) or a dict with ConvSpec's parameter names; keyword
    arguments (``stride=2``, ``padding="same"``, ...) replace single parameters.
    The controls change ``w.spec``; the output size, formula, PyTorch and Keras
    lines, the disagreements between them and the picture are computed by the
    engine in Python. An invalid spec is shown, not raised. ``w.save("x.gif")``
    (or ``.svg``, ``.png``, ...) writes the picture; so does the Save button, into
    the notebook's folder. Needs anywidget: ``pip install "convviz[widget]"``.
    """
    cls = widget_class()
    spec, name = initial_spec(spec_or_preset, **spec_kwargs)
    return cls(spec=spec, save_path=f"{name or 'convolution'}.gif")
