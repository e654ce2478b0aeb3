"""A real MkDocs site (docs/mkdocs-example) using the convviz fence."""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import numpy as np
from conftest import require_module
from PIL import Image

import convviz
from convviz import embed

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "mkdocs-example"


def _build(root: Path) -> str:
    require_module("mkdocs")
    require_module("pymdownx.superfences")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return (root / "site" / "index.html").read_text()


def _pictures(page: str) -> list[tuple[str, bytes, str]]:
    return [(mime, base64.b64decode(data), alt) for mime, data, alt in re.findall(
        r'<img class="convviz" src="data:([^;]+);base64,([^"]+)" alt="([^"]*)"', page)]


def test_mkdocs_site_embeds_pictures_and_rebuilds_from_cache(tmp_path, monkeypatch):
    root = tmp_path / "site-src"
    shutil.copytree(EXAMPLE, root)
    monkeypatch.setenv("CONVVIZ_CACHE_DIR", str(tmp_path / "cache"))
    before = dict(embed.stats)
    page = _build(root)
    pictures = _pictures(page)
    assert [mime for mime, _, _ in pictures] == ["image/gif", "image/png", "image/svg+xml"]
    anim = convviz.animate("padding_strides")
    gif = Image.open(io.BytesIO(pictures[0][1]))
    assert gif.n_frames == anim.frame_count and gif.size == anim.size
    assert pictures[0][2] == anim.caption
    still = np.asarray(Image.open(io.BytesIO(pictures[1][1])).convert("RGB"))
    spec = convviz.ConvSpec(5, 3, stride=2, padding=1)
    assert np.array_equal(still, convviz.animate(spec, "classic").frame(4))
    assert pictures[1][2] == "The fifth step of a 3×3 kernel over a 5×5 input."
    svg = pictures[2][1].decode()
    assert svg.count(' data-frame="') == convviz.animate("dilation").frame_count
    assert "<figcaption>A 3×3 kernel over a 5×5 input, padding 1, stride 2.</figcaption>" in page
    assert embed.stats["rendered"] - before["rendered"] == 3

    before = dict(embed.stats)
    again = _build(root)
    assert embed.stats["rendered"] == before["rendered"]  # nothing drawn
    assert embed.stats["cached"] - before["cached"] == 3
    assert _pictures(again) == pictures


def test_a_bad_fence_shows_the_error(tmp_path, monkeypatch):
    from convviz.mkdocs_fence import fence_format

    monkeypatch.setenv("CONVVIZ_CACHE_DIR", str(tmp_path))
    out = fence_format("input: 5\nkernel: 3\nstride: two\n", "convviz", "convviz", {}, None)
    assert "stride must be" in out and "<img" not in out
    out = fence_format("preset: padding_strides\nformat: bmp\n", "convviz", "convviz", {}, None)
    assert "format must be" in out
