"""Other formats (e.g. .mp4, .webp) through an installed imageio plugin.

The fallback writer: used for any extension no other writer is registered
for. imageio is imported only when such a file is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from convviz.encode.atomic import write_bytes
from convviz.encode.palette import as_frames
from convviz.errors import SpecError

__all__ = ["write_imageio"]

_VIDEO = {".mp4": "ffmpeg", ".webm": "ffmpeg", ".mkv": "ffmpeg", ".avi": "ffmpeg", ".mov": "ffmpeg"}


def _imageio_plugin_missing(extension: str) -> str | None:
    """Why no installed imageio plugin writes ``extension`` (None if one might)."""
    import importlib.util

    import imageio

    if extension in _VIDEO:
        if importlib.util.find_spec("imageio_ffmpeg") or importlib.util.find_spec("av"):
            return None
        return "install imageio[ffmpeg] (or imageio[pyav]) to write video"
    if not extension:
        return "the path has no extension"
    if extension not in imageio.config.known_extensions:
        return "imageio knows no format with this extension"
    return None


def write_imageio(
    source_or_frames: Any, path: str | os.PathLike[str], duration_ms: float = 1000, *,
    overwrite: bool = True,
) -> None:
    """Write an animation in any format an installed imageio plugin can write.

    The format comes from the extension. SpecError naming the path and the
    extension when no installed plugin writes it (e.g. ``.mp4`` needs
    ``pip install imageio[ffmpeg]``).
    """
    extension = Path(os.fspath(path)).suffix.lower()
    why = _imageio_plugin_missing(extension)
    if why is not None:
        raise SpecError(
            f"cannot write {os.fspath(path)!r}: no installed imageio plugin writes "
            f"{extension or 'files without an extension'!r} ({why}); use .gif or .png"
        )
    import imageio.v3 as iio

    frames = np.stack(as_frames(source_or_frames))
    if extension in _VIDEO:
        attempts: list[dict[str, Any]] = [{"fps": 1000.0 / duration_ms}]
    else:
        attempts = [{"duration": duration_ms, "loop": 0}, {}]
    error: Exception | None = None
    for kwargs in attempts:
        try:
            data = iio.imwrite("<bytes>", frames, extension=extension, **kwargs)
            break
        except Exception as exc:  # noqa: BLE001 - imageio raises several types for "cannot"
            error = exc
    else:
        raise SpecError(
            f"cannot write {os.fspath(path)!r}: the imageio plugin for {extension!r} failed "
            f"({type(error).__name__}: {error}); use .gif or .png"
        ) from error
    write_bytes(path, data, overwrite=overwrite)
