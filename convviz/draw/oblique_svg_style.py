"""The oblique SVG picture's numbers, CSS and text (:mod:`convviz.draw.oblique_svg`).

- :func:`num`, the one number format;
- :func:`svg_style` and :func:`animation_style`, the CSS (see
  :mod:`convviz.draw.oblique_svg` for what it holds);
- the text themes' text: every piece of text is one ``<text>`` element, one a
  line, placed where the raster places it (:mod:`convviz.draw.oblique_layout`,
  coordinates × scale):

  - plane labels: ``<text class="cv-lab" x y text-anchor dy
    [transform="rotate(-angle x y)"]>`` — matplotlib's ``ha`` left/center/right
    becomes ``text-anchor`` start/middle/end; its ``va`` puts the box of a line
    (from the top of "l" to the bottom of "p": 0.76 em above the baseline to
    0.208 em below it in DejaVu Sans) with its bottom/centre/top at y, so the
    baseline is ``dy`` = −0.21/0.28/0.76 em from y; the rotation
    (counter-clockwise, about the anchor) is a ``rotate`` of minus that angle;
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

import math
from typing import TYPE_CHECKING, Any

from convviz.draw.oblique_layout import PT
from convviz.look.themes import Theme, check_scale, get_theme

if TYPE_CHECKING:
    from convviz.draw.oblique_svg import ObliqueSvg

__all__ = ["COLOUR_VARS", "FONT_STACK", "animation_style", "frame_text", "num", "static_text",
           "svg_style", "text_style"]

#: the custom property of every colour field of a Theme
COLOUR_VARS: tuple[tuple[str, str], ...] = (
    ("bg", "background"), ("in", "input_fill"), ("out", "output_fill"),
    ("pad", "padding_fill"), ("zero", "zero_fill"), ("opad", "output_padding_fill"),
    ("stroke", "stroke"), ("shadow", "shadow"), ("line", "line"), ("text", "text"),
    ("muted", "muted"),
)
#: fonts for the text themes' ``<text>``: the raster's font first, CJK fallbacks after
FONT_STACK = ('"DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
              '"PingFang SC", "Microsoft YaHei", sans-serif')


def num(value: float) -> str:
    """``value`` with at most 2 decimals: floor(value·100 + 0.5) / 100, trailing zeros
    stripped, never "-0" (the one number format of the SVG: :mod:`convviz.draw.oblique_svg`).

    >>> num(1.0), num(2.5), num(-0.004), num(3.14159), num(-1.236)
    ('1', '2.5', '0', '3.14', '-1.24')
    """
    return _fixed(value, 2)


def _fixed(value: float, digits: int) -> str:
    k = math.floor(float(value) * 10**digits + 0.5)
    if k == 0:
        return "0"
    sign = "-" if k < 0 else ""
    whole, frac = divmod(abs(k), 10**digits)
    text = f"{frac:0{digits}d}".rstrip("0")
    return f"{sign}{whole}.{text}" if text else f"{sign}{whole}"


def _escape(text: str) -> str:
    """XML text and attribute escaping: & < > and "."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _seconds(ms: int) -> str:
    return _fixed(ms / 1000, 3) + "s"


# -----------------------------------------------------------------------------------
# CSS
# -----------------------------------------------------------------------------------
def _vars(theme: Theme) -> str:
    parts = [f"--cv-{name}:{getattr(theme, field)}" for name, field in COLOUR_VARS]
    parts.append(f"--cv-shadow-a:{num(theme.shadow_alpha)}")
    fills = theme.channel_fills
    parts += [f"--cv-c{j}:{fills[j % len(fills)]}" for j in range(4)]
    return ";".join(parts)


def svg_style(theme: str | Theme = "classic", dark: str | Theme | None = None, *,
              scale: float = 1.0) -> str:
    """The CSS of the oblique SVG pictures in ``theme`` at ``scale``: colours as custom
    properties (``dark``: their values under ``prefers-color-scheme: dark``), every
    drawn kind's paint and stroke, the frame rules (hidden, poster under reduced
    motion, ``cv-hold``/``cv-on``). One block serves every picture of that theme and
    scale, so a page inlining many pictures can hold it once."""
    th = get_theme(theme)
    s = check_scale(scale)
    sw = num(th.stroke_width * PT * s)
    lw = num(th.line_width * PT * s)
    dash = ",".join(num(d * PT * s) for d in th.dash)
    rules = [
        f".cv{{{_vars(th)}}}",
    ]
    if dark is not None:
        rules.append(f"@media (prefers-color-scheme: dark){{.cv{{{_vars(get_theme(dark))}}}}}")
    outline = f"stroke:var(--cv-stroke);stroke-width:{sw};stroke-linejoin:miter"
    rules += [
        ".cv path{fill:none;stroke:none}",
        ".cv .cv-bg{fill:var(--cv-bg)}",
        ".cv .cv-pad{fill:var(--cv-pad)}",
        ".cv .cv-zero{fill:var(--cv-zero)}",
        ".cv .cv-opad{fill:var(--cv-opad)}",
        (f".cv .cv-dash{{stroke:var(--cv-stroke);stroke-width:{sw};stroke-dasharray:{dash};"
         "stroke-linecap:butt;stroke-linejoin:round}"),
        f".cv .cv-in{{fill:var(--cv-in);{outline}}}",
        f".cv .cv-out{{fill:var(--cv-out);{outline}}}",
        *(f".cv .cv-c{j}{{fill:var(--cv-c{j});{outline}}}" for j in range(4)),
        f".cv .cv-mu{{fill:var(--cv-muted);{outline}}}",
        ".cv .cv-sh{fill:var(--cv-shadow);fill-opacity:var(--cv-shadow-a)}",
        (f".cv .cv-ext{{stroke:var(--cv-stroke);stroke-width:{sw};stroke-linecap:square;"
         "stroke-linejoin:round}"),
        (f".cv .cv-ln{{stroke:var(--cv-line);stroke-width:{lw};stroke-linecap:butt;"
         "stroke-linejoin:round}"),
        f".cv .cv-hi{{fill:var(--cv-shadow);fill-opacity:var(--cv-shadow-a);{outline}}}",
        ".cv .cv-f{visibility:hidden}",
        ".cv .cv-f.cv-p{visibility:visible}",
        ".cv.cv-hold .cv-f{animation:none;visibility:hidden}",
        ".cv.cv-hold .cv-f.cv-on{visibility:visible}",
    ]
    if th.show_labels or th.show_caption:
        rules.append(f".cv text{{fill:var(--cv-text);font-family:{FONT_STACK}}}")
        rules.append(text_style(th.font_size, s))
    return "".join(rules)


def animation_style(frame_count: int, duration_ms: int) -> str:
    """The CSS that plays ``frame_count`` frames of ``duration_ms`` each, for the
    pictures whose root has class ``cv-k{frame_count}-{duration_ms}``; the rules
    depend on those two numbers only (empty for one frame)."""
    n, d = int(frame_count), int(duration_ms)
    if n <= 1:
        return ""
    name = f"cv-k{n}-{d}"
    rules = [
        (f"@keyframes {name}{{0%{{visibility:visible}}{_fixed(100 / n, 4)}%"
         "{visibility:hidden}100%{visibility:hidden}}"),
        f".{name} .cv-f{{animation:{name} {n * d}ms step-end infinite}}",
    ]
    # (negative delays: every frame's animation runs from the start, mid-cycle)
    rules += [f'.{name} .cv-f[data-frame="{k}"]{{animation-delay:{(k - n) * d}ms}}'
              for k in range(1, n)]
    return "@media (prefers-reduced-motion: no-preference){" + "".join(rules) + "}"


#: points: the weight-tap indices written in the window's cells (as the raster)
TAP_FONT_PT = 6.0
_ANCHOR = {"left": "start", "center": "middle", "right": "end"}
#: em: the top of "l" above the baseline and the bottom of "p" below it (DejaVu Sans),
#: the line box matplotlib aligns with ``va``
ASCENT, DESCENT = 0.76, 0.208
#: em from the anchor down to the baseline, per ``va``
_BASELINE = {"bottom": -DESCENT, "center": (ASCENT - DESCENT) / 2, "top": ASCENT,
             "baseline": 0.0}


def text_style(font_size_pt: float, scale: float) -> str:
    """The CSS of the text classes (sizes in px at ``scale``)."""
    base = num(font_size_pt * PT * scale)
    tap = num(min(font_size_pt, TAP_FONT_PT) * PT * scale)
    tap2 = num(min(font_size_pt, TAP_FONT_PT * 0.8) * PT * scale)
    return (f".cv .cv-lab,.cv .cv-cap,.cv .cv-note{{font-size:{base}px}}"
            f".cv .cv-b{{font-weight:bold}}"
            f".cv .cv-tap{{font-size:{tap}px}}.cv .cv-tap2{{font-size:{tap2}px}}")


def _text(cls: str, text: str, x: float, y: float, ha: str = "center", va: str = "center",
          rot: float = 0.0) -> str:
    xs, ys = num(x), num(y)
    attrs = (f'class="{cls}" x="{xs}" y="{ys}" text-anchor="{_ANCHOR[ha]}" '
             f'dy="{num(_BASELINE[va])}em"')
    if rot:
        attrs += f' transform="rotate({num(-rot)} {xs} {ys})"'
    return f"<text {attrs}>{_escape(text)}</text>"


def static_text(svg: ObliqueSvg) -> list[str]:
    """The labels and caption lines of the static picture."""
    lay, s = svg.layout, svg.scale
    out = [_text("cv-lab", text, x * s, y * s, ha, va, rot)
           for text, x, y, rot, ha, va in lay.labels]
    for text, x, y, bold in svg.caption_lines():
        cls = "cv-cap cv-b" if bold else "cv-cap"
        out.append(_text(cls, text, x * s, y * s))
    return out


def frame_text(svg: ObliqueSvg, n: int, shadow: Any) -> list[str]:
    """Frame ``n``'s weight-tap indices (one per shadow cell) and bias-only note."""
    s = svg.scale
    out: list[str] = []
    marks = svg.tap_marks(n, shadow)
    if marks:
        cls = "cv-tap" if int(svg.scene.frames[n].weight_index.max()) < 10 else "cv-tap2"
        out.extend(_text(cls, str(w), float(x * s), float(y * s)) for w, x, y in marks)
    note = svg.note(n)
    if note is not None:
        text, x, y = note
        out.append(_text("cv-note", text, x * s, y * s))
    return out
