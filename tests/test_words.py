"""Every word in a picture in both languages: the tables, the Chinese pictures, the fonts.

- the tables: both languages have every key, with the same ``{fields}``; a Chinese
  word carries Chinese (numbers, symbols and code names such as ``Conv1D``, ``k``
  or ``groups`` may stay);
- every picture with words, drawn with ``lang="zh"``: no warning (no missing
  glyph), no English word in any text it draws, every Chinese run from the zh
  table, every text inside the picture, and no two texts overlapping that do not
  overlap in the English picture;
- English pictures: ``lang="en"`` is the default, frame for frame;
- a bad ``lang``, or Chinese without a CJK font: a SpecError naming it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import convviz
import convviz.draw.flat
from convviz import ConvSpec, SpecError
from convviz.draw.diagrams import DIAGRAM_PRESETS
from convviz.look import words
from convviz.look.words import PRESET_TITLES_ZH, WORDS, WORDS_EN, WORDS_ZH, fields_of, word
from convviz.presets import PRESETS

#: Latin words a Chinese picture may keep: code names, the paper's symbols, model names
CODE_NAMES = {"C_out", "Conv1D", "DGCNN", "GLU", "PyTorch", "RNN", "TensorFlow", "WaveNet",
              "groups", "log", "max", "op", "output_padding", "padding", "same", "causal"}
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]+")

needs_cjk = pytest.mark.skipif(not words._installed_cjk(),
                               reason="no CJK font installed (apt install fonts-noto-cjk)")


def english_words(text: str) -> list[str]:
    """The Latin words of ``text`` (two letters or more) that are not code names."""
    return [w for w in _LATIN_WORD.findall(re.sub(r"\{[^}]*\}", "", text))
            if w not in CODE_NAMES]


_ZH_TEXTS = list(WORDS_ZH.values()) + list(PRESET_TITLES_ZH.values())


def _in_table(run: str) -> bool:
    """A run of Chinese characters is a piece of one zh word, or two pieces joined (a
    label put into a template, such as "输出" + "通道")."""
    def piece(s: str) -> bool:
        return any(s in t for t in _ZH_TEXTS)

    return piece(run) or any(piece(run[:i]) and piece(run[i:]) for i in range(1, len(run)))


def check_zh_text(text: str) -> None:
    assert not english_words(text), f"English in a Chinese picture: {text!r}"
    for run in _HAN.findall(text):
        assert _in_table(run), f"{run!r} (in {text!r}) is not from the zh table"


# -- the tables --------------------------------------------------------------------------------
def test_every_key_in_every_language_with_the_same_fields():
    assert set(WORDS) == set(words.LANGS)
    for lang, table in WORDS.items():
        assert set(table) == set(WORDS_EN), (
            f"{lang} lacks {sorted(set(WORDS_EN) - set(table))}, "
            f"has extra {sorted(set(table) - set(WORDS_EN))}")
    for key, en in WORDS_EN.items():
        assert fields_of(WORDS_ZH[key]) == fields_of(en), key


def test_a_missing_language_fails_the_check(monkeypatch):
    # the check above is not vacuous: drop one Chinese word and it fails
    broken = dict(WORDS_ZH)
    broken.pop("stack.inputs")
    monkeypatch.setitem(WORDS, "zh", broken)
    with pytest.raises(AssertionError, match="stack.inputs"):
        test_every_key_in_every_language_with_the_same_fields()


def test_chinese_words_are_chinese():
    for key, zh in WORDS_ZH.items():
        assert not english_words(zh), f"{key}: {zh!r} keeps English"
        if english_words(WORDS_EN[key]):  # the English has words: the Chinese needs Chinese
            assert _HAN.search(zh), f"{key}: {zh!r} is Latin-only"
    assert english_words("output channel 0") == ["output", "channel"]
    assert not english_words("Conv1D₁：值权重 W (2, 2, 3)")


def test_every_preset_has_a_chinese_title():
    assert set(PRESET_TITLES_ZH) == set(PRESETS)
    for name, title in PRESET_TITLES_ZH.items():
        assert _HAN.search(title) and not english_words(title), name


def test_word_fills_fields_and_names_a_bad_language():
    assert word("en", "stack.inputs", n=7) == "7 inputs"
    assert word("zh", "stack.inputs", n=7) == "7 个输入"
    for bad in ("fr", "ZH", None, 1):
        with pytest.raises(SpecError, match=r"lang must be one of 'en', 'zh', got"):
            word(bad, "input")


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: convviz.animate("padding_strides", lang="fr"),
    lambda: convviz.animate("wavenet", lang="fr"),
    lambda: convviz.animate("numbers_convolution", lang="fr"),
    lambda: DIAGRAM_PRESETS["glu_block"].factory(lang="fr"),
    lambda: convviz.draw.flat.ScatterRenderer(ConvSpec(3, 3, stride=2, transposed=True),
                                               lang="fr"),
])
def test_unknown_language_is_a_spec_error_naming_it(make):
    with pytest.raises(SpecError, match=r"lang must be one of 'en', 'zh', got 'fr'"):
        make()


def test_chinese_without_a_cjk_font_is_refused(monkeypatch):
    monkeypatch.setattr(words, "_installed_cjk", lambda: ())
    for make in (lambda: convviz.animate("padding_strides", lang="zh"),
                 lambda: DIAGRAM_PRESETS["wavenet"].factory(lang="zh"),
                 lambda: convviz.animate("numbers_convolution", lang="zh")):
        with pytest.raises(SpecError, match="lang='zh' needs a font with Chinese glyphs"):
            make()
    convviz.animate("padding_strides", lang="en").frame(0)  # English needs none


def test_cli_lang_flag(tmp_path):
    run = [sys.executable, "-m", "convviz", "render", "no_padding_no_strides", "--frame", "1"]
    bad = subprocess.run(run + ["--lang", "fr", "-o", str(tmp_path / "a.png")],
                         check=False, capture_output=True, text=True)
    assert bad.returncode == 2 and "--lang" in bad.stderr and "fr" in bad.stderr
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    if words._installed_cjk():
        ok = subprocess.run(run + ["--lang", "zh", "-o", str(tmp_path / "zh.png")],
                            check=False, capture_output=True, text=True)
        assert ok.returncode == 0, ok.stderr
        en = convviz.animate("no_padding_no_strides").to_png_bytes(1)
        assert (tmp_path / "zh.png").read_bytes() != en  # the labels changed


# -- English pictures: lang="en" is the default ------------------------------------------------
@pytest.mark.parametrize("name", ["padding_strides", "numbers_transposed", "scatter_even",
                                  "wavenet", "glu_block", "depthwise"])
def test_english_is_the_default(name):
    default, en = convviz.animate(name), convviz.animate(name, lang="en")
    assert default.caption == en.caption and default.size == en.size
    n = default.poster_frame
    assert np.array_equal(default.frame(n), en.frame(n))


# -- Chinese pictures ----------------------------------------------------------------------------
def _figure_texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _overlaps(fig, renderer, texts):
    boxes = [t.get_window_extent(renderer) for t in texts]
    pairs = set()
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if a.x0 < b.x1 - 0.5 and b.x0 < a.x1 - 0.5 and a.y0 < b.y1 - 0.5 and b.y0 < a.y1 - 0.5:
                pairs.add((i, j))
    return pairs


def _check_inside(fig, renderer, texts):
    width, height = fig.canvas.get_width_height()
    for t in texts:
        box = t.get_window_extent(renderer)
        assert box.x0 >= -0.5 and box.y0 >= -0.5, t.get_text()
        assert box.x1 <= width + 0.5 and box.y1 <= height + 0.5, t.get_text()


@needs_cjk
@pytest.mark.parametrize("name", list(DIAGRAM_PRESETS))
def test_chinese_diagram(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zh = DIAGRAM_PRESETS[name].factory(lang="zh", theme="dark")
        zh.frame(zh.poster_frame)
        check_zh_text(zh.caption)
        for n in range(zh.frame_count):
            zh._update(n)
            for t in _figure_texts(zh.fig):
                check_zh_text(t.get_text())
        zh._update(zh.poster_frame)
        en = DIAGRAM_PRESETS[name].factory(theme="dark")
        en.frame(en.poster_frame)
    renderer = zh.canvas.get_renderer()
    texts = _figure_texts(zh.fig)
    _check_inside(zh.fig, renderer, texts)
    en_texts = _figure_texts(en.fig)
    assert len(texts) == len(en_texts)  # the same texts, in the same order
    new = _overlaps(zh.fig, renderer, texts) - _overlaps(en.fig, en.canvas.get_renderer(),
                                                         en_texts)
    assert not new, [(texts[i].get_text(), texts[j].get_text()) for i, j in new]


@needs_cjk
def test_chinese_gated_numbers_and_stack_of_any_specs():
    from convviz.draw.diagrams import glu_diagram, stack_diagram

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for d in (glu_diagram(numbers=True, lang="zh", dilation=3, length=12),
                  stack_diagram([ConvSpec((9,), 3, stride=2), ConvSpec((4,), 2)], lang="zh")):
            d.frame(d.poster_frame)
            for n in range(d.frame_count):
                d._update(n)
                for t in _figure_texts(d.fig):
                    check_zh_text(t.get_text())


_FLAT = [
    dict(name="numbers_convolution"), dict(name="numbers_max_pooling"),
    dict(name="numbers_average_pooling"), dict(name="numbers_transposed"),
    dict(name="scatter_checkerboard"), dict(name="scatter_even"),
    dict(name=ConvSpec((6,), 3, stride=2, transposed=True), view="scatter"),
    dict(name=ConvSpec((4,), 3, stride=3, transposed=True), view="scatter"),
    dict(name=ConvSpec(3, 3, stride=2, transposed=True), view="scatter", numbers=True),
    dict(name=ConvSpec((7,), 3, padding="causal", dilation=2), numbers=True),
]


@needs_cjk
@pytest.mark.parametrize("case", _FLAT, ids=lambda c: str(c["name"]))
def test_chinese_flat_picture(case):
    case = dict(case)
    name = case.pop("name")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zh = convviz.animate(name, lang="zh", **case)
        source = zh.source
        check_zh_text(zh.caption)
        for n in range(zh.frame_count):
            source.frame(n)
            for t in source._fig.texts:
                if t.get_visible() and t.get_text().strip():
                    check_zh_text(t.get_text())
        en = convviz.animate(name, **case).source
        en.frame(zh.poster_frame)
        source.frame(zh.poster_frame)
    fig = source._fig
    texts = [t for t in fig.texts if t.get_visible() and t.get_text().strip()]
    renderer = fig.canvas.get_renderer()
    _check_inside(fig.figure, renderer, texts)
    en_texts = [t for t in en._fig.texts if t.get_visible() and t.get_text().strip()]
    assert len(texts) == len(en_texts)
    new = _overlaps(fig.figure, renderer, texts) - _overlaps(
        en._fig.figure, en._fig.canvas.get_renderer(), en_texts)
    assert not new, [(texts[i].get_text(), texts[j].get_text()) for i, j in new]


_OBLIQUE = ["padding_strides", "padding_strides_odd_transposed", "output_padding_transposed",
            "dilation_transposed", "causal_1d", "tf_same_strides", "depthwise",
            ConvSpec((3, 4, 4), 2, stride=2, padding=1, transposed=True),
            ConvSpec(4, 3, in_channels=3, out_channels=2),
            ConvSpec(5, 3, in_channels=12, out_channels=12, groups=12),
            ConvSpec(2, 2, stride=3, padding=0, transposed=True)]


@needs_cjk
@pytest.mark.parametrize("target", _OBLIQUE, ids=str)
def test_chinese_oblique_picture(target):
    from convviz.draw.oblique_layout import _label_corners

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zh = convviz.animate(target, lang="zh")
        for n in sorted({0, zh.poster_frame, zh.frame_count - 1}):
            zh.frame(n)
    source = zh.source
    layout = source._layout
    shown = [t for t, *_ in layout.labels] + [t for t, *_ in layout.caption]
    if layout.note is not None:
        shown.append(layout.note[0])
    assert shown  # the default theme has words
    for text in [*shown, *(f.caption for f in source.scene.frames), zh.caption]:
        check_zh_text(text)
    # the layout measured the Chinese: every label lies inside the picture
    for label in layout.labels:
        corners = _label_corners(label, source.theme.font_size, "zh") * layout.scale
        assert corners.min() >= -1 and corners[:, 0].max() <= layout.width + 1
        assert corners[:, 1].max() <= layout.height + 1


@needs_cjk
def test_a_bias_only_frame_says_so_in_chinese():
    spec = ConvSpec(2, 2, stride=3, transposed=True)
    zh = convviz.animate(spec, lang="zh")
    scene = zh.source.scene
    n = next(f.index for f in scene.frames if f.bias_only)
    assert zh.source._layout.note[0] == word("zh", "oblique.bias_only")
    empty = convviz.animate(spec, lang="zh", labels=False)  # no text: no note
    assert empty.source._layout.note is None
    zh.frame(n)


@needs_cjk
def test_chinese_labels_keep_a_callers_own_labels():
    theme = convviz.look.themes.get_theme("default").with_(input_label="X")
    zh = convviz.animate("padding_strides", theme, lang="zh")
    labels = [t for t, *_ in zh.source._layout.labels]
    assert "X" in labels and word("zh", "output") in labels


@needs_cjk
def test_svg_keeps_chinese_text_with_cjk_fonts_listed(tmp_path):
    path = convviz.animate("wavenet", lang="zh").save(tmp_path / "w.svg", frame=2)
    svg = path.read_text(encoding="utf-8")
    assert word("zh", "stack.wavenet") in svg
    families = re.findall(r"font-family: ([^;\"]*)", svg)
    assert families and all("DejaVu Sans" in f and "CJK" in f for f in families)


# -- English pictures: byte-identical to the frames before the pictures had a language --------
#: tests/baselines/english_words.json holds, per picture, the size, the sha256 of frames
#: 0, middle and last, and the caption, as the code before ``lang`` existed drew them
#: (commit 841d290); it holds for the matplotlib and FreeType it names
ENGLISH = Path(__file__).parent / "baselines" / "english_words.json"
_NAMES = list(DIAGRAM_PRESETS) + [
    "padding_strides", "numbers_convolution", "numbers_max_pooling", "numbers_average_pooling",
    "numbers_transposed", "scatter_checkerboard", "scatter_even", "depthwise", "causal_1d",
    "padding_strides_odd_transposed", "output_padding_transposed", "dilation_transposed",
    "tf_same_strides"]
_ENGLISH_CASES = {f"{n}/{t}": (lambda n=n, t=t: convviz.animate(n, t)) for n in _NAMES
                  for t in ("default", "dark")}
_ENGLISH_CASES.update({k: (lambda s=s: convviz.animate(s)) for k, s in {
    "3d": ConvSpec((3, 3, 3), 2, in_channels=2, out_channels=2),
    "channels": ConvSpec(4, 3, in_channels=3, out_channels=2),
    "groups": ConvSpec(5, 3, in_channels=6, out_channels=6, groups=3),
    "sheets": ConvSpec(5, 3, in_channels=12, out_channels=12, groups=12),
    "bias_only": ConvSpec(2, 2, stride=3, transposed=True),
}.items()})
_ENGLISH_CASES["scatter_1d"] = lambda: convviz.animate(
    ConvSpec((4,), 3, stride=3, transposed=True), view="scatter")
_ENGLISH_CASES["numbers_scatter"] = lambda: convviz.animate(
    ConvSpec(3, 3, stride=2, transposed=True), view="scatter", numbers=True)
_ENGLISH_CASES["glu_numbers"] = lambda: convviz.animate("glu_block", numbers=True)


def test_english_pictures_are_byte_identical_to_before():
    import hashlib
    import json

    import matplotlib
    from matplotlib import ft2font

    stored = json.loads(ENGLISH.read_text(encoding="utf-8"))
    here = (matplotlib.__version__, ft2font.__freetype_version__)
    if here != (stored["matplotlib"], stored["freetype"]):
        pytest.skip(f"English frame hashes are for matplotlib {stored['matplotlib']} and "
                    f"FreeType {stored['freetype']}; this is {here}")
    assert set(stored["pictures"]) == set(_ENGLISH_CASES)
    for key, make in _ENGLISH_CASES.items():
        a = make()
        digest = hashlib.sha256()
        for n in sorted({0, a.frame_count // 2, a.frame_count - 1}):
            digest.update(a.frame(n).tobytes())
        assert [list(a.size), digest.hexdigest(), a.caption] == stored["pictures"][key], key


_SIZE_BLIND = """
import json, warnings
from matplotlib import font_manager as fm
from matplotlib.font_manager import FontProperties
from convviz.draw.canvas import size_blind_fonts
from convviz.look.words import font_families
warnings.simplefilter("ignore")  # (the missing family falls back, with a warning)
families = [["DejaVu Sans"], ["sans-serif"], ["DejaVu Sans Mono"], font_families("zh"),
            font_families("zh", mono=True), ["serif"], ["no such family"]]
props = [FontProperties(family=f, size=s, weight=w, style=st, stretch=x)
         for f in families for s in (3.5, 7.2, 10, 11.9, 24, "large", "xx-small")
         for w in ("normal", "bold", 300) for st in ("normal", "italic")
         for x in ("normal", "condensed")]
def answers():
    return ([fm.fontManager.findfont(p) for p in props]
            + [fm.fontManager._find_fonts_by_props(p) for p in props]
            + [fm.fontManager.findfont(p, fallback_to_default=False) for p in props[:40]
               if "no such family" not in p.get_family()])
cache = fm.FontManager._findfont_cached
cache.cache_clear()
before = answers()
misses = cache.cache_info().misses
cache.cache_clear()
blind = size_blind_fonts()
after = answers()
print(json.dumps([blind, before == after, misses, cache.cache_info().misses,
                  size_blind_fonts()]))
"""


def test_font_look_ups_by_everything_but_the_size_give_the_same_fonts():
    """convviz.draw.canvas.size_blind_fonts (a gallery worker's): every font matplotlib
    lists is scalable, so the size never decides a look-up; asked at one size, the same
    fonts come back from a fraction of the look-ups. (In a process of its own: it changes
    that process's font manager.)"""
    import json

    run = subprocess.run([sys.executable, "-c", _SIZE_BLIND], capture_output=True, text=True,
                         check=True)
    blind, same, misses, blind_misses, again = json.loads(run.stdout)
    assert blind and again
    assert same
    assert blind_misses * 6 <= misses  # seven sizes per request
