"""The gallery's dark colours: the light theme's colours mapped into the dark theme.

A gallery picture is drawn once, in the light (``classic``) theme; in a dark page it
shows the same picture with every colour mapped to the dark theme's (the SVG's custom
properties, :mod:`convviz.site.themed`). Each
colour of the picture is explained as a blend ``a + t·(b − a)`` of two colours
of the light theme (a solid colour is the blend with ``t = 0``; anti-aliased
edges and the kernel's translucent shadow are blends in between), and becomes
the same blend of the two matching colours of the dark theme. So the
background, the padding, the strokes and the shadow take the dark theme's
colours exactly, and the geometry stays pixel for pixel that of the light
picture (:func:`frame_to_dark` recolours a raster frame, to check the mapping against
the dark theme's own drawing).

>>> import numpy as np
>>> to_dark(np.array([[255, 255, 255]], dtype=np.uint8)).tolist()  # the background
[[0, 43, 54]]
"""

from __future__ import annotations

import functools
from dataclasses import fields

import numpy as np

from convviz.look.themes import Theme, blend, get_theme, hex_to_rgb

__all__ = ["frame_to_dark", "theme_pairs", "to_dark"]


def theme_pairs(light: Theme, dark: Theme) -> list[tuple[str, str]]:
    """(light colour, dark colour) of every colour field and solid palette colour."""
    pairs: dict[str, str] = {}
    for f in fields(Theme):
        value = getattr(light, f.name)
        if f.name in ("name", "input_label", "output_label") or not isinstance(value, str):
            continue
        pairs.setdefault(value, getattr(dark, f.name))
    for a, b in zip(light.channel_fills, dark.channel_fills):
        pairs.setdefault(a, b)
    # the kernel's shadow over the fills it darkens (lightens, on the dark theme)
    for fill in ("padding_fill", "input_fill", "output_fill", "background"):
        pairs.setdefault(blend(light.shadow, getattr(light, fill), light.shadow_alpha),
                         blend(dark.shadow, getattr(dark, fill), dark.shadow_alpha))
    return list(pairs.items())


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    pairs = theme_pairs(get_theme("classic"), get_theme("dark"))
    light = np.array([hex_to_rgb(a) for a, _ in pairs], dtype=np.float64)
    dark = np.array([hex_to_rgb(b) for _, b in pairs], dtype=np.float64)
    return light, dark


def to_dark(colours: np.ndarray) -> np.ndarray:
    """(n, 3) uint8 light-theme colours -> (n, 3) uint8 dark-theme colours.

    Each colour is matched to the nearest point on a segment between two
    light-theme colours and moved to the same point between the dark ones.
    """
    c = np.asarray(colours, dtype=np.float64).reshape(-1, 3)
    light, dark = _tables()
    a, b = light[:, None, :], light[None, :, :]  # (m, 1, 3), (1, m, 3)
    ab = b - a
    length2 = np.maximum((ab * ab).sum(-1), 1e-9)  # (m, m)
    # t for every colour and pair: (n, m, m)
    t = np.clip((((c[:, None, None, :] - a[None]) * ab[None]).sum(-1)) / length2[None], 0, 1)
    nearest = a[None] + t[..., None] * ab[None]
    error = ((c[:, None, None, :] - nearest) ** 2).sum(-1).reshape(len(c), -1)
    best = error.argmin(axis=1)
    m = len(light)
    i, j = best // m, best % m
    tb = t.reshape(len(c), -1)[np.arange(len(c)), best]
    out = dark[i] + tb[:, None] * (dark[j] - dark[i])
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def frame_to_dark(frame: np.ndarray) -> np.ndarray:
    """An (H, W, 3) uint8 light-theme frame recoloured (each distinct colour mapped once)."""
    rgb = frame[..., :3].astype(np.uint32)
    keys = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    unique, inverse = np.unique(keys.reshape(-1), return_inverse=True)
    colours = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1)
    mapped = np.concatenate([to_dark(colours[n:n + 512]) for n in range(0, len(colours), 512)])
    return mapped[inverse.reshape(-1)].reshape(frame.shape[:2] + (3,))
