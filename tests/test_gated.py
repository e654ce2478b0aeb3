"""glu / highway against PyTorch, counts against the paper's formulas."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import convviz
from convviz import SpecError
from convviz.core import gated
from convviz.core.gated import gated_cost, gated_trace, sigmoid


def _data(seed, channels, n, k, length, bias):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((channels, length))
    w = rng.standard_normal((n, channels, k))
    v = rng.standard_normal((n, channels, k))
    b = rng.standard_normal(n) if bias else None
    c = rng.standard_normal(n) if bias else None
    return x, w, v, b, c


def _torch_conv(torch, x, w, bias, dilation, padding):
    F = torch.nn.functional
    xt = torch.tensor(x)[None]
    wt = torch.tensor(w)
    bt = None if bias is None else torch.tensor(bias)
    k = w.shape[-1]
    if padding == "causal":
        xt = F.pad(xt, (dilation * (k - 1), 0))
        return F.conv1d(xt, wt, bt, dilation=dilation)[0]
    return F.conv1d(xt, wt, bt, dilation=dilation, padding="same")[0]


@pytest.mark.parametrize("padding", ["causal", "same"])
@pytest.mark.parametrize("dilation", [1, 2, 4])
@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("bias", [False, True])
def test_glu_matches_torch(torch, padding, dilation, residual, bias):
    k = 2 if dilation == 4 else 3  # even and odd kernels: 'same' splits d(k−1) unevenly
    channels = 3
    n = channels if residual else 4
    x, w, v, b, c = _data(dilation * 10 + residual, channels, n, k, 11, bias)
    a = _torch_conv(torch, x, w, b, dilation, padding)
    gate = torch.sigmoid(_torch_conv(torch, x, v, c, dilation, padding))
    expected = a * gate
    if residual:
        expected = expected + torch.tensor(x)
    got = convviz.glu(x, w, v, b, c, dilation=dilation, padding=padding, residual=residual)
    assert got.shape == (n, 11)
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("padding", ["causal", "same"])
@pytest.mark.parametrize("dilation", [1, 2, 4])
def test_glu_matches_torch_f_glu_on_one_concatenated_conv(torch, padding, dilation):
    """Frameworks often run one conv with 2n outputs and split it with F.glu."""
    x, w, v, b, c = _data(7 + dilation, 2, 3, 3, 9, True)
    both = _torch_conv(
        torch, x, np.concatenate([w, v]), np.concatenate([b, c]), dilation, padding
    )
    expected = torch.nn.functional.glu(both, dim=0)
    got = convviz.glu(x, w, v, b, c, dilation=dilation, padding=padding)
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("padding", ["causal", "same"])
@pytest.mark.parametrize("dilation", [1, 2, 4])
@pytest.mark.parametrize("bias", [False, True])
def test_highway_matches_torch(torch, padding, dilation, bias):
    x, w, v, b, c = _data(100 + dilation, 3, 3, 3, 10, bias)
    a = _torch_conv(torch, x, w, b, dilation, padding)
    gate = torch.sigmoid(_torch_conv(torch, x, v, c, dilation, padding))
    xt = torch.tensor(x)
    expected = xt * (1 - gate) + a * gate
    got = convviz.highway(x, w, v, b, c, dilation=dilation, padding=padding)
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-10, atol=1e-12)


def test_highway_is_the_residual_glu_with_w_minus_identity():
    """DGCNN's identity: X + (Conv(X) − X) ⊗ σ = X ⊗ (1 − σ) + Conv(X) ⊗ σ."""
    x, w, v, b, c = _data(3, 2, 2, 3, 8, True)
    identity = np.zeros_like(w)
    identity[:, :, -1] = np.eye(2)  # causal: the last tap reads x[t]
    residual = convviz.glu(x, w - identity, v, b, c, residual=True)
    np.testing.assert_allclose(convviz.highway(x, w, v, b, c), residual, atol=1e-12)


def test_causal_output_ignores_the_future():
    x, w, v, b, c = _data(5, 2, 2, 3, 12, True)
    y = convviz.glu(x, w, v, b, c, dilation=2)
    changed = x.copy()
    changed[:, 7:] += 5.0
    y2 = convviz.glu(changed, w, v, b, c, dilation=2)
    np.testing.assert_array_equal(y[:, :7], y2[:, :7])
    assert not np.allclose(y[:, 7], y2[:, 7])


def test_trace_intermediates_are_consistent():
    x, w, v, b, c = _data(9, 2, 2, 3, 8, True)
    tr = gated_trace(x, w, v, b, c, dilation=2, residual=True)
    assert tr.padded.shape == (2, 8 + 2 * 2)
    np.testing.assert_array_equal(tr.padded[:, :4], 0)
    np.testing.assert_array_equal(tr.padded[:, 4:], x)
    np.testing.assert_allclose(tr.gate, 1 / (1 + np.exp(-tr.b)))
    np.testing.assert_allclose(tr.y, x + tr.a * tr.gate)
    # A at t=5 is the dot product of W with the window t−d(k−1) … t of the padded input
    window = tr.padded[:, [5, 7, 9]]
    np.testing.assert_allclose(tr.a[:, 5], np.einsum("nck,ck->n", w, window) + b)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(all="raise"):
        s = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])


@pytest.mark.parametrize(
    "length, channels, n, k, dilation, padding",
    [(8, 2, 2, 3, 1, "causal"), (50, 16, 32, 5, 4, "same"), (7, 3, 1, 2, 2, "causal")],
)
def test_costs_match_the_formulas(length, channels, n, k, dilation, padding):
    cost = gated_cost(length, channels, n, k, dilation=dilation, padding=padding)
    assert cost.parameters == 2 * (k * channels * n + n)
    assert cost.multiply_adds == 2 * length * k * channels * n
    assert cost.sigmoids == length * n
    assert cost.products == length * n
    assert cost.additions == 0
    assert gated_cost(length, channels, n, k, residual=True).additions == length * n
    hw = gated_cost(length, channels, channels, k, form="highway")
    assert hw.products == 2 * length * channels


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(x=np.ones(5)), ["x", "(C, T)"]),
        (dict(w=np.ones((2, 2, 3)), v=np.ones((2, 2, 2))), ["w", "v", "same shape"]),
        (dict(w=np.ones((2, 3, 3)), v=np.ones((2, 3, 3))), ["w.shape[1]=3", "C=2"]),
        (dict(b=np.ones(3)), ["b", "(2,)"]),
        (dict(padding="valid"), ["padding", "'valid'", "causal"]),
        (dict(residual="yes"), ["residual"]),
        (dict(dilation=0), ["dilation", ">= 1"]),
    ],
)
def test_bad_input_raises_spec_error(kwargs, words):
    args = dict(x=np.ones((2, 8)), w=np.ones((2, 2, 3)), v=np.ones((2, 2, 3)))
    args.update(kwargs)
    x, w, v = args.pop("x"), args.pop("w"), args.pop("v")
    with pytest.raises(SpecError) as info:
        convviz.glu(x, w, v, **args)
    for word in words:
        assert word in str(info.value)


def test_residual_and_highway_need_as_many_outputs_as_inputs():
    x, w, v = np.ones((2, 8)), np.ones((3, 2, 3)), np.ones((3, 2, 3))
    with pytest.raises(SpecError, match="n=3 must equal the input channels C=2"):
        convviz.glu(x, w, v, residual=True)
    with pytest.raises(SpecError, match="highway"):
        convviz.highway(x, w, v)


def test_doctests():
    assert doctest.testmod(gated).failed == 0
