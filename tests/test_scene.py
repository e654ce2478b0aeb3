"""Scene tests: frames, taps and cell kinds, computed here from the paper's rules."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convviz import CellKind, ConvSpec, SpecError
from convviz.look.scene import MAX_CANVAS_CELLS, MAX_FRAMES, build_scene
from convviz.presets import CLASSIC_NAMES, PRESETS


def expected_direct_taps(i, k, s, p, d, out):
    """Canvas cells read by output `out` of a square direct conv (padding p each side)."""
    r, c = out
    return {(r * s + a * d, c * s + b * d) for a in range(k) for b in range(k)}


@pytest.mark.parametrize(
    "i,k,s,p,d",
    [
        (4, 3, 1, 0, 1),
        (5, 4, 1, 2, 1),
        (5, 3, 2, 1, 1),
        (6, 3, 2, 1, 1),
        (7, 3, 1, 0, 2),
        (9, 2, 3, 1, 3),
    ],
)
def test_direct_frames_read_the_window(i, k, s, p, d):
    spec = ConvSpec(i, k, stride=s, padding=p, dilation=d)
    scene = build_scene(spec)
    o = (i + 2 * p - d * (k - 1) - 1) // s + 1
    assert scene.output_size == (o, o)
    assert scene.canvas_size == (i + 2 * p, i + 2 * p)
    # one frame per output cell, row by row from the top row, left to right
    assert [f.output_index for f in scene.frames] == [(r, c) for r in range(o) for c in range(o)]
    assert [f.index for f in scene.frames] == list(range(o * o))
    k_hat = d * (k - 1) + 1
    for f in scene.frames:
        assert {tuple(t) for t in f.taps.tolist()} == expected_direct_taps(
            i, k, s, p, d, f.output_index
        )
        assert len(f.taps) == k * k
        r, c = f.output_index
        assert f.extent == ((r * s, r * s + k_hat), (c * s, c * s + k_hat))


def test_direct_canvas_kinds():
    scene = build_scene(ConvSpec(5, 3, stride=2, padding=1))
    kind = scene.canvas_kind
    expected = np.full((7, 7), CellKind.PADDING)
    expected[1:6, 1:6] = CellKind.INPUT
    np.testing.assert_array_equal(kind, expected)
    np.testing.assert_array_equal(kind, scene.spec.canvas_kind)


@pytest.mark.parametrize("i,k,s,p", [(5, 3, 2, 1), (6, 3, 2, 1), (4, 3, 1, 0), (5, 3, 2, 0)])
def test_transposed_scene_has_inserted_zeros(i, k, s, p):
    """The transposed of a direct conv: o input cells s apart, padding k−p−1 before and
    k−p−1+a after (a = (i + 2p − k) mod s), a stride-1 window, i×i frames."""
    direct = ConvSpec(i, k, stride=s, padding=p)
    scene = build_scene(direct.transpose())
    o = (i + 2 * p - k) // s + 1
    a = (i + 2 * p - k) % s
    before, after = k - p - 1, k - p - 1 + a
    n = before + (o - 1) * s + 1 + after
    assert n == i + k - 1  # the paper's grid size for these
    assert scene.canvas_size == (n, n)
    line = np.full(n, CellKind.PADDING)
    line[before : before + (o - 1) * s + 1] = CellKind.ZERO
    line[before + s * np.arange(o)] = CellKind.INPUT
    rank = {CellKind.INPUT: 0, CellKind.ZERO: 1, CellKind.PADDING: 2}
    expected = np.array(
        [[max(x, y, key=lambda v: rank[v]) for y in line] for x in line], dtype=np.int8
    )
    np.testing.assert_array_equal(scene.canvas_kind, expected)
    assert scene.output_size == (i, i) and len(scene.frames) == i * i
    for f in scene.frames:
        r, c = f.output_index
        assert {tuple(t) for t in f.taps.tolist()} == {
            (r + x, c + y) for x in range(k) for y in range(k)
        }
    assert "transposed" in scene.caption


def test_classic_frame_counts():
    counts = {
        "no_padding_no_strides": 4, "arbitrary_padding_no_strides": 36,
        "same_padding_no_strides": 25, "full_padding_no_strides": 49,
        "no_padding_strides": 4, "padding_strides": 9, "padding_strides_odd": 9,
        "no_padding_no_strides_transposed": 16, "padding_strides_odd_transposed": 36,
        "dilation": 9,
    }
    for name, count in counts.items():
        assert len(build_scene(PRESETS[name].spec).frames) == count
    for name in CLASSIC_NAMES:
        assert (
            not PRESETS[name].spec.transposed
            or "transposed" in build_scene(PRESETS[name].spec).caption
        )


def test_dilated_taps_are_every_dth_cell():
    scene = build_scene(ConvSpec(7, 3, dilation=2))
    f = scene.frames[4]  # output (1, 1)
    assert f.output_index == (1, 1)
    assert {tuple(t) for t in f.taps.tolist()} == {
        (1 + 2 * a, 1 + 2 * b) for a in range(3) for b in range(3)
    }
    assert f.extent == ((1, 6), (1, 6))


def test_one_d_and_three_d():
    s1 = build_scene(ConvSpec((8,), 3, dilation=2, padding="causal"))
    assert s1.canvas_size == (12,)
    assert [f.output_index for f in s1.frames] == [(t,) for t in range(8)]
    # causal: output t reads input t−4, t−2, t, i.e. canvas t, t+2, t+4
    assert [sorted(x[0] for x in f.taps.tolist()) for f in s1.frames][3] == [3, 5, 7]
    s3 = build_scene(ConvSpec((3, 4, 4), 2))
    assert len(s3.frames) == 2 * 3 * 3
    assert s3.frames[-1].output_index == (1, 2, 2)
    assert {tuple(t) for t in s3.frames[-1].taps.tolist()} == {
        (1 + a, 2 + b, 2 + c) for a in range(2) for b in range(2) for c in range(2)
    }


def test_caption_title_and_channels():
    scene = build_scene(ConvSpec(5, 3, stride=2, padding=1), title="Padding, strides")
    assert scene.caption.startswith("Padding, strides: ")
    assert "s=2" in scene.caption and "o=3" in scene.caption
    dw = build_scene(PRESETS["depthwise"].spec, channel=1)
    assert "channel 1 of 3" in dw.caption and "groups=3" in dw.caption
    with pytest.raises(SpecError, match="channel"):
        build_scene(PRESETS["depthwise"].spec, channel=3)
    with pytest.raises(SpecError, match="channel"):
        build_scene(ConvSpec(4, 3), channel=2)


def test_frame_captions_name_the_output_cell():
    scene = build_scene(ConvSpec(4, 3))
    assert "(1, 0)" in scene.frames[2].caption


def test_scene_is_read_only():
    scene = build_scene(ConvSpec(4, 3))
    with pytest.raises(ValueError):
        scene.canvas_kind[0, 0] = 2
    with pytest.raises(ValueError):
        scene.frames[0].taps[0, 0] = 5
    with pytest.raises(AttributeError):
        scene.caption = "x"  # type: ignore[misc]


def test_absurd_sizes_are_refused_before_drawing():
    with pytest.raises(SpecError, match=str(MAX_FRAMES)):
        build_scene(ConvSpec(70, 1))  # 4900 frames
    with pytest.raises(SpecError, match="canvas_size"):
        build_scene(ConvSpec((MAX_CANVAS_CELLS + 10,), MAX_CANVAS_CELLS))
    with pytest.raises(SpecError, match="ConvSpec"):
        build_scene("no_padding_no_strides")  # type: ignore[arg-type]


def test_scene_and_themes_do_not_import_matplotlib():
    code = (
        "import sys, convviz.look.scene, convviz.look.themes;"
        "convviz.look.scene.build_scene(convviz.ConvSpec(4, 3));"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@st.composite
def small_specs(draw):
    ndim = draw(st.sampled_from([1, 2]))
    i = tuple(draw(st.integers(1, 7)) for _ in range(ndim))
    k = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    s = draw(st.integers(1, 3))
    d = draw(st.integers(1, 2))
    transposed = draw(st.booleans())
    k_hat = [d * (kk - 1) + 1 for kk in k]
    if transposed:
        # PyTorch padding <= k̂ − 1 keeps the whole canvas pad non-negative
        pads = tuple((draw(st.integers(0, kh - 1)),) * 2 for kh in k_hat)
    else:
        pads = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(ndim))
    try:
        return ConvSpec(i, k, stride=s, padding=pads, dilation=d, transposed=transposed)
    except SpecError:
        return ConvSpec(i, 1)


@settings(max_examples=60, deadline=None)
@given(small_specs())
def test_every_frame_reads_its_window(spec):
    """Direct: output o reads canvas o·s + t·d. Transposed: the input spread s apart
    after k̂ − 1 − p cells of padding, read at o + t·d (stride 1)."""
    scene = build_scene(spec)
    ndim = spec.ndim
    outs = [tuple(int(v) for v in idx) for idx in np.ndindex(*spec.output_size)]
    assert [f.output_index for f in scene.frames] == outs
    for f in scene.frames:
        per_axis = []
        for a in range(ndim):
            step = 1 if spec.transposed else spec.stride[a]
            per_axis.append(
                [
                    f.output_index[a] * step + t * spec.dilation[a]
                    for t in range(spec.kernel_size[a])
                ]
            )
        expected = set(itertools.product(*per_axis))
        assert {tuple(t) for t in f.taps.tolist()} == expected
        for a in range(ndim):
            start = per_axis[a][0]
            assert f.extent[a] == (start, start + spec.dilation[a] * (spec.kernel_size[a] - 1) + 1)
    # the input cells on the canvas, placed by the paper's rule
    kind = scene.canvas_kind
    for a in range(ndim):
        k_hat = spec.dilation[a] * (spec.kernel_size[a] - 1) + 1
        before = (k_hat - 1 - spec.padding_before[a]) if spec.transposed else spec.padding_before[a]
        step = spec.stride[a] if spec.transposed else 1
        line = np.moveaxis(kind, a, 0)
        line = line.reshape(line.shape[0], -1).min(axis=1)  # INPUT (0) if any input on it
        positions = [before + j * step for j in range(spec.input_size[a])]
        assert [p for p in range(len(line)) if line[p] == CellKind.INPUT] == positions


# -- teaching facts the oblique pictures draw (checked against brute-force loops) ---
def _reached_by_scatter(i, k, s, d, lo, hi, op):
    """Output cells a 1-axis-per-dim transposed conv writes to (the scatter loop)."""
    from reference import transposed_output_size

    nd = len(i)
    osz = [transposed_output_size(i[a], k[a], s[a], d[a], lo[a], hi[a], op[a]) for a in range(nd)]
    reached = set()
    for j in itertools.product(*[range(n) for n in i]):
        for t in itertools.product(*[range(n) for n in k]):
            pos = tuple(j[a] * s[a] - lo[a] + t[a] * d[a] for a in range(nd))
            if all(0 <= pos[a] < osz[a] for a in range(nd)):
                reached.add(pos)
    return reached


@pytest.mark.parametrize("spec", [
    ConvSpec(5, 3, stride=2, dilation=2, transposed=True),
    ConvSpec(4, 3, stride=3, padding=1, transposed=True),
    ConvSpec((6,), 2, stride=3, output_padding=2, transposed=True),
    ConvSpec(5, 3, stride=2, padding=1, output_padding=1, transposed=True),
    ConvSpec(7, 3, padding=4),
    ConvSpec((5,), 2, dilation=3, padding=4),
])
def test_bias_only_frames_are_those_no_input_reaches(spec):
    from reference import reads_loops

    scene = build_scene(spec)
    nd = spec.ndim
    if spec.transposed:
        reached = _reached_by_scatter(spec.input_size, spec.kernel_size, spec.stride,
                                      spec.dilation, spec.padding_before, spec.padding_after,
                                      spec.output_padding if isinstance(spec.output_padding, tuple)
                                      else (spec.output_padding,) * nd)
        expected = {f.output_index for f in scene.frames if f.output_index not in reached}
    else:
        reads = reads_loops(spec.input_size, spec.kernel_size, spec.stride, spec.dilation,
                            list(zip(spec.padding_before, spec.padding_after)))
        expected = {o for o, cells in reads.items() if not cells}
    assert {f.output_index for f in scene.frames if f.bias_only} == expected
    assert expected or spec.transposed  # the direct cases here do have bias-only cells


@pytest.mark.parametrize("k", [(3, 3), (2, 3), (4,), (2, 2, 2)])
@pytest.mark.parametrize("transposed", [False, True])
def test_weight_index_is_the_kernel_in_order_or_flipped(k, transposed):
    """Window position t (C order) uses weight tap t, or the mirrored tap
    (k−1−t per axis) when transposed: the flip of the scatter/gather identity."""
    i = tuple(n + 2 for n in k)
    scene = build_scene(ConvSpec(i, k, stride=2, transposed=transposed))
    positions = list(itertools.product(*[range(n) for n in k]))
    want = [np.ravel_multi_index(tuple(n - 1 - p for p, n in zip(pos, k)) if transposed else pos, k)
            for pos in positions]
    for f in scene.frames:
        assert f.weight_index.tolist() == want


@pytest.mark.parametrize("spec", [
    ConvSpec((3, 4, 4), 2, padding=1),
    ConvSpec((5, 3, 3), 3, stride=2, padding=1),
    ConvSpec((3, 3, 3), 2, stride=2, output_padding=1, transposed=True),
])
def test_three_d_slice_names_are_input_depths(spec):
    g = spec.axes[0]
    i, s, k_hat = spec.input_size[0], spec.stride[0], spec.effective_kernel_size[0]
    if spec.transposed:
        before = k_hat - 1 - spec.padding_before[0]
        op = spec.applied_output_padding[0]
        size = before + (i - 1) * s + 1 + k_hat - 1 - spec.padding_after[0] + op
    else:
        before, size, op = (
            spec.padding_before[0],
            i + spec.padding_before[0] + spec.padding_after[0],
            0,
        )
    step = s if spec.transposed else 1
    expected = []
    for z in range(size):
        rel = z - before
        if 0 <= rel <= (i - 1) * step and rel % step == 0:
            expected.append(f"depth {rel // step}")
        elif 0 <= rel <= (i - 1) * step:
            expected.append("zero")
        elif z >= size - op:
            expected.append("output pad")
        else:
            expected.append("pad")
    assert g.canvas_size == size
    assert build_scene(spec).slice_names == tuple(expected)


@pytest.mark.parametrize("i,k,s,p,op", [(5, 3, 2, 1, 1), (4, 3, 3, 0, 2), (3, 2, 2, 0, 1)])
def test_output_padding_cells_are_the_last_rows_and_columns(i, k, s, p, op):
    from convviz.look.scene import OUTPUT_PADDING

    spec = ConvSpec(i, k, stride=s, padding=p, output_padding=op, transposed=True)
    look = build_scene(spec).cell_look
    n = (i - 1) * s + 1 + 2 * (k - 1 - p) + op
    assert look.shape == (n, n)
    band = np.zeros((n, n), bool)
    band[n - op:, :] = band[:, n - op:] = True
    np.testing.assert_array_equal(look == OUTPUT_PADDING, band)
    # everywhere else the engine's kinds
    np.testing.assert_array_equal(look[~band], spec.canvas_kind[~band])


def test_transposed_caption_gives_the_equivalent_direct_convolution():
    spec = ConvSpec(5, 3, stride=2, padding=1, output_padding=1, transposed=True)
    lines = build_scene(spec).lines
    # canvas padding k−1−p before, k−1−p+op after (Dumoulin & Visin, relationship 14)
    assert "as drawn: direct, s′=1, p′=1 before, 2 after, 1 zero between inputs" in lines
    assert "kernel flipped; crop p=1 (PyTorch padding)" in lines
    assert lines[0].startswith("i=5, k=3, s=2, crop p=1, op=1")
    plain = build_scene(ConvSpec(4, 3, transposed=True)).lines
    assert "as drawn: direct, s′=1, p′=2" in plain  # no zeros inserted at s=1
    assert not any("as drawn" in x for x in build_scene(ConvSpec(4, 3)).lines)


def test_one_d_captions_say_where_outputs_sit():
    causal = build_scene(ConvSpec((8,), 3, dilation=2, padding="causal")).lines
    assert "output t sits over its window's last cell (causal)" in causal
    centred = build_scene(ConvSpec((8,), 3, padding=1)).lines
    assert "output t sits over its window's centre" in centred


# -- channels: the frames step through output channels, each names what it reads --------
def _reads_by_reference(spec: ConvSpec) -> dict[int, set[int]]:
    """Which input channels each output channel depends on, from the brute-force
    convolution: an input that is all ones in channel i only, a kernel of ones."""
    from reference import conv_loops

    c_in, c_out = spec.channels
    w = np.ones((c_out, c_in // spec.groups, *spec.kernel_size))
    pads = [(1, 1)] * spec.ndim
    reads: dict[int, set[int]] = {oc: set() for oc in range(c_out)}
    for ic in range(c_in):
        x = np.zeros((c_in, *spec.input_size))
        x[ic] = 1.0
        out = conv_loops(x, w, (1,) * spec.ndim, (1,) * spec.ndim, pads, spec.groups)
        for oc in range(c_out):
            if np.abs(out[oc]).sum() > 0:
                reads[oc].add(ic)
    return reads


@pytest.mark.parametrize("spec", [
    ConvSpec(4, 3, in_channels=4, out_channels=2, groups=2),
    ConvSpec(4, 3, padding=1, groups=3, in_channels=3, out_channels=3),
    ConvSpec(3, 2, in_channels=2, out_channels=3),
    ConvSpec(2, 2, stride=2, in_channels=6, out_channels=4, groups=2, transposed=True),
    ConvSpec(3, 2, in_channels=2, out_channels=6, groups=2),
])
def test_frames_step_through_output_channels_reading_their_group(spec):
    scene = build_scene(spec)
    c_out = spec.channels[1]
    cells = list(itertools.product(*[range(n) for n in spec.output_size]))
    assert scene.frame_count == c_out * len(cells)
    expected = _reads_by_reference(spec)
    for n, f in enumerate(scene.frames):
        # all cells of output channel 0, then of channel 1, ...
        assert (f.out_channel, f.output_index) == (n // len(cells), cells[n % len(cells)])
        assert set(f.reads) == expected[f.out_channel], (n, f.out_channel)
        assert f"output channel {f.out_channel}" in f.caption


def test_one_channel_and_three_d_specs_keep_one_frame_per_output_cell():
    for spec in (ConvSpec(5, 3), ConvSpec((3, 4, 4), 2, in_channels=2, out_channels=2),
                 ConvSpec((6,), 3, in_channels=2, out_channels=4, groups=2, padding="causal")):
        scene = build_scene(spec)
        assert scene.frame_count == int(np.prod(spec.output_size))
        assert {f.out_channel for f in scene.frames} == {0}


@pytest.mark.parametrize("spec", [ConvSpec(40, 3, in_channels=4, out_channels=4, groups=4),
                                  PRESETS["depthwise"].spec,
                                  ConvSpec(4, 3, stride=2, in_channels=6, out_channels=4,
                                           groups=2, transposed=True)])
def test_too_many_channel_frames_show_one_channel_per_frame(spec):
    from convviz.look.scene import MAX_CHANNEL_FRAMES

    scene = build_scene(spec)
    cells = list(itertools.product(*[range(n) for n in spec.output_size]))
    c_out = spec.channels[1]
    assert len(cells) * c_out > MAX_CHANNEL_FRAMES and scene.frame_count == len(cells)
    expected = _reads_by_reference(spec)
    for n, f in enumerate(scene.frames):
        assert f.output_index == cells[n] and f.out_channel == n % c_out
        assert set(f.reads) == expected[n % c_out]
