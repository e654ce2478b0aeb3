"""The engine against independent references: brute-force loops, the adjoint
identity, and receptive fields by perturbation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reference import (
    conv_loops,
    conv_transpose_loops,
    direct_output_size,
    field_by_sets,
    reads_loops,
    receptive_field_matrix,
    same_padding,
    transposed_output_size,
)

from convviz import CellKind, ConvSpec, SpecError, apply, pool, receptive_field
from convviz.core.engine import canvas_values
from convviz.core.field import _widest_span, _window_span

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@st.composite
def direct_specs(draw, max_ndim=3):
    ndim = draw(st.integers(1, max_ndim))
    small = 6 if ndim == 3 else 9
    i = tuple(draw(st.integers(1, small)) for _ in range(ndim))
    k = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    s = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    d = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    form = draw(st.sampled_from(["int", "axis", "pairs", "valid", "same", "full", "causal"]))
    if form == "int":
        padding = draw(st.integers(0, 3))
    elif form == "axis":
        padding = tuple(draw(st.integers(0, 3)) for _ in range(ndim))
    elif form == "pairs":
        padding = tuple((draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(ndim))
    else:
        padding = form
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    try:
        spec = ConvSpec(i, k, stride=s, padding=padding, dilation=d, groups=groups,
                        in_channels=c_in, out_channels=c_out)
    except SpecError:
        assume(False)
    return spec


def expected_pads(spec):
    """Padding per side from the formulas in semantics.md, not from the spec."""
    pads = []
    for a in range(spec.ndim):
        i, k, s, d = spec.input_size[a], spec.kernel_size[a], spec.stride[a], spec.dilation[a]
        p = spec.padding
        if p == "valid":
            pads.append((0, 0))
        elif p == "same":
            pads.append(same_padding(i, k, s, d))
        elif p == "full":
            pads.append((d * (k - 1), d * (k - 1)))
        elif p == "causal":
            pads.append((d * (k - 1), 0))
        else:
            pads.append(p[a])
    return pads


@given(direct_specs())
@SETTINGS
def test_direct_output_size_matches_formula(spec):
    pads = expected_pads(spec)
    expected = tuple(
        direct_output_size(
            spec.input_size[a], spec.kernel_size[a], spec.stride[a], spec.dilation[a], *pads[a]
        )
        for a in range(spec.ndim)
    )
    assert spec.output_size == expected
    assert list(zip(spec.padding_before, spec.padding_after)) == pads


@given(direct_specs(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_apply_equals_brute_force_loops(spec, seed):
    rng = np.random.default_rng(seed)
    c_in, c_out = spec.channels
    x = rng.integers(-3, 4, (c_in,) + spec.input_size)
    w = rng.integers(-2, 3, (c_out, c_in // spec.groups) + spec.kernel_size)
    expected = conv_loops(x, w, spec.stride, spec.dilation, expected_pads(spec), spec.groups)
    np.testing.assert_array_equal(apply(spec, x, w), expected)


@given(direct_specs(), st.integers(0, 2**31 - 1))
@SETTINGS
def test_transposed_equals_scatter_loops_and_is_the_adjoint(spec, seed):
    """⟨conv(x), y⟩ = ⟨x, conv_transpose(y)⟩, and conv_transpose = the scatter loops."""
    rng = np.random.default_rng(seed)
    t = spec.transpose()
    assert t.output_size == spec.input_size
    c_in, c_out = spec.channels
    x = rng.integers(-3, 4, (c_in,) + spec.input_size)
    w = rng.integers(-2, 3, (c_out, c_in // spec.groups) + spec.kernel_size)
    y = rng.integers(-3, 4, (c_out,) + spec.output_size)
    ty = apply(t, y, w)
    pads = list(zip(t.padding_before, t.padding_after))
    expected = conv_transpose_loops(
        y, w, t.stride, t.dilation, pads, t.applied_output_padding, t.groups
    )
    np.testing.assert_array_equal(ty, expected)
    assert int(np.sum(apply(spec, x, w) * y)) == int(np.sum(x * ty))


@given(direct_specs(max_ndim=2))
@SETTINGS
def test_input_taps_equal_the_cells_each_output_reads(spec):
    reads = reads_loops(
        spec.input_size, spec.kernel_size, spec.stride, spec.dilation, expected_pads(spec)
    )
    taps = spec.input_taps.reshape(spec.output_size + (-1, spec.ndim))
    for o, cells in reads.items():
        got = {tuple(c) for c in taps[o] if c[0] >= 0}
        assert got == cells


@given(direct_specs(max_ndim=2))
@SETTINGS
def test_canvas_is_the_padded_input(spec):
    kind = spec.canvas_kind
    pads = expected_pads(spec)
    inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, spec.input_size))
    assert kind.shape == tuple(lo + n + hi for (lo, hi), n in zip(pads, spec.input_size))
    assert np.all(kind[inner] == CellKind.INPUT)
    assert np.count_nonzero(kind == CellKind.INPUT) == np.prod(spec.input_size)
    assert not np.any(kind == CellKind.ZERO)
    # the canvas cell of tap t of output o is o*s + t*d (canvas coordinates)
    for o in itertools.islice(np.ndindex(spec.output_size), 5):
        for t in np.ndindex(spec.kernel_size):
            expected = [o[a] * spec.stride[a] + t[a] * spec.dilation[a] for a in range(spec.ndim)]
            assert list(spec.taps[o + t]) == expected


@given(direct_specs(max_ndim=2))
@SETTINGS
def test_transposed_canvas_stretches_and_pads(spec):
    t = spec.transpose()
    kind = t.canvas_kind
    # along every axis the input cells sit s apart, after max(k̂ − 1 − p_lo, 0) cells
    firsts = [max(t.effective_kernel_size[a] - 1 - t.padding_before[a], 0) for a in range(t.ndim)]
    for a in range(t.ndim):
        index = list(firsts)
        index[a] = slice(None)
        positions = np.flatnonzero(kind[tuple(index)] == CellKind.INPUT)
        assert list(positions) == [firsts[a] + j * t.stride[a] for j in range(t.input_size[a])]
    assert np.count_nonzero(kind == CellKind.INPUT) == np.prod(t.input_size)
    # scatter view: input j writes j*s - p_lo + t*d where that is inside the output
    sc = t.scatter_taps
    for j in itertools.islice(np.ndindex(t.input_size), 4):
        for tap in np.ndindex(t.kernel_size):
            pos = [
                j[a] * t.stride[a] - t.padding_before[a] + tap[a] * t.dilation[a]
                for a in range(t.ndim)
            ]
            inside = all(0 <= pos[a] < t.output_size[a] for a in range(t.ndim))
            assert list(sc[j + tap]) == (pos if inside else [-1] * t.ndim)


@given(
    st.integers(1, 7), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
    st.integers(0, 4), st.integers(0, 4), st.integers(0, 2),
)
@SETTINGS
def test_transposed_output_size_matches_pytorch_formula(i, k, s, d, p, _unused, op):
    assume(op < max(s, d))
    try:
        spec = ConvSpec(
            (i,), k, stride=s, dilation=d, padding=p, output_padding=op, transposed=True
        )
    except SpecError:
        assert transposed_output_size(i, k, s, d, p, p, op) < 1
        return
    assert spec.output_size == (transposed_output_size(i, k, s, d, p, p, op),)


def test_transposed_with_large_padding_crops_the_canvas():
    # p > d(k-1): PyTorch crops more than the kernel overlap; still exact
    spec = ConvSpec((5,), 3, stride=2, padding=3, transposed=True)
    x = np.arange(1, 6)
    w = np.array([1, 10, 100])
    expected = conv_transpose_loops(x[None], w[None, None], (2,), (1,), [(3, 3)], (0,))[0]
    np.testing.assert_array_equal(apply(spec, x, w), expected)


def test_single_channel_and_batched_shapes():
    spec = ConvSpec(5, 3, padding=1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 1, 5, 5))
    w = rng.normal(size=(4, 1, 3, 3))
    batched = apply(spec, x, w)
    assert batched.shape == (2, 4, 5, 5)
    np.testing.assert_allclose(batched[1], apply(spec, x[1], w))
    np.testing.assert_allclose(apply(spec, x[0, 0], w[2, 0]), batched[0, 2])


def test_bias_is_added_per_output_channel():
    spec = ConvSpec((4,), 2)
    x = np.ones((1, 4))
    w = np.ones((2, 1, 2))
    out = apply(spec, x, w, bias=np.array([10.0, -1.0]))
    np.testing.assert_array_equal(out, [[12, 12, 12], [1, 1, 1]])


@pytest.mark.parametrize(
    "x_shape,w_shape,words",
    [
        ((4, 4), (3, 3), ["x has spatial shape (4, 4)", "(5, 5)"]),
        ((5,), (3, 3), ["x must have shape"]),
        ((5, 5), (2, 2), ["w must have shape kernel_size (3, 3)"]),
        ((2, 5, 5), (1, 1, 3, 3), ["w.shape[1]=1", "2/1"]),
        ((2, 5, 5), (1, 2, 3), ["w must have shape (C_out"]),
    ],
)
def test_apply_shape_errors(x_shape, w_shape, words):
    with pytest.raises(SpecError) as err:
        apply(ConvSpec(5, 3), np.zeros(x_shape), np.zeros(w_shape))
    for word in words:
        assert word in str(err.value)


def test_apply_refuses_channel_counts_that_contradict_the_spec():
    spec = ConvSpec(5, 3, groups=2, in_channels=4, out_channels=2)
    with pytest.raises(SpecError, match="in_channels=4"):
        apply(spec, np.zeros((2, 5, 5)), np.zeros((2, 1, 3, 3)))


# -- pooling -----------------------------------------------------------------------------------
def pool_loops(x, k, s, pads, mode, include_pad=True):
    isz = x.shape
    nd = len(isz)
    osz = [direct_output_size(isz[a], k[a], s[a], 1, *pads[a]) for a in range(nd)]
    out = np.zeros(osz)
    for o in itertools.product(*[range(n) for n in osz]):
        vals, count = [], 0
        for t in itertools.product(*[range(n) for n in k]):
            count += 1
            pos = [o[a] * s[a] - pads[a][0] + t[a] for a in range(nd)]
            if all(0 <= pos[a] < isz[a] for a in range(nd)):
                vals.append(x[tuple(pos)])
        if mode == "max":
            out[o] = max(vals)
        else:
            out[o] = sum(vals) / (count if include_pad else len(vals))
    return out


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("i,k,s,p", [(5, 3, 1, 0), (5, 3, 2, 1), (6, 2, 2, 0), (7, 3, 2, 1)])
def test_pool_equals_loops(mode, i, k, s, p):
    rng = np.random.default_rng(i * 100 + k)
    x = rng.integers(0, 9, (i, i)).astype(float)
    spec = ConvSpec(i, k, stride=s, padding=p)
    expected = pool_loops(x, (k, k), (s, s), [(p, p)] * 2, mode)
    np.testing.assert_allclose(pool(spec, x, mode), expected)
    if mode == "avg":
        got = pool(spec, x, "avg", count_include_pad=False)
        np.testing.assert_allclose(got, pool_loops(x, (k, k), (s, s), [(p, p)] * 2, "avg", False))


def test_pool_errors():
    with pytest.raises(SpecError, match="mode"):
        pool(ConvSpec(5, 3), np.zeros((5, 5)), "min")
    with pytest.raises(SpecError, match="transposed"):
        pool(ConvSpec(3, 3, transposed=True), np.zeros((3, 3)))


def test_canvas_values_places_input_on_the_canvas():
    spec = ConvSpec(3, 3, stride=2, padding=1).transpose()  # 2x2 input... i=2
    x = np.array([[1, 2], [3, 4]])
    canvas = canvas_values(spec, x)
    kind = spec.canvas_kind
    assert sorted(canvas[kind == CellKind.INPUT].tolist()) == [1, 2, 3, 4]
    assert not canvas[kind != CellKind.INPUT].any()


# -- receptive fields ----------------------------------------------------------------------------
def dependency_by_perturbation(specs, output_index):
    """Input cells whose change alters the chosen output (all-ones kernels, no cancellation)."""
    first = specs[0]
    dependent = np.zeros(first.input_size, dtype=bool)
    for cell in np.ndindex(first.input_size):
        x = np.zeros(first.input_size)
        x[cell] = 1.0
        for spec in specs:
            pads = list(zip(spec.padding_before, spec.padding_after))
            x = conv_loops(
                x[None], np.ones((1, 1) + spec.kernel_size), spec.stride, spec.dilation, pads
            )[0]
        dependent[cell] = x[output_index] != 0
    return dependent


@pytest.mark.parametrize(
    "dilations,k,expected", [((1, 1, 1), 3, 7), ((1, 2, 4), 3, 15), ((1, 2, 4, 8), 2, 16)]
)
def test_receptive_field_of_the_seeds_stacks(dilations, k, expected):
    specs = [ConvSpec((40,), k, dilation=d, padding="causal") for d in dilations]
    rf = receptive_field(specs, 30)
    assert rf.size == (expected,)
    assert rf.mask.sum() == expected
    assert np.flatnonzero(rf.mask).max() == 30  # causal: nothing after t
    np.testing.assert_array_equal(rf.mask, dependency_by_perturbation(specs, (30,)))


@pytest.mark.parametrize("index", [(0, 0), (1, 2), (3, 3)])
def test_receptive_field_2d_with_strides_matches_perturbation(index):
    specs = [
        ConvSpec(11, 3, stride=2, padding=1),
        ConvSpec(6, 2, stride=1, padding=(0, 1), dilation=2),
    ]
    specs[1] = ConvSpec(specs[0].output_size, 2, padding=((1, 0), (0, 1)), dilation=2)
    rf = receptive_field(specs, index)
    np.testing.assert_array_equal(rf.mask, dependency_by_perturbation(specs, index))
    assert rf.size == (1 + 2 * 1 + 2 * 2, 1 + 2 * 1 + 2 * 2)  # 1 + (3-1)*1 + (3-1)*2


def test_receptive_field_formula_with_strides():
    specs = [
        ConvSpec((64,), 3, stride=2),
        ConvSpec((31,), 3, stride=2),
        ConvSpec((15,), 5, dilation=2),
    ]
    # r = 1 + Σ (k̂_l − 1) Π_{j<l} s_j = 1 + 2 + 2*2 + 8*4
    assert receptive_field(specs).size == (1 + 2 + 4 + 32,)


def test_receptive_field_errors():
    with pytest.raises(SpecError, match=r"specs\[1\].input_size"):
        receptive_field([ConvSpec((10,), 3), ConvSpec((10,), 3)])
    with pytest.raises(SpecError, match="output_index"):
        receptive_field(ConvSpec((10,), 3), 8)
    with pytest.raises(SpecError, match="at least one"):
        receptive_field([])


@st.composite
def stacks(draw, max_ndim=3, max_layers=4):
    """Chained stacks mixing direct, transposed, strided, dilated and padded layers."""
    ndim = draw(st.integers(1, max_ndim))
    size = tuple(draw(st.integers(1, (40, 10, 5)[ndim - 1])) for _ in range(ndim))
    layers = []
    for _ in range(draw(st.integers(1, max_layers))):
        transposed = draw(st.booleans())
        k, s, d = draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
        names = ["valid", "same"] if transposed else ["valid", "same", "full", "causal"]
        padding = draw(st.one_of(st.integers(0, 4), st.sampled_from(names),
                                 st.just(tuple((draw(st.integers(0, 3)), draw(st.integers(0, 3)))
                                               for _ in range(ndim)))))
        op = draw(st.integers(0, max(s, d) - 1)) if transposed and padding != "same" else 0
        try:
            layer = ConvSpec(size, k, stride=s, padding=padding, dilation=d,
                             transposed=transposed, output_padding=op)
        except SpecError:
            continue
        if max(layer.output_size) > (240, 24, 8)[ndim - 1]:
            break
        layers.append(layer)
        size = layer.output_size
    assume(layers)
    index = tuple(draw(st.integers(0, n - 1)) for n in layers[-1].output_size)
    return layers, index


@given(stacks())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
def test_receptive_field_equals_the_matrix_method(case):
    """Closed form per axis == the product of the layers' dependency matrices, for the
    size (textbook formula or widest span) and for the cells of one output."""
    layers, index = case
    size, mask = receptive_field_matrix(layers, index)
    rf = receptive_field(layers, index)
    assert rf.size == size
    np.testing.assert_array_equal(rf.mask, mask)
    np.testing.assert_array_equal(rf.cells, np.argwhere(mask))
    assert receptive_field(layers).size == size
    for axis in range(layers[0].ndim):  # both routes to the widest span agree
        last = layers[-1].output_size[axis] - 1
        if any(layer.transposed for layer in layers):
            assert _window_span(layers, axis, 0, last) == _widest_span(layers, axis) == size[axis]
        cells = set()
        for start, step, count in rf.progressions[axis].tolist():
            assert step >= 1 and count >= 1
            cells.update(range(start, start + step * count, step))
        assert sorted(cells) == rf.axis_cells(axis).tolist()
        if mask.any():  # the field is the product of the per-axis sets
            others = tuple(a for a in range(mask.ndim) if a != axis)
            assert sorted(cells) == np.flatnonzero(mask.any(axis=others)).tolist()
    if not mask.any():
        assert any(rf.axis_cells(a).size == 0 for a in range(layers[0].ndim))


def test_widest_span_uses_borders_and_one_period(monkeypatch):
    """A long transposed stack: the periodic route (two border windows, not every
    output) equals the matrix method."""
    from convviz.core import field

    layers = [ConvSpec((300,), 5, stride=3, dilation=2, padding=1, transposed=True)]
    layers.append(ConvSpec(layers[-1].output_size, 3, stride=2, transposed=True, output_padding=1))
    layers.append(ConvSpec(layers[-1].output_size, 4, stride=5, dilation=3, padding=2))
    windows = []

    def spy(layers, axis, first, last):
        windows.append((first, last))
        return _window_span(layers, axis, first, last)

    monkeypatch.setattr(field, "_window_span", spy)
    assert receptive_field(layers).size == receptive_field_matrix(layers)[0]
    assert sum(last - first + 1 for first, last in windows) < layers[-1].output_size[0] // 4


@pytest.mark.parametrize("n", [2000, 4000, 100_000])
def test_the_reported_two_layer_stack(n):
    """receptive_field([ConvSpec((n,), 3), ConvSpec((n − 2,), 3)], 0) once took n³ steps."""
    rf = receptive_field([ConvSpec((n,), 3), ConvSpec((n - 2,), 3)], 0)
    assert rf.size == (5,)
    assert np.flatnonzero(rf.mask).tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("index", [0, 7, 49_999, 99_990])
def test_receptive_field_on_long_axes_equals_walking_the_sets(index):
    """10⁵-cell layers (the matrix method would need 10¹⁰ cells): the cells one output
    depends on equal a walk over the reading rules with Python sets."""
    layers = [ConvSpec((100_000,), 3, stride=2, dilation=3, padding=2, transposed=True)]
    layers.append(ConvSpec(layers[-1].output_size, 4, stride=3, dilation=2, padding="same"))
    layers.append(ConvSpec(layers[-1].output_size, 3, dilation=5, padding="causal"))
    layers.append(ConvSpec(layers[-1].output_size, 2, stride=2, transposed=True))
    rf = receptive_field(layers, index)
    assert rf.axis_cells(0).tolist() == field_by_sets(layers, (index,))[0]
    assert np.flatnonzero(rf.mask).tolist() == field_by_sets(layers, (index,))[0]


def test_field_and_axis_docstring_examples():
    import doctest

    import convviz.core.axis
    import convviz.core.field

    result = doctest.testmod(convviz.core.field, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
    assert doctest.testmod(convviz.core.axis).failed == 0
