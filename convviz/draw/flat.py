"""Flat (unslanted) frame sources: the paper's numerical figures and the scatter view.

- :class:`NumbersRenderer` (:mod:`convviz.draw.numbers`) — the values, the
  kernel's weights and the outputs printed in the cells, one output per frame.
- :class:`ScatterRenderer` (:mod:`convviz.draw.scatter`) — the scatter view of
  a transposed convolution, one input cell's patch per frame: overlap counts
  summed up by :func:`overlap_summary`, or with ``numbers=True`` the values
  (each input times the kernel, added into the output).

Both are frame sources (``frame_count``, ``size``, ``frame(n)``, ``caption``,
``poster_frame``) drawn by :class:`convviz.draw.flat_base.FlatFigure`.
"""

from convviz.draw.flat_base import NUMBERS_LIMIT, SCATTER_LIMIT, FlatPalette, flat_palette
from convviz.draw.numbers import NumbersRenderer
from convviz.draw.scatter import OverlapSummary, ScatterRenderer, overlap_summary

__all__ = ["NUMBERS_LIMIT", "SCATTER_LIMIT", "FlatPalette", "NumbersRenderer", "OverlapSummary",
           "ScatterRenderer", "flat_palette", "overlap_summary"]
