"""The engine against PyTorch: every padding form, 1-D/2-D/3-D, transposed with
output_padding and dilation, groups, pooling. Skips without torch, fails in CI
(CONVVIZ_REQUIRE_REFERENCE=1)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from convviz import ConvSpec, apply, pool

DIRECT_CASES = [
    # (input, kernel, kwargs)
    ((9,), 3, dict()),
    ((9,), 3, dict(stride=2, padding=1)),
    ((10,), 3, dict(dilation=3, padding=2)),
    ((12,), 4, dict(stride=3, dilation=2, padding=((2, 5),))),
    ((8,), 3, dict(padding="causal", dilation=2)),
    ((8,), 3, dict(padding="full", dilation=2)),
    ((8,), 3, dict(padding="same", stride=2)),
    ((9,), 4, dict(padding="same")),
    ((9,), 4, dict(padding="valid", stride=2)),
    ((6, 7), 3, dict(padding=1)),
    ((6, 7), (3, 2), dict(stride=(2, 1), padding=(1, 0))),
    ((7, 7), 3, dict(dilation=2)),
    ((8, 8), 3, dict(stride=2, padding="same")),
    ((5, 6), 2, dict(padding=((0, 1), (1, 0)))),
    ((6, 6), 3, dict(padding="same", dilation=(1, 2))),
    ((5, 5), 3, dict(padding=1, groups=2, in_channels=4, out_channels=6)),
    ((5, 5), 3, dict(padding=1, groups=3, in_channels=3, out_channels=3)),  # depthwise
    ((4, 5, 6), 3, dict(padding=1)),
    ((5, 5, 5), (2, 3, 2), dict(stride=(1, 2, 2), dilation=(2, 1, 1), padding=((1, 0), 1, (0, 2)))),
    ((6, 5, 4), 3, dict(padding="same", groups=2, in_channels=2, out_channels=4)),
]

TRANSPOSED_CASES = [
    ((4,), 3, dict(stride=2, padding=1, output_padding=1)),
    ((5,), 4, dict(stride=3, dilation=2, padding=2, output_padding=2)),
    ((3,), 3, dict(dilation=2)),
    ((5,), 3, dict(stride=2, padding=3)),  # padding larger than the kernel overlap
    ((3, 3), 3, dict(stride=2, padding=1, output_padding=1)),
    ((2, 2), 3, dict(stride=2)),
    ((3, 4), (3, 2), dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 2))),
    ((3, 3), 3, dict(dilation=2, padding=1, stride=2, output_padding=1)),
    ((4, 4), 3, dict(stride=2, padding=1, groups=2, in_channels=4, out_channels=2)),
    ((2, 3, 3), 3, dict(stride=2, padding=1, output_padding=(1, 0, 1))),
    (
        (3, 2, 2),
        (2, 3, 2),
        dict(stride=(1, 2, 3), dilation=(2, 1, 1), groups=3, in_channels=3, out_channels=6),
    ),
]


def torch_padding_args(spec):
    """(explicit F.pad list, conv padding) reproducing the spec's per-side padding in PyTorch."""
    pad = []
    for lo, hi in reversed(list(zip(spec.padding_before, spec.padding_after))):
        pad += [lo, hi]
    return pad


def _weights(spec, rng):
    c_in, c_out = spec.channels
    if spec.transposed:
        shape = (c_in, c_out // spec.groups) + spec.kernel_size
    else:
        shape = (c_out, c_in // spec.groups) + spec.kernel_size
    return (
        rng.normal(size=(2, c_in) + spec.input_size),
        rng.normal(size=shape),
        rng.normal(size=c_out),
    )


@pytest.mark.parametrize("size,k,kwargs", DIRECT_CASES)
def test_direct_matches_torch(torch, size, k, kwargs):
    F = torch.nn.functional
    spec = ConvSpec(size, k, **kwargs)
    x, w, b = _weights(spec, np.random.default_rng(len(size) * 97 + spec.kernel_size[0]))
    conv = (F.conv1d, F.conv2d, F.conv3d)[spec.ndim - 1]
    tx = F.pad(torch.from_numpy(x), torch_padding_args(spec))
    expected = conv(tx, torch.from_numpy(w), torch.from_numpy(b), stride=spec.stride,
                    dilation=spec.dilation, groups=spec.groups).numpy()
    got = apply(spec, x, w, bias=b)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "size,k,kwargs",
    [c for c in DIRECT_CASES if c[2].get("padding") in ("same",) and c[2].get("stride", 1) == 1],
)
def test_same_at_unit_stride_equals_torch_same(torch, size, k, kwargs):
    F = torch.nn.functional
    spec = ConvSpec(size, k, **kwargs)
    x, w, b = _weights(spec, np.random.default_rng(5))
    conv = (F.conv1d, F.conv2d, F.conv3d)[spec.ndim - 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch: even kernels copy the input
        expected = conv(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                        padding="same", dilation=spec.dilation, groups=spec.groups).numpy()
    np.testing.assert_allclose(apply(spec, x, w, bias=b), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "size,k,kwargs", [c for c in DIRECT_CASES if isinstance(c[2].get("padding", 0), int)]
)
def test_symmetric_int_padding_equals_torch_layer(torch, size, k, kwargs):
    F = torch.nn.functional
    spec = ConvSpec(size, k, **kwargs)
    x, w, b = _weights(spec, np.random.default_rng(11))
    conv = (F.conv1d, F.conv2d, F.conv3d)[spec.ndim - 1]
    expected = conv(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                    stride=spec.stride, padding=spec.padding_before, dilation=spec.dilation,
                    groups=spec.groups).numpy()
    np.testing.assert_allclose(apply(spec, x, w, bias=b), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("size,k,kwargs", TRANSPOSED_CASES)
def test_transposed_matches_torch(torch, size, k, kwargs):
    F = torch.nn.functional
    spec = ConvSpec(size, k, transposed=True, **kwargs)
    x, w, b = _weights(spec, np.random.default_rng(7 + len(size)))
    conv_t = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[spec.ndim - 1]
    expected = conv_t(
        torch.from_numpy(x),
        torch.from_numpy(w),
        torch.from_numpy(b),
        stride=spec.stride,
        padding=spec.padding_before,
        output_padding=spec.output_padding,
        groups=spec.groups,
        dilation=spec.dilation,
    ).numpy()
    got = apply(spec, x, w, bias=b)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def _symmetric(case):
    spec = ConvSpec(case[0], case[1], **case[2])
    return spec.padding_before == spec.padding_after and spec.groups == 1


# PyTorch's ConvTranspose has symmetric padding only: asymmetric cases are
# covered by the adjoint-identity property test instead.
@pytest.mark.parametrize("size,k,kwargs", [c for c in DIRECT_CASES if _symmetric(c)])
def test_every_direct_case_has_a_torch_transpose(torch, size, k, kwargs):
    """spec.transpose() gives PyTorch's ConvTranspose back to the input size."""
    F = torch.nn.functional
    spec = ConvSpec(size, k, **kwargs)
    t = spec.transpose()
    x, w, _ = _weights(t, np.random.default_rng(3))
    conv_t = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[spec.ndim - 1]
    expected = conv_t(
        torch.from_numpy(x),
        torch.from_numpy(w),
        stride=t.stride,
        padding=t.padding_before,
        output_padding=t.output_padding,
        dilation=t.dilation,
    ).numpy()
    assert expected.shape[2:] == spec.input_size
    np.testing.assert_allclose(apply(t, x, w), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "i,k,s,p,d", [(5, 3, 1, 0, 1), (7, 3, 2, 1, 1), (8, 2, 2, 0, 1), (9, 3, 2, 1, 2)]
)
def test_pooling_matches_torch(torch, i, k, s, p, d):
    F = torch.nn.functional
    spec = ConvSpec(i, k, stride=s, padding=p, dilation=d)
    x = np.random.default_rng(i).normal(size=(3, i, i))
    tx = torch.from_numpy(x)
    expected = F.max_pool2d(tx, k, stride=s, padding=p, dilation=d).numpy()
    np.testing.assert_allclose(pool(spec, x, "max"), expected)
    if d == 1:
        expected = F.avg_pool2d(tx, k, stride=s, padding=p, count_include_pad=True).numpy()
        np.testing.assert_allclose(pool(spec, x, "avg"), expected)
        expected = F.avg_pool2d(tx, k, stride=s, padding=p, count_include_pad=False).numpy()
        np.testing.assert_allclose(pool(spec, x, "avg", count_include_pad=False), expected)


def test_torch_output_sizes_for_many_specs(torch):
    """Output sizes of nn layers (shape inference only) across a grid of parameters."""
    for i in range(1, 9):
        for k in range(1, 5):
            for s in range(1, 4):
                for d in range(1, 3):
                    for p in range(3):
                        try:
                            spec = ConvSpec((i,), k, stride=s, dilation=d, padding=p)
                        except ValueError:
                            continue
                        layer = torch.nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d)
                        assert layer(torch.zeros(1, 1, i)).shape[-1] == spec.output_size[0]
                        for op in range(max(s, d)):
                            try:
                                t = ConvSpec((i,), k, stride=s, dilation=d, padding=p,
                                             output_padding=op, transposed=True)
                            except ValueError:
                                continue
                            layer = torch.nn.ConvTranspose1d(1, 1, k, stride=s, padding=p,
                                                             output_padding=op, dilation=d)
                            assert layer(torch.zeros(1, 1, i)).shape[-1] == t.output_size[0]
