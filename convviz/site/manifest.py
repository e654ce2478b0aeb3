"""The gallery's record of what it drew, and the files it may touch.

The output folder holds ``.convviz-manifest.json``: for every picture the
hash of what it depends on (``key``), and the length (``bytes``) and SHA-256
(``sha256``) of the file written. A rebuild reuses a picture only when its
key is unchanged *and* the file on disk still has that length and hash, so an
edited, truncated or replaced picture is drawn again.

The manifest is untrusted input (anyone who can write the output folder can
edit it): a manifest that does not match the schema is ignored with a
warning, an entry whose path is not a picture of the gallery's ``img/``
folder is refused with a warning, and nothing in it is ever pasted into a
page or used to delete a file. Picture sizes come from the pictures' own
headers (GIF, PNG, or the root element of an SVG).

>>> picture_size(b"GIF89a\\x28\\x00\\x1e\\x00", "img/a.gif")
(40, 30)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_NAME",
    "PICTURE_DIR",
    "Entry",
    "inside",
    "manifest_bytes",
    "picture_size",
    "read_manifest",
    "reusable",
    "sweep",
]

log = logging.getLogger(__name__)

MANIFEST_NAME = ".convviz-manifest.json"
#: the folder of the output that belongs to the gallery: its pictures live here
PICTURE_DIR = "img"
#: a picture the gallery makes: img/<name>.svg (shown), .gif or .png (downloads)
PICTURE_PATH = re.compile(r"img/([A-Za-z0-9_][A-Za-z0-9_.-]{0,200})\.(svg|gif|png)")
#: the temporary file older atomic writers made beside ``<name>``: .<name>.<random>.tmp
TEMP_NAME = re.compile(r"\.(.+)\.[A-Za-z0-9_]+\.tmp")
#: the temporary file the atomic writer (convviz.encode.atomic) makes: .cvz-<8 hex>.tmp
ATOMIC_TEMP = re.compile(r"\.cvz-[0-9a-f]{8}\.tmp")
#: a manifest larger than this is not read (the real one is a few kB)
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
#: largest picture file the manifest may describe
MAX_PICTURE_BYTES = 1 << 32
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Entry:
    """One picture of the manifest: the hash of its inputs and of the file written."""

    key: str
    length: int  # bytes of the file
    sha256: str

    @classmethod
    def of(cls, key: str, data: bytes) -> Entry:
        return cls(key, len(data), hashlib.sha256(data).hexdigest())

    def as_json(self) -> dict[str, Any]:
        return {"bytes": self.length, "key": self.key, "sha256": self.sha256}


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, all symbolic links resolved, is ``root`` or lies under it.

    ``root`` must already be resolved.
    """
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
        return False


def picture_size(data: bytes, path: str) -> tuple[int, int] | None:
    """(width, height) from the header of the SVG, GIF or PNG ``data``; None if it is not one.

    The format must match the extension of ``path`` (``.svg``, ``.gif`` or ``.png``).
    """
    if path.endswith(".svg"):
        from convviz.site.themed import svg_size

        return svg_size(data) if data[:4] == b"<svg" else None
    if path.endswith(".gif") and data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
    elif (path.endswith(".png") and data[:8] == _PNG_SIGNATURE and data[12:16] == b"IHDR"
          and len(data) >= 24):
        width, height = struct.unpack(">II", data[16:24])
    else:
        return None
    if not (1 <= width < 1 << 31 and 1 <= height < 1 << 31):
        return None
    return int(width), int(height)


# -------------------------------------------------------------------------------------------
# reading and writing


def _read_limited(path: Path) -> bytes | None:
    """The bytes of the regular file ``path`` (at most MAX_MANIFEST_BYTES); None otherwise.

    Opened without blocking, so a FIFO or a device put in its place is refused
    rather than waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
            return None
        return os.read(fd, MAX_MANIFEST_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _entry(value: Any) -> Entry | None:
    if not isinstance(value, dict) or set(value) != {"key", "bytes", "sha256"}:
        return None
    key, size, digest = value["key"], value["bytes"], value["sha256"]
    if not (isinstance(key, str) and _HEX64.fullmatch(key)):
        return None
    if not (isinstance(digest, str) and _HEX64.fullmatch(digest)):
        return None
    if type(size) is not int or not 0 < size <= MAX_PICTURE_BYTES:
        return None
    return Entry(key, size, digest)


def read_manifest(out: Path) -> dict[str, Entry]:
    """The valid picture entries of the manifest in ``out`` (empty if there is none).

    A manifest that is not JSON, too big, too deeply nested or not of the
    schema ``{"version": str, "pictures": {path: {"key", "bytes", "sha256"}}}``
    is ignored with a warning (the build then draws every picture). An entry
    whose path is not ``img/<name>.svg|gif|png`` inside ``out`` is refused with a
    warning and the others are kept.
    """
    where = out / MANIFEST_NAME
    if not os.path.lexists(where):
        return {}
    raw = _read_limited(where)
    try:
        data = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (ValueError, RecursionError):  # not JSON, a huge number, deep nesting
        data = None
    if not isinstance(data, dict):
        data = {}
    pictures, version = data.get("pictures"), data.get("version")
    if (not isinstance(pictures, dict) or not isinstance(version, str)
            or set(data) != {"version", "pictures"}):
        log.warning("ignoring %s: not a gallery manifest; drawing every picture", where)
        return {}
    entries = {path: _entry(value) for path, value in pictures.items()}
    if any(entry is None for entry in entries.values()):
        log.warning("ignoring %s: an entry does not match the schema; drawing every picture",
                    where)
        return {}
    root = out.resolve()
    valid: dict[str, Entry] = {}
    for path, entry in entries.items():
        if PICTURE_PATH.fullmatch(path) and inside(root / PICTURE_DIR, out / path):
            assert entry is not None
            valid[path] = entry
        else:
            log.warning("%s: refusing the entry %r: not a picture inside %s", where, path, out)
    return valid


def manifest_bytes(version: str, entries: dict[str, Entry]) -> bytes:
    """The manifest file for ``entries`` (sorted, so the same build writes the same bytes)."""
    pictures = {path: entries[path].as_json() for path in sorted(entries)}
    return json.dumps({"version": version, "pictures": pictures}, indent=1,
                      sort_keys=True).encode()


def reusable(out: Path, path: str, entry: Entry) -> tuple[int, int] | None:
    """The picture's size if the file at ``out/path`` is exactly what ``entry`` records.

    The file must be a regular file (not a link) inside ``out``, of the
    recorded length and SHA-256, with a readable SVG/GIF/PNG header; None
    otherwise (the picture is then drawn again).
    """
    target = out / path
    try:
        info = target.lstat()
    except OSError:
        return None
    if (not stat.S_ISREG(info.st_mode) or info.st_size != entry.length
            or not inside(out.resolve(), target)):
        return None
    try:
        data = target.read_bytes()
    except OSError:
        return None
    if len(data) != entry.length or hashlib.sha256(data).hexdigest() != entry.sha256:
        return None
    return picture_size(data, path)


# -------------------------------------------------------------------------------------------
# cleaning up


def _unlink(path: Path, why: str) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        log.warning("cannot remove %s (%s): %s", path, why, exc.strerror or exc)
        return False
    log.info("removed %s (%s)", path, why)
    return True


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted((e for e in it if not e.is_dir(follow_symlinks=False)),
                          key=lambda e: e.name)
    except OSError:
        return []


def _older(entry: os.DirEntry[str], started: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime <= started
    except OSError:
        return False


def sweep(out: Path, wanted: Iterable[str], own_files: Iterable[str],
          started: float | None = None) -> list[str]:
    """Remove what earlier builds left in ``out``; return the paths removed.

    Removed: pictures in ``img/`` (``<name>.svg|gif|png``) that are not in
    ``wanted``, and temporary files of the atomic writer that a killed build left
    (``.cvz-<8 hex>.tmp`` in a folder the gallery writes; ``.<name>.<x>.tmp`` of a
    picture or of one of ``own_files``, the pages, assets and manifest, as older
    versions named them) last modified before ``started`` (a ``time.time()``; so a
    build running at the same time keeps its own). Nothing else is touched, and
    nothing whose folder resolves outside ``out``.
    """
    root = out.resolve()
    keep = set(wanted)
    removed: list[str] = []
    # folder (relative) -> names the gallery writes there
    owned: dict[str, set[str]] = {}
    for rel in own_files:
        parent, _, name = rel.rpartition("/")
        owned.setdefault(parent, set()).add(name)
    owned.setdefault(PICTURE_DIR, set())
    for rel_dir in sorted(owned):
        folder = out / rel_dir if rel_dir else out
        if not folder.is_dir() or not inside(root, folder):
            continue
        for entry in _entries(folder):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            temp = TEMP_NAME.fullmatch(entry.name)
            atomic = ATOMIC_TEMP.fullmatch(entry.name)
            if temp is not None or atomic is not None:
                if atomic is not None:
                    ours = True  # the atomic writer's own name, in a folder the gallery writes
                else:
                    assert temp is not None
                    target = temp.group(1)
                    target_rel = f"{rel_dir}/{target}" if rel_dir else target
                    ours = target in owned[rel_dir] or bool(
                        rel_dir == PICTURE_DIR and PICTURE_PATH.fullmatch(target_rel))
                if ours and started is not None and not _older(entry, started):
                    continue
                if ours and _unlink(folder / entry.name, "a temporary file of an earlier build"):
                    removed.append(rel)
            elif (rel_dir == PICTURE_DIR and PICTURE_PATH.fullmatch(rel) and rel not in keep
                  and _unlink(folder / entry.name, "no longer in the gallery")):
                removed.append(rel)
    return removed
