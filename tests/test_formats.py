"""Every output format written and read back: frames, size, timing, looping; vector
frames rasterised (SVG in Chromium, PDF with pdftoppm) agree with the PNG of that frame."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import _missing, require_module
from PIL import Image

import convviz
from convviz.encode.registry import extensions, writer_for
from convviz.errors import SpecError

SVG = "{http://www.w3.org/2000/svg}"
#: one of each kind of drawing: oblique, numbers, scatter, diagram
KINDS = ["padding_strides", "numbers_convolution", "scatter_even", "glu_block"]


def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _agree(got: np.ndarray, want: np.ndarray) -> None:
    """Two renderings of one drawing: same size, the same picture up to antialiasing and
    font rasterisation (measured: mean difference ≤ 8 of 255, ≤ 4.3% of pixels off by
    more than 64 in the worst case, the text-heavy diagram)."""
    assert got.shape == want.shape
    diff = np.abs(got - want).max(axis=2)
    assert diff.mean() < 10, diff.mean()
    assert (diff > 64).mean() < 0.06, (diff > 64).mean()


def test_registry_has_every_format():
    for ext in (".gif", ".png", ".svg", ".pdf", ".webp", ".apng", ".mp4", ".webm"):
        assert ext in extensions()
        assert writer_for(f"x{ext.upper()}") is writer_for(f"x{ext}")


# -- SVG -------------------------------------------------------------------------------------
def test_svg_still_is_vector_with_text_and_title(tmp_path):
    anim = convviz.animate("padding_strides")
    path = anim.save(tmp_path / "a.svg", frame=2)
    root = ET.parse(path).getroot()
    width, height = anim.size
    # (the oblique picture's own SVG: sizes in CSS pixels, few paths of many shapes)
    assert root.get("width") == f"{width}" and root.get("height") == f"{height}"
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root[0].tag == f"{SVG}title" and root[0].text == anim.caption  # first child
    assert "frame 2 of 9" in root.find(f"{SVG}desc").text
    assert not list(root.iter(f"{SVG}image"))  # no raster
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert any("Padding, strides" in t for t in texts)  # text is text
    assert sum(p.get("d").count("M") for p in root.iter(f"{SVG}path")) > 20


def test_svg_and_pdf_are_deterministic():
    from convviz.encode.vector import pdf_bytes, svg_bytes

    first = convviz.animate("dilation")
    second = convviz.animate("dilation")
    stream = first.source, second.source
    assert svg_bytes(stream[0]) == svg_bytes(stream[1])
    assert pdf_bytes(stream[0], frame=3) == pdf_bytes(stream[1], frame=3)


def test_animated_svg_groups_and_timing():
    """The SMIL animation of the replayed drawings (the oblique picture's own SVG, played
    by CSS, is tested in test_oblique_svg.py)."""
    from convviz.encode.vector import svg_bytes

    anim = convviz.animate("numbers_convolution", duration=0.25)
    root = ET.fromstring(svg_bytes(anim.source, duration_ms=anim.duration_ms))
    groups = [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("frame")]
    assert [g.get("id") for g in groups] == [f"frame{n}" for n in range(anim.frame_count)]
    for n, group in enumerate(groups):
        assert group.get("display") == ("inline" if n == anim.poster_frame else "none")
        animate = group.find(f"{SVG}animate")
        assert animate.get("dur") == f"{0.25 * anim.frame_count:g}s"
        assert animate.get("repeatCount") == "indefinite"
        values = animate.get("values").split(";")
        times = [float(t) for t in animate.get("keyTimes").split(";")]
        # shown exactly during [n/N, (n+1)/N)
        count = anim.frame_count
        for i, (value, start) in enumerate(zip(values, times)):
            end = times[i + 1] if i + 1 < len(times) else 1.0
            on = start * count <= n + 0.5 < end * count  # holds the middle of frame n
            assert (value == "inline") == on, (n, values, times)
            assert start * count == pytest.approx(round(start * count), abs=1e-4)


def test_oblique_svg_is_the_oblique_writer():
    from convviz.draw.oblique_svg import picture_svg
    from convviz.encode.vector import svg_bytes

    anim = convviz.animate("padding_strides", duration=0.25)
    scene = anim.source.scene
    assert svg_bytes(anim.source, duration_ms=250) == \
        picture_svg(scene, "default", duration_ms=250).encode()
    assert svg_bytes(anim, frame=3) == picture_svg(scene, "default", frame=3).encode()


def _chromium_shots(browser, svg: bytes, size, times=None):
    """Screenshots of an SVG in a fresh page of ``browser`` (the chromium fixture): one, or
    one per SMIL time (animations paused)."""
    width, height = size
    text = svg.decode()
    shots = []
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.set_content('<html><body style="margin:0">' + text[text.index("<svg"):]
                         + "</body></html>")
        for t in times or [None]:
            if t is not None:  # (SMIL, and CSS animations)
                page.evaluate(f"() => {{ const s = document.querySelector('svg');"
                              f" s.pauseAnimations(); s.setCurrentTime({t});"
                              f" document.getAnimations().forEach(a => {{ a.pause();"
                              f" a.currentTime = {t * 1000}; }}); }}")
            shots.append(_rgb(page.screenshot(
                clip={"x": 0, "y": 0, "width": width, "height": height})))
    finally:
        page.close()
    return shots


@pytest.mark.parametrize("name", KINDS)
def test_svg_frame_rasterised_agrees_with_png(chromium, name):
    from convviz.encode.vector import svg_bytes

    anim = convviz.animate(name)
    n = anim.poster_frame
    (shot,) = _chromium_shots(chromium, svg_bytes(anim.source, frame=n), anim.size)
    _agree(shot, anim.frame(n).astype(int))


def test_animated_svg_plays_each_frame_in_its_turn(chromium):
    from convviz.encode.vector import svg_bytes

    anim = convviz.animate("no_padding_no_strides", duration=0.5)
    count = anim.frame_count
    times = [(n + 0.5) * 0.5 for n in range(count)] + [(count + 1.5) * 0.5]  # + a loop
    shots = _chromium_shots(chromium, svg_bytes(anim.source, duration_ms=anim.duration_ms),
                            anim.size, times)
    for n in range(count):
        _agree(shots[n], anim.frame(n).astype(int))
    _agree(shots[-1], anim.frame(1).astype(int))  # looped back round
    # and the frames really differ: timing is tested, not one picture
    assert np.abs(shots[0] - shots[1]).max() > 100


@pytest.mark.parametrize("name", ["glu_block", "scatter_even"])
def test_animated_figure_svg_shows_each_frame_s_changes(chromium, name):
    """A diagram's SVG (its static picture once, its changing artists per frame) and a
    flat renderer's: where two raster frames differ, each frame of the SVG looks like its
    own raster frame, not the other."""
    from convviz.encode.vector import svg_bytes

    anim = convviz.animate(name, duration=0.5)
    a, b = 0, anim.frame_count // 2
    shots = _chromium_shots(chromium, svg_bytes(anim.source, duration_ms=anim.duration_ms),
                            anim.size, [(a + 0.5) * 0.5, (b + 0.5) * 0.5])
    want_a, want_b = anim.frame(a).astype(int), anim.frame(b).astype(int)
    region = np.abs(want_a - want_b).max(axis=2) > 64
    assert region.sum() > 50  # the frames do differ
    for shot, own, other in ((shots[0], want_a, want_b), (shots[1], want_b, want_a)):
        _agree(shot, own)
        near = np.abs(shot - own).max(axis=2)[region].mean()
        far = np.abs(shot - other).max(axis=2)[region].mean()
        assert near < far / 3, (near, far)


# -- PDF -------------------------------------------------------------------------------------
def _pages(data: bytes) -> int:
    return data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>")


def test_pdf_one_page_per_frame(tmp_path):
    anim = convviz.animate("padding_strides")
    data = anim.save(tmp_path / "a.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/Subtype /Image" not in data  # no raster
    width, height = anim.size
    assert data.count(f"/MediaBox [ 0 0 {width} {height} ]".encode()) == anim.frame_count
    one = anim.save(tmp_path / "b.pdf", frame=3).read_bytes()
    assert one.count(b"/MediaBox") == 1
    assert b"CreationDate" not in one


@pytest.mark.parametrize("name", ["padding_strides", "numbers_convolution", "glu_block"])
def test_pdf_page_rasterised_agrees_with_png(tmp_path, name):
    if shutil.which("pdftoppm") is None:
        _missing("pdftoppm is not installed (apt-get install -y poppler-utils)")
    anim = convviz.animate(name)
    pdf = anim.save(tmp_path / "a.pdf")
    for n in (0, anim.frame_count - 1):
        out = tmp_path / f"p{n}"
        # 72 dpi: one PDF unit (one raster pixel) is one pixel
        subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", "-f", str(n + 1),
                        "-l", str(n + 1), str(pdf), str(out)], check=True)
        _agree(_rgb(out.with_suffix(".png").read_bytes()), anim.frame(n).astype(int))


# -- WebP and APNG ---------------------------------------------------------------------------
@pytest.mark.parametrize("ext", [".webp", ".apng"])
def test_lossless_animations_read_back_exactly(tmp_path, ext):
    anim = convviz.animate("padding_strides", duration=0.3)
    path = anim.save(tmp_path / f"a{ext}")
    image = Image.open(path)
    assert image.n_frames == anim.frame_count
    assert image.size == anim.size
    assert image.info.get("loop") == 0
    for n in range(anim.frame_count):
        image.seek(n)
        image.load()  # (WebP sets the frame's timing on load)
        assert image.info["duration"] == 300
        assert np.array_equal(np.asarray(image.convert("RGB")), anim.frame(n))
    if ext == ".apng":
        assert b"acTL" in path.read_bytes()[:200]
    assert path.read_bytes() == anim.save(tmp_path / f"b{ext}").read_bytes()


@pytest.mark.parametrize("ext", [".webp", ".apng", ".mp4"])
def test_animations_refuse_a_still(tmp_path, ext):
    anim = convviz.animate("padding_strides")
    with pytest.raises(SpecError, match="frame=2"):
        anim.save(tmp_path / f"a{ext}", frame=2)
    with pytest.raises(SpecError, match="sheet"):
        anim.save(tmp_path / "a.svg", sheet=True)
    assert not list(tmp_path.iterdir())


def test_vector_still_refuses_a_missing_frame(tmp_path):
    anim = convviz.animate("padding_strides")
    with pytest.raises(SpecError, match="frame=9"):
        anim.save(tmp_path / "a.pdf", frame=9)
    assert anim.save(tmp_path / "a.svg", frame=-1).exists()  # from the end, as frame() does


# -- video -----------------------------------------------------------------------------------
@pytest.mark.parametrize("ext", [".mp4", ".webm"])
def test_video_reads_back(tmp_path, ext):
    require_module("imageio_ffmpeg")
    import imageio.v3 as iio

    anim = convviz.animate("padding_strides", duration=0.5)  # 395 wide: padded to 396
    path = anim.save(tmp_path / f"a{ext}")
    frames = iio.imread(path)
    meta = iio.immeta(path, exclude_applied=False)  # (older imageio's legacy plugins need it)
    width, height = anim.size
    assert frames.shape == (anim.frame_count, height + height % 2, width + width % 2, 3)
    assert meta["fps"] == pytest.approx(2.0)
    for n in range(anim.frame_count):
        diff = np.abs(frames[n, :height, :width].astype(int) - anim.frame(n).astype(int))
        assert diff.mean() < 6, (n, diff.mean())  # lossy, but this frame, not another
    assert path.read_bytes() == anim.save(tmp_path / f"b{ext}").read_bytes()  # deterministic


def test_video_without_ffmpeg_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(SpecError, match=r"convviz\[video\]"):
        convviz.animate("padding_strides").save(tmp_path / "a.mp4")
    assert not list(tmp_path.iterdir())


def test_cli_writes_svg_and_webp(tmp_path):
    from convviz.cli import main

    assert main(["render", "padding_strides", "-q", "--frame", "1", "-o",
                 str(tmp_path / "a.svg")]) == 0
    assert ET.parse(tmp_path / "a.svg").getroot().find(f"{SVG}title") is not None
    assert main(["render", "padding_strides", "-q", "-o", str(tmp_path / "a.webp")]) == 0
    assert Image.open(tmp_path / "a.webp").n_frames == 9
