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
from convviz.core import frameworks
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


# -- pooling --------------------------------------------------------------------------------
@st.composite
def pool_specs(draw):
    n = draw(st.integers(1, 3))
    size = 7 if n < 3 else 4
    i = tuple(draw(st.integers(1, size)) for _ in range(n))
    k = tuple(draw(st.integers(1, 3)) for _ in range(n))
    s = tuple(draw(st.integers(1, 3)) for _ in range(n))
    form = draw(st.sampled_from(("int", "pairs", "valid", "same")))
    padding = (draw(st.integers(0, 1)) if form == "int" else
               tuple((draw(st.integers(0, 1)), draw(st.integers(0, 1))) for _ in range(n))
               if form == "pairs" else form)
    try:
        return ConvSpec(i, k, stride=s, padding=padding)
    except SpecError:
        return None


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(pool_specs().filter(lambda s: s is not None), st.sampled_from(["max", "avg"]),
       st.integers(0, 2**16))
def test_pooling_code_runs_in_both_frameworks(torch, keras, spec, mode, seed):
    x = np.random.default_rng(seed).standard_normal((1, 2) + spec.input_size)
    try:
        expected = convviz.pool(spec, x, mode)
    except SpecError:  # a max window with no input cell: nothing to compare
        return
    data = info(spec, pool=mode)
    y = eval(data["pytorch"]["code"], {"nn": torch.nn})(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
    layer = eval(data["keras"]["code"], {"keras": keras})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = layer(np.ascontiguousarray(np.moveaxis(x, 1, -1)).astype(np.float32))
    y = np.moveaxis(y.detach().cpu().numpy(), -1, 1)
    assert y.shape == expected.shape, data["keras"]["code"]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_dilated_pooling_has_no_keras_layer(keras):
    spec = ConvSpec(7, 2, dilation=2)
    for mode in ("max", "avg"):
        assert info(spec, pool=mode)["keras"]["code"] is None
    # the claim: Keras' pooling layers take no dilation
    assert _raises(lambda: keras.layers.MaxPooling2D(2, dilation_rate=2))
    assert info(spec, pool="avg")["pytorch"]["code"] is None
    nn = require_module("torch").nn
    assert _raises(lambda: nn.AvgPool2d(2, dilation=2))  # nor does nn.AvgPool2d


# -- every disagreement sentence, tried ------------------------------------------------------
def _raises(f) -> bool:
    try:
        f()
    except (ValueError, TypeError, RuntimeError, AttributeError):
        return True
    return False


def _torch_out(torch, spec, x, w, **kw):
    f = torch.nn.functional
    conv = {1: f.conv1d, 2: f.conv2d, 3: f.conv3d}[spec.ndim]
    return conv(torch.from_numpy(x), torch.from_numpy(w), **kw).numpy()


def check_same_with_stride(torch, keras, spec, text):
    x = np.random.default_rng(1).standard_normal((1, 1) + spec.input_size)
    w = np.random.default_rng(2).standard_normal((1, 1) + spec.kernel_size)
    nn = torch.nn
    assert _raises(lambda: nn.Conv2d(1, 1, 3, stride=2, padding="same")(torch.zeros(1, 1, 8, 8)))
    p = int(text.split("padding=")[-1].split()[0]) if "matches" in text else spec.padding_after[0]
    y = _torch_out(torch, spec, x, w, stride=spec.stride, padding=p)
    expected = convviz.apply(spec, x, w)
    if "matches" in text:
        np.testing.assert_allclose(y, expected, atol=1e-12)
    else:
        assert y.shape == expected.shape and not np.allclose(y, expected)


def check_causal(torch, keras, spec, text):
    assert _raises(lambda: torch.nn.Conv1d(1, 1, 3, padding="causal"))
    assert _raises(lambda: keras.layers.Conv2D(1, 3, padding="causal"))
    assert not _raises(lambda: keras.layers.Conv1D(1, 3, padding="causal"))


def check_full(torch, keras, spec, text):
    assert _raises(lambda: torch.nn.Conv2d(1, 1, 3, padding="full"))
    assert _raises(lambda: keras.layers.Conv2D(1, 3, padding="full"))
    assert f"padding=d(k − 1) = {spec.padding_before[0]}" in text


def check_per_side(torch, keras, spec, text):
    pairs = tuple(zip(spec.padding_before, spec.padding_after))
    assert _raises(lambda: torch.nn.Conv2d(1, 1, 3, padding=pairs)(torch.zeros(1, 1, 8, 8)))
    assert _raises(lambda: keras.layers.Conv2D(1, 3, padding=pairs)(
        np.zeros((1, 8, 8, 1), np.float32)))


def check_looks_like_same(torch, keras, spec, text):
    x = np.random.default_rng(1).standard_normal((1, 1) + spec.input_size).astype(np.float32)
    w = np.random.default_rng(2).standard_normal((1, 1) + spec.kernel_size).astype(np.float32)
    cls = getattr(keras.layers, f"Conv{spec.ndim}D")
    code_same = cls(1, spec.kernel_size, strides=spec.stride, padding="same")
    y = run_keras_layer(keras, code_same, x, w)
    expected = convviz.apply(spec, x.astype(np.float64), w.astype(np.float64))
    assert y.shape == expected.shape and not np.allclose(y, expected, atol=1e-4)


def check_stride_and_dilation(torch, keras, spec, text):
    n = spec.ndim
    layer = getattr(torch.nn, f"Conv{n}d" if not spec.transposed else f"ConvTranspose{n}d")
    assert not _raises(lambda: layer(1, 1, 3, stride=2, dilation=2))
    cls = getattr(keras.layers, f"Conv{n}D" + ("Transpose" if spec.transposed else ""))
    assert _raises(lambda: cls(1, 3, strides=2, dilation_rate=2))


def check_depthwise(torch, keras, spec, text):
    c_in, c_out = spec.channels
    m = c_out // c_in
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, c_in) + spec.input_size).astype(np.float32)
    w = rng.standard_normal((c_out, 1) + spec.kernel_size).astype(np.float32)
    expected = convviz.apply(spec, x.astype(np.float64), w.astype(np.float64))
    layer = getattr(keras.layers, f"DepthwiseConv{spec.ndim}D")(
        spec.kernel_size, depth_multiplier=m, use_bias=False)
    pad = getattr(keras.layers, f"ZeroPadding{spec.ndim}D")(
        tuple(zip(spec.padding_before, spec.padding_after)))
    x_last = np.ascontiguousarray(np.moveaxis(x, 1, -1))
    padded = pad(x_last)
    layer(padded)
    # torch out channel c·M + j ↔ Keras depthwise kernel[..., c, j]
    kernel = np.moveaxis(w[:, 0].reshape((c_in, m) + spec.kernel_size), (0, 1), (-2, -1))
    layer.set_weights([kernel])
    y = np.moveaxis(layer(padded).detach().cpu().numpy(), -1, 1)
    np.testing.assert_allclose(y, expected, rtol=2e-4, atol=2e-4)
    assert f"DepthwiseConv{spec.ndim}D(depth_multiplier={m})" in text


def check_layouts(torch, keras, spec, text):
    n = spec.ndim
    c_in, c_out = spec.channels
    if spec.transposed:
        t = getattr(torch.nn, f"ConvTranspose{n}d")(c_in, c_out, spec.kernel_size)
        k = getattr(keras.layers, f"Conv{n}DTranspose")(c_out, spec.kernel_size)
        assert tuple(t.weight.shape) == (c_in, c_out) + spec.kernel_size
        k.build((1, *spec.input_size, c_in))
        assert tuple(k.kernel.shape) == spec.kernel_size + (c_out, c_in)
    else:
        g = spec.groups
        t = getattr(torch.nn, f"Conv{n}d")(c_in, c_out, spec.kernel_size, groups=g)
        k = getattr(keras.layers, f"Conv{n}D")(c_out, spec.kernel_size, groups=g)
        assert tuple(t.weight.shape) == (c_out, c_in // g) + spec.kernel_size
        k.build((1, *spec.input_size, c_in))
        assert tuple(k.kernel.shape) == spec.kernel_size + (c_in // g, c_out)


def check_transposed_same_by_name(torch, keras, spec, text):
    assert _raises(lambda: torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding="same")(
        torch.zeros(1, 1, 4, 4)))
    y = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same")(
        np.zeros((1, 4, 4, 1), np.float32))
    assert tuple(y.shape) == (1, 8, 8, 1)


def check_transposed_same_shift(torch, keras, spec, text):
    # "padding=P, output_padding=Q has the same size but is shifted by S cell(s)"
    p = int(text.split("padding=")[1].split(",")[0])
    q = int(text.split("output_padding=")[1].split()[0])
    shift = int(text.split("shifted by ")[1].split()[0])
    x = np.random.default_rng(1).standard_normal((1, 1) + spec.input_size)
    w = np.random.default_rng(2).standard_normal((1, 1) + spec.kernel_size)
    f = torch.nn.functional
    conv = {1: f.conv_transpose1d, 2: f.conv_transpose2d, 3: f.conv_transpose3d}[spec.ndim]
    y = conv(torch.from_numpy(x), torch.from_numpy(w), stride=spec.stride, padding=p,
             output_padding=q).numpy()
    expected = convviz.apply(spec, x, w)
    assert y.shape == expected.shape and not np.allclose(y, expected)
    tail = (Ellipsis,) + (slice(None, -shift),) * spec.ndim
    head = (Ellipsis,) + (slice(shift, None),) * spec.ndim
    np.testing.assert_allclose(y[tail], expected[head], atol=1e-12)


def check_output_padding(torch, keras, spec, text):
    assert not _raises(lambda: torch.nn.ConvTranspose1d(1, 1, 2, dilation=3, output_padding=2)(
        torch.zeros(1, 1, 4)))
    assert _raises(lambda: keras.layers.Conv1DTranspose(1, 2, dilation_rate=3,
                                                        output_padding=2))
    y = keras.layers.Conv1DTranspose(1, 3, strides=2, output_padding=1)(
        np.zeros((1, 4, 1), np.float32))
    assert tuple(y.shape) == (1, 10, 1)  # (i − 1)s + k̂ + output_padding: Keras takes it


def check_valid_extra(torch, keras, spec, text):
    g = spec.axes[0]
    extra = max(g.effective_kernel, g.stride) - g.effective_kernel
    x = np.zeros((1, g.input_size, 1), np.float32)
    y = keras.layers.Conv1DTranspose(1, g.kernel_size, strides=g.stride,
                                     dilation_rate=g.dilation)(x)
    t = torch.nn.ConvTranspose1d(1, 1, g.kernel_size, stride=g.stride, dilation=g.dilation)(
        torch.zeros(1, 1, g.input_size))
    assert y.shape[1] - t.shape[-1] == extra > 0
    assert f"= {extra} cells" in text


def check_transposed_groups(torch, keras, spec, text):
    assert not _raises(lambda: torch.nn.ConvTranspose2d(2, 2, 3, groups=2))
    assert _raises(lambda: keras.layers.Conv2DTranspose(2, 3, groups=2))


def check_avg_pool(torch, keras, spec, text):
    x = np.random.default_rng(1).standard_normal((1, 1) + spec.input_size)
    y = keras.layers.AveragePooling2D(spec.kernel_size, strides=spec.stride, padding="same")(
        np.moveaxis(x, 1, -1).astype(np.float32))
    y = np.moveaxis(y.detach().cpu().numpy(), -1, 1)
    np.testing.assert_allclose(y, convviz.pool(spec, x, "avg", count_include_pad=False),
                               rtol=1e-5, atol=1e-5)
    assert not np.allclose(y, convviz.pool(spec, x, "avg"), atol=1e-5)
    t = torch.nn.AvgPool2d(spec.kernel_size, stride=spec.stride, padding=spec.padding_before[0])
    np.testing.assert_allclose(t(torch.from_numpy(x)).numpy(), convviz.pool(spec, x, "avg"))


def run_keras_layer(keras, layer, x, w):
    x_last = np.ascontiguousarray(np.moveaxis(x, 1, -1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer(x_last)
        layer.set_weights([_to_keras_kernel(w), np.zeros(layer.filters, np.float32)])
        y = layer(x_last)
    return np.moveaxis(y.detach().cpu().numpy(), -1, 1)


#: sentence start -> the check that tries what it claims
CHECKS = {
    "'same' with stride > 1": check_same_with_stride,
    "'causal' padding exists only in Keras": check_causal,
    "neither framework has 'full'": check_full,
    "per-side padding": check_per_side,
    "looks like 'same' but is not": check_looks_like_same,
    "stride > 1 with dilation > 1": check_stride_and_dilation,
    "depthwise (groups = C_in": check_depthwise,
    "layouts:": check_layouts,
    "transposed 'same': Keras gives o = i·s by name": check_transposed_same_by_name,
    "transposed 'same': Keras gives o = i·s by cropping": check_transposed_same_shift,
    "output_padding:": check_output_padding,
    "transposed 'valid' with stride > k̂": check_valid_extra,
    "groups: PyTorch's ConvTranspose takes groups": check_transposed_groups,
    "average pooling over padding": check_avg_pool,
}

CLAIM_SPECS = [
    ConvSpec(8, 3, stride=2, padding="same"),
    ConvSpec(5, 3, stride=2, padding="same"),
    ConvSpec((8,), 3, dilation=2, padding="causal"),
    ConvSpec(5, 3, padding="full"),
    ConvSpec(5, 3, padding=((1, 0), (0, 1))),
    ConvSpec(6, 3, stride=2, padding=1),
    ConvSpec(9, 3, stride=2, dilation=2),
    ConvSpec(5, 3, padding=1, groups=3, in_channels=3, out_channels=6),
    ConvSpec(4, 3, stride=2, padding="same", transposed=True),
    ConvSpec(4, 4, stride=2, padding="same", transposed=True),
    ConvSpec(4, 3, stride=2, padding=1, output_padding=1, transposed=True),
    ConvSpec((4,), 2, dilation=3, output_padding=2, transposed=True),
    ConvSpec((4,), 1, stride=3, transposed=True),
    ConvSpec((5,), 3, stride=2, dilation=2, transposed=True),
    ConvSpec(4, 3, groups=2, in_channels=2, out_channels=4, transposed=True),
    *(p.spec for p in PRESETS.values()),
]


def _claims():
    for spec in CLAIM_SPECS:
        for text in frameworks.disagreements(spec):
            yield spec, text
    spec = ConvSpec(5, 3, stride=2, padding=1)
    for text in info(spec, pool="avg")["disagreements"]:
        yield spec, text


@pytest.mark.parametrize("spec, text", list(_claims()))
def test_every_disagreement_sentence_holds(torch, keras, spec, text):
    checks = [check for start, check in CHECKS.items() if text.startswith(start)]
    assert checks, f"no test tries this sentence: {text!r}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checks[0](torch, keras, spec, text)


def test_the_claims_cover_every_kind_of_sentence():
    starts = {start for _, text in _claims() for start in CHECKS if text.startswith(start)}
    assert starts == set(CHECKS)


# -- the arithmetic behind info, at any size --------------------------------------------------
def test_info_of_a_billion_cell_input_makes_no_big_array():
    import tracemalloc

    from convviz import info_text

    tracemalloc.start()
    try:
        for spec in (ConvSpec(10**9, 3), ConvSpec(10**9, 3, stride=2, padding=1, transposed=True),
                     ConvSpec((10**9,), 5, stride=3, dilation=2, padding="same")):
            text = info_text(spec)
            assert f"{spec.output_size[0]:,}" in text.replace("×", " ") or str(
                spec.output_size[0]) in text
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000, peak


@settings(max_examples=300, deadline=None)
@given(specs().filter(lambda s: s is not None))
def test_receptive_field_of_info_equals_the_engine(spec):
    from convviz.core.arithmetic import receptive_field_size

    assert receptive_field_size(spec) == convviz.receptive_field(spec).size


def test_info_text_words_a_negative_canvas_padding_truthfully():
    from convviz import info_text

    # k̂ − 1 − p = 2 − 1 − 2 = −1 on every side: the windows skip one cell, nothing is padded
    spec = ConvSpec((5, 6), 2, padding=2, transposed=True)
    text = info_text(spec)
    assert "1 skipped before, 1 skipped after" in text
    assert "0 before, 0 after" not in text
    # the first window starts one cell inside the drawn input, the last ends one before its end
    assert spec.taps[0, 0, 0, 0].tolist() == [1, 1]
    assert spec.taps[-1, -1, -1, -1].tolist() == [3, 4]
    assert "s − 1 = 1 zero between" in info_text(ConvSpec(3, 3, stride=2, transposed=True))
    assert "no zeros between cells" in text
