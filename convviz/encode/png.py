"""PNG stills: palette PNG when a frame holds at most 256 colours, RGB otherwise."""

from __future__ import annotations

import io
import os

import numpy as np

from convviz.encode.atomic import write_bytes
from convviz.encode.palette import as_frame, build_palette, count_colours

__all__ = ["write_png"]


def _png_bytes(frame: np.ndarray) -> bytes:
    from PIL import Image

    if count_colours([frame]) <= 256:
        palette, (indexed,) = build_palette([frame], 256)
        image = Image.frombytes("P", (indexed.shape[1], indexed.shape[0]), indexed.tobytes())
        image.putpalette(palette.reshape(-1).tobytes())
    else:
        image = Image.fromarray(frame)
    buffer = io.BytesIO()
    # level 6 (zlib's default): about 4x faster than 9 for 3% more bytes
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def write_png(frame: np.ndarray, path: str | os.PathLike[str] | None, *,
              overwrite: bool = True) -> bytes | None:
    """Write one (H, W, 3) uint8 frame as PNG (palette PNG when ≤ 256 colours), or
    return the bytes when ``path`` is None."""
    data = _png_bytes(as_frame(frame))
    if path is None:
        return data
    write_bytes(path, data, overwrite=overwrite)
    return None
