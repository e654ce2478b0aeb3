"""The SVG writer's shortcuts change no byte.

An SVG of a figure-based source writes what it drew before again from the writer calls
noted the first time (convviz.draw.vector_memo): a flat renderer's artist in a look it had
before, a path, a collection or one of its paths in the same look; a text's size is
measured once. A diagram draws its static picture once and its changing artists on top
in each frame, as its raster frames are drawn. The gallery's GIF takes the raster frames
its SVG drew (convviz.site.pictures). Each is checked against the plain way: every
artist and path drawn by matplotlib every frame, the Animation drawing its own frames.
"""

from __future__ import annotations

import hashlib

import pytest

from convviz.animation import animate
from convviz.draw import vector, vector_memo
from convviz.encode.vector import svg_bytes, svg_frames
from convviz.site import pictures
from convviz.site.models import LIGHT_THEME, ImageJob
from convviz.site.themed import themed_frames, themed_svg

# a flat renderer (the scatter view), a diagram in English and one in Chinese
SOURCES = [
    ("no_padding_no_strides_transposed", {"view": "scatter"}),
    ("padding_strides_transposed", {"view": "scatter", "numbers": True}),
    ("highway_block", {}),
    ("glu_block_same", {"lang": "zh"}),
]


class _Forgetful(dict):  # type: ignore[type-arg]
    """A cache that never holds anything."""

    def __setitem__(self, key: object, value: object) -> None:
        pass


def _plain_flat(flat, renderer):
    for artist in flat._order:  # every artist drawn by matplotlib, in the full draw's order
        artist.draw(renderer)


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every artist and path drawn by matplotlib (its own draw_path, style and all): nothing
    replayed, nothing remembered."""
    monkeypatch.setattr(vector_memo, "path_key", lambda gc, path, transform, face: None)
    monkeypatch.setattr(vector_memo, "collection_key", lambda args, kwargs: None)
    monkeypatch.setattr(vector_memo, "draw_items", lambda *args, **kwargs: False)
    monkeypatch.setattr(vector_memo, "draw_flat", _plain_flat)
    monkeypatch.setattr(vector_memo, "METRICS", _Forgetful())
    monkeypatch.setattr(vector_memo, "style_key", lambda gc, face: None)  # its draw_path


@pytest.mark.parametrize(("name", "options"), SOURCES)
def test_replayed_svg_is_the_whole_drawing(name, options, monkeypatch):
    replays = []
    again = vector_memo.write_again
    monkeypatch.setattr(vector_memo, "write_again",
                        lambda r, tap, events: (replays.append(1), again(r, tap, events)))
    monkeypatch.setattr(vector_memo, "STYLES", {})
    anim = animate(name, labels=False, **options)
    fast = svg_bytes(anim, duration_ms=anim.duration_ms)
    poster = svg_bytes(anim, frame=int(anim.poster_frame))
    assert replays, "nothing was replayed: the shortcut is not in use"
    assert vector_memo.STYLES, "no path was written the lean way"
    with monkeypatch.context() as plain:
        _plain(plain)
        whole = animate(name, labels=False, **options)
        assert svg_bytes(whole, duration_ms=whole.duration_ms) == fast
        assert svg_bytes(whole, frame=int(whole.poster_frame)) == poster


def test_a_diagram_draws_its_static_picture_once(monkeypatch):
    anim = animate("highway_block", labels=False)
    statics = []
    draw = vector.draw_static

    def spy(source, renderer):
        statics.append(renderer)
        return draw(source, renderer)

    monkeypatch.setattr(vector, "draw_static", spy)
    text = svg_bytes(anim, duration_ms=anim.duration_ms).decode()
    assert len(statics) == 1  # one document, one static picture
    tap = statics[0].writer
    assert tap.paths  # paths and collections noted, to be written again
    assert tap.texts  # and, where the writer stood as it did then, their text
    assert tap.events is None  # nothing left recording
    # the static picture comes before the frames, which hold only what changes
    first = text.index('<g id="frame0"')
    assert text.count("<text", 0, first) > 10
    assert all(text.count("<text", text.index(f'<g id="frame{n}"'),
                          text.index("</g>\n", text.index(f'<g id="frame{n}"'))) <= 1
               for n in range(anim.frame_count))


def test_collection_items_are_drawn_as_matplotlib_draws_them(monkeypatch):
    """The per-path collection drawing makes the same draw_path calls as matplotlib's."""
    fast = {}
    for name in ("separable_conv", "stack_plain_vs_dilated"):
        anim = animate(name, labels=False)
        fast[name] = svg_bytes(anim, duration_ms=anim.duration_ms)
    with monkeypatch.context() as plain:
        plain.setattr(vector_memo, "draw_items", lambda *args, **kwargs: False)
        plain.setattr(vector_memo, "collection_key", lambda args, kwargs: None)
        plain.setattr(vector_memo, "style_key", lambda gc, face: None)  # matplotlib's draw_path
        for name, data in fast.items():
            anim = animate(name, labels=False)
            assert svg_bytes(anim, duration_ms=anim.duration_ms) == data, name


def _scattered(anim):
    """The animation with a collection whose items sit at offsets added to its picture
    (shapes in pixels placed by data offsets, colours and widths per item, as a user's own
    figure may hold: no built-in picture has one)."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D

    ax = anim.source.ax
    square = Path([(0, 0), (9, 0), (9, 9), (0, 9), (0, 0)], closed=True)
    triangle = Path([(0, 0), (12, 0), (6, 10.5), (0, 0)], closed=True)
    ax.add_collection(PathCollection(
        [square, triangle], offsets=[(40.5, 30), (90.25, 61.5), (140, 30.75)],
        offset_transform=ax.transData.get_affine(), transform=Affine2D().scale(1.5),
        facecolors=["#268bd2", "#dc322f", "#859900"], edgecolors="#073642",
        linewidths=[0.5, 1, 2], zorder=9), autolim=False)
    return anim


def test_collection_items_at_offsets_are_drawn_as_matplotlib_draws_them(monkeypatch):
    placed = []
    items = vector_memo.draw_items

    def spy(renderer, gc, master, paths, transforms, offsets, *args, **kwargs):
        drawn = items(renderer, gc, master, paths, transforms, offsets, *args, **kwargs)
        placed.append(drawn and len(offsets) == 3)
        return drawn

    monkeypatch.setattr(vector_memo, "draw_items", spy)
    anim = _scattered(animate("highway_block", labels=False))
    fast = svg_bytes(anim, duration_ms=anim.duration_ms)
    assert any(placed), "the items at offsets were not drawn by draw_items"
    with monkeypatch.context() as plain:
        _plain(plain)
        anim = _scattered(animate("highway_block", labels=False))
        assert svg_bytes(anim, duration_ms=anim.duration_ms) == fast


# the gallery's animated SVGs are made from their pieces (convviz.encode.vector.svg_frames,
# convviz.site.themed.themed_frames): a flat renderer's artist in a look it had before is
# not drawn again, one of the same shape and look elsewhere is moved there
PIECES = [*SOURCES,
          ("arbitrary_padding_no_strides_transposed", {"view": "scatter", "scale": 1.5}),
          ("dilation_transposed", {"view": "scatter", "theme": "classic"}),
          ("wavenet", {"lang": "zh"})]


@pytest.mark.parametrize(("name", "options"), PIECES)
def test_the_svg_made_from_its_pieces_is_the_whole_document_made_themable(name, options,
                                                                         monkeypatch):
    moved: list[bool] = []
    move = vector_memo.moved_piece

    def spy(piece: str, dx: float, dy: float) -> str | None:
        result = move(piece, dx, dy)
        moved.append(result is not None)
        return result

    monkeypatch.setattr(vector_memo, "moved_piece", spy)
    anim = animate(name, labels=False, **options)
    whole = themed_svg(svg_bytes(anim, duration_ms=anim.duration_ms))
    anim = animate(name, labels=False, **options)
    parts = svg_frames(anim, duration_ms=anim.duration_ms)
    assert parts is not None and len(parts.frames) == anim.frame_count
    assert themed_frames(parts) == whole
    pieces = [piece for frame in parts.frames for piece in frame]
    if options.get("view") == "scatter":  # a flat renderer: pieces used again, and moved
        assert len({id(piece) for piece in pieces}) < len(pieces)
        assert sum(moved) > len(moved) / 2
    else:  # a diagram: each frame's changing artists, one piece
        assert all(len(frame) == 1 for frame in parts.frames)


def test_a_piece_is_moved_as_a_draw_elsewhere_writes_it():
    piece = (' <g id="patch_3">\n  <path d="M 51.000087 67.9992 \nL 85.000145 67.9992 \nz\n" '
             'clip-path="url(#p1)" style="fill: #c9e2f4"/>\n </g>\n'
             ' <g id="text_2">\n  <text style="font-size: 14px" transform="translate(206.03263 '
             '206.689199)">1</text>\n </g>\n')
    moved = vector_memo.moved_piece(piece, 34.0, -17.5)
    assert 'd="M 85.000087 50.4992 \nL 119.000145 50.4992 \nz\n"' in moved
    assert 'transform="translate(240.03263 189.189199)"' in moved
    assert moved.replace("85.000087 50.4992", "").count("clip-path") == 1
    assert vector_memo.moved_piece(piece, 0.0, 0.0) == piece
    # what it cannot move: curves, positions of other kinds, rotated texts
    for other in ('<path d="M 0 0 C 1 1 2 2 3 3"/>', '<rect x="1" y="2"/>',
                  '<text transform="translate(1 2) rotate(-90)">a</text>',
                  '<use xlink:href="#m1" x="3"/>'):
        assert vector_memo.moved_piece(other, 1.0, 1.0) is None, other


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


@pytest.mark.parametrize("name", ["padding_strides_odd_transposed", "dilation"])
def test_an_oblique_png_is_the_poster_its_gif_drew(name, monkeypatch):
    pictures._animation.cache_clear()
    pictures._DRAWN.clear()
    gif = pictures.render_picture(_job(name, "a.gif", False))
    anim = pictures._animation(name, _job(name, "a.gif", False).options)
    monkeypatch.setattr(anim.source, "_draw", None)  # nothing is drawn again
    png = pictures.render_picture(_job(name, "a.png", True))
    fresh = animate(name, labels=False, theme=LIGHT_THEME)
    assert gif == fresh.to_gif_bytes()
    assert png == fresh.to_png_bytes()


#: sha256 of gallery pictures drawn by the code before the shortcuts (commit baf8664); the
#: diagram's SVGs since it draws its static picture once (as its raster frames are drawn)
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
        "ea50de16fc04f308671f03fdba4fe6732a1ef071847c693c66013368179ee056",
    ("highway_block", "zh", "a.svg"):
        "ed7e08fc19f41f31c96347eab46f976f2454d5c670c44e24b0661cd943b0bb86",
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
