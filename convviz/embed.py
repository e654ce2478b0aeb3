"""Pictures for documentation tools: options in, a cached picture file out.

The Sphinx directive (:mod:`convviz.sphinxext`) and the MkDocs fence
(:mod:`convviz.mkdocs_fence`) read the same options, given as strings:

- a preset name (``preset``), or a convolution: ``input``, ``kernel``,
  ``stride``, ``padding``, ``dilation`` (a number, or numbers separated by
  commas, one per axis; ``padding`` may also be valid/same/full/causal) and
  ``transposed`` (a flag);
- ``theme``, ``numbers`` (a flag), ``duration`` (seconds per frame),
  ``frame`` (a still of that frame), ``alt`` and ``caption``.

:func:`picture` writes the picture under a name made from a hash of the
options that change it, and draws nothing when that file is already there:
a rebuild renders nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from convviz.errors import SpecError

__all__ = ["OPTIONS", "Picture", "parse_options", "picture", "stats"]

#: every option the directive and the fence accept
OPTIONS = ("preset", "input", "kernel", "stride", "padding", "dilation", "transposed", "theme",
           "numbers", "duration", "frame", "alt", "caption")
_FLAGS = ("transposed", "numbers")
_SPEC = {"input": "input_size", "kernel": "kernel_size", "stride": "stride",
         "padding": "padding", "dilation": "dilation"}

#: pictures drawn and pictures found in the cache, by this process
stats = {"rendered": 0, "cached": 0}


@dataclass(frozen=True)
class Picture:
    """A picture on disk: its path, (width, height), frame count and alt text."""

    path: Path
    size: tuple[int, int]
    frames: int
    alt: str


def _flag(name: str, value: Any) -> bool:
    if value is None or value is True or value == "":
        return True
    if value is False:
        return False
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise SpecError(f"{name} is a flag (true or false), got {value!r}")


def _size(name: str, value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_size(name, v) for v in value)
    text = str(value).strip()
    if name == "padding" and text in ("valid", "same", "full", "causal"):
        return text
    try:
        parts = tuple(int(p) for p in text.replace(" ", "").strip("()").split(",") if p)
    except ValueError:
        raise SpecError(f"{name} must be a whole number or numbers separated by commas, "
                        f"got {value!r}") from None
    if not parts:
        raise SpecError(f"{name} must be a whole number, got {value!r}")
    return parts[0] if len(parts) == 1 else parts


def parse_options(options: dict[str, Any]) -> dict[str, Any]:
    """Checked, normalised options (SpecError naming an unknown or bad one)."""
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key not in OPTIONS:
            raise SpecError(f"unknown option {key}={value!r}; options: {', '.join(OPTIONS)}")
        if key in _FLAGS:
            out[key] = _flag(key, value)
        elif key in _SPEC:
            out[key] = _size(key, value)
        elif key == "frame":
            out[key] = _size(key, value)
            if not isinstance(out[key], int):
                raise SpecError(f"frame must be one whole number, got {value!r}")
        elif key == "duration":
            try:
                out[key] = float(value)
            except (TypeError, ValueError):
                raise SpecError(f"duration must be seconds per frame, got {value!r}") from None
        else:
            out[key] = str(value).strip()
    has_spec = any(k in out for k in ("input", "kernel", "stride", "padding", "dilation",
                                      "transposed"))
    if "preset" in out and has_spec:
        raise SpecError(f"give a preset ({out['preset']!r}) or a convolution (input, kernel, "
                        "...), not both")
    if "preset" not in out and not ("input" in out and "kernel" in out):
        raise SpecError("give a preset name, or at least input and kernel")
    return out


def animation(options: dict[str, Any]) -> Any:
    """The :class:`convviz.Animation` the (parsed) options describe."""
    from convviz.animation import animate
    from convviz.core.spec import ConvSpec

    if "preset" in options:
        target: Any = options["preset"]
    else:
        spec_args = {_SPEC[k]: options[k] for k in _SPEC if k in options}
        target = ConvSpec(**spec_args, transposed=options.get("transposed", False))
    return animate(target, options.get("theme", "default"), numbers=options.get("numbers", False),
                   duration=options.get("duration", 1.0))


def _key(options: dict[str, Any], extension: str) -> str:
    from convviz import __version__

    drawn = {k: v for k, v in options.items() if k not in ("alt", "caption")}
    text = json.dumps([__version__, extension, sorted(drawn.items())], default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def picture(options: dict[str, Any], directory: str | os.PathLike[str], extension: str, *,
            still: bool = False) -> Picture:
    """The picture the options describe, as ``directory/convviz-<hash><extension>``.

    ``options``: from :func:`parse_options`. ``still``: one frame even without
    ``frame`` (the poster frame). Drawn only when that file does not exist yet.
    """
    frame = options.get("frame")
    if still and frame is None:
        frame = -1  # resolved to the poster frame below
    name = f"convviz-{_key({**options, 'still': still}, extension)}{extension}"
    path = Path(os.fspath(directory)) / name
    meta = path.with_name(name + ".json")
    alt_default = None
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text(encoding="utf-8"))
        stats["cached"] += 1
        alt_default = info["caption"]
        size, frames = (int(info["size"][0]), int(info["size"][1])), int(info["frames"])
    else:
        anim = animation(options)
        if frame == -1:
            frame = anim.poster_frame
        path.parent.mkdir(parents=True, exist_ok=True)
        anim.save(path, frame=frame)
        frames = 1 if frame is not None else anim.frame_count
        size = anim.size
        alt_default = anim.caption
        from convviz.encode.atomic import write_bytes

        write_bytes(meta, json.dumps({"caption": anim.caption, "size": list(size),
                                      "frames": frames}).encode("utf-8"))
        stats["rendered"] += 1
    return Picture(path, size, frames, options.get("alt") or alt_default)
