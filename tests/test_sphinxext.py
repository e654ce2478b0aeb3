"""A real Sphinx project with the convviz directive, built with the HTML and LaTeX builders."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import require_module
from PIL import Image

import convviz
from convviz import embed

INDEX = """\
Test
====

.. convviz:: padding_strides
   :caption: Padding 1, stride 2.

.. convviz::
   :input: 5
   :kernel: 3
   :stride: 2
   :padding: 1
   :theme: classic
   :frame: 4
   :alt: A 3x3 kernel, step five.

.. convviz:: no_such_preset
"""


def _project(root: Path, html_format: str = "gif") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(f'extensions = ["convviz.sphinxext"]\nproject = "t"\n'
                                  f'convviz_html_format = "{html_format}"\n')
    (root / "index.rst").write_text(INDEX)
    return root


def _build(src: Path, builder: str, out: Path, *extra: str) -> tuple[int, str]:
    require_module("sphinx")
    from sphinx.cmd.build import build_main

    warnings = out.parent / f"{builder}-warnings.txt"
    code = build_main(["-q", "-b", builder, "-w", str(warnings), *extra, str(src), str(out)])
    return code, warnings.read_text()


def test_html_build_references_pictures_that_decode(tmp_path):
    src = _project(tmp_path / "src")
    before = dict(embed.stats)
    code, warnings = _build(src, "html", tmp_path / "html")
    assert code == 0
    assert "no_such_preset" in warnings  # a bad preset is a warning naming it, not a crash
    page = (tmp_path / "html" / "index.html").read_text()
    imgs = re.findall(r'<img class="convviz" src="([^"]+)" alt="([^"]*)" '
                      r'width="(\d+)" height="(\d+)"', page)
    assert len(imgs) == 2
    (gif, gif_alt, *gif_size), (png, png_alt, *_) = imgs
    anim = convviz.animate("padding_strides")
    image = Image.open(tmp_path / "html" / gif)
    assert image.format == "GIF" and image.n_frames == anim.frame_count
    assert image.size == anim.size == tuple(int(v) for v in gif_size)
    assert gif_alt == anim.caption
    still = Image.open(tmp_path / "html" / png)
    assert still.format == "PNG" and png_alt == "A 3x3 kernel, step five."
    spec = convviz.ConvSpec(5, 3, stride=2, padding=1)
    assert np.array_equal(np.asarray(still.convert("RGB")),
                          convviz.animate(spec, "classic").frame(4))
    assert "Padding 1, stride 2." in page
    assert embed.stats["rendered"] - before["rendered"] == 2

    # a fresh build (-E: no saved environment) draws nothing: the pictures are cached
    before = dict(embed.stats)
    code, _ = _build(src, "html", tmp_path / "html", "-E")
    assert code == 0
    assert embed.stats["rendered"] == before["rendered"]
    assert embed.stats["cached"] - before["cached"] == 2


def test_html_svg_format(tmp_path):
    src = _project(tmp_path / "src", "svg")
    code, _ = _build(src, "html", tmp_path / "html")
    assert code == 0
    page = (tmp_path / "html" / "index.html").read_text()
    src_svg = re.search(r'<img class="convviz" src="([^"]+\.svg)"', page).group(1)
    text = (tmp_path / "html" / src_svg).read_text()
    assert text.count(' data-frame="') == convviz.animate("padding_strides").frame_count


def test_latex_build_includes_vector_pdfs(tmp_path):
    src = _project(tmp_path / "src")
    code, _ = _build(src, "latex", tmp_path / "latex")
    assert code == 0
    tex = next((tmp_path / "latex").glob("*.tex")).read_text()
    names = re.findall(r"\\sphinxincludegraphics\[[^\]]*\]\{([^}]+)\}", tex)
    assert len(names) == 2
    sizes = [convviz.animate("padding_strides").size,
             convviz.animate(convviz.ConvSpec(5, 3, stride=2, padding=1), "classic").size]
    for name, (width, height) in zip(names, sizes):
        data = (tmp_path / "latex" / name).read_bytes()
        assert data.startswith(b"%PDF") and data.count(b"/MediaBox") == 1
        assert f"/MediaBox [ 0 0 {width} {height} ]".encode() in data
    assert r"\caption{Padding 1, stride 2.}" in tex


@pytest.mark.parametrize("options, message", [
    ({"input": "5"}, "at least input and kernel"),
    ({"preset": "dilation", "kernel": "3"}, "not both"),
    ({"input": "5", "kernel": "x"}, "kernel must be"),
    ({"input": "5", "kernel": "3", "colour": "red"}, "unknown option colour"),
    ({"input": "5", "kernel": "3", "numbers": "maybe"}, "numbers is a flag"),
])
def test_bad_options_name_the_option(options, message):
    with pytest.raises(convviz.SpecError, match=message):
        embed.parse_options(options)


def test_sphinx_gallery_scraper_shows_animations(tmp_path):
    require_module("sphinx_gallery")
    src = tmp_path / "src"
    (src / "examples").mkdir(parents=True)
    (src / "conf.py").write_text(
        "from convviz.sphinxext import gallery_scraper\nproject = 'g'\n"
        "extensions = ['sphinx_gallery.gen_gallery']\n"
        "sphinx_gallery_conf = {'examples_dirs': 'examples', 'gallery_dirs': 'auto_examples',"
        " 'image_scrapers': (gallery_scraper,)}\n")
    (src / "index.rst").write_text("T\n=\n\n.. toctree::\n\n   auto_examples/index\n")
    (src / "examples" / "README.txt").write_text("Examples\n========\n")
    (src / "examples" / "plot_conv.py").write_text(
        '"""\nTwo animations\n==============\n\nOne block.\n"""\nimport convviz\n\n'
        'a = convviz.animate("padding_strides")\nb = convviz.animate("dilation")\n'
        "c = a  # the same animation: shown once\n")
    code, _ = _build(src, "html", tmp_path / "html")
    assert code == 0
    page = (tmp_path / "html" / "auto_examples" / "plot_conv.html").read_text()
    srcs = sorted(set(re.findall(r'<img src="\.\./(_images/[^"]+\.gif)"', page)))
    assert len(srcs) == 2
    counts = sorted(Image.open(tmp_path / "html" / s).n_frames for s in srcs)
    assert counts == sorted(convviz.animate(n).frame_count for n in ("padding_strides",
                                                                        "dilation"))
