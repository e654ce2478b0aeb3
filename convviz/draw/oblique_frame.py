"""The oblique renderer's per-frame geometry: what a frame draws over the picture.

Plain geometry, no matplotlib (the layout is :mod:`convviz.draw.oblique_layout`):
the kernel's shadow on the window's cells, the grid over its extent, the
projection lines to the current output cell and that cell; with one plane per
channel also the input channel planes the frame's output channel does not read
(drawn muted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from convviz.draw.oblique_clip import clip
from convviz.draw.oblique_layout import _Layout
from convviz.look.scene import Scene

__all__ = ["frame_geometry", "muted_planes"]


def _split(cells: np.ndarray, ndim: int, output: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Canvas (or, with ``output``, output) cells (n, ndim) -> (plane index (n,),
    [row, col] (n, 2) in that plane)."""
    cells = np.asarray(cells).reshape(-1, ndim)
    if ndim == 1 and output:
        # 1-D outputs: one 1×1 plane per output cell
        return cells[:, 0], np.zeros((len(cells), 2), dtype=int)
    if ndim == 1:
        return np.zeros(len(cells), dtype=int), np.stack(
            [np.zeros(len(cells), int), cells[:, 0]], 1
        )
    if ndim == 2:
        return np.zeros(len(cells), dtype=int), cells
    return cells[:, 0], cells[:, 1:]


def frame_geometry(scene: Scene, lay: _Layout, hiders: Sequence[Any],
                   n: int) -> tuple[list, list, list, list]:
    """Frame ``n``'s shadow polygons, extent grid segments, projection lines (clipped
    where they enter an output plane: ``hiders``, one per output plane) and the
    highlighted output cell, in layout px.

    With one plane per channel (``_Layout.channel_planes``) the window is drawn in
    every input channel the frame's output channel reads (``FrameScene.reads``) and
    the lines run from each to the output cell in that output channel's plane."""
    f = scene.frames[n]
    ndim = scene.ndim
    z, rc = _split(f.taps, ndim)
    ext = f.extent
    (r0, r1), (c0, c1) = ((0, 1), ext[0]) if ndim == 1 else (ext[-2], ext[-1])
    oz, orc = _split(np.array([f.output_index]), ndim, output=True)
    if lay.channel_planes:
        lit = list(f.reads)
        oplane = lay.outputs[f.out_channel]
        hiders = [hiders[f.out_channel]]  # the lines end at their own plane
        shadow = [poly for c in lit for poly in lay.inputs[c].cells(rc)]
        grids = lit
        zs = np.array(lit)
    else:
        shadow = []
        for zi in np.unique(z):
            shadow.extend(lay.inputs[zi].cells(rc[z == zi]))
        oplane = lay.outputs[oz[0]]
        grids = list(range(ext[0][0], ext[0][1])) if ndim == 3 else [0]
        zs = np.unique(z)  # the slices the window reads (its taps)
        if len(zs) > 2:
            zs = zs[[0, -1]]  # 3-D: lines from the window's first and last slices only
    orow, ocol = orc[0]
    cell = oplane.box(orow, orow + 1, ocol, ocol + 1)
    segs: list = []
    lines: list = []
    for zi in grids:
        segs.extend(lay.inputs[zi].grid(r0, r1, c0, c1))
    for zi in zs:
        box = lay.inputs[zi].box(r0, r1, c0, c1)
        if lay.flat:
            # the two top corners of the extent to the output cell's bottom corners
            lines.extend([[box[3], cell[0]], [box[2], cell[1]]])
        else:
            lines.extend([[box[k], cell[k]] for k in range(4)])
    lines = [seg for seg in (clip(a, b, hiders) for a, b in lines) if seg is not None]
    return shadow, segs, lines, [cell]


def muted_planes(scene: Scene, lay: _Layout, n: int) -> list:
    """With one plane per channel: the cells of every input channel that frame ``n``'s
    output channel does not read (drawn muted over the picture); else nothing."""
    if not lay.channel_planes:
        return []
    reads = set(scene.frames[n].reads)
    polys: list = []
    for c, plane in enumerate(lay.inputs):
        if c not in reads:
            polys.extend(plane.cells(np.argwhere(np.ones((plane.rows, plane.cols), bool))))
    return polys
