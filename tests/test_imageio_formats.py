"""Formats other than GIF and PNG go through imageio's v3 API: an animated WebP
(written by imageio's Pillow plugin, which every install has) holds every frame.
This is what pins imageio's lower bound in pyproject.toml."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageSequence

import convviz
from convviz.encode import imageio_formats as writers


def _frames() -> list[np.ndarray]:
    """Flat colours (lossy WebP keeps them almost exactly): a square walking right."""
    frames = []
    for k in range(3):
        frame = np.full((24, 32, 3), 255, np.uint8)
        frame[4:12, 2 + 8 * k:10 + 8 * k] = (31, 119, 180)
        frames.append(frame)
    return frames


def _read(path) -> list[np.ndarray]:
    with Image.open(path) as image:
        return [np.asarray(f.convert("RGB")).astype(int) for f in ImageSequence.Iterator(image)]


def test_write_imageio_webp_keeps_every_frame(tmp_path):
    frames = _frames()
    path = tmp_path / "a.webp"
    writers.write_imageio(frames, path, 100)
    read = _read(path)
    assert len(read) == len(frames)
    for got, want in zip(read, frames):
        assert got.shape == want.shape
        assert np.abs(got - want).mean() < 4  # lossy, but the same picture
    # the frames differ where the square moved, so they are not one frame repeated
    assert np.abs(read[0] - read[2]).mean() > 10


def test_animation_save_webp(tmp_path):
    anim = convviz.animate(convviz.ConvSpec(4, 3), "classic")
    path = tmp_path / "conv.webp"
    anim.save(path)
    read = _read(path)
    assert len(read) == anim.frame_count
    assert np.abs(read[2] - anim.frames[2].astype(int)).mean() < 4
