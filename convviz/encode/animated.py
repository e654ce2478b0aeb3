"""Animated WebP and APNG through Pillow (no other dependency), and video through ffmpeg.

- ``.webp``: lossless animated WebP, looping forever, ``duration_ms`` per frame;
- ``.apng``: a PNG file with APNG chunks (a plain PNG viewer shows frame 0),
  looping forever, ``duration_ms`` per frame;
- ``.mp4`` (H.264) / ``.webm`` (VP9): through the ``imageio-ffmpeg`` package
  (``pip install convviz[video]``); ``1000 / duration_ms`` frames per second,
  an odd width or height padded by one pixel of the edge (yuv420p needs even
  sizes). A video file does not loop by itself: players loop it (HTML
  ``<video loop>``).
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from convviz.encode.atomic import write_bytes
from convviz.errors import SpecError

__all__ = ["VIDEO_EXTRA", "save_apng", "save_video", "save_webp", "video_bytes"]

#: the extra that installs what video needs
VIDEO_EXTRA = "convviz[video]"

_CODECS = {".mp4": ("libx264", ["-pix_fmt", "yuv420p", "-preset", "medium", "-crf", "18"]),
           ".webm": ("libvpx-vp9", ["-pix_fmt", "yuv420p", "-b:v", "0", "-crf", "30",
                                    "-row-mt", "0", "-deadline", "good", "-cpu-used", "4"])}


def _no_still(path: Path, frame: int | None, sheet: bool) -> None:
    if sheet:
        raise SpecError(f"sheet=True writes a PNG; path {str(path)!r} does not end in .png")
    if frame is not None:
        raise SpecError(f"frame={frame!r} picks a still (.png, .svg or .pdf); path "
                        f"{str(path)!r} holds the animation")


def _images(source: Any) -> list[Any]:
    from PIL import Image

    return [Image.fromarray(np.asarray(source.frame(n), dtype=np.uint8))
            for n in range(int(source.frame_count))]


def _pillow_bytes(source: Any, duration_ms: float, **options: Any) -> bytes:
    images = _images(source)
    buffer = io.BytesIO()
    images[0].save(buffer, save_all=True, append_images=images[1:],
                   duration=[round(duration_ms)] * len(images), loop=0, **options)
    return buffer.getvalue()


def save_webp(source: Any, path: Path, *, duration_ms: float, overwrite: bool,
              frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """Writer for ``.webp``: lossless, looping, ``duration_ms`` per frame."""
    _no_still(path, frame, sheet)
    data = _pillow_bytes(source, duration_ms, format="WEBP", lossless=True, quality=100,
                         method=0)
    write_bytes(path, data, overwrite=overwrite)


def save_apng(source: Any, path: Path, *, duration_ms: float, overwrite: bool,
              frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """Writer for ``.apng``: PNG with APNG chunks, looping, ``duration_ms`` per frame."""
    _no_still(path, frame, sheet)
    data = _pillow_bytes(source, duration_ms, format="PNG", default_image=False,
                         disposal=0, blend=0, compress_level=6)
    write_bytes(path, data, overwrite=overwrite)


def _even(frame: np.ndarray) -> np.ndarray:
    height, width = frame.shape[:2]
    return np.pad(frame, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")


def video_bytes(source: Any, extension: str, duration_ms: float) -> bytes:
    """The animation as an ``.mp4`` or ``.webm`` video (SpecError naming the extra
    to install when imageio-ffmpeg is missing)."""
    try:
        import imageio_ffmpeg  # type: ignore[import-untyped]
    except ImportError:
        raise SpecError(f"writing {extension} needs ffmpeg: pip install '{VIDEO_EXTRA}' "
                        "(it installs imageio-ffmpeg)") from None
    codec, params = _CODECS[extension]
    width, height = (int(v) for v in source.size)
    size = (width + width % 2, height + height % 2)
    handle, name = tempfile.mkstemp(suffix=extension)
    os.close(handle)
    try:
        writer = imageio_ffmpeg.write_frames(
            name, size, fps=1000.0 / duration_ms, codec=codec, macro_block_size=1,
            output_params=[*params, "-threads", "1", "-fflags", "+bitexact",
                           "-map_metadata", "-1"],
            ffmpeg_log_level="error")
        writer.send(None)
        for n in range(int(source.frame_count)):
            writer.send(np.ascontiguousarray(_even(np.asarray(source.frame(n), np.uint8))))
        writer.close()
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def save_video(source: Any, path: Path, *, duration_ms: float, overwrite: bool,
               frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """Writer for ``.mp4`` and ``.webm`` (see the module docstring)."""
    _no_still(path, frame, sheet)
    write_bytes(path, video_bytes(source, path.suffix.lower(), duration_ms), overwrite=overwrite)
