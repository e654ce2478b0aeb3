"""The gallery's words, in English and in Chinese (the seed notes' language): one table.

Data only: plain strings with ``{name}`` fields that :mod:`convviz.site.models`
fills with numbers computed by the engine. Nothing here is HTML; the
templates escape everything. The strings live in :mod:`.text_en` and
:mod:`.text_zh`; every key exists in both (tested).
"""

from __future__ import annotations

from collections.abc import Mapping

from convviz.site.text_en import EN
from convviz.site.text_zh import DIAGRAM_TITLES_ZH, PRESET_TITLES_ZH, ZH

__all__ = ["DIAGRAM_TITLES_ZH", "LANGS", "PRESET_TITLES_ZH", "TEXT", "text"]

LANGS = ("en", "zh")

TEXT: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}



def text(lang: str) -> Mapping[str, str]:
    """The strings of one language (``"en"`` or ``"zh"``)."""
    return TEXT[lang]
