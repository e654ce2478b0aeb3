"""The words pictures carry, in every language: one table per language, and their fonts.

Every title, label, caption and note a picture draws comes from :data:`WORDS`
(``WORDS[lang][key]``, a ``str.format`` template): :data:`WORDS_EN`
(:mod:`convviz.look.words_en`) holds the English pictures' words exactly as they
always were, :data:`WORDS_ZH` (:mod:`convviz.look.words_zh`) the Chinese ones.
Both tables have the same keys and the same ``{fields}`` (a test checks).
Numbers, symbols (σ, ⊗, ×) and code names (``Conv1D``, ``k``, ``groups``) stay
as they are in both.

Fonts: Latin text is drawn in DejaVu Sans (ships with matplotlib) in every
language; a Chinese picture lists a CJK font after it, which matplotlib uses
for the glyphs DejaVu Sans lacks (its font fallback). :func:`font_families`
gives that list, :func:`check_fonts` refuses (SpecError) a Chinese picture on
a machine with no CJK font rather than draw empty boxes.

Data and font lookup only: importing this module does not import matplotlib.

>>> word("zh", "stack.inputs", n=7)
'7 个输入'
"""

from __future__ import annotations

import functools
import string
from typing import Any

from convviz.errors import SpecError
from convviz.look.words_en import WORDS_EN
from convviz.look.words_zh import PRESET_TITLES_ZH, WORDS_ZH

__all__ = ["CJK_FONTS", "LANGS", "PRESET_TITLES_ZH", "WORDS", "WORDS_EN", "WORDS_ZH",
           "check_fonts", "check_lang", "describe", "font_families", "preset_title",
           "text_fonts", "text_width", "theme_in", "word"]

#: the picture languages, the default first
LANGS = ("en", "zh")

#: the Latin font of every picture (ships with matplotlib)
LATIN_FONT = "DejaVu Sans"
LATIN_MONO = "DejaVu Sans Mono"
#: CJK fonts a Chinese picture falls back to, in order of preference (the first one
#: installed is used; Noto Sans CJK comes with the fonts-noto-cjk package)
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei")

#: language -> its table
WORDS: dict[str, dict[str, str]] = {"en": WORDS_EN, "zh": WORDS_ZH}


def check_lang(lang: Any) -> str:
    """``lang`` if it is a picture language; SpecError naming it otherwise."""
    if not isinstance(lang, str) or lang not in LANGS:
        raise SpecError(f"lang must be one of {', '.join(map(repr, LANGS))}, got {lang!r}")
    return lang


def word(lang: str, key: str, **fields: Any) -> str:
    """The picture word ``key`` in ``lang``, its ``{fields}`` filled in."""
    text = WORDS[check_lang(lang)][key]
    return text.format(**fields) if fields else text


def describe(spec: Any, lang: str) -> str:
    """``spec.describe()`` (the paper's symbols) with its one word in ``lang``."""
    text = spec.describe()
    if spec.transposed:
        text = text.removesuffix(", transposed") + word(lang, "describe.transposed")
    return text


def fields_of(template: str) -> set[str]:
    """The ``{field}`` names of a template (what both languages must fill alike)."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


@functools.cache
def _installed_cjk() -> tuple[str, ...]:
    """The CJK fonts of :data:`CJK_FONTS` matplotlib can find on this machine."""
    from matplotlib.font_manager import FontProperties, findfont

    found = []
    for family in CJK_FONTS:
        try:
            findfont(FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        found.append(family)
    return tuple(found)


def font_families(lang: str, *, mono: bool = False) -> list[str]:
    """The font family list a picture in ``lang`` draws with: DejaVu Sans (Mono) first,
    then, for Chinese, the installed CJK fonts (matplotlib falls back to them)."""
    first = LATIN_MONO if mono else LATIN_FONT
    if check_lang(lang) == "en":
        return [first]
    return [first, *_installed_cjk()]


def check_fonts(lang: str) -> None:
    """SpecError when a ``lang`` picture cannot be drawn here (Chinese without a CJK font)."""
    if check_lang(lang) == "zh" and not _installed_cjk():
        raise SpecError(
            "lang='zh' needs a font with Chinese glyphs and none is installed; install "
            f"one of {', '.join(CJK_FONTS[:2])} (e.g. apt install fonts-noto-cjk)"
        )


def text_fonts(lang: str, *, mono: bool = False) -> dict[str, Any]:
    """Keyword arguments giving a matplotlib text the fonts of a ``lang`` picture: none
    in English (DejaVu Sans, from the renderers' rc settings), the family list in Chinese."""
    return {} if check_lang(lang) == "en" else {"family": font_families(lang, mono=mono)}


def text_width(text: str, size: float, lang: str) -> float:
    """Width of one line of ``text`` at font size ``size`` (in the unit of ``size``) in
    the fonts of a ``lang`` picture, from their outlines (matplotlib's TextPath)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    path = TextPath((0, 0), text, size=size, prop=FontProperties(family=font_families(lang)))
    extents = path.get_extents()
    return float(extents.x1 - min(extents.x0, 0.0))


def theme_in(theme: Any, lang: str) -> Any:
    """``theme`` (a :class:`convviz.look.themes.Theme`) with its plane labels in ``lang``
    where they are the English defaults; labels a caller chose are kept."""
    changes = {field: word(lang, key) for field, key in
               (("input_label", "input"), ("output_label", "output"))
               if getattr(theme, field) == word("en", key)}
    return theme.with_(**changes) if changes else theme


def preset_title(preset: Any, lang: str) -> str:
    """A preset's title in ``lang`` (its own English title where none is translated)."""
    if check_lang(lang) == "zh":
        return PRESET_TITLES_ZH.get(preset.name, preset.title)
    return str(preset.title)
