"""``animate()`` and the notebook-friendly :class:`Animation`.

>>> import convviz
>>> anim = convviz.animate("padding_strides")      # cheap: nothing drawn yet
>>> anim                                            # doctest: +SKIP
<Animation 'padding_strides' i=5, k=3, s=2, p=1, o=3: 9 frames 395×426>
>>> anim.save("padding_strides.gif")               # doctest: +SKIP

An Animation wraps a frame source (the oblique :class:`convviz.draw.oblique.ConvRenderer`,
:class:`convviz.draw.flat.NumbersRenderer`, :class:`convviz.draw.flat.ScatterRenderer`
or a diagram) and adds lazily computed, cached ``frames``, ``save()`` by
extension, and ``_repr_html_`` / ``_repr_mimebundle_`` that show the GIF
inline as a data-URI ``<img>`` (cached; capped at ``embed_limit`` bytes, as
matplotlib caps its animations). No matplotlib is imported until a frame is
drawn.
"""

from __future__ import annotations

import base64
import html
import math
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from convviz import budget
from convviz.core.spec import ConvSpec
from convviz.errors import SpecError
from convviz.frames import FrameSource
from convviz.frames import poster_frame as _poster_frame
from convviz.look.themes import check_scale

__all__ = ["EMBED_LIMIT", "Animation", "animate"]

#: bytes of GIF a notebook repr embeds at most (matplotlib's animation.embed_limit is 20 MB)
EMBED_LIMIT = 20 * 1024 * 1024

_VIEWS = ("gather", "scatter")


class _Frames(Sequence):
    """The frames of an Animation: a Sequence computed on first access, then cached."""

    def __init__(self, animation: Animation) -> None:
        self._animation = animation

    def __len__(self) -> int:
        return self._animation.frame_count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._animation.frame(n) for n in range(*index.indices(len(self)))]
        return self._animation.frame(index)

    def __iter__(self) -> Iterator[np.ndarray]:
        for n in range(len(self)):
            yield self._animation.frame(n)

    def __repr__(self) -> str:
        width, height = self._animation.size
        return f"<{len(self)} frames of {height}×{width}×3 uint8>"


class _Stream:
    """An Animation as a frame source for the writers: frames already drawn come from
    its cache, the others straight from the source, and are not kept (so saving a
    long animation holds one frame at a time)."""

    def __init__(self, animation: Animation) -> None:
        self._animation = animation
        self.frame_count = animation.frame_count
        self.size = animation.size
        self.caption = animation.caption
        self.poster_frame = animation.poster_frame
        self.source = animation.source  # the drawing itself, for the vector writers

    def frame(self, n: int) -> np.ndarray:
        cached = self._animation._cache.get(n)
        if cached is not None:
            return cached
        return np.asarray(self._animation.source.frame(n), dtype=np.uint8)

    def to_gif_bytes(self) -> bytes:
        return self._animation.to_gif_bytes()


class Animation:
    """A lazily drawn animation: a frame source plus caching, saving and notebook display.

    Build one with :func:`animate`. ``frames`` (a Sequence of (H, W, 3) uint8
    arrays), ``frame(n)``, ``save(path)``, ``to_gif_bytes()``,
    ``to_png_bytes()``; ``frame_count``, ``size`` (width, height),
    ``caption``, ``duration`` (seconds per frame), ``spec`` (or None for a
    diagram), ``name`` (the preset's, or None).
    """

    #: GIF bytes embedded inline at most; above it the repr shows one frame as PNG
    embed_limit: int = EMBED_LIMIT

    def __init__(
        self,
        factory: Callable[[], FrameSource],
        *,
        duration: float = 1.0,
        name: str | None = None,
        spec: ConvSpec | None = None,
        kind: str = "",
        source: FrameSource | None = None,
    ) -> None:
        self._factory = factory
        self._source = source
        self.duration = float(duration)
        self.name = name
        self.spec = spec
        self.kind = kind
        self._cache: dict[int, np.ndarray] = {}
        self._gif: bytes | None = None
        self._html: str | None = None
        if source is not None:
            self._check_frame_size()

    # -- the source, built on first need --------------------------------------------------------
    @property
    def source(self) -> Any:
        """The frame source (built on first access; drawing happens only in frame())."""
        if self._source is None:
            self._source = self._factory()
            self._check_frame_size()
        return self._source

    def _check_frame_size(self) -> None:
        """BudgetError if even one frame would not fit in memory (e.g. a huge scale)."""
        budget.check("frame", 1, self.size, what="scale")

    @property
    def frame_count(self) -> int:
        return int(self.source.frame_count)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        width, height = self.source.size
        return int(width), int(height)

    @property
    def caption(self) -> str:
        return str(getattr(self.source, "caption", "") or self.name or "convviz animation")

    @property
    def duration_ms(self) -> float:
        return self.duration * 1000.0

    @property
    def poster_frame(self) -> int:
        """The frame a still shows by default (the source's ``poster_frame``, else the
        middle one)."""
        return _poster_frame(self.source)

    @property
    def frames(self) -> Sequence:
        """All frames, a Sequence of (H, W, 3) uint8 arrays, each drawn on first access."""
        return _Frames(self)

    @property
    def rendered(self) -> int:
        """How many frames have been drawn so far (for the curious, and for tests)."""
        return len(self._cache)

    def frame(self, n: int) -> np.ndarray:
        """Frame ``n`` (negative counts from the end) as a read-only (H, W, 3) uint8 array."""
        count = self.frame_count
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"frame index must be an int, got {n!r}")
        if not -count <= n < count:
            raise IndexError(f"frame {n} out of range: the animation has {count} frames")
        n = int(n) % count
        cached = self._cache.get(n)
        if cached is None:
            source = self.source
            cached = np.array(source.frame(n), dtype=np.uint8, copy=True)
            cached.flags.writeable = False
            self._cache[n] = cached
        return cached

    # -- encoding ---------------------------------------------------------------------------------
    def check_budget(self, *, frame: int | None = None, sheet: bool = False,
                     columns: int | None = None, extension: str = ".gif") -> int:
        """Bytes the output would hold at once; BudgetError (naming the limit and the
        size asked) if that is more than :data:`convviz.budget.MEMORY_LIMIT`.
        Nothing is drawn."""
        from convviz.encode.sheet import sheet_size

        count, size = self.frame_count, self.size
        if sheet:
            return budget.check("sheet", count, size, sheet_size(count, size, columns))
        if frame is not None or extension == ".png":
            return budget.check("frame", 1, size)
        return budget.check("gif" if extension == ".gif" else "other", count, size)

    def to_gif_bytes(self) -> bytes:
        """The animated GIF (loops forever), encoded once and cached; frames are drawn
        and encoded one at a time (BudgetError if even that would not fit in memory)."""
        if self._gif is None:
            from convviz.encode.gif import gif_from_indexed_source, write_gif

            self.check_budget()
            source = self.source
            if hasattr(source, "frame_indices") and hasattr(source, "frame_palette"):
                # the renderer's own palette indices: the same bytes, less work (and no
                # RGB frames: those are drawn only if .frames / .frame(n) ask for them)
                data = gif_from_indexed_source(source, self.duration_ms)
            else:
                encoded = write_gif(_Stream(self), None, self.duration_ms)
                assert encoded is not None
                data = encoded
            self._gif = data
        return self._gif

    def to_png_bytes(self, frame: int | None = None) -> bytes:
        """One frame as PNG (default: the poster frame)."""
        from convviz.encode.png import write_png

        data = write_png(self.frame(self._still_index(frame)), None)
        assert data is not None
        return data

    def contact_sheet(self, *, columns: int | None = None) -> np.ndarray:
        """All frames in a grid with their frame numbers, as one (H, W, 3) array."""
        from convviz.encode.sheet import contact_sheet

        self.check_budget(sheet=True, columns=columns)
        return contact_sheet(_Stream(self), columns=columns)

    def _still_index(self, frame: int | None) -> int:
        if frame is None:
            return self.poster_frame
        if not isinstance(frame, (int, np.integer)) or isinstance(frame, bool):
            raise SpecError(f"frame must be a frame number or None, got {frame!r}")
        if not -self.frame_count <= frame < self.frame_count:
            raise SpecError(
                f"frame={frame} is not a frame of this animation (0 … {self.frame_count - 1})"
            )
        return int(frame) % self.frame_count

    def save(
        self,
        path: str | os.PathLike[str],
        *,
        frame: int | None = None,
        sheet: bool = False,
        columns: int | None = None,
        overwrite: bool = True,
    ) -> Path:
        """Write the animation; the format comes from the extension.

        - ``.gif``: the animation (loops forever, ``duration`` per frame);
        - ``.png``: one still — ``frame`` picks it (default: the poster
          frame) — or with ``sheet=True`` a contact sheet of every frame
          (``columns`` per row);
        - ``.svg``: vector; a still with ``frame``, else the animation (SMIL,
          looping, ``duration`` per frame); ``.pdf``: vector, a page per frame
          (``frame``: one page);
        - ``.webp``, ``.apng``: lossless animations, looping, ``duration`` per
          frame; ``.mp4``, ``.webm``: video (``pip install 'convviz[video]'``);
        - anything else: through an installed imageio plugin; SpecError
          naming the extension otherwise.

        (The writer for each extension comes from :mod:`convviz.encode.registry`.)
        Files are written atomically; ``overwrite=False`` refuses (OutputError)
        a file that exists when the new one is put in place. BudgetError
        before anything is drawn if the output would not fit in memory.
        Returns the path written.
        """
        from convviz.encode.registry import writer_for

        target = Path(os.fspath(path))
        writer = writer_for(target)
        extension = target.suffix.lower()
        still = None if frame is None or extension != ".png" else self._still_index(frame)
        self.check_budget(frame=still, sheet=sheet and extension == ".png", columns=columns,
                          extension=extension)
        writer(_Stream(self), target, duration_ms=self.duration_ms, overwrite=overwrite,
               frame=frame if still is None else still, sheet=sheet, columns=columns)
        return target

    # -- notebook display ------------------------------------------------------------------------
    def _img_tag(self) -> str:
        width, height = self.size
        alt = html.escape(self.caption, quote=True)
        gif = self.to_gif_bytes()
        if len(gif) <= self.embed_limit:
            data, mime, note = gif, "image/gif", ""
        else:
            data, mime = self.to_png_bytes(), "image/png"
            note = (
                f"<br><small>The animation ({len(gif) / 2**20:.1f} MB) exceeds the embed limit "
                f"({self.embed_limit / 2**20:.1f} MB): one frame is shown; use .save().</small>"
            )
        encoded = base64.b64encode(data).decode("ascii")
        return (
            f'<img src="data:{mime};base64,{encoded}" alt="{alt}" width="{width}" '
            f'height="{height}" style="image-rendering:auto">{note}'
        )

    def _repr_html_(self) -> str:
        if self._html is None:
            self._html = self._img_tag()
        return self._html

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        parts = ["<Animation"]
        if self.name:
            parts.append(f" {self.name!r}")
        if self.kind:
            parts.append(f" {self.kind}")
        if self.spec is not None:
            parts.append(f" {self.spec.describe()}")
        width, height = self.size
        count = self.frame_count
        parts.append(f": {count} frame{'s' if count != 1 else ''} {width}×{height}>")
        return "".join(parts)


# -- animate() -------------------------------------------------------------------------------------
def _check_number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise SpecError(f"{name} must be a number > 0, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise SpecError(f"{name} must be a number > 0, got {value!r}")
    return float(value)


def _check_duration(value: Any) -> float:
    """Seconds per frame: a number a GIF can store (0.01 … 655.35 s, in steps of 0.01 s)."""
    from convviz.encode.gif import GIF_DELAY_MS, check_duration_ms

    duration = _check_number("duration", value)
    try:
        check_duration_ms(duration * 1000.0)
    except SpecError:
        low, high = (ms / 1000 for ms in GIF_DELAY_MS)
        raise SpecError(
            f"duration must be {low:g} … {high:g} seconds per frame (what a GIF can store), "
            f"got {value!r}"
        ) from None
    return duration


def _resolve(spec_or_preset: Any) -> tuple[str | None, Any]:
    """(name, ConvSpec | Preset | DiagramPreset) for a spec, a preset or a preset name."""
    from convviz.presets import Preset, get_preset

    if isinstance(spec_or_preset, ConvSpec):
        return None, spec_or_preset
    if isinstance(spec_or_preset, str):
        preset = get_preset(spec_or_preset)
        return preset.name, preset
    if isinstance(spec_or_preset, Preset) or hasattr(spec_or_preset, "factory"):
        return spec_or_preset.name, spec_or_preset
    raise SpecError(
        "spec_or_preset_name must be a ConvSpec or a preset name (see convviz.presets()), "
        f"got {spec_or_preset!r}"
    )


def animate(
    spec_or_preset_name: Any,
    theme: Any = "default",
    *,
    numbers: bool = False,
    view: str = "gather",
    duration: float = 1.0,
    scale: float = 1.0,
    labels: bool | None = None,
    pool: str | None = None,
    seed: int = 0,
    lang: str = "en",
    **options: Any,
) -> Animation:
    """An :class:`Animation` of a convolution, a preset, or a diagram preset.

    ``spec_or_preset_name``: a :class:`ConvSpec` or a name from
    ``convviz.presets()``. ``theme``: "classic", "default", "dark",
    "colorblind" (or a Theme). ``numbers=True``: the paper's flat numerical
    figure (:class:`convviz.draw.flat.NumbersRenderer`); ``pool="max"|"avg"``
    draws pooling that way (and implies ``numbers``); ``seed`` picks its
    random inputs. ``view="scatter"``: the scatter view of a transposed
    convolution (:class:`convviz.draw.flat.ScatterRenderer`): overlap counts,
    or with ``numbers=True`` the values — each input times the kernel, added
    into the output. ``duration``: seconds per frame (0.01 … 655.35, what a GIF
    stores; SpecError outside); ``scale``: pixel scale.
    ``labels``: None lets the theme decide; True/False turns the text
    (labels and caption) on or off. ``lang``: the language of every word the
    picture carries, "en" (default) or "zh" (Chinese: its labels, captions and
    titles, drawn with a CJK font after DejaVu Sans; SpecError when no CJK font is
    installed). Other ``options`` go to the scene
    (``title``, ``channel``), to the numbers and scatter renderers (``x``,
    ``w``, ``title``) or to a diagram's factory (there ``title=False`` leaves the
    diagram's title line out and the picture shorter, for a page whose heading says it).

    A preset's own options (e.g. ``numbers_max_pooling``'s pool='max') apply
    where the call leaves the default; restating them is accepted, a different
    value is a SpecError naming both. Nothing is drawn until a frame is
    needed; invalid options raise SpecError at once, and BudgetError (a
    SpecError) when one frame would not fit in memory (see convviz.budget).
    """
    name, target = _resolve(spec_or_preset_name)
    duration = _check_duration(duration)
    scale = check_scale(scale)
    if labels not in (None, True, False):
        raise SpecError(f"labels must be None, True or False, got {labels!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SpecError(f"seed must be a whole number >= 0, got {seed!r}")

    if view not in _VIEWS:
        raise SpecError(f"view must be 'gather' or 'scatter', got {view!r}")
    if pool not in (None, "max", "avg"):
        raise SpecError(f"pool must be None, 'max' or 'avg', got {pool!r}")
    if not isinstance(numbers, (bool, np.bool_)):
        raise SpecError(f"numbers must be True or False, got {numbers!r}")
    from convviz.look.words import check_fonts, check_lang, preset_title, theme_in

    lang = check_lang(lang)

    from convviz.look.themes import get_theme

    theme_obj = get_theme(theme)  # SpecError naming the theme and the known ones
    if labels is not None:
        theme_obj = theme_obj.with_(show_labels=labels, show_caption=labels)
    if lang != "en":
        check_fonts(lang)
        theme_obj = theme_in(theme_obj, lang)

    # diagram presets build their own frame source
    if hasattr(target, "factory"):
        if view != "gather" or pool is not None:
            raise SpecError(
                f"preset {name!r} is a diagram: view={view!r} and pool={pool!r} apply to "
                "single convolutions only"
            )
        make = target.factory
        if lang != "en":
            options["lang"] = lang
        source = make(theme=theme_obj, scale=scale, numbers=numbers, **options)
        return Animation(lambda: source, duration=duration, name=name, source=source,
                         kind="diagram")

    from convviz.presets import Preset

    spec: ConvSpec
    if isinstance(target, Preset):
        spec = target.spec
        defaults = dict(target.options)
        numbers = _merge(name, "numbers", numbers, defaults.pop("numbers", None), False)
        view = _merge(name, "view", view, defaults.pop("view", None), "gather")
        pool = _merge(name, "pool", pool, defaults.pop("pool", None), None)
        for key, value in defaults.items():
            options.setdefault(key, value)
        options.setdefault("title", preset_title(target, lang))
    else:
        spec = target
    if pool is not None:
        if view == "scatter":
            raise SpecError(f"pool={pool!r} cannot be shown in view='scatter'")
        numbers = True

    if view == "scatter":
        if not spec.transposed:
            raise SpecError(
                f"view='scatter' needs a transposed spec; {spec.describe()} is direct "
                "(its transpose is spec.transpose())"
            )
        from convviz.draw.flat import ScatterRenderer

        _only(options, ("x", "w", "title") if numbers else ("title",),
              "view='scatter' with numbers=True" if numbers else "view='scatter'")
        source = ScatterRenderer(spec, numbers=bool(numbers), seed=int(seed), theme=theme_obj,
                                 scale=scale, lang=lang, **options)
        return Animation(lambda: source, duration=duration, name=name, spec=spec,
                         kind="scatter numbers" if numbers else "scatter", source=source)

    if numbers:
        from convviz.draw.flat import NumbersRenderer

        _only(options, ("x", "w", "title"), "numbers=True")
        source = NumbersRenderer(spec, pool=pool, theme=theme_obj, scale=scale, seed=int(seed),
                                 lang=lang, **options)
        kind = {"max": "max-pool numbers", "avg": "avg-pool numbers"}.get(pool or "", "numbers")
        return Animation(lambda: source, duration=duration, name=name, spec=spec, kind=kind,
                         source=source)

    from convviz.look.scene import build_scene

    _only(options, ("title", "channel"), "the oblique view")
    scene = build_scene(spec, lang=lang, **options)  # validates: size limits, channel

    def factory() -> Any:
        from convviz.draw.oblique import ConvRenderer

        return ConvRenderer(scene, theme_obj, scale)

    return Animation(factory, duration=duration, name=name, spec=spec)


def _merge(name: str | None, key: str, asked: Any, preset_value: Any, default: Any) -> Any:
    """Option ``key`` of preset ``name``: the preset's own unless the call asks for
    another value (restating it is fine); SpecError naming both if they differ."""
    if preset_value is None or asked == default or asked == preset_value:
        return asked if preset_value is None or asked != default else preset_value
    raise SpecError(f"preset {name!r} uses {key}={preset_value!r}; {key}={asked!r} was asked")


def _only(options: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise SpecError(
            f"unknown option {unknown[0]}={options[unknown[0]]!r} for {where}; "
            f"options there: {', '.join(allowed)}"
        )
