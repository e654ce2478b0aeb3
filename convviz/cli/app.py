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

from convviz.core.info import info, info_text, spec_dict  # NumPy only: the facts live in core
from convviz.encode.registry import extensions as registered_extensions
from convviz.errors import ConvvizError, OutputError, SpecError, UsageError
from convviz.look.scene import MAX_CANVAS_CELLS  # data only: no matplotlib
from convviz.look.themes import THEMES  # data only: no matplotlib

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


def _parameters(spec: ConvSpec) -> str:
    """The spec's one-line description without its output size (shown in its own column)."""
    return ", ".join(part for part in spec.describe().split(", ") if not part.startswith("o="))


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
            "parameters": _parameters(spec) + (
                f", {preset.options['pool']} pooling" if preset.options.get("pool") else ""),
            "pool": preset.options.get("pool"),
            "spec": spec_dict(spec),
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
    look.add_argument("--theme", choices=tuple(THEMES), default="default", help="colours and labels")
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
    gal.add_argument("--lang", choices=("all", "en", "zh"), default="all",
                     help="page language: all (default: English in DIR/index.html, Chinese in "
                          "DIR/zh/index.html, one set of pictures), en or zh alone")
    gal.add_argument("--templates", metavar="DIR", help="use these Jinja templates instead")
    gal.add_argument("-j", "--jobs", type=_int_type(1, MAX_JOBS), metavar="N",
                     help="render with N processes (default: all cores)")
    gal.add_argument("--force", action="store_true", help="rebuild everything")
    gal.add_argument("--draft", action="store_true",
                     help="one frame per animation: a fast preview of the pages")
    gal.set_defaults(func=_cmd_gallery)

    from convviz.cli.net import add_net_parser  # `convviz net` lives in its own module

    add_net_parser(sub, common)
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
