"""Convex polygons of the oblique picture: whether two come near each other, and the part
of a segment in front of them (a projection line stops where it enters the output plane).

Plain floats and NumPy, no matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["clip", "convex_overlap", "inward_edges"]


def convex_overlap(a: np.ndarray, b: np.ndarray, pad: float) -> bool:
    """Whether convex polygons a and b come within ``pad`` px (separating axes)."""
    for poly in (a, b):
        for k in range(len(poly)):
            edge = poly[(k + 1) % len(poly)] - poly[k]
            axis = np.array([-edge[1], edge[0]]) / np.hypot(*edge)
            pa, pb = a @ axis, b @ axis
            if pa.max() + pad < pb.min() or pb.max() + pad < pa.min():
                return False
    return True


def inward_edges(poly: np.ndarray) -> list[tuple[float, float, float, float]]:
    """(vx, vy, nx, ny) per edge of convex ``poly``: a vertex and the edge's normal
    pointing inwards (what :func:`clip` needs of a hider, worked out once)."""
    pts = [(float(x), float(y)) for x, y in poly]
    cx = sum(x for x, _ in pts) / len(pts)
    cy = sum(y for _, y in pts) / len(pts)
    edges = []
    for k in range(len(pts)):
        vx, vy = pts[k]
        wx, wy = pts[(k + 1) % len(pts)]
        nx, ny = -(wy - vy), wx - vx
        if nx * (cx - vx) + ny * (cy - vy) < 0:
            nx, ny = -nx, -ny  # point inwards
        edges.append((vx, vy, nx, ny))
    return edges


def clip(p: Any, q: Any, hiders: Sequence[Any]) -> np.ndarray | None:
    """The part of segment p→q before it enters any convex polygon in ``hiders``
    (Cyrus–Beck), or None when nothing of it shows. A hider is a polygon or its
    :func:`inward_edges`. (Plain floats: a handful of tiny polygons per frame,
    where NumPy's per-call cost would dominate.)"""
    px, py = float(p[0]), float(p[1])
    dx, dy = float(q[0]) - px, float(q[1]) - py
    t_hide = 1.0
    for hider in hiders:
        prepared = isinstance(hider, list) and hider and isinstance(hider[0], tuple) \
            and len(hider[0]) == 4
        edges = hider if prepared else inward_edges(hider)
        t0, t1 = 0.0, 1.0
        for vx, vy, nx, ny in edges:
            num = nx * (px - vx) + ny * (py - vy)
            den = nx * dx + ny * dy
            if abs(den) < 1e-12:
                if num < 0:
                    t0, t1 = 1.0, 0.0  # parallel and outside
                    break
                continue
            t = -num / den
            if den > 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
        if t0 <= t1:
            t_hide = min(t_hide, t0)
    if t_hide <= 1e-9:
        return None
    return np.array([[px, py], [px + t_hide * dx, py + t_hide * dy]])
