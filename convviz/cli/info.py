"""``convviz list`` and ``convviz info``, and the preset names both commands accept.

Thin: the facts come from :mod:`convviz.core.info` (NumPy only, no matplotlib);
these commands only choose the spec and print the table, the text or the JSON.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from convviz.core.spec import ConvSpec

from convviz.cli.console import emit
from convviz.cli.flags import check_size, spec_flags_given, spec_from_flags
from convviz.core.info import info, info_text, spec_dict  # NumPy only: the facts live in core
from convviz.errors import UsageError

__all__ = ["all_preset_names", "cmd_info", "cmd_list", "diagram_presets", "preset_rows",
           "unknown_preset"]


# =====================================================================================
# presets
# =====================================================================================
def diagram_presets() -> dict[str, Any]:
    """Diagram presets (helper module convviz.draw.diagrams), or {} if it has none."""
    try:
        from convviz.draw import diagrams
    except ImportError:  # pragma: no cover - package always present
        return {}
    return dict(getattr(diagrams, "DIAGRAM_PRESETS", {}) or {})


def all_preset_names() -> list[str]:
    from convviz.presets import PRESETS

    return list(PRESETS) + [n for n in diagram_presets() if n not in PRESETS]


def unknown_preset(name: str) -> UsageError:
    import difflib

    names = all_preset_names()
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
    for name, diagram in diagram_presets().items():
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



def cmd_list(args: argparse.Namespace) -> int:
    rows = preset_rows()
    if args.json:
        emit(json.dumps({"schema": "convviz.list/1", "presets": rows}, indent=2,
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
        emit("  ".join(cells).rstrip())
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from convviz.presets import PRESETS

    spec_flags = spec_flags_given(args)
    if args.name and spec_flags:
        raise UsageError(f"{spec_flags[0]}: give a preset NAME or spec flags, not both")
    if args.name:
        if args.name not in PRESETS:
            if args.name in diagram_presets():
                raise UsageError(f"NAME: {args.name!r} is a diagram; `convviz info` describes "
                                 "single convolutions (see `convviz list`)")
            raise unknown_preset(args.name)
        spec, name = PRESETS[args.name].spec, args.name
        pool = args.pool or PRESETS[args.name].options.get("pool")
    elif spec_flags:
        spec, name, pool = spec_from_flags(args), None, args.pool
    else:
        raise UsageError("NAME: give a preset name or a spec (--input, --kernel, ...)")
    if pool and spec.transposed:
        raise UsageError("--pool: pooling needs a direct convolution, not --transposed")
    check_size(spec, render=False, where="NAME" if name else "--input")
    data = info(spec, name, pool=pool)
    if args.json:
        emit(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        emit(info_text(data))
    return 0

