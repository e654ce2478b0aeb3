"""The reference tools themselves: Keras 3 runs on the PyTorch backend (as the
``keras`` fixture promises) and its convolutions agree with the engine, so tests
that run emitted Keras code compare against a working Keras."""

from __future__ import annotations

import numpy as np
import pytest

import convviz


@pytest.mark.parametrize(
    "stride, dilation, padding",
    [(2, 1, "same"), (1, 2, "valid"), (1, 2, "same"), (3, 1, "valid")],
)
def test_keras_conv2d_on_torch_equals_apply(keras, stride, dilation, padding):
    assert keras.backend.backend() == "torch"
    rng = np.random.default_rng(stride * 10 + dilation)
    c_in, c_out, size, k = 2, 3, (8, 7), (3, 2)
    spec = convviz.ConvSpec(size, k, stride=stride, dilation=dilation, padding=padding,
                            in_channels=c_in, out_channels=c_out)
    x = rng.standard_normal((c_in, *size))
    w = rng.standard_normal((c_out, c_in, *k))  # PyTorch's layout
    b = rng.standard_normal(c_out)
    layer = keras.layers.Conv2D(c_out, k, strides=stride, dilation_rate=dilation,
                                padding=padding, dtype="float64")
    layer.build((1, *size, c_in))
    layer.set_weights([w.transpose(2, 3, 1, 0), b])  # Keras: (kh, kw, C_in, C_out)
    y = keras.ops.convert_to_numpy(layer(x.transpose(1, 2, 0)[None]))[0]
    expected = convviz.apply(spec, x, w, b)
    assert y.shape == (*spec.output_size, c_out)
    np.testing.assert_allclose(y.transpose(2, 0, 1), expected, rtol=1e-10, atol=1e-10)
