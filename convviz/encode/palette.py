"""Frames as arrays, and one palette for all of them.

:func:`as_frames` checks frames ((H, W, 3) uint8, all one size);
:func:`build_palette` gives every frame as indices into one palette (exact
when the frames hold at most 256 colours, sorted by 0xRRGGBB, else a
deterministic weighted median cut). :class:`ColourTally` does the same
bookkeeping one frame at a time, so a long animation never has to be held
whole. NumPy only.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.errors import SpecError
from convviz.look.themes import nearest_colours

__all__ = ["ColourTally", "as_frame", "as_frames", "build_palette", "count_colours"]


def as_frames(source_or_frames: Any) -> list[np.ndarray]:
    """A list of (H, W, 3) uint8 arrays from a frame source or a sequence of frames.

    All frames must have the same shape; SpecError otherwise.
    """
    if hasattr(source_or_frames, "frame") and hasattr(source_or_frames, "frame_count"):
        frames = [source_or_frames.frame(n) for n in range(source_or_frames.frame_count)]
    elif isinstance(source_or_frames, np.ndarray) and source_or_frames.ndim == 3:
        frames = [source_or_frames]
    else:
        frames = list(source_or_frames)
    if not frames:
        raise SpecError("frames must hold at least one frame, got none")
    out = [as_frame(frames[0], 0)]
    for n, frame in enumerate(frames[1:], 1):
        out.append(as_frame(frame, n, out[0].shape))
    return out


def _pack(frame: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 -> (...) uint32 0xRRGGBB (bytes B, G, R, 0 read as little-endian)."""
    buf = np.empty(frame.shape[:-1] + (4,), dtype=np.uint8)
    buf[..., 0] = frame[..., 2]
    buf[..., 1] = frame[..., 1]
    buf[..., 2] = frame[..., 0]
    buf[..., 3] = 0
    return buf.view("<u4")[..., 0]


def _unpack(packed: np.ndarray) -> np.ndarray:
    packed = np.asarray(packed, dtype=np.uint32)
    return np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], -1).astype(np.uint8)


def build_palette(
    frames: Sequence[np.ndarray], max_colors: int = 256, *, quantize_to: int | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """One palette for all frames and every frame as palette indices.

    Returns ``(palette, indexed)``: palette (n, 3) uint8, indexed a list of
    (H, W) uint8 arrays. Exact when the frames hold at most ``max_colors``
    (≤ 256) distinct colours, sorted by 0xRRGGBB value so the result depends
    only on the frames. Otherwise ``quantize_to`` (default ``max_colors``)
    colours from a weighted median cut over all frames' pixels, each colour
    mapped to its nearest entry: deterministic too.
    """
    if not isinstance(max_colors, int) or not 2 <= max_colors <= 256:
        raise SpecError(f"max_colors must be a whole number 2…256, got {max_colors!r}")
    quantize_to = max_colors if quantize_to is None else quantize_to
    if not isinstance(quantize_to, int) or not 2 <= quantize_to <= max_colors:
        raise SpecError(f"quantize_to must be a whole number 2…{max_colors}, got {quantize_to!r}")
    palette, indexed, _ = _index_frames(frames, max_colors, quantize_to)
    return palette, indexed


def _index_frames(
    frames: Sequence[np.ndarray], max_colors: int, quantize_to: int
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """:func:`build_palette`, plus for each later frame the flat indices of the
    pixels whose palette index differs from the frame before."""
    # Most pixels repeat the previous frame: take colours from frame 0 and from
    # the pixels that change, and index only those (fast for long animations).
    changes = [_changed(prev, cur) for prev, cur in itertools.pairwise(frames)]
    samples = [_pack(frames[0]).reshape(-1)] + [
        _pack(np.take(f.reshape(-1, 3), c, axis=0)) for f, c in zip(frames[1:], changes)
    ]
    keys = np.concatenate(samples)
    colours, key_rank, marks = _distinct(keys)
    if len(colours) <= max_colors:
        palette = _unpack(colours)
        rows, cols = np.nonzero(marks)  # the same order as colours
        marks[rows, cols] = np.arange(len(colours), dtype=np.uint8)
        pixels = marks[key_rank, keys & 255]
    else:
        colours, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        palette = _median_cut(_unpack(colours), counts, quantize_to)
        lookup = nearest_colours(_unpack(colours), palette)
        pixels = lookup[inverse.reshape(-1)]
    bounds = np.cumsum([len(sample) for sample in samples])
    first = pixels[: bounds[0]].reshape(frames[0].shape[:2])
    indexed: list[np.ndarray] = [first]
    index_changes = []
    for start, stop, changed in zip(bounds[:-1], bounds[1:], changes):
        index = indexed[-1].copy()
        flat = index.reshape(-1)
        values = pixels[start:stop]
        differs = flat[changed] != values  # (a quantised colour may keep its index)
        flat[changed] = values
        indexed.append(index)
        index_changes.append(changed[differs])
    return palette, indexed, index_changes


def _changed(prev: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """Flat indices (sorted) of the pixels where two (H, W, 3) uint8 frames differ."""
    pixel = np.flatnonzero(prev.reshape(-1) != cur.reshape(-1)) // 3
    if len(pixel) > 1:
        pixel = pixel[np.concatenate(([True], pixel[1:] != pixel[:-1]))]
    return pixel


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sorted distinct values of ``keys`` (uint32 < 2²⁴) without sorting every
    key: the used 256-colour blocks, then the used colours inside them. Also
    returns (block rank of each key, marks) so :func:`_lookup` can index keys."""
    high, low = keys >> 8, keys & 255
    blocks = np.zeros(1 << 16, dtype=bool)
    blocks[high] = True
    used = np.flatnonzero(blocks)
    rank = np.zeros(1 << 16, dtype=np.intp)
    rank[used] = np.arange(len(used))
    key_rank = rank[high]
    marks = np.zeros((len(used), 256), dtype=np.uint8)
    marks[key_rank, low] = 1
    rows, cols = np.nonzero(marks)
    colours = (used[rows].astype(np.uint32) << 8) | cols.astype(np.uint32)
    return colours, key_rank, marks


def count_colours(frames: Sequence[np.ndarray]) -> int:
    """Number of distinct RGB colours over all frames."""
    return len(np.unique(np.concatenate([_pack(f).reshape(-1) for f in frames])))


def _median_cut(rgb: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    """Weighted median cut: split the widest box at its weighted median, n boxes.

    Returns the boxes' weighted mean colours sorted by 0xRRGGBB: the same
    colours and counts always give the same palette.
    """
    serial = itertools.count()

    def box(members: np.ndarray) -> tuple[int, int, int, np.ndarray]:
        values = rgb[members]
        ranges = values.max(0).astype(int) - values.min(0)
        axis = int(ranges.argmax())
        return (-int(ranges[axis]), next(serial), axis, members)

    heap = [box(np.arange(len(rgb)))]
    while len(heap) < n and heap[0][0] < 0:
        _, _, axis, members = heapq.heappop(heap)
        order = members[np.lexsort((members, rgb[members, axis]))]
        cum = np.cumsum(counts[order])
        cut = int(np.searchsorted(cum, cum[-1] / 2))
        cut = min(max(cut, 1), len(order) - 1)
        heapq.heappush(heap, box(order[:cut]))
        heapq.heappush(heap, box(order[cut:]))
    means = []
    for *_, members in heap:
        weights = counts[members].astype(np.float64)
        means.append(np.round((rgb[members] * weights[:, None]).sum(0) / weights.sum()))
    palette = np.array(means, dtype=np.uint8)
    return palette[np.argsort(_pack(palette), kind="stable")]


def as_frame(frame: Any, n: int = 0, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Frame ``n`` checked: a contiguous (H, W, 3) uint8 array (of ``shape``, if given)."""
    array = np.asarray(frame)
    if array.ndim != 3 or array.shape[2] not in (3, 4) or array.dtype != np.uint8:
        raise SpecError(
            f"frame {n} must be an (H, W, 3) uint8 array, got shape {array.shape} "
            f"dtype {array.dtype}"
        )
    array = array[..., :3]
    if shape is not None and array.shape != shape:
        raise SpecError(
            f"frame {n} has shape {array.shape}, but frame 0 has {shape}: "
            "all frames must have the same size"
        )
    return np.ascontiguousarray(array)


class ColourTally:
    """The colours of a sequence of frames, counted one frame at a time.

    Counts what :func:`build_palette` counts — every pixel of the first frame,
    then the pixels that change from one frame to the next — so that
    :meth:`lookup` gives the same palette and indices as it would for the
    whole sequence, while only the previous frame is held.
    """

    def __init__(self) -> None:
        self.colours = np.zeros(0, dtype=np.uint32)  # sorted 0xRRGGBB
        self.counts = np.zeros(0, dtype=np.int64)
        self._previous: np.ndarray | None = None
        self._lut: tuple[np.ndarray, np.ndarray] | None = None  # (table, its dense lookup)

    def add(self, frame: np.ndarray, box: tuple[int, int, int, int] | None = None) -> None:
        """Count one (H, W, 3) uint8 frame (the next in the sequence); ``box`` (top, bottom,
        left, right), if given, holds every pixel that differs from the frame before."""
        if self._previous is None:
            keys = _pack(frame).reshape(-1)
        else:
            before, now = self._previous, frame
            if box is not None:
                top, bottom, left, right = box
                before, now = before[top:bottom, left:right], now[top:bottom, left:right]
            now = np.ascontiguousarray(now)
            keys = _pack(np.take(now.reshape(-1, 3),
                                 _changed(np.ascontiguousarray(before), now), axis=0))
        self._previous = frame
        if keys.size == 0:
            return
        new, new_counts = np.unique(keys, return_counts=True)
        merged, inverse = np.unique(np.concatenate([self.colours, new]), return_inverse=True)
        counts = np.zeros(len(merged), dtype=np.int64)
        np.add.at(counts, inverse, np.concatenate([self.counts, new_counts]))
        self.colours, self.counts = merged.astype(np.uint32), counts

    def lookup(self, max_colors: int, quantize_to: int) -> tuple[np.ndarray, np.ndarray]:
        """``(palette, table)``: palette (n, 3) uint8 as :func:`build_palette` makes it, and
        for every counted colour (in ``colours`` order) its index in the palette."""
        if len(self.colours) <= max_colors:
            return _unpack(self.colours), np.arange(len(self.colours), dtype=np.uint8)
        palette = _median_cut(_unpack(self.colours), self.counts, quantize_to)
        return palette, nearest_colours(_unpack(self.colours), palette)

    def indices(self, frame: np.ndarray, table: np.ndarray) -> np.ndarray:
        """A counted (H, W, 3) frame as (H, W) uint8 palette indices."""
        keys = _pack(frame)
        if self._lut is None or self._lut[0] is not table:  # 0xRRGGBB -> index, 16 MB
            lut = np.zeros(1 << 24, dtype=np.uint8)
            lut[self.colours] = table
            self._lut = (table, lut)
        return np.take(self._lut[1], keys)
