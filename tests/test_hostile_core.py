"""Hostile input for convviz.core: every public function either answers correctly or
refuses with SpecError/TypeError naming the argument and its value; nothing large
is allocated for a spec of 10⁹ cells; integer inputs never wrap around."""

from __future__ import annotations

import re
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import conv_loops

import convviz
from convviz import ConvSpec, SpecError, apply, pool, receptive_field
from convviz.core import gated
from convviz.core.engine import canvas_values, check_stack
from convviz.core.spec import AxisGeometry

HUGE = 10**9
JUNK = [None, "x", b"x", 1.5, float("nan"), -1, 0, True, [], [[1, 2], [3]], {}, object(),
        1 + 2j, np.array([1 + 2j]), 10**30, (1, "a"), np.array(["a"]), slice(1)]
junk = st.sampled_from(JUNK)


def names(message: str, name: str) -> bool:
    """Does the message name the argument (as the subject, not as a stray letter)?"""
    follow = r"(\.shape|\[|=| must| has| holds| entries|,| of| \d| \(| ?')"
    return re.search(rf"(^|[\s`'(]){re.escape(name)}{follow}", message) is not None


def check_refusal(name, call):
    """call() may succeed; if it fails, only SpecError/TypeError naming ``name``."""
    try:
        call()
    except (SpecError, TypeError) as err:
        assert names(str(err), name), (name, str(err))


# -- 10⁹-cell specs stay cheap -----------------------------------------------------------------
@pytest.mark.parametrize("spec_args", [
    dict(input_size=HUGE, kernel_size=3),
    dict(input_size=(HUGE,), kernel_size=3, stride=2, transposed=True),
    dict(input_size=(HUGE,) * 3, kernel_size=3, padding="same", dilation=2, groups=2,
         in_channels=4, out_channels=8),
])
def test_huge_specs_allocate_nothing_the_size_of_the_input(spec_args):
    tracemalloc.start()
    try:
        spec = ConvSpec(**spec_args)
        facts = (spec.output_size, spec.canvas_size, spec.canvas_padding, spec.frame_count,
                 spec.parameter_count, spec.multiply_count, spec.describe(),
                 spec.transpose().output_size, receptive_field(spec).size,
                 receptive_field(spec, 12_345).progressions)
        text = convviz.info_text(spec)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000, peak  # a 10⁹-cell array would be ≥ 1 GB
    assert f"i={HUGE}" in facts[6] and str(HUGE) in text
    assert spec.frame_count == np.prod(spec.output_size, dtype=object)


def test_huge_index_maps_are_refused_by_name():
    spec = ConvSpec(HUGE, 3)
    for name in ("taps", "input_taps", "canvas_kind", "canvas_input", "scatter_taps"):
        with pytest.raises(SpecError, match=name):
            getattr(spec, name)
    assert spec.weight_taps.shape == (3, 3, 2)  # small maps still work


def test_receptive_field_mask_is_lazy():
    rf = receptive_field(ConvSpec((HUGE,), 3, stride=2), 10)
    assert rf.axis_cells(0).tolist() == [20, 21, 22]
    big = receptive_field(ConvSpec((10**5, 10**5), 3, stride=2), (10, 10))
    with pytest.raises(SpecError, match="mask of an input of 10,000,000,000 cells"):
        _ = big.mask
    assert big.cells.tolist() == [[a, b] for a in (20, 21, 22) for b in (20, 21, 22)]
    small = receptive_field(ConvSpec((50,), 3, stride=2), 10)
    assert np.flatnonzero(small.mask).tolist() == [20, 21, 22]


# -- receptive_field arguments -------------------------------------------------------------------
@pytest.mark.parametrize("specs", [None, "abc", 3, object(), {ConvSpec(5, 3)}])
def test_receptive_field_refuses_what_is_not_a_stack(specs):
    with pytest.raises(TypeError, match="specs must be a ConvSpec or a sequence"):
        receptive_field(specs)


@pytest.mark.parametrize("index,error", [
    (True, TypeError), (1.0, TypeError), ("1", TypeError), ((1, None), TypeError),
    ((0, 0, 0), SpecError), (-1, SpecError), (3, SpecError), ((0, 3), SpecError),
])
def test_receptive_field_refuses_bad_output_index(index, error):
    with pytest.raises(error, match="output_index"):
        receptive_field(ConvSpec(5, 3), index)


def test_check_stack_names_the_bad_layer():
    with pytest.raises(SpecError, match=r"specs\[1\] must be a ConvSpec"):
        check_stack([ConvSpec(5, 3), "layer"])


# -- apply: types, widths, shapes --------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16])
def test_small_integer_inputs_never_wrap(dtype):
    top = np.iinfo(dtype).max
    x = np.full((3, 3), top, dtype=dtype)
    w = np.full((3, 3), top, dtype=dtype)
    out = apply(ConvSpec(3, 3), x, w)
    assert out.dtype == np.int64
    assert int(out[0, 0]) == 9 * int(top) * int(top)  # 127·127·9 = 145161, not 9
    got_pool = pool(ConvSpec(3, 3), x, "avg")
    assert float(got_pool[0, 0]) == float(top)


@pytest.mark.parametrize("dtype", [np.int32, np.uint32, np.int64])
def test_integer_sums_beyond_int64_are_refused_not_wrapped(dtype):
    top = np.iinfo(dtype).max
    x = np.full((3, 3), top, dtype=dtype)
    with pytest.raises(SpecError, match="int64"):
        apply(ConvSpec(3, 3), x, x)
    # values whose sums fit are exact
    small = np.full((3, 3), 2**20, dtype=dtype)
    assert int(apply(ConvSpec(3, 3), small, small)[0, 0]) == 9 * 2**40


def test_bool_inputs_count_as_zero_and_one():
    x = np.array([[True, False, True], [True, True, True], [False, False, True]])
    out = apply(ConvSpec(3, 2), x, np.ones((2, 2), dtype=bool))
    expected = conv_loops(x.astype(int)[None], np.ones((1, 1, 2, 2), int), (1, 1), (1, 1),
                          [(0, 0), (0, 0)])[0]
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.int64


def test_uint64_beyond_int64_is_refused():
    x = np.full((3, 3), 2**63 + 5, dtype=np.uint64)
    with pytest.raises(SpecError, match="x holds values above"):
        apply(ConvSpec(3, 3), x, np.ones((3, 3), int))


@pytest.mark.parametrize("arg", ["x", "w", "bias"])
@pytest.mark.parametrize("value", ["text", np.array([1 + 1j]), [object()], [[1, 2], [3]]])
def test_apply_refuses_non_numbers_by_name(arg, value):
    args = dict(x=np.ones((1, 4, 4)), w=np.ones((2, 1, 3, 3)), bias=np.ones(2))
    args[arg] = np.broadcast_to(value, args[arg].shape) if isinstance(value, np.ndarray) else value
    with pytest.raises(TypeError) as err:
        apply(ConvSpec(4, 3), args["x"], args["w"], args["bias"])
    assert names(str(err.value), arg), str(err.value)


@pytest.mark.parametrize("fn", [apply, pool, canvas_values])
def test_spec_must_be_a_convspec(fn):
    extra = (np.ones((3, 3)),) if fn is apply else ()
    with pytest.raises(TypeError, match="spec must be a ConvSpec"):
        fn((5, 3), np.ones((3, 3)), *extra)


def test_empty_batch_gives_an_empty_result():
    spec = ConvSpec(5, 3, stride=2, padding=1)
    out = apply(spec, np.zeros((0, 2, 5, 5)), np.ones((4, 2, 3, 3)))
    assert out.shape == (0, 4, 3, 3)
    assert pool(spec, np.zeros((0, 2, 5, 5))).shape == (0, 2, 3, 3)


@pytest.mark.parametrize("x_shape,w_shape,bias,name", [
    ((0, 5, 5), (1, 0, 3, 3), None, "x"),          # no channels
    ((1, 1, 1, 5, 5), (1, 1, 3, 3), None, "x"),    # too many dimensions
    ((), (3, 3), None, "x"),                       # a scalar
    ((5, 5), (3,), None, "w"),
    ((1, 5, 5), (1, 1, 3, 3, 1), None, "w"),
    ((1, 5, 5), (2, 1, 3, 3), np.ones(3), "bias"),
    ((1, 5, 5), (2, 1, 3, 3), np.ones((2, 1)), "bias"),
])
def test_apply_shape_errors_name_the_argument(x_shape, w_shape, bias, name):
    with pytest.raises(SpecError) as err:
        apply(ConvSpec(5, 3), np.ones(x_shape), np.ones(w_shape), bias)
    assert names(str(err.value), name), str(err.value)


def test_nan_and_inf_propagate_as_ieee_says():
    spec = ConvSpec((5,), 2)
    x = np.array([1.0, np.nan, 2.0, np.inf, 3.0])
    out = apply(spec, x, np.ones(2))
    assert np.isnan(out[:2]).all() and out[2] == np.inf and out[3] == np.inf
    with np.errstate(invalid="ignore"):  # inf − inf: NumPy may warn, the value is NaN
        assert np.isnan(apply(ConvSpec((2,), 2), np.array([np.inf, np.inf]), np.array([1, -1])))
    np.testing.assert_array_equal(pool(spec, x, "max")[[2, 3]], [np.inf, np.inf])
    assert np.isnan(pool(spec, x, "max")[0])


def test_max_pool_accepts_minus_infinity_as_data():
    x = np.full((4,), -np.inf)
    np.testing.assert_array_equal(pool(ConvSpec((4,), 2, padding=1), x, "max"), [-np.inf] * 5)
    with pytest.raises(SpecError, match="no input cell"):
        pool(ConvSpec((4,), 2, padding=2), np.zeros(4), "max")


@pytest.mark.parametrize("kwargs,name,error", [
    (dict(mode="min"), "mode", SpecError),
    (dict(mode=None), "mode", SpecError),
    (dict(count_include_pad="no"), "count_include_pad", TypeError),
    (dict(x=np.ones((5, 5), complex)), "x", TypeError),
    (dict(x="abc"), "x", TypeError),
])
def test_pool_refuses_by_name(kwargs, name, error):
    args = dict(x=np.ones((5, 5)), mode="avg")
    args.update(kwargs)
    x = args.pop("x")
    with pytest.raises(error) as err:
        pool(ConvSpec(5, 3), x, **args)
    assert names(str(err.value), name), str(err.value)


# -- gated ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [convviz.glu, convviz.highway])
@pytest.mark.parametrize("arg", ["x", "w", "v", "b", "c"])
def test_gated_refuses_complex_by_name(fn, arg):
    args = dict(x=np.ones((2, 6)), w=np.ones((2, 2, 3)), v=np.ones((2, 2, 3)),
                b=np.ones(2), c=np.ones(2))
    args[arg] = args[arg] + 1j
    with pytest.raises(TypeError) as err:
        fn(**args)
    assert names(str(err.value), arg), str(err.value)
    assert "complex" in str(err.value)


@pytest.mark.parametrize("kwargs,name", [
    (dict(x=np.ones((2, 0))), "x"), (dict(w=np.ones((2, 2, 0)), v=np.ones((2, 2, 0))), "w"),
    (dict(x=np.ones((0, 6)), w=np.ones((2, 0, 3)), v=np.ones((2, 0, 3))), "x"),
])
def test_gated_refuses_empty_axes(kwargs, name):
    args = dict(x=np.ones((2, 6)), w=np.ones((2, 2, 3)), v=np.ones((2, 2, 3)))
    args.update(kwargs)
    with pytest.raises(SpecError) as err:
        convviz.glu(**args)
    assert names(str(err.value), name), str(err.value)


def test_gated_cost_and_spec_name_their_numbers():
    for kwargs, name in [
        (dict(length=0), "length"),
        (dict(length=2.5), "length"),
        (dict(in_channels=None), "in_channels"),
        (dict(kernel_size="3"), "kernel_size"),
        (dict(out_channels=0), "out_channels"),
        (dict(residual="yes"), "residual"),
    ]:
        args = dict(length=8, in_channels=2, out_channels=2, kernel_size=3)
        args.update(kwargs)
        with pytest.raises((SpecError, TypeError)) as err:
            gated.gated_cost(**args)
        assert names(str(err.value), name), str(err.value)
    with pytest.raises(TypeError, match="z must hold real numbers"):
        gated.sigmoid(np.array([1j]))


# -- junk everywhere (hypothesis) ----------------------------------------------------------------
SPEC_ARGS = ["input_size", "kernel_size", "stride", "padding", "dilation", "transposed",
             "output_padding", "groups", "in_channels", "out_channels"]


@given(st.sampled_from(SPEC_ARGS), junk)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_convspec_junk_is_refused_by_name(name, value):
    args = dict(input_size=(6, 6), kernel_size=3)
    args[name] = value
    check_refusal(name, lambda: ConvSpec(**args))


@given(st.sampled_from(["input_size", "kernel_size", "stride", "dilation", "pad_before",
                        "pad_after", "transposed", "output_padding"]), junk)
@settings(max_examples=100, deadline=None)
def test_axis_geometry_junk_is_refused_by_name(name, value):
    args = dict(input_size=6, kernel_size=3, stride=1, dilation=1, pad_before=0, pad_after=0,
                transposed=False)
    args[name] = value
    check_refusal(name, lambda: AxisGeometry(**args))


@given(st.sampled_from(["x", "w", "bias"]), junk)
@settings(max_examples=150, deadline=None)
def test_apply_junk_is_refused_by_name(name, value):
    args = dict(x=np.ones((1, 5, 5)), w=np.ones((2, 1, 3, 3)), bias=None)
    args[name] = value
    check_refusal(name, lambda: apply(ConvSpec(5, 3), **args))


@given(st.sampled_from(["x", "mode", "count_include_pad"]), junk)
@settings(max_examples=100, deadline=None)
def test_pool_junk_is_refused_by_name(name, value):
    args = dict(x=np.ones((5, 5)), mode="avg", count_include_pad=True)
    args[name] = value
    check_refusal(name, lambda: pool(ConvSpec(5, 3, padding=1), **args))


@given(st.sampled_from(["x", "w", "v", "b", "c", "dilation", "padding", "residual"]), junk,
       st.sampled_from([convviz.glu, convviz.highway, gated.gated_trace]))
@settings(max_examples=200, deadline=None)
def test_gated_junk_is_refused_by_name(name, value, fn):
    args = dict(x=np.ones((2, 6)), w=np.ones((2, 2, 3)), v=np.ones((2, 2, 3)),
                b=None, c=None, dilation=1, padding="causal")
    if fn is not convviz.highway:
        args["residual"] = False
    if name not in args:
        return
    args[name] = value
    check_refusal(name, lambda: fn(**args))


@given(st.sampled_from(["specs", "output_index"]), junk)
@settings(max_examples=100, deadline=None)
def test_receptive_field_junk_is_refused_by_name(name, value):
    args = dict(specs=[ConvSpec((9,), 3)], output_index=None)
    args[name] = value
    check_refusal(name, lambda: receptive_field(**args))


@given(st.integers(-3, 3), st.integers(1, 4), st.integers(1, 3), st.integers(0, 3),
       st.sampled_from([np.int8, np.uint8, np.int16, np.float32, np.float64, bool]),
       st.integers(0, 2**31 - 1))
@settings(max_examples=100, deadline=None)
def test_apply_of_any_real_dtype_equals_exact_loops(lo, k, s, p, dtype, seed):
    """Values near each type's extremes: the engine equals exact Python-integer loops."""
    rng = np.random.default_rng(seed)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    size = 7
    if info is not None:
        x = rng.integers(info.max - 3, info.max + 1, (1, size), dtype=dtype)
        w = rng.integers(info.max - 3, info.max + 1, (1, 1, k), dtype=dtype)
    elif dtype is bool:
        x, w = rng.random((1, size)) < 0.5, rng.random((1, 1, k)) < 0.5
    else:
        x = rng.integers(-100, 100, (1, size)).astype(dtype)
        w = rng.integers(lo - 1, lo + 2, (1, 1, k)).astype(dtype)
    spec = ConvSpec((size,), k, stride=s, padding=p)
    expected = conv_loops(x.astype(object), w.astype(object), (s,), (1,), [(p, p)])
    got = apply(spec, x, w)
    np.testing.assert_array_equal(got.astype(object), expected)
