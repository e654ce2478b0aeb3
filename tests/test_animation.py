"""animation: animate() options, laziness, caching, saving, notebook display."""

from __future__ import annotations

import base64
import html
import io
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import convviz
from convviz import ConvSpec, SpecError
from convviz.animation import Animation, animate


class FakeSource:
    """A tiny frame source: a coloured bar that grows, counting its draws."""

    caption = "a growing bar <fake> & co"

    def __init__(self, frames: int = 4, width: int = 30, height: int = 20):
        self.frame_count = frames
        self.size = (width, height)
        self.drawn: list[int] = []

    def frame(self, n: int) -> np.ndarray:
        self.drawn.append(n)
        out = np.full((self.size[1], self.size[0], 3), 255, np.uint8)
        out[5:15, : 5 * (n + 1)] = (38, 139, 210)
        return out


def fake_animation(frames: int = 4) -> tuple[Animation, FakeSource]:
    source = FakeSource(frames)
    return Animation(lambda: source, duration=0.5, name="fake"), source


# -- laziness and caching --------------------------------------------------------------------------
def test_animate_draws_nothing_and_loads_no_matplotlib():
    code = (
        "import sys, convviz\n"
        "a = convviz.animate('padding_strides')\n"
        "b = convviz.animate(convviz.ConvSpec(5, 3), numbers=True)\n"
        "c = convviz.animate('scatter_checkerboard')\n"
        "print(a.rendered, b.rendered, c.rendered, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 0 0 False"


def test_frames_are_computed_on_demand_and_cached():
    anim, source = fake_animation()
    assert source.drawn == []
    first = anim.frame(1)
    assert anim.frame(1) is first and source.drawn == [1]
    assert not first.flags.writeable
    assert anim.frame(-1) is anim.frame(3)
    frames = anim.frames
    assert len(frames) == 4 and source.drawn == [1, 3]
    assert [f.shape for f in frames] == [(20, 30, 3)] * 4
    assert sorted(source.drawn) == [0, 1, 2, 3]
    assert len(frames[1:3]) == 2
    with pytest.raises(IndexError):
        anim.frame(4)


def test_gif_bytes_are_cached_and_decode_to_the_frames():
    anim, source = fake_animation()
    data = anim.to_gif_bytes()
    assert anim.to_gif_bytes() is data
    image = Image.open(io.BytesIO(data))
    assert image.n_frames == 4 and image.info["loop"] == 0 and image.info["duration"] == 500
    for n in range(4):
        image.seek(n)
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), source.frame(n))


# -- repr ------------------------------------------------------------------------------------------
def test_repr_names_the_preset_the_parameters_and_the_size():
    anim = animate("padding_strides")
    text = repr(anim)
    match = re.fullmatch(
        r"<Animation 'padding_strides' i=5, k=3, s=2, p=1, o=3: 9 frames (\d+)×(\d+)>", text
    )
    assert match, text
    width, height = map(int, match.groups())
    assert anim.frame(0).shape == (height, width, 3)
    assert repr(animate(ConvSpec(4, 3))).startswith("<Animation i=4, k=3, p=0, o=2: 4 frames ")


def test_repr_html_embeds_the_gif_with_the_caption_as_alt_text():
    anim, _ = fake_animation()
    page = anim._repr_html_()
    assert anim._repr_html_() is page  # cached
    match = re.search(r'src="data:image/gif;base64,([A-Za-z0-9+/=]+)"', page)
    assert match
    assert base64.b64decode(match.group(1)) == anim.to_gif_bytes()
    assert f'alt="{html.escape(FakeSource.caption, quote=True)}"' in page
    bundle = anim._repr_mimebundle_()
    assert bundle["text/html"] == page and bundle["text/plain"] == repr(anim)


def test_repr_html_falls_back_to_a_still_above_the_embed_limit():
    anim, _ = fake_animation()
    anim.embed_limit = 10
    page = anim._repr_html_()
    assert "data:image/png;base64," in page and "embed limit" in page


# -- saving ----------------------------------------------------------------------------------------
def test_save_by_extension(tmp_path):
    anim, source = fake_animation()
    anim.save(tmp_path / "a.gif")
    assert (tmp_path / "a.gif").read_bytes() == anim.to_gif_bytes()
    anim.save(tmp_path / "still.png", frame=2)
    np.testing.assert_array_equal(
        np.asarray(Image.open(tmp_path / "still.png").convert("RGB")), source.frame(2)
    )
    anim.save(tmp_path / "default.png")  # a representative frame: the middle one
    np.testing.assert_array_equal(
        np.asarray(Image.open(tmp_path / "default.png").convert("RGB")), source.frame(2)
    )
    anim.save(tmp_path / "sheet.png", sheet=True)
    sheet = Image.open(tmp_path / "sheet.png")
    assert sheet.size[0] > 2 * 30 and sheet.size[1] > 2 * 20


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("a.xyz", {}, r"\.xyz"),
        ("noext", {}, "no extension"),
        ("a.gif", {"frame": 1}, "frame=1"),
        ("a.gif", {"sheet": True}, "sheet=True"),
        ("a.png", {"frame": 9}, "frame=9"),
    ],
)
def test_save_errors(tmp_path, name, kwargs, message):
    anim, _ = fake_animation()
    with pytest.raises(SpecError, match=message):
        anim.save(tmp_path / name, **kwargs)
    assert list(tmp_path.iterdir()) == []


# -- options ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("padding_strides", "neon"), {}, "neon"),
        (("padding_strides",), {"duration": 0}, "duration must be a number > 0, got 0"),
        (("padding_strides",), {"duration": -1.5}, "duration"),
        (("padding_strides",), {"scale": 0}, "scale must be between 0.1 and 8"),
        (("padding_strides",), {"view": "scatter"}, "view='scatter' needs a transposed spec"),
        (("padding_strides",), {"view": "sideways"}, "view must be"),
        ((ConvSpec(30, 3),), {"numbers": True}, "at most 13 cells"),
        (("padding_strides",), {"pool": "median"}, "pool must be"),
        (("padding_strides",), {"wobble": 3}, "unknown option wobble=3"),
        (("padding_stride",), {}, "unknown preset 'padding_stride'"),
        ((42,), {}, "spec_or_preset_name"),
        (("padding_strides",), {"labels": "yes"}, "labels must be"),
        (
            ("numbers_max_pooling",),
            {"pool": "avg"},
            r"preset 'numbers_max_pooling' uses pool='max'; pool='avg' was asked",
        ),
        (
            ("scatter_checkerboard",),
            {"pool": "max"},
            "pool='max' cannot be shown in view='scatter'",
        ),
        (
            ("numbers_convolution",),
            {"view": "scatter"},
            "preset 'numbers_convolution' uses view='gather'|needs a transposed spec",
        ),
        (("scatter_checkerboard",), {"wobble": 1}, "unknown option wobble=1"),
        (("scatter_checkerboard",), {"numbers": True, "wobble": 1}, "unknown option wobble=1"),
    ],
)
def test_bad_options_raise_spec_error_naming_them(args, kwargs, message):
    with pytest.raises(SpecError, match=message):
        animate(*args, **kwargs)


def test_preset_options_choose_the_picture():
    from convviz.draw.flat import NumbersRenderer, ScatterRenderer

    pooled = animate("numbers_max_pooling")
    assert isinstance(pooled.source, NumbersRenderer) and pooled.source.pool == "max"
    assert isinstance(animate("scatter_checkerboard").source, ScatterRenderer)
    numbers = animate("padding_strides", numbers=True, seed=4)
    assert isinstance(numbers.source, NumbersRenderer)
    np.testing.assert_array_equal(
        numbers.source.x, animate("padding_strides", numbers=True, seed=4).source.x
    )
    assert animate(ConvSpec(5, 3), pool="avg").source.pool == "avg"  # pool implies numbers


def test_numbers_animation_frames_and_caption():
    anim = animate(ConvSpec(4, 3), numbers=True, theme="classic")
    assert anim.frame_count == 4
    assert anim.frame(3).shape == (anim.size[1], anim.size[0], 3)
    assert "i=4, k=3" in anim.caption


def test_labels_switch_the_text():
    with_text = animate(ConvSpec(4, 3), numbers=True, labels=True)
    without = animate(ConvSpec(4, 3), numbers=True, labels=False)
    assert with_text.source.palette.labels and not without.source.palette.labels
    assert without.size[1] < with_text.size[1]


def test_convviz_exports_animate():
    assert convviz.animate is animate
    assert convviz.Animation is Animation


def test_diagram_presets_animate_when_present():
    try:
        from convviz.draw.diagrams import DIAGRAM_PRESETS
    except (ImportError, AttributeError):
        pytest.skip("no diagram presets yet")
    name = next(iter(DIAGRAM_PRESETS))
    anim = animate(name)
    assert anim.frame_count >= 1 and anim.name == name
    with pytest.raises(SpecError, match="diagram"):
        animate(name, view="scatter")


def test_saved_gifs_are_byte_identical_across_processes(tmp_path):
    code = (
        "import sys, convviz\n"
        "convviz.animate(convviz.ConvSpec(4, 3), numbers=True).save(sys.argv[1])\n"
        "spec = convviz.ConvSpec(2, 3, stride=2, transposed=True)\n"
        "convviz.animate(spec, 'dark', view='scatter').save(sys.argv[2])\n"
    )
    runs = []
    for n in range(2):
        paths = [tmp_path / f"numbers{n}.gif", tmp_path / f"scatter{n}.gif"]
        subprocess.run([sys.executable, "-c", code, *map(str, paths)], check=True)
        runs.append([p.read_bytes() for p in paths])
    assert runs[0] == runs[1]
    assert Image.open(io.BytesIO(runs[0][0])).n_frames == 4
    assert Image.open(io.BytesIO(runs[0][1])).n_frames == 5


def test_renderer_gif_uses_its_palette_indices_and_equals_the_rgb_encoding():
    from convviz.encode.gif import write_gif

    anim = convviz.animate("padding_strides", "classic")
    data = anim.to_gif_bytes()
    assert anim.rendered == 0  # the fast path was taken: no RGB frame was drawn or kept
    assert data == write_gif(list(anim.frames), None, anim.duration_ms)


@pytest.mark.parametrize("name, options", [
    ("padding_strides", {}), ("padding_strides", {"numbers": True}),
    ("padding_strides_transposed", {"view": "scatter"}), ("wavenet", {}), ("glu_block", {}),
])
def test_animate_resolves_the_theme_by_name_once(name, options, monkeypatch):
    """animate() looks the theme up once and hands the Theme itself to the renderer."""
    from convviz.look import themes

    lookups = []
    original = themes.get_theme

    def counting(theme):
        if not isinstance(theme, themes.Theme):
            lookups.append(theme)
        return original(theme)

    monkeypatch.setattr(themes, "get_theme", counting)
    anim = animate(name, "dark", **options)
    anim.frame(0)
    assert lookups == ["dark"]


def test_restating_a_presets_own_options_is_accepted():
    from convviz.draw.flat import NumbersRenderer, ScatterRenderer

    for name, options in [("scatter_checkerboard", {"view": "scatter"}),
                          ("numbers_max_pooling", {"pool": "max"}),
                          ("numbers_max_pooling", {"numbers": True, "pool": "max"}),
                          ("numbers_convolution", {"numbers": True})]:
        restated, plain = animate(name, **options), animate(name)
        assert type(restated.source) is type(plain.source)
        assert isinstance(restated.source, (NumbersRenderer, ScatterRenderer))
        np.testing.assert_array_equal(restated.frame(0), plain.frame(0))
    assert animate("numbers_max_pooling", pool="max").source.pool == "max"


def test_scatter_view_with_numbers_shows_values():
    from convviz.draw.flat import ScatterRenderer

    x, w = np.array([[1, 2], [3, 1]]), np.array([[1, 0, 2], [2, 1, 1], [0, 1, 1]])
    x3 = np.arange(9).reshape(3, 3) % 4
    anim = animate("scatter_checkerboard", numbers=True, x=x3, w=w)
    assert isinstance(anim.source, ScatterRenderer) and anim.source.numbers
    assert anim.kind == "scatter numbers"
    np.testing.assert_array_equal(anim.source.output, convviz.apply(anim.spec, x3, w))
    spec = ConvSpec(2, 3, stride=2, transposed=True)
    mine = animate(spec, view="scatter", numbers=True, x=x, w=w)
    np.testing.assert_array_equal(mine.source.output, convviz.apply(spec, x, w))
    assert mine.frame_count == 5 and "with numbers" in mine.caption
    counts_only = animate(spec, view="scatter")
    assert counts_only.source.x is None
    with pytest.raises(SpecError, match="unknown option x="):
        animate(spec, view="scatter", x=x)


def ink_box(strip):
    """The dark pixels of a label strip, cropped to their bounding box."""
    ink = strip.min(axis=-1) < 180
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def test_contact_sheet_numbers_frames_from_zero_as_frame_does():
    from PIL import ImageDraw

    from convviz.encode.sheet import contact_sheet, label_font

    h, w, gap, label = 30, 40, 6, 14
    sheet = contact_sheet([np.full((h, w, 3), 255, np.uint8)] * 3, columns=3, gap=gap,
                          label_height=label, text=(0, 0, 0))
    strips = [sheet[gap + h: gap + h + label, gap + k * (w + gap): gap + k * (w + gap) + w]
              for k in range(3)]
    font = label_font(label)  # the sheet's own font: this test is about the numbers

    def glyph(text):
        image = Image.new("RGB", (w, label), "white")
        ImageDraw.Draw(image).text((w / 2, label / 2), text, fill="black", font=font, anchor="mm")
        return ink_box(np.asarray(image))

    def nearest(strip):
        box = ink_box(strip)
        scores = {d: (box.shape != glyph(d).shape, np.sum(box != glyph(d)) if box.shape ==
                      glyph(d).shape else 0) for d in "0123"}
        return min(scores, key=lambda d: scores[d])

    assert [nearest(s) for s in strips] == ["0", "1", "2"]


@pytest.mark.parametrize("options", [{}, {"numbers": True}, {"view": "scatter"}])
@pytest.mark.parametrize("scale", [0.001, 0.09, 8.5, float("nan"), float("inf")])
def test_every_renderer_refuses_the_same_scales(options, scale):
    from convviz.look.themes import SCALE_RANGE

    name = "padding_strides_transposed" if options.get("view") else "padding_strides"
    with pytest.raises(SpecError, match=r"scale must be between 0\.1 and 8"):
        convviz.animate(name, scale=scale, **options).frame(0)
    low, _high = SCALE_RANGE
    assert convviz.animate(name, scale=low, **options).frame(0).size > 0


@pytest.mark.parametrize("scale", [0.001, 8.5])
def test_diagrams_refuse_the_same_scales(scale):
    with pytest.raises(SpecError, match=r"scale must be between 0\.1 and 8"):
        convviz.animate("glu_block", scale=scale).frame(0)
