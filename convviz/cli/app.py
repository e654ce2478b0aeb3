"""The ``convviz`` command line: ``render``, ``list``, ``info``, ``gallery``.

Thin by design: parse, validate, call one library function, report. Every
module that draws (matplotlib) or builds pages (jinja2) is imported inside the
command that needs it, so ``convviz --help`` and ``convviz info`` never load
matplotlib.

Exit status: 0 success, 1 a failure while working (a file exists, a path is
unusable, rendering failed), 2 a usage error (a bad flag or value, an unknown
preset), 130 interrupted (Ctrl-C). Errors are one line on stderr,
``convviz: error: --stride: 0 is not >= 1``; ``--debug`` adds the traceback.

Spec flags (``render`` and ``info``)::

    --input/-i 5        a bare number is a square 2-D input (like ConvSpec)
    --input 5,7         one value per axis: 1, 2 or 3 values give 1-D/2-D/3-D
    --input 16 --dims 1 --dims sets the number of axes for bare numbers
    --kernel/-k, --stride/-s, --dilation/-d, --output-padding: a number
                        (every axis) or one value per axis, "3,1"
    --padding/-p        1 (every side), 1,2 (per axis, both sides),
                        1:2 (before:after on every axis), 1:2,0:1 (per axis,
                        before:after), or valid | same | full | causal

``before`` is the top/left (start) side, ``after`` the bottom/right (end).

Files (``render``): ``-o`` is a file (``.gif`` animation, ``.png`` with
``--frame N`` or ``--sheet``) or a directory (an existing one, a path ending
in ``/``, or a path without suffix) that gets one ``NAME.gif`` per preset;
without ``-o`` files go to the current directory. Every output is checked
before anything is drawn: an existing file is refused unless ``--force``, a
parent that is a file is refused, absurd sizes are refused. Files are written
atomically (temp file + rename), so an error or Ctrl-C leaves no partial file;
a directory created for the outputs is removed again if nothing was written
into it. ``--jobs N`` renders the outputs in N processes; each file is the
same whatever N is.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from convviz.core.spec import ConvSpec

from convviz.encode.registry import extensions as registered_extensions
from convviz.errors import ConvvizError, OutputError, SpecError, UsageError
from convviz.look.scene import MAX_CANVAS_CELLS  # data only: no matplotlib

__all__ = ["build_parser", "info", "info_text", "main", "preset_rows", "spec_from_flags"]

log = logging.getLogger(__name__)

# -- limits: refused before any work starts -----------------------------------------
#: cells per axis any spec may have (input, output or canvas) — info and list
MAX_AXIS_CELLS = 4096
#: cells per axis of a canvas or output that render will draw: the renderer's own bound
RENDER_MAX_CELLS = MAX_CANVAS_CELLS
#: frames one animation may have (one per output cell)
RENDER_MAX_FRAMES = 1024
#: bounds of --scale and --duration
SCALE_RANGE = (0.1, 8.0)
DURATION_RANGE = (0.05, 120.0)
MAX_JOBS = 64

THEMES = ("classic", "default", "dark", "colorblind")
#: the formats `render` writes: those with their own writer in convviz.encode's registry
OUTPUT_FORMATS = registered_extensions()  # (".gif", ".png")

#: ConvSpec parameter -> the flag that sets it (to name the flag in errors)
PARAM_FLAGS = {
    "input_size": "--input",
    "kernel_size": "--kernel",
    "output_padding": "--output-padding",
    "in_channels": "--in-channels",
    "out_channels": "--out-channels",
    "stride": "--stride",
    "padding": "--padding",
    "dilation": "--dilation",
    "groups": "--groups",
    "transposed": "--transposed",
    # animate() options
    "frame": "--frame",
    "sheet": "--sheet",
    "view": "--scatter",
    "pool": "--pool",
    "numbers": "--numbers",
    "duration": "--duration",
    "scale": "--scale",
    "theme": "--theme",
    "labels": "--no-labels",
    "seed": "--seed",
}

AXIS_NAMES = {1: ("length",), 2: ("rows", "cols"), 3: ("depth", "rows", "cols")}


# =====================================================================================
# errors
# =====================================================================================
# one exception tree (convviz.errors): every ConvvizError is reported as one line and
# exits with its ``status`` (2: UsageError, SpecError; 1: OutputError and the rest)
CLIError = ConvvizError  # the former name of the command line's own base class


class _Parser(argparse.ArgumentParser):
    """argparse, but errors become one line (no usage dump) via UsageError."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # "argument -s/--stride: msg" -> "--stride: msg" (the long name reads best)
        m = re.match(r"argument ([^:]+): (.*)", message, re.DOTALL)
        if m:
            names = m.group(1).split("/")
            longs = [n for n in names if n.startswith("--")]
            message = f"{(longs or names)[0]}: {m.group(2)}"
        raise UsageError(message.replace("\n", " "))


def _flag_for_spec_error(message: str) -> str:
    """Prefix a SpecError message with the flag of the parameter it names."""
    m = re.match(r"\s*(\w+)", message)
    if m and m.group(1) in PARAM_FLAGS:
        return f"{PARAM_FLAGS[m.group(1)]}: {message}"
    return message


# =====================================================================================
# parsing of spec values
# =====================================================================================
def _whole(flag: str, text: str, minimum: int) -> int:
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{flag}: {text!r} is not a whole number") from None
    if value < minimum:
        raise UsageError(f"{flag}: {value} is not >= {minimum}")
    return value


def _per_axis_value(flag: str, text: str, minimum: int) -> int | tuple[int, ...]:
    """'3' -> 3 (every axis); '3,1' or '3x1' -> (3, 1); '16,' -> (16,)."""
    text = text.strip()
    if not text:
        raise UsageError(f"{flag}: an empty value; give a number or one number per axis")
    if "," not in text and "x" not in text.lower():
        return _whole(flag, text, minimum)
    parts = re.split(r"[,xX×]", text)
    if parts and parts[-1] == "" and len(parts) == 2:  # "16," -> a 1-tuple, as in Python
        parts = parts[:1]
    if not 1 <= len(parts) <= 3:
        raise UsageError(f"{flag}: {text!r} has {len(parts)} values; give 1, 2 or 3 (one per axis)")
    return tuple(_whole(flag, p, minimum) for p in parts)


def _padding_value(text: str) -> Any:
    """Padding: a name, 'p', 'p,q', 'lo:hi' or 'lo:hi,lo:hi' (see module docstring)."""
    flag = "--padding"
    text = text.strip()
    from convviz.core.spec import PADDING_NAMES

    if text.lower() in PADDING_NAMES:
        return text.lower()
    if re.fullmatch(r"[A-Za-z_]+", text):
        raise UsageError(
            f"{flag}: {text!r} is not a padding; use a number, one per axis (1,2), "
            f"before:after (1:2) or one of {', '.join(PADDING_NAMES)}"
        )

    def entry(part: str) -> Any:
        if part.count(":") > 1:
            raise UsageError(f"{flag}: {part!r} is not before:after (two numbers, e.g. 1:2)")
        if ":" in part:
            lo, _, hi = part.partition(":")
            return (_whole(flag, lo, 0), _whole(flag, hi, 0))
        return _whole(flag, part, 0)

    if "," not in text:
        value = entry(text)
        return ("every", value) if isinstance(value, tuple) else value
    parts = text.split(",")
    if parts[-1] == "" and len(parts) == 2:
        parts = parts[:1]
    if not 1 <= len(parts) <= 3:
        raise UsageError(f"{flag}: {text!r} has {len(parts)} values; give 1, 2 or 3 (one per axis)")
    return tuple(entry(p) for p in parts)


def _positive_float(flag: str, bounds: tuple[float, float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
            raise argparse.ArgumentTypeError(
                f"{text} is not between {bounds[0]:g} and {bounds[1]:g}"
            )
        return value

    return parse


def _int_type(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is not >= {minimum}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{value} is not <= {maximum}")
        return value

    return parse


SPEC_FLAGS = ("input", "kernel", "stride", "padding", "dilation", "output_padding", "dims",
              "groups", "in_channels", "out_channels", "transposed")


def _spec_flags_given(args: argparse.Namespace) -> list[str]:
    given = []
    for name in SPEC_FLAGS:
        value = getattr(args, name, None)
        if value not in (None, False):
            given.append("--" + name.replace("_", "-"))
    return given


def spec_from_flags(args: argparse.Namespace) -> ConvSpec:
    """Build the ConvSpec the spec flags describe; UsageError naming the flag if invalid."""
    from convviz.core.spec import ConvSpec
    from convviz.errors import SpecError

    if args.input is None:
        raise UsageError("--input: required to describe a convolution (or give a preset NAME)")
    raw = {
        "--input": _per_axis_value("--input", args.input, 1),
        "--kernel": _per_axis_value("--kernel", args.kernel or "3", 1),
        "--stride": _per_axis_value("--stride", args.stride or "1", 1),
        "--dilation": _per_axis_value("--dilation", args.dilation or "1", 1),
        "--output-padding": _per_axis_value("--output-padding", args.output_padding or "0", 0),
    }
    padding = _padding_value(args.padding) if args.padding is not None else 0
    lengths = {flag: len(v) for flag, v in raw.items() if isinstance(v, tuple)}
    if isinstance(padding, tuple) and padding and padding[0] != "every":
        lengths["--padding"] = len(padding)
    ndim = args.dims
    for flag, n in lengths.items():
        if ndim is None:
            ndim = n
        elif n != ndim:
            first = "--dims" if args.dims is not None else next(iter(lengths))
            raise UsageError(
                f"{flag}: {n} values, but {first} gives {ndim} axes; give one value per axis "
                "or a single number for every axis"
            )
    ndim = ndim or 2

    def per_axis(value: Any) -> tuple[int, ...]:
        return value if isinstance(value, tuple) else (value,) * ndim

    if isinstance(padding, tuple) and padding and padding[0] == "every":
        padding = (padding[1],) * ndim
    if args.transposed and padding == "causal":
        raise UsageError("--padding: 'causal' is not a padding of a transposed convolution; "
                         "use valid, same or numbers")
    try:
        spec = ConvSpec(
            per_axis(raw["--input"]),
            per_axis(raw["--kernel"]),
            stride=per_axis(raw["--stride"]),
            padding=padding,
            dilation=per_axis(raw["--dilation"]),
            transposed=bool(args.transposed),
            output_padding=per_axis(raw["--output-padding"]),
            groups=args.groups or 1,
            in_channels=args.in_channels,
            out_channels=args.out_channels,
        )
    except SpecError as exc:
        raise UsageError(_flag_for_spec_error(str(exc))) from exc
    return spec


def _check_size(spec: ConvSpec, *, render: bool, where: str = "--input") -> None:
    """Refuse absurd sizes before any work starts."""
    fmt = "×".join
    for what, sizes in (("input", spec.input_size), ("output", spec.output_size),
                        ("canvas", spec.canvas_size), ("kernel", spec.effective_kernel_size)):
        if max(sizes) > MAX_AXIS_CELLS:
            raise UsageError(
                f"{where}: the {what} would be {fmt(map(str, sizes))} cells; convviz handles at "
                f"most {MAX_AXIS_CELLS} cells per axis"
            )
    if render:
        for what, sizes in (("canvas", spec.canvas_size), ("output", spec.output_size)):
            if max(sizes) > RENDER_MAX_CELLS:
                raise UsageError(
                    f"{where}: a {fmt(map(str, sizes))} {what} is too large to animate (at most "
                    f"{RENDER_MAX_CELLS} cells per axis); `convviz info` gives its arithmetic"
                )
        if spec.frame_count > RENDER_MAX_FRAMES:
            raise UsageError(
                f"{where}: {spec.frame_count} output cells would make {spec.frame_count} frames; "
                f"at most {RENDER_MAX_FRAMES} can be animated"
            )


# =====================================================================================
# presets
# =====================================================================================
def _diagram_presets() -> dict[str, Any]:
    """Diagram presets (helper module convviz.draw.diagrams), or {} if it has none."""
    try:
        from convviz.draw import diagrams
    except ImportError:  # pragma: no cover - package always present
        return {}
    return dict(getattr(diagrams, "DIAGRAM_PRESETS", {}) or {})


def _all_preset_names() -> list[str]:
    from convviz.presets import PRESETS

    return list(PRESETS) + [n for n in _diagram_presets() if n not in PRESETS]


def _unknown_preset(name: str) -> UsageError:
    import difflib

    names = _all_preset_names()
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `convviz list` shows them"
    return UsageError(f"NAME: unknown preset {name!r}{hint}")


def _fmt_size(values: Sequence[int]) -> str:
    return "×".join(str(v) for v in values)


def preset_rows() -> list[dict[str, Any]]:
    """One row per preset (convolution presets, then diagrams), as `convviz list --json`."""
    from convviz.presets import PRESETS

    rows: list[dict[str, Any]] = []
    for preset in PRESETS.values():
        spec = preset.spec
        rows.append({
            "name": preset.name,
            "title": preset.title,
            "family": preset.family,
            "kind": "transposed" if spec.transposed else "direct",
            "classic": bool(getattr(preset, "classic", False)),
            "ndim": spec.ndim,
            "parameters": spec.describe().rsplit(", o=", 1)[0] + (
                f", {preset.options['pool']} pooling" if preset.options.get("pool") else ""),
            "pool": preset.options.get("pool"),
            "spec": _spec_dict(spec),
            "output_size": list(spec.output_size),
            "frames": spec.frame_count,
        })
    for name, diagram in _diagram_presets().items():
        if name in PRESETS:
            continue
        rows.append({
            "name": name,
            "title": getattr(diagram, "title", name),
            "family": getattr(diagram, "family", "diagram"),
            "kind": "diagram",
            "classic": False,
            "ndim": None,
            "parameters": getattr(diagram, "description", "") or "",
            "pool": None,
            "spec": None,
            "output_size": None,
            "frames": None,
        })
    return rows


# =====================================================================================
# info: the arithmetic as data and as text
# =====================================================================================
def _spec_dict(spec: ConvSpec) -> dict[str, Any]:
    padding = spec.padding if isinstance(spec.padding, str) else [list(p) for p in spec.padding]
    c_in, c_out = spec.channels
    return {
        "input_size": list(spec.input_size),
        "kernel_size": list(spec.kernel_size),
        "stride": list(spec.stride),
        "padding": padding,
        "dilation": list(spec.dilation),
        "transposed": spec.transposed,
        "output_padding": list(spec.output_padding),
        "groups": spec.groups,
        "in_channels": c_in,
        "out_channels": c_out,
    }


def _num(values: Sequence[int]) -> str:
    """3 if every axis agrees, else (3, 2) — how PyTorch and Keras take sizes."""
    values = list(values)
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(map(str, values)) + ")"


def _axis_groups(spec: ConvSpec) -> list[list[int]]:
    """Axes with identical geometry, grouped (one formula line per group)."""
    groups: dict[Any, list[int]] = {}
    for a, g in enumerate(spec.axes):
        groups.setdefault(g, []).append(a)
    return list(groups.values())


def _formula(spec: ConvSpec, axis: int) -> dict[str, Any]:
    g = spec.axes[axis]
    if g.transposed:
        symbolic = "o = (i − 1)·s + k̂ − p_before − p_after + output_padding"
        filled = (f"({g.input_size} − 1)·{g.stride} + {g.effective_kernel} − {g.pad_before} − "
                  f"{g.pad_after} + {g.output_padding}")
    else:
        symbolic = "o = ⌊(i + p_before + p_after − k̂) / s⌋ + 1"
        filled = (f"⌊({g.input_size} + {g.pad_before} + {g.pad_after} − {g.effective_kernel}) / "
                  f"{g.stride}⌋ + 1")
    return {
        "symbolic": symbolic,
        "filled": filled,
        "value": g.output_size,
        "terms": {
            "i": g.input_size, "k": g.kernel_size, "d": g.dilation, "k_hat": g.effective_kernel,
            "s": g.stride, "p_before": g.pad_before, "p_after": g.pad_after,
            "output_padding": g.output_padding,
        },
    }


def _padding_rule(spec: ConvSpec, axis: int) -> str | None:
    """How a named padding turns into numbers, filled in."""
    g = spec.axes[axis]
    k_hat = g.effective_kernel
    name = spec.padding if isinstance(spec.padding, str) else None
    if name is None:
        return None
    if spec.transposed:
        if name == "valid":
            return "valid: nothing cropped, p_before = p_after = 0"
        total = k_hat - g.stride
        return (f"same: o = i·s = {g.input_size}·{g.stride} = {g.input_size * g.stride}; crop "
                f"k̂ − s = {total}" + (f" → {g.pad_before} before, {g.pad_after} after"
                                      if total >= 0 else
                                      f" < 0 → none, output_padding s − k̂ = {g.output_padding}"))
    if name == "valid":
        return "valid: p_before = p_after = 0"
    if name == "full":
        return f"full: p = d(k − 1) = {g.dilation}·({g.kernel_size} − 1) = {g.pad_before} each side"
    if name == "causal":
        return (f"causal: p_before = d(k − 1) = {g.dilation}·({g.kernel_size} − 1) = {g.pad_before}, "
                "p_after = 0")
    o = -(-g.input_size // g.stride)
    total = g.pad_before + g.pad_after
    return (f"same: o = ⌈i/s⌉ = ⌈{g.input_size}/{g.stride}⌉ = {o}; total = max((o − 1)·s + k̂ − i, 0)"
            f" = max({o - 1}·{g.stride} + {k_hat} − {g.input_size}, 0) = {total} → "
            f"{g.pad_before} before, {g.pad_after} after")


def _pad_arg_last_axis_first(pairs: Sequence[tuple[int, int]]) -> str:
    """nn.ZeroPadNd / F.pad order: the last axis first, (before, after) each."""
    flat = [v for pair in reversed(pairs) for v in pair]
    return "(" + ", ".join(map(str, flat)) + ")"


def _pytorch(spec: ConvSpec) -> dict[str, Any]:
    """The PyTorch layer (an expression over ``nn``) plus any crop of its output."""
    n = spec.ndim
    c_in, c_out = spec.channels
    kw: list[str] = [f"kernel_size={_num(spec.kernel_size)}"]
    if set(spec.stride) != {1}:
        kw.append(f"stride={_num(spec.stride)}")
    pre: str | None = None
    crop: list[list[int]] | None = None
    note: str | None = None
    pairs = list(zip(spec.padding_before, spec.padding_after))
    if not spec.transposed:
        if spec.padding == "same" and set(spec.stride) == {1}:
            kw.append('padding="same"')
        elif all(lo == hi for lo, hi in pairs):
            if any(lo for lo, _ in pairs):
                kw.append(f"padding={_num([lo for lo, _ in pairs])}")
        else:
            pre = f"nn.ZeroPad{n}d({_pad_arg_last_axis_first(pairs)})"
            note = "PyTorch's padding is symmetric; the zero padding layer adds it per side"
        if set(spec.dilation) != {1}:
            kw.append(f"dilation={_num(spec.dilation)}")
        if spec.groups != 1:
            kw.append(f"groups={spec.groups}")
        layer = f"nn.Conv{n}d({c_in}, {c_out}, {', '.join(kw)})"
    else:
        paddings, out_paddings, crops = [], [], []
        for g in spec.axes:
            lo, hi, op = g.pad_before, g.pad_after, g.output_padding
            limit = max(g.stride, g.dilation)
            if lo == hi:
                p, q, c = lo, op, (0, 0)
            elif lo > hi and op + lo - hi < limit:
                p, q, c = lo, op + lo - hi, (0, 0)
            elif lo > hi:
                p, q, c = hi, op, (lo - hi, 0)
            else:
                p, q, c = lo, op, (0, hi - lo)
            paddings.append(p)
            out_paddings.append(q)
            crops.append(c)
        if any(paddings):
            kw.append(f"padding={_num(paddings)}")
        if any(out_paddings):
            kw.append(f"output_padding={_num(out_paddings)}")
        if spec.groups != 1:
            kw.append(f"groups={spec.groups}")
        if set(spec.dilation) != {1}:
            kw.append(f"dilation={_num(spec.dilation)}")
        layer = f"nn.ConvTranspose{n}d({c_in}, {c_out}, {', '.join(kw)})"
        if any(any(c) for c in crops):
            crop = [list(c) for c in crops]
            slices = ", ".join(f"{b}:{-a if a else ''}" if (b or a) else ":" for b, a in crops)
            note = (f"PyTorch crops both sides equally; crop the rest of the output: "
                    f"y = y[..., {slices}]")
    code = f"nn.Sequential({pre}, {layer})" if pre else layer
    return {"code": code, "crop": crop, "exact": True, "note": note}


def _keras(spec: ConvSpec) -> dict[str, Any]:
    """The Keras 3 layer(s), or code None with the reason in note."""
    from convviz.core.spec import ConvSpec

    n = spec.ndim
    _, c_out = spec.channels
    strided = set(spec.stride) != {1}
    dilated = set(spec.dilation) != {1}
    kind = "Conv{n}DTranspose" if spec.transposed else "Conv{n}D"
    cls = kind.format(n=n)
    if strided and dilated:
        return {"code": None, "exact": False, "layers": None, "note": (
            f"no Keras equivalent: keras.layers.{cls} refuses strides > 1 together with "
            f"dilation_rate > 1 (use a stride-1 layer and keep every s-th output)")}
    if spec.transposed and spec.groups != 1:
        return {"code": None, "exact": False, "layers": None, "note": (
            f"no Keras equivalent: keras.layers.{cls} has no groups argument")}
    pairs = [(g.pad_before, g.pad_after) for g in spec.axes]
    common = dict(input_size=spec.input_size, kernel_size=spec.kernel_size, stride=spec.stride,
                  dilation=spec.dilation, transposed=spec.transposed)
    kw = [f"strides={_num(spec.stride)}"] if strided else []
    padding = "valid"
    before_layer = after_layer = None
    layers: list[dict[str, Any]] = []

    def nested(p: Sequence[Sequence[int]]) -> str:
        if n == 1:
            return f"({p[0][0]}, {p[0][1]})"
        return "(" + ", ".join(f"({a}, {b})" for a, b in p) + ")"

    if not spec.transposed:
        same = ConvSpec(padding="same", **common)
        if all(p == (0, 0) for p in pairs):
            padding = "valid"
        elif pairs == list(zip(same.padding_before, same.padding_after)):
            padding = "same"
        elif n == 1 and pairs == [(spec.axes[0].effective_kernel - 1, 0)]:
            padding = "causal"
        else:
            before_layer = f"keras.layers.ZeroPadding{n}D({nested(pairs)})"
            layers.append({"class": f"ZeroPadding{n}D", "padding": [list(p) for p in pairs]})
    else:
        same = ConvSpec(padding="same", **common)
        if (pairs == list(zip(same.padding_before, same.padding_after))
                and spec.applied_output_padding == same.applied_output_padding):
            padding = "same"
        else:
            crops = []
            for g in spec.axes:
                length = (g.input_size - 1) * g.stride + max(g.effective_kernel, g.stride)
                end = g.pad_before + g.output_size
                if end > length:
                    return {"code": None, "exact": False, "layers": None, "note": (
                        f"no Keras equivalent: keras.layers.{cls} (Keras 3) has no "
                        f"output_padding; its 'valid' output has {length} cells, "
                        f"this one needs {end}")}
                crops.append((g.pad_before, length - end))
            if any(any(c) for c in crops):
                after_layer = f"keras.layers.Cropping{n}D({nested(crops)})"
                layers_after = {"class": f"Cropping{n}D", "cropping": [list(c) for c in crops]}
            else:
                layers_after = None
    if padding != "valid":
        kw.append(f'padding="{padding}"')
    if dilated:
        kw.append(f"dilation_rate={_num(spec.dilation)}")
    if spec.groups != 1:
        kw.append(f"groups={spec.groups}")
    layer = f"keras.layers.{cls}({', '.join([str(c_out), _num(spec.kernel_size)] + kw)})"
    layers.append({"class": cls, "filters": c_out, "kernel_size": list(spec.kernel_size),
                   "strides": list(spec.stride), "padding": padding,
                   "dilation_rate": list(spec.dilation), "groups": spec.groups})
    if spec.transposed and after_layer:
        layers.append(layers_after)  # type: ignore[arg-type]
    parts = [p for p in (before_layer, layer, after_layer) if p]
    code = parts[0] if len(parts) == 1 else "keras.Sequential([" + ", ".join(parts) + "])"
    note = None
    if spec.groups != 1 and spec.groups == spec.channels[0] and n <= 2:  # no DepthwiseConv3D
        extra = "".join(f", {a}" for a in kw if not a.startswith("groups="))
        where = " (after the same ZeroPadding)" if before_layer else ""
        note = (f"depthwise: keras.layers.DepthwiseConv{n}D({_num(spec.kernel_size)}{extra}, "
                f"depth_multiplier={c_out // spec.groups}) is the same layer{where}")
    return {"code": code, "exact": True, "layers": layers, "note": note}


def _disagreements(spec: ConvSpec) -> list[str]:
    """Where PyTorch and Keras differ for this spec (semantics.md), most specific first."""
    from convviz.core.spec import ConvSpec

    out: list[str] = []
    n = spec.ndim
    pairs = [(g.pad_before, g.pad_after) for g in spec.axes]
    strided = set(spec.stride) != {1}
    dilated = set(spec.dilation) != {1}
    asym = [a for a, (lo, hi) in enumerate(pairs) if lo != hi]
    names = AXIS_NAMES[n]
    if not spec.transposed:
        if spec.padding == "same" and strided:
            if asym:
                where = ", ".join(f"{names[a]}: {pairs[a][0]} before, {pairs[a][1]} after"
                                  for a in asym)
                out.append(
                    "'same' with stride > 1: TensorFlow/Keras pads asymmetrically, the odd cell "
                    f"after ({where}); PyTorch refuses padding='same' with stride > 1, and a "
                    "symmetric padding=p starts every window one cell earlier — different "
                    "outputs")
            else:
                out.append("'same' with stride > 1: PyTorch refuses padding='same' with stride "
                           "> 1; here Keras' 'same' is symmetric, so padding="
                           f"{_num([lo for lo, _ in pairs])} matches it")
        elif spec.padding == "causal":
            out.append(
                "'causal' padding exists only in Keras (Conv1D); in PyTorch pad first: "
                f"F.pad(x, {_pad_arg_last_axis_first(pairs)}) or nn.ZeroPad{n}d")
        elif spec.padding == "full":
            out.append("neither framework has 'full' padding by name: PyTorch padding=d(k − 1) "
                       f"= {_num([lo for lo, _ in pairs])}, Keras needs ZeroPadding{n}D")
        elif asym and not isinstance(spec.padding, str):
            out.append(f"per-side padding: PyTorch pads symmetrically (use nn.ZeroPad{n}d or "
                       f"F.pad), Keras only knows valid/same/causal (use ZeroPadding{n}D)")
        if not isinstance(spec.padding, str) and any(lo or hi for lo, hi in pairs):
            tf = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride,
                          dilation=spec.dilation, padding="same")
            tf_pairs = list(zip(tf.padding_before, tf.padding_after))
            if tf.output_size == spec.output_size and tf_pairs != pairs:
                where = ", ".join(f"{names[a]}: {tf_pairs[a][0]} before, {tf_pairs[a][1]} after"
                                  for a in range(n) if tf_pairs[a] != pairs[a])
                out.append(
                    "looks like 'same' but is not: Keras padding='same' gives the same output "
                    f"size here but pads {where}, so its windows sit elsewhere; keep the "
                    f"explicit ZeroPadding{n}D")
        if strided and dilated:
            out.append("stride > 1 with dilation > 1: PyTorch allows it, Keras refuses it")
    else:
        same = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride,
                        dilation=spec.dilation, padding="same", transposed=True)
        keras_same = (pairs == list(zip(same.padding_before, same.padding_after))
                      and spec.applied_output_padding == same.applied_output_padding)
        torch_p = [max(lo, hi) for lo, hi in pairs]
        torch_q = [2 * p - lo - hi + op for p, (lo, hi), op in
                   zip(torch_p, pairs, spec.applied_output_padding)]
        shift = [p - lo for p, (lo, _) in zip(torch_p, pairs)]
        if keras_same and asym:
            out.append(
                "transposed 'same': Keras gives o = i·s by cropping "
                + ", ".join(f"{names[a]}: {pairs[a][0]} before, {pairs[a][1]} after" for a in asym)
                + "; PyTorch's padding crops both sides equally and output_padding adds at the "
                f"end, so padding={_num(torch_p)}, output_padding={_num(torch_q)} has the same "
                f"size but is shifted by {_num(shift)} cell(s)")
        elif spec.padding == "same":
            out.append("transposed 'same': Keras gives o = i·s by name; in PyTorch choose "
                       "padding and output_padding yourself")
        if any(spec.applied_output_padding) and not keras_same:
            out.append("output_padding: PyTorch takes it (< max(stride, dilation)); Keras 3's "
                       "transposed layers have none (Keras 2 had it, < stride): crop a 'valid' "
                       "output instead")
        extra = [max(g.effective_kernel, g.stride) - g.effective_kernel for g in spec.axes]
        if any(extra) and not keras_same:
            out.append(
                "transposed 'valid' with stride > k̂: Keras adds max(k̂, s) − k̂ = "
                f"{_num(extra)} cells at the end, PyTorch adds only output_padding")
        if strided and dilated:
            out.append("stride > 1 with dilation > 1: PyTorch allows it, Keras refuses it")
        if spec.groups != 1:
            out.append("groups: PyTorch's ConvTranspose takes groups, Keras' transposed layers "
                       "do not")
    if spec.groups != 1 and not spec.transposed and spec.groups == spec.channels[0] and n <= 2:
        out.append(f"depthwise (groups = C_in = {spec.groups}): PyTorch says groups={spec.groups}; "
                   f"Keras has groups too, but the idiom is DepthwiseConv{n}D(depth_multiplier="
                   f"{spec.channels[1] // spec.groups})")
    k = "*k"
    if spec.transposed:
        out.append("layouts: PyTorch N, C, *spatial with weights (C_in, C_out/g, *k); Keras "
                   "channels-last with kernels (*k, C_out, C_in)")
    else:
        out.append(f"layouts: PyTorch N, C, *spatial with weights (C_out, C_in/g, {k}); Keras "
                   f"channels-last with kernels ({k}, C_in/g, C_out)")
    return out


def _pool_layers(spec: ConvSpec, mode: str) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """PyTorch and Keras pooling layers over the spec's windows, and their differences."""
    from convviz.core.spec import ConvSpec

    n = spec.ndim
    pairs = [(g.pad_before, g.pad_after) for g in spec.axes]
    dilated = set(spec.dilation) != {1}
    word = "Max" if mode == "max" else "Avg"
    # PyTorch: stride defaults to the kernel size, so it is always given
    kw = [f"kernel_size={_num(spec.kernel_size)}", f"stride={_num(spec.stride)}"]
    pre = None
    symmetric = all(lo == hi for lo, hi in pairs)
    # PyTorch allows padding up to half the kernel size (k, not k̂, even when dilated), and
    # its 3-D pooling wants the unpadded input to hold a window: else pad explicitly
    fits = all(2 * lo <= g.kernel_size and g.input_size >= g.effective_kernel
               for (lo, _), g in zip(pairs, spec.axes))
    if any(lo or hi for lo, hi in pairs):
        if symmetric and fits:
            kw.append(f"padding={_num([lo for lo, _ in pairs])}")
        else:
            fill = 'float("-inf")' if mode == "max" else "0.0"
            pre = f"nn.ConstantPad{n}d({_pad_arg_last_axis_first(pairs)}, {fill})"
    if dilated:
        kw.append(f"dilation={_num(spec.dilation)}")
    if mode == "avg" and dilated:
        pytorch = {"code": None, "crop": None, "exact": False,
                   "note": f"no PyTorch layer: nn.AvgPool{n}d has no dilation"}
    else:
        layer = f"nn.{word}Pool{n}d({', '.join(kw)})"
        pytorch = {"code": f"nn.Sequential({pre}, {layer})" if pre else layer, "crop": None,
                   "exact": True, "note": None}
    cls = f"{'Max' if mode == 'max' else 'Average'}Pooling{n}D"
    same = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride, padding="same")
    if dilated:
        keras: dict[str, Any] = {"code": None, "exact": False, "layers": None,
                                 "note": f"no Keras equivalent: {cls} has no dilation"}
    elif all(p == (0, 0) for p in pairs) or pairs == list(zip(same.padding_before,
                                                               same.padding_after)):
        padding = "valid" if all(p == (0, 0) for p in pairs) else "same"
        args = [f"pool_size={_num(spec.kernel_size)}", f"strides={_num(spec.stride)}"]
        if padding == "same":
            args.append('padding="same"')
        keras = {"code": f"keras.layers.{cls}({', '.join(args)})", "exact": True,
                 "layers": [{"class": cls, "pool_size": list(spec.kernel_size),
                             "strides": list(spec.stride), "padding": padding}],
                 "note": None}
    else:
        keras = {"code": None, "exact": False, "layers": None,
                 "note": f"no Keras equivalent: {cls} pads only by 'same' ({_num(same.padding_before)}"
                         f" before, {_num(same.padding_after)} after here)"}
    out = []
    if mode == "avg" and any(lo or hi for lo, hi in pairs):
        out.append("average pooling over padding: convviz and PyTorch (count_include_pad=True) "
                   "count the padding cells in the mean; Keras 'same' divides by the real cells "
                   "only (PyTorch count_include_pad=False)")
    return pytorch, keras, out


def info(spec: ConvSpec, name: str | None = None, pool: str | None = None) -> dict[str, Any]:
    """The arithmetic of ``spec`` as a JSON-ready dict (schema ``convviz.info/1``).

    Keys: schema, name, title, describe, ndim, kind, spec (the parameters),
    input_size, kernel_size, effective_kernel_size, stride, dilation,
    padding_before, padding_after, output_padding (in effect), output_size,
    canvas {size, padding}, channels {in, out, groups}, formula (one entry per
    group of identical axes: axes, symbolic, filled, value, terms),
    padding_rule (list or None), receptive_field, parameter_count, weights,
    biases, multiply_count, frame_count, pytorch {code, crop, exact, note},
    keras {code, exact, layers, note}, disagreements (list of str), pool
    (None, "max" or "avg": then the layers are pooling layers, with no parameters).
    """
    from convviz.core.engine import receptive_field
    from convviz.presets import PRESETS

    c_in, c_out = spec.channels
    weights = c_out * (c_in // spec.groups) * math.prod(spec.kernel_size)
    biases, parameters, multiplies = c_out, spec.parameter_count, spec.multiply_count
    if pool is not None:
        if pool not in ("max", "avg"):
            from convviz.errors import SpecError

            raise SpecError(f"pool must be None, 'max' or 'avg', got {pool!r}")
        if spec.transposed:
            from convviz.errors import SpecError

            raise SpecError("pool needs a direct spec; pooling is not transposed")
        pytorch, keras, differ = _pool_layers(spec, pool)
        weights = biases = parameters = multiplies = 0
    else:
        pytorch, keras, differ = _pytorch(spec), _keras(spec), _disagreements(spec)
    formulas = []
    rules = []
    for axes in _axis_groups(spec):
        entry = _formula(spec, axes[0])
        formulas.append({"axes": axes, **entry})
        rule = _padding_rule(spec, axes[0])
        if rule:
            rules.append({"axes": axes, "text": rule})
    return {
        "schema": "convviz.info/1",
        "name": name,
        "title": PRESETS[name].title if name in PRESETS else None,
        "describe": spec.describe(),
        "ndim": spec.ndim,
        "kind": "transposed" if spec.transposed else "direct",
        "spec": _spec_dict(spec),
        "input_size": list(spec.input_size),
        "kernel_size": list(spec.kernel_size),
        "effective_kernel_size": list(spec.effective_kernel_size),
        "stride": list(spec.stride),
        "dilation": list(spec.dilation),
        "padding_before": list(spec.padding_before),
        "padding_after": list(spec.padding_after),
        "output_padding": list(spec.applied_output_padding),
        "output_size": list(spec.output_size),
        "canvas": {"size": list(spec.canvas_size),
                   "padding": [list(p) for p in spec.canvas_padding]},
        "channels": {"in": c_in, "out": c_out, "groups": spec.groups},
        "formula": formulas,
        "padding_rule": rules or None,
        "receptive_field": list(receptive_field(spec).size),
        "parameter_count": parameters,
        "weights": weights,
        "biases": biases,
        "multiply_count": multiplies,
        "frame_count": spec.frame_count,
        "pytorch": pytorch,
        "keras": keras,
        "disagreements": differ,
        "pool": pool,
    }


def _axes_label(axes: Sequence[int], ndim: int) -> str:
    names = AXIS_NAMES[ndim]
    if len(axes) == ndim:
        return ""
    return " (" + ", ".join(names[a] for a in axes) + ")"


def _padding_text(data: dict[str, Any]) -> str:
    before, after, ndim = data["padding_before"], data["padding_after"], data["ndim"]
    if len(set(before + after)) == 1:
        text = f"{before[0]} on every side"
    else:
        names = AXIS_NAMES[ndim]
        text = "; ".join(f"{names[a]} {b} before, {aft} after"
                         for a, (b, aft) in enumerate(zip(before, after)))
    spec_padding = data["spec"]["padding"]
    if isinstance(spec_padding, str):
        text += f"  ('{spec_padding}')"
    return text


def info_text(data_or_spec: Any, name: str | None = None) -> str:
    """`convviz info` as text; takes a ConvSpec or the dict from :func:`info`."""
    data = data_or_spec if isinstance(data_or_spec, dict) else info(data_or_spec, name)
    ndim = data["ndim"]
    kind = "ConvTranspose" if data["kind"] == "transposed" else "Conv"
    head = f"{kind}{ndim}d  {data['describe']}"
    if data.get("pool"):
        head = f"{'MaxPool' if data['pool'] == 'max' else 'AvgPool'}{ndim}d  {data['describe']}"
    if data["title"]:
        head = f"{data['name']}: {data['title']}\n{head}"
    elif data["name"]:
        head = f"{data['name']}\n{head}"
    c = data["channels"]

    def ch(count: int) -> str:
        return f"{count} channel" + ("" if count == 1 else "s")

    rows: list[tuple[str, str]] = [
        ("input", f"{_fmt_size(data['input_size'])}, {ch(c['in'])}"),
        ("kernel", (f"{_fmt_size(data['kernel_size'])}, effective k̂ = d(k − 1) + 1 = "
                    f"{_fmt_size(data['effective_kernel_size'])}")),
        ("stride", _fmt_size(data["stride"]) if len(set(data["stride"])) > 1 else str(data["stride"][0])),
        ("dilation", _fmt_size(data["dilation"]) if len(set(data["dilation"])) > 1
         else str(data["dilation"][0])),
        ("padding", _padding_text(data) + ("  (cropped from the output)" if kind != "Conv" else "")),
    ]
    if kind != "Conv":
        op = data["output_padding"]
        rows.append(("output_padding", str(op[0]) if len(set(op)) == 1 else _fmt_size(op)))
    if c["groups"] != 1:
        rows.append(("groups", str(c["groups"])))
    rows.append(("output", f"{_fmt_size(data['output_size'])}, {ch(c['out'])}"))
    for entry in data["padding_rule"] or []:
        rows.append(("padding rule" + _axes_label(entry["axes"], ndim), entry["text"]))
    for entry in data["formula"]:
        label = "formula" + _axes_label(entry["axes"], ndim)
        rows.append((label, entry["symbolic"]))
        rows.append(("", f"  = {entry['filled']} = {entry['value']}"))
    canvas = data["canvas"]
    pads = canvas["padding"]
    pad_txt = ("; ".join(f"{b} before, {a} after" for b, a in pads) if len({tuple(p) for p in pads}) > 1
               else f"{pads[0][0]} before, {pads[0][1]} after")
    if kind == "Conv":
        rows.append(("canvas", f"{_fmt_size(canvas['size'])}: the input with its padding"))
    else:
        zeros = [s - 1 for s in data["stride"]]
        rows.append(("canvas", (f"{_fmt_size(canvas['size'])}: the input with s − 1 = "
                                f"{_num(zeros)} zero(s) between cells, padded k̂ − 1 − p "
                                f"({pad_txt}); a stride-1 convolution with the kernel flipped")))
    rows += [
        ("receptive field", _fmt_size(data["receptive_field"])),
        ("parameters", "0 (pooling has none)" if data.get("pool") else
         f"{data['parameter_count']:,} ({data['weights']:,} weights + "
         f"{data['biases']:,} bias{'' if data['biases'] == 1 else 'es'})"),
        ("multiplications", f"{data['multiply_count']:,}"),
        ("frames", f"{data['frame_count']:,} (one per output cell)"),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [head, ""]
    lines += [f"  {label:<{width}}{value}".rstrip() for label, value in rows]
    torch_info, keras_info = data["pytorch"], data["keras"]
    lines += ["", f"  PyTorch  {torch_info['code'] or torch_info['note']}"]
    if torch_info["code"] and torch_info["note"]:
        lines.append(f"           {torch_info['note']}")
    lines.append(f"  Keras    {keras_info['code'] or keras_info['note']}")
    if keras_info["code"] and keras_info["note"]:
        lines.append(f"           {keras_info['note']}")
    if data["disagreements"]:
        lines += ["", "  Where PyTorch and Keras differ:"]
        lines += [f"  - {text}" for text in data["disagreements"]]
    return "\n".join(lines)


# =====================================================================================
# output files
# =====================================================================================
@dataclass
class _Job:
    """One requested output: what to render and where."""

    label: str  # preset name or custom slug
    target: Any  # preset name (str) or ConvSpec
    path: Path
    options: dict[str, Any] = field(default_factory=dict)
    frame: int | None = None
    sheet: bool = False
    force: bool = False  # replace a file that exists (also one that appears while rendering)


def _slug(spec: ConvSpec) -> str:
    def f(values: Sequence[int]) -> str:
        return "x".join(map(str, values)) if len(set(values)) > 1 else str(values[0])

    parts = [f"conv{spec.ndim}d" + ("_transposed" if spec.transposed else ""),
             f"i{f(spec.input_size)}", f"k{f(spec.kernel_size)}"]
    if set(spec.stride) != {1}:
        parts.append(f"s{f(spec.stride)}")
    if isinstance(spec.padding, str):
        parts.append(f"p{spec.padding}")
    elif spec.padding_before == spec.padding_after:
        if any(spec.padding_before):
            parts.append(f"p{f(spec.padding_before)}")
    else:
        parts.append("p" + "_".join(f"{b}-{a}" for b, a in zip(spec.padding_before,
                                                                spec.padding_after)))
    if set(spec.dilation) != {1}:
        parts.append(f"d{f(spec.dilation)}")
    if any(spec.output_padding):
        parts.append(f"op{f(spec.output_padding)}")
    if spec.groups != 1:
        parts.append(f"g{spec.groups}")
    return "_".join(parts)


def _check_output_path(path: Path, force: bool, flag: str | None = "-o") -> None:
    """Refuse a path we cannot or must not write, before any work."""
    flag = f"{flag}: {path}" if flag else str(path)
    parent = path.parent
    probe = parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputError(f"{flag}: {probe} is a file, not a directory")
    if path.is_dir():
        raise OutputError(f"{flag} is a directory; give a file name or use it as -o DIR")
    if path.suffix.lower() not in OUTPUT_FORMATS:
        raise UsageError(
            f"{flag}: {path.suffix or 'no extension'} is not a known format; use .gif "
            "(animation) or .png (--frame N still or --sheet contact sheet)")
    if os.path.lexists(path) and not force:  # (a dangling symbolic link counts)
        raise OutputError(f"{flag} exists; pass --force to overwrite it")


def _plan_outputs(args: argparse.Namespace, targets: list[tuple[str, Any]]) -> list[_Job]:
    still = args.frame is not None or args.sheet
    ext = ".png" if still else ".gif"
    out = Path(args.output) if args.output else None
    as_dir = out is not None and (out.is_dir() or args.output.endswith(("/", os.sep))
                                  or (out.suffix == "" and not out.exists()))
    if out is not None and not as_dir and len(targets) > 1:
        raise UsageError(f"-o: {len(targets)} outputs need a directory, got the file name {out}")
    jobs = []
    for label, target in targets:
        name = label + ("_sheet" if args.sheet else f"_frame{args.frame}" if still else "") + ext
        if out is None:
            path = Path(name)
        elif as_dir:
            path = out / name
        else:
            path = out
            if still and path.suffix.lower() == ".gif":
                raise UsageError(f"-o: {path.name}: --frame and --sheet write PNG files, use .png")
            if not still and path.suffix.lower() == ".png":
                raise UsageError(f"-o: {path.name}: a PNG holds one picture; add --frame N or "
                                 "--sheet, or use .gif")
        jobs.append(_Job(label, target, path, frame=args.frame, sheet=args.sheet))
    seen: dict[Path, str] = {}
    for job in jobs:
        key = Path(os.path.abspath(job.path))
        if key in seen:
            raise UsageError(f"NAME: {job.label!r} and {seen[key]!r} would both write {job.path}")
        seen[key] = job.label
    return jobs


def _animation(job: _Job) -> Any:
    """The (lazy, not yet drawn) Animation of a job; SpecError if its options are invalid."""
    from convviz import animate

    return animate(job.target, **job.options)


def _render_one(job: _Job) -> dict[str, Any]:
    """Render and save one output (runs in a worker process with --jobs)."""
    _WORKER_STATE["busy"] = True
    try:
        anim = _animation(job)
        _save(anim, job.path, frame=job.frame, sheet=job.sheet, overwrite=job.force)
        frames = anim.frame_count
    finally:
        _WORKER_STATE["busy"] = False
    return {"path": str(job.path), "frames": frames, "bytes": job.path.stat().st_size,
            "label": job.label, "frame": job.frame, "sheet": job.sheet}


def _save(anim: Any, path: Path, **kw: Any) -> None:
    """Animation.save (the writer comes from convviz.encode's registry by extension;
    ``overwrite=False`` refuses a file that appeared at ``path`` while rendering)."""
    anim.save(path, **kw)


_WORKER_STATE = {"busy": False}


def _worker_init() -> None:
    """Worker processes: Ctrl-C interrupts a render in progress (so its temp file is
    removed by the atomic writer) but never the pool's own machinery."""
    import signal

    def handler(signum: int, frame: Any) -> None:
        if _WORKER_STATE["busy"]:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)


def _progress(total: int, quiet: bool, desc: str) -> Any:
    """A tqdm bar on stderr when it is a terminal and not -q, else None."""
    if quiet or total <= 1 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="file", file=sys.stderr, leave=False)


# =====================================================================================
# commands
# =====================================================================================
def _cmd_render(args: argparse.Namespace) -> int:
    from convviz.presets import PRESETS

    spec_flags = _spec_flags_given(args)
    if args.all:
        if args.names or spec_flags:
            what = "NAMEs" if args.names else spec_flags[0]
            raise UsageError(f"--all: renders every preset; drop the {what}")
        if args.output is None:
            raise UsageError("--all: give an output directory with -o DIR")
        args.names = _all_preset_names()
    if args.names and spec_flags:
        raise UsageError(f"{spec_flags[0]}: give preset NAMEs or spec flags, not both")
    if not args.names and not spec_flags:
        raise UsageError("NAME: give one or more preset names (`convviz list`) or a spec "
                         "(--input, --kernel, ...)")
    if args.frame is not None and args.sheet:
        raise UsageError("--frame: --frame and --sheet are two different pictures; pick one")
    targets: list[tuple[str, Any]] = []
    if args.names:
        diagrams = _diagram_presets()
        for name in args.names:
            if name in PRESETS:
                _check_size(PRESETS[name].spec, render=True, where="NAME")
            elif name not in diagrams:
                raise _unknown_preset(name)
            targets.append((name, name))
    else:
        spec = spec_from_flags(args)
        _check_size(spec, render=True)
        targets.append((_slug(spec), spec))
    if args.pool and any(isinstance(t, str) and t not in PRESETS for _, t in targets):
        raise UsageError("--pool: pooling applies to convolution presets, not diagrams")
    options: dict[str, Any] = {"theme": args.theme, "duration": args.duration, "scale": args.scale}
    if args.numbers:
        options["numbers"] = True
    if args.scatter:
        options["view"] = "scatter"
    if args.no_labels:
        options["labels"] = False
    if args.pool:
        options["pool"] = args.pool
    if args.seed:
        options["seed"] = args.seed
    jobs = _plan_outputs(args, targets)
    for job in jobs:
        job.options = dict(options)
        job.force = bool(args.force)
        _check_output_path(job.path, args.force, "-o" if args.output else None)
        # build (not draw) each animation now: invalid option combinations, frame
        # numbers and outputs too large for memory are refused before any file is written
        anim = _animation(job)
        if job.frame is not None and job.frame >= anim.frame_count:
            raise UsageError(f"--frame: {job.frame} is not a frame of {job.label} "
                             f"(it has {anim.frame_count}: 0 … {anim.frame_count - 1})")
        anim.check_budget(frame=job.frame, sheet=job.sheet, extension=job.path.suffix.lower())
    # directories for -o DIR are created just before writing, and removed again if empty
    created: list[Path] = []
    parents = sorted({job.path.parent for job in jobs if not job.path.parent.exists()})
    try:
        for parent in parents:
            missing = [p for p in [parent, *parent.parents] if not p.exists()]
            parent.mkdir(parents=True, exist_ok=True)
            created.extend(sorted(missing, key=lambda p: len(p.parts), reverse=True))
        _run_jobs(jobs, args, lambda result, bar: _report_written(result, args.quiet, bar))
    except BaseException:
        for directory in created:
            try:
                directory.rmdir()  # only if still empty: never removes anything else
            except OSError:
                pass
        raise
    return 0


def _report_written(result: dict[str, Any], quiet: bool, bar: Any) -> None:
    """One line per file, as soon as it is in place (above the progress bar, if any)."""
    log.info("wrote %s", result["path"])
    if quiet:
        return
    if result["frame"] is not None:
        what = f"frame {result['frame']} of {result['frames']}"
    elif result["sheet"]:
        what = f"contact sheet of {result['frames']} frames"
    else:
        what = f"{result['frames']} frames"
    line = f"wrote {result['path']} ({what}, {_human_bytes(result['bytes'])})"
    if bar is not None:
        bar.write(line, file=sys.stdout)
    else:
        print(line, flush=True)


def _human_bytes(n: int) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover


def _run_jobs(jobs: list[_Job], args: argparse.Namespace,
              done: Callable[[dict[str, Any], Any], None]) -> None:
    """Render every job (in processes with --jobs N > 1); ``done(result, bar)`` after each.

    Each output is rendered independently of the others, so the files are the same
    whatever N is; only the order of the report lines may differ.
    """
    workers = min(args.jobs or 1, len(jobs))
    bar = _progress(len(jobs), args.quiet, "render")
    try:
        if workers <= 1:
            for job in jobs:
                log.debug("rendering %s -> %s", job.label, job.path)
                result = _render_one(job)
                if bar:
                    bar.update(1)
                done(result, bar)
        else:
            from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

            pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
            pending: set[Any] = set()
            try:
                pending = {pool.submit(_render_one, job) for job in jobs}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        result = fut.result()  # re-raises a worker's error
                        if bar:
                            bar.update(1)
                        done(result, bar)
            except KeyboardInterrupt:
                # let running renders stop (or finish), then say which files did get written
                pool.shutdown(wait=True, cancel_futures=True)
                for fut in pending:
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        done(fut.result(), bar)
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if bar:
            bar.close()


def _cmd_list(args: argparse.Namespace) -> int:
    rows = preset_rows()
    if args.json:
        print(json.dumps({"schema": "convviz.list/1", "presets": rows}, indent=2,
                         ensure_ascii=False))
        return 0
    header = ("NAME", "FAMILY", "PARAMETERS", "OUTPUT", "FRAMES")
    table = [header] + [
        (r["name"], r["family"], r["parameters"] if r["spec"] else (r["title"] or ""),
         _fmt_size(r["output_size"]) if r["output_size"] else "—",
         str(r["frames"]) if r["frames"] is not None else "—")
        for r in rows
    ]
    widths = [max(len(row[c]) for row in table) for c in range(len(header))]
    for row in table:
        cells = [cell.ljust(w) if c < 3 else cell.rjust(w) if c == 4 else cell.ljust(w)
                 for c, (cell, w) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from convviz.presets import PRESETS

    spec_flags = _spec_flags_given(args)
    if args.name and spec_flags:
        raise UsageError(f"{spec_flags[0]}: give a preset NAME or spec flags, not both")
    if args.name:
        if args.name not in PRESETS:
            if args.name in _diagram_presets():
                raise UsageError(f"NAME: {args.name!r} is a diagram; `convviz info` describes "
                                 "single convolutions (see `convviz list`)")
            raise _unknown_preset(args.name)
        spec, name = PRESETS[args.name].spec, args.name
        pool = args.pool or PRESETS[args.name].options.get("pool")
    elif spec_flags:
        spec, name, pool = spec_from_flags(args), None, args.pool
    else:
        raise UsageError("NAME: give a preset name or a spec (--input, --kernel, ...)")
    if pool and spec.transposed:
        raise UsageError("--pool: pooling needs a direct convolution, not --transposed")
    _check_size(spec, render=False, where="NAME" if name else "--input")
    data = info(spec, name, pool=pool)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(info_text(data))
    return 0


def _cmd_gallery(args: argparse.Namespace) -> int:
    try:
        from convviz.site import builder as site
    except ImportError as exc:
        raise CLIError(f"gallery: the site builder is not available ({exc})") from exc
    if not hasattr(site, "build"):
        raise CLIError("gallery: convviz.site.builder has no build()")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise CLIError(f"-o: {out} is a file, not a directory")
    probe = out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise CLIError(f"-o: {out}: {probe} is a file, not a directory")
    if args.templates is not None and not Path(args.templates).is_dir():
        raise UsageError(f"--templates: {args.templates} is not a directory")
    state: dict[str, Any] = {"bar": None}
    show = not args.quiet and sys.stderr.isatty()

    def progress(done: int, total: int, name: str) -> None:
        log.debug("gallery %d/%d %s", done, total, name)
        if not show:
            return
        if state["bar"] is None:
            from tqdm import tqdm

            state["bar"] = tqdm(total=total, desc="gallery", unit="file", file=sys.stderr,
                                leave=False)
        bar = state["bar"]
        bar.total = total
        bar.set_postfix_str(str(name)[-40:], refresh=False)
        bar.update(done - bar.n)

    kwargs: dict[str, Any] = {"lang": args.lang, "templates": args.templates, "jobs": args.jobs,
                              "progress": progress, "force": bool(args.force)}
    if args.draft:
        draft = getattr(site, "render_draft", None)
        if draft is None:
            raise CLIError("--draft: this convviz.site.builder has no render_draft")
        kwargs["renderer"] = draft
    try:
        report = site.build(str(out), **kwargs)
    finally:
        if state["bar"] is not None:
            state["bar"].close()
    failed = dict(getattr(report, "failed", {}) or {})
    for path, message in sorted(failed.items()):
        log.error("%s: %s", path, " ".join(str(message).split()))
    if not args.quiet:
        print(_report_line(report, out))
    return 1 if failed else 0


def _report_line(report: Any, out: Path) -> str:
    """One summary line from site.build's BuildReport."""
    index = getattr(report, "index", None) or out / "index.html"
    parts = []
    for attr, word in (("rendered", "pictures rendered"), ("reused", "reused"),
                       ("written", "files written")):
        value = getattr(report, attr, None)
        if isinstance(value, int):
            parts.append(f"{value} {word}")
    omitted = getattr(report, "omitted", ()) or ()
    if omitted:
        parts.append(f"{len(omitted)} omitted")
    failed = getattr(report, "failed", {}) or {}
    if failed:
        parts.append(f"{len(failed)} failed")
    seconds = getattr(report, "elapsed", None)
    if isinstance(seconds, (int, float)):
        parts.append(f"{seconds:.1f} s")
    return f"gallery: {index} ({', '.join(parts)})"


# =====================================================================================
# the parser
# =====================================================================================
def _add_spec_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "spec (instead of a preset NAME)",
        "Sizes: one number for every axis or one per axis (5,7). A bare --input is a\n"
        "square 2-D input; 1-D and 3-D: --input 16 --dims 1, --input 8,8,8.\n"
        "Padding: 1 (every side), 1,2 (per axis), 1:2 (before:after, every axis),\n"
        "1:2,0:1 (before:after per axis), or valid | same | full | causal.\n"
        "Before is the top/left (start) side, after the bottom/right (end).")
    g.add_argument("-i", "--input", metavar="SIZE", help="input size, e.g. 5, 5,7, 8,8,8")
    g.add_argument("-k", "--kernel", metavar="SIZE", help="kernel size (default 3)")
    g.add_argument("-s", "--stride", metavar="N", help="stride (default 1)")
    g.add_argument("-p", "--padding", metavar="PAD", help="padding (default 0), see above")
    g.add_argument("-d", "--dilation", metavar="N", help="dilation (default 1)")
    g.add_argument("--dims", type=_int_type(1, 3), metavar="{1,2,3}",
                   help="number of spatial axes for bare numbers (default 2)")
    g.add_argument("-t", "--transposed", action="store_true",
                   help="a transposed convolution (padding crops its output, as in PyTorch)")
    g.add_argument("--output-padding", metavar="N",
                   help="extra cells at the end of a transposed output (< max(stride, dilation))")
    g.add_argument("--groups", type=_int_type(1), metavar="G", help="channel groups (default 1)")
    g.add_argument("--in-channels", type=_int_type(1), metavar="C",
                   help="input channels (default: groups)")
    g.add_argument("--out-channels", type=_int_type(1), metavar="C",
                   help="output channels (default: groups)")


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``convviz`` (one sub-parser per command)."""
    from convviz import __version__

    common = _Parser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="print only errors")
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                        help="say more (-vv: debug)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks")

    parser = _Parser(
        prog="convviz",
        description="Convolution arithmetic made visible: animations, numbers and a gallery.",
        epilog="`convviz COMMAND --help` describes each command. Exit status: 0 ok, "
               "1 failure, 2 usage error, 130 interrupted.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"convviz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    render = sub.add_parser(
        "render", parents=[common], help="write animations (GIF), stills or contact sheets (PNG)",
        description="Render presets or a spec to GIF (or PNG with --frame/--sheet).\n"
                    "Existing files are never overwritten without --force.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  convviz render padding_strides                 # padding_strides.gif here\n"
               "  convviz render -i 5 -k 3 -s 2 -p 1 -o conv.gif\n"
               "  convviz render -i 8 --dims 1 -d 2 -p causal --numbers --frame 3 -o c.png\n"
               "  convviz render padding_strides_transposed --scatter --sheet\n"
               "  convviz render --all -o gifs/ --jobs 2")
    render.add_argument("names", nargs="*", metavar="NAME", help="preset names (convviz list)")
    render.add_argument("--all", action="store_true",
                        help="render every preset (with -o DIR)")
    _add_spec_flags(render)
    look = render.add_argument_group("picture")
    look.add_argument("--theme", choices=THEMES, default="default", help="colours and labels")
    look.add_argument("--numbers", action="store_true",
                      help="show the numbers: input, kernel, and the sums")
    look.add_argument("--scatter", action="store_true",
                      help="scatter view: each input cell writes through the kernel "
                           "(how a transposed convolution computes)")
    look.add_argument("--pool", choices=("max", "avg"), help="animate pooling over the windows")
    look.add_argument("--duration", type=_positive_float("--duration", DURATION_RANGE),
                      default=1.0, metavar="SECONDS", help="seconds per frame (default 1.0)")
    look.add_argument("--scale", type=_positive_float("--scale", SCALE_RANGE), default=1.0,
                      help="picture size factor (default 1.0)")
    look.add_argument("--no-labels", action="store_true", help="no input/output labels")
    look.add_argument("--seed", type=_int_type(0), default=0, metavar="N",
                      help="random numbers of --numbers/--pool pictures (default 0)")
    look.add_argument("--frame", type=_int_type(0), metavar="N",
                      help="write frame N as a PNG still")
    look.add_argument("--sheet", action="store_true",
                      help="write a contact sheet (all frames on one PNG)")
    files = render.add_argument_group("files")
    files.add_argument("-o", "--output", metavar="PATH",
                       help="a file (.gif, .png) or a directory (existing, ending in /, or "
                            "without suffix) for one file per NAME; default: NAME.gif here")
    files.add_argument("--force", action="store_true", help="overwrite existing output files")
    files.add_argument("-j", "--jobs", type=_int_type(1, MAX_JOBS), default=1, metavar="N",
                       help="render N files at once in separate processes")
    render.set_defaults(func=_cmd_render)

    lst = sub.add_parser("list", parents=[common], help="the presets with parameters and sizes",
                         description="List the presets: name, family, parameters, output size.")
    lst.add_argument("--json", action="store_true",
                     help="JSON: {schema: 'convviz.list/1', presets: [...]}")
    lst.set_defaults(func=_cmd_list)

    inf = sub.add_parser(
        "info", parents=[common], help="the arithmetic of a preset or spec as text or JSON",
        description="Output size, padding per side, the formula with the numbers filled in,\n"
                    "receptive field, parameter and multiplication counts, the PyTorch and\n"
                    "Keras layers, and where the two frameworks disagree.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  convviz info padding_strides_odd\n"
               "  convviz info -i 8 -k 3 -s 2 -p same\n"
               "  convviz info -i 4 -k 3 -s 2 -p 1 --output-padding 1 --transposed\n"
               "  convviz info -i 16 --dims 1 -k 3 -d 2 -p causal --json")
    inf.add_argument("name", nargs="?", metavar="NAME", help="a preset name")
    _add_spec_flags(inf)
    inf.add_argument("--pool", choices=("max", "avg"),
                     help="pooling over the same windows instead of a convolution")
    inf.add_argument("--json", action="store_true",
                     help="JSON (schema 'convviz.info/1', see convviz.info)")
    inf.set_defaults(func=_cmd_info)

    gal = sub.add_parser("gallery", parents=[common], help="build the static HTML gallery",
                         description="Build the gallery site (only what changed is re-rendered).")
    gal.add_argument("-o", "--output", default="output", metavar="DIR",
                     help="output directory (default: output)")
    gal.add_argument("--lang", choices=("en", "zh"), default="en", help="page language")
    gal.add_argument("--templates", metavar="DIR", help="use these Jinja templates instead")
    gal.add_argument("-j", "--jobs", type=_int_type(1, MAX_JOBS), metavar="N",
                     help="render with N processes (default: all cores)")
    gal.add_argument("--force", action="store_true", help="rebuild everything")
    gal.add_argument("--draft", action="store_true",
                     help="one frame per animation: a fast preview of the pages")
    gal.set_defaults(func=_cmd_gallery)
    return parser


# =====================================================================================
# main
# =====================================================================================
class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"convviz: {record.levelname.lower()}: {record.getMessage()}"


_HANDLER: logging.Handler | None = None


def _configure_logging(quiet: bool, verbose: int) -> None:
    global _HANDLER
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO)[min(verbose, 1)]
    if verbose >= 2:
        level = logging.DEBUG
    root = logging.getLogger("convviz")
    if _HANDLER is not None:
        root.removeHandler(_HANDLER)
    _HANDLER = logging.StreamHandler(sys.stderr)
    _HANDLER.setFormatter(_OneLine())
    root.addHandler(_HANDLER)
    root.setLevel(level)


def _error(message: str) -> None:
    first = " ".join(str(message).split())  # exactly one line
    print(f"convviz: error: {first}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (never raises SystemExit)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help, --version
            return int(exc.code or 0)
        args.quiet = getattr(args, "quiet", False)
        args.verbose = getattr(args, "verbose", 0) or 0
        debug = getattr(args, "debug", False)
        _configure_logging(args.quiet, args.verbose)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        return int(args.func(args))
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        print("convviz: interrupted", file=sys.stderr)
        return 130
    except ConvvizError as exc:
        if debug:
            traceback.print_exc()
        _error(_flag_for_spec_error(str(exc)) if isinstance(exc, SpecError) else str(exc))
        return exc.status
    except BrokenPipeError:
        # `convviz list | head`: stdout closed early is not an error worth a traceback
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 1
    except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
        if debug:
            traceback.print_exc()
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            _error(f"{where}{exc.strerror or exc}")
            return 1
        _error(f"{type(exc).__name__}: {exc}" + ("" if debug else " (--debug shows where)"))
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
