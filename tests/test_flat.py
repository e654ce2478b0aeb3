"""flat: numbers mode and the scatter view, checked through the data they draw.

References are brute-force loops written here from the paper's formulas
(output o reads input o·s − p + t·d; transposed input j writes output
j·s − p + t·d), not convviz.apply.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convviz import ConvSpec, SpecError
from convviz.draw.flat import NumbersRenderer, ScatterRenderer, flat_palette


def brute_direct(x, w, s, p_lo, d, o_size):
    """N-D cross-correlation by loops: out[o] = Σ_t x[o·s − p + t·d] w[t] (zero outside)."""
    out = np.zeros(o_size)
    for o in itertools.product(*map(range, o_size)):
        total = 0
        for t in itertools.product(*map(range, w.shape)):
            pos = tuple(oo * ss - pp + tt * dd for oo, ss, pp, tt, dd in zip(o, s, p_lo, t, d))
            if all(0 <= q < n for q, n in zip(pos, x.shape)):
                total += x[pos] * w[t]
        out[o] = total
    return out


def brute_transposed(x, w, s, p_lo, d, o_size):
    """Scatter by loops: input j adds x[j]·w[t] to output j·s − p + t·d."""
    out = np.zeros(o_size)
    for j in itertools.product(*map(range, x.shape)):
        for t in itertools.product(*map(range, w.shape)):
            pos = tuple(jj * ss - pp + tt * dd for jj, ss, pp, tt, dd in zip(j, s, p_lo, t, d))
            if all(0 <= q < n for q, n in zip(pos, o_size)):
                out[pos] += x[j] * w[t]
    return out


def brute_pool(x, k, s, p_lo, o_size, mode):
    out = np.zeros(o_size)
    for o in itertools.product(*map(range, o_size)):
        values, count = [], 0
        for t in itertools.product(*map(range, k)):
            pos = tuple(oo * ss - pp + tt for oo, ss, pp, tt in zip(o, s, p_lo, t))
            count += 1
            if all(0 <= q < n for q, n in zip(pos, x.shape)):
                values.append(x[pos])
        out[o] = max(values) if mode == "max" else sum(values) / count
    return out


def fmt(v):
    return str(round(v)) if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


SPECS = [
    ConvSpec(5, 3),
    ConvSpec(5, 3, stride=2, padding=1),
    ConvSpec(7, 3, dilation=2),
    ConvSpec((8,), 3, dilation=2, padding="causal"),
    ConvSpec((6, 5), (3, 2), stride=(2, 1), padding=((1, 0), (0, 1))),
    ConvSpec(3, 3, stride=2, padding=1, transposed=True),
    ConvSpec(2, 3, stride=2, transposed=True, output_padding=1),
    ConvSpec((4,), 3, stride=2, transposed=True),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe())
def test_numbers_outputs_equal_brute_force(spec):
    r = NumbersRenderer(spec, seed=3)
    assert r.x.shape == spec.input_size and r.x.min() >= 0 and r.x.max() <= 3
    assert r.w.shape == spec.kernel_size and r.w.min() >= 0 and r.w.max() <= 2
    brute = brute_transposed if spec.transposed else brute_direct
    expected = brute(r.x, r.w, spec.stride, spec.padding_before, spec.dilation, spec.output_size)
    np.testing.assert_array_equal(r.output, expected)
    assert r.frame_count == int(np.prod(spec.output_size))
    assert [r.output_index(n) for n in range(r.frame_count)] == list(
        itertools.product(*map(range, spec.output_size))
    )


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_numbers_equal_brute_force(mode):
    spec = ConvSpec(5, 3, padding=1)
    r = NumbersRenderer(spec, pool=mode, seed=1)
    expected = brute_pool(
        r.x, spec.kernel_size, spec.stride, spec.padding_before, spec.output_size, mode
    )
    np.testing.assert_allclose(r.output, expected)
    assert r.w is None and r.tap_weights is None


def test_drawn_text_is_the_computed_numbers():
    spec = ConvSpec(5, 3, stride=2, padding=1)
    r = NumbersRenderer(spec, seed=5, theme="default")
    expected = brute_direct(
        r.x, r.w, spec.stride, spec.padding_before, spec.dilation, spec.output_size
    )
    n = 5
    frame = r.frame(n)
    assert frame.shape == (r.size[1], r.size[0], 3) and frame.dtype == np.uint8
    drawn = r.drawn_text()
    for k, o in enumerate(itertools.product(*map(range, spec.output_size))):
        want = fmt(expected[o]) if k <= n else ""
        assert drawn["output"][o] == want, (o, drawn["output"][o], want)
    # the input values on their canvas cells (padding of 1), zeros around them
    inner = drawn["input"][1:-1, 1:-1]
    assert [[int(v) for v in row] for row in inner] == r.x.tolist()
    assert set(drawn["input"][0]) == {"0"}
    # the weights printed in the window, in window order
    assert list(drawn["weights"]) == ["×" + str(v) for v in r.w.reshape(-1)]


def test_transposed_numbers_print_the_flipped_kernel():
    spec = ConvSpec(3, 3, stride=2, padding=1, transposed=True)
    r = NumbersRenderer(spec, seed=2)
    r.frame(0)
    assert list(r.drawn_text()["weights"]) == ["×" + str(v) for v in r.w[::-1, ::-1].reshape(-1)]
    # the formula's products use the flipped weight at every window position
    cells = r.window(7)
    canvas = np.zeros(spec.canvas_size, dtype=int)
    canvas[1:-1:2, 1:-1:2] = r.x  # stretched (zeros between) and padded by k − 1 − p = 1
    values = [canvas[tuple(c)] for c in cells]
    assert [v for v, _ in r.terms(7)] == values
    assert sum(v * wt for v, wt in r.terms(7)) == r.output[r.output_index(7)]


def test_avg_pool_prints_every_number_with_the_same_decimals():
    x = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 1]])
    r = NumbersRenderer(ConvSpec(3, 2), x, pool="avg")
    # 1/4 needs two decimals, so every number of the picture gets two
    assert r.output_text.tolist() == [["0.25", "0.00"], ["0.00", "0.25"]]
    assert r.formula(0) == "(1.00 + 0.00 + 0.00 + 0.00) / 4 = 0.25"
    # sums of ninths print with one decimal, as the paper prints them: 2/9 → 0.2
    r = NumbersRenderer(ConvSpec(3, 3), np.array([[1, 0, 0], [0, 0, 0], [0, 0, 1]]), pool="avg")
    assert r.output_text.tolist() == [["0.2"]]
    assert r.formula(0) == "(1.0 + 0.0 + 0.0 + 0.0 + 0.0 + 0.0 + 0.0 + 0.0 + 1.0) / 9 = 0.2"


def test_given_inputs_are_used_and_checked():
    x = np.arange(16).reshape(4, 4)
    w = np.array([[1, 0], [0, -1]])
    r = NumbersRenderer(ConvSpec(4, 2), x, w)
    np.testing.assert_array_equal(r.output, brute_direct(x, w, (1, 1), (0, 0), (1, 1), (3, 3)))
    with pytest.raises(SpecError, match="x must have shape"):
        NumbersRenderer(ConvSpec(4, 2), np.zeros((3, 3)))


def test_numbers_frames_are_deterministic_and_distinct():
    spec = ConvSpec(4, 3, padding=1)
    a, b = NumbersRenderer(spec, theme="classic"), NumbersRenderer(spec, theme="classic")
    f0, f1 = a.frame(0), a.frame(1)
    np.testing.assert_array_equal(f0, b.frame(0))
    assert (f0 != f1).any()
    np.testing.assert_array_equal(a.frame(0), f0)  # going back redraws the same picture


def test_current_output_cell_is_drawn_in_the_output_colour():
    r = NumbersRenderer(ConvSpec(4, 3), theme="colorblind")
    frame = r.frame(2)
    # the top-left corner of output cell (1, 0), just inside its border
    u = r.unit
    x0, y0 = r._ox + 0 * u, r._oy + 1 * u
    pixel = frame[int(y0 + 0.15 * u), int(x0 + 0.15 * u)]
    assert tuple(pixel) == (0xE6, 0x9F, 0x00)


def full_draw(renderer):
    """The figure drawn from scratch by matplotlib (Figure.draw), as RGB."""
    import matplotlib

    from convviz.draw.flat_base import _RC

    with matplotlib.rc_context(_RC):
        renderer._fig.canvas.draw()
    return np.asarray(renderer._fig.canvas.buffer_rgba())[..., :3].copy()


@pytest.mark.parametrize(
    "make",
    [
        lambda: NumbersRenderer(ConvSpec(5, 3, stride=2, padding=1), seed=1),
        lambda: NumbersRenderer(ConvSpec(3, 3, stride=2, padding=1, transposed=True), theme="dark"),
        lambda: NumbersRenderer(ConvSpec((6,), 3, dilation=2), pool="max", theme="colorblind"),
        lambda: ScatterRenderer(ConvSpec(3, 3, stride=2, transposed=True), theme="colorblind"),
        lambda: ScatterRenderer(ConvSpec(4, 3, padding=2, transposed=True), theme="classic"),
    ],
    ids=["numbers", "numbers-transposed-dark", "max-pool-1d", "scatter", "scatter-cropped"],
)
def test_incremental_frames_equal_a_full_draw(make):
    """Frames redraw only what changed; in any order they equal matplotlib's full draw."""
    r = make()
    order = list(range(r.frame_count))
    order = order + order[::-1][1:] + list(np.random.default_rng(0).permutation(r.frame_count))
    frames = {}
    for n in order:
        frame = r.frame(n)
        np.testing.assert_array_equal(frame, full_draw(r), err_msg=f"frame {n}")
        if n in frames:
            np.testing.assert_array_equal(frame, frames[n])
        frames[n] = frame
    # returned frames are the caller's: drawing others does not change them
    kept = {n: f.copy() for n, f in frames.items()}
    r.frame(0)
    r.frame(r.frame_count - 1)
    for n, f in frames.items():
        np.testing.assert_array_equal(f, kept[n])


@pytest.mark.parametrize("size", [(1, 1), (244, 259), (585, 340), (728, 492), (1001, 7)])
def test_pixel_transform_is_a_full_figure_axes_data_transform(size):
    """The flat figures place artists by the matrix an axes filling the figure, x limits
    (0, w) and y limits (h, 0), would (they used to be in one): the same doubles."""
    from matplotlib.figure import Figure

    from convviz.draw.flat_base import FlatFigure, pixel_transform

    w, h = size
    fig = FlatFigure(w, h, "#ffffff")
    ax = fig.figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(h, 0)
    assert np.array_equal(fig.transform.get_matrix(), ax.transData.get_matrix())
    other = Figure(figsize=(w / 100, h / 100), dpi=100)
    assert np.array_equal(pixel_transform(other, w, h).get_matrix(),
                          other.add_axes((0, 0, 1, 1), xlim=(0, w), ylim=(h, 0))
                          .transData.get_matrix())
    assert not np.array_equal(pixel_transform(other, w + 1, h).get_matrix(),
                              other.axes[0].transData.get_matrix())


def test_flat_artists_lie_on_the_figure_unclipped():
    from matplotlib.artist import Artist

    r = NumbersRenderer(ConvSpec(4, 3), seed=0)
    r.frame(0)
    fig = r._fig
    assert fig.figure.axes == []
    assert fig.texts and all(t in fig.figure.artists for t in fig.texts)
    for artist in fig.figure.artists:
        assert Artist.get_transform(artist) is fig.transform  # (a patch's own: not its place)
        assert artist.get_clip_box() is None and artist.get_clip_path() is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(spec=ConvSpec((4, 4, 4), 3)), "3 dimensions"),
        (dict(spec=ConvSpec(20, 3)), "at most 13 cells"),
        (dict(spec=ConvSpec(3, 3, transposed=True), pool="max"), "pool needs a direct spec"),
        (dict(spec=ConvSpec(5, 3), pool="min"), "pool must be"),
        (dict(spec=ConvSpec(5, 3), scale=0), "scale must be"),
        (dict(spec=ConvSpec(5, 3), theme="neon"), "neon"),
    ],
)
def test_numbers_bad_input_raises_spec_error(kwargs, message):
    with pytest.raises(SpecError, match=message):
        NumbersRenderer(**kwargs)


# -- scatter view ----------------------------------------------------------------------------------
SCATTER_SPECS = [
    ConvSpec(3, 3, stride=2, transposed=True),
    ConvSpec(3, 4, stride=2, padding=1, transposed=True),
    ConvSpec(4, 3, stride=2, padding=1, output_padding=1, transposed=True),
    ConvSpec(3, 3, dilation=2, transposed=True),
    ConvSpec((5,), 3, stride=2, transposed=True),
]


def brute_counts_from_taps(spec):
    counts = np.zeros(spec.output_size, dtype=int)
    taps = np.asarray(spec.scatter_taps)
    for j in itertools.product(*map(range, spec.input_size)):
        for t in itertools.product(*map(range, spec.kernel_size)):
            cell = taps[j + t]
            if (cell >= 0).all():
                counts[tuple(cell)] += 1
    return counts


def brute_counts_from_formula(spec):
    counts = np.zeros(spec.output_size, dtype=int)
    for j in itertools.product(*map(range, spec.input_size)):
        for t in itertools.product(*map(range, spec.kernel_size)):
            pos = tuple(
                jj * g.stride - g.pad_before + tt * g.dilation for jj, tt, g in zip(j, t, spec.axes)
            )
            if all(0 <= q < n for q, n in zip(pos, spec.output_size)):
                counts[pos] += 1
    return counts


@pytest.mark.parametrize("spec", SCATTER_SPECS, ids=lambda s: s.describe())
def test_scatter_counts_equal_brute_force(spec):
    r = ScatterRenderer(spec)
    expected = brute_counts_from_formula(spec)
    np.testing.assert_array_equal(r.final_counts, expected)
    np.testing.assert_array_equal(r.final_counts, brute_counts_from_taps(spec))
    n_in = int(np.prod(spec.input_size))
    assert r.frame_count == n_in + 1
    np.testing.assert_array_equal(r.counts_at(r.frame_count - 1), expected)
    # counts grow by exactly the cells input n writes
    previous = np.zeros(spec.output_size, dtype=int)
    for n in range(n_in):
        patch = r.patch(n)
        inside = [tuple(c) for c in patch if all(0 <= v < o for v, o in zip(c, spec.output_size))]
        step = np.zeros(spec.output_size, dtype=int)
        for c in inside:
            step[c] += 1
        np.testing.assert_array_equal(r.counts_at(n) - previous, step)
        previous = r.counts_at(n)


def test_checkerboard_is_uneven_when_the_stride_does_not_divide_the_kernel():
    uneven = ScatterRenderer(ConvSpec(3, 3, stride=2, transposed=True)).final_counts
    inner = uneven[1:-1, 1:-1]
    assert inner.min() == 1 and inner.max() == 4  # 1, 2, 4 alternate: a checkerboard
    even = ScatterRenderer(ConvSpec(3, 4, stride=2, padding=1, transposed=True)).final_counts
    assert (even[1:-1, 1:-1] == 4).all()  # (k/s)² away from the borders
    assert "checkerboard" in ScatterRenderer(ConvSpec(3, 3, stride=2, transposed=True)).summary()


def test_scatter_frames_render_at_their_size():
    r = ScatterRenderer(ConvSpec(2, 3, stride=2, transposed=True), theme="dark")
    frames = [r.frame(n) for n in range(r.frame_count)]
    assert all(f.shape == (r.size[1], r.size[0], 3) for f in frames)
    assert all((a != b).any() for a, b in itertools.pairwise(frames))


def test_scatter_refuses_a_direct_spec():
    with pytest.raises(SpecError, match="transposed"):
        ScatterRenderer(ConvSpec(5, 3))


def test_palette_follows_the_theme():
    assert flat_palette("classic").labels is False
    assert flat_palette("default").labels is True
    assert flat_palette("colorblind").output.lower() == "#e69f00"


def test_palette_is_derived_from_the_theme_object():
    """No colour table of the flat renderers' own: every colour comes from the Theme."""
    from convviz.look.themes import THEMES, get_theme

    for name, theme in THEMES.items():
        pal = flat_palette(theme)
        assert (pal.background, pal.input, pal.output, pal.stroke, pal.shadow, pal.text,
                pal.muted) == (theme.background, theme.input_fill, theme.output_fill, theme.stroke,
                               theme.shadow, theme.text, theme.muted), name
        assert pal.shadow_alpha == theme.shadow_alpha
    odd = get_theme("default").with_(input_fill="#123456", shadow_alpha=0.25, show_labels=False)
    r = NumbersRenderer(ConvSpec(4, 3), theme=odd)
    assert r.palette.input == "#123456" and r.palette.shadow_alpha == 0.25
    assert r.palette.labels is False


@pytest.mark.parametrize(
    "make",
    [
        lambda: NumbersRenderer(ConvSpec(6, 3, padding=1), seed=2),
        lambda: ScatterRenderer(ConvSpec(3, 3, stride=2, transposed=True)),
    ],
    ids=["numbers", "scatter"],
)
def test_frames_after_the_first_redraw_only_dirty_boxes(make):
    """The fast path is the one in use: after the first frame each read redraws a part
    of the picture (a fall-back to full redraws would redraw all of it every frame)."""
    r = make()
    r.frame(0)
    stats = r._fig.stats
    width, height = r.size
    assert stats.reads == 1 and stats.last_pixels == width * height  # the first: everything
    recorded = stats.calls_recorded
    for n in range(1, r.frame_count):
        r.frame(n)
        assert 0 < stats.last_pixels < 0.5 * width * height, n
    assert stats.reads == r.frame_count
    assert stats.pixels < 0.5 * width * height * r.frame_count
    # most of what later frames draw is replayed or moved, not drawn by matplotlib again
    assert stats.calls_recorded - recorded < 4 * r.frame_count


def test_poster_frame_is_the_frame_source_name():
    r = NumbersRenderer(ConvSpec(5, 3))
    assert r.poster_frame == r.frame_count // 2
    s = ScatterRenderer(ConvSpec(3, 3, stride=2, transposed=True))
    assert 0 <= s.poster_frame < s.frame_count
    assert not hasattr(r, "representative_frame") and not hasattr(s, "representative_frame")


# -- every number printed, and printed alike -------------------------------------------------------
NUMBER = r"−∞|-?\d+(?:\.\d+)?"


def printed_numbers(r, n):
    """Every number string frame n of numbers renderer r prints (grids, weights, kernels,
    formula), as drawn."""
    import re

    r.frame(n)
    drawn = r.drawn_text()
    strings = [*drawn["input"].ravel(), *drawn["output"].ravel()]
    strings += [w.removeprefix("×") for w in drawn["weights"]]
    strings += [v for panel in drawn["kernels"] for v in panel.ravel()]
    formula = r.formula(n)
    # the divisor of an average is a count, not a value of the picture
    formula = re.sub(r" / \d+ =", " =", formula)
    strings += re.findall(NUMBER, formula)
    return [v for v in strings if v]


def decimals(text):
    return len(text.split(".")[1]) if "." in text else 0


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe())
def test_every_product_is_printed_zeros_included(spec):
    for seed in range(4):
        r = NumbersRenderer(spec, seed=seed)
        taps = int(np.prod(spec.kernel_size))
        for n in range(r.frame_count):
            terms = r.terms(n)
            assert len(terms) == taps
            products = r.formula(n).split(" = ")[0].split(" + ")
            assert len(products) == taps, r.formula(n)
            # the printed products are the terms, in window order, and add up to the output
            assert products == [f"{r.format(v)}×{r.format(wt)}" for v, wt in terms]
            assert sum(v * wt for v, wt in terms) == r.output[r.output_index(n)]


@pytest.mark.parametrize("pool", [None, "max", "avg"])
@pytest.mark.parametrize(
    "x", [None, np.arange(25).reshape(5, 5) / 4, np.arange(25).reshape(5, 5) - 7]
)
def test_one_number_format_per_picture(pool, x):
    r = NumbersRenderer(ConvSpec(5, 3, stride=2, padding=1), x, pool=pool)
    strings = [v for n in range(r.frame_count) for v in printed_numbers(r, n) if v != "−∞"]
    assert len({decimals(v) for v in strings}) == 1, sorted(set(strings))
    if x is None and pool != "avg":
        assert decimals(strings[0]) == 0  # integer inputs, weights and sums print as integers


def test_max_pool_padding_is_minus_infinity_and_never_takes_part():
    spec = ConvSpec(5, 3, stride=2, padding=1)
    x = np.arange(25).reshape(5, 5) - 30  # all negative: a padding 0 would win every max
    r = NumbersRenderer(spec, x, pool="max")
    expected = brute_pool(x, spec.kernel_size, spec.stride, spec.padding_before, spec.output_size,
                          "max")
    np.testing.assert_array_equal(r.output, expected)
    assert (r.output < 0).all()
    r.frame(0)
    drawn = r.drawn_text()["input"]
    padding = np.ones(spec.canvas_size, dtype=bool)
    padding[1:-1, 1:-1] = False
    assert set(drawn[padding]) == {"−∞"}
    assert "0" not in drawn[padding]
    for n in range(r.frame_count):
        o = r.output_index(n)
        inside = [x[q] for q in itertools.product(*(range(a * 2 - 1, a * 2 + 2) for a in o))
                  if all(0 <= v < 5 for v in q)]
        assert r.formula(n) == f"max({', '.join(str(v) for v in inside)}) = {max(inside)}"


def no_zero_line(a):
    """Every row and every column (1-D: every cell) holds a non-zero value, by loops."""
    a = np.asarray(a)
    if a.ndim == 1:
        return all(v != 0 for v in a)
    rows = all(any(a[r, c] != 0 for c in range(a.shape[1])) for r in range(a.shape[0]))
    cols = all(any(a[r, c] != 0 for r in range(a.shape[0])) for c in range(a.shape[1]))
    return rows and cols


@pytest.mark.parametrize("spec", SPECS + [ConvSpec((8,), 3, dilation=2, padding="causal")],
                         ids=lambda s: s.describe())
def test_seeds_give_no_all_zero_row_or_column(spec):
    for seed in range(12):
        r = NumbersRenderer(spec, seed=seed)
        assert no_zero_line(r.x) and no_zero_line(r.w), (seed, r.x, r.w)
        # the output too, on the lines some input reaches (output_padding's may stay 0)
        brute = brute_transposed if spec.transposed else brute_direct
        args = (spec.stride, spec.padding_before, spec.dilation, spec.output_size)
        reach = brute(np.ones(spec.input_size), np.ones(spec.kernel_size), *args) != 0
        out = brute(r.x, r.w, *args)
        if spec.ndim == 1:
            assert all(out[o] != 0 for o in range(len(out)) if reach[o])
        else:
            assert all(out[a].any() for a in range(out.shape[0]) if reach[a].any())
            assert all(out[:, b].any() for b in range(out.shape[1]) if reach[:, b].any())
        assert r.x.min() >= 0 and r.x.max() <= 3 and r.w.min() >= 0 and r.w.max() <= 2
        again = NumbersRenderer(spec, seed=seed)  # deterministic
        np.testing.assert_array_equal(r.x, again.x)
        np.testing.assert_array_equal(r.w, again.w)
    # not every seed gives the same values
    assert len({NumbersRenderer(spec, seed=s).x.tobytes() for s in range(5)}) > 1


def test_causal_current_step_weight_is_never_zero():
    spec = ConvSpec((8,), 3, dilation=2, padding="causal")
    for seed in range(30):
        r = NumbersRenderer(spec, seed=seed)
        # output t reads t−4, t−2, t: the last window position is the current step
        for n in range(r.frame_count):
            cells = r.window(n)
            assert int(cells[-1][0]) - spec.padding_before[0] == n
            assert r.terms(n)[-1][1] != 0


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.describe())
def test_kernel_panels_show_the_kernel_given_and_applied(spec):
    r = NumbersRenderer(spec, seed=4)
    r.frame(0)
    kernels = r.drawn_text()["kernels"]
    assert [[int(v) for v in k.ravel()] for k in kernels[:1]] == [r.w.ravel().tolist()]
    if spec.transposed:
        flipped = r.w[tuple(slice(None, None, -1) for _ in range(spec.ndim))]
        assert len(kernels) == 2
        assert [int(v) for v in kernels[1].ravel()] == flipped.ravel().tolist()
    else:
        assert len(kernels) == 1
    assert NumbersRenderer(spec.transpose() if spec.transposed else spec, pool=None).kernel_panels()
    if not spec.transposed:
        assert NumbersRenderer(spec, pool="avg").kernel_panels() == []


# -- the scatter summary, from the overlap counts --------------------------------------------------
def inside_mask(spec):
    """Output cells away from the borders: no write through any tap is lost past the
    input's ends — for every tap t, every whole j (of any sign) with j·s + t·d = q is an
    input cell, 0 ≤ j < i (loops)."""
    mask = np.ones(spec.output_size, dtype=bool)
    for o in itertools.product(*map(range, spec.output_size)):
        for a, g in enumerate(spec.axes):
            q = o[a] + g.pad_before
            span = range(-q - g.kernel_size * g.dilation - 1, q + g.input_size + 2)
            if any(j * g.stride + t * g.dilation == q and not 0 <= j < g.input_size
                   for t in range(g.kernel_size) for j in span):
                mask[o] = False
    return mask


SUMMARY_SPECS = [
    ConvSpec(i if ndim == 2 else (i,), k, stride=s, dilation=d, padding=p, transposed=True)
    for ndim in (1, 2)
    for s, k, d in itertools.product(range(1, 5), repeat=3)
    for i, p in ((3, 0), (4, min(1, k - 1)))
] + [  # different strides or kernels per axis: stripes
    ConvSpec(4, 3, stride=(2, 1), transposed=True),
    ConvSpec(4, (4, 3), stride=(3, 2), transposed=True),
    ConvSpec((3, 5), (3, 2), stride=(1, 3), padding=(1, 0), transposed=True),
]


@pytest.mark.parametrize("spec", SUMMARY_SPECS, ids=lambda s: f"{s.ndim}d-{s.describe()}")
def test_scatter_summary_matches_the_overlap_counts(spec):
    from convviz.draw.scatter import overlap_summary

    counts = brute_counts_from_formula(spec)
    o = overlap_summary(spec, counts)
    assert (o.low, o.high) == (counts.min(), counts.max())
    for a in range(spec.ndim):
        lines = [ix for ix in range(spec.output_size[a]) if not np.take(counts, ix, axis=a).any()]
        assert list(o.never_written[a]) == lines
    inner = counts[inside_mask(spec)]
    assert list(o.inside) == sorted(set(inner.tolist()))
    uniform = counts.min() == counts.max()
    gaps = any(o.never_written)
    assert (o.pattern == "uniform") == uniform
    assert (o.pattern == "gaps") == (gaps and not uniform)
    if o.pattern == "gaps":
        assert "never written" in o.text and "checkerboard" not in o.text
        for ix in o.never_written[0]:
            assert str(ix) in o.text
    if o.pattern == "even inside":
        assert len(set(inner.tolist())) == 1 and f"({inner[0]} each)" in o.text
    if o.pattern in ("checkerboard", "stripes"):
        assert len(set(inner.tolist())) > 1 and o.pattern in o.text
        mask = inside_mask(spec)
        region = counts[np.ix_(*[np.flatnonzero(mask.any(axis=tuple(
            b for b in range(spec.ndim) if b != a))) for a in range(spec.ndim)])]
        varies = [bool((np.diff(region, axis=a) != 0).any()) for a in range(spec.ndim)]
        assert (o.pattern == "checkerboard") == all(varies)
    if o.pattern == "uneven":
        assert not inside_mask(spec).any()
    if not uniform:
        assert f"{counts.min()}–{counts.max()}" in o.text
    assert o.text == ScatterRenderer(spec).summary()


def test_scatter_summary_patterns_are_all_reached():
    from convviz.draw.scatter import overlap_summary

    patterns = {overlap_summary(s, brute_counts_from_formula(s)).pattern for s in SUMMARY_SPECS}
    assert patterns == {"uniform", "gaps", "even inside", "checkerboard", "stripes", "uneven"}
    stripes = ScatterRenderer(ConvSpec(4, 3, stride=(2, 1), transposed=True)).summary()
    assert stripes == "overlap 1–6: stripes, counts 3 and 6 alternate from row to row away from " \
        "the borders"


def test_scatter_summary_of_stride_and_dilation_2_names_the_empty_lines():
    r = ScatterRenderer(ConvSpec(3, 3, stride=2, dilation=2, transposed=True))
    assert r.summary() == "overlap 0–9: rows and columns 1, 3, 5 and 7 are never written"
    assert (r.final_counts[1::2] == 0).all() and (r.final_counts[:, 1::2] == 0).all()


# -- the scatter view with numbers -----------------------------------------------------------------
@pytest.mark.parametrize("spec", SCATTER_SPECS, ids=lambda s: s.describe())
def test_scatter_numbers_add_each_input_times_the_kernel(spec):
    r = ScatterRenderer(spec, numbers=True, seed=2)
    assert no_zero_line(r.x) and no_zero_line(r.w)
    expected = brute_transposed(r.x, r.w, spec.stride, spec.padding_before, spec.dilation,
                                spec.output_size)
    np.testing.assert_array_equal(r.output, expected)
    np.testing.assert_array_equal(r.values_at(r.frame_count - 1), expected)
    previous = np.zeros(spec.output_size)
    for n in range(r.frame_count - 1):
        j = r.input_index(n)
        step = np.zeros(spec.output_size)
        for t, pos in zip(itertools.product(*map(range, spec.kernel_size)), r.patch(n)):
            if all(0 <= v < size for v, size in zip(pos, spec.output_size)):
                step[tuple(pos)] += r.x[j] * r.w[t]
        np.testing.assert_array_equal(r.values_at(n) - previous, step)
        previous = r.values_at(n)
    np.testing.assert_array_equal(previous, expected)


def test_scatter_numbers_frames_render_and_print_the_values():
    r = ScatterRenderer(ConvSpec(2, 3, stride=2, transposed=True), numbers=True, theme="dark")
    frames = [r.frame(n) for n in range(r.frame_count)]
    assert all(f.shape == (r.size[1], r.size[0], 3) for f in frames)
    assert all((a != b).any() for a, b in itertools.pairwise(frames))
    final = r._out_texts
    shown = {key: t.get_text() for key, t in final.items()}
    assert shown == {key: str(int(r.output[key])) for key in shown}
    with pytest.raises(SpecError, match="numbers=True"):
        ScatterRenderer(ConvSpec(2, 3, stride=2, transposed=True), x=np.ones((2, 2)))
