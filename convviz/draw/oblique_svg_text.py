"""The text of the oblique SVG picture in the text themes (:mod:`convviz.draw.oblique_svg`).

Every piece of text is one ``<text>`` element, one a line, placed where the raster
places it (:func:`convviz.draw.oblique_layout._layout`, coordinates × scale):

- plane labels: ``<text class="cv-lab" x y text-anchor dominant-baseline
  [transform="rotate(-angle x y)"]>`` — matplotlib's ``ha`` left/center/right
  becomes ``text-anchor`` start/middle/end, ``va`` bottom/center/top becomes
  ``dominant-baseline`` text-after-edge/central/text-before-edge, and the
  rotation (counter-clockwise, about the anchor) a ``rotate`` of minus that
  angle;
- caption lines, centred: ``<text class="cv-cap[ cv-b]" …>`` (``cv-b``: the
  title, bold);
- per frame: the weight tap of every window position, centred on its cell
  (``cv-tap``; ``cv-tap2`` when the largest index has two or more digits,
  smaller, as the raster), and on frames whose window reads only zeros the
  bias-only note (``cv-note``) where the layout keeps a line for it.

Sizes and the font stack are CSS rules (:func:`text_style`), colours the
``--cv-text`` custom property.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from convviz.draw.oblique_layout import PT

if TYPE_CHECKING:
    from convviz.draw.oblique_svg import ObliqueSvg

__all__ = ["frame_text", "static_text", "text_style"]

#: points: the weight-tap indices written in the window's cells (as the raster)
TAP_FONT_PT = 6.0
_ANCHOR = {"left": "start", "center": "middle", "right": "end"}
_BASELINE = {"bottom": "text-after-edge", "center": "central", "top": "text-before-edge",
             "baseline": "alphabetic"}


def text_style(font_size_pt: float, scale: float) -> str:
    """The CSS of the text classes (sizes in px at ``scale``)."""
    from convviz.draw.oblique_svg import num

    base = num(font_size_pt * PT * scale)
    tap = num(min(font_size_pt, TAP_FONT_PT) * PT * scale)
    tap2 = num(min(font_size_pt, TAP_FONT_PT * 0.8) * PT * scale)
    return (f".cv .cv-lab,.cv .cv-cap,.cv .cv-note{{font-size:{base}px}}"
            f".cv .cv-b{{font-weight:bold}}"
            f".cv .cv-tap{{font-size:{tap}px}}.cv .cv-tap2{{font-size:{tap2}px}}")


def _text(cls: str, text: str, x: float, y: float, ha: str = "center", va: str = "center",
          rot: float = 0.0) -> str:
    from convviz.draw.oblique_svg import _escape, num

    xs, ys = num(x), num(y)
    attrs = (f'class="{cls}" x="{xs}" y="{ys}" text-anchor="{_ANCHOR[ha]}" '
             f'dominant-baseline="{_BASELINE[va]}"')
    if rot:
        attrs += f' transform="rotate({num(-rot)} {xs} {ys})"'
    return f"<text {attrs}>{_escape(text)}</text>"


def static_text(svg: ObliqueSvg) -> list[str]:
    """The labels and caption lines of the static picture."""
    lay, s = svg.layout, svg.scale
    out = [_text("cv-lab", text, x * s, y * s, ha, va, rot)
           for text, x, y, rot, ha, va in lay.labels]
    for i, (text, x, y) in enumerate(lay.caption):
        cls = "cv-cap cv-b" if (svg.scene.title and i == 0) else "cv-cap"
        out.append(_text(cls, text, x * s, y * s))
    return out


def frame_text(svg: ObliqueSvg, n: int, shadow: Any) -> list[str]:
    """Frame ``n``'s weight-tap indices (one per shadow cell) and bias-only note."""
    lay, th, s = svg.layout, svg.theme, svg.scale
    f = svg.scene.frames[n]
    out = []
    taps = len(f.weight_index)
    if th.show_labels and taps and len(shadow) % taps == 0:
        # (one copy of the window per lit input channel plane)
        cls = "cv-tap" if int(f.weight_index.max()) < 10 else "cv-tap2"
        for poly, w in zip(shadow, f.weight_index.tolist() * (len(shadow) // taps)):
            x, y = np.asarray(poly, float).mean(0) * s
            out.append(_text(cls, str(w), float(x), float(y)))
    if lay.note is not None and f.bias_only:
        text, x, y = lay.note
        out.append(_text("cv-note", text, x * s, y * s))
    return out
