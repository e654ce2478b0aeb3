"""The oblique picture as SVG (convviz.draw.oblique_svg): rasterised in Chromium it agrees
with the raster frames; its structure, animation, dark colours and hit-test data."""

from __future__ import annotations

import io
import itertools
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from convviz import ConvSpec
from convviz.draw.oblique import ConvRenderer
from convviz.draw.oblique_svg import ObliqueSvg, num, picture_svg, svg_style
from convviz.errors import SpecError
from convviz.look.scene import build_scene
from convviz.look.themes import get_theme, hex_to_rgb
from convviz.presets import PRESETS

SVG = "{http://www.w3.org/2000/svg}"

#: 2-D direct, padded and strided, dilated, transposed (with output_padding and
#: dilation), 1-D causal, 1-D strided, 3-D
SPECS = {
    "no_padding_no_strides": PRESETS["no_padding_no_strides"].spec,
    "padding_strides": PRESETS["padding_strides"].spec,
    "dilation": PRESETS["dilation"].spec,
    "padding_strides_odd_transposed": PRESETS["padding_strides_odd_transposed"].spec,
    "dilation_transposed": PRESETS["dilation_transposed"].spec,
    "causal_1d": PRESETS["causal_1d"].spec,
    "strided_1d": ConvSpec(9, 3, stride=2, padding=1),
    "3d": ConvSpec((3, 4, 4), (2, 3, 3), stride=(1, 2, 2), padding=1),
}


# -- screenshots (pages of conftest's chromium fixture) ------------------------------------
def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _shot(page, size) -> np.ndarray:
    w, h = size
    return _rgb(page.screenshot(clip={"x": 0, "y": 0, "width": w, "height": h}))


def _open(browser, svg: str, size, **media):
    w, h = size
    page = browser.new_page(viewport={"width": w, "height": h})
    if media:
        page.emulate_media(**media)
    page.set_content('<html><body style="margin:0">' + svg + "</body></html>")
    return page


def _cell_centres(renderer: ConvRenderer) -> np.ndarray:
    """Pixel (x, y) of the centre of every cell of every plane."""
    lay = renderer._layout
    pts = []
    for plane in (*lay.inputs, *lay.outputs):
        for r, c in itertools.product(range(plane.rows), range(plane.cols)):
            pts.append(plane.cells(np.array([[r, c]]))[0].mean(0) * lay.scale)
    return np.floor(np.array(pts)).astype(int)


def _centre_colours(image: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The colour of every cell: the commonest one of the 5×5 pixels around its centre
    (a projection line may cross the centre itself)."""
    out = []
    for x, y in centres:
        patch = image[y - 2:y + 3, x - 2:x + 3].reshape(-1, 3)
        values, counts = np.unique(patch, axis=0, return_counts=True)
        out.append(values[counts.argmax()])
    return np.array(out)


def _agreement(shot: np.ndarray, want: np.ndarray, centres: np.ndarray) -> tuple[float, int]:
    """(share of pixels within a colour distance of 40, cells whose colour differs by > 3)."""
    diff = np.abs(shot - want).max(axis=2)
    cells = np.abs(_centre_colours(shot, centres) - _centre_colours(want, centres)).max(axis=1)
    return float((diff <= 40).mean()), int((cells > 3).sum())


# -- rasterised, the SVG frames are the raster frames ---------------------------------------
@pytest.mark.parametrize(("name", "scale"), [(name, 1.0) for name in SPECS]
                         + [("causal_1d", 2.0), ("strided_1d", 1.5), ("padding_strides", 2.0)])
def test_classic_frames_rasterised_agree_with_the_raster(chromium, name, scale):
    """(at scale 2 a 1-D picture's lines are snapped to pixel centres, at 1 to pixel edges)"""
    scene = build_scene(SPECS[name])
    raster = ConvRenderer(scene, "classic", scale)
    centres = _cell_centres(raster)
    frames = sorted({0, raster.poster_frame, raster.frame_count - 1})
    page = _open(chromium, picture_svg(scene, scale=scale, frame=0), raster.size)
    try:
        for n in frames:
            page.set_content('<html><body style="margin:0">'
                             + picture_svg(scene, scale=scale, frame=n) + "</body></html>")
            shot = _shot(page, raster.size)
            assert shot.shape == raster.frame(n).shape
            share, bad = _agreement(shot, raster.frame(n).astype(int), centres)
            assert share >= 0.99 and bad == 0, (n, share, bad)
            # shifted by one cell (the next frame), the same check fails
            other = raster.frame((n + 1) % raster.frame_count).astype(int)
            share, bad = _agreement(shot, other, centres)
            assert share < 0.99 or bad > 0, (n, share, bad)
    finally:
        page.close()


def test_animation_plays_every_frame_in_turn_and_poster_under_reduced_motion(chromium):
    scene = build_scene(SPECS["padding_strides"])
    raster = ConvRenderer(scene, "classic")
    centres = _cell_centres(raster)
    d = 400
    svg = picture_svg(scene, duration_ms=d)
    page = _open(chromium, svg, raster.size)
    try:
        count = raster.frame_count
        for n in [*range(count), count + 1]:  # and one loop round
            t = (n + 0.5) * d
            page.evaluate("t => document.getAnimations().forEach(a => {a.pause();"
                          " a.currentTime = t;})", t)
            share, bad = _agreement(_shot(page, raster.size),
                                    raster.frame(n % count).astype(int), centres)
            assert share >= 0.99 and bad == 0, (n, share, bad)
        # without its animations (a viewer that plays none) the picture shows the poster
        page.evaluate("() => document.getAnimations().forEach(a => a.cancel())")
        share, bad = _agreement(_shot(page, raster.size),
                                raster.frame(raster.poster_frame).astype(int), centres)
        assert share >= 0.99 and bad == 0
    finally:
        page.close()
    page = _open(chromium, svg, raster.size, reduced_motion="reduce")
    try:
        assert page.evaluate("() => document.getAnimations().length") == 0
        share, bad = _agreement(_shot(page, raster.size),
                                raster.frame(raster.poster_frame).astype(int), centres)
        assert share >= 0.99 and bad == 0
    finally:
        page.close()


def test_hold_freezes_on_one_frame(chromium):
    scene = build_scene(SPECS["no_padding_no_strides"])
    raster = ConvRenderer(scene, "classic")
    svg = picture_svg(scene)
    page = _open(chromium, svg, raster.size)
    try:
        # (a script reads the hit-test geometry as the document says)
        assert page.evaluate("() => JSON.parse(document.querySelector('svg').dataset.planes)") \
            == json.loads(ET.fromstring(svg).get("data-planes"))
        page.evaluate("""() => { const s = document.querySelector('svg');
            s.classList.add('cv-hold');
            s.querySelector('[data-frame="3"]').classList.add('cv-on'); }""")
        page.evaluate("() => document.getAnimations().forEach(a => {a.pause();"
                      " a.currentTime = 500;})")  # (frame 0's turn, were it playing)
        share, bad = _agreement(_shot(page, raster.size), raster.frame(3).astype(int),
                                _cell_centres(raster))
        assert share >= 0.99 and bad == 0
    finally:
        page.close()


def test_dark_media_gives_the_dark_colours(chromium):
    """Under a dark colour scheme the picture is the dark theme's (drawn by the raster in
    that theme), and its cells have the colours the gallery's recolouring gives the light
    raster (which only approximates antialiased edges, so only cells are compared)."""
    from convviz.site.recolour import frame_to_dark

    scene = build_scene(SPECS["padding_strides"])
    raster = ConvRenderer(scene, "classic")
    dark, light = get_theme("dark"), get_theme("classic")
    raster_dark = ConvRenderer(scene, dark.with_(show_labels=False, show_caption=False))
    n = raster.poster_frame
    svg = picture_svg(scene, dark="dark", frame=n)
    centres = _cell_centres(raster)
    for scheme, theme, want in (("dark", dark, raster_dark.frame(n)),
                                ("light", light, raster.frame(n))):
        page = _open(chromium, svg, raster.size, color_scheme=scheme)
        try:
            shot = _shot(page, raster.size)
        finally:
            page.close()
        assert tuple(shot[1, 1]) == hex_to_rgb(theme.background)
        share, bad = _agreement(shot, want.astype(int), centres)
        assert share >= 0.99 and bad == 0, (scheme, share, bad)
        # the top output cell's centre: the output fill
        top = raster._layout.outputs[0].cells(np.array([[0, 0]]))[0].mean(0)
        assert np.abs(shot[int(top[1]), int(top[0])] - hex_to_rgb(theme.output_fill)).max() <= 1
        if scheme == "dark":
            recoloured = frame_to_dark(raster.frame(n)).astype(int)
            cells = np.abs(_centre_colours(shot, centres)
                           - _centre_colours(recoloured, centres)).max(axis=1)
            assert (cells <= 3).all()


# -- structure -------------------------------------------------------------------------------
def _direct_cells(spec: ConvSpec, out: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Canvas cells of output ``out``'s window, brute force: o·s + t·d per axis."""
    return [tuple(out[a] * spec.stride[a] + t[a] * spec.dilation[a] for a in range(spec.ndim))
            for t in itertools.product(*(range(k) for k in spec.kernel_size))]


@pytest.mark.parametrize("name", list(SPECS))
def test_frames_name_their_output_cell_and_window(name):
    spec = SPECS[name]
    scene = build_scene(spec)
    root = ET.fromstring(picture_svg(scene))
    groups = [g for g in root.iter(f"{SVG}g") if "cv-f" in g.get("class", "").split()]
    assert len(groups) == scene.frame_count
    outputs = list(np.ndindex(*spec.output_size))
    for n, (g, out) in enumerate(zip(groups, outputs)):
        assert g.get("data-frame") == str(n)
        assert tuple(int(v) for v in g.get("data-out").split(" ")) == out
        cells = [tuple(int(v) for v in c.split(",")) for c in g.get("data-cells").split(" ")]
        if spec.transposed:
            want = [tuple(t) for t in spec.taps[out].reshape(-1, spec.ndim).tolist()]
        else:
            want = _direct_cells(spec, out)
        assert cells == want
        classes = g.get("class").split()
        assert ("cv-p" in classes) == (n == scene.frame_count // 2)


def test_document_head_and_determinism():
    scene = build_scene(SPECS["padding_strides"])
    text = picture_svg(scene, duration_ms=250)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert [child.tag for child in root[:3]] == [f"{SVG}title", f"{SVG}desc", f"{SVG}style"]
    assert root[0].text == scene.caption
    assert root[1].text == f"{scene.caption} (9 frames, 0.25s each, looping)"
    w, h = ConvRenderer(scene, "classic").size
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == \
        (str(w), str(h), f"0 0 {w} {h}")
    assert text == picture_svg(build_scene(SPECS["padding_strides"]), duration_ms=250)
    still = ET.fromstring(picture_svg(scene, frame=-1))
    assert "cv-hold" in still.get("class").split()
    (g,) = [g for g in still.iter(f"{SVG}g")]
    assert g.get("data-frame") == "8" and "cv-on" in g.get("class").split()
    assert still[1].text.endswith("(frame 8 of 9)")


def test_every_colour_is_a_custom_property():
    scene = build_scene(SPECS["padding_strides_odd_transposed"])
    text = picture_svg(scene, dark="dark")
    style = ET.fromstring(text).find(f"{SVG}style").text
    # colours appear only as the values of --cv-* properties, used through var()
    colours = re.findall(r"#[0-9a-f]{6}", style)
    assert len(colours) == len(re.findall(r"--cv-[a-z0-9-]+:#[0-9a-f]{6}[;}]", style)) > 20
    for prop in ("fill", "stroke"):
        for value in re.findall(rf"[{{;]{prop}:([^;}}]+)", style):
            assert value.startswith("var(--cv-") or value == "none", (prop, value)
    body = text[text.index("</style>"):]
    assert "#" not in body and "rgb(" not in body and "style=" not in body
    assert "@media (prefers-color-scheme: dark)" in style


def test_animation_names_depend_on_count_and_duration_only():
    a = picture_svg(build_scene(ConvSpec(4, 3)), duration_ms=500)
    b = picture_svg(build_scene(ConvSpec((2, 2), (1, 1))), duration_ms=500)
    c = picture_svg(build_scene(ConvSpec(4, 3)), duration_ms=600)
    rules = [re.findall(r"@keyframes [^{]+\{.*?\}\}", t) for t in (a, b, c)]
    assert rules[0] == rules[1] and rules[0] != rules[2]  # same N and D: the very same rule


def test_number_format():
    assert [num(v) for v in (0, 1, -0.001, 0.125, 2.675, -3.5, 10.10, 1e-9)] == \
        ["0", "1", "0", "0.13", "2.68", "-3.5", "10.1", "0"]
    # (2.675·100 = 267.49999999999997 in binary: floor(v·100 + 0.5) = 268)


def test_bad_input_is_refused():
    scene = build_scene(ConvSpec(4, 3))
    with pytest.raises(SpecError, match="frame=9"):
        picture_svg(scene, frame=9)
    with pytest.raises(SpecError, match="duration_ms"):
        picture_svg(scene, duration_ms=0)
    with pytest.raises(SpecError, match="scene"):
        picture_svg("4x3")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="theme"):
        svg_style("neon")


# -- hit testing -----------------------------------------------------------------------------
def _hit(planes: list[dict], x: float, y: float, side: str) -> tuple[int, ...] | None:
    """The documented rule: p = origin + u·ex + v·ey; col = ⌊u⌋, row = rows − 1 − ⌊v⌋."""
    for p in planes:
        if p["side"] != side:
            continue
        m = np.array([[p["ex"][0], p["ey"][0]], [p["ex"][1], p["ey"][1]]], float)
        u, v = np.linalg.solve(m, np.array([x, y]) - np.array(p["origin"]))
        col, row = int(np.floor(u)), p["rows"] - 1 - int(np.floor(v))
        if 0 <= col < p["cols"] and 0 <= row < p["rows"]:
            return tuple(p["index"]) + (row, col)[2 - p["tail"]:]
    return None


def _quads(d: str) -> np.ndarray:
    return np.array([[float(v) for v in q.replace("L", " ").replace(",", " ").split()]
                     for q in re.findall(r"M([^Z]*)Z", d)]).reshape(-1, 4, 2)


@pytest.mark.parametrize("name", ["padding_strides", "dilation_transposed", "causal_1d", "3d"])
def test_planes_map_points_to_cells(name):
    rng = np.random.default_rng(7)
    scene = build_scene(SPECS[name])
    root = ET.fromstring(ObliqueSvg(scene, "classic", 1.5).document())
    planes = json.loads(root.get("data-planes"))
    for g in (g for g in root.iter(f"{SVG}g") if g.get("data-frame")):
        paths = {p.get("class"): p.get("d") for p in g.iter(f"{SVG}path")}
        cells = [tuple(int(v) for v in c.split(",")) for c in g.get("data-cells").split(" ")]
        out = tuple(int(v) for v in g.get("data-out").split(" "))
        for kind, side, want in (("cv-sh", "in", cells), ("cv-hi", "out", [out])):
            quads = _quads(paths[kind])
            assert len(quads) == len(want)
            for quad, cell in zip(quads, want):
                for _ in range(4):  # random points well inside the drawn cell
                    w = rng.dirichlet(np.ones(4)) * 0.8 + 0.05
                    x, y = (w / w.sum()) @ quad
                    assert _hit(planes, x, y, side) == cell
    # and outside every plane: nothing
    assert _hit(planes, 0.5, 0.5, "in") is None and _hit(planes, 0.5, 0.5, "out") is None


# -- the text themes -------------------------------------------------------------------------
#: channel planes with muted channels; channel sheets with the bias-only note; 1-D; 3-D
TEXT_SPECS = {
    "depthwise": PRESETS["depthwise"].spec,
    "sheets_bias_only": ConvSpec((3, 3), (2, 2), padding=2, in_channels=12, out_channels=16),
    "causal_1d": PRESETS["causal_1d"].spec,
    "3d": ConvSpec((3, 4, 4), (2, 3, 3), padding=1),
}


@pytest.mark.parametrize("name", list(TEXT_SPECS))
def test_text_themes_rasterised_agree_with_the_raster(chromium, name):
    """Shapes as the classic ones; text placed as the raster places it (fonts rasterise
    differently: measured mean difference ≤ 6.5 of 255, ≤ 3.3% of pixels off by > 64, for
    the text-heavy 1-D picture; its caption half a line lower gives 16.6 and 7.6%)."""
    scene = build_scene(TEXT_SPECS[name])
    raster = ConvRenderer(scene, "default")
    frames = sorted({0, raster.poster_frame})
    page = _open(chromium, picture_svg(scene, "default", frame=0), raster.size)
    try:
        for n in frames:
            page.set_content('<html><body style="margin:0">'
                             + picture_svg(scene, "default", frame=n) + "</body></html>")
            diff = np.abs(_shot(page, raster.size) - raster.frame(n).astype(int)).max(axis=2)
            assert diff.mean() < 8 and (diff > 64).mean() < 0.045, (n, diff.mean())
    finally:
        page.close()


def test_text_is_text_with_the_engine_numbers():
    spec = PRESETS["padding_strides_odd_transposed"].spec  # flipped kernel, inserted zeros
    scene = build_scene(spec, title="A & <B>")
    root = ET.fromstring(picture_svg(scene, "default"))
    static = ["".join(t.itertext()) for t in root.findall(f"{SVG}text")]
    assert static[:2] == ["input", "output"] and static[2] == "A & <B>"
    assert root.find(f"{SVG}title").text.startswith("A & <B>")
    style = root.find(f"{SVG}style").text
    assert '"DejaVu Sans"' in style and '"Noto Sans CJK SC"' in style
    # every frame writes, in each window cell, the weight tap it reads (kernel flipped)
    flipped = np.ravel_multi_index(tuple(np.moveaxis(spec.weight_taps.reshape(-1, 2), 1, 0)),
                                   spec.kernel_size)
    assert flipped.tolist() == list(range(8, -1, -1))
    for g in (g for g in root.iter(f"{SVG}g") if g.get("data-frame")):
        out = tuple(int(v) for v in g.get("data-out").split(" "))
        texts = ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]
        reads_nothing = bool((spec.input_taps[out] == -1).all())
        note = "this output reads only zeros: bias only"
        assert (note in texts) == reads_nothing
        assert [int(t) for t in texts if t != note] == flipped.tolist()


def test_a_one_frame_picture_is_held():
    scene = build_scene(ConvSpec(3, 3))
    root = ET.fromstring(picture_svg(scene))
    assert "cv-hold" in root.get("class").split()
    (g,) = [g for g in root.iter(f"{SVG}g")]
    assert set(g.get("class").split()) == {"cv-f", "cv-p", "cv-on"}
    assert root.find(f"{SVG}desc").text.endswith("(1 frame)")


def test_the_classic_picture_needs_no_matplotlib():
    import subprocess
    import sys

    code = ("import sys; from convviz import ConvSpec; from convviz.look.scene import "
            "build_scene; from convviz.draw.oblique_svg import picture_svg; "
            "picture_svg(build_scene(ConvSpec((5, 5), 3, padding=1)), dark='dark'); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_pictures_inlined_in_one_page_play_independently(chromium):
    """Two pictures with one shared style block (``style=False``): each plays its own frames
    (their animation rules do not clash), and the same frame count and duration share
    identical rules."""
    scenes = [build_scene(SPECS["padding_strides"]), build_scene(SPECS["no_padding_no_strides"])]
    rasters = [ConvRenderer(s, "classic") for s in scenes]
    d = 300
    pictures = [picture_svg(s, duration_ms=d, style=False) for s in scenes]
    assert all("--cv-bg" not in p for p in pictures)  # the colours come from the page
    page_css = svg_style("classic")
    w = sum(r.size[0] for r in rasters)
    h = max(r.size[1] for r in rasters)
    page = chromium.new_page(viewport={"width": w, "height": h})
    try:
        page.set_content(f'<html><head><style>{page_css} svg{{display:block;float:left}}'
                         '</style></head><body style="margin:0">' + "".join(pictures)
                         + "</body></html>")
        for n in (1, 6):
            t = (n + 0.5) * d
            page.evaluate("t => document.getAnimations().forEach(a => {a.pause();"
                          " a.currentTime = t;})", t)
            for k, raster in enumerate(rasters):
                shot = _rgb(page.locator("svg").nth(k).screenshot())
                want = raster.frame(n % raster.frame_count).astype(int)
                share, bad = _agreement(shot, want, _cell_centres(raster))
                assert share >= 0.99 and bad == 0, (n, k, share, bad)
    finally:
        page.close()
