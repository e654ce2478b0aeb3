"""The gallery's pictures: drawing one (in a worker process) and putting the oblique ones
in the page.

- :func:`render_picture` / :func:`render_draft`: the file of one
  :class:`~convviz.site.models.ImageJob` by its extension: ``.svg`` shown on the page
  (the oblique picture's own SVG from :mod:`convviz.draw.oblique_svg` with the dark
  theme's colours; any other picture matplotlib's SVG made themable by
  :mod:`convviz.site.themed`, its still the poster frame cut from it), ``.gif`` and
  ``.png`` the light-theme downloads.
- :func:`inline_pictures`: the oblique SVGs to put in the page, and the CSS they share.
- :class:`Pictures`: the pictures the cards of one page ask for, as jobs.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convviz.site.models import LIGHT_THEME, Image, ImageJob

__all__ = ["DARK_THEME", "WORKER_GC_THRESHOLD", "Pictures", "inline_pictures", "render_draft",
           "render_picture", "takes_lang", "warm", "with_text"]

@dataclass
class Pictures:
    """Registers the pictures cards ask for; answers None for those that cannot be made.

    A card shows SVGs (the animation, and its still for reduced motion) and links the
    light GIF and PNG as downloads. ``lang``: the page's language; ``takes_lang``:
    whether the renderer draws words in it (then a picture with words of its own is
    drawn per language, ``-zh``; without, both languages share it).
    """

    available: Callable[[str], bool]
    failed: frozenset[str]
    identities: Mapping[str, str]
    sizes: Mapping[str, tuple[int, ...]]
    root: str = ""  # prefix of picture URLs: the page's way back to the output folder
    lang: str = "en"
    takes_lang: bool = False
    inline: Mapping[str, str] = field(default_factory=dict)  # path -> SVG markup to inline
    jobs: dict[str, ImageJob] = field(default_factory=dict)

    def _job(self, source: str, still: bool, options: dict[str, Any], name: str, ext: str,
             optional: bool) -> str:
        path = f"img/{name}.{ext}"
        self.jobs[path] = ImageJob(path, source, tuple(sorted(options.items())),
                                   "representative" if still else None,
                                   self.identities.get(source, source), optional)
        return path

    def _options(self, source: str, numbers: bool, view: str, duration: float | None,
                 words: bool) -> tuple[dict[str, Any], str]:
        """animate() options and the file name of a picture."""
        name = source + ("-numbers" if numbers else "") + ("-scatter" if view == "scatter"
                                                            else "")
        options: dict[str, Any] = {"labels": False, "theme": LIGHT_THEME}
        if numbers:
            options["numbers"] = True
        if view != "gather":
            options["view"] = view
        if duration is not None:
            options["duration"] = duration
        if words:  # a diagram: the card's heading says its title line
            options["title"] = False
        if words and self.takes_lang and self.lang != "en":
            options["lang"] = self.lang
            name += f"-{self.lang}"
        return options, name

    def add(self, source: str, alt: str, *, still: bool = False, view: str = "gather",
            optional: bool = False, duration: float | None = None,
            words: bool = False) -> Image | None:
        """The SVG picture as a job; None if it cannot be made."""
        if not self.available(source):
            return None
        options, name = self._options(source, False, view, duration, words)
        path = self._job(source, still, options, name + ("-still" if still else ""), "svg",
                         optional)
        if path in self.failed:
            return None
        w, h, min_w = (*self.sizes.get(path, (0, 0)), 0)[:3]
        markup = self.inline.get(path, "")
        if markup:  # the page's words for screen readers (and the tooltip), not the caption
            markup = re.sub(r"<title>[^<]*</title>\n<desc>[^<]*</desc>",
                            lambda _: f"<title>{html.escape(alt)}</title>", markup, count=1)
        return Image(self.root + path, alt, w, h, min_w, markup)

    def download(self, source: str, *, still: bool = False, numbers: bool = False,
                 view: str = "gather", duration: float | None = None,
                 words: bool = False) -> str | None:
        """The URL of a light-theme GIF (or PNG still) to download; None if it cannot be."""
        if not self.available(source):
            return None
        options, name = self._options(source, numbers, view, duration, words)
        path = self._job(source, still, options, name, "png" if still else "gif", True)
        return None if path in self.failed else self.root + path


#: the dark theme an oblique SVG takes under prefers-color-scheme: dark
DARK_THEME = "dark"


def with_text(size: tuple[int, int], picture: bytes | Path) -> tuple[int, int, int]:
    """(width, height, narrowest display width for its text) of an SVG or raster picture."""
    from convviz.site.themed import min_display_width, svg_text_px

    if isinstance(picture, Path):
        if picture.suffix != ".svg":
            return (*size, 0)
        with picture.open("rb") as handle:
            picture = handle.read(4096)
    return (*size, min_display_width(size[0], svg_text_px(picture)))


#: the opening of an oblique SVG picture (convviz.draw.oblique_svg): it may be inlined
_OBLIQUE_HEAD = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="[\d. ]+" '
                           r'width="\d+" height="\d+" class="cv cv-[a-z0-9-]+" role="img" '
                           r"data-planes='[^'<>]*'>\n<title>[^<]*</title>\n<desc>[^<]*</desc>\n"
                           r"<style>([^<]*)</style>\n")
#: where an oblique SVG's CSS turns from the colours and paints to the frame timing
_TIMING = "@media (prefers-reduced-motion: no-preference){"


def inline_pictures(out: Path, paths: list[str]) -> tuple[dict[str, str], str]:
    """path -> markup (its style left out) of every oblique SVG among ``paths``, and the
    CSS they share, once: the colours and paints, then each frame timing used.

    Only a file that opens exactly as convviz.draw.oblique_svg writes it is inlined
    (its bytes are checked against the manifest's hash before this).
    """
    inline: dict[str, str] = {}
    paints: dict[str, None] = {}
    timings: dict[str, None] = {}
    for path in paths:
        try:
            text = (out / path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        head = _OBLIQUE_HEAD.match(text)
        if head is None or "<script" in text or "</svg>" not in text[-8:]:
            continue
        css = head.group(1)
        paint, _, timing = css.partition(_TIMING)
        paints[paint] = None
        if timing:
            timings[_TIMING + timing] = None
        inline[path] = text[:head.start(1) - len("<style>")] + text[head.end():]
    return inline, "".join(paints) + "".join(timings)


def takes_lang(custom_renderer: bool) -> bool:
    """Whether convviz.animate draws a picture's words in a language (``lang=``)."""
    if custom_renderer:
        return False
    try:
        import inspect

        from convviz.animation import animate
    except ImportError:
        return False
    return "lang" in inspect.signature(animate).parameters



@functools.lru_cache(maxsize=2)
def _animation(source: str, options: tuple[tuple[str, Any], ...]) -> Any:
    """The Animation of one picture group: its SVGs, GIF and PNG share the drawn frames."""
    from convviz.animation import animate

    return animate(source, **dict(options))


def _picture(job: ImageJob, draft: bool) -> bytes:
    """The file of one picture, by its extension.

    ``.svg``: the animation (or its representative frame) as an SVG whose colours
    follow the page's scheme: the oblique picture's own SVG
    (:mod:`convviz.draw.oblique_svg`, with the dark theme's colours), any other the
    matplotlib replay made themable (:mod:`convviz.site.themed`); ``.gif``: the
    animation, ``.png``: its representative frame, both in the light theme.
    ``draft``: an animation holds only the representative frame (but the oblique SVG,
    written without drawing anything, is whole).
    """
    anim = _animation(job.source, job.options)
    poster = int(anim.poster_frame)
    one = job.still is not None or draft
    if job.path.endswith(".svg") and _oblique(anim):
        one = job.still is not None  # (written directly, no drawing: whole even in a draft)
        from convviz.encode.vector import oblique_svg

        return oblique_svg(anim.source, dark=DARK_THEME, duration_ms=anim.duration_ms,
                           frame=poster if one else None)
    if job.path.endswith(".svg"):
        from convviz.site.themed import poster_svg

        if draft:
            return _themed(job.source, job.options, poster)
        # the still is the animation's poster frame: no second drawing
        animated = _themed(job.source, job.options, None)
        return poster_svg(animated) if job.still is not None else animated
    if job.path.endswith(".png"):
        from convviz.encode.png import write_png

        drawn = _DRAWN.get((job.source, job.options), {})
        data = write_png(drawn[poster] if poster in drawn else anim.frame(poster), None)
    elif one:
        from convviz.encode.gif import write_gif

        data = write_gif([anim.frame(poster)], None, anim.duration_ms)
    else:
        data = _gif(job, anim)
    assert data is not None
    return data


#: (source, options) -> the raster frames its animated SVG drew, for its GIF and PNG (or
#: the poster frame its indexed GIF drew, for its PNG); the latest group's only
_DRAWN: dict[tuple[str, Any], dict[int, Any]] = {}


def _gif(job: ImageJob, anim: Any) -> bytes:
    """The animated GIF, from the frames the group's SVG drew when it has them all (the
    same bytes as ``anim.to_gif_bytes()``, which draws them again); an indexed source's
    drawn as its indices, keeping the poster frame for the PNG."""
    from convviz.encode.gif import gif_from_indexed_source, write_gif

    source, key = anim.source, (job.source, job.options)
    if hasattr(source, "frame_indices") and hasattr(source, "frame_palette"):
        # drawn as palette indices (anim.to_gif_bytes' way); the poster frame kept for the PNG
        kept: Any = _Kept(source, int(anim.poster_frame))  # (the indexed part of a source)
        data = gif_from_indexed_source(kept, anim.duration_ms)
        _DRAWN.clear()
        _DRAWN[key] = {kept.poster: kept.frame_palette[kept.indices]}
        return data
    drawn = _DRAWN.get(key, {})
    if len(drawn) != anim.frame_count:
        return bytes(anim.to_gif_bytes())
    encoded = write_gif([drawn[n] for n in range(anim.frame_count)], None, anim.duration_ms)
    assert encoded is not None
    return encoded


class _Kept:
    """An indexed frame source (``frame_palette``, ``frame_indices``) passed through, its
    frame ``poster``'s indices kept (``indices``) as they go by."""

    def __init__(self, source: Any, poster: int) -> None:
        self.source, self.poster = source, poster
        self.frame_count = source.frame_count
        self.frame_palette = source.frame_palette
        self.indices: Any = None

    def frame_indices(self, n: int) -> Any:
        indices = self.source.frame_indices(n)
        if n == self.poster:
            self.indices = indices
        return indices


@functools.lru_cache(maxsize=2)
def _themed(source: str, options: tuple[tuple[str, Any], ...], frame: int | None) -> bytes:
    """The themable SVG of one picture group's animation (or of its frame ``frame``)."""
    from convviz.encode.vector import svg_bytes, svg_frames
    from convviz.site.themed import themed_frames, themed_svg

    anim = _animation(source, options)
    rasters: dict[int, Any] = {}
    # an animation: made from its pieces (themed_frames: the bytes of themed_svg, faster)
    parts = (svg_frames(anim, duration_ms=anim.duration_ms, rasters=rasters)
             if frame is None else None)
    data = (themed_frames(parts) if parts is not None else
            themed_svg(svg_bytes(anim, duration_ms=anim.duration_ms, frame=frame,
                                 rasters=rasters)))
    if frame is None:
        _DRAWN.clear()  # one group's at a time
        _DRAWN[source, options] = rasters
    return data


def _oblique(anim: Any) -> bool:
    """Whether ``anim`` draws the oblique picture (which has its own SVG, drawn directly)."""
    from convviz.draw.oblique import ConvRenderer

    return isinstance(getattr(anim, "source", None), ConvRenderer)


def render_picture(job: ImageJob) -> bytes:
    """The file (SVG, GIF or PNG, as its path says) of one picture, via convviz.animate."""
    return _picture(job, draft=False)


def render_draft(job: ImageJob) -> bytes:
    """Like :func:`render_picture` but every drawn animation holds only the representative
    frame.

    A draft gallery draws one frame per picture with the real renderers: a fast
    preview of the layout (and what the tests build).
    """
    return _picture(job, draft=True)


#: a worker's youngest-generation collection threshold (Python's default: 700)
WORKER_GC_THRESHOLD = 10_000


def warm() -> None:
    """Import what drawing needs and load matplotlib's font list, in a worker started
    before the pictures are known (a cold build: its imports overlap the gathering);
    fonts are looked up by everything but their size (:func:`~convviz.draw.canvas.size_blind_fonts`:
    a worker is ours). What the imports made is frozen out of the cyclic collector's
    scans, and its youngest generation is collected after :data:`WORKER_GC_THRESHOLD`
    allocations, not 700: drawing makes and drops many small objects (matplotlib's
    artists, transforms, paths), and the collector's time in a build falls from ~3.5% to
    ~1.5% of the drawing."""
    import gc

    import matplotlib.backends.backend_agg
    import matplotlib.backends.backend_svg
    import matplotlib.figure  # noqa: F401
    from matplotlib import font_manager

    import convviz.animation
    import convviz.draw.diagrams
    import convviz.draw.numbers
    import convviz.draw.oblique
    import convviz.draw.scatter
    import convviz.encode.gif
    import convviz.encode.vector
    import convviz.site.themed  # noqa: F401
    from convviz.draw.canvas import size_blind_fonts

    font_manager.findfont("DejaVu Sans")
    size_blind_fonts()
    gc.collect()
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
