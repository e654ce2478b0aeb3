"""Diagrams: the frame-source contract, and the data each picture is drawn from.

The numbers (costs, windows, bright paths) are checked against independent
formulas from the papers, not against the drawing code.
"""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys

import numpy as np
import pytest

import convviz
from convviz import ConvSpec, SpecError, receptive_field
from convviz.draw.diagrams import DIAGRAM_PRESETS, DiagramPreset, diagram

THEMES = ("classic", "default", "dark", "colorblind")


@pytest.fixture(scope="module")
def sources():
    """One built source per preset (building takes a moment; reuse it)."""
    return {name: preset.factory() for name, preset in DIAGRAM_PRESETS.items()}


# -- registry ---------------------------------------------------------------------------------
def test_registry_lists_the_promised_presets():
    for name in ("path_length", "glu_block", "highway_block", "stack_plain_vs_dilated",
                 "wavenet", "separable_conv"):
        assert name in DIAGRAM_PRESETS
    for name, preset in DIAGRAM_PRESETS.items():
        assert isinstance(preset, DiagramPreset)
        assert preset.name == name and preset.title and preset.description and preset.family
        assert callable(preset.factory)


def test_registry_does_not_import_matplotlib():
    code = (
        "import sys, convviz.draw.diagrams as d; names = list(d.DIAGRAM_PRESETS); "
        "d.DIAGRAM_PRESETS['glu_block'].title; print(len(names), 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, loaded = out.stdout.split()
    assert int(count) == len(DIAGRAM_PRESETS)
    assert loaded == "False"


def test_unknown_diagram_and_options_raise_spec_error():
    with pytest.raises(SpecError, match="unknown diagram 'nope'"):
        diagram("nope")
    with pytest.raises(SpecError, match="'colour'"):
        DIAGRAM_PRESETS["wavenet"].factory(colour="red")
    with pytest.raises(SpecError, match="scale"):
        DIAGRAM_PRESETS["path_length"].factory(scale=0)
    with pytest.raises(SpecError, match="numbers"):
        DIAGRAM_PRESETS["path_length"].factory(numbers="yes")


# -- the frame-source contract ------------------------------------------------------------------
@pytest.mark.parametrize("name", list(DIAGRAM_PRESETS))
def test_frame_source_contract(sources, name):
    src = sources[name]
    assert isinstance(src.frame_count, int) and src.frame_count >= 1
    width, height = src.size
    assert isinstance(width, int) and isinstance(height, int) and width > 200 and height > 200
    assert isinstance(src.caption, str) and src.caption
    last = src.frame(src.frame_count - 1)
    first = src.frame(0)
    for frame in (first, last):
        assert frame.shape == (height, width, 3) and frame.dtype == np.uint8
    # frames are pure functions of n: drawing another frame first changes nothing
    assert np.array_equal(src.frame(0), first)
    if src.frame_count > 1:
        assert not np.array_equal(first, last), "an animation whose frames are all equal"
    with pytest.raises(SpecError, match="frame index"):
        src.frame(src.frame_count)


def test_frames_are_identical_across_processes(sources):
    code = (
        "import hashlib, convviz.draw.diagrams as d; "
        "s = d.DIAGRAM_PRESETS['glu_block'].factory(numbers=True); "
        "print(hashlib.sha256(s.frame(3).tobytes()).hexdigest())"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = DIAGRAM_PRESETS["glu_block"].factory(numbers=True).frame(3)
    assert other.stdout.strip() == hashlib.sha256(here.tobytes()).hexdigest()


@pytest.mark.parametrize("name", ["separable_conv", "stack_plain_vs_dilated"])
def test_frames_do_not_depend_on_drawing_order(name):
    """Labels that come back are pasted from a cache: the pixels must not depend on history."""
    forward = DIAGRAM_PRESETS[name].factory()
    backward = DIAGRAM_PRESETS[name].factory()
    count = forward.frame_count
    drawn = [forward.frame(n) for n in range(count)]
    for n in reversed(range(count)):
        assert np.array_equal(backward.frame(n), drawn[n]), n


@pytest.mark.parametrize("theme", THEMES)
def test_themes_paint_the_background(theme):
    src = DIAGRAM_PRESETS["wavenet"].factory(theme=theme)
    corner = src.frame(0)[2, 2]
    from matplotlib.colors import to_rgb

    bg = src.palette.background
    assert np.abs(corner.astype(int) - np.round(np.array(to_rgb(bg)) * 255)).max() <= 1


def test_dark_and_default_differ_and_scale_grows_the_picture():
    a = DIAGRAM_PRESETS["path_length"].factory(theme="default")
    b = DIAGRAM_PRESETS["path_length"].factory(theme="dark")
    assert a.frame(0).mean() > b.frame(0).mean()  # a dark background is darker
    big = DIAGRAM_PRESETS["path_length"].factory(scale=2)
    assert big.size == (2 * a.size[0], 2 * a.size[1])
    assert big.frame(0).shape == (a.size[1] * 2, a.size[0] * 2, 3)


# -- stacks: bright paths == the engine's receptive field ------------------------------------------
def _check_bright_set(model):
    for index in range(model.sizes[-1]):
        hl = model.highlight(index)
        for row in range(model.layers + 1):
            expected = (
                receptive_field(model.specs[row:], index).mask if row < model.layers else None
            )
            if expected is None:
                expected = np.arange(model.sizes[-1]) == index
            assert np.array_equal(hl.cells[row], expected), (index, row)


def _reference_edges(specs, index):
    """Bright edges from the formula o·s − p_lo + t·d (semantics.md), walking down."""
    bright = {index}
    edges = []
    for layer in range(len(specs) - 1, -1, -1):
        spec = specs[layer]
        i, k = spec.input_size[0], spec.kernel_size[0]
        s, d, p = spec.stride[0], spec.dilation[0], spec.padding_before[0]
        below = set()
        for o in bright:
            for t in range(k):
                j = o * s - p + t * d
                if 0 <= j < i:
                    edges.append((layer, o, t))
                    below.add(j)
        bright = below
    return sorted(edges), bright


def test_stack_presets_bright_cells_are_the_receptive_field(sources):
    for name in ("stack_plain_vs_dilated", "wavenet"):
        for model in sources[name].models:
            _check_bright_set(model)


def test_stack_bright_edges_match_the_window_formula(sources):
    for name in ("stack_plain_vs_dilated", "wavenet"):
        src = sources[name]
        for n in range(src.frame_count):
            for model, hl in zip(src.models, src.highlight(n)):
                got = sorted(
                    (l, int(o), int(t)) for l, e in enumerate(hl.edges) for o, t in np.argwhere(e)
                )
                expected, inputs = _reference_edges(model.specs, n)
                assert got == expected
                assert set(np.flatnonzero(hl.cells[0])) == inputs


def test_seed_receptive_fields_7_15_16(sources):
    plain, dilated = sources["stack_plain_vs_dilated"].models
    assert (plain.receptive_field, dilated.receptive_field) == (7, 15)
    centre = 7
    assert plain.highlight(centre).cells[0].sum() == 7
    assert dilated.highlight(centre).cells[0].sum() == 15
    (wave,) = sources["wavenet"].models
    assert wave.receptive_field == 16
    last = wave.highlight(15).cells[0]
    assert last.all()
    # causal: output t never reaches an input after t
    for t in range(16):
        assert np.flatnonzero(wave.highlight(t).cells[0]).max() == t
        assert wave.x[-1][t] == t  # drawn straight above its own time step


def test_stack_diagram_with_strides_and_mixed_kernels():
    from convviz.draw.diagrams import stack_diagram

    specs = [
        ConvSpec((17,), 3, stride=2),
        ConvSpec((8,), 2, dilation=2),
        ConvSpec((6,), 3, stride=2, padding=1),
    ]
    src = stack_diagram(specs, title="strided")
    assert src.frame_count == specs[-1].output_size[0]
    _check_bright_set(src.models[0])
    for n in range(src.frame_count):
        expected, _inputs = _reference_edges(specs, n)
        hl = src.highlight(n)[0]
        got = sorted((l, int(o), int(t)) for l, e in enumerate(hl.edges) for o, t in np.argwhere(e))
        assert got == expected
    # r = 1 + Σ (k̂_l − 1)·Π_{j<l} s_j: k̂ = 3, 3, 3 and strides before 1, 2, 2·1
    assert src.models[0].receptive_field == 1 + 2 * 1 + 2 * 2 + 2 * 2
    assert src.frame(0).shape == (src.size[1], src.size[0], 3)
    one = stack_diagram(specs, output_index=2)
    assert one.frame_count == 1 and one.highlight(0)[0].output_index == 2


def test_stack_diagram_rejects_what_it_cannot_draw():
    from convviz.draw.diagrams import stack_diagram

    with pytest.raises(SpecError, match="1-D"):
        stack_diagram([ConvSpec(5, 3)])
    with pytest.raises(SpecError, match="transposed"):
        stack_diagram([ConvSpec((4,), 3, transposed=True)])
    with pytest.raises(SpecError, match="input_size"):
        stack_diagram([ConvSpec((8,), 3), ConvSpec((8,), 3)])
    with pytest.raises(SpecError, match="output_index"):
        stack_diagram([ConvSpec((8,), 3)], output_index=6)


# -- gated blocks ----------------------------------------------------------------------------------
def test_glu_block_shows_the_engine_numbers_and_the_paper_counts(sources):
    src = sources["glu_block"]
    tr = src.trace
    channels, length = tr.x.shape
    n, k = tr.a.shape[0], tr.spec.kernel_size[0]
    assert src.frame_count == length
    np.testing.assert_allclose(
        tr.y, convviz.glu(tr.x, tr.w, tr.v, tr.bias_w, tr.bias_v, residual=True), atol=1e-12)
    badges = {label: value for label, _, value in src.badges}
    assert badges["parameters"] == 2 * (k * channels * n + n)
    assert badges["multiply-adds"] == 2 * length * k * channels * n
    assert badges["sigmoids"] == length * n
    assert badges["products ⊗"] == length * n
    # causal window of step t: padded columns t … t + d(k−1), i.e. inputs t − d(k−1) … t
    d = tr.spec.dilation[0]
    for t in range(length):
        assert list(src.window(t)) == [t + j * d for j in range(k)]


def test_same_padding_window_is_centred(sources):
    src = sources["glu_block_same"]
    d = src.trace.spec.dilation[0]
    assert d == 2
    pad = src.trace.spec.padding_before[0]
    for t in range(src.frame_count):
        inputs = [c - pad for c in src.window(t)]
        assert inputs == [t - d, t, t + d]


def _label_offsets(label):
    """Offsets from t written in a window label: 't−2…t', 't−2, t, t+2', 't−4…t+4 step 2', 't'."""
    head = label.removeprefix("window ").split(" = ")[0].replace("−", "-")
    step = 1
    if " step " in head:
        head, step = head.split(" step ")
        step = int(step)

    def offset(term):
        return 0 if term == "t" else int(term[1:])

    if "…" in head:
        lo, hi = head.split("…")
        return list(range(offset(lo), offset(hi) + 1, step))
    return [offset(term) for term in head.split(", ")]


def _label_inputs(label):
    tail = label.split(" = ")[1].replace("−", "-")
    step = int(tail.split(" step ")[1]) if " step " in tail else 1
    tail = tail.split(" step ")[0]
    if "…" in tail:
        lo, hi = tail.split("…")
        return list(range(int(lo), int(hi) + 1, step))
    return [int(v) for v in tail.split(", ")]


@pytest.mark.parametrize("options", [
    dict(name="glu_block"), dict(name="glu_block_same"), dict(name="highway_block"),
    dict(name="glu_block", dilation=4, kernel_size=2),
    dict(name="glu_block", padding="same", kernel_size=4, length=10),
    dict(name="highway_block", kernel_size=5, dilation=2, length=12),
    dict(name="glu_block", padding="causal", kernel_size=5, dilation=3, length=16),
])
def test_window_label_offsets_are_the_engines_taps(options):
    options = dict(options)
    src = DIAGRAM_PRESETS[options.pop("name")].factory(**options)
    spec = src.trace.spec
    k, d = spec.kernel_size[0], spec.dilation[0]
    span = d * (k - 1)
    if spec.padding == "causal":
        expected = list(range(-span, 1, d))  # t − d(k−1) … t
    else:  # 'same': the total padding d(k−1) split with the extra zero after (PyTorch)
        lo = span // 2
        expected = list(range(-lo, span - lo + 1, d))
    input_taps = spec.input_taps[..., 0]  # (T, k) input index of every tap, −1 on padding
    for t in range(src.frame_count):
        label = src.window_label_text(t)
        offsets = _label_offsets(label)
        assert offsets == expected, (t, label)
        assert _label_inputs(label) == [t + o for o in offsets], label
        # where the window reads real input, the engine agrees on every tap
        for j, i in enumerate(input_taps[t]):
            if i >= 0:
                assert offsets[j] == i - t, (t, label)
            else:
                assert not 0 <= t + offsets[j] < src.length, (t, label)
    shown = src.frame(src.frame_count - 1)  # the label drawn is the one tested
    assert shown.shape[2] == 3 and src.window_label.get_text() == src.window_label_text(
        src.frame_count - 1
    )


def test_highway_block_is_dgcnn_form(sources):
    src = sources["highway_block"]
    tr = src.trace
    np.testing.assert_allclose(tr.y, tr.x * (1 - tr.gate) + tr.a * tr.gate)
    badges = {label: value for label, _, value in src.badges}
    length, channels = tr.x.shape[1], tr.x.shape[0]
    assert badges["products ⊗"] == 2 * length * channels


def test_gated_diagram_options():
    one = DIAGRAM_PRESETS["glu_block"].factory(t=5)
    assert one.frame_count == 1 and list(one.window(0)) == [5, 6, 7]
    with pytest.raises(SpecError, match="t must be"):
        DIAGRAM_PRESETS["glu_block"].factory(t=8)
    with pytest.raises(SpecError, match="n=3 must equal"):
        DIAGRAM_PRESETS["glu_block"].factory(n=3)
    no_res = DIAGRAM_PRESETS["glu_block"].factory(n=3, residual=False, dilation=2)
    assert no_res.trace.h.shape == (3, 8) and no_res.frame(7).shape[2] == 3


# -- separable -----------------------------------------------------------------------------------
def test_separable_worked_example():
    from convviz.draw.diagrams import separable_costs

    c = separable_costs(12, 5, 3, 256)
    assert c.standard_multiplications == 1_228_800
    assert c.depthwise_multiplications == 4_800
    assert c.pointwise_multiplications == 49_152
    assert c.separable_multiplications == 53_952
    assert c.depthwise.groups == 3 and c.depthwise.output_size == (8, 8)
    assert abs(c.ratio - (1 / 256 + 1 / 25)) < 1e-12


@pytest.mark.parametrize(
    "i, k, cin, cout, m", [(12, 5, 3, 256, 1), (10, 3, 4, 8, 2), (7, 1, 2, 5, 3)]
)
def test_separable_costs_follow_the_formulas(i, k, cin, cout, m):
    from convviz.draw.diagrams import separable_costs

    c = separable_costs(i, k, cin, cout, depth_multiplier=m)
    o = i - k + 1
    assert c.standard_multiplications == o * o * cout * k * k * cin
    assert c.depthwise_multiplications == o * o * cin * m * k * k
    assert c.pointwise_multiplications == o * o * cout * cin * m
    assert c.standard_weights == cout * cin * k * k
    assert c.separable_weights == cin * m * k * k + cin * m * cout


def test_separable_diagram_phases(sources):
    src = sources["separable_conv"]  # the diagonal: 8 depthwise frames, then 8 pointwise
    assert src.frame_count == 2 * 8
    assert [src.step(n) for n in range(8)] == [("depthwise", j, j) for j in range(8)]
    assert [src.step(8 + n) for n in range(8)] == [("pointwise", j, j) for j in range(8)]
    assert src.step(src.poster_frame) == ("depthwise", 4, 4)
    every = DIAGRAM_PRESETS["separable_conv"].factory(positions="all")
    assert every.frame_count == 2 * 8 * 8
    assert every.step(0) == ("depthwise", 0, 0)
    assert every.step(63) == ("depthwise", 7, 7)
    assert every.step(64) == ("pointwise", 0, 0)
    assert every.step(64 + 8 * 3 + 5) == ("pointwise", 3, 5)
    with pytest.raises(SpecError, match="positions"):
        DIAGRAM_PRESETS["separable_conv"].factory(positions="row")


def test_separable_planes_fill_in_reading_order(sources):
    """A frame's depthwise / output planes show every position up to the shown one as computed."""
    src = sources["separable_conv"]
    o = src.o
    for n in range(src.frame_count):
        phase, r, c = src.step(n)
        src.frame(n)
        upto = np.arange(o * o) <= r * o + c
        dw_done = upto if phase == "depthwise" else np.ones(o * o, dtype=bool)
        out_done = upto if phase == "pointwise" else np.zeros(o * o, dtype=bool)
        for cells, strong, _pale in src.dw_cells:
            faces = cells.get_facecolor()[:, :3]
            assert np.array_equal(np.isclose(faces, strong).all(axis=1), dw_done), (n, phase)
        faces = src.out_cells.get_facecolor()[:, :3]
        assert np.array_equal(np.isclose(faces, src.out_strong).all(axis=1), out_done), (n, phase)


# -- path length -----------------------------------------------------------------------------------
def test_path_lengths_follow_the_formulas():
    from convviz.core import arithmetic
    from convviz.draw.diagrams import path_length

    # the diagram plots core's numbers: one definition for plot, table and text
    assert path_length.path_lengths is arithmetic.path_lengths
    n = np.array([1, 2, 3, 4, 5, 7, 8, 9, 100, 1000, 1024, 1025])
    got = path_length.path_lengths(n, 3)
    assert got["rnn"].tolist() == (n - 1).tolist()
    assert got["conv"].tolist() == [math.ceil((v - 1) / 2) for v in n]
    assert got["dilated"].tolist() == [math.ceil(math.log2(v)) for v in n]
    assert path_length.path_lengths(np.array([10]), 5)["conv"].tolist() == [3]
    with pytest.raises(SpecError, match="kernel_size"):
        path_length.path_lengths(n, 1)
    plot = DIAGRAM_PRESETS["path_length"].factory(max_n=16)
    assert plot.caption == arithmetic.PATH_LENGTH_DEFINITION


# -- layout: every label inside the picture, no two labels on top of each other --------------------
def _text_boxes(src):
    from matplotlib.text import Text

    renderer = src.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in src.fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()]


def _check_layout(src, frames):
    for n in frames:
        src.frame(n)  # sets this frame's texts
        figure = src.fig.bbox
        # the canvas is the figure's size cut to whole pixels (matplotlib >= 3.11 first
        # adds 1e-8 px, so 204.99999999 gives 205 there and 204 before)
        assert all(s in (int(v), int(v + 1e-8))
                   for s, v in zip(src.size, (figure.width, figure.height))), (src.size, figure)
        assert src.frame(n).shape == (src.size[1], src.size[0], 3)
        boxes = _text_boxes(src)
        assert boxes
        for text, box in boxes:
            inside = (box.x0 >= figure.x0 and box.y0 >= figure.y0
                      and box.x1 <= figure.x1 and box.y1 <= figure.y1)
            assert inside, f"frame {n}: {text!r} at {box.bounds} leaves the {src.size} picture"
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                assert not boxes[a][1].overlaps(boxes[b][1]), \
                    f"frame {n}: {boxes[a][0]!r} overlaps {boxes[b][0]!r}"


@pytest.mark.parametrize("name", list(DIAGRAM_PRESETS))
def test_preset_texts_fit_and_do_not_overlap(sources, name):
    src = sources[name]
    _check_layout(src, sorted({0, src.poster_frame, src.frame_count - 1}))


@pytest.mark.parametrize("theme", ["dark", "colorblind"])
def test_stack_texts_fit_in_every_theme_and_frame(theme):
    src = DIAGRAM_PRESETS["stack_plain_vs_dilated"].factory(theme=theme)
    _check_layout(src, range(src.frame_count))


# -- title=False: a page whose heading says the title shows the picture without it ----------------
def _texts(src):
    from matplotlib.text import Text

    return [t.get_text() for t in src.fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.fixture(scope="module")
def untitled():
    """One source per preset built with title=False, through convviz.animate."""
    return {name: convviz.animate(name, title=False).source for name in DIAGRAM_PRESETS}


@pytest.mark.parametrize("name", list(DIAGRAM_PRESETS))
def test_title_false_leaves_the_title_out_and_the_picture_shorter(sources, untitled, name):
    full, bare = sources[name], untitled[name]
    assert full.title and bare.title == full.title  # the title is known either way...
    assert full.title in _texts(full)  # ...drawn by default...
    assert not any(full.title in text for text in _texts(bare))  # ...and not without it
    assert bare.size[1] < full.size[1] and bare.size[0] <= full.size[0]
    assert bare.caption == full.caption and bare.frame_count == full.frame_count
    _check_layout(bare, sorted({0, bare.poster_frame}))


@pytest.mark.parametrize("name", [n for n in DIAGRAM_PRESETS if n != "path_length"])
def test_title_false_moves_the_rest_up_unchanged(sources, untitled, name):
    """Below the title's band the picture is the default one moved up: every other text
    the same distance up (a text centred on a half pixel may round to the next one), the
    pixels the same but for such a text."""
    from matplotlib.text import Text

    full, bare = sources[name], untitled[name]
    cut = full.size[1] - bare.size[1]
    (title,) = [t for t in full.fig.findobj(Text) if t.get_text() == full.title]
    below = full.size[1] - math.floor(title.get_window_extent(full.canvas.get_renderer()).y0)
    assert below >= cut
    for n in sorted({0, full.poster_frame}):
        a, b = full.frame(n), bare.frame(n)
        boxes = {}
        for src in (full, bare):  # (display y up: the same box, the same height from the bottom)
            boxes[src] = sorted((t.get_text(), round(box.x0), round(box.y0))
                                for t, box in ((t, t.get_window_extent(src.canvas.get_renderer()))
                                               for t in src.fig.findobj(Text))
                                if t.get_visible() and t.get_text() and t is not title)
        assert len(boxes[full]) == len(boxes[bare]) > 3
        for (text, x, y), (text2, x2, y2) in zip(boxes[full], boxes[bare]):
            assert text == text2 and x == x2 and abs(y - y2) <= 1, (text, (x, y), (x2, y2))
        differ = np.any(a[below:, : b.shape[1]] != b[below - cut:], axis=-1)
        assert a.shape[1] == b.shape[1] and differ.mean() < 0.002, (name, n, differ.mean())


def test_title_false_keeps_the_path_length_plot_its_size():
    from matplotlib.axes import Axes

    def plot_px(src):
        (ax,) = [a for a in src.fig.axes if isinstance(a, Axes) and a.get_visible()]
        box = ax.get_window_extent(src.canvas.get_renderer())
        return round(box.width), round(box.height), round(src.size[1] - box.y1)

    full = DIAGRAM_PRESETS["path_length"].factory()
    bare = DIAGRAM_PRESETS["path_length"].factory(title=False)
    (w, h, above), (w2, h2, above2) = plot_px(full), plot_px(bare)
    assert (w2, h2) == (w, h) and above2 == above - (full.size[1] - bare.size[1])


@pytest.mark.parametrize("name", list(DIAGRAM_PRESETS))
def test_title_must_be_true_or_false(name):
    with pytest.raises(SpecError, match=r"title must be True or False, got 'no'"):
        DIAGRAM_PRESETS[name].factory(title="no")


def test_user_stack_texts_fit():
    from convviz.draw.diagrams import stack_diagram
    from convviz.draw.diagrams.stack import dilated_stack

    stacks = [
        [
            ConvSpec((17,), 3, stride=2),
            ConvSpec((8,), 2, dilation=2),
            ConvSpec((6,), 3, stride=2, padding=1),
        ],
        dilated_stack(4, 2, [1, 2], padding="causal"),
        dilated_stack(36, 3, [1, 2, 4, 8]),  # "31 inputs", long rows
    ]
    for specs in stacks:
        src = stack_diagram(specs, scale=0.5)
        _check_layout(src, sorted({0, src.poster_frame, src.frame_count - 1}))
    wave = DIAGRAM_PRESETS["wavenet"].factory(length=24, dilations=(1, 2, 4, 8, 16))
    _check_layout(wave, [wave.poster_frame])
    gated = DIAGRAM_PRESETS["highway_block"].factory(
        kernel_size=5, dilation=3, length=16, channels=1
    )
    _check_layout(gated, [0, 8, 15])


def test_palette_is_derived_from_a_theme_object():
    """The diagrams' colours, the gated lanes included, come from the one Theme."""
    from convviz.draw.diagrams._base import palette
    from convviz.look.themes import THEMES, get_theme

    for name, theme in THEMES.items():
        pal = palette(theme)
        assert (pal.background, pal.input, pal.output, pal.value, pal.gate) == (
            theme.background, theme.input_fill, theme.output_fill, theme.value_fill,
            theme.gate_fill), name
    odd = get_theme("default").with_(value_fill="#123456", gate_fill="#654321",
                                      background="#fafafa")
    src = DIAGRAM_PRESETS["glu_block"].factory(theme=odd)
    assert (src.palette.value, src.palette.gate) == ("#123456", "#654321")
    assert tuple(src.frame(0)[0, 0]) == (0xFA, 0xFA, 0xFA)
