"""Flat (unslanted) frame sources: the paper's numerical figures and the scatter view.

- :class:`NumbersRenderer` (:mod:`convviz.draw.numbers`) — the values, the
  kernel's weights and the outputs printed in the cells, one output per frame.
- :class:`ScatterRenderer` (:mod:`convviz.draw.scatter`) — the scatter view of
  a transposed convolution, one input cell's patch per frame.

Both are frame sources (``frame_count``, ``size``, ``frame(n)``, ``caption``,
``poster_frame``) drawn by :class:`convviz.draw.flat_base.FlatFigure`.
"""

from convviz.draw.flat_base import NUMBERS_LIMIT, SCATTER_LIMIT, FlatPalette, flat_palette
from convviz.draw.numbers import NumbersRenderer
from convviz.draw.scatter import ScatterRenderer

__all__ = ["NUMBERS_LIMIT", "SCATTER_LIMIT", "FlatPalette", "NumbersRenderer", "ScatterRenderer",
           "flat_palette"]
