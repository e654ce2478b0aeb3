"""The printed PyTorch and Keras code runs and computes the spec.

Every ``pytorch.code`` / ``keras.code`` of ``convviz.info`` is evaluated under
its framework (Keras 3 on the torch backend), given the same weights as
``convviz.apply`` (layouts converted), and compared in shape and value — over
every preset and several hundred generated specs. Every disagreement sentence
is tried: what it says a framework refuses, that framework refuses.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from conftest import require_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convviz
from convviz import ConvSpec, SpecError
from convviz.core.info import info
from convviz.presets import PRESETS

os.environ.setdefault("KERAS_BACKEND", "torch")


@pytest.fixture(scope="module")
def torch():
    return require_module("torch")


@pytest.fixture(scope="module")
def keras():
    require_module("torch")
    module = require_module("keras")
    if module.backend.backend() != "torch":  # pragma: no cover - environment guard
        pytest.skip("these checks run Keras 3 on its torch backend (KERAS_BACKEND=torch)")
    return module


def _weights(spec: ConvSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random weights in PyTorch's layout: (C_out, C_in/g, *k), transposed (C_in, C_out/g, *k)."""
    c_in, c_out = spec.channels
    g = spec.groups
    shape = ((c_in, c_out // g) if spec.transposed else (c_out, c_in // g)) + spec.kernel_size
    return rng.standard_normal(shape), rng.standard_normal(c_out)


def _to_keras_kernel(w: np.ndarray) -> np.ndarray:
    """PyTorch (A, B, *k) -> Keras (*k, B, A): direct (*k, C_in/g, C_out), transposed
    (*k, C_out, C_in)."""
    n = w.ndim - 2
    return np.transpose(w, tuple(range(2, 2 + n)) + (1, 0))


def run_torch(torch, code: str, spec: ConvSpec, x, w, b) -> np.ndarray:
    module = eval(code, {"nn": torch.nn}).double()
    layers = list(module) if isinstance(module, torch.nn.Sequential) else [module]
    (conv,) = [m for m in layers if hasattr(m, "weight") and m.weight is not None]
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(w))
        conv.bias.copy_(torch.from_numpy(b))
        return module(torch.from_numpy(x)).numpy()


def run_keras(keras, code: str, x, w, b) -> np.ndarray:
    layer = eval(code, {"keras": keras})
    x_last = np.ascontiguousarray(np.moveaxis(x, 1, -1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer(x_last)  # builds the weights
        layers = layer.layers if isinstance(layer, keras.Sequential) else [layer]
        (conv,) = [m for m in layers if getattr(m, "kernel", None) is not None]
        conv.set_weights([_to_keras_kernel(w), b])
        y = layer(x_last)
    y = y.detach().cpu().numpy() if hasattr(y, "detach") else np.asarray(y)
    return np.moveaxis(y, -1, 1)


def check_spec(spec: ConvSpec, torch, keras, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    c_in, _ = spec.channels
    x = rng.standard_normal((1, c_in) + spec.input_size)
    w, b = _weights(spec, rng)
    expected = convviz.apply(spec, x, w, bias=b)
    data = info(spec)
    y = run_torch(torch, data["pytorch"]["code"], spec, x, w, b)
    assert y.shape == expected.shape, (data["pytorch"]["code"], y.shape, expected.shape)
    np.testing.assert_allclose(y, expected, rtol=1e-9, atol=1e-9)
    code = data["keras"]["code"]
    if code is None:
        # only where no composition of Keras layers exists
        assert spec.transposed and spec.groups != 1, data["keras"]["note"]
        assert data["keras"]["exact"] is False
        return
    y = run_keras(keras, code, x.astype(np.float32), w.astype(np.float32), b.astype(np.float32))
    assert y.shape == expected.shape, (code, y.shape, expected.shape)
    np.testing.assert_allclose(y, expected, rtol=2e-4, atol=2e-4)


CONV_PRESETS = [name for name, p in PRESETS.items() if not p.options.get("pool")]


@pytest.mark.parametrize("name", CONV_PRESETS)
def test_every_preset_runs_in_both_frameworks(name, torch, keras):
    check_spec(PRESETS[name].spec, torch, keras)


PADDING_FORMS = ("int", "per_axis", "pairs", "valid", "same", "full", "causal")


@st.composite
def specs(draw):
    n = draw(st.integers(1, 3))
    transposed = draw(st.booleans())
    size = 7 if n < 3 else 4
    i = tuple(draw(st.integers(1, size)) for _ in range(n))
    k = tuple(draw(st.integers(1, 3)) for _ in range(n))
    s = tuple(draw(st.integers(1, 3)) for _ in range(n))
    d = tuple(draw(st.integers(1, 3)) for _ in range(n))
    form = draw(st.sampled_from(PADDING_FORMS))
    if form == "int":
        padding = draw(st.integers(0, 3))
    elif form == "per_axis":
        padding = tuple(draw(st.integers(0, 3)) for _ in range(n))
    elif form == "pairs":
        padding = tuple((draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(n))
    else:
        padding = form
    op = tuple(draw(st.integers(0, max(a, b) - 1)) for a, b in zip(s, d)) \
        if transposed and form != "same" else 0
    groups = draw(st.sampled_from([1, 1, 2]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    try:
        return ConvSpec(i, k, stride=s, padding=padding, dilation=d, transposed=transposed,
                        output_padding=op, groups=groups, in_channels=c_in, out_channels=c_out)
    except SpecError:
        return None


@settings(max_examples=520, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(specs().filter(lambda s: s is not None), st.integers(0, 2**16))
def test_generated_specs_run_in_both_frameworks(torch, keras, spec, seed):
    check_spec(spec, torch, keras, seed)
