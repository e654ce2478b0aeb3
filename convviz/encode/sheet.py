"""Contact sheets: every frame of an animation in one grid, numbered from 0.

Frames are drawn and pasted one at a time; only the sheet itself is held.
"""

from __future__ import annotations

import itertools
import math
import os
from typing import Any

import numpy as np

from convviz.encode.gif import Frames, _iter_frames
from convviz.encode.palette import as_frame
from convviz.encode.png import write_png
from convviz.errors import SpecError

__all__ = ["contact_sheet", "label_font", "sheet_size", "write_sheet"]


def contact_sheet(
    source_or_frames: Frames, *, columns: int | None = None, gap: int = 6, label_height: int = 14,
    background: tuple[int, int, int] = (255, 255, 255), text: tuple[int, int, int] = (88, 110, 117),
) -> np.ndarray:
    """All frames in a grid, each with its frame number underneath, counted from 0
    as ``frame=`` and ``Animation.frame(n)`` count.

    ``columns`` defaults to ⌈√n⌉. Returns an (H, W, 3) uint8 array.
    """
    from PIL import Image, ImageDraw

    n, frames = _iter_frames(source_or_frames)
    if n == 0:
        raise SpecError("frames must hold at least one frame, got none")
    frames = iter(frames)
    first = as_frame(next(frames), 0)
    if columns is None:
        columns = math.ceil(math.sqrt(n))
    if not isinstance(columns, int) or columns < 1:
        raise SpecError(f"columns must be a whole number >= 1, got {columns!r}")
    columns = min(columns, n)
    rows = math.ceil(n / columns)
    h, w = first.shape[:2]
    cell_w, cell_h = w + gap, h + label_height + gap
    sheet = Image.new("RGB", (columns * cell_w + gap, rows * cell_h + gap), background)
    draw = ImageDraw.Draw(sheet)
    font = label_font(label_height)
    for k, frame in enumerate(itertools.chain([first], frames)):
        frame = first if k == 0 else as_frame(frame, k, first.shape)
        r, c = divmod(k, columns)
        x, y = gap + c * cell_w, gap + r * cell_h
        sheet.paste(Image.fromarray(frame), (x, y))
        draw.text((x + w / 2, y + h + label_height / 2), str(k), fill=text, font=font,
                  anchor="mm")
    out = np.asarray(sheet)  # (a copy: the picture is freed on return)
    return out


def label_font(label_height: int) -> Any:
    """The font of the frame numbers: Pillow's bundled font at the label size (Pillow >= 10.1
    with FreeType), else its bitmap font."""
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=max(8, label_height - 3))
    except (TypeError, OSError, ImportError):
        return ImageFont.load_default()


def sheet_size(frame_count: int, size: tuple[int, int], columns: int | None = None, *,
               gap: int = 6, label_height: int = 14) -> tuple[int, int]:
    """(width, height) in pixels of the contact sheet of ``frame_count`` frames of
    ``size`` (width, height): known before any frame is drawn."""
    if columns is None:
        columns = math.ceil(math.sqrt(frame_count))
    columns = max(1, min(columns, frame_count))
    rows = math.ceil(frame_count / columns)
    w, h = size
    return columns * (w + gap) + gap, rows * (h + label_height + gap) + gap


def write_sheet(source_or_frames: Frames, path: str | os.PathLike[str] | None, *,
                overwrite: bool = True, **options: Any) -> bytes | None:
    """Write :func:`contact_sheet` as PNG to ``path`` (or return the bytes)."""
    return write_png(contact_sheet(source_or_frames, **options), path, overwrite=overwrite)
