"""Spec flags of ``render`` and ``info``: parsing, limits, and the ConvSpec they describe.

::

    --input/-i 5        a bare number is a square 2-D input (like ConvSpec)
    --input 5,7         one value per axis: 1, 2 or 3 values give 1-D/2-D/3-D
    --input 16 --dims 1 --dims sets the number of axes for bare numbers
    --kernel/-k, --stride/-s, --dilation/-d, --output-padding: a number
                        (every axis) or one value per axis, "3,1"
    --padding/-p        1 (every side), 1,2 (per axis, both sides),
                        1:2 (before:after on every axis), 1:2,0:1 (per axis,
                        before:after), or valid | same | full | causal

``before`` is the top/left (start) side, ``after`` the bottom/right (end).
Every bad value is a :class:`~convviz.errors.UsageError` naming its flag.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from convviz.core.spec import ConvSpec

from convviz.cli.console import emit
from convviz.encode.registry import extensions as registered_extensions
from convviz.errors import UsageError
from convviz.look.scene import MAX_CANVAS_CELLS  # data only: no matplotlib
from convviz.look.themes import SCALE_RANGE  # data only

__all__ = [
    "DURATION_RANGE", "MAX_AXIS_CELLS", "MAX_JOBS", "OUTPUT_FORMATS", "PARAM_FLAGS",
    "RENDER_MAX_CELLS", "RENDER_MAX_FRAMES", "SCALE_RANGE", "SPEC_FLAGS", "Parser", "VersionAction",
    "add_spec_flags", "check_size", "flag_for_spec_error", "int_type", "positive_float",
    "spec_flags_given", "spec_from_flags",
]


# -- limits: refused before any work starts -----------------------------------------
#: cells per axis any spec may have (input, output or canvas) — info and list
MAX_AXIS_CELLS = 4096
#: cells per axis of a canvas or output that render will draw: the renderer's own bound
RENDER_MAX_CELLS = MAX_CANVAS_CELLS
#: frames one animation may have (one per output cell)
RENDER_MAX_FRAMES = 1024
#: bounds of --scale and --duration
DURATION_RANGE = (0.05, 120.0)
MAX_JOBS = 64

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
    "lang": "--lang",
}

# =====================================================================================
# errors: one exception tree (convviz.errors); every ConvvizError is reported as one
# line and exits with its ``status`` (2: UsageError, SpecError; 1: OutputError and the rest)
# =====================================================================================
class Parser(argparse.ArgumentParser):
    """argparse, but errors become one line (no usage dump) via UsageError."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # "argument -s/--stride: msg" -> "--stride: msg" (the long name reads best)
        m = re.match(r"argument ([^:]+): (.*)", message, re.DOTALL)
        if m:
            names = m.group(1).split("/")
            longs = [n for n in names if n.startswith("--")]
            message = f"{(longs or names)[0]}: {m.group(2)}"
        raise UsageError(message.replace("\n", " "))

    def print_help(self, file: Any = None) -> None:
        """Help on standard output; a failure to write it is an error (argparse hides it)."""
        if file is None:
            emit(self.format_help(), end="")
        else:
            super().print_help(file)


class VersionAction(argparse.Action):
    """``--version``: prints ``version`` and exits 0, a failure to print being an error."""

    def __init__(self, option_strings: list[str], version: str, dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)
        self.version = version

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        emit(self.version)
        parser.exit()


def flag_for_spec_error(message: str) -> str:
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


def positive_float(flag: str, bounds: tuple[float, float]) -> Callable[[str], float]:
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


def int_type(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
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


def spec_flags_given(args: argparse.Namespace) -> list[str]:
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
        raise UsageError(flag_for_spec_error(str(exc))) from exc
    return spec


def check_size(spec: ConvSpec, *, render: bool, where: str = "--input") -> None:
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


def add_spec_flags(p: argparse.ArgumentParser) -> None:
    """Add the spec flags (--input, --kernel, ...) to the parser of ``render`` or ``info``."""
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
    g.add_argument("--dims", type=int_type(1, 3), metavar="{1,2,3}",
                   help="number of spatial axes for bare numbers (default 2)")
    g.add_argument("-t", "--transposed", action="store_true",
                   help="a transposed convolution (padding crops its output, as in PyTorch)")
    g.add_argument("--output-padding", metavar="N",
                   help="extra cells at the end of a transposed output (< max(stride, dilation))")
    g.add_argument("--groups", type=int_type(1), metavar="G", help="channel groups (default 1)")
    g.add_argument("--in-channels", type=int_type(1), metavar="C",
                   help="input channels (default: groups)")
    g.add_argument("--out-channels", type=int_type(1), metavar="C",
                   help="output channels (default: groups)")
