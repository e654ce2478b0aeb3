"""Which writer saves which file extension: one table, used by every save.

A *writer* is a callable ``writer(source, path, *, duration_ms, overwrite,
frame, sheet, columns)`` that writes the frame source ``source`` (see
:class:`convviz.frames.FrameSource`) to ``path`` (a :class:`pathlib.Path`),
atomically, refusing an existing file unless ``overwrite``. ``frame`` (a
frame number) and ``sheet`` / ``columns`` ask for a still or a contact sheet;
a writer that cannot make one raises SpecError.

Built in: ``.gif`` (the animation), ``.png`` (a still, or a contact sheet),
``.svg`` and ``.pdf`` (vector: :mod:`convviz.encode.vector`), ``.webp``,
``.apng``, ``.mp4`` and ``.webm`` (:mod:`convviz.encode.animated`) and
a fallback for every other extension through an installed imageio plugin.
:func:`register` adds or replaces one (``"*"``: the fallback), as
matplotlib's animation writers registry does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from convviz.errors import SpecError
from convviz.frames import FrameSource, IndexedFrameSource

__all__ = ["FALLBACK", "Writer", "extensions", "register", "writer_for"]

#: the key of the writer used for extensions nobody registered
FALLBACK = "*"


class Writer(Protocol):
    def __call__(self, source: FrameSource, path: Path, *, duration_ms: float, overwrite: bool,
                 frame: int | None, sheet: bool, columns: int | None) -> None: ...


_WRITERS: dict[str, Writer] = {}


def _key(extension: str) -> str:
    if not isinstance(extension, str) or not extension:
        raise SpecError(f"extension must be a non-empty string like '.gif', got {extension!r}")
    if extension == FALLBACK:
        return extension
    key = extension.lower() if extension.startswith(".") else "." + extension.lower()
    if len(key) < 2 or any(c in key[1:] for c in "./\\"):
        raise SpecError(f"extension must look like '.gif', got {extension!r}")
    return key


def register(extension: str, writer: Writer) -> None:
    """Save files ending in ``extension`` (".gif" or "gif"; "*" for every other one)
    with ``writer``, replacing any writer registered for it before."""
    if not callable(writer):
        raise TypeError(f"writer must be callable, got {writer!r}")
    _WRITERS[_key(extension)] = writer


def extensions() -> tuple[str, ...]:
    """The extensions with their own writer (not the fallback), sorted."""
    return tuple(sorted(k for k in _WRITERS if k != FALLBACK))


def writer_for(path: str | os.PathLike[str]) -> Writer:
    """The writer for ``path``'s extension (or the fallback); SpecError if none."""
    target = Path(os.fspath(path))
    extension = target.suffix.lower()
    if not extension:
        raise SpecError(
            f"path {str(target)!r} has no extension; use .gif (animation) or .png (still)"
        )
    writer = _WRITERS.get(extension) or _WRITERS.get(FALLBACK)
    if writer is None:
        raise SpecError(f"path {str(target)!r}: no writer for {extension!r}; use "
                        f"{' or '.join(extensions())}")
    return writer


# -- the built-in writers ------------------------------------------------------------------------
def _only_png(path: Path, frame: int | None, sheet: bool) -> None:
    if sheet:
        raise SpecError(f"sheet=True writes a PNG; path {str(path)!r} does not end in .png")
    if frame is not None:
        raise SpecError(
            f"frame={frame!r} picks the still of a .png; path {str(path)!r} is not a .png"
        )


def save_gif(source: FrameSource, path: Path, *, duration_ms: float, overwrite: bool,
             frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """The animation as a GIF (loops forever); a source's own cached
    ``to_gif_bytes()`` if it has one, else encoded frame by frame."""
    from convviz.encode.atomic import write_bytes
    from convviz.encode.gif import gif_from_indexed_source, write_gif

    _only_png(path, frame, sheet)
    if hasattr(source, "to_gif_bytes"):
        data = source.to_gif_bytes()
    elif isinstance(source, IndexedFrameSource):
        data = gif_from_indexed_source(source, duration_ms)
    else:
        encoded = write_gif(source, None, duration_ms)
        assert encoded is not None
        data = encoded
    write_bytes(path, data, overwrite=overwrite)


def save_png(source: FrameSource, path: Path, *, duration_ms: float, overwrite: bool,
             frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """One still (``frame``, default the source's poster frame) or, with ``sheet``, a
    contact sheet of every frame (``columns`` per row)."""
    from convviz.encode.png import write_png
    from convviz.encode.sheet import write_sheet
    from convviz.frames import poster_frame

    if sheet:
        write_sheet(source, path, columns=columns, overwrite=overwrite)
        return
    n = poster_frame(source) if frame is None else frame
    write_png(source.frame(n), path, overwrite=overwrite)


def save_other(source: FrameSource, path: Path, *, duration_ms: float, overwrite: bool,
               frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """Any other format, through an installed imageio plugin (SpecError if none)."""
    from convviz.encode.imageio_formats import write_imageio

    _only_png(path, frame, sheet)
    write_imageio(source, path, duration_ms, overwrite=overwrite)


def _lazy(module: str, name: str) -> Writer:
    """A writer imported from ``convviz.encode.<module>`` when first called."""

    def writer(source: FrameSource, path: Path, **options: object) -> None:
        import importlib

        getattr(importlib.import_module(f"convviz.encode.{module}"), name)(source, path, **options)

    writer.__name__ = writer.__qualname__ = name
    return writer  # type: ignore[return-value]


register(".gif", save_gif)
register(".png", save_png)
register(".svg", _lazy("vector", "save_svg"))
register(".pdf", _lazy("vector", "save_pdf"))
register(".webp", _lazy("animated", "save_webp"))
register(".apng", _lazy("animated", "save_apng"))
register(".mp4", _lazy("animated", "save_video"))
register(".webm", _lazy("animated", "save_video"))
register(FALLBACK, save_other)
