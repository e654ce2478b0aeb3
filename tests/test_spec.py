"""ConvSpec: normalisation, the paper's relationships, canvases, and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference import same_padding

from convviz import CellKind, ConvSpec, SpecError


# -- the paper's relationships (Dumoulin & Visin), checked per axis ------------------
@pytest.mark.parametrize("i", [4, 5, 6, 7])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_relationship_1_and_2_unit_stride(i, k):
    if k > i:
        pytest.skip("kernel wider than input")
    assert ConvSpec(i, k).output_size == (i - k + 1,) * 2  # relationship 1
    for p in range(3):
        assert ConvSpec(i, k, padding=p).output_size == (i - k + 2 * p + 1,) * 2  # 2


@pytest.mark.parametrize("i", [3, 5, 8])
@pytest.mark.parametrize("k", [1, 3, 5])
def test_relationship_3_and_4_half_and_full(i, k):
    assert ConvSpec(i, k, padding=k // 2).output_size == (i, i)  # 3: half padding
    assert ConvSpec(i, k, padding="full").output_size == (i + k - 1,) * 2  # 4
    assert ConvSpec(i, k, padding=k - 1).output_size == (i + k - 1,) * 2


@pytest.mark.parametrize(
    "i,k,s,p", [(5, 3, 2, 0), (5, 3, 2, 1), (6, 3, 2, 1), (7, 4, 3, 2), (9, 2, 4, 1)]
)
def test_relationship_5_6_strides(i, k, s, p):
    assert ConvSpec(i, k, stride=s, padding=p).output_size == ((i + 2 * p - k) // s + 1,) * 2


@pytest.mark.parametrize(
    "i,k,s,p",
    [
        (5, 3, 1, 0),
        (5, 4, 1, 2),
        (5, 3, 1, 1),
        (5, 3, 1, 2),
        (5, 3, 2, 0),
        (5, 3, 2, 1),
        (6, 3, 2, 1),
    ],
)
def test_relationships_8_to_14_transposed(i, k, s, p):
    direct = ConvSpec(i, k, stride=s, padding=p)
    o = direct.output_size[0]
    a = (i + 2 * p - k) % s
    t = direct.transpose()
    assert t.transposed and t.input_size == (o, o)
    assert t.output_size == (s * (o - 1) + a + k - 2 * p,) * 2 == (i, i)  # 14
    if s == 1:
        assert t.output_size[0] == o + (k - 1) - 2 * p  # 8-11
    # the drawn canvas: o cells s apart, padding k-p-1 before and k-p-1+a after
    assert t.canvas_padding == ((k - p - 1, k - p - 1 + a),) * 2
    assert t.canvas_size == (o + (s - 1) * (o - 1) + 2 * (k - p - 1) + a,) * 2
    assert t.transpose() == direct


@pytest.mark.parametrize("i,k,s,p,d", [(7, 3, 1, 0, 2), (9, 3, 2, 1, 3), (10, 2, 1, 0, 4)])
def test_relationship_15_dilation(i, k, s, p, d):
    expected = (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1
    assert ConvSpec((i,), k, stride=s, padding=p, dilation=d).output_size == (expected,)


# -- the classic table in conv_arithmetic.md ---------------------------------------------
CLASSIC_TRANSPOSED = {
    # name: (direct i, k, s, p) -> (zeros between, pad before, pad after, grid, output)
    "no_padding_no_strides": ((4, 3, 1, 0), (0, 2, 2, 6, 4)),
    "arbitrary_padding_no_strides": ((5, 4, 1, 2), (0, 1, 1, 8, 5)),
    "same_padding_no_strides": ((5, 3, 1, 1), (0, 1, 1, 7, 5)),
    "full_padding_no_strides": ((5, 3, 1, 2), (0, 0, 0, 7, 5)),
    "no_padding_strides": ((5, 3, 2, 0), (1, 2, 2, 7, 5)),
    "padding_strides": ((5, 3, 2, 1), (1, 1, 1, 7, 5)),
    "padding_strides_odd": ((6, 3, 2, 1), (1, 1, 2, 8, 6)),
}


@pytest.mark.parametrize("name", sorted(CLASSIC_TRANSPOSED))
def test_classic_transposed_canvases(name):
    (i, k, s, p), (zeros, before, after, grid, out) = CLASSIC_TRANSPOSED[name]
    t = ConvSpec(i, k, stride=s, padding=p).transpose()
    assert t.canvas_padding == ((before, after),) * 2
    assert t.canvas_size == (grid, grid)
    assert t.output_size == (out, out)
    kind = t.canvas_kind
    row = kind[before]  # a row through the first input cell
    inputs = np.flatnonzero(row == CellKind.INPUT)
    assert np.all(np.diff(inputs) == zeros + 1)
    assert np.all(
        row[before : grid - after][(np.arange(grid - before - after) % (zeros + 1)) != 0]
        == CellKind.ZERO
    )
    assert np.all(kind[:before] == CellKind.PADDING) and np.all(
        kind[grid - after :] == CellKind.PADDING
    )


# -- padding forms ---------------------------------------------------------------------------
@pytest.mark.parametrize("i", range(1, 12))
@pytest.mark.parametrize(
    "k,s,d", [(1, 1, 1), (3, 1, 1), (3, 2, 1), (4, 2, 1), (3, 3, 2), (2, 2, 3), (5, 4, 1)]
)
def test_same_padding_is_tensorflows(i, k, s, d):
    spec = ConvSpec((i,), k, stride=s, dilation=d, padding="same")
    assert spec.output_size == (math.ceil(i / s),)
    assert (spec.padding_before[0], spec.padding_after[0]) == same_padding(i, k, s, d)


def test_same_at_stride_one_matches_pytorch_split():
    # PyTorch: total d(k-1), p_lo = total // 2, extra cell after
    spec = ConvSpec((10,), 4, dilation=3, padding="same")
    total = 3 * 3
    assert (spec.padding_before, spec.padding_after) == ((total // 2,), (total - total // 2,))


def test_full_and_causal_and_valid():
    s = ConvSpec((10,), 3, dilation=2, padding="full")
    assert (s.padding_before, s.padding_after) == ((4,), (4,))
    c = ConvSpec((10,), 3, dilation=2, padding="causal")
    assert (c.padding_before, c.padding_after, c.output_size) == ((4,), (0,), (10,))
    v = ConvSpec((10,), 3, padding="VALID")
    assert v.padding == "valid" and v.output_size == (8,)


def test_padding_forms_normalise():
    assert ConvSpec(5, 3, padding=1).padding == ((1, 1), (1, 1))
    assert ConvSpec(5, 3, padding=(1, 2)).padding == ((1, 1), (2, 2))
    spec = ConvSpec(5, 3, padding=((0, 1), 2))
    assert spec.padding == ((0, 1), (2, 2))
    assert spec.padding_before == (0, 2) and spec.padding_after == (1, 2)
    assert spec.output_size == (4, 7)


def test_int_input_means_square_2d_and_tuples_set_ndim():
    assert ConvSpec(5, 3).input_size == (5, 5)
    assert ConvSpec((5,), 3).ndim == 1
    spec = ConvSpec((4, 5, 6), (1, 2, 3), stride=(1, 2, 3))
    assert spec.ndim == 3 and spec.kernel_size == (1, 2, 3) and spec.stride == (1, 2, 3)
    assert spec.output_size == (4, 2, 2)


def test_transposed_same_gives_i_times_s():
    for i in range(1, 6):
        for k in range(1, 6):
            for s in range(1, 4):
                spec = ConvSpec((i,), k, stride=s, padding="same", transposed=True)
                assert spec.output_size == (i * s,), (i, k, s)


def test_spec_is_frozen_and_hashable():
    spec = ConvSpec(5, 3)
    with pytest.raises(AttributeError):
        spec.stride = 2  # type: ignore[misc]
    assert spec == ConvSpec((5, 5), (3, 3), stride=1, padding=((0, 0), (0, 0)))
    assert len({spec, ConvSpec(5, 3)}) == 1


def test_index_maps_are_readonly():
    spec = ConvSpec(5, 3, stride=2, padding=1)
    for name in (
        "taps",
        "input_taps",
        "canvas_kind",
        "canvas_input",
        "weight_taps",
        "scatter_taps",
    ):
        arr = getattr(spec, name)
        assert not arr.flags.writeable, name
        with pytest.raises(ValueError):
            arr[(0,) * arr.ndim] = 1


def test_counts():
    spec = ConvSpec(12, 5, in_channels=3, out_channels=256)
    assert spec.output_size == (8, 8)
    assert spec.multiply_count == 8 * 8 * 256 * 3 * 25 == 1_228_800
    assert spec.parameter_count == 256 * 3 * 25 + 256
    dw = ConvSpec(12, 5, groups=3, in_channels=3, out_channels=3)
    assert dw.multiply_count == 8 * 8 * 3 * 25 == 4_800
    pw = ConvSpec(8, 1, in_channels=3, out_channels=256)
    assert pw.multiply_count == 8 * 8 * 3 * 256 == 49_152


def test_describe():
    assert ConvSpec(5, 3, stride=2, padding=1).describe() == "i=5, k=3, s=2, p=1, o=3"
    text = ConvSpec(3, 3, stride=2, padding=1, output_padding=1, transposed=True).describe()
    assert "transposed" in text and "op=1" in text and "o=6" in text


# -- bad specs are impossible to build: one test per invalid field ----------------------------
@pytest.mark.parametrize(
    "kwargs,words",
    [
        (dict(input_size=0, kernel_size=1), ["input_size", "0", ">= 1"]),
        (dict(input_size=(5, -1), kernel_size=1), ["input_size", "-1", ">= 1"]),
        (dict(input_size=(1, 2, 3, 4), kernel_size=1), ["input_size", "1, 2 or 3"]),
        (dict(input_size="5", kernel_size=1), ["input_size", "'5'"]),
        (dict(input_size=True, kernel_size=1), ["input_size", "True"]),
        (dict(input_size=5, kernel_size=0), ["kernel_size", "0", ">= 1"]),
        (dict(input_size=5, kernel_size=(3, 3, 3)), ["kernel_size", "2 values"]),
        (dict(input_size=5, kernel_size=3, stride=0), ["stride", "0", ">= 1"]),
        (dict(input_size=5, kernel_size=3, stride=(1, 2, 3)), ["stride", "2", "3 values"]),
        (dict(input_size=5, kernel_size=3, stride=1.5), ["stride", "1.5"]),
        (dict(input_size=5, kernel_size=3, dilation=-2), ["dilation", "-2", ">= 1"]),
        (dict(input_size=5, kernel_size=3, padding=-1), ["padding", "-1", ">= 0"]),
        (dict(input_size=5, kernel_size=3, padding="reflect"), ["padding", "'reflect'", "valid"]),
        (dict(input_size=5, kernel_size=3, padding=(1, 2, 3)), ["padding", "per axis"]),
        (dict(input_size=5, kernel_size=3, padding=((1, 2, 3), 0)), ["padding", "(before, after)"]),
        (dict(input_size=5, kernel_size=3, padding=((1, -2), 0)), ["padding", ">= 0"]),
        (
            dict(input_size=5, kernel_size=3, padding="causal", transposed=True),
            ["padding", "'causal'", "transposed"],
        ),
        (
            dict(input_size=5, kernel_size=7),
            ["kernel_size", "wider than the padded input", "5 + 0 + 0"],
        ),
        (
            dict(input_size=7, kernel_size=3, dilation=4),
            ["kernel_size", "effective 9", "dilation 4"],
        ),
        (
            dict(input_size=3, kernel_size=3, stride=2, output_padding=2, transposed=True),
            ["output_padding", "max(stride, dilation) = 2"],
        ),
        (dict(input_size=3, kernel_size=3, output_padding=1), ["output_padding", "transposed"]),
        (
            dict(
                input_size=3,
                kernel_size=3,
                stride=2,
                padding="same",
                output_padding=1,
                transposed=True,
            ),
            ["output_padding", "'same'"],
        ),
        (
            dict(input_size=1, kernel_size=1, padding=1, transposed=True),
            ["padding", "crops the whole output", "must be >= 1"],
        ),
        (dict(input_size=5, kernel_size=3, transposed="yes"), ["transposed", "'yes'"]),
        (dict(input_size=5, kernel_size=3, groups=0), ["groups", "0", ">= 1"]),
        (dict(input_size=5, kernel_size=3, groups=2, in_channels=3), ["in_channels=3", "groups=2"]),
        (
            dict(input_size=5, kernel_size=3, groups=2, in_channels=2, out_channels=5),
            ["out_channels=5", "groups=2"],
        ),
        (dict(input_size=5, kernel_size=3, in_channels=0), ["in_channels", "0"]),
    ],
)
def test_invalid_specs_name_parameter_value_and_rule(kwargs, words):
    with pytest.raises(SpecError) as err:
        ConvSpec(**kwargs)
    message = str(err.value)
    for word in words:
        assert word in message, (word, message)
    assert isinstance(err.value, ValueError)
