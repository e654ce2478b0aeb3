"""Scene: what each frame of a conv_arithmetic animation shows. Data only.

A scene is built from the engine's index maps and nothing else, so a correct
engine gives a correct picture. It holds

- the drawn grid (the *canvas*): its size and the :class:`~convviz.CellKind`
  of every cell (input, padding, inserted zero), from ``spec.canvas_kind``;
- the output grid's size;
- one :class:`FrameScene` per output cell, in the originals' order: row by
  row from the top row (row 0), left to right, i.e. ``np.ndindex(output_size)``;
  a 2-D multi-channel spec steps through its output channels too (all cells of
  output channel 0, then of channel 1, ...; when that would take more than
  MAX_CHANNEL_FRAMES frames, frame n shows output channel n mod C_out:
  :func:`channel_frames`), each frame naming its output channel and the input
  channels it reads (from the groups).
  Each frame names its output cell, the canvas cells of its taps (from
  ``spec.taps``), the weight tap each reads (from ``spec.weight_taps``),
  whether it reads only zeros (``spec.input_taps`` all −1: bias only) and the
  kernel's extent box (k̂ cells per axis);
- the caption lines: the parameters, for a transposed convolution the direct
  convolution it is drawn as, for 1-D where output t sits, the channel rule.

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
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from convviz.core.spec import CellKind, ConvSpec
from convviz.errors import SpecError
from convviz.look.words import check_lang, describe, word

__all__ = ["MAX_CANVAS_CELLS", "MAX_CHANNEL_FRAMES", "MAX_FRAMES", "OUTPUT_PADDING",
           "FrameScene", "Scene", "build_scene", "causal", "channel_frames", "channels_read"]

#: the most frames a scene may have (one per output cell)
MAX_FRAMES = 4096
#: the most canvas cells drawn along any one side
MAX_CANVAS_CELLS = 64
#: the most frames a multi-channel scene spends on stepping through every output
#: channel (output channels × output cells); beyond it each frame shows one output
#: cell, of output channel (frame mod C_out), so a contact sheet stays within the
#: memory budget (convviz.budget) even with one wide plane per channel
MAX_CHANNEL_FRAMES = 64


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
    #: flat index (into the kernel, C order) of the weight tap at every window
    #: position, from ``spec.weight_taps``: flipped for a transposed convolution
    weight_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    #: every tap reads padding or an inserted zero (``spec.input_taps`` all −1):
    #: the output cell gets only the bias
    bias_only: bool = False
    #: the output channel this frame computes (0 for a one-channel spec)
    out_channel: int = 0
    #: the input channels that output channel reads (from ``spec.groups``)
    reads: tuple[int, ...] = (0,)


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
    #: the canvas as drawn: ``canvas_kind`` plus :data:`OUTPUT_PADDING` where a
    #: cell exists only because of a transposed convolution's output_padding
    cell_look: np.ndarray | None = None
    #: 3-D: what every depth slice of the canvas is ("depth 0", "pad", "zero", ...)
    slice_names: tuple[str, ...] = ()
    #: 1-D: the canvas x (cells, from the canvas' left edge) that output cell t
    #: sits over: its window's last cell's centre (causal) or the window's centre
    output_anchor: tuple[float, ...] = ()
    #: the language of the captions and labels ("en" or "zh", :mod:`convviz.look.words`)
    lang: str = "en"

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


def _channel_note(spec: ConvSpec, channel: int | None, lang: str = "en") -> str:
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
    where = "" if channel is None else word(lang, "scene.channel_of", channel=channel,
                                            channels=c_in)
    if spec.groups == c_in and spec.groups > 1:
        rule = word(lang, "scene.depthwise", groups=spec.groups)
    elif spec.groups > 1:
        rule = word(lang, "scene.groups", groups=spec.groups, seen=c_in // spec.groups,
                    channels=c_in)
    else:
        rule = word(lang, "scene.summed", c_in=c_in, c_out=c_out)
    return where + rule


#: a drawn cell that is there only for a transposed convolution's output_padding
#: (a look of the picture, next to the engine's CellKind values 0–2)
OUTPUT_PADDING = 3


def _output_padding_mask(spec: ConvSpec) -> np.ndarray:
    """True on canvas cells that lie in the output_padding band of some axis: the
    last ``output_padding`` cells of a transposed canvas (they exist only to make
    the output longer; a direct convolution has none)."""
    mask = np.zeros(spec.canvas_size, dtype=bool)
    if not spec.transposed:
        return mask
    for a, g in enumerate(spec.axes):
        band = min(g.output_padding, g.canvas_padding[1])
        if band:
            index = [slice(None)] * spec.ndim
            index[a] = slice(g.canvas_size - band, g.canvas_size)
            mask[tuple(index)] = True
    return mask


def _slice_names(spec: ConvSpec) -> tuple[str, ...]:
    """3-D: the name of every canvas depth slice, from the depth axis' cell kinds."""
    if spec.ndim != 3:
        return ()
    g = spec.axes[0]
    kinds, index = g.canvas_kind(), g.canvas_input()
    op = min(g.output_padding, g.canvas_padding[1]) if spec.transposed else 0
    names = []
    for z, (kind, depth) in enumerate(zip(kinds, index)):
        if kind == CellKind.INPUT:
            names.append(f"depth {int(depth)}")
        elif kind == CellKind.ZERO:
            names.append("zero")
        elif z >= g.canvas_size - op:
            names.append("output pad")
        else:
            names.append("pad")
    return tuple(names)


def causal(spec: ConvSpec) -> bool:
    """Whether ``spec`` is a causal 1-D convolution (output t reads t and earlier only)."""
    return spec.padding == "causal" and not spec.transposed


def _anchors(spec: ConvSpec) -> tuple[float, ...]:
    """1-D: the canvas x each output cell sits over (see :attr:`Scene.output_anchor`)."""
    if spec.ndim != 1:
        return ()
    g = spec.axes[0]
    starts = g.window_starts()
    if causal(spec):
        return tuple(float(t) + g.effective_kernel - 0.5 for t in starts)
    return tuple(float(t) + g.effective_kernel / 2 for t in starts)


def _rule_line(spec: ConvSpec, lang: str = "en") -> str:
    """1-D: the sentence saying where output t is drawn."""
    if spec.ndim != 1:
        return ""
    if causal(spec):
        return word(lang, "scene.rule_causal")
    return word(lang, "scene.rule_centre")


def _transposed_lines(spec: ConvSpec, lang: str = "en") -> tuple[str, ...]:
    """Transposed: the equivalent direct convolution that the picture draws, and
    the framework's padding named for what it does (a crop of the full output)."""
    if not spec.transposed:
        return ()

    def fmt(values: Sequence[object]) -> str:
        return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))

    before = tuple(b for b, _ in spec.canvas_padding)
    after = tuple(a for _, a in spec.canvas_padding)
    pads = (
        f"p′={fmt(before)}" if before == after
        else word(lang, "scene.pads_before_after", before=fmt(before), after=fmt(after))
    )
    zeros = tuple(g.stride - 1 for g in spec.axes)
    inserted = ""
    if any(zeros):
        inserted = word(lang, "scene.zero_between" if set(zeros) == {1}
                        else "scene.zeros_between", zeros=fmt(zeros))
    if spec.padding_before == spec.padding_after:
        crop = fmt(spec.padding_before)
    else:
        crop = ",".join(f"{b}/{a}" for b, a in zip(spec.padding_before, spec.padding_after))
    return (word(lang, "scene.as_drawn", pads=pads, inserted=inserted),
            word(lang, "scene.flipped_crop", crop=crop))


def channels_read(spec: ConvSpec, out_channel: int) -> tuple[int, ...]:
    """The input channels output channel ``out_channel`` reads: with G groups,
    channel c_out is in group g = c_out // (C_out/G) and reads input channels
    g·C_in/G … (g+1)·C_in/G − 1 (all of them when G = 1)."""
    c_in, c_out = spec.channels
    per_in, per_out = c_in // spec.groups, c_out // spec.groups
    g = out_channel // per_out
    return tuple(range(g * per_in, (g + 1) * per_in))


def channel_frames(spec: ConvSpec) -> int:
    """How many output channels the frames step through: every one for a 2-D
    multi-channel spec (frame count = C_out × output cells) while that stays within
    :data:`MAX_CHANNEL_FRAMES`; else 1 (a one-channel, 1-D or 3-D spec; or one whose
    frames would be too many — then frame n shows output channel n mod C_out)."""
    c_out = spec.channels[1]
    if spec.ndim != 2 or spec.channels == (1, 1):
        return 1
    if c_out * math.prod(spec.output_size) > MAX_CHANNEL_FRAMES:
        return 1
    return c_out


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
    spec: ConvSpec, *, title: str | None = None, channel: int | None = None, lang: str = "en"
) -> Scene:
    """The scene of ``spec``: canvas kinds and one frame per output cell.

    ``title`` prefixes the caption; ``channel`` picks the channel to caption for
    multi-channel specs (grouped / depthwise); ``lang`` ("en" or "zh") is the
    language of the captions (:mod:`convviz.look.words`). Raises SpecError when the spec
    is too big to animate (more than MAX_FRAMES frames or MAX_CANVAS_CELLS
    canvas cells on a side).
    """
    if not isinstance(spec, ConvSpec):
        raise SpecError(f"spec must be a ConvSpec, got {type(spec).__name__}")
    if title is not None and not isinstance(title, str):
        raise SpecError(f"title must be a string or None, got {title!r}")
    lang = check_lang(lang)
    check_size(spec)
    note = _channel_note(spec, channel, lang)
    ndim = spec.ndim
    k_hat = spec.effective_kernel_size
    taps = spec.taps  # (*output, *kernel, ndim)
    weight = np.ravel_multi_index(
        tuple(np.moveaxis(spec.weight_taps.reshape(-1, ndim), 1, 0)), spec.kernel_size
    ).astype(np.intp)
    weight.flags.writeable = False
    reads_nothing: np.ndarray = np.asarray(
        (spec.input_taps < 0).all(axis=-1).reshape(*spec.output_size, -1).all(-1))
    frames = []
    c_out = spec.channels[1]
    stepped = channel_frames(spec)
    multi = spec.ndim == 2 and spec.channels != (1, 1)
    for n, (ch, out) in enumerate(
        (ch, out) for ch in range(stepped) for out in np.ndindex(*spec.output_size)
    ):
        if stepped == 1 and multi:
            ch = n % c_out  # too many frames for every channel: one channel per frame
        cells = np.ascontiguousarray(taps[out].reshape(-1, ndim))
        cells.flags.writeable = False
        first = cells[0]
        extent = tuple((int(first[a]), int(first[a]) + k_hat[a]) for a in range(ndim))
        where = ", ".join(_fmt_range(a, b) for a, b in extent)
        of_channel = word(lang, "scene.of_channel", channel=ch) if multi else ""
        caption = word(lang, "scene.frame", index=tuple(int(v) for v in out),
                       of_channel=of_channel, where=where, taps=len(cells))
        reads = channels_read(spec, ch) if multi else (0,)
        frames.append(FrameScene(n, tuple(int(v) for v in out), cells, extent, caption,
                                 weight, bool(reads_nothing[out]), ch, reads))
    params = describe(spec, lang)
    caption = word(lang, "scene.title_params", title=title, params=params) if title else params
    if note:
        caption += word(lang, "scene.note", note=note)
    kind = np.array(spec.canvas_kind, dtype=np.int8)
    kind.flags.writeable = False
    look = kind.copy()
    look[_output_padding_mask(spec)] = OUTPUT_PADDING
    look.flags.writeable = False
    shown = re.sub(r"\bp=", word(lang, "scene.crop"), params) if spec.transposed else params
    if multi and spec.groups > 1:
        lit = word(lang, "scene.lit_current")
    elif spec.groups > 1:
        lit = word(lang, "scene.lit_zero")
    else:
        lit = ""
    lines = tuple(x for x in (title, shown, *_transposed_lines(spec, lang),
                              _rule_line(spec, lang), note, lit) if x)
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
        cell_look=look,
        slice_names=_slice_names(spec),
        output_anchor=_anchors(spec),
        lang=lang,
    )


# re-exported for renderers: the kinds a canvas cell can have
INPUT, PADDING, ZERO = CellKind.INPUT, CellKind.PADDING, CellKind.ZERO
