"""frames: the frame-source protocol every picture maker provides, and the poster frame."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import convviz
from convviz import SpecError
from convviz.animation import Animation
from convviz.frames import FrameSource, IndexedFrameSource, poster_frame


class Bar:
    """A minimal frame source: a bar that grows one step per frame."""

    caption = "a growing bar"

    def __init__(self, frames: int = 5, poster: int | None = 3) -> None:
        self.frame_count = frames
        self.size = (24, 10)
        if poster is not None:
            self.poster_frame = poster
        self.drawn: list[int] = []

    def frame(self, n: int) -> np.ndarray:
        self.drawn.append(n)
        out = np.full((10, 24, 3), 250, np.uint8)
        out[3:7, : 4 * (n + 1)] = (38, 139, 210)
        return out


def test_a_plain_class_with_the_five_members_is_a_frame_source():
    assert isinstance(Bar(), FrameSource)
    assert not isinstance(Bar(), IndexedFrameSource)
    assert not isinstance(Bar(poster=None), FrameSource)  # poster_frame is part of it


@pytest.mark.parametrize("name", ["padding_strides", "dilation", "wavenet", "separable_conv",
                                  "glu_block", "path_length"])
def test_the_oblique_renderer_and_the_diagrams_are_frame_sources(name):
    source = convviz.animate(name).source
    assert isinstance(source, FrameSource)
    assert 0 <= source.poster_frame < source.frame_count


def test_the_oblique_renderer_is_an_indexed_frame_source():
    source = convviz.animate("padding_strides", "classic").source
    assert isinstance(source, IndexedFrameSource)
    n = source.poster_frame
    np.testing.assert_array_equal(source.frame_palette[source.frame_indices(n)], source.frame(n))


def test_animation_stills_show_the_sources_poster_frame():
    """The WaveNet diagram's poster is the frame it names (not the middle one)."""
    anim = convviz.animate("wavenet")
    wanted = anim.source.poster_frame
    assert wanted != anim.frame_count // 2  # else this test could not tell them apart
    assert anim.poster_frame == wanted
    still = np.asarray(Image.open(io.BytesIO(anim.to_png_bytes())).convert("RGB"))
    np.testing.assert_array_equal(still, anim.frame(wanted))


def test_poster_frame_fallbacks():
    assert poster_frame(Bar(poster=4)) == 4
    assert poster_frame(Bar(frames=7, poster=None)) == 3  # no poster_frame: the middle one

    class Older(Bar):
        representative_frame = 1  # one name only: the old one is not read

    assert poster_frame(Older(poster=None)) == 2
    with pytest.raises(SpecError, match=r"poster_frame=9 .*0 … 4"):
        poster_frame(Bar(poster=9))


def test_animation_of_a_custom_source_saves_every_format(tmp_path):
    source = Bar()
    anim = Animation(lambda: source, duration=0.2)
    anim.save(tmp_path / "a.gif")
    anim.save(tmp_path / "a.png")
    anim.save(tmp_path / "s.png", sheet=True)
    assert Image.open(tmp_path / "a.gif").n_frames == 5
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "a.png").convert("RGB")),
                                  source.frame(3))
    assert Image.open(tmp_path / "s.png").size[0] > 24 * 2


def test_saving_a_gif_draws_each_frame_once_and_keeps_none(tmp_path):
    source = Bar(frames=12)
    anim = Animation(lambda: source, duration=0.2)
    anim.save(tmp_path / "a.gif")
    assert sorted(source.drawn) == list(range(12))  # one drawing pass
    assert anim.rendered == 0  # no frame cached by the Animation
    anim.contact_sheet()
    assert anim.rendered == 0
