"""Separable convolutions: the printed PyTorch and Keras code runs and computes the engine's
depthwise-then-pointwise (and column-then-row) composition."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from conftest import require_module

import convviz
from convviz import ConvSpec, SpecError
from convviz.core.arithmetic import separable_example, spatially_separable_example
from convviz.core.frameworks import keras_layer, pytorch_layer, separable_layers

os.environ.setdefault("KERAS_BACKEND", "torch")


@pytest.fixture(scope="module")
def torch():
    return require_module("torch")


def _weights(spec, rng):
    c_in, c_out = spec.channels
    return (rng.standard_normal((c_out, c_in // spec.groups) + spec.kernel_size),
            rng.standard_normal(c_out))


def _keras_kernel(w):
    n = w.ndim - 2
    return np.transpose(w, tuple(range(2, 2 + n)) + (1, 0))


def _engine(specs_weights, x):
    for spec, (w, b) in specs_weights:
        x = convviz.apply(spec, x, w, bias=b)
    return x


CASES = [separable_example(i=7, k=3, c_in=2, c_out=4)]
CASES.append({"depthwise": ConvSpec(6, 3, padding="same", groups=2, in_channels=2,
                                    out_channels=4),
              "pointwise": ConvSpec(6, 1, in_channels=4, out_channels=3)})


@pytest.mark.parametrize("case", CASES)
def test_separable_code_runs_in_both_frameworks(case, torch, keras):
    dw, pw = case["depthwise"], case["pointwise"]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, dw.channels[0]) + dw.input_size)
    wd, bd = _weights(dw, rng)
    wp, bp = _weights(pw, rng)
    code = separable_layers(dw, pw)
    expected = _engine([(dw, (wd, bd)), (pw, (wp, bp))], x)
    # PyTorch: the two layers
    module = eval(code["pytorch"], {"nn": torch.nn}).double()
    with torch.no_grad():
        for layer, (w, b) in zip(module, ((wd, bd), (wp, bp))):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
        y = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(y, expected, rtol=1e-9, atol=1e-9)
    x_last = np.ascontiguousarray(np.moveaxis(x, 1, -1)).astype(np.float32)
    c_in = dw.channels[0]
    m = dw.channels[1] // c_in
    # Keras depthwise kernel: (*k, C_in, m); PyTorch's (C_in·m, 1, *k) is channel-major
    dw_kernel = np.moveaxis(wd[:, 0].reshape((c_in, m) + dw.kernel_size), (0, 1), (-2, -1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pair = eval(code["keras_pair"], {"keras": keras})
        pair(x_last)
        pair.layers[0].set_weights([dw_kernel.astype(np.float32), bd.astype(np.float32)])
        pair.layers[1].set_weights([_keras_kernel(wp).astype(np.float32),
                                    bp.astype(np.float32)])
        y = np.asarray(pair(x_last).detach().cpu().numpy())
        np.testing.assert_allclose(np.moveaxis(y, -1, 1), expected, rtol=2e-4, atol=2e-4)
        # SeparableConv: no depthwise bias, so compare with the engine without one
        layer = eval(code["keras"], {"keras": keras})
        layer(x_last)
        layer.set_weights([dw_kernel.astype(np.float32), _keras_kernel(wp).astype(np.float32),
                           bp.astype(np.float32)])
        y = np.asarray(layer(x_last).detach().cpu().numpy())
    no_bias = _engine([(dw, (wd, np.zeros_like(bd))), (pw, (wp, bp))], x)
    np.testing.assert_allclose(np.moveaxis(y, -1, 1), no_bias, rtol=2e-4, atol=2e-4)
    assert str(dw.channels[1]) in code["note"]


def test_separable_layers_refuses_what_is_not_separable():
    ex = separable_example(i=7, k=3, c_in=2, c_out=4)
    with pytest.raises(SpecError, match="depthwise"):
        separable_layers(ex["standard"], ex["pointwise"])
    with pytest.raises(SpecError, match="pointwise"):
        separable_layers(ex["depthwise"], ex["standard"])


def test_spatially_separable_pair_is_a_rank_one_kernel(torch, keras):
    ex = spatially_separable_example(i=6, k=3, c_in=1, c_out=1)
    col, row, std = ex["column"], ex["row"], ex["standard"]
    assert row.output_size == std.output_size
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 1) + std.input_size)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    zero = np.zeros(1)
    pair = _engine([(col, (a.reshape(1, 1, 3, 1), zero)), (row, (b.reshape(1, 1, 1, 3), zero))], x)
    full = convviz.apply(std, x, np.outer(a, b).reshape(1, 1, 3, 3), bias=zero)
    np.testing.assert_allclose(pair, full, atol=1e-12)
    # the printed layers run with those shapes
    for spec in (col, row):
        module = eval(pytorch_layer(spec)["code"], {"nn": torch.nn})
        assert tuple(module.weight.shape[2:]) == spec.kernel_size
        layer = eval(keras_layer(spec)["code"], {"keras": keras})
        y = layer(np.zeros((1, *spec.input_size, spec.channels[0]), np.float32))
        assert tuple(y.shape[1:3]) == spec.output_size
