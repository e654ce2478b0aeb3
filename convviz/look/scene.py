"""Scene: what each frame of a conv_arithmetic animation shows. Data only.

A scene is built from the engine's index maps and nothing else, so a correct
engine gives a correct picture. It holds

- the drawn grid (the *canvas*): its size and the :class:`~convviz.CellKind`
  of every cell (input, padding, inserted zero), from ``spec.canvas_kind``;
- the output grid's size;
- one :class:`FrameScene` per output cell, in the originals' order: row by
  row from the top row (row 0), left to right, i.e. ``np.ndindex(output_size)``.
  Each frame names its output cell, the canvas cells of its taps (from
  ``spec.taps``) and the kernel's extent box (k̂ cells per axis).

Array convention as everywhere in convviz: ``[row, col]`` (``[depth, row,
col]`` in 3-D), row 0 is the *top* row. The renderer turns this into pixels
and knows nothing about convolution.

>>> from convviz import ConvSpec
>>> scene = build_scene(ConvSpec(4, 3))
>>> len(scene.frames), scene.frames[1].output_index, scene.frames[1].extent
(4, (0, 1), ((0, 3), (1, 4)))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from convviz.core.spec import CellKind, ConvSpec
from convviz.errors import SpecError

__all__ = ["MAX_CANVAS_CELLS", "MAX_FRAMES", "FrameScene", "Scene", "build_scene"]

#: the most frames a scene may have (one per output cell)
MAX_FRAMES = 4096
#: the most canvas cells drawn along any one side
MAX_CANVAS_CELLS = 64


@dataclass(frozen=True, eq=False)
class FrameScene:
    """One frame: one output cell and the canvas cells its window reads.

    ``taps``: (n_taps, ndim) int array, canvas cell of every window position in
    kernel order (``spec.taps[output_index]`` flattened), read-only.
    ``extent``: per axis the half-open canvas range ``(start, stop)`` the
    kernel covers, ``stop − start = k̂``.
    """

    index: int
    output_index: tuple[int, ...]
    taps: np.ndarray
    extent: tuple[tuple[int, int], ...]
    caption: str


@dataclass(frozen=True, eq=False)
class Scene:
    """Everything an oblique animation of ``spec`` shows, frame by frame.

    ``canvas_kind``: the drawn grid, shape ``canvas_size`` (int8 CellKind),
    read-only. ``frames``: one :class:`FrameScene` per output cell in
    ``np.ndindex(output_size)`` order. ``caption``: one line, the spec's
    parameters (says "transposed" where it is), prefixed by the title if any.
    ``channel``: the channel shown for grouped/multi-channel specs (or None).
    """

    spec: ConvSpec
    canvas_kind: np.ndarray
    output_size: tuple[int, ...]
    frames: tuple[FrameScene, ...]
    caption: str
    title: str | None = None
    channel: int | None = None
    channel_note: str = ""
    lines: tuple[str, ...] = field(default=())

    @property
    def ndim(self) -> int:
        return self.spec.ndim

    @property
    def canvas_size(self) -> tuple[int, ...]:
        return tuple(self.canvas_kind.shape)

    @property
    def frame_count(self) -> int:
        return len(self.frames)

    @property
    def kernel_extent(self) -> tuple[int, ...]:
        """k̂ per axis: the side of the kernel's extent box."""
        return self.spec.effective_kernel_size

    @property
    def transposed(self) -> bool:
        return self.spec.transposed


def _fmt_range(start: int, stop: int) -> str:
    return str(start) if stop - start == 1 else f"{start}–{stop - 1}"


def _channel_note(spec: ConvSpec, channel: int | None) -> str:
    c_in, c_out = spec.channels
    if c_in == 1 and c_out == 1 and spec.groups == 1:
        if channel not in (None, 0):
            raise SpecError(f"channel must be 0 (or None) for a one-channel spec, got {channel!r}")
        return ""
    if channel is not None:
        if not isinstance(channel, (int, np.integer)) or isinstance(channel, bool):
            raise SpecError(f"channel must be a whole number or None, got {channel!r}")
        if not 0 <= channel < c_in:
            raise SpecError(
                f"channel must be in 0 … {c_in - 1} (in_channels = {c_in}), got {channel!r}"
            )
    where = "" if channel is None else f"channel {channel} of {c_in}: "
    if spec.groups == c_in and spec.groups > 1:
        rule = f"depthwise, groups={spec.groups}: every channel has its own kernel"
    elif spec.groups > 1:
        rule = (
            f"groups={spec.groups}: each output channel sees {c_in // spec.groups} of "
            f"{c_in} input channels"
        )
    else:
        rule = f"{c_in} input channels, {c_out} output channels, summed over channels"
    return where + rule


def check_size(spec: ConvSpec) -> None:
    """SpecError if ``spec`` is too big to animate (frames or canvas cells)."""
    frames = math.prod(spec.output_size)
    if frames > MAX_FRAMES:
        raise SpecError(
            f"output_size {spec.output_size} needs {frames} frames (one per output cell); "
            f"the most an animation may have is {MAX_FRAMES}"
        )
    if max(spec.canvas_size) > MAX_CANVAS_CELLS:
        raise SpecError(
            f"the drawn grid (canvas_size) {spec.canvas_size} has more than "
            f"{MAX_CANVAS_CELLS} cells on a side; use a smaller input_size, stride or kernel"
        )


def build_scene(
    spec: ConvSpec, *, title: str | None = None, channel: int | None = None
) -> Scene:
    """The scene of ``spec``: canvas kinds and one frame per output cell.

    ``title`` prefixes the caption; ``channel`` picks the channel to caption for
    multi-channel specs (grouped / depthwise). Raises SpecError when the spec
    is too big to animate (more than MAX_FRAMES frames or MAX_CANVAS_CELLS
    canvas cells on a side).
    """
    if not isinstance(spec, ConvSpec):
        raise SpecError(f"spec must be a ConvSpec, got {type(spec).__name__}")
    if title is not None and not isinstance(title, str):
        raise SpecError(f"title must be a string or None, got {title!r}")
    check_size(spec)
    note = _channel_note(spec, channel)
    ndim = spec.ndim
    k_hat = spec.effective_kernel_size
    taps = spec.taps  # (*output, *kernel, ndim)
    frames = []
    for n, out in enumerate(np.ndindex(*spec.output_size)):
        cells = np.ascontiguousarray(taps[out].reshape(-1, ndim))
        cells.flags.writeable = False
        first = cells[0]
        extent = tuple((int(first[a]), int(first[a]) + k_hat[a]) for a in range(ndim))
        where = ", ".join(_fmt_range(a, b) for a, b in extent)
        caption = (
            f"output {tuple(int(v) for v in out)} reads the window at canvas [{where}]"
            f" ({len(cells)} taps)"
        )
        frames.append(FrameScene(n, tuple(int(v) for v in out), cells, extent, caption))
    params = spec.describe()
    caption = f"{title}: {params}" if title else params
    if note:
        caption += f" ({note})"
    kind = np.array(spec.canvas_kind, dtype=np.int8)
    kind.flags.writeable = False
    lines = tuple(x for x in (title, params, note) if x)
    return Scene(
        spec=spec,
        canvas_kind=kind,
        output_size=spec.output_size,
        frames=tuple(frames),
        caption=caption,
        title=title,
        channel=channel,
        channel_note=note,
        lines=lines,
    )


# re-exported for renderers: the kinds a canvas cell can have
INPUT, PADDING, ZERO = CellKind.INPUT, CellKind.PADDING, CellKind.ZERO
