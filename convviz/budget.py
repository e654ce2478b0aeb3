"""How much memory an output will need, worked out before anything is drawn.

Frames are drawn and encoded one at a time (see :mod:`convviz.encode.gif`),
so what is held at once is:

- while drawing and encoding one frame: about :data:`WORK_BYTES_PER_PIXEL`
  bytes per pixel of the frame (the renderer's canvas and its copies, the
  colour look-ups of the encoder);
- between the GIF's two passes: frames kept as they are up to
  :data:`RAW_FRAMES_BYTES`, then each as its changed box (XOR
  the frame before, zlib-compressed), about :data:`KEPT_BYTES_PER_PIXEL` per
  pixel of the frame (three times the most measured);
- a contact sheet: about :data:`SHEET_BYTES_PER_PIXEL` per pixel of the sheet
  (the picture, and the palette work of its PNG);
- another format through imageio: every frame uncompressed, twice.

:func:`estimate` adds these up; :func:`check` refuses (:class:`BudgetError`, a
SpecError, naming the limit and the size asked) whatever would exceed
:data:`MEMORY_LIMIT` — chosen so that a process that stays within it keeps
its peak resident memory under about 1 GiB, interpreter and libraries
included (bench/bench_memory.py measures it).
"""

from __future__ import annotations

from typing import Literal

from convviz.errors import BudgetError

__all__ = [
    "KEPT_BYTES_PER_PIXEL",
    "MEMORY_LIMIT",
    "RAW_FRAMES_BYTES",
    "SHEET_BYTES_PER_PIXEL",
    "WORK_BYTES_PER_PIXEL",
    "Output",
    "check",
    "estimate",
]

#: bytes the drawing and the encoding of one frame hold at once, per pixel of it
#: (measured: 31 for the oblique view, 23 for numbers mode)
WORK_BYTES_PER_PIXEL = 48
#: bytes per pixel a later frame kept between the GIF's two passes takes (measured: at
#: most 0.007 for 1,024 frames of -i 64 -k 33; the first frame is counted in the work)
KEPT_BYTES_PER_PIXEL = 0.02
#: bytes of frames the GIF encoder keeps uncompressed (short animations: no extra work)
RAW_FRAMES_BYTES = 32 * 2**20
#: bytes held per pixel of a contact sheet while it is assembled and encoded
#: (measured: 10, for the 4414×5918 px sheet of output_padding_transposed)
SHEET_BYTES_PER_PIXEL = 16
#: bytes convviz lets one output need (what the interpreter and libraries take comes on top)
MEMORY_LIMIT = 768 * 2**20

Output = Literal["frame", "gif", "sheet", "other"]


def estimate(output: Output, frame_count: int, size: tuple[int, int],
             sheet_size: tuple[int, int] | None = None) -> int:
    """Bytes held at once to make ``output`` of ``frame_count`` frames of ``size``
    (width, height) pixels: "frame" (one still), "gif", "sheet" (of
    ``sheet_size``) or "other" (through imageio)."""
    width, height = size
    pixels = width * height
    work = WORK_BYTES_PER_PIXEL * pixels
    if output == "frame":
        return work
    if output == "gif":
        return work + RAW_FRAMES_BYTES + int(KEPT_BYTES_PER_PIXEL * pixels * frame_count)
    if output == "sheet":
        if sheet_size is None:
            raise TypeError("estimate('sheet', ...) needs sheet_size")
        return work + SHEET_BYTES_PER_PIXEL * sheet_size[0] * sheet_size[1]
    if output == "other":
        return work + 2 * 3 * pixels * frame_count
    raise ValueError(f"output must be 'frame', 'gif', 'sheet' or 'other', got {output!r}")


def check(output: Output, frame_count: int, size: tuple[int, int],
          sheet_size: tuple[int, int] | None = None, *, what: str = "") -> int:
    """:func:`estimate`, or BudgetError naming the limit and the size asked when it
    exceeds :data:`MEMORY_LIMIT`. ``what`` names the request (e.g. "scale=8")."""
    need = estimate(output, frame_count, size, sheet_size)
    if need <= MEMORY_LIMIT:
        return need
    width, height = size
    frames = f"{frame_count} frame{'s' if frame_count != 1 else ''} of {width}×{height} px"
    asked = {
        "frame": f"one frame of {width}×{height} px",
        "gif": f"a GIF of {frames}",
        "sheet": (f"a {sheet_size[0]}×{sheet_size[1]} px contact sheet of {frames}"
                  if sheet_size else frames),
        "other": f"a video of {frames}",
    }[output]
    lead = f"{what}: " if what else ""
    raise BudgetError(
        f"{lead}{asked} would need about {_mb(need)} of memory; the limit is "
        f"{_mb(MEMORY_LIMIT)} (fewer frames, a smaller input or a smaller scale fit)"
    )


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"
