"""The gallery's SVG pictures, made themable and compact for the page.

:func:`themed_svg` takes an SVG written by :func:`convviz.encode.vector.svg_bytes`
(matplotlib's replay: text as text, every colour a literal) and returns the same
picture in which

- every literal colour is a CSS custom property (``--k0``, ``--k1`` …) whose light
  value is the colour drawn and whose dark value, under
  ``@media (prefers-color-scheme: dark)``, is the same colour mapped into the dark
  theme by :func:`convviz.site.recolour.to_dark` (the one colour mapping of the
  gallery, blends included); Chromium applies that media query inside an SVG shown
  by ``<img>`` from the page's scheme;
- under ``@media (prefers-reduced-motion: reduce)`` only the poster frame is shown
  (the frame groups' SMIL timing is overridden with ``!important``);
- the text is drawn in a font stack that has CJK glyphs, so the Chinese labels render;
- the repeated ``style`` attributes become classes, path data loses its line breaks,
  matplotlib's metadata, unreferenced ids and clip paths that clip nothing are dropped
  (the same picture in a fraction of the bytes).

:func:`themed_frames` makes the same bytes from the pieces of an animation
(:func:`convviz.encode.vector.svg_frames`): each distinct piece made themable once, the
frames shared without their text ever being joined.

The root ``<svg>`` keeps ``width``/``height`` in CSS pixels (:func:`svg_size`) and
gains ``data-text-px``: the smallest font size of its text (:func:`svg_text_px`), so
the page can give it a display width at which no text is smaller than
:data:`MIN_TEXT_PX` (:func:`min_display_width`).

Same input, same bytes.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["MIN_TEXT_PX", "min_display_width", "poster_svg", "svg_size", "svg_text_px",
           "themed_frames", "themed_svg"]

#: the smallest text a picture may show, in CSS pixels
MIN_TEXT_PX = 10.0
#: the page's font stack, with CJK fonts (the pictures' labels may be Chinese)
FONT_STACK = ("'DejaVu Sans', 'Noto Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', "
              "'PingFang SC', 'Microsoft YaHei', sans-serif")

_COLOUR = re.compile(r"#([0-9a-fA-F]{6})\b")
_STYLE = re.compile(r' style="([^"]*)"')
_FONT_SIZE = re.compile(r"font-size: ?([\d.]+)px")
_ROOT = re.compile(r"<svg\b[^>]*>")
_NUMBER = re.compile(r"-?\d+\.\d{3,}")


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(v):02x}" for v in rgb)


def _dark_values(colours: list[str]) -> list[str]:
    from convviz.site.recolour import to_dark

    if not colours:
        return []
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colours], dtype=np.uint8)
    return [_hex(v) for v in to_dark(rgb)]


def _round(match: re.Match[str]) -> str:
    """A coordinate to two decimals (a hundredth of a CSS pixel), no trailing zeros."""
    value = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if value == "-0" else value


_COMMAND = re.compile(r"\s*([MLCQZzHVAS])\s*")


def _compact_path(match: re.Match[str]) -> str:
    d = _NUMBER.sub(_round, match.group(1))
    d = _COMMAND.sub(lambda m: m.group(1), d)
    return f' d="{" ".join(d.split())}"'


def _compact_transform(match: re.Match[str]) -> str:
    return f' transform="{_NUMBER.sub(_round, match.group(1))}"'


def _memo(compact: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
    """``compact`` computed once per distinct match."""
    done: dict[str, str] = {}

    def once(match: re.Match[str]) -> str:
        key = match.group(1)
        found = done.get(key)
        if found is None:
            found = done[key] = compact(match)
        return found

    return once


def _full_clips(text: str, root: str) -> list[re.Match[str]]:
    """The clip paths that hold the whole picture (matplotlib's axes clip): a rectangle
    reaching past every edge by less than a hundredth of a pixel. ``root``: the root tag."""
    size = re.search(r'width="([\d.]+)px" height="([\d.]+)px"', root)
    if size is None:
        return []
    w, h = (float(v) for v in size.groups())
    rect = re.compile(r'<clipPath id="([^"]+)">\s*<rect x="([-\d.]+)" y="([-\d.]+)" '
                      r'width="([\d.]+)" height="([\d.]+)"/>\s*</clipPath>')

    def covers(m: re.Match[str]) -> bool:
        x, y, cw, ch = (float(v) for v in m.groups()[1:])
        return x <= 0.01 and y <= 0.01 and x + cw >= w - 0.01 and y + ch >= h - 0.01

    return [m for m in rect.finditer(text) if covers(m)]


def _local(text: str, clips: list[re.Match[str]], compact: tuple[Callable[..., str], ...]
           ) -> str:
    """What changes in a piece of the document by itself: the uses of whole-picture clips
    and those clips removed, path data and transforms compacted (``compact``: their
    :func:`_memo`-ised compactors), the CJK font stack."""
    for m in clips:
        text = text.replace(f' clip-path="url(#{m.group(1)})"', "")
    for m in clips:
        text = text.replace(m.group(0), "")
    text = re.sub(r' d="([^"]*)"', compact[0], text)  # (frames repeat paths)
    text = re.sub(r' transform="([^"]*)"', compact[1], text)
    return text.replace("'DejaVu Sans', sans-serif", FONT_STACK)


def _references(text: str) -> set[str]:
    """The ids ``text`` refers to."""
    return set(re.findall(r"url\(#([^)]+)\)", text)) | set(re.findall(r'href="#([^"]+)"', text))


def _plain(text: str, used: set[str]) -> str:
    """Ids nobody refers to (matplotlib names every group) removed, no whitespace between
    tags, groups that change nothing drawn removed."""
    text = re.sub(r' id="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", text)
    return _flatten_groups(re.sub(r">\s+<", "><", text))


_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^>]*?)(/?)>")
_FRAME = re.compile(r'<g class="f( p)?" display="(?:inline|none)">')


def _flatten_groups(text: str) -> str:
    """Remove every ``<g>`` without attributes (a grouping that changes nothing drawn)."""
    out: list[str] = []
    stack: list[bool] = []
    pos = 0
    for m in _TAG.finditer(text):
        closing, name, attrs, empty = m.groups()
        if name != "g" or empty:
            continue
        if closing:
            plain = stack.pop()
        else:
            plain = attrs.strip() == ""
            stack.append(plain)
        if plain:
            out.append(text[pos:m.start()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _children(text: str, start: int) -> tuple[list[str], int]:
    """The top-level elements of the element whose content begins at ``start``, and the
    position of its closing tag."""
    chunks: list[str] = []
    depth, begin = 0, start
    for m in _TAG.finditer(text, start):
        closing, _, _, empty = m.groups()
        if closing:
            if depth == 0:
                return chunks, m.start()
            depth -= 1
            if depth == 0:
                chunks.append(text[begin:m.end()])
        elif empty:
            if depth == 0:
                chunks.append(text[m.start():m.end()])
        else:
            if depth == 0:
                begin = m.start()
            depth += 1
    raise ValueError("unclosed element in the SVG")


def _merge(frames: list[list[str]]) -> tuple[list[str], list[frozenset[int]]]:
    """One sequence of which every frame's sequence of elements is a subsequence (aligned
    on their longest matching blocks), and the frames each of its elements is in."""
    merged: list[str] = []
    present: list[frozenset[int]] = []
    for n, seq in enumerate(frames):
        match = difflib.SequenceMatcher(None, merged, seq, autojunk=False)
        out: list[str] = []
        where: list[frozenset[int]] = []
        for tag, i1, i2, j1, j2 in match.get_opcodes():
            if tag == "equal":
                out += merged[i1:i2]
                where += [p | {n} for p in present[i1:i2]]
            else:  # the merged ones not in this frame, then this frame's own
                out += merged[i1:i2] + seq[j1:j2]
                where += present[i1:i2] + [frozenset({n})] * (j2 - j1)
        merged, present = out, where
    return merged, present


def _display(frames: frozenset[int], count: int, timing: str) -> str:
    """A discrete SMIL animation showing its group in ``frames`` (of ``count``)."""
    values: list[str] = []
    times: list[str] = []
    for n in range(count):
        value = "inline" if n in frames else "none"
        if not values or value != values[-1]:
            values.append(value)
            times.append(f"{n / count:.6g}")
    return (f'<animate attributeName="display" values="{";".join(values)}" '
            f'keyTimes="{";".join(times)}" calcMode="discrete" {timing} '
            'repeatCount="indefinite"/>')


def _share_frames(text: str) -> str:
    """The frames of a document (groups ``<g class="f">``, each an ``<animate>`` then its
    elements) as :func:`_shared` puts them; the text unchanged if it has no such frames."""
    frames = []
    pos = 0
    while (m := _FRAME.search(text, pos)) is not None:
        chunks, end = _children(text, m.end())
        frames.append((m.start(), m.group(1) is not None, chunks, end + len("</g>")))
        pos = end
    if len(frames) < 2 or any(not f[2] or not f[2][0].startswith("<animate") for f in frames):
        return text
    timing = re.search(r'dur="[^"]*"(?= begin="0s" repeatCount="indefinite")',
                       frames[0][2][0])
    poster = [n for n, f in enumerate(frames) if f[1]]
    if timing is None or len(poster) != 1:
        return text
    return (text[:frames[0][0]] + _shared([f[2][1:] for f in frames], poster[0],
                                          timing.group(0))
            + text[frames[-1][3]:])


def _shared(frames: list[list[str]], poster: int, timing: str) -> str:
    """Every element the frames draw, once: an element every frame draws is drawn
    always, one drawn in some frames is shown by a SMIL animation in exactly those.
    The painting order of every frame is kept (each frame's elements are a
    subsequence of the one sequence); the groups showing the poster frame's elements
    are marked ``p`` for reduced motion. ``timing``: the loop's ``dur`` attribute."""
    count = len(frames)
    merged, present = _merge(frames)
    everywhere = frozenset(range(count))
    parts: list[str] = []
    run: list[str] = []
    run_in: frozenset[int] = everywhere

    def flush() -> None:
        if not run:
            return
        if run_in == everywhere:
            parts.extend(run)
        else:
            shown = poster in run_in
            parts.append(f'<g class="f{" p" if shown else ""}" '
                         f'display="{"inline" if shown else "none"}">'
                         + _display(run_in, count, timing) + "".join(run) + "</g>")
        run.clear()

    for chunk, where in zip(merged, present):
        if where != run_in:
            flush()
            run_in = where
        run.append(chunk)
    flush()
    return "".join(parts)


def _prolog(text: str) -> str:
    """The document without its XML declaration, doctype and metadata."""
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)


def _compactors() -> tuple[Callable[..., str], ...]:
    return _memo(_compact_path), _memo(_compact_transform)


def themed_svg(data: bytes) -> bytes:
    """The SVG ``data`` with CSS-variable colours (light and dark), compact (module doc)."""
    text = _prolog(data.decode("utf-8"))
    root = _ROOT.search(text)
    if root is None:
        raise ValueError("not an SVG document")
    text = _local(text, _full_clips(text, root.group(0)), _compactors())
    text = _plain(text, _references(text))
    # frames: a class to find them by, the poster marked (for reduced motion)
    text = re.sub(r'<g display="(inline|none)">(<animate )',
                  lambda m: f'<g class="f{" p" if m.group(1) == "inline" else ""}" '
                            f'display="{m.group(1)}">{m.group(2)}', text)
    return _finish(_share_frames(text))


def themed_frames(parts: Any) -> bytes:
    """:func:`themed_svg` of the document :class:`convviz.encode.vector.SvgFrames` ``parts``
    stand for (the same bytes), made from its pieces: each distinct piece made themable
    once, the frames shared without their text ever being joined."""
    head = _prolog(parts.head)
    root = _ROOT.search(head)
    if root is None:
        raise ValueError("not an SVG document")
    clips = _full_clips(head + parts.tail, root.group(0))
    compact = _compactors()
    local: dict[str, str] = {}
    for frame in parts.frames:
        for piece in frame:
            if piece not in local:
                local[piece] = _local(piece, clips, compact)
    head, tail = _local(head, clips, compact), _local(parts.tail, clips, compact)
    used = _references(head) | _references(tail)
    for text in local.values():
        used |= _references(text)
    elements = {piece: _children(_plain(text, used).strip() + "</g>", 0)[0]
                for piece, text in local.items()}
    frames = [[e for piece in frame for e in elements[piece]] for frame in parts.frames]
    body = _shared(frames, parts.poster, parts.timing)
    return _finish(_plain(head, used).rstrip() + body + _plain(tail, used).lstrip())


def _finish(text: str) -> bytes:
    """Colours as custom properties (light, and dark under the media query), repeated
    styles as classes, the smallest font size noted on the root."""
    sizes = [float(v) for v in _FONT_SIZE.findall(text)]
    # colours -> custom properties, in order of first use
    colours: dict[str, str] = {}
    for found in _COLOUR.findall(text):
        colours.setdefault("#" + found.lower(), f"--k{len(colours)}")
    text = _COLOUR.sub(lambda m: f"var({colours['#' + m.group(1).lower()]})", text)
    # repeated style attributes -> classes
    classes: dict[str, str] = {}

    def to_class(m: re.Match[str]) -> str:
        name = classes.setdefault(m.group(1), f"s{len(classes)}")
        return f' class="{name}"'

    text = _STYLE.sub(to_class, text)
    text = re.sub(r'class="f( p)?" ([^>]*?)class="(s\d+)"', r'class="f\1 \3" \2', text)
    text = re.sub(r">\s+<", "><", text)
    light = ";".join(f"{var}:{c}" for c, var in colours.items())
    dark = ";".join(f"{var}:{d}" for (c, var), d in zip(colours.items(),
                                                        _dark_values(list(colours))))
    rules = "".join(f".{name}{{{style.replace(': ', ':').replace('; ', ';')}}}"
                    for style, name in classes.items())
    css = (f":root{{{light}}}@media (prefers-color-scheme: dark){{:root{{{dark}}}}}"
           "@media (prefers-reduced-motion: reduce){.f{display:none!important}"
           ".f.p{display:inline!important}}" + rules)
    root = _ROOT.search(text)
    assert root is not None
    tag = root.group(0)
    extra = f' data-text-px="{min(sizes):g}"' if sizes else ""
    new_tag = tag[:-1].replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    if "xlink:" in text:
        new_tag += ' xmlns:xlink="http://www.w3.org/1999/xlink"'
    new_tag += extra + ">"
    text = text[:root.start()] + new_tag + f"<style>{css}</style>" + text[root.end():]
    text = text.replace("<defs><style type=\"text/css\">*{stroke-linejoin: round; "
                        "stroke-linecap: butt}</style></defs>",
                        "<style>*{stroke-linejoin:round;stroke-linecap:butt}</style>")
    text = text.replace("<defs></defs>", "")
    return (text.strip() + "\n").encode("utf-8")


def poster_svg(data: bytes) -> bytes:
    """The still of an animated :func:`themed_svg`: its poster frame, what it shows under
    reduced motion (the groups of other frames left out, no animation)."""
    text = data.decode("utf-8")
    frame = re.compile(r'<g class="f( p)?" display="(?:inline|none)">')
    parts: list[str] = []
    pos = 0
    while (m := frame.search(text, pos)) is not None:
        chunks, end = _children(text, m.end())
        parts.append(text[pos:m.start()])
        if m.group(1):  # the poster's: kept, shown, not animated
            parts.append('<g class="f p" display="inline">'
                         + "".join(c for c in chunks if not c.startswith("<animate")) + "</g>")
        pos = end + len("</g>")
    parts.append(text[pos:])
    return "".join(parts).encode("utf-8")


def svg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS pixels from the root ``<svg>`` of ``data``; None if none."""
    head = data[:4096].decode("utf-8", errors="replace")
    root = _ROOT.search(head)
    if root is None:
        return None
    size = re.search(r'\swidth="([\d.]+)(?:px)?" height="([\d.]+)(?:px)?"', root.group(0))
    if size is None:
        return None
    width, height = (math.ceil(float(v)) for v in size.groups())
    if not (1 <= width < 1 << 31 and 1 <= height < 1 << 31):
        return None
    return width, height


def svg_text_px(data: bytes) -> float | None:
    """The smallest font size (CSS px at the picture's own size) recorded in ``data``."""
    head = data[:4096].decode("utf-8", errors="replace")
    root = _ROOT.search(head)
    found = re.search(r'data-text-px="([\d.]+)"', root.group(0)) if root else None
    return float(found.group(1)) if found else None


def min_display_width(width: int, text_px: float | None) -> int:
    """The narrowest display width of a picture ``width`` wide whose smallest text is
    ``text_px`` at its own size, at which that text is still :data:`MIN_TEXT_PX`."""
    if not text_px:
        return 0
    return math.ceil(width * MIN_TEXT_PX / text_px)
