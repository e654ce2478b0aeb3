"""The frame-source protocol: what every picture maker in convviz provides.

A *frame source* draws an animation one frame at a time. The oblique renderer
(:class:`convviz.draw.oblique.ConvRenderer`), the flat renderers
(:class:`convviz.draw.flat.NumbersRenderer`,
:class:`convviz.draw.flat.ScatterRenderer`) and the diagrams all are one;
:class:`convviz.animation.Animation` and the writers in :mod:`convviz.encode`
read nothing else.

>>> import numpy as np
>>> class Blink:
...     frame_count, size, caption, poster_frame = 2, (4, 3), "blink", 1
...     def frame(self, n):
...         return np.full((3, 4, 3), 255 * n, np.uint8)
>>> isinstance(Blink(), FrameSource)
True

A source whose frames are drawn from a fixed palette can say so
(:class:`IndexedFrameSource`): writers then take its palette indices directly
and never look at RGB pixels.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

from convviz.errors import SpecError

__all__ = ["FrameSource", "IndexedFrameSource", "poster_frame"]


@runtime_checkable
class FrameSource(Protocol):
    """Frames of one animation.

    - ``frame_count``: how many frames (≥ 1);
    - ``size``: (width, height) in pixels, the same for every frame;
    - ``frame(n)``: frame ``n`` (0 ≤ n < frame_count) as an (height, width, 3)
      uint8 array; the same ``n`` always gives the same pixels;
    - ``caption``: one line saying what the animation shows;
    - ``poster_frame``: the frame a still shows by default.
    """

    frame_count: int
    size: tuple[int, int]
    caption: str
    poster_frame: int

    def frame(self, n: int) -> np.ndarray: ...


@runtime_checkable
class IndexedFrameSource(FrameSource, Protocol):
    """A frame source whose frames are indices into one known palette.

    - ``frame_palette``: (n, 3) uint8, at most 256 colours sorted by 0xRRGGBB;
    - ``frame_indices(n)``: frame ``n`` as (height, width) uint8 indices into it
      (``frame_palette[frame_indices(n)]`` equals ``frame(n)``).
    """

    @property
    def frame_palette(self) -> np.ndarray: ...

    def frame_indices(self, n: int) -> np.ndarray: ...


def poster_frame(source: Any) -> int:
    """The frame a still of ``source`` shows: its ``poster_frame``, else the middle one.

    SpecError if the source names a frame it lacks.
    """
    count = int(source.frame_count)
    n = getattr(source, "poster_frame", None)
    if n is None:
        return count // 2
    n = int(n)
    if not 0 <= n < count:
        raise SpecError(f"poster_frame={n} is not a frame of the source (0 … {count - 1})")
    return n
