"""``convviz render``: presets or a spec to GIF animations, PNG stills or contact sheets.

Files: ``-o`` is a file (``.gif`` animation, ``.png`` with ``--frame N`` or
``--sheet``) or a directory (an existing one, a path ending in ``/``, or a path
without suffix) that gets one ``NAME.gif`` per preset; without ``-o`` files go
to the current directory. Every output is checked before anything is drawn
(:mod:`convviz.cli.outputs`): an existing file is refused unless ``--force``, a
parent that is a file, a name too long, a directory that is not writable or a
disk clearly too full are refused, and so are absurd sizes. Files are written
atomically (temp file + rename), so an error or Ctrl-C leaves no partial file;
a directory created for the outputs is removed again if nothing was written
into it. ``--jobs N`` renders the outputs in N processes
(:mod:`convviz.cli.jobs`); each file is the same whatever N is.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from convviz.core.spec import ConvSpec

from convviz.cli.console import emit
from convviz.cli.flags import check_size, spec_flags_given, spec_from_flags
from convviz.cli.info import all_preset_names, diagram_presets, unknown_preset
from convviz.cli.jobs import Job, animation_of, run_jobs
from convviz.cli.outputs import check_output_path, check_room, check_writable, min_file_bytes
from convviz.errors import UsageError

__all__ = ["cmd_render", "plan_outputs", "slug"]

log = logging.getLogger(__name__)


def slug(spec: ConvSpec) -> str:
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


def plan_outputs(args: argparse.Namespace, targets: list[tuple[str, Any]]) -> list[Job]:
    still = args.frame is not None or args.sheet
    ext = ".png" if still else ".gif"
    out = Path(args.output) if args.output else None
    as_dir = out is not None and (os.path.isdir(out) or args.output.endswith(("/", os.sep))
                                  or (out.suffix == "" and not os.path.lexists(out)))
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
        jobs.append(Job(label, target, path, frame=args.frame, sheet=args.sheet))
    seen: dict[Path, str] = {}
    for job in jobs:
        key = Path(os.path.abspath(job.path))
        if key in seen:
            raise UsageError(f"NAME: {job.label!r} and {seen[key]!r} would both write {job.path}")
        seen[key] = job.label
    return jobs


def cmd_render(args: argparse.Namespace) -> int:
    from convviz.presets import PRESETS

    spec_flags = spec_flags_given(args)
    if args.all:
        if args.names or spec_flags:
            what = "NAMEs" if args.names else spec_flags[0]
            raise UsageError(f"--all: renders every preset; drop the {what}")
        if args.output is None:
            raise UsageError("--all: give an output directory with -o DIR")
        args.names = all_preset_names()
    if args.names and spec_flags:
        raise UsageError(f"{spec_flags[0]}: give preset NAMEs or spec flags, not both")
    if not args.names and not spec_flags:
        raise UsageError("NAME: give one or more preset names (`convviz list`) or a spec "
                         "(--input, --kernel, ...)")
    if args.frame is not None and args.sheet:
        raise UsageError("--frame: --frame and --sheet are two different pictures; pick one")
    targets: list[tuple[str, Any]] = []
    if args.names:
        diagrams = diagram_presets()
        for name in args.names:
            if name in PRESETS:
                check_size(PRESETS[name].spec, render=True, where="NAME")
            elif name not in diagrams:
                raise unknown_preset(name)
            targets.append((name, name))
    else:
        spec = spec_from_flags(args)
        check_size(spec, render=True)
        targets.append((slug(spec), spec))
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
    if args.lang != "en":
        options["lang"] = args.lang
    jobs = plan_outputs(args, targets)
    flag = "-o" if args.output else None
    for job in jobs:
        job.options = dict(options)
        job.force = bool(args.force)
        check_output_path(job.path, args.force, flag)
    check_writable([job.path for job in jobs], flag)
    sizes: list[tuple[Path, int]] = []
    for job in jobs:
        # build (not draw) each animation now: invalid option combinations, frame
        # numbers and outputs too large for memory are refused before any file is written
        anim = animation_of(job)
        if job.frame is not None and job.frame >= anim.frame_count:
            raise UsageError(f"--frame: {job.frame} is not a frame of {job.label} "
                             f"(it has {anim.frame_count}: 0 … {anim.frame_count - 1})")
        anim.check_budget(frame=job.frame, sheet=job.sheet, extension=job.path.suffix.lower())
        sizes.append((job.path, _min_bytes(anim, job)))
    check_room(sizes, flag)
    # directories for -o DIR are created just before writing, and removed again if empty
    created: list[Path] = []
    parents = sorted({job.path.parent for job in jobs if not job.path.parent.exists()})
    try:
        for parent in parents:
            missing = [p for p in [parent, *parent.parents] if not p.exists()]
            parent.mkdir(parents=True, exist_ok=True)
            created.extend(sorted(missing, key=lambda p: len(p.parts), reverse=True))
        run_jobs(jobs, args, lambda result, bar: _report_written(result, args.quiet, bar))
    except BaseException:
        for directory in created:
            try:
                directory.rmdir()  # only if still empty: never removes anything else
            except OSError:
                pass
        raise
    return 0


def _min_bytes(anim: Any, job: Job) -> int:
    """A lower estimate of the size of the file ``job`` writes (nothing is drawn)."""
    sheet = None
    if job.sheet:
        from convviz.encode.sheet import sheet_size

        sheet = sheet_size(anim.frame_count, anim.size)
    return min_file_bytes(anim.frame_count, anim.size, still=job.frame is not None
                          or job.path.suffix.lower() == ".png", sheet_size=sheet)


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
        emit(line, flush=True)


def _human_bytes(n: int) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover
