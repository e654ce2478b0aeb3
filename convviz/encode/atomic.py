"""One way to write a file: complete or absent, never half-written.

:func:`atomic_write` writes into a temporary file next to the target (so the
final rename stays on one file system), flushes and fsyncs it, then puts it in
place in one step:

- ``overwrite=True``: ``os.replace`` (an existing file, or a symbolic link
  itself, is replaced);
- ``overwrite=False``: ``os.link`` the temporary file to the target, which
  fails if anything exists there — a file created while we were writing, or a
  dangling symbolic link — then remove the temporary name. Where hard links are
  not supported the target is created with ``O_CREAT | O_EXCL`` instead (the
  same refusal; the copy itself is then not atomic).

The temporary name is short (``.cvz-XXXXXXXX.tmp``, 17 bytes), so any target
name the file system allows works. The file gets the permissions a plain
``open()`` would give (0666 minus the umask). Every failure is an
:class:`~convviz.errors.OutputError` naming the target, e.g.
``No space left on device: out/big.gif``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from convviz.errors import OutputError, SpecError

__all__ = ["atomic_write", "write_bytes"]

_MODES = ("wb", "w")
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(
    os, "O_BINARY", 0)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "wb", *, overwrite: bool = True
) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; put it at ``path`` when the body succeeds.

    ``mode``: "wb" (bytes) or "w" (UTF-8 text, newlines as written).
    ``overwrite=False`` refuses (OutputError) if ``path`` exists when the file
    is put in place — checked at that moment, not only before. The temporary
    file is removed if the body raises anything, KeyboardInterrupt included.
    Missing parent directories are created.

    >>> with atomic_write("/tmp/convviz-doctest.txt", "w") as f:
    ...     _ = f.write("hello")
    """
    if mode not in _MODES:
        raise SpecError(f"mode must be 'wb' or 'w', got {mode!r}")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    target = Path(os.fspath(path))
    if target.is_dir():
        raise OutputError(f"cannot write {str(target)!r}: it is a directory")
    if not overwrite and os.path.lexists(target):
        raise OutputError(_exists(target))
    parent = target.parent
    _ensure_directory(parent, target)
    fd, tmp = _temporary(parent, target)
    try:
        try:
            options: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
            with os.fdopen(fd, mode, **options) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            if overwrite:
                os.replace(tmp, target)
            else:
                _link_or_fail(tmp, target)
        except OutputError:
            raise
        except OSError as exc:
            raise _output_error(exc, target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(parent)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_write`."""
    with atomic_write(path, overwrite=overwrite) as handle:
        handle.write(data)


def _exists(target: Path) -> str:
    return f"cannot write {str(target)!r}: it exists (pass overwrite=True / --force to replace it)"


def _output_error(exc: OSError, target: Path) -> OutputError:
    """``<reason>: <target>`` — the reason from the OS, the file we were writing."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    error = OutputError(f"{reason}: {target}")
    error.errno = exc.errno
    error.filename = str(target)
    return error


def _temporary(parent: Path, target: Path) -> tuple[int, str]:
    """A new file ``parent/.cvz-XXXXXXXX.tmp`` (mode 0666 & ~umask), open for writing."""
    for _ in range(100):
        name = os.path.join(parent, f".cvz-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(name, _FLAGS, 0o666), name
        except FileExistsError:
            continue
        except OSError as exc:
            raise _output_error(exc, target) from exc
    raise OutputError(f"cannot write {str(target)!r}: no free temporary name in {str(parent)!r}")


def _link_or_fail(tmp: str, target: Path) -> None:
    """Put ``tmp`` at ``target`` unless something (even a dangling link) is there."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise OutputError(_exists(target)) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.ENOSYS, errno.EMLINK):
            raise
        _copy_exclusive(tmp, target)  # no hard links here: O_EXCL gives the same refusal
    os.unlink(tmp)


def _copy_exclusive(tmp: str, target: Path) -> None:
    try:
        fd = os.open(target, _FLAGS, 0o666)
    except FileExistsError:
        raise OutputError(_exists(target)) from None
    try:
        with os.fdopen(fd, "wb") as out, open(tmp, "rb") as src:
            while chunk := src.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise


def _fsync_directory(parent: Path) -> None:
    """Make the rename durable where the platform lets us open a directory."""
    try:
        fd = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _ensure_directory(parent: Path, target: Path) -> None:
    """Create ``parent`` (and its parents) or explain why it cannot exist."""
    if parent.is_dir():
        return
    # walk up to the first existing ancestor: if it is a file, say so
    for ancestor in [parent, *parent.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError(
                    f"cannot write {str(target)!r}: {str(ancestor)!r} is a file, not a directory"
                )
            break
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot write {str(target)!r}: cannot create directory {str(parent)!r} "
            f"({exc.strerror or exc})"
        ) from exc
