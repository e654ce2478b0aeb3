"""presets: the classic table against the paper's numbers, and the listing.

The expected numbers are the conv_arithmetic animations' parameters as the
paper's relationships give them (written out here, not read from convviz).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import convviz
from convviz import SpecError
from convviz.presets import CLASSIC_NAMES, PRESETS, get_preset, list_presets

# name: i, k, s, p, d, o, T (drawn grid per side), frames
DIRECT = {
    "no_padding_no_strides": (4, 3, 1, 0, 1, 2, 4, 4),
    "arbitrary_padding_no_strides": (5, 4, 1, 2, 1, 6, 9, 36),
    "same_padding_no_strides": (5, 3, 1, 1, 1, 5, 7, 25),
    "full_padding_no_strides": (5, 3, 1, 2, 1, 7, 9, 49),
    "no_padding_strides": (5, 3, 2, 0, 1, 2, 5, 4),
    "padding_strides": (5, 3, 2, 1, 1, 3, 7, 9),
    "padding_strides_odd": (6, 3, 2, 1, 1, 3, 8, 9),
    "dilation": (7, 3, 1, 0, 2, 3, 7, 9),
}

# name: drawn input units, zeros between, pad top/left, pad bottom/right, grid, output, frames
TRANSPOSED = {
    "no_padding_no_strides_transposed": (2, 0, 2, 2, 6, 4, 16),
    "arbitrary_padding_no_strides_transposed": (6, 0, 1, 1, 8, 5, 25),
    "same_padding_no_strides_transposed": (5, 0, 1, 1, 7, 5, 25),
    "full_padding_no_strides_transposed": (7, 0, 0, 0, 7, 5, 25),
    "no_padding_strides_transposed": (2, 1, 2, 2, 7, 5, 25),
    "padding_strides_transposed": (3, 1, 1, 1, 7, 5, 25),
    "padding_strides_odd_transposed": (3, 1, 1, 2, 8, 6, 36),
}

ORIGINAL_ORDER = [
    "no_padding_no_strides",
    "arbitrary_padding_no_strides",
    "same_padding_no_strides",
    "full_padding_no_strides",
    "no_padding_strides",
    "padding_strides",
    "padding_strides_odd",
    "no_padding_no_strides_transposed",
    "arbitrary_padding_no_strides_transposed",
    "same_padding_no_strides_transposed",
    "full_padding_no_strides_transposed",
    "no_padding_strides_transposed",
    "padding_strides_transposed",
    "padding_strides_odd_transposed",
    "dilation",
]


def paper_output(i: int, k: int, s: int, p: int, d: int) -> int:
    """Relationship 15 (with 6 as its d = 1 case): o = ⌊(i + 2p − k − (k−1)(d−1))/s⌋ + 1."""
    return (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1


def test_the_fifteen_classic_names_in_the_originals_order():
    assert list(CLASSIC_NAMES) == ORIGINAL_ORDER
    assert list(PRESETS)[:15] == ORIGINAL_ORDER
    assert all(PRESETS[n].classic for n in ORIGINAL_ORDER)
    assert not any(p.classic for n, p in PRESETS.items() if n not in ORIGINAL_ORDER)


@pytest.mark.parametrize("name", sorted(DIRECT))
def test_direct_presets_match_the_paper(name):
    i, k, s, p, d, o, grid, frames = DIRECT[name]
    spec = PRESETS[name].spec
    assert paper_output(i, k, s, p, d) == o  # the table agrees with the formula
    assert spec.input_size == (i, i) and spec.kernel_size == (k, k)
    assert spec.stride == (s, s) and spec.dilation == (d, d)
    assert spec.padding_before == (p, p) and spec.padding_after == (p, p)
    assert spec.output_size == (o, o)
    assert spec.canvas_size == (grid, grid) == (i + 2 * p, i + 2 * p)
    assert spec.frame_count == frames == o * o
    assert not spec.transposed


@pytest.mark.parametrize("name", sorted(TRANSPOSED))
def test_transposed_presets_match_the_paper(name):
    units, zeros, pad_lo, pad_hi, grid, out, frames = TRANSPOSED[name]
    direct = DIRECT[name.removesuffix("_transposed")]
    i, k, s, p, _ = direct[:5]
    o_direct = direct[5]
    spec = PRESETS[name].spec
    assert spec.transposed
    # relationship 14: o' = s(i' − 1) + a + k − 2p with i' the direct output, a the remainder
    a = (i + 2 * p - k) % s
    assert s * (o_direct - 1) + a + k - 2 * p == i == out
    assert spec.input_size == (units, units) == (o_direct, o_direct)
    assert spec.output_size == (out, out)
    # drawn: units cells, s − 1 zeros between, p' = k − p − 1 before, p' + a after
    assert zeros == s - 1
    assert (pad_lo, pad_hi) == (k - p - 1, k - p - 1 + a)
    assert spec.canvas_padding == ((pad_lo, pad_hi),) * 2
    assert spec.canvas_size == (grid, grid) == (i + k - 1, i + k - 1)
    assert units + (units - 1) * zeros + pad_lo + pad_hi == grid
    assert spec.frame_count == frames == i * i
    assert spec.applied_output_padding == (a, a)


def test_dilation_transposed_is_the_transpose_of_dilation():
    spec = PRESETS["dilation_transposed"].spec
    k_hat = 2 * (3 - 1) + 1
    assert spec.transposed and spec.input_size == (3, 3) and spec.output_size == (7, 7)
    assert spec.canvas_size == (3 + 2 * (k_hat - 1),) * 2  # padded by d(k−1) − p = 4 each side


def test_numbers_presets_are_the_papers_numerical_figures():
    conv = PRESETS["numbers_convolution"]
    assert conv.spec.input_size == (5, 5) and conv.spec.kernel_size == (3, 3)
    assert conv.spec.output_size == (3, 3) and conv.options["numbers"]
    strided = PRESETS["numbers_padding_strides"].spec
    assert strided.output_size == (paper_output(5, 3, 2, 1, 1),) * 2
    for name, mode in (("numbers_average_pooling", "avg"), ("numbers_max_pooling", "max")):
        preset = PRESETS[name]
        assert preset.options["pool"] == mode
        # relationship 7: o = ⌊(i − k)/s⌋ + 1
        assert preset.spec.output_size == ((5 - 3) // 1 + 1,) * 2
    assert PRESETS["scatter_checkerboard"].options["view"] == "scatter"
    assert PRESETS["scatter_checkerboard"].spec.transposed


def test_every_preset_has_a_title_and_a_known_family():
    for preset in PRESETS.values():
        assert preset.title and preset.name
        assert preset.family in convviz.presets.FAMILIES


def test_convviz_presets_lists_every_preset():
    names = convviz.presets()
    assert names[:15] == ORIGINAL_ORDER
    assert set(PRESETS) <= set(names)
    assert list(convviz.presets) == names
    assert len(convviz.presets) == len(names)
    assert "padding_strides" in convviz.presets and "nope" not in convviz.presets
    assert convviz.presets["dilation"] is PRESETS["dilation"]
    assert "padding_strides" in repr(convviz.presets)


def test_diagram_presets_are_listed_when_present():
    try:
        from convviz.draw.diagrams import DIAGRAM_PRESETS
    except (ImportError, AttributeError):
        pytest.skip("convviz.draw.diagrams has no DIAGRAM_PRESETS yet")
    names = convviz.presets()
    for name in DIAGRAM_PRESETS:
        assert name in names
        assert get_preset(name) is DIAGRAM_PRESETS[name]
    assert set(list_presets("diagram")) >= set(DIAGRAM_PRESETS) - set(PRESETS)


@pytest.mark.parametrize(
    "first",
    ["import convviz.presets", "import convviz.animation", "pass"],
)
def test_convviz_presets_is_the_listing_whatever_was_imported_first(first):
    code = (
        f"{first}\nimport convviz\n"
        "print(callable(convviz.presets), convviz.presets()[:2], list(convviz.presets)[:1], "
        "convviz.presets is convviz.presets.presets)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == (
        "True ['no_padding_no_strides', 'arbitrary_padding_no_strides'] "
        "['no_padding_no_strides'] True"
    )


def test_filters():
    assert list_presets(classic=True) == ORIGINAL_ORDER
    assert list_presets("transposed") == [n for n in ORIGINAL_ORDER if n.endswith("_transposed")]
    assert set(list_presets("numbers")) == {n for n, p in PRESETS.items() if p.family == "numbers"}
    with pytest.raises(SpecError, match="family"):
        list_presets("nonsense")


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(SpecError, match="unknown preset 'paddin_strides'.*padding_strides"):
        get_preset("paddin_strides")
    with pytest.raises(SpecError):
        convviz.presets["nope"]


def test_scatter_presets_show_what_their_descriptions_say():
    from convviz.draw.flat import ScatterRenderer

    uneven = ScatterRenderer(PRESETS["scatter_checkerboard"].spec).overlap
    assert uneven.pattern == "checkerboard" and uneven.inside == (1, 2, 4)
    assert "1, 2, 4" in PRESETS["scatter_checkerboard"].description
    even = ScatterRenderer(PRESETS["scatter_even"].spec).overlap
    assert even.pattern == "even inside" and even.inside == (4,)
    assert "(k/s)² = 4" in PRESETS["scatter_even"].description


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items() if p.family == "numbers"])
def test_numbers_presets_draw_no_all_zero_row_or_column(name):
    source = convviz.animate(name).source
    for values in (source.x, source.w):
        if values is not None:
            assert all(row.any() for row in values) and all(col.any() for col in values.T)
