"""The SVG writer's shortcuts change no byte.

An SVG of a figure-based source (the flat renderers, the diagrams) writes an artist whose
look did not change, and a path drawn before, by replaying the writer calls noted the
first time (convviz.draw.vector); the gallery's GIF takes the raster frames its SVG drew
(convviz.site.pictures). Each is checked against the plain way: matplotlib drawing the
whole figure every frame, the Animation drawing its own frames. The pinned digests were
computed by the code before these shortcuts (commit baf8664), with the same matplotlib.
"""

from __future__ import annotations

import hashlib

import pytest

from convviz.animation import animate
from convviz.draw import vector
from convviz.encode.vector import svg_bytes
from convviz.site import pictures
from convviz.site.models import LIGHT_THEME, ImageJob

# a flat renderer (the scatter view), a diagram in English and one in Chinese
SOURCES = [
    ("no_padding_no_strides_transposed", {"view": "scatter"}),
    ("padding_strides_transposed", {"view": "scatter", "numbers": True}),
    ("highway_block", {}),
    ("glu_block_same", {"lang": "zh"}),
]


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every frame drawn whole by matplotlib: no artist and no path replayed."""
    monkeypatch.setattr(vector, "_memo_keys", lambda source, fig, dynamic: [])
    monkeypatch.setattr(vector, "_path_key", lambda gc, path, transform, face: None)


@pytest.mark.parametrize(("name", "options"), SOURCES)
def test_replayed_svg_is_the_whole_drawing(name, options, monkeypatch):
    replays = []
    replay = vector._replay
    monkeypatch.setattr(vector, "_replay",
                        lambda r, tap, events: (replays.append(1), replay(r, tap, events)))
    anim = animate(name, labels=False, **options)
    fast = svg_bytes(anim, duration_ms=anim.duration_ms)
    poster = svg_bytes(anim, frame=int(anim.poster_frame))
    assert replays, "no artist was replayed: the shortcut is not in use"
    with monkeypatch.context() as plain:
        _plain(plain)
        whole = animate(name, labels=False, **options)
        assert svg_bytes(whole, duration_ms=whole.duration_ms) == fast
        assert svg_bytes(whole, frame=int(whole.poster_frame)) == poster


def test_paths_drawn_once_then_replayed(monkeypatch):
    anim = animate("highway_block", labels=False)
    taps = []
    draw = vector._draw_memoised

    def spy(fig, renderer, keys):
        draw(fig, renderer, keys)
        taps.append(renderer.writer)

    monkeypatch.setattr(vector, "_draw_memoised", spy)
    svg_bytes(anim, duration_ms=anim.duration_ms)
    tap = taps[-1]
    assert len({id(t) for t in taps}) == 1  # one document, one memo
    assert tap.paths and tap.memo
    assert tap.events is None  # nothing left recording


def _job(name: str, path: str, still: bool, **extra: object) -> ImageJob:
    options = tuple(sorted({"labels": False, "theme": LIGHT_THEME, **extra}.items()))
    return ImageJob(f"img/{path}", name, options, "representative" if still else None, "",
                    True)


@pytest.mark.parametrize(("name", "options"), SOURCES[::2])
def test_gif_and_png_from_the_svg_frames_are_the_animation_s(name, options):
    pictures._animation.cache_clear()
    pictures._themed.cache_clear()
    svg = pictures.render_picture(_job(name, "a.svg", False, **options))
    assert svg.startswith(b"<svg")
    key = next(iter(pictures._DRAWN))
    assert len(pictures._DRAWN[key]) == animate(name, labels=False, **options).frame_count
    gif = pictures.render_picture(_job(name, "a.gif", False, **options))
    png = pictures.render_picture(_job(name, "a.png", True, **options))
    fresh = animate(name, labels=False, theme=LIGHT_THEME, **options)
    assert gif == fresh.to_gif_bytes()
    assert png == fresh.to_png_bytes()


#: sha256 of gallery pictures drawn by the code before the shortcuts (commit baf8664)
PINNED = {
    ("no_padding_no_strides_transposed", "scatter", "a-still.svg"):
        "a99b4f6c30bf7b9f77a404fd1803c092003e1a44e295c5a81c91d57d75d28034",
    ("no_padding_no_strides_transposed", "scatter", "a.svg"):
        "03a66bdc02b4c888edfd73015adc42cef163cdeb9acf0da7bcbdd5dacfbdf38c",
    ("no_padding_no_strides_transposed", "scatter", "a.gif"):
        "473e4a0b25019287c916990d13a0732a3ce067a424aa25bd90d2bc88036a02ab",
    ("no_padding_no_strides_transposed", "scatter", "a.png"):
        "61f0ff19e0f6d905c01871909902013fa37fe53d0009d8793631378487b573bf",
    ("highway_block", "zh", "a-still.svg"):
        "7e7f94b4ba53236a76ccac2cdbf51eebc55bf6fd21f6e5e624e9a2a2ad3570cd",
    ("highway_block", "zh", "a.svg"):
        "6fa434de1887d5a053e68a52b965806a66cacacb3457336227a4f9c2ff1c9acc",
    ("highway_block", "zh", "a.gif"):
        "25ec0b816bc8046d0985a3b77ccfd4d331625618d7d1c17f6c0cef80090c1dd4",
    ("highway_block", "zh", "a.png"):
        "ad1e7abf4f176cbd04b9bebc5f2e69a7350aa811efe22c617216ed3e3ed593b7",
}


@pytest.mark.parametrize("name", ["no_padding_no_strides_transposed", "highway_block"])
def test_gallery_pictures_keep_their_bytes(name):
    pictures._animation.cache_clear()
    pictures._themed.cache_clear()
    pictures._DRAWN.clear()
    extra = {"view": "scatter"} if name.endswith("transposed") else {"lang": "zh"}
    tag = next(iter(extra.values()))
    # in the builder's order: the SVGs first, then the downloads
    for path, still in [("a-still.svg", True), ("a.svg", False), ("a.gif", False),
                        ("a.png", True)]:
        data = pictures.render_picture(_job(name, path, still, **extra))
        assert hashlib.sha256(data).hexdigest() == PINNED[name, tag, path], path
