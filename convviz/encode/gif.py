"""Animated GIFs, encoded by hand around Pillow's LZW coder, one frame at a time.

Every byte is ours to decide: one global palette for all frames (exact when
they hold at most 256 colours, which our flat-coloured pictures usually do,
else a deterministic median cut), a NETSCAPE loop-forever block, and every
frame after the first stored as the bounding box of what changed, with
unchanged pixels inside it transparent — except along a row's run of one
colour that holds a changed pixel, which keeps its colour whole (same
picture, longer runs for LZW). Same frames in, same bytes out.

Memory does not grow with the frame count beyond a compressed copy of what
changes in each frame: a first pass draws every frame once, counts its colours
and keeps it (as it is while the frames fit in a small buffer, then as its
changed box, XOR the frame before, zlib-compressed); a second pass encodes
them one by one. A source that draws from a known palette
(:class:`convviz.frames.IndexedFrameSource`) hands over palette indices and
its RGB pixels are never looked at.
"""

from __future__ import annotations

import math
import os
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from convviz.budget import RAW_FRAMES_BYTES
from convviz.encode.atomic import write_bytes
from convviz.encode.palette import ColourTally, _pack, as_frame
from convviz.errors import SpecError
from convviz.frames import FrameSource, IndexedFrameSource

#: what the writers accept: a frame source, a sequence of (H, W, 3) uint8 frames, or one
Frames = FrameSource | Sequence[np.ndarray] | np.ndarray

__all__ = [
    "GIF_DELAY_MS",
    "check_duration_ms",
    "gif_from_indexed_source",
    "gif_from_indices",
    "write_gif",
]

#: GIF delays are stored in hundredths of a second: a delay is 1 … 65535 of them
_GIF_TICK_MS = 10
#: the delays a GIF can store, in milliseconds (after rounding to 10 ms)
GIF_DELAY_MS = (_GIF_TICK_MS, 65535 * _GIF_TICK_MS)


def check_duration_ms(value: Any, name: str = "duration_ms") -> int:
    """The GIF delay (hundredths of a second) of ``value`` milliseconds.

    SpecError naming ``name`` unless ``value`` is a number that rounds to
    10 … 655350 ms (what a GIF can store; nothing is clamped silently).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise SpecError(f"{name} must be a number of milliseconds, got {value!r}")
    if not math.isfinite(value) or not value > 0:
        raise SpecError(f"{name} must be > 0 milliseconds, got {value!r}")
    ticks = round(value / _GIF_TICK_MS)
    if not 1 <= ticks <= 65535:
        low, high = GIF_DELAY_MS
        raise SpecError(
            f"{name}={value!r} ms is outside what a GIF can store: {low} … {high} ms "
            "per frame (in steps of 10 ms)"
        )
    return int(ticks)


def _durations(duration_ms: Any, count: int) -> list[int]:
    """Per-frame delays in hundredths of a second (GIF's unit), validated."""
    if isinstance(duration_ms, (int, float, np.integer, np.floating)) and not isinstance(
        duration_ms, bool
    ):
        return [check_duration_ms(duration_ms)] * count
    values = list(duration_ms)
    if len(values) != count:
        raise SpecError(
            f"duration_ms must be a number or one number per frame ({count}), "
            f"got {len(values)} values"
        )
    return [check_duration_ms(value) for value in values]


def _check_loop(loop: Any) -> int:
    if isinstance(loop, bool) or not isinstance(loop, int) or not 0 <= loop <= 65535:
        raise SpecError(f"loop must be a whole number 0…65535 (0 = forever), got {loop!r}")
    return loop


class _Encoder:
    """GIF bytes of index frames added one at a time; ``remap`` (if given) maps their
    indices into ``palette`` (applied only to the pixels stored)."""

    def __init__(self, palette: np.ndarray, width: int, height: int, loop: int,
                 remap: np.ndarray | None = None) -> None:
        self.width = width
        self.remap = np.arange(256, dtype=np.uint8) if remap is None else remap
        self.transparent: int | None = len(palette) if len(palette) < 256 else None
        bits = max(1, math.ceil(math.log2(len(palette) + (self.transparent is not None))))
        table = np.zeros((1 << bits, 3), dtype=np.uint8)
        table[: len(palette)] = palette
        out = bytearray(b"GIF89a")
        out += struct.pack("<HHBBB", width, height, 0x80 | (bits - 1), 0, 0)
        out += table.tobytes()
        out += b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\x00"
        self.out = out
        self.previous: np.ndarray | None = None

    def add(self, index: np.ndarray, delay: int,
            box: tuple[int, int, int, int] | None = None) -> None:
        """Add the next frame; ``box`` (top, bottom, left, right), if given, holds every
        pixel that differs from the frame before (only it is compared)."""
        remap, transparent = self.remap, self.transparent
        previous, self.previous = self.previous, index
        if previous is None:
            self.out += _lzw_frame(np.take(remap, index), 0, 0, delay, None, 1)
            return
        if box is None:
            top, bottom, left, right = 0, index.shape[0], 0, index.shape[1]
        else:
            top, bottom, left, right = box
        inside = index[top:bottom, left:right] != previous[top:bottom, left:right]
        rows = np.flatnonzero(inside.any(axis=1))
        if rows.size == 0:
            # identical frame: one transparent (or unchanged) pixel keeps the frame count
            still = transparent if transparent is not None else remap[index[0, 0]]
            pixel = np.full((1, 1), still, np.uint8)
            self.out += _lzw_frame(pixel, 0, 0, delay, transparent, 1)
            return
        cols = np.flatnonzero(inside[rows[0] : rows[-1] + 1].any(axis=0))
        # the tightest box of the changed pixels
        r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        patch = np.take(remap, index[top + r0 : top + r1, left + c0 : left + c1])
        if transparent is not None:
            patch = _transparent_runs(patch, inside[r0:r1, c0:c1], transparent)
        self.out += _lzw_frame(patch, left + c0, top + r0, delay, transparent, 1)

    def finish(self) -> bytes:
        return bytes(self.out + b";")


class _Kept:
    """Frames kept between the two passes. While they fit in
    :data:`convviz.budget.RAW_FRAMES_BYTES` they are kept as they are (short
    animations: no extra work); after that each frame is kept as the box of pixels
    that changed, XOR the frame before (unchanged pixels become zeros), zlib-compressed
    (level 1: fast, and flat pictures still shrink by orders of magnitude).
    Iterating gives back ``(frame, box)``, ``box`` = (top, bottom, left, right) holding
    every pixel that differs from the frame before (None for the first frame)."""

    def __init__(self) -> None:
        self.raw: list[tuple[np.ndarray | None, tuple[int, int, int, int] | None]] = []
        self.raw_bytes = 0
        self.first: bytes = b""  # the first frame, compressed, if even it is too big
        self.patches: list[tuple[int, int, int, int, bytes]] = []
        self.shape: tuple[int, ...] = ()
        self.count = 0
        self._last: np.ndarray | None = None

    def add(self, array: np.ndarray) -> tuple[int, int, int, int] | None:
        """Keep the next frame; returns its changed box (None for the first frame)."""
        array = np.ascontiguousarray(array)
        last, self._last = self._last, array
        self.count += 1
        box = None if last is None else _changed_box(array, last)
        if last is None:
            self.shape = array.shape
        if not self.patches and not self.first and (
                self.raw_bytes + array.nbytes <= RAW_FRAMES_BYTES):
            self.raw.append((array, box))
            self.raw_bytes += array.nbytes
        elif box is None:
            self.first = zlib.compress(array.data, 1)
        else:
            assert last is not None
            top, bottom, left, right = box
            delta = np.bitwise_xor(array[top:bottom, left:right], last[top:bottom, left:right])
            blob = zlib.compress(delta.data, 1) if delta.size else b""
            self.patches.append((top, bottom, left, right, blob))
        return box

    def nbytes(self) -> int:
        """Bytes held (for the memory benchmark)."""
        return self.raw_bytes + len(self.first) + sum(len(p[4]) for p in self.patches)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[np.ndarray, tuple[int, int, int, int] | None]]:
        self._last = None
        frame: np.ndarray | None = None
        for n, (array, box) in enumerate(self.raw):
            self.raw[n] = (None, None)  # freed as it is used
            assert array is not None
            frame = array
            yield array, box
        if self.first:
            frame = np.frombuffer(zlib.decompress(self.first), dtype=np.uint8).reshape(self.shape)
            self.first = b""
            yield frame, None
        for n, (top, bottom, left, right, blob) in enumerate(self.patches):
            self.patches[n] = (0, 0, 0, 0, b"")
            assert frame is not None
            frame = frame.copy()
            if blob:
                shape = (bottom - top, right - left, *self.shape[2:])
                frame[top:bottom, left:right] ^= np.frombuffer(
                    zlib.decompress(blob), dtype=np.uint8).reshape(shape)
            yield frame, (top, bottom, left, right)


def _changed_box(array: np.ndarray, last: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the pixels where two frames differ ((0, 0, 0, 0)
    if none do)."""
    height = array.shape[0]
    channels = array.shape[2] if array.ndim == 3 else 1
    # rows of bytes: a reduction along a long contiguous row is fast (along a pixel's
    # three channels it is not)
    differs = np.not_equal(array.reshape(height, -1), last.reshape(height, -1))
    rows = np.flatnonzero(differs.any(axis=1))
    if rows.size == 0:
        return (0, 0, 0, 0)
    cols = np.flatnonzero(differs[rows[0] : rows[-1] + 1].any(axis=0)) // channels
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _iter_frames(source_or_frames: Any) -> tuple[int, Iterable[Any]]:
    """(count, frames) of a frame source, one (H, W, 3) array or a sequence of them."""
    if hasattr(source_or_frames, "frame") and hasattr(source_or_frames, "frame_count"):
        count = int(source_or_frames.frame_count)
        return count, (source_or_frames.frame(n) for n in range(count))
    if isinstance(source_or_frames, np.ndarray) and source_or_frames.ndim == 3:
        return 1, [source_or_frames]
    frames = source_or_frames if isinstance(source_or_frames, Sequence) else list(
        source_or_frames)
    return len(frames), frames


def _rgb_gif(source_or_frames: Any, duration_ms: Any, loop: int, colors: int) -> bytes:
    count, frames = _iter_frames(source_or_frames)
    if count == 0:
        raise SpecError("frames must hold at least one frame, got none")
    ticks = _durations(duration_ms, count)
    tally, kept = ColourTally(), _Kept()
    shape: tuple[int, ...] | None = None
    for n, frame in enumerate(frames):
        array = as_frame(frame, n, shape)
        shape = array.shape
        tally.add(array, kept.add(array))  # (the box of what changed, found once)
    # quantised frames keep one index free for transparency: unchanged pixels of
    # later frames compress far better as runs of one transparent index
    palette, table = tally.lookup(colors, min(colors, 255))
    height, width = kept.shape[:2]
    encoder = _Encoder(palette, width, height, loop)
    index = None
    for (array, box), delay in zip(kept, ticks):
        if box is None:
            index = tally.indices(array, table)
        else:  # only the box can differ from the frame before
            assert index is not None
            index = index.copy()
            top, bottom, left, right = box
            index[top:bottom, left:right] = tally.indices(array[top:bottom, left:right], table)
        encoder.add(index, delay, box)
    return encoder.finish()


def _indexed_gif(palette: Any, count: int, indices: Iterable[Any], ticks: list[int],
                 loop: int) -> bytes:
    palette = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    packed = _pack(palette)
    if len(palette) > 256 or np.any(np.diff(packed.astype(np.int64)) <= 0):
        raise SpecError("palette must hold at most 256 distinct colours sorted by 0xRRGGBB")
    used = np.zeros(256, dtype=bool)
    kept = _Kept()
    shape = None
    for n, index in enumerate(indices):
        index = np.ascontiguousarray(index, dtype=np.uint8)
        if index.ndim != 2 or (shape is not None and index.shape != shape):
            raise SpecError(f"index frame {n} has shape {index.shape}; "
                            f"frame 0 has {shape or 'an (H, W) shape'}")
        shape = index.shape
        box = kept.add(index)
        # colours used: all of the first frame's, then those in each changed box
        region = index if box is None else index[box[0] : box[1], box[2] : box[3]]
        used |= np.bincount(region.reshape(-1), minlength=256) > 0
    if len(kept) == 0:
        raise SpecError("frames must hold at least one frame, got none")
    if len(kept) != count:
        raise SpecError(f"expected {count} index frames, got {len(kept)}")
    if int(np.flatnonzero(used).max()) >= len(palette):
        raise SpecError(f"an index is beyond the palette's {len(palette)} colours")
    remap = np.cumsum(used).astype(np.uint8) - 1  # old index -> index among the used
    height, width = kept.shape
    encoder = _Encoder(palette[used[: len(palette)]], width, height, loop, remap)
    for (index, box), delay in zip(kept, ticks):
        encoder.add(index, delay, box)
    return encoder.finish()


def gif_from_indices(palette: np.ndarray, indices: Sequence[np.ndarray],
                     duration_ms: float | Sequence[float] = 1000, *, loop: int = 0) -> bytes:
    """GIF bytes of frames given as (H, W) uint8 indices into ``palette`` ((n, 3)
    uint8, at most 256 distinct colours, sorted by 0xRRGGBB).

    The palette is reduced to the colours the frames use, so the bytes equal
    ``write_gif([palette[i] for i in indices], None, duration_ms)`` — without
    looking at every RGB pixel again (a renderer that already holds its frames
    as palette indices skips that work).
    """
    indices = list(indices)
    if not indices:
        raise SpecError("frames must hold at least one frame, got none")
    ticks = _durations(duration_ms, len(indices))
    return _indexed_gif(palette, len(indices), indices, ticks, _check_loop(loop))


def gif_from_indexed_source(
    source: IndexedFrameSource, duration_ms: float | Sequence[float] = 1000, *, loop: int = 0
) -> bytes:
    """GIF bytes of an :class:`convviz.frames.IndexedFrameSource` (``frame_palette``,
    ``frame_indices(n)``), one frame drawn at a time; the same bytes as
    :func:`write_gif` of its RGB frames."""
    count = int(source.frame_count)
    ticks = _durations(duration_ms, count)
    return _indexed_gif(source.frame_palette, count,
                        (source.frame_indices(n) for n in range(count)), ticks, _check_loop(loop))


def write_gif(
    source_or_frames: Frames,
    path: str | os.PathLike[str] | None,
    duration_ms: float | Sequence[float] = 1000,
    *,
    loop: int = 0,
    colors: int = 256,
    overwrite: bool = True,
) -> bytes | None:
    """Encode frames as an animated GIF; write it to ``path`` or return the bytes.

    ``source_or_frames``: a frame source (frames are drawn one at a time) or a
    sequence of (H, W, 3) uint8 arrays. ``duration_ms``: one delay for every
    frame or one per frame, in milliseconds (GIF stores hundredths of a
    second: rounded to 10 ms; SpecError outside 10 … 655350). ``loop=0``
    loops forever. ``colors``: the palette's size at most (frames with more
    colours are quantised to ``min(colors, 255)``, keeping one index for
    transparency). Deterministic: same frames, same bytes.
    """
    loop = _check_loop(loop)
    if isinstance(colors, bool) or not isinstance(colors, int) or not 2 <= colors <= 256:
        raise SpecError(f"colors must be a whole number 2…256, got {colors!r}")
    data = _rgb_gif(source_or_frames, duration_ms, loop, colors)
    if path is None:
        return data
    write_bytes(path, data, overwrite=overwrite)
    return None


# -- one frame ----------------------------------------------------------------------------------
def _lzw_frame(indices: np.ndarray, left: int, top: int, delay: int, transparent: int | None,
               disposal: int) -> bytes:
    """Graphic control extension, image descriptor and LZW data of one frame."""
    from PIL import GifImagePlugin, Image

    indices = np.ascontiguousarray(indices, dtype=np.uint8)
    image = Image.frombytes("P", (indices.shape[1], indices.shape[0]), indices.tobytes())
    out = bytearray()
    packed = (disposal & 7) << 2 | (1 if transparent is not None else 0)
    out += b"!\xf9\x04" + struct.pack("<BHB", packed, delay, transparent or 0) + b"\x00"
    # getdata writes the image descriptor (offset, size, no local table) and the LZW data
    chunks = GifImagePlugin.getdata(image, offset=(left, top))
    out += b"".join(chunks)
    return bytes(out)


def _transparent_runs(patch: np.ndarray, changed: np.ndarray, transparent: int) -> np.ndarray:
    """The patch with unchanged pixels transparent, except inside a row's run of one
    colour that holds a changed pixel: that run keeps its colour whole (the decoded
    picture is the same; the runs are longer, so LZW stores them in fewer codes).
    ``changed``: a boolean mask of the patch's shape, or the changed pixels' flat
    positions in it."""
    h, w = patch.shape
    flat = patch.reshape(-1)
    start = np.empty(flat.size, dtype=bool)
    np.not_equal(flat[1:], flat[:-1], out=start[1:])
    start[::w] = True
    run = np.cumsum(start, dtype=np.int32)  # run number + 1
    keep = np.zeros(int(run[-1]) + 1, dtype=bool)
    changed = np.asarray(changed)
    keep[run[changed.reshape(-1)] if changed.dtype == bool else run.take(changed)] = True
    out = np.where(keep.take(run), flat, np.uint8(transparent))  # (take: faster than keep[run])
    return out.reshape(h, w).astype(np.uint8, copy=False)
