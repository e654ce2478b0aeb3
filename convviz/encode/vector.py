"""Vector files: SVG (a still, or an animation looping as the GIF does) and PDF (a page a frame).

Shapes are paths, text is text (SVG ``<text>``, PDF with the font embedded),
one unit is one pixel of the raster frame.

- ``.svg`` of the oblique picture (:class:`~convviz.draw.oblique.ConvRenderer`,
  or an animation drawing one): written directly from its layout by
  :mod:`convviz.draw.oblique_svg` (colours as CSS custom properties, frames
  played by CSS keyframes, the poster frame under reduced motion). Other
  sources replay their drawing calls (:mod:`convviz.draw.vector`):
- ``.svg`` with ``frame=N``: frame ``N``. Without: every frame as a group
  ``<g id="frameN">`` shown in turn by a SMIL ``<animate>`` of its ``display``
  (looping forever, ``duration_ms`` per frame, as the GIF); a viewer without
  SMIL shows the poster frame. ``<title>`` and ``<desc>`` hold the caption.
- ``.pdf``: one page per frame (for LaTeX's ``animate`` package:
  ``\\animategraphics[loop,autoplay]{fps}{file}{}{}``), or only page ``frame``.

Same input, same bytes: ids are salted with a constant and no date is written.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any

from convviz.encode.atomic import write_bytes
from convviz.errors import SpecError

__all__ = ["SvgFrames", "oblique_svg", "pdf_bytes", "save_pdf", "save_svg", "svg_bytes",
           "svg_frames"]


def _inner(source: Any) -> Any:
    """The drawing frame source behind a writer's source (an Animation's stream holds one)."""
    inner = getattr(source, "source", source)
    from convviz.draw.vector import supports_vector

    if not supports_vector(inner):
        raise SpecError(f"{type(inner).__name__} cannot be drawn as vectors; use .gif or .png")
    return inner


def _frames(source: Any, frame: int | None) -> list[int]:
    count = int(source.frame_count)
    if frame is None:
        return list(range(count))
    if isinstance(frame, bool) or not isinstance(frame, int):
        raise SpecError(f"frame must be a frame number or None, got {frame!r}")
    if not -count <= frame < count:
        raise SpecError(f"frame={frame} is not a frame of this animation (0 … {count - 1})")
    return [frame % count]


def _document(source: Any, frame: int | None) -> tuple[Any, list[int], int, int, str]:
    """(drawing source, frame numbers, width, height, caption) of a vector document."""
    inner = _inner(source)
    width, height = (int(v) for v in inner.size)
    caption = str(getattr(inner, "caption", "") or "convviz animation")
    return inner, _frames(inner, frame), width, height, caption


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.3f}".rstrip("0").rstrip(".") + "s"


def _is_oblique(source: Any) -> bool:
    from convviz.draw.oblique import ConvRenderer

    return isinstance(source, ConvRenderer)


def oblique_svg(renderer: Any, *, duration_ms: float, frame: int | None,
                dark: Any = None) -> bytes:
    """The oblique picture's own SVG (:mod:`convviz.draw.oblique_svg`), in the renderer's
    theme and scale, with its poster frame; ``dark``: a theme whose colours apply under
    ``prefers-color-scheme: dark`` (the gallery's), or None."""
    from convviz.draw.oblique_svg import ObliqueSvg
    from convviz.frames import poster_frame

    svg = ObliqueSvg(renderer.scene, renderer.theme, renderer.scale)
    svg.poster_frame = poster_frame(renderer)
    return svg.document(dark=dark, duration_ms=duration_ms, frame=frame).encode("utf-8")


@dataclasses.dataclass
class SvgFrames:
    """An animated SVG of a figure source in parts, for :func:`convviz.site.themed.themed_frames`:
    what :func:`svg_bytes` writes, without the frames' groups around their drawing.

    ``head``: the document up to the frames (the root, title, description, matplotlib's
    header and the static picture every frame shares); ``frames``: each frame's drawing as
    pieces of matplotlib's SVG text (a flat renderer's artists one piece each, the same
    string object wherever an artist looks as it did before; any other frame one piece);
    ``tail``: the rest (the clip paths' definitions, the closing tag). Put in
    :func:`svg_bytes`'s frame groups, they are its document but for whitespace and the
    numbers in matplotlib's ``id`` attributes of groups.
    """

    head: str
    frames: list[list[str]]
    tail: str
    poster: int
    duration_ms: float

    @property
    def timing(self) -> str:
        """The frame groups' SMIL duration attribute (the whole loop)."""
        return f'dur="{_seconds(self.duration_ms * len(self.frames))}"'


def _open_svg(inner: Any, width: int, height: int, caption: str, what: str, out: Any) -> Any:
    """An SVG renderer writing to ``out`` in the source's pixels, its title and description
    written (call inside ``matplotlib.rc_context(VECTOR_RC)``)."""
    from convviz.draw.vector import source_dpi, vector_renderer_class

    renderer = vector_renderer_class("svg")(width, height, out, image_dpi=72,
                                            metadata={"Date": None})
    renderer.px_dpi = source_dpi(inner)
    renderer.text_out = out
    renderer.writer.element("title", caption)
    renderer.writer.element("desc", f"{caption} ({what})")
    return renderer


def _tidy(text: str) -> str:
    """The title and description first, where assistive technology looks for them; sizes
    in CSS pixels (one unit is one pixel of the raster frame), not points."""
    described = re.search(r"\s*<title>.*?</desc>", text, flags=re.DOTALL)
    if described is not None:
        text = text[:described.start()] + text[described.end():]
        opening = text.index(">", text.index("<svg")) + 1
        text = text[:opening] + described.group(0) + text[opening:]
    return re.sub(r'<svg([^>]*?)width="([\d.]+)pt" height="([\d.]+)pt"',
                  r'<svg\1width="\2px" height="\3px" xml:space="preserve"', text, count=1)


def svg_bytes(source: Any, *, duration_ms: float = 1000.0, frame: int | None = None,
              rasters: dict[int, Any] | None = None) -> bytes:
    """The SVG document of ``source`` (a frame source): one frame, or all of them animated.

    ``rasters``: if given, filled with frame number -> the raster frame (an (H, W, 3)
    uint8 array, the source's own ``frame(n)``) that a figure-based source draws on the
    way to its vectors, so a GIF of the same frames need not draw them again.
    """
    inner, frames, width, height, caption = _document(source, frame)
    if _is_oblique(inner):
        return oblique_svg(inner, duration_ms=duration_ms, frame=frame)
    import matplotlib

    from convviz.draw.vector import VECTOR_RC, draw_frame, draw_static

    out = io.StringIO()
    count = len(frames)
    with matplotlib.rc_context(VECTOR_RC):
        renderer = _open_svg(inner, width, height, caption, _what(inner, frames, frame,
                                                                  duration_ms), out)
        state = draw_static(inner, renderer)
        if frame is not None:
            _keep(rasters, frames[0], draw_frame(inner, renderer, frames[0], state))
        else:
            poster = int(getattr(inner, "poster_frame", 0))
            total = _seconds(duration_ms * count)
            for n in frames:
                renderer.writer.start("g", id=f"frame{n}",
                                      display="inline" if n == poster else "none")
                if count > 1:
                    renderer.writer.element("animate", **_smil(n, count, total))
                _keep(rasters, n, draw_frame(inner, renderer, n, state))
                renderer.writer.end("g")
        renderer.finalize()
    return _tidy(out.getvalue()).encode("utf-8")


def svg_frames(source: Any, *, duration_ms: float,
               rasters: dict[int, Any] | None = None) -> SvgFrames | None:
    """The animated SVG of a figure source in parts (:class:`SvgFrames`); None for a source
    drawn another way (the oblique picture) or of one frame. ``rasters`` as for
    :func:`svg_bytes`.

    A flat renderer's artist in a look it had before is not drawn again: the piece it
    wrote is used again (the same string object).
    """
    inner, frames, width, height, caption = _document(source, None)
    if _is_oblique(inner) or len(frames) < 2:
        return None
    import matplotlib

    from convviz.draw.vector import VECTOR_RC, draw_static, frame_pieces

    out = io.StringIO()
    with matplotlib.rc_context(VECTOR_RC):
        renderer = _open_svg(inner, width, height, caption,
                             _what(inner, frames, None, duration_ms), out)
        state = draw_static(inner, renderer)
        head = out.getvalue()
        drawn: dict[Any, Any] = {}
        pieces = []
        for n in frames:
            raster, frame_pieces_n = frame_pieces(inner, renderer, n, state, out, drawn)
            _keep(rasters, n, raster)
            pieces.append(frame_pieces_n)
        start = out.tell()
        renderer.finalize()
        tail = out.getvalue()[start:]
    return SvgFrames(_tidy(head), pieces, tail, int(getattr(inner, "poster_frame", 0)),
                     duration_ms)


def _what(inner: Any, frames: list[int], frame: int | None, duration_ms: float) -> str:
    """The description's account of the frames."""
    if frame is not None:
        return f"frame {frames[0]} of {inner.frame_count}"
    return f"{len(frames)} frames, {_seconds(duration_ms)} each, looping"


def _keep(rasters: dict[int, Any] | None, n: int, raster: Any) -> None:
    if rasters is not None and raster is not None:
        import numpy as np

        rasters[n] = np.array(raster, dtype=np.uint8, copy=True)  # (the source may reuse it)


def _smil(n: int, count: int, total: str) -> dict[str, str]:
    """A discrete ``display`` animation showing frame ``n`` of ``count`` in its turn."""
    start, end = n / count, (n + 1) / count
    if n == 0:
        values, times = "inline;none", f"0;{end:.6g}"
    elif n == count - 1:
        values, times = "none;inline", f"0;{start:.6g}"
    else:
        values, times = "none;inline;none", f"0;{start:.6g};{end:.6g}"
    return {"attributeName": "display", "values": values, "keyTimes": times,
            "calcMode": "discrete", "dur": total, "begin": "0s", "repeatCount": "indefinite"}


def pdf_bytes(source: Any, *, frame: int | None = None) -> bytes:
    """A PDF of ``source``: one page per frame, or only page ``frame``."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfFile

    from convviz.draw.vector import (
        VECTOR_RC,
        draw_frame,
        draw_static,
        source_dpi,
        vector_renderer_class,
    )

    inner, frames, width, height, caption = _document(source, frame)
    out = io.BytesIO()
    with matplotlib.rc_context(VECTOR_RC):
        dpi = source_dpi(inner)
        pdf = PdfFile(out, metadata={"CreationDate": None, "ModDate": None, "Title": caption,
                                     "Creator": "convviz", "Producer": "convviz"})
        for n in frames:
            pdf.newPage(width / 72, height / 72)  # (in inches)
            renderer = vector_renderer_class("pdf")(pdf, 72, height / 72, width / 72)
            renderer.px_dpi = dpi
            state = draw_static(inner, renderer)
            draw_frame(inner, renderer, n, state)
            renderer.finalize()
        pdf.finalize()
        pdf.close()
    return out.getvalue()


def save_svg(source: Any, path: Path, *, duration_ms: float, overwrite: bool,
             frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """Writer for ``.svg``: frame ``frame``, or the animation (see the module docstring)."""
    if sheet:
        raise SpecError(f"sheet=True writes a PNG; path {str(path)!r} does not end in .png")
    write_bytes(path, svg_bytes(source, duration_ms=duration_ms, frame=frame),
                overwrite=overwrite)


def save_pdf(source: Any, path: Path, *, duration_ms: float, overwrite: bool,
             frame: int | None = None, sheet: bool = False, columns: int | None = None) -> None:
    """Writer for ``.pdf``: a page per frame, or only page ``frame``."""
    if sheet:
        raise SpecError(f"sheet=True writes a PNG; path {str(path)!r} does not end in .png")
    write_bytes(path, pdf_bytes(source, frame=frame), overwrite=overwrite)
