"""Renderer tests: picture sizes, key pixel colours, baselines, determinism.

Pixel baselines live in tests/baselines/render.npz: for a few frames, the
index of the nearest theme palette colour of every pixel (uint8, compressed).
A frame passes when at least BASELINE_AGREEMENT of its pixels agree, which
tolerates antialiasing differences between Agg versions but not a moved cell,
line or colour. Frames without text (the classic theme) have one baseline for
every matplotlib. Text is rasterised by the FreeType that matplotlib bundles
(2.6.1 up to matplotlib 3.10, 2.14 from 3.11), whose glyph shapes and advances
differ, so frames with text have one baseline per FreeType version (keys end
in ``@ft<version>``). Regenerate (this FreeType's entries; others are kept)
after an intended change of the look:

    CONVVIZ_UPDATE_BASELINES=1 python -m pytest tests/test_render.py -k baseline

and look at the new pictures before committing them.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from convviz import CellKind, ConvSpec, SpecError
from convviz.draw.oblique import ConvRenderer, frame_size
from convviz.look.scene import build_scene
from convviz.look.themes import THEMES, Theme, get_theme, hex_to_rgb
from convviz.presets import CLASSIC_NAMES, PRESETS

U = 0.5 / 2.54 * 150  # one cell, px at 150 dpi
M = 21.6  # margin, px
BASELINES = Path(__file__).parent / "baselines" / "render.npz"
BASELINE_AGREEMENT = 0.995
UPDATE = os.environ.get("CONVVIZ_UPDATE_BASELINES") == "1"

# (preset, theme, frames)
BASELINE_CASES = [
    ("no_padding_no_strides", "classic", (0, 3)),
    ("padding_strides_odd_transposed", "classic", (0, 35)),
    ("dilation", "classic", (4,)),
    ("causal_1d", "default", (0, 7)),
    ("depthwise", "default", (12,)),
    ("output_padding_transposed", "default", (0,)),
    ("dilation_transposed", "dark", (3,)),
]


def renderer(name: str, theme: str = "classic", scale: float = 1.0) -> ConvRenderer:
    return ConvRenderer(build_scene(PRESETS[name].spec), theme, scale)


def palette_indices(frame: np.ndarray, theme: Theme) -> np.ndarray:
    colours = list(theme.palette().values()) + [theme.line, theme.text]
    pal = np.array([hex_to_rgb(c) for c in colours], dtype=np.int32)
    d = ((frame[:, :, None, :].astype(np.int32) - pal[None, None]) ** 2).sum(-1)
    return d.argmin(-1).astype(np.uint8)


# -- sizes -----------------------------------------------------------------------
@pytest.mark.parametrize("T,o", [(4, 2), (5, 2), (7, 5), (9, 6), (8, 6), (7, 3)])
def test_classic_size_formula(T, o):
    """W = 1.7·T·u + 43.2, H = (T + 1 + 1.15·o)·u + 43.2 for a T×T canvas, o×o output."""
    k = T - o + 1  # a stride-1, unpadded conv with this canvas and output
    scene = build_scene(ConvSpec(T, k))
    assert scene.canvas_size == (T, T) and scene.output_size == (o, o)
    expected = (round(1.7 * T * U + 2 * M), round((T + 1 + 1.15 * o) * U + 2 * M))
    r = ConvRenderer(scene, "classic")
    assert r.size == expected == frame_size(scene, "classic")
    assert r.frame(0).shape == (expected[1], expected[0], 3)


def test_every_classic_preset_has_the_originals_size_and_frames():
    # sizes and frame counts measured from the published GIFs (reference table)
    measured = {
        "no_padding_no_strides": (244, 259, 4),
        "arbitrary_padding_no_strides": (495, 542, 36),
        "full_padding_no_strides": (495, 576, 49),
        "no_padding_strides": (294, 288, 4),
        "padding_strides_odd": (445, 411, 9),
        "no_padding_no_strides_transposed": (344, 386, 16),
        "arbitrary_padding_no_strides_transposed": (445, 479, 25),
        "padding_strides_odd_transposed": (445, 513, 36),
        "dilation": (395, 381, 9),
        "same_padding_no_strides_transposed": (395, 449, 25),
    }
    for name, (w, h, n) in measured.items():
        r = renderer(name)
        assert (r.size, r.frame_count) == ((w, h), n), name
    for name in CLASSIC_NAMES:
        assert renderer(name).frame_count == PRESETS[name].spec.frame_count


def test_scale_scales_the_picture():
    small, big = renderer("no_padding_no_strides"), renderer("no_padding_no_strides", scale=2)
    assert abs(big.size[0] - 2 * small.size[0]) <= 1 and abs(big.size[1] - 2 * small.size[1]) <= 1
    assert big.frame(1).shape == (big.size[1], big.size[0], 3)
    with pytest.raises(SpecError, match="scale"):
        renderer("no_padding_no_strides", scale=0)
    with pytest.raises(SpecError, match="scale"):
        renderer("no_padding_no_strides", scale="big")  # type: ignore[arg-type]


def test_text_themes_grow_the_canvas():
    classic = renderer("no_padding_no_strides", "classic")
    for theme in ("default", "dark", "colorblind"):
        r = renderer("no_padding_no_strides", theme)
        assert r.size[1] > classic.size[1]
        assert r.size[0] >= classic.size[0]


# -- pixels ----------------------------------------------------------------------
def cell_centre(T: int, H: int, r: int, c: int, *, rows: int, output: bool = False):
    """Pixel (x, y) of the centre of cell [r, c] from the published geometry."""
    x, y = c + 0.5, rows - 1 - r + 0.5
    px = M + (x - 0.7 * y + 0.7 * T) * U
    py = H - M - (0.5 * x + 0.65 * y) * U
    if output:
        px -= 5.2
        py -= (T + 1) * U
    return round(py), round(px)


def close(pixel, colour: str, tol: int = 4) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(hex_to_rgb(colour))) <= tol))


def test_key_pixel_colours_classic():
    r = renderer("no_padding_no_strides")
    T, H = 4, r.size[1]
    f0 = r.frame(0)  # output (0, 0) reads input rows 0–2, cols 0–2
    assert close(f0[cell_centre(T, H, 0, 0, rows=4)], "#1a6998")  # shadow over blue
    assert close(f0[cell_centre(T, H, 2, 2, rows=4)], "#1a6998")
    assert close(f0[cell_centre(T, H, 3, 3, rows=4)], "#268bd2")  # not read: plain blue
    assert close(f0[cell_centre(T, H, 0, 3, rows=4)], "#268bd2")
    assert close(f0[cell_centre(T, H, 0, 0, rows=2, output=True)], "#1c7676")  # current output
    assert close(f0[cell_centre(T, H, 1, 1, rows=2, output=True)], "#2aa198")
    assert close(f0[0, 0], "#ffffff") and close(f0[-1, -1], "#ffffff")
    f3 = r.frame(3)  # output (1, 1) reads rows 1–3, cols 1–3
    assert close(f3[cell_centre(T, H, 0, 0, rows=4)], "#268bd2")
    assert close(f3[cell_centre(T, H, 3, 3, rows=4)], "#1a6998")
    assert close(f3[cell_centre(T, H, 1, 1, rows=2, output=True)], "#1c7676")


def test_padding_is_white_and_shaded_padding_is_grey():
    r = renderer("padding_strides")  # i=5, p=1: canvas 7, output 3
    T, H = 7, r.size[1]
    f0 = r.frame(0)
    assert close(f0[cell_centre(T, H, 0, 0, rows=7)], "#9cafb3")  # padding under the kernel
    assert close(f0[cell_centre(T, H, 1, 1, rows=7)], "#1a6998")  # input under the kernel
    assert close(f0[cell_centre(T, H, 6, 6, rows=7)], "#ffffff")  # padding elsewhere
    assert close(f0[cell_centre(T, H, 3, 3, rows=7)], "#268bd2")


def test_dilation_shades_only_the_taps():
    r = renderer("dilation")  # k=3, d=2: taps every 2nd cell of a 5×5 extent
    T, H = 7, r.size[1]
    f0 = r.frame(0)
    for rr in range(5):
        for cc in range(5):
            colour = "#1a6998" if rr % 2 == 0 and cc % 2 == 0 else "#268bd2"
            assert close(f0[cell_centre(T, H, rr, cc, rows=7)], colour), (rr, cc)


def test_inserted_zeros_are_white():
    r = renderer("padding_strides_transposed")  # 3×3 input, s=2, padding 1: canvas 7
    T, H = 7, r.size[1]
    f = r.frame(24)  # the last window: rows/cols 4–6
    assert close(f[cell_centre(T, H, 1, 1, rows=7)], "#268bd2")  # a real input cell
    assert close(f[cell_centre(T, H, 1, 2, rows=7)], "#ffffff")  # an inserted zero
    assert close(f[cell_centre(T, H, 5, 5, rows=7)], "#1a6998")  # input (2, 2), read
    assert close(f[cell_centre(T, H, 4, 5, rows=7)], "#9cafb3")  # a zero, read


def test_only_palette_colours_dominate():
    """Away from edges a classic frame has only the palette's solid colours."""
    r = renderer("same_padding_no_strides")
    f = r.frame(7)
    solid = np.array([hex_to_rgb(c) for c in get_theme("classic").palette().values()])
    diff = np.abs(f[:, :, None, :].astype(int) - solid[None, None]).max(-1).min(-1)
    assert (diff <= 2).mean() > 0.9


def test_themes_use_their_colours():
    f = renderer("padding_strides", "dark").frame(0)
    assert close(f[2, 2], THEMES["dark"].background)
    f = renderer("padding_strides", "colorblind").frame(0)
    T = 7
    H = renderer("padding_strides", "classic").size[1]
    # the colorblind picture is the classic one plus text below: same geometry above it
    assert close(f[cell_centre(T, H, 3, 3, rows=7)], THEMES["colorblind"].input_fill)
    assert close(f[cell_centre(T, H, 2, 2, rows=3, output=True)], THEMES["colorblind"].output_fill)


def test_one_d_and_three_d_render():
    r1 = ConvRenderer(build_scene(PRESETS["causal_1d"].spec), "default")
    a = r1.frame(0)
    assert a.shape == (r1.size[1], r1.size[0], 3) and r1.frame_count == 8
    assert r1.size[0] > r1.size[1]  # a row, not a square
    r3 = ConvRenderer(build_scene(ConvSpec((3, 4, 4), 2)), "default")
    b = r3.frame(5)
    assert b.shape == (r3.size[1], r3.size[0], 3) and r3.frame_count == 18
    assert not np.array_equal(r3.frame(0), b)


def test_frames_differ_and_index_errors():
    r = renderer("no_padding_no_strides")
    frames = [r.frame(n) for n in range(4)]
    for i in range(4):
        for j in range(i + 1, 4):
            assert not np.array_equal(frames[i], frames[j])
    assert np.array_equal(r.frame(-1), frames[3])
    assert np.array_equal(r.frame(0), frames[0])  # going back gives the same picture
    with pytest.raises(SpecError, match="4 frames"):
        r.frame(4)
    with pytest.raises(SpecError, match="whole number"):
        r.frame(1.0)  # type: ignore[arg-type]


def test_bad_theme_and_scene():
    with pytest.raises(SpecError, match="classic"):
        get_theme("neon")
    with pytest.raises(SpecError, match="Scene"):
        ConvRenderer(PRESETS["dilation"].spec)  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="input_fill"):
        Theme(name="x", input_fill="blue")


def test_frame_source_protocol():
    r = renderer("dilation", "default")
    assert isinstance(r.frame_count, int) and r.frame_count == 9
    assert isinstance(r.caption, str) and "d=2" in r.caption
    f = r.frame(0)
    assert f.dtype == np.uint8 and f.flags.c_contiguous


# -- baselines -------------------------------------------------------------------
def _freetype() -> str:
    from matplotlib import ft2font

    return ft2font.__freetype_version__


def _baseline_frames() -> dict[str, np.ndarray]:
    out = {}
    for name, theme, frames in BASELINE_CASES:
        th = get_theme(theme)
        r = renderer(name, theme)
        text = th.show_labels or th.show_caption
        for n in frames:
            key = f"{name}-{theme}-{n}" + (f"@ft{_freetype()}" if text else "")
            out[key] = palette_indices(r.frame(n), th)
    return out


def test_pixel_baselines():
    current = _baseline_frames()
    if UPDATE:
        BASELINES.parent.mkdir(parents=True, exist_ok=True)
        kept = {}
        if BASELINES.exists():
            with np.load(BASELINES) as old:
                kept = {k: old[k] for k in old.files if "@ft" in k and k not in current}
        np.savez_compressed(BASELINES, **kept, **current)
        pytest.skip("baselines regenerated (CONVVIZ_UPDATE_BASELINES=1)")
    stored = np.load(BASELINES)
    missing = sorted(set(current) - set(stored.files))
    assert not missing, (f"no pixel baselines for FreeType {_freetype()}: {missing}; "
                         "regenerate with CONVVIZ_UPDATE_BASELINES=1 and look at them")
    # the text-free baselines are shared by every matplotlib
    assert sorted(k for k in stored.files if "@ft" not in k) == \
        sorted(k for k in current if "@ft" not in k)
    for key, indices in current.items():
        assert stored[key].shape == indices.shape, key
        agreement = float((stored[key] == indices).mean())
        assert agreement >= BASELINE_AGREEMENT, f"{key}: {agreement:.4f}"


# -- determinism -----------------------------------------------------------------
_HASH_CODE = """
import hashlib
from convviz.presets import PRESETS
from convviz.draw.oblique import ConvRenderer
from convviz.look.scene import build_scene
r = ConvRenderer(build_scene(PRESETS['padding_strides_odd_transposed'].spec, title='t'), 'default')
print(hashlib.sha256(r.frame(7).tobytes()).hexdigest())
"""


def test_same_frame_in_two_processes_is_byte_identical():
    runs = [
        subprocess.run(
            [sys.executable, "-c", _HASH_CODE], capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout
    r = ConvRenderer(
        build_scene(PRESETS["padding_strides_odd_transposed"].spec, title="t"), "default"
    )
    here = hashlib.sha256(r.frame(7).tobytes()).hexdigest()
    assert runs[0].stdout.strip() == here


# -- options and helpers ---------------------------------------------------------
def test_text_off_gives_the_classic_picture():
    classic = get_theme("classic")
    # default differs from classic only by its text and its cell-kind fills
    plain = get_theme("default").with_(show_labels=False, show_caption=False,
                                       zero_fill=classic.zero_fill,
                                       output_padding_fill=classic.output_padding_fill)
    a = renderer("padding_strides", plain)
    b = renderer("padding_strides", "classic")
    assert a.size == b.size
    assert np.array_equal(a.frame(5), b.frame(5))


def _share_near(frame: np.ndarray, colour: str, tol: int = 3) -> float:
    diff = np.abs(frame.astype(int) - np.array(hex_to_rgb(colour))).max(-1)
    return float((diff <= tol).mean())


def test_channel_sheets_for_specs_with_many_channels():
    """More channels than MAX_CHANNEL_PLANES: coloured sheets behind one plane."""
    from convviz.draw.oblique_layout import MAX_CHANNEL_PLANES

    theme = get_theme("default")
    c = MAX_CHANNEL_PLANES + 4
    spec = ConvSpec(5, 3, padding=1, in_channels=c, out_channels=c, groups=c)
    with_sheets = ConvRenderer(build_scene(spec), theme).frame(0)
    for colour in theme.channel_fills[1:3]:
        assert _share_near(with_sheets, colour) > 0.002
    single = ConvRenderer(build_scene(ConvSpec(5, 3, padding=1)), theme).frame(0)
    classic = ConvRenderer(build_scene(spec), "classic").frame(0)
    for frame in (single, classic):
        for colour in theme.channel_fills[1:3]:
            assert _share_near(frame, colour) < 0.0005


def test_clip_stops_lines_at_the_output_plane():
    from convviz.draw.oblique_clip import clip, convex_overlap

    square = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    seg = clip(np.array([-10.0, 5.0]), np.array([5.0, 5.0]), [square])
    np.testing.assert_allclose(seg, [[-10, 5], [0, 5]])
    assert clip(np.array([2.0, 2.0]), np.array([5.0, 5.0]), [square]) is None  # all hidden
    seg = clip(np.array([-10.0, 20.0]), np.array([-5.0, 20.0]), [square])  # misses it
    np.testing.assert_allclose(seg, [[-10, 20], [-5, 20]])
    assert convex_overlap(square, square + 5, 0.0)
    assert not convex_overlap(square, square + 20, 0.0)
    assert convex_overlap(square, square + [11.0, 0.0], 2.0)  # within the pad


def test_absurd_sizes_are_refused():
    with pytest.raises(SpecError, match="frames"):
        ConvRenderer(build_scene(ConvSpec(80, 2)))
    with pytest.raises(SpecError, match="px"):
        ConvRenderer(build_scene(ConvSpec(60, 59)), "classic", scale=8)


@pytest.mark.parametrize(
    "spec",
    [ConvSpec((8, 5), (1, 4), stride=3, padding=2, transposed=True), ConvSpec((9, 3), (1, 3)),
     ConvSpec((7, 1), (2, 4), stride=2, padding="full"), ConvSpec((12, 2), 1)],
)
def test_output_plane_stays_clear_of_long_thin_inputs(spec):
    from convviz.draw.oblique_layout import _layout, _overlap

    layout = _layout(build_scene(spec), get_theme("default"), 1.0)
    assert not _overlap(layout.inputs, layout.outputs, pad=2.0)
    assert ConvRenderer(build_scene(spec), "default").frame(0).shape[2] == 3


# -- the frame palette (frames are snapped to it; GIFs are then exact) -------------
def _expected_palette(theme: Theme, levels: int) -> set[tuple[int, int, int]]:
    """Independent statement of the rule in oblique_palette._frame_palette."""
    def rgb(c):
        return np.array(hex_to_rgb(c), dtype=float)

    fills = [theme.background, theme.padding_fill, theme.zero_fill, theme.output_padding_fill,
             theme.input_fill, theme.output_fill, *theme.channel_fills[:4]]
    if theme.show_labels:
        fills.append(theme.muted)  # the channel sheets a shown output channel does not read
    surfaces = [rgb(c) for c in fills]
    surfaces += [
        s * (1 - theme.shadow_alpha) + rgb(theme.shadow) * theme.shadow_alpha for s in surfaces
    ]
    inks = [rgb(theme.stroke), rgb(theme.line), rgb(theme.text)]
    out = {tuple(int(v) for v in np.round(c)) for c in surfaces + inks}
    for s in surfaces:
        for ink in inks:
            for k in range(1, levels):
                out.add(tuple(int(v) for v in np.round(s * (1 - k / levels) + ink * k / levels)))
    return out


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_frame_palette_follows_the_rule(theme):
    from convviz.draw import oblique_palette as render

    pal = render._frame_palette(get_theme(theme))
    got = {tuple(int(v) for v in c) for c in pal}
    want = _expected_palette(get_theme(theme), render.LEVELS)
    # rounding of a .5 may differ by one level between the two formulas
    assert len(got) <= 255
    for colour in want:
        assert min(max(abs(a - b) for a, b in zip(colour, g)) for g in got) <= 1
    packed = [(int(r) << 16) | (int(g) << 8) | int(b) for r, g, b in pal]
    assert packed == sorted(set(packed))


@pytest.mark.parametrize("name,theme,n", [
    ("padding_strides_odd_transposed", "classic", 7),
    ("dilation", "dark", 3),
    ("depthwise", "default", 12),
    ("causal_1d", "colorblind", 2),
])
def test_frames_are_the_canvas_snapped_to_the_nearest_palette_colour(name, theme, n):
    """The rule: every pixel of a frame is the palette colour nearest (squared RGB
    distance, first in 0xRRGGBB order on ties) to what Agg drew there."""
    from convviz.draw import oblique_palette as render

    r = renderer(name, theme)
    r.frame(max(0, n - 1))
    f = r.frame(n)
    raw = r._buffer[..., :3].astype(np.int64)  # the canvas as drawn for frame n
    pal = render._frame_palette(get_theme(theme)).astype(np.int64)
    colours, inverse = np.unique(raw.reshape(-1, 3), axis=0, return_inverse=True)
    nearest = ((colours[:, None, :] - pal[None]) ** 2).sum(-1).argmin(1)
    want = pal[nearest][inverse.reshape(-1)].reshape(f.shape)
    np.testing.assert_array_equal(f, want)
    # and the snapping moves pixels little: within half a blend step of 255/LEVELS
    err = np.abs(f.astype(int) - raw).max(-1)
    assert err.max() <= 255 / render.LEVELS / 2 + 8
    assert err.mean() < 1.0


def test_frames_do_not_depend_on_the_order_they_are_asked_for():
    a = renderer("padding_strides_odd_transposed")
    b = renderer("padding_strides_odd_transposed")
    forward = [a.frame(n) for n in range(a.frame_count)]
    backward = [b.frame(n) for n in reversed(range(b.frame_count))][::-1]
    for x, y in zip(forward, backward):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(b.frame(3), forward[3])  # again, after the last one


def test_classic_gif_decodes_to_the_rendered_frames_exactly():
    import io

    from PIL import Image

    from convviz.encode.gif import write_gif

    r = renderer("dilation")
    frames = r.frames()
    data = write_gif(frames, None, 1000)
    image = Image.open(io.BytesIO(data))
    assert image.n_frames == len(frames)
    for n, want in enumerate(frames):
        image.seek(n)
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), want)


def test_frame_indices_index_the_frame_palette():
    r = renderer("padding_strides_odd_transposed", "default")
    pal = r.frame_palette
    for n in (3, 0, 35, 3):  # any order; frame_indices alone draws the frame too
        np.testing.assert_array_equal(pal[r.frame_indices(n)], r.frame(n))
    fresh = renderer("dilation", "dark")
    idx = fresh.frame_indices(4)
    np.testing.assert_array_equal(fresh.frame_palette[idx], renderer("dilation", "dark").frame(4))



def test_frames_drawn_as_indices_alone_leave_later_rgb_frames_right():
    """frame_indices draws without the RGB picture; a later frame(n) must still be whole."""
    r = renderer("padding_strides", "classic")
    r.frame(0)
    for n in (8, 3, 5):  # boxes far apart: the RGB picture lags in several places
        r.frame_indices(n)
    reference = renderer("padding_strides", "classic")
    for n in (5, 1, 1, 8):
        np.testing.assert_array_equal(r.frame(n), reference.frame(n))
        np.testing.assert_array_equal(r.frame_palette[r.frame_indices(n)], r.frame(n))


def test_no_private_matplotlib_names_in_the_package():
    """Every drawing call goes through public matplotlib API (convviz/draw/canvas.py)."""
    import re

    package = Path(__file__).parent.parent / "convviz"
    private = re.compile(
        r"_backend_agg|\._renderer\b|_cliprect|_fast_from|_prepare_font|_lastKey"
        r"|from matplotlib[\w.]* import _|matplotlib(?:\.\w+)*\._\w"
        r"|(?<!self)\._(?:render_glyph|set_transform|layout|find_fonts_by_props|get_layout)\b"
    )
    hits = [f"{path.relative_to(package)}:{i}: {line.strip()}"
            for path in sorted(package.rglob("*.py"))
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if private.search(line)]
    assert not hits, "\n".join(hits)


def test_frames_after_the_first_redraw_only_the_window():
    r = renderer("padding_strides_odd_transposed")
    r.frame(0)
    width, height = r.size
    for n in range(1, 6):
        r.frame(n)
        y0, y1, x0, x1 = r._dirty
        assert 0 < (y1 - y0) * (x1 - x0) < 0.5 * width * height


def test_text_goes_through_the_drawing_seam():
    """Level text (the caption) is drawn a whole line at a time by convviz.draw.canvas;
    only slanted labels take matplotlib's own (rotated) text path."""
    r = renderer("no_padding_no_strides", "default")
    r.frame(0)
    lay = r._layout
    rotated = sum(1 for label in lay.labels if label[3])
    taps = len(r.scene.frames[0].taps)  # each tap's weight index, one line each
    assert r._agg.lines_drawn == len(lay.caption) + len(lay.labels) - rotated + taps
    assert r._agg.stock_texts_drawn == rotated
    assert r._agg.lines_drawn >= 1


# -- teaching: the pictures show the rule, the depth, the taps and the cell kinds -----
@pytest.mark.parametrize("spec", [
    ConvSpec((8,), 3, dilation=2, padding="causal"),
    ConvSpec((6,), 4, padding="causal"),
    ConvSpec((7,), 3, stride=2, padding=1),
    ConvSpec((8,), 4, stride=2, padding="same"),
    ConvSpec((4,), 3, stride=2, transposed=True),
])
@pytest.mark.parametrize("theme", ["classic", "default"])
def test_one_d_output_sits_over_the_cells_its_rule_names(spec, theme):
    """Causal: output t over its window's LAST cell (so it never sits over a later
    input); otherwise over the window's centre. The window is spec.taps (engine)."""
    from convviz.draw.oblique_layout import _layout

    lay = _layout(build_scene(spec), get_theme(theme), 1.0)
    row = lay.inputs[0]
    causal = spec.padding == "causal"
    assert len(lay.outputs) == spec.output_size[0]
    for t, plane in enumerate(lay.outputs):
        taps = spec.taps[t, :, 0]
        lo, hi = (taps[-1], taps[-1] + 1) if causal else (taps[0], taps[-1] + 1)
        want = float(row.point((lo + hi) / 2, 0.0)[0])
        got = float(plane.point(0.5, 0.0)[0])
        assert got == pytest.approx(want, abs=1e-9)
    if causal:  # the picture shows it: output t over input t (canvas t + padding)
        before = spec.canvas_padding[0][0]
        for t, plane in enumerate(lay.outputs):
            assert plane.point(0.5, 0)[0] == pytest.approx(row.point(before + t + 0.5, 0)[0])


@pytest.mark.parametrize("spec", [ConvSpec((3, 4, 4), 2, padding=1),
                                  ConvSpec((5, 3, 3), 3, stride=2, padding=1),
                                  ConvSpec((2, 3, 3), 2, stride=2, transposed=True)])
def test_three_d_labels_and_lines(spec):
    """Slice labels name the real input depth ("pad"/"zero" otherwise); no projection
    line enters an input slice outside the window it comes from."""
    from convviz.draw.oblique_clip import clip

    r = ConvRenderer(build_scene(spec), "default")
    lay = r._layout
    before = spec.canvas_padding[0][0]
    step = spec.stride[0] if spec.transposed else 1
    names = [label[0] for label in lay.labels if not label[0].startswith("output")]
    assert len(names) == spec.canvas_size[0]
    for z, name in enumerate(names):
        rel = z - before
        real = 0 <= rel <= (spec.input_size[0] - 1) * step
        if real and rel % step == 0:
            assert name == f"input {rel // step}"
        else:
            assert name == ("zero" if real else "pad")
    for n, f in enumerate(r.scene.frames):
        _, _, lines, _ = r._frame_geometry(n)
        assert lines
        (z0, z1) = f.extent[0]
        others = [p.outline_extent() for z, p in enumerate(lay.inputs) if not z0 <= z < z1]
        for a, b in lines:
            kept = clip(a, b, others)
            assert kept is not None and np.allclose(kept, [a, b]), (n, a, b)


@pytest.mark.parametrize("spec", [ConvSpec(5, 3, stride=2, dilation=2, transposed=True),
                                  ConvSpec(5, 3, dilation=2), ConvSpec(4, 2, transposed=True)])
def test_each_tap_is_labelled_with_its_weight_tap(spec):
    """The number written in window position t's cell is spec.weight_taps[t] (flat):
    the kernel in order for a direct convolution, flipped for a transposed one."""
    r = ConvRenderer(build_scene(spec), "default")
    r.frame(0)
    n = r.frame_count - 1
    r.frame(n)
    k = spec.kernel_size
    want = np.ravel_multi_index(tuple(spec.weight_taps.reshape(-1, 2).T), k)
    if spec.transposed:
        assert want[0] == k[0] * k[1] - 1  # the flip
    lay = r._layout
    f = r.scene.frames[n]
    written = {}  # every digit appears once per frame: where its text artist was drawn last
    for (text, _), artist in r._texts.items():
        x, y = artist.get_position()
        written[(round(x * lay.width, 3), round((1 - y) * lay.height, 3))] = text
    centres = lay.inputs[0].cells(f.taps).mean(1)
    assert len(written) == len(centres)
    for (cx, cy), w in zip(centres, want):
        assert written[(round(cx, 3), round(cy, 3))] == str(w)
    assert all(t != "this output reads only zeros: bias only" for t in written.values())


def test_the_bias_only_note_shows_on_exactly_the_bias_only_frames():
    spec = ConvSpec(4, 3, stride=2, dilation=2, transposed=True)  # odd windows read only zeros
    r = ConvRenderer(build_scene(spec), "default")
    lay = r._layout
    assert lay.note is not None
    _, x, y = lay.note
    box = (slice(int(y - 6), int(y + 6)), slice(int(x - 60), int(x + 60)))
    text = np.array(hex_to_rgb(r.theme.text))
    flags = [f.bias_only for f in r.scene.frames]
    assert any(flags) and not all(flags)
    for n in range(r.frame_count):
        region = r.frame(n)[box].astype(int)
        inked = bool((np.abs(region - text).max(-1) < 60).any())
        assert inked == flags[n], n
    assert ConvRenderer(build_scene(ConvSpec(4, 3)), "default")._layout.note is None


@pytest.mark.parametrize("theme", ["default", "dark", "colorblind"])
def test_cell_kinds_look_different(theme):
    """Padding, inserted zeros and output_padding cells each have their own fill in
    the text themes (classic keeps the originals' white for all three)."""
    th = get_theme(theme)
    spec = ConvSpec(3, 3, stride=2, padding=1, output_padding=1, transposed=True)
    r = ConvRenderer(build_scene(spec), th)
    frame = r.frame(0)
    look = r.scene.cell_look
    plane = r._layout.inputs[0]
    from convviz.look.scene import OUTPUT_PADDING

    def colour_at(kind):
        rc = np.argwhere(look == kind)
        far = rc[np.argmax(rc.sum(1))]  # bottom right: away from the kernel's window
        x, y = plane.cells(far[None]).mean(1)[0]
        return tuple(int(v) for v in frame[round(float(y)), round(float(x))])

    seen = {kind: colour_at(kind) for kind in
            (CellKind.INPUT, CellKind.PADDING, CellKind.ZERO, OUTPUT_PADDING)}
    assert len(set(seen.values())) == 4, seen
    assert seen[CellKind.ZERO] == hex_to_rgb(th.zero_fill)
    assert seen[OUTPUT_PADDING] == hex_to_rgb(th.output_padding_fill)
    classic = get_theme("classic")
    assert classic.padding_fill == classic.zero_fill == classic.output_padding_fill


CHANNEL_SPECS = [PRESETS["depthwise"].spec,
                 ConvSpec(5, 3, groups=2, in_channels=4, out_channels=2),
                 ConvSpec(3, 2, groups=2, in_channels=2, out_channels=2),
                 ConvSpec(3, 2, in_channels=2, out_channels=3),
                 ConvSpec(4, 2, groups=2, in_channels=4, out_channels=4, transposed=True,
                          stride=2),
                 ConvSpec(3, 2, in_channels=8, out_channels=8, groups=4)]


def _inside(plane, shape, scale, points=None) -> np.ndarray:
    """Pixel mask (h, w) of the pixel centres inside ``plane``'s outline, shrunk by 3 px
    (so its stroke and the window's lines around it stay out); or, given ``points``
    (n, 2) px, which of them lie inside."""
    poly = plane.outline_extent() * scale
    centre = poly.mean(0)
    poly = centre + (poly - centre) * (1 - 6.0 / np.ptp(poly, 0).max())
    if points is None:
        ys, xs = np.mgrid[0:shape[0], 0:shape[1]] + 0.5
    else:
        xs, ys = np.asarray(points, float).T
    inside = np.ones(np.shape(xs), bool)
    for k in range(4):
        (x0, y0), (x1, y1) = poly[k], poly[(k + 1) % 4]
        side = (x1 - x0) * (ys - y0) - (y1 - y0) * (xs - x0)
        ref = (x1 - x0) * (centre[1] - y0) - (y1 - y0) * (centre[0] - x0)
        inside &= np.sign(side) == np.sign(ref)
    return inside


@pytest.mark.parametrize("theme", ["default", "dark", "colorblind"])
@pytest.mark.parametrize("spec", CHANNEL_SPECS)
def test_lit_input_planes_are_the_channels_the_current_output_channel_reads(spec, theme):
    """One plane per channel; in every frame exactly the input channels its output
    channel reads (the groups' rule, worked out here) are lit, the others muted, and
    the projection lines start in every lit plane and end at the current output
    cell's plane."""
    th = get_theme(theme)
    r = ConvRenderer(build_scene(spec), th)
    lay = r._layout
    c_in, c_out = spec.channels
    assert len(lay.inputs) == c_in and len(lay.outputs) == c_out
    per_in, per_out = c_in // spec.groups, c_out // spec.groups
    cells = int(np.prod(spec.output_size))
    muted = np.array(hex_to_rgb(th.muted))
    masks = [_inside(p, (r.size[1], r.size[0]), r.scale) for p in lay.inputs]
    # every cell of output channel 0, then of channel 1, ...; or, when that would
    # be too many frames, one frame per output cell showing output channel n mod C_out
    stepped = r.frame_count == cells * c_out
    assert stepped or r.frame_count == cells
    for n in sorted({0, 1, 2, cells - 1, r.frame_count // 2, r.frame_count - 1}):
        oc = n // cells if stepped else n % c_out
        read = set(range(oc // per_out * per_in, (oc // per_out + 1) * per_in))
        frame = r.frame(n)
        is_muted = (np.abs(frame.astype(int) - muted).max(-1) <= 3)
        lit = {c for c, m in enumerate(masks) if is_muted[m].mean() < 0.3}
        assert {c for c, m in enumerate(masks) if is_muted[m].mean() > 0.6} == \
            set(range(c_in)) - read, n
        assert lit == read, n
        _, _, lines, _ = r._frame_geometry(n)
        first = np.array([seg[0] for seg in lines])
        starts = {c for c in range(c_in) if _inside(lay.inputs[c], None, 1.0, first).any()}
        assert starts == read
        out_plane = lay.outputs[oc].outline_extent()
        ends = np.array([seg[1] for seg in lines])
        lo, hi = out_plane.min(0) - 1, out_plane.max(0) + 1
        assert ((ends >= lo) & (ends <= hi)).all(), n


@pytest.mark.parametrize("scale", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("spec", CHANNEL_SPECS)
def test_channel_labels_name_every_plane_and_fit(spec, scale):
    from convviz.draw.oblique_layout import _label_corners

    th = get_theme("default")
    r = ConvRenderer(build_scene(spec), th, scale)
    w, h = r.size
    c_in, c_out = spec.channels
    texts = [label[0] for label in r._layout.labels]
    assert texts == [f"input channel {c}" for c in range(c_in)] + \
        [f"output channel {c}" for c in range(c_out)]
    boxes = []
    for label in r._layout.labels:
        corners = _label_corners(label, th.font_size) * scale
        assert corners[:, 0].min() >= 0 and corners[:, 1].min() >= 0
        assert corners[:, 0].max() <= w and corners[:, 1].max() <= h
        boxes.append(corners / scale)
    from convviz.draw.oblique_clip import convex_overlap

    for i, a in enumerate(boxes):  # no label runs into another
        for b in boxes[i + 1:]:
            assert not convex_overlap(a, b, 0.0)
    # and none reaches into the caption below the picture
    from convviz.draw.oblique_layout import PT

    caption_top = min(y for _, _, y in r._layout.caption) - 0.6 * th.font_size * PT
    assert max(float(b[:, 1].max()) for b in boxes) <= caption_top


@pytest.mark.parametrize("spec", CHANNEL_SPECS[:2])  # one frame per cell; every channel
def test_channel_frames_do_not_depend_on_the_order_they_are_drawn(spec):
    scene = build_scene(spec)
    r = ConvRenderer(scene, "default")
    cells = int(np.prod(spec.output_size))
    order = [r.frame_count - 1, 0, cells % r.frame_count, 1, cells - 1, r.frame_count // 2, 0]
    for n in order:
        assert np.array_equal(r.frame(n), ConvRenderer(scene, "default").frame(n)), n


def test_bias_only_frames_do_not_depend_on_the_order_they_are_drawn():
    """The note has its own region: drawing it, then a frame without it (and back)
    leaves each frame as a fresh renderer draws it."""
    scene = build_scene(ConvSpec(4, 3, stride=2, dilation=2, transposed=True))
    r = ConvRenderer(scene, "default")
    order = [1, 0, 1, 2, 5, 4, 3, 1]
    assert {scene.frames[n].bias_only for n in order} == {True, False}
    for n in order:
        assert np.array_equal(r.frame(n), ConvRenderer(scene, "default").frame(n)), n
