"""Output paths of ``convviz render``, checked before anything is drawn.

For each file: its parent is not a file, it is not a directory, its suffix is a
format convviz writes, it does not exist (unless ``--force``), and every name
on its path that does not exist yet fits the file system (``NAME_MAX``, from
``os.pathconf``). For each directory the files go to (or, if it is still to be
created, the nearest one that exists): it is writable — ``os.access`` and a
probe, a temporary file created and removed at once, which also finds
read-only file systems — and it has room for the files. The atomic writer's
temporary name (``.cvz-XXXXXXXX.tmp``, 17 bytes) is shorter than any name it
stands for, so a name that fits here fits while it is written.

Room is refused only when clearly insufficient: when the free space
(``shutil.disk_usage``) is below a *lower* estimate of the files' sizes,
:data:`MIN_BYTES_PER_PIXEL` per pixel of each picture and
:data:`MIN_BYTES_PER_FRAME_PIXEL` per pixel of each further GIF frame — about a
fifth of the least the presets measure (0.058 bytes per pixel for a still,
0.016 per pixel per frame for an animation).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

from convviz.cli.flags import OUTPUT_FORMATS
from convviz.errors import OutputError, UsageError

__all__ = ["MIN_BYTES_PER_FRAME_PIXEL", "MIN_BYTES_PER_PIXEL", "check_output_path",
           "check_room", "check_writable", "existing_ancestor", "min_file_bytes"]

#: bytes per pixel any still (PNG) or the first frame of a GIF takes at least
MIN_BYTES_PER_PIXEL = 0.01
#: bytes per pixel each further frame of a GIF takes at least
MIN_BYTES_PER_FRAME_PIXEL = 0.003
#: NAME_MAX where the file system does not say (POSIX systems use 255)
DEFAULT_NAME_MAX = 255


def existing_ancestor(path: Path) -> Path:
    """``path`` itself if it exists, else the nearest of its parents that does."""
    probe = path
    while not os.path.exists(probe) and probe != probe.parent:  # (False if unreadable)
        probe = probe.parent
    return probe


def name_max(directory: Path) -> int:
    """The longest file name (in bytes) the file system of ``directory`` allows."""
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return DEFAULT_NAME_MAX


def check_output_path(path: Path, force: bool, flag: str | None = "-o") -> None:
    """Refuse a path we cannot or must not write, before any work."""
    flag = f"{flag}: {path}" if flag else str(path)
    probe = existing_ancestor(path.parent)
    limit = name_max(probe) if probe.is_dir() else DEFAULT_NAME_MAX
    new = path.relative_to(probe).parts if path.is_relative_to(probe) else (path.name,)
    for name in new:
        size = len(os.fsencode(name))
        if size > limit:
            raise OutputError(f"{flag}: the name {name[:24]}… is {size} bytes long; this file "
                              f"system allows at most {limit}")
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


def check_writable(paths: Iterable[Path], flag: str | None = "-o") -> None:
    """Each directory the files go to (or the nearest that exists) takes new files."""
    for directory in sorted({existing_ancestor(path.parent) for path in paths}):
        _probe_writable(directory, f"{flag}: {directory}" if flag else str(directory))


def check_room(sizes: Iterable[tuple[Path, int]], flag: str | None = "-o") -> None:
    """Each file system the files go to has room for them, as far as can be known.

    ``sizes``: (file path, lower estimate of its size in bytes) for every output.
    """
    need: dict[Path, int] = {}
    for path, size in sizes:
        directory = existing_ancestor(path.parent)
        need[directory] = need.get(directory, 0) + size
    for directory, size in sorted(need.items()):
        where = f"{flag}: {directory}" if flag else str(directory)
        try:
            free = shutil.disk_usage(directory).free
        except OSError:
            continue  # not known here: the writer reports a full disk, naming the file
        if free < size:
            raise OutputError(f"{where}: not enough free space: {_size(free)} free, the files "
                              f"need at least {_size(size)}")


def _probe_writable(directory: Path, where: str) -> None:
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OutputError(f"{where}: permission denied (the directory is not writable)")
    probe = directory / f".cvz-{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # a name taken by chance: the directory does take new files
    except OSError as exc:
        raise OutputError(f"{where}: cannot write there ({exc.strerror or exc})") from None
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError as exc:  # pragma: no cover - created a moment ago by us
        raise OutputError(f"{where}: cannot remove {probe} ({exc.strerror or exc})") from None


def min_file_bytes(frame_count: int, size: tuple[int, int], *, still: bool,
                   sheet_size: tuple[int, int] | None = None) -> int:
    """A lower estimate of the bytes of one output (see the module docstring)."""
    width, height = sheet_size or size
    pixels = width * height
    if still or sheet_size is not None:
        return int(MIN_BYTES_PER_PIXEL * pixels)
    return int(MIN_BYTES_PER_PIXEL * pixels
               + MIN_BYTES_PER_FRAME_PIXEL * pixels * max(0, frame_count - 1))


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover
