"""writers: GIF/PNG/contact-sheet encoding and atomic files.

The GIF checks decode with Pillow (an independent decoder) and also walk the
file's blocks with a small parser written here from the GIF89a spec.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageSequence

from convviz import OutputError, SpecError
from convviz.encode import atomic, gif, imageio_formats, png, sheet
from convviz.encode import palette as pal

WHITE, BLUE, CYAN, INK = (255, 255, 255), (38, 139, 210), (42, 161, 152), (0, 43, 54)


def moving_square_frames(n: int = 5, h: int = 40, w: int = 56) -> list[np.ndarray]:
    """Few-colour frames: a blue square walking right over a white ground, an ink border."""
    frames = []
    for k in range(n):
        f = np.full((h, w, 3), WHITE, np.uint8)
        f[0, :] = INK
        f[5:15, 4 + 6 * k : 14 + 6 * k] = BLUE
        f[30:35, 40:45] = CYAN if k % 2 else INK
        frames.append(f)
    return frames


def decode(data: bytes) -> tuple[list[np.ndarray], list[int], dict]:
    image = Image.open(io.BytesIO(data))
    info = dict(image.info)
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        frames.append(np.asarray(frame.convert("RGB")))
        durations.append(frame.info.get("duration"))
    return frames, durations, info


def gif_blocks(data: bytes) -> dict:
    """Parse a GIF89a: loop count, per-frame (delay, disposal, transparent?, left, top, w, h)."""
    assert data[:6] == b"GIF89a"
    width, height, packed = struct.unpack("<HHB", data[6:11])
    pos = 13
    if packed & 0x80:
        pos += 3 * (2 << (packed & 7))
    loop = None
    frames = []
    control = None
    while True:
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension
            label = data[pos + 1]
            pos += 2
            chunks = []
            while data[pos]:
                chunks.append(data[pos + 1 : pos + 1 + data[pos]])
                pos += 1 + data[pos]
            pos += 1
            if label == 0xFF and chunks[0] == b"NETSCAPE2.0":
                loop = struct.unpack("<H", chunks[1][1:3])[0]
            elif label == 0xF9:
                flags, delay, _ = struct.unpack("<BHB", chunks[0])
                control = (delay, (flags >> 2) & 7, bool(flags & 1))
        elif block == 0x2C:  # image descriptor
            left, top, w, h, flags = struct.unpack("<HHHHB", data[pos + 1 : pos + 10])
            pos += 10
            if flags & 0x80:
                pos += 3 * (2 << (flags & 7))
            pos += 1  # LZW minimum code size
            while data[pos]:
                pos += 1 + data[pos]
            pos += 1
            frames.append((control, (left, top, w, h)))
            control = None
        else:
            raise AssertionError(f"unexpected block {block:#x} at {pos}")
    return {"size": (width, height), "loop": loop, "frames": frames}


# -- GIF -------------------------------------------------------------------------------------------
def test_gif_loops_forever_and_decodes_to_the_input_frames():
    frames = moving_square_frames()
    data = gif.write_gif(frames, None, 1000)
    decoded, durations, info = decode(data)
    assert info["loop"] == 0
    assert len(decoded) == len(frames)
    for got, want in zip(decoded, frames):
        np.testing.assert_array_equal(got, want)
    assert durations == [1000] * len(frames)
    parsed = gif_blocks(data)
    assert parsed["loop"] == 0
    assert parsed["size"] == (56, 40)


def test_gif_per_frame_durations_in_milliseconds():
    frames = moving_square_frames(4)
    data = gif.write_gif(frames, None, [100, 250, 1000, 40])
    _, durations, _ = decode(data)
    assert durations == [100, 250, 1000, 40]
    delays = [control[0] for control, _ in gif_blocks(data)["frames"]]
    assert delays == [10, 25, 100, 4]  # hundredths of a second


def test_later_frames_store_only_the_changed_rectangle():
    frames = moving_square_frames()
    parsed = gif_blocks(gif.write_gif(frames, None, 500))
    (_, first_rect), *rest = parsed["frames"]
    assert first_rect == (0, 0, 56, 40)
    for n, (control, rect) in enumerate(rest, start=1):
        changed = (frames[n] != frames[n - 1]).any(-1)
        rows, cols = np.flatnonzero(changed.any(1)), np.flatnonzero(changed.any(0))
        expected = (cols[0], rows[0], cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1)
        assert rect == tuple(int(v) for v in expected)
        assert control[1] == 1  # disposal: leave in place, the next frame draws over it
        assert control[2]  # a transparent index for unchanged pixels


def test_identical_frames_are_kept_as_frames():
    frames = moving_square_frames(2)
    frames = [frames[0], frames[0].copy(), frames[1]]
    decoded, durations, _ = decode(gif.write_gif(frames, None, 300))
    assert len(gif_blocks(gif.write_gif(frames, None, 300))["frames"]) == 3
    assert sum(durations) == 900
    np.testing.assert_array_equal(decoded[-1], frames[-1])


def test_many_colours_are_quantised_closely():
    y, x = np.mgrid[0:48, 0:64]
    frames = []
    for k in range(3):
        f = np.stack([x * 4, y * 5, np.full_like(x, 60 * k)], -1).astype(np.uint8)
        frames.append(f)
    assert pal.count_colours(frames) > 256
    decoded, _, _ = decode(gif.write_gif(frames, None, 100))
    assert len(decoded) == 3
    for got, want in zip(decoded, frames):
        error = np.abs(got.astype(int) - want.astype(int))
        assert error.mean() < 12 and error.max() < 64  # a wrong mapping errs by ~100


def test_palette_is_exact_and_sorted_for_few_colours():
    frames = moving_square_frames()
    palette, indexed = pal.build_palette(frames)
    colours = {tuple(c) for f in frames for c in f.reshape(-1, 3)}
    assert {tuple(c) for c in palette} == colours
    keys = [(r << 16) | (g << 8) | b for r, g, b in palette.astype(int)]
    assert keys == sorted(keys)
    for f, idx in zip(frames, indexed):
        np.testing.assert_array_equal(palette[idx], f)


_DETERMINISM_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from test_writers import moving_square_frames
from convviz.encode import gif
import numpy as np
rng = np.random.default_rng(7)
frames = moving_square_frames() + [rng.integers(0, 256, (40, 56, 3), dtype=np.uint8)]
print(hashlib.sha256(gif.write_gif(frames, None, [200] * 6)).hexdigest())
"""


def test_gif_bytes_are_identical_across_processes():
    script = _DETERMINISM_SCRIPT.format(tests=os.path.dirname(__file__))
    runs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        .stdout.strip()
        for _ in range(2)
    ]
    rng = np.random.default_rng(7)
    frames = moving_square_frames() + [rng.integers(0, 256, (40, 56, 3), dtype=np.uint8)]
    here = hashlib.sha256(gif.write_gif(frames, None, [200] * 6)).hexdigest()
    assert runs[0] == runs[1] == here


def test_write_gif_to_a_path_equals_the_bytes(tmp_path):
    frames = moving_square_frames()
    path = tmp_path / "sub" / "anim.gif"
    assert gif.write_gif(frames, path, 1000) is None
    assert path.read_bytes() == gif.write_gif(frames, None, 1000)


def test_a_frame_source_is_accepted():
    frames = moving_square_frames(3)

    class Source:
        frame_count = 3
        size = (56, 40)
        caption = "three frames"

        def frame(self, n):
            return frames[n]

    assert gif.write_gif(Source(), None, 100) == gif.write_gif(frames, None, 100)


@pytest.mark.parametrize(
    "frames, duration, message",
    [
        ([], 100, "at least one frame"),
        ([np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4, 3), np.uint8)], 100, "same size"),
        ([np.zeros((4, 4), np.uint8)], 100, "(H, W, 3)"),
        ([np.zeros((4, 4, 3), np.float32)], 100, "uint8"),
        ([np.zeros((4, 4, 3), np.uint8)], 0, "duration_ms"),
        ([np.zeros((4, 4, 3), np.uint8)] * 2, [100], "one number per frame"),
    ],
)
def test_bad_frames_and_durations_raise_spec_error(frames, duration, message):
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gif.write_gif(frames, None, duration)


# -- PNG and contact sheets ------------------------------------------------------------------------
def test_png_round_trip_is_exact(tmp_path):
    frame = moving_square_frames(1)[0]
    png.write_png(frame, tmp_path / "still.png")
    np.testing.assert_array_equal(
        np.asarray(Image.open(tmp_path / "still.png").convert("RGB")), frame
    )
    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)  # > 256 colours: RGB PNG
    data = png.write_png(noisy, None)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), noisy)


@pytest.mark.parametrize(("colours", "mode"), [(256, "P"), (257, "RGB")])
def test_png_is_a_palette_png_up_to_256_colours(colours, mode):
    """Every colour counted, however its pixels lie (runs, lone pixels, the last pixel)."""
    rng = np.random.default_rng(colours)
    table = rng.permutation(1 << 24)[:colours]
    keys = np.resize(np.repeat(table, 2), 27 * 29)  # every colour, in runs of two
    rng.shuffle(keys[: 27 * 29 // 2])  # half in runs, half scattered
    frame = np.stack([(keys >> 16) & 255, (keys >> 8) & 255, keys & 255], -1).astype(
        np.uint8).reshape(27, 29, 3)
    assert len(np.unique(keys)) == colours
    image = Image.open(io.BytesIO(png.write_png(frame, None)))
    assert image.mode == mode
    np.testing.assert_array_equal(np.asarray(image.convert("RGB")), frame)


def test_contact_sheet_holds_every_frame_in_a_grid():
    frames = moving_square_frames(5)
    grid = sheet.contact_sheet(frames, columns=3, gap=4, label_height=12)
    h, w = frames[0].shape[:2]
    assert grid.shape == (2 * (h + 12 + 4) + 4, 3 * (w + 4) + 4, 3)
    for k, frame in enumerate(frames):
        r, c = divmod(k, 3)
        y, x = 4 + r * (h + 12 + 4), 4 + c * (w + 4)
        np.testing.assert_array_equal(grid[y : y + h, x : x + w], frame)
        label = grid[y + h : y + h + 12, x : x + w]
        assert (label != 255).any(), f"frame {k + 1} has no number under it"


# -- atomic writes ---------------------------------------------------------------------------------
def test_atomic_write_leaves_nothing_behind_on_error(tmp_path):
    target = tmp_path / "out.gif"
    with pytest.raises(RuntimeError), atomic.atomic_write(target) as handle:
        handle.write(b"partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_the_old_file_on_keyboard_interrupt(tmp_path):
    target = tmp_path / "out.gif"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), atomic.atomic_write(target) as handle:
        handle.write(b"new")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.gif"]


def test_atomic_write_replaces_on_success(tmp_path):
    target = tmp_path / "deep" / "er" / "out.txt"
    with atomic.atomic_write(target, "w") as handle:
        handle.write("hello")
    assert target.read_text() == "hello"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_atomic_write_refuses_a_parent_that_is_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    target = blocker / "sub" / "x.gif"
    with pytest.raises(OutputError, match="is a file") as info, atomic.atomic_write(target) as f:
        f.write(b"x")
    assert str(target) in str(info.value)
    assert blocker.read_text() == "not a directory"


def test_atomic_write_refuses_a_directory(tmp_path):
    with pytest.raises(OutputError, match="directory"), atomic.atomic_write(tmp_path):
        pass


# -- other formats ---------------------------------------------------------------------------------
def test_unknown_extension_names_the_extension(tmp_path):
    with pytest.raises(SpecError, match=r"\.xyz"):
        imageio_formats.write_imageio(moving_square_frames(2), tmp_path / "a.xyz", 100)
    assert list(tmp_path.iterdir()) == []


class ListSource:
    """A frame source over a list of frames (counts how often each frame is drawn)."""

    def __init__(self, frames, poster=0):
        self.frames = frames
        self.frame_count = len(frames)
        self.size = (frames[0].shape[1], frames[0].shape[0])
        self.caption = "test frames"
        self.poster_frame = poster
        self.drawn = 0

    def frame(self, n):
        self.drawn += 1
        return self.frames[n].copy()


def test_the_registry_dispatches_on_extension(tmp_path):
    from convviz.encode import registry

    frames = moving_square_frames(3)
    source = ListSource(frames, poster=2)
    options = {"duration_ms": 100, "overwrite": False, "frame": None, "sheet": False,
               "columns": None}
    registry.writer_for(tmp_path / "a.GIF")(source, tmp_path / "a.gif", **options)
    registry.writer_for(tmp_path / "b.png")(source, tmp_path / "b.png", **options)
    assert Image.open(tmp_path / "a.gif").n_frames == 3
    assert (tmp_path / "a.gif").read_bytes() == gif.write_gif(frames, None, 100)
    # a still defaults to the source's poster frame
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "b.png").convert("RGB")),
                                  frames[2])
    assert registry.extensions() == (".apng", ".gif", ".mp4", ".pdf", ".png", ".svg", ".webm",
                                     ".webp")
    assert registry.writer_for("x.mkv") is registry.writer_for("x.tiff")  # the fallback
    assert registry.writer_for("x.mkv") is not registry.writer_for("x.webp")
    with pytest.raises(SpecError, match="no extension"):
        registry.writer_for(tmp_path / "noext")


def test_a_registered_writer_is_used_by_animation_save(tmp_path, monkeypatch):
    import convviz
    from convviz.encode import registry

    calls = []

    def fake(source, path, **options):
        calls.append((source.frame_count, path.name, options["overwrite"]))
        path.write_text("fake")

    monkeypatch.setitem(registry._WRITERS, ".fake", fake)
    anim = convviz.animate(convviz.ConvSpec(4, 3), "classic")
    anim.save(tmp_path / "x.fake", overwrite=False)
    assert calls == [(anim.frame_count, "x.fake", False)]
    assert (tmp_path / "x.fake").read_text() == "fake"
    with pytest.raises(SpecError, match="extension"):
        registry.register("a/b", fake)


def test_register_adds_an_extension(monkeypatch):
    from convviz.encode import registry

    monkeypatch.setattr(registry, "_WRITERS", dict(registry._WRITERS))

    def writer(source, path, **options):
        pass

    registry.register("TIFF", writer)
    assert registry.writer_for("a.tiff") is writer
    assert ".tiff" in registry.extensions()
    with pytest.raises(TypeError, match="callable"):
        registry.register(".x", "not a writer")


# -- palette and patch helpers against plain references --------------------------------------------
def test_distinct_colours_equal_numpy_unique():
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 1 << 24, size=5000).astype(np.uint32)
    keys = np.concatenate([keys, keys[:100], np.array([0, (1 << 24) - 1], np.uint32)])
    colours, _, marks = pal._distinct(keys)
    np.testing.assert_array_equal(colours, np.unique(keys))
    assert marks.sum() == len(colours)


@pytest.mark.parametrize("shape", [(5, 7), (4, 4), (1, 3), (9, 11)])
def test_changed_pixels_equal_a_plain_comparison(shape):
    rng = np.random.default_rng(sum(shape))
    a = rng.integers(0, 4, size=(*shape, 3)).astype(np.uint8)
    b = a.copy()
    mask = rng.random(shape) < 0.3
    b[mask, rng.integers(0, 3)] += 1
    want = np.flatnonzero((a != b).any(-1))
    np.testing.assert_array_equal(pal._changed(a, b), want)


@pytest.mark.parametrize("channels", [None, 3])
def test_changed_box_is_the_tightest_box_of_the_changed_pixels(channels):
    rng = np.random.default_rng(5)
    for _ in range(200):
        shape = (int(rng.integers(1, 12)), int(rng.integers(1, 12)))
        a = rng.integers(0, 3, shape if channels is None else (*shape, channels),
                         dtype=np.uint8)
        b = a.copy()
        b[rng.random(a.shape) < rng.choice([0.0, 0.02, 0.3])] ^= 1
        differs = (a != b) if channels is None else (a != b).any(axis=2)
        ys, xs = np.nonzero(differs)
        want = (0, 0, 0, 0) if ys.size == 0 else (
            int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1)
        assert gif._changed_box(b, a) == want


def test_transparent_runs_follow_the_rule():
    """Changed pixels keep their index; an unchanged pixel keeps it only when it lies
    in a row's run of one index that holds a changed pixel; else transparent."""
    rng = np.random.default_rng(7)
    patch = rng.integers(0, 3, size=(9, 13)).astype(np.uint8)
    changed = rng.random((9, 13)) < 0.2
    got = gif._transparent_runs(patch, changed, 200)
    for r in range(9):
        c = 0
        while c < 13:
            end = c
            while end + 1 < 13 and patch[r, end + 1] == patch[r, c]:
                end += 1
            keep = changed[r, c : end + 1].any()
            for x in range(c, end + 1):
                assert got[r, x] == (patch[r, x] if keep else 200), (r, x)
            c = end + 1


def test_transparent_runs_take_flat_positions_or_a_mask_alike():
    rng = np.random.default_rng(11)
    patch = rng.integers(0, 3, size=(17, 23)).astype(np.uint8)
    changed = rng.random((17, 23)) < 0.15
    by_mask = gif._transparent_runs(patch, changed, 9)
    by_positions = gif._transparent_runs(patch, np.flatnonzero(changed), 9)
    assert by_positions.dtype == np.uint8 and by_positions.shape == patch.shape
    np.testing.assert_array_equal(by_positions, by_mask)


def test_gif_with_colour_runs_decodes_exactly():
    """Frames whose changes sit inside long runs of one colour (the case the run
    rule rewrites) still decode to exactly the input."""
    base = np.zeros((20, 40, 3), np.uint8)
    base[:, :20] = (200, 10, 10)
    frames = [base]
    for n in range(1, 5):
        f = frames[-1].copy()
        f[n * 3, 5 + n] = (10, 200, 10)
        f[n * 3 + 1, 10:30] = (200, 10, 10)
        frames.append(f)
    decoded, _, _ = decode(gif.write_gif(frames, None, 100))
    for got, want in zip(decoded, frames):
        np.testing.assert_array_equal(got, want)


def _sorted_palette(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    keys = np.sort(rng.choice(1 << 24, size=n, replace=False))
    return np.stack([keys >> 16, (keys >> 8) & 255, keys & 255], 1).astype(np.uint8)


def test_gif_from_indices_equals_the_gif_of_the_rgb_frames():
    """Same bytes as encoding the RGB frames, also when palette entries go unused."""
    palette = _sorted_palette(40, 1)
    rng = np.random.default_rng(2)
    first = rng.choice([3, 7, 8, 20, 39], size=(30, 50)).astype(np.uint8)
    indices = [first]
    for n in range(5):
        nxt = indices[-1].copy()
        nxt[5 + n : 12 + n, 10 : 20 + 3 * n] = [0, 11, 7, 20, 3][n]
        indices.append(nxt)
    indices.append(indices[-1].copy())  # an identical frame
    frames = [palette[i] for i in indices]
    assert gif.gif_from_indices(palette, indices, 250) == gif.write_gif(frames, None, 250)
    decoded, _, _ = decode(gif.gif_from_indices(palette, indices, 250))
    for got, want in zip(decoded, frames):
        np.testing.assert_array_equal(got, want)


def test_gif_from_indices_refuses_bad_palettes_and_indices():
    palette = _sorted_palette(8, 3)
    frame = np.zeros((4, 4), np.uint8)
    with pytest.raises(SpecError, match="sorted"):
        gif.gif_from_indices(palette[::-1], [frame])
    with pytest.raises(SpecError, match="beyond the palette"):
        gif.gif_from_indices(palette, [frame + 9])
    with pytest.raises(SpecError, match="at least one frame"):
        gif.gif_from_indices(palette, [])


# -- unchanged bytes: the streaming encoder against pinned output ----------------------------------
def _noisy(seed: int = 3, n: int = 4, h: int = 30, w: int = 40) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = [rng.integers(0, 256, (h, w, 3), dtype=np.uint8)]
    for k in range(1, n):
        f = out[-1].copy()
        f[k : k + 5, 2 * k : 2 * k + 7] = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
        out.append(f)
    return out


def _ramp(k: int) -> np.ndarray:
    f = np.zeros((16, 16, 3), np.uint8)
    f[..., 0] = np.arange(256).reshape(16, 16)
    f[..., 1] = k
    return f


# sha256 of the bytes the encoder wrote before it streamed frames (all frames held, one
# palette pass over them): the streaming encoder must write exactly the same files
PINNED_SYNTHETIC = {
    "square": ("83fa4ec90d565aec93ce9ce955ae43956bb06efe270bb1c4041417ce0f2039fb",
               lambda: moving_square_frames(), {}),
    "square_same": ("34b6441b02da64c57f62efadbfaa90b16057b92a0b2d3a67ae6a396a6c7d48d6",
                    lambda: moving_square_frames(3) + moving_square_frames(3)[-1:], {}),
    "noisy": ("44bdc635542e23b2962cf59746f7cb4126119dbfcfd95f00065f82fba9a368fa",
              lambda: _noisy(), {}),
    "many": ("3cfca708e9c77d1e94c9aec2cbd45e4a1f8bad32ab00e3b8a55578ddb3039c44",
             lambda: [_ramp(k) for k in range(3)], {}),
    "colors16": ("9f5db4d8a5c3186f39cfdc8e15518f280d2193b96e8879d1a9aa742afff30c12",
                 lambda: _noisy(5), {"colors": 16}),
    "exact256": ("70182841a3fdfda7b34da0c5ab098a7808dbebec8463b401cd6acbfbab83a55f",
                 lambda: [_ramp(0), _ramp(0)], {}),
}


@pytest.fixture(params=["kept as they are", "kept compressed"])
def kept_mode(request, monkeypatch):
    """Run a test with frames kept uncompressed, then with every frame but the first
    kept as a compressed changed box (as long animations are)."""
    if request.param == "kept compressed":
        monkeypatch.setattr(gif, "RAW_FRAMES_BYTES", 0)
    return request.param


@pytest.mark.parametrize("case", sorted(PINNED_SYNTHETIC))
def test_gif_bytes_are_those_of_the_all_frames_encoder(case, kept_mode):
    digest, frames, options = PINNED_SYNTHETIC[case]
    data = gif.write_gif(frames(), None, 120, **options)
    assert hashlib.sha256(data).hexdigest() == digest


# presets, drawn by today's renderers: the streaming encoder writes the same bytes whether
# frames are kept as they are or compressed, and the file decodes to exactly the frames
# (pixels of text depend on matplotlib's bundled FreeType, so no digests pinned here)
STREAMED_PRESETS = [
    ("padding_strides", {}),
    ("dilation", {}),
    ("numbers_max_pooling", {}),
    ("padding_strides_transposed", {"view": "scatter"}),
    ("padding_strides", {"theme": "dark"}),
    ("wavenet", {}),
]


@pytest.mark.parametrize("name, options", STREAMED_PRESETS)
def test_preset_gifs_stream_to_the_same_bytes_and_decode_exactly(name, options, monkeypatch):
    import convviz

    held = convviz.animate(name, **options).to_gif_bytes()
    monkeypatch.setattr(gif, "RAW_FRAMES_BYTES", 0)
    anim = convviz.animate(name, **options)
    assert anim.to_gif_bytes() == held
    image = Image.open(io.BytesIO(held))
    assert image.n_frames == anim.frame_count
    frames = [anim.frame(n) for n in range(anim.frame_count)]
    if pal.count_colours(frames) > 256:  # quantised: the GIF is as near as 256 colours get
        return
    for n, want in enumerate(frames):
        image.seek(n)
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), want)


@pytest.mark.parametrize("channels", [None, 3])
def test_kept_frames_come_back_exactly_with_boxes_that_hold_every_change(channels, kept_mode):
    rng = np.random.default_rng(11)
    shape = (20, 30) if channels is None else (20, 30, channels)
    frames = [rng.integers(0, 4, shape, dtype=np.uint8)]
    for k in range(6):
        f = frames[-1].copy()
        if k != 2:  # frame 3 repeats frame 2
            y, x = rng.integers(0, 15), rng.integers(0, 25)
            f[y : y + 4, x : x + 5] = rng.integers(0, 4, f[y : y + 4, x : x + 5].shape)
        frames.append(f)
    kept = gif._Kept()
    for f in frames:
        kept.add(f)
    back = list(kept)
    assert len(back) == len(frames)
    for n, ((got, box), want) in enumerate(zip(back, frames)):
        np.testing.assert_array_equal(got, want)
        if n:
            differs = (want != frames[n - 1]).reshape(20, 30, -1).any(axis=2)
            top, bottom, left, right = box
            outside = differs.copy()
            outside[top:bottom, left:right] = False
            assert not outside.any()


def test_a_long_source_is_encoded_without_holding_its_frames(monkeypatch):
    """Frames are drawn one at a time: past the uncompressed buffer, what is kept
    between the passes is tiny."""
    monkeypatch.setattr(gif, "RAW_FRAMES_BYTES", 2 * 300 * 200 * 3)  # two frames
    frames = moving_square_frames(8, h=200, w=300)

    class Long:
        frame_count = 400
        size = (300, 200)
        caption = "long"
        poster_frame = 0

        def frame(self, n):
            return frames[n % 8]

    kept_sizes = []
    original = gif._Kept.__iter__

    def spy(self):
        kept_sizes.append(self.nbytes())
        return original(self)

    gif._Kept.__iter__ = spy
    try:
        data = gif.write_gif(Long(), None, 100)
    finally:
        gif._Kept.__iter__ = original
    assert Image.open(io.BytesIO(data)).n_frames == 400
    assert kept_sizes[0] < 400 * 300 * 200 * 3 / 50  # < 2 % of the raw frames


# -- durations: refused, not clamped ---------------------------------------------------------------
@pytest.mark.parametrize("ms", [4, 655360, 10**9, float("inf"), -10])
def test_gif_delays_outside_what_a_gif_stores_are_refused(ms):
    with pytest.raises(SpecError, match="duration_ms"):
        gif.write_gif(moving_square_frames(2), None, ms)


def test_gif_delay_bounds_are_accepted():
    data = gif.write_gif(moving_square_frames(2), None, [10, 655350])
    assert [f[0][0] for f in gif_blocks(data)["frames"]] == [1, 65535]


@pytest.mark.parametrize("seconds", [0.001, 0.004, 700.0])
def test_animate_refuses_a_duration_a_gif_cannot_store(seconds):
    import convviz

    with pytest.raises(SpecError, match=r"duration must be 0\.01 … 655\.35 seconds"):
        convviz.animate("padding_strides", duration=seconds)


# -- hostile: atomic writes ------------------------------------------------------------------------
def test_overwrite_false_refuses_a_file_created_while_writing(tmp_path):
    """The check is made at the final link, not only before: a racing writer wins."""
    target = tmp_path / "out.gif"
    with pytest.raises(OutputError, match="exists"), atomic.atomic_write(
            target, overwrite=False) as handle:
        handle.write(b"ours")
        target.write_bytes(b"theirs")  # appears while we write
    assert target.read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gif"]


def test_overwrite_false_refuses_a_dangling_symlink(tmp_path):
    target = tmp_path / "out.gif"
    target.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match="exists"):
        atomic.write_bytes(target, b"x", overwrite=False)
    # also when the link appears while writing
    other = tmp_path / "other.gif"
    with pytest.raises(OutputError, match="exists"), atomic.atomic_write(
            other, overwrite=False) as handle:
        handle.write(b"x")
        other.symlink_to(tmp_path / "nowhere")
    assert target.is_symlink() and other.is_symlink() and not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.gif", "out.gif"]


def test_overwrite_true_replaces_and_false_creates(tmp_path):
    target = tmp_path / "out.bin"
    atomic.write_bytes(target, b"one", overwrite=False)
    atomic.write_bytes(target, b"two")
    assert target.read_bytes() == b"two"


def test_names_up_to_255_bytes_work(tmp_path):
    for length in (242, 250, 255):
        name = "a" * (length - 4) + ".gif"
        target = tmp_path / name
        with atomic.atomic_write(target, overwrite=False) as handle:
            temporary = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
            handle.write(b"x")
        assert target.read_bytes() == b"x"
        assert len(temporary) == 1 and len(temporary[0]) <= 17


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_the_umask_is_honoured(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic.write_bytes(tmp_path / "a.gif", b"x")
        atomic.write_bytes(tmp_path / "b.gif", b"x", overwrite=False)
    finally:
        os.umask(old)
    assert (tmp_path / "a.gif").stat().st_mode & 0o777 == mode
    assert (tmp_path / "b.gif").stat().st_mode & 0o777 == mode


def test_a_full_disk_names_the_file(tmp_path, monkeypatch):
    import errno

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    target = tmp_path / "big.gif"
    with pytest.raises(OutputError) as info:
        atomic.write_bytes(target, b"x" * 1000)
    assert str(info.value) == f"No space left on device: {target}"
    assert info.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_exclusive_creation_still_refuses(tmp_path, monkeypatch):
    import errno

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "a.gif"
    atomic.write_bytes(target, b"first", overwrite=False)
    assert target.read_bytes() == b"first"
    with pytest.raises(OutputError, match="exists"), atomic.atomic_write(
            target.with_name("b.gif"), overwrite=False) as handle:
        handle.write(b"x")
        target.with_name("b.gif").write_bytes(b"theirs")
    assert target.with_name("b.gif").read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif", "b.gif"]


def test_cli_render_refuses_a_file_that_appears_while_rendering(tmp_path, monkeypatch, capsys):
    from convviz.animation import Animation
    from convviz.cli import app

    target = tmp_path / "x.gif"
    original = Animation.to_gif_bytes

    def racing(self):
        data = original(self)
        target.write_bytes(b"someone else's")
        return data

    monkeypatch.setattr(Animation, "to_gif_bytes", racing)
    status = app.main(["render", "-i", "4", "-k", "3", "-o", str(target)])
    err = capsys.readouterr().err
    assert status == 1 and err.count("\n") == 1 and "exists" in err and str(target) in err
    assert target.read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.gif"]
    # with --force it is replaced
    assert app.main(["render", "-i", "4", "-k", "3", "-o", str(target), "--force"]) == 0
    assert target.read_bytes()[:6] == b"GIF89a"


def test_cli_render_refuses_a_dangling_symlink(tmp_path, capsys):
    from convviz.cli import app

    target = tmp_path / "x.gif"
    target.symlink_to(tmp_path / "elsewhere.gif")
    assert app.main(["render", "-i", "4", "-k", "3", "-o", str(target)]) == 1
    assert "exists; pass --force" in capsys.readouterr().err
    assert target.is_symlink() and not (tmp_path / "elsewhere.gif").exists()


# -- hostile: memory budget ------------------------------------------------------------------------
def test_budget_refusals_name_the_limit_and_the_size():
    import convviz
    from convviz import budget
    from convviz.errors import BudgetError

    anim = convviz.animate(convviz.ConvSpec(64, 1))  # 4,096 frames
    width, height = anim.size
    with pytest.raises(BudgetError) as info:
        anim.to_gif_bytes()
    message = str(info.value)
    assert f"4096 frames of {width}×{height} px" in message
    assert f"the limit is {budget.MEMORY_LIMIT >> 20} MB" in message
    assert anim.rendered == 0 and isinstance(info.value, SpecError)


def test_budget_refuses_a_contact_sheet_and_a_huge_frame(tmp_path):
    import convviz
    from convviz.errors import BudgetError

    anim = convviz.animate(convviz.ConvSpec((10, 10, 10), 1))  # 1,000 frames
    with pytest.raises(BudgetError, match=r"px contact sheet of 1000 frames .* the limit is"):
        anim.save(tmp_path / "s.png", sheet=True)
    from convviz.draw.flat import NumbersRenderer

    width, height = NumbersRenderer(
        convviz.ConvSpec(13, 1), scale=8
    ).size  # drawn lazily: no memory
    with pytest.raises(BudgetError, match=rf"one frame of {width}×{height} px .* the limit is"):
        convviz.animate(convviz.ConvSpec(13, 1), numbers=True, scale=8)
    assert list(tmp_path.iterdir()) == []


def test_budget_estimate_grows_with_what_is_held():
    from convviz import budget

    one = budget.estimate("gif", 16, (100, 100))
    assert budget.estimate("gif", 1024, (100, 100)) > one
    assert budget.estimate("frame", 1024, (100, 100)) == budget.estimate("frame", 1, (100, 100))
    assert budget.estimate("sheet", 4, (100, 100), (500, 500)) > budget.estimate(
        "frame", 4, (100, 100))


def test_cli_budget_refusal_is_one_line_and_writes_nothing(tmp_path, capsys):
    from convviz.cli import app

    status = app.main(["render", "-i", "13", "-k", "1", "--numbers", "--scale", "8",
                       "-o", str(tmp_path / "n.gif")])
    err = capsys.readouterr().err
    from convviz import ConvSpec
    from convviz.draw.flat import NumbersRenderer

    width, height = NumbersRenderer(ConvSpec(13, 1), scale=8).size
    assert status == 2 and err.count("\n") == 1
    assert f"{width}×{height} px" in err and "the limit is" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_palette_png_holds_the_build_palette_palette_and_indices():
    frames = moving_square_frames(1)
    palette, (indexed,) = pal.build_palette(frames)
    image = Image.open(io.BytesIO(png.write_png(frames[0], None)))
    assert image.mode == "P"
    got = np.frombuffer(bytes(image.getpalette()[: 3 * len(palette)]), np.uint8).reshape(-1, 3)
    np.testing.assert_array_equal(got, palette)
    np.testing.assert_array_equal(np.asarray(image), indexed)


def test_every_preset_sheet_fits_the_budget():
    """Refusing big outputs must not refuse what the presets make."""
    import convviz
    from convviz import budget
    from convviz.encode.sheet import sheet_size

    for name in convviz.list_presets():
        anim = convviz.animate(name)
        size = sheet_size(anim.frame_count, anim.size)
        assert budget.estimate("sheet", anim.frame_count, anim.size, size) <= budget.MEMORY_LIMIT
        assert budget.estimate("gif", anim.frame_count, anim.size) <= budget.MEMORY_LIMIT


def test_nearest_colours_is_the_least_squared_distance_first_on_ties():
    """The one nearest-colour rule (GIF quantisation, the oblique picture's palette) against
    a brute-force loop, ties included; 5000 colours cross its chunks."""
    from convviz.look.themes import nearest_colours

    rng = np.random.default_rng(7)
    palette = rng.integers(0, 256, (40, 3))
    palette[7] = palette[3]  # a tie: the first one wins
    colours = np.concatenate([rng.integers(0, 256, (5000, 3)), palette[[3, 7, 39]]])
    got = nearest_colours(colours, palette)
    assert got.dtype == np.uint8 and got.shape == (len(colours),)
    for colour, index in zip(colours.tolist(), got.tolist()):
        distances = [sum((a - b) ** 2 for a, b in zip(colour, p)) for p in palette.tolist()]
        assert index == distances.index(min(distances))
