"""Tests of the command line (convviz.cli.app): every command through main(argv), the
error paths through the installed console script in a subprocess.

References are independent of cli.py: ConvSpec built directly, the formulas of
the frameworks written out here, PyTorch modules built from the printed code.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import require_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convviz
from convviz import ConvSpec
from convviz.cli import app as cli
from convviz.cli import jobs as cli_jobs
from convviz.presets import PRESETS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GIF_MAGIC = (b"GIF89a", b"GIF87a")


def run(argv, capsys):
    """main(argv) -> (status, stdout, stderr)."""
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("convviz: error: "), err
    assert "Traceback" not in err
    return lines[0]


def console_script() -> list[str]:
    exe = shutil.which("convviz")
    if exe is None:  # not installed as a script: the module is the same program
        return [sys.executable, "-m", "convviz"]
    return [exe]


def run_script(args, cwd, **kw):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(console_script() + [str(a) for a in args], cwd=cwd, capture_output=True,
                          check=False,
                          text=True, env=env, timeout=120, **kw)


# ======================================================================================
# top level
# ======================================================================================
def test_version(capsys):
    status, out, _ = run(["--version"], capsys)
    assert status == 0
    assert out.strip() == f"convviz {convviz.__version__}"


@pytest.mark.parametrize("command", [[], ["render"], ["list"], ["info"], ["gallery"]])
def test_help_on_every_command(command, capsys):
    status, out, _ = run(command + ["--help"], capsys)
    assert status == 0
    assert out.startswith("usage: convviz")


def test_help_lists_every_command(capsys):
    _, out, _ = run(["--help"], capsys)
    for name in ("render", "list", "info", "gallery"):
        assert name in out


def test_no_command_prints_help_and_fails(capsys):
    status, out, _ = run([], capsys)
    assert status == 2
    assert "usage: convviz" in out


def test_unknown_command_is_one_line(capsys):
    status, _, err = run(["paint"], capsys)
    assert status == 2
    assert "'paint'" in one_error_line(err)


def test_python_dash_m_is_the_same_program(tmp_path):
    a = subprocess.run([sys.executable, "-m", "convviz", "info", "padding_strides"],
                       capture_output=True, text=True, cwd=tmp_path, check=True,
                       env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    b = run_script(["info", "padding_strides"], tmp_path)
    assert b.returncode == 0
    assert a.stdout == b.stdout


@pytest.mark.parametrize("argv", [["--help"], ["info", "padding_strides"], ["list"]])
def test_help_info_list_do_not_import_matplotlib(argv):
    code = ("import sys; from convviz.cli.app import main; "
            f"status = main({argv!r}); "
            "assert status == 0, status; "
            "print('MPL', 'matplotlib' in sys.modules, 'jinja2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert out.stdout.strip().splitlines()[-1] == "MPL False False"


def test_console_script_help_does_not_import_matplotlib(tmp_path):
    # -X importtime lists every module the interpreter imports, on stderr
    cmd = [sys.executable, "-X", "importtime", "-m", "convviz", "--help"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, check=True)
    imported = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert "convviz.cli.app" in imported
    assert not any(name.split(".")[0] == "matplotlib" for name in imported)


# ======================================================================================
# spec flags
# ======================================================================================
def spec_of(argv) -> ConvSpec:
    parser = cli.build_parser()
    args = parser.parse_args(["info"] + argv)
    return cli.spec_from_flags(args)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["-i", "5"], ConvSpec((5, 5), (3, 3))),
        (["-i", "5", "-k", "2"], ConvSpec((5, 5), (2, 2))),
        (["-i", "5,7", "-k", "3,1"], ConvSpec((5, 7), (3, 1))),
        (["-i", "5x7", "-k", "3"], ConvSpec((5, 7), (3, 3))),
        (["-i", "16", "--dims", "1", "-k", "3"], ConvSpec((16,), (3,))),
        (["-i", "16,", "-k", "3"], ConvSpec((16,), (3,))),
        (["-i", "4,5,6", "-k", "2"], ConvSpec((4, 5, 6), (2, 2, 2))),
        (["-i", "6", "--dims", "3", "-k", "3", "-s", "1,2,1"],
         ConvSpec((6, 6, 6), 3, stride=(1, 2, 1))),
        (["-i", "5", "-s", "2", "-p", "1"], ConvSpec(5, 3, stride=2, padding=((1, 1), (1, 1)))),
        (["-i", "5", "-p", "1,2"], ConvSpec(5, 3, padding=((1, 1), (2, 2)))),
        (["-i", "5", "-p", "1:2"], ConvSpec(5, 3, padding=((1, 2), (1, 2)))),
        (["-i", "5", "-p", "1:2,0:1"], ConvSpec(5, 3, padding=((1, 2), (0, 1)))),
        (["-i", "5", "-p", "2,0:1"], ConvSpec(5, 3, padding=((2, 2), (0, 1)))),
        (["-i", "6", "-s", "2", "-p", "same"], ConvSpec(6, 3, stride=2, padding="same")),
        (["-i", "6", "-p", "SAME"], ConvSpec(6, 3, padding="same")),
        (["-i", "5", "-p", "full"], ConvSpec(5, 3, padding="full")),
        (["-i", "8", "--dims", "1", "-d", "2", "-p", "causal"],
         ConvSpec((8,), 3, dilation=2, padding="causal")),
        (["-i", "7", "-d", "2"], ConvSpec(7, 3, dilation=2)),
        (["-i", "3", "-t", "-s", "2", "-p", "1", "--output-padding", "1"],
         ConvSpec(3, 3, stride=2, padding=1, output_padding=1, transposed=True)),
        (["-i", "4", "--transposed", "-p", "same", "-s", "2"],
         ConvSpec(4, 3, stride=2, padding="same", transposed=True)),
        (["-i", "5", "--groups", "3", "--in-channels", "3", "--out-channels", "6"],
         ConvSpec(5, 3, groups=3, in_channels=3, out_channels=6)),
    ],
)
def test_spec_flags(argv, expected):
    spec = spec_of(argv)
    assert spec == expected
    assert spec.output_size == expected.output_size
    assert spec.padding_before == expected.padding_before
    assert spec.padding_after == expected.padding_after


def test_per_side_padding_order_is_before_after():
    spec = spec_of(["-i", "4", "--dims", "1", "-k", "3", "-p", "2:0"])
    # causal-like: 2 cells before (start), none after — output 4 reads inputs t-2..t
    assert spec.padding_before == (2,) and spec.padding_after == (0,)
    assert spec.output_size == (4,)


@pytest.mark.parametrize(
    "argv, flag, fragment",
    [
        (["-i", "5", "-s", "0"], "--stride", "0 is not >= 1"),
        (["-i", "0"], "--input", "0 is not >= 1"),
        (["-i", "five"], "--input", "'five' is not a whole number"),
        (["-i", "5", "-k", "0"], "--kernel", "0 is not >= 1"),
        (["-i", "5", "-k", "7"], "--kernel", "wider than the padded input"),
        (["-i", "5", "-d", "0"], "--dilation", "0 is not >= 1"),
        (["-i", "5", "-p", "-1"], "--padding", "-1 is not >= 0"),
        (["-i", "5", "-p", "1:2:3"], "--padding", "'1:2:3' is not before:after"),
        (["-i", "5", "-p", "half"], "--padding", "'half' is not a padding"),
        (["-i", "5,5", "-p", "1,2,3"], "--padding", "3 values"),
        (["-i", "5,5", "-k", "3,3,3"], "--kernel", "3 values"),
        (["-i", "1,2,3,4"], "--input", "4 values"),
        (["-i", "5", "--dims", "1", "-k", "3,3"], "--kernel", "--dims gives 1 axes"),
        (["-i", "5", "--dims", "4"], "--dims", "4 is not <= 3"),
        (["-i", "5", "--groups", "0"], "--groups", "0 is not >= 1"),
        (["-i", "5", "--groups", "2", "--in-channels", "3"], "--in-channels", "divisible"),
        (["-i", "5", "--groups", "2", "--in-channels", "2", "--out-channels", "3"],
         "--out-channels", "divisible"),
        (["-i", "5", "--output-padding", "1"], "--output-padding", "transposed"),
        (["-i", "3", "-t", "-s", "2", "--output-padding", "2"], "--output-padding",
         "smaller than max(stride, dilation)"),
        (["-i", "3", "-t", "-p", "causal"], "--padding", "'causal'"),
        (["-i", "2", "-t", "-k", "1", "-p", "3"], "--padding", "crops the whole output"),
        (["-i", "100000"], "--input", "at most 4096"),
        (["-i", "10", "-t", "-s", "1000"], "--input", "the output would be"),
    ],
)
def test_bad_spec_values_name_the_flag(argv, flag, fragment, capsys):
    status, out, err = run(["info"] + argv, capsys)
    assert status == 2
    line = one_error_line(err)
    assert line.startswith(f"convviz: error: {flag}: "), line
    assert fragment in line
    assert out == ""


def test_spec_error_mapping_covers_every_parameter():
    # every ConvSpec parameter maps to a real flag of the parser
    parser = cli.build_parser()
    info_parser = parser._subparsers._group_actions[0].choices["info"]
    flags = {opt for action in info_parser._actions for opt in action.option_strings}
    import inspect

    params = [p for p in inspect.signature(ConvSpec).parameters if not p.startswith("_")]
    for param in params:
        assert cli.PARAM_FLAGS[param] in flags


def test_names_and_flags_together_are_refused(capsys):
    status, _, err = run(["info", "padding_strides", "-i", "5"], capsys)
    assert status == 2
    assert "--input" in one_error_line(err)


def test_info_needs_a_name_or_spec(capsys):
    status, _, err = run(["info"], capsys)
    assert status == 2
    one_error_line(err)


def test_unknown_preset_suggests_close_names(capsys):
    status, _, err = run(["info", "padding_strid"], capsys)
    assert status == 2
    line = one_error_line(err)
    assert "NAME: unknown preset 'padding_strid'" in line
    assert "padding_strides" in line


# ======================================================================================
# list
# ======================================================================================
def test_list_text_table_is_aligned(capsys):
    status, out, _ = run(["list"], capsys)
    assert status == 0
    lines = out.rstrip("\n").splitlines()
    header = lines[0]
    assert header.split() == ["NAME", "FAMILY", "PARAMETERS", "OUTPUT", "FRAMES"]
    names = [line.split()[0] for line in lines[1:]]
    assert names[: len(PRESETS)] == list(PRESETS)
    # columns start at the same offset on every line
    col = header.index("FAMILY")
    for line in lines[1:]:
        assert line[col - 2 : col] == "  " and line[col] != " "
    for name, preset in PRESETS.items():
        line = next(l for l in lines if l.split()[0] == name)
        size = "×".join(map(str, preset.spec.output_size))
        assert f"  {size}  " in line
        assert line.split()[-1] == str(math.prod(preset.spec.output_size))
        # a transposed preset says so in its parameters (numbers_transposed included)
        assert ("transposed" in line.split("  " + size)[0].split(preset.family, 1)[1]) \
            == preset.spec.transposed


def test_list_json(capsys):
    status, out, _ = run(["list", "--json"], capsys)
    assert status == 0
    data = json.loads(out)
    assert data["schema"] == "convviz.list/1"
    rows = {row["name"]: row for row in data["presets"]}
    for name, preset in PRESETS.items():
        row = rows[name]
        assert row["output_size"] == list(preset.spec.output_size)
        assert row["family"] == preset.family
        assert row["title"] == preset.title
        rebuilt = ConvSpec(
            tuple(row["spec"]["input_size"]), tuple(row["spec"]["kernel_size"]),
            stride=tuple(row["spec"]["stride"]),
            padding=row["spec"]["padding"] if isinstance(row["spec"]["padding"], str)
            else tuple(map(tuple, row["spec"]["padding"])),
            dilation=tuple(row["spec"]["dilation"]), transposed=row["spec"]["transposed"],
            output_padding=tuple(row["spec"]["output_padding"]), groups=row["spec"]["groups"],
            in_channels=row["spec"]["in_channels"], out_channels=row["spec"]["out_channels"])
        for attr in ("input_size", "kernel_size", "stride", "padding", "dilation", "transposed",
                     "output_padding", "groups", "channels", "output_size", "padding_before",
                     "padding_after"):
            assert getattr(rebuilt, attr) == getattr(preset.spec, attr), attr


def test_list_includes_diagram_presets(capsys):
    from convviz.draw import diagrams

    extra = getattr(diagrams, "DIAGRAM_PRESETS", {})
    _, out, _ = run(["list", "--json"], capsys)
    names = [row["name"] for row in json.loads(out)["presets"]]
    for name in extra:
        assert name in names


# ======================================================================================
# info
# ======================================================================================
def _eval_filled(text: str) -> int:
    """Evaluate a filled-in formula as printed: ⌊a / b⌋ is floor division."""
    expr = (text.replace("−", "-").replace("·", "*").replace("⌊", "(").replace("⌋", ")")
            .replace(" / ", " // "))
    assert re.fullmatch(r"[0-9+\-*/() ]+", expr), expr
    return eval(expr)


small_specs = st.builds(
    lambda ndim, i, k, s, d, lo, hi, transposed, op, pname: _make_spec(
        ndim, i, k, s, d, lo, hi, transposed, op, pname),
    st.integers(1, 3), st.lists(st.integers(1, 9), min_size=3, max_size=3),
    st.lists(st.integers(1, 4), min_size=3, max_size=3),
    st.lists(st.integers(1, 3), min_size=3, max_size=3),
    st.lists(st.integers(1, 2), min_size=3, max_size=3),
    st.lists(st.integers(0, 3), min_size=3, max_size=3),
    st.lists(st.integers(0, 3), min_size=3, max_size=3),
    st.booleans(), st.lists(st.integers(0, 2), min_size=3, max_size=3),
    st.sampled_from([None, "valid", "same", "full", "causal"]),
)


def _make_spec(ndim, i, k, s, d, lo, hi, transposed, op, pname):
    from convviz import SpecError

    n = ndim
    padding = pname if pname else tuple(zip(lo[:n], hi[:n]))
    if transposed and pname in ("full", "causal"):
        padding = "valid"
    ops = tuple(min(o, max(ss, dd) - 1) for o, ss, dd in zip(op[:n], s[:n], d[:n])) \
        if transposed and padding != "same" else 0
    try:
        return ConvSpec(tuple(i[:n]), tuple(k[:n]), stride=tuple(s[:n]), dilation=tuple(d[:n]),
                        padding=padding, transposed=transposed, output_padding=ops)
    except SpecError:
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(small_specs.filter(lambda s: s is not None))
def test_info_formula_values_match_the_engine(spec):
    data = cli.info(spec)
    covered = []
    for entry in data["formula"]:
        value = _eval_filled(entry["filled"])
        assert value == entry["value"]
        for axis in entry["axes"]:
            covered.append(axis)
            g = spec.axes[axis]
            assert value == spec.output_size[axis]
            terms = entry["terms"]
            assert (terms["i"], terms["k"], terms["s"], terms["d"]) == (
                spec.input_size[axis], spec.kernel_size[axis], spec.stride[axis],
                spec.dilation[axis])
            assert terms["k_hat"] == spec.dilation[axis] * (spec.kernel_size[axis] - 1) + 1
            assert (terms["p_before"], terms["p_after"]) == (
                spec.padding_before[axis], spec.padding_after[axis])
            assert terms["output_padding"] == g.output_padding
    assert sorted(covered) == list(range(spec.ndim))
    assert data["output_size"] == list(spec.output_size)
    assert data["padding_before"] == list(spec.padding_before)
    assert data["padding_after"] == list(spec.padding_after)
    assert data["canvas"]["size"] == list(spec.canvas_size)
    assert data["receptive_field"] == list(convviz.receptive_field(spec).size)
    assert data["parameter_count"] == spec.parameter_count
    assert data["weights"] + data["biases"] == spec.parameter_count
    assert data["multiply_count"] == spec.multiply_count
    # the text carries the same numbers
    text = cli.info_text(data)
    for entry in data["formula"]:
        assert f"= {entry['filled']} = {entry['value']}" in text


def _keras_same_pads(i, k_hat, s):
    """TensorFlow's 'same' (written out from semantics.md, not from convviz)."""
    o = -(-i // s)
    total = max((o - 1) * s + k_hat - i, 0)
    return total // 2, total - total // 2


def test_keras_causal_and_same_by_name():
    assert cli.info(PRESETS["causal_1d"].spec)["keras"]["code"] == (
        'keras.layers.Conv1D(1, 3, padding="causal", dilation_rate=2)')
    assert cli.info(PRESETS["tf_same_strides"].spec)["keras"]["code"] == (
        'keras.layers.Conv2D(1, 3, strides=2, padding="same")')
    # PyTorch padding=1 with i=5, k=3, s=2 is also TF's 'same' (symmetric here)
    assert cli.info(PRESETS["padding_strides"].spec)["keras"]["code"] == (
        'keras.layers.Conv2D(1, 3, strides=2, padding="same")')


@pytest.mark.parametrize(
    "spec, code",
    [
        (
            ConvSpec(5, 3, stride=2, padding=1),
            "nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1)",
        ),
        (ConvSpec(5, 3, padding="same"), 'nn.Conv2d(1, 1, kernel_size=3, padding="same")'),
        (
            ConvSpec(8, 3, stride=2, padding="same"),
            "nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 1, kernel_size=3, stride=2))",
        ),
        (
            ConvSpec((5, 6), (3, 1), dilation=(2, 1)),
            "nn.Conv2d(1, 1, kernel_size=(3, 1), dilation=(2, 1))",
        ),
        (
            ConvSpec(4, 3, stride=2, padding=1, output_padding=1, transposed=True),
            "nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2, padding=1, output_padding=1)",
        ),
        (
            ConvSpec(5, 3, padding=1, groups=3, in_channels=3, out_channels=6),
            "nn.Conv2d(3, 6, kernel_size=3, padding=1, groups=3)",
        ),
    ],
)
def test_pytorch_line_text(spec, code):
    assert cli.info(spec)["pytorch"]["code"] == code


def test_transposed_same_needs_a_crop_in_pytorch():
    spec = ConvSpec(4, 3, stride=2, padding="same", transposed=True)
    pytorch = cli.info(spec)["pytorch"]
    assert pytorch["crop"] == [[0, 1], [0, 1]]
    # the crop is part of the one expression: a zero padding layer with negative padding
    assert pytorch["code"] == ("nn.Sequential(nn.ConvTranspose2d(1, 1, kernel_size=3, stride=2), "
                               "nn.ZeroPad2d((0, -1, 0, -1)))")


@pytest.mark.parametrize(
    "spec, fragment",
    [
        (ConvSpec(8, 3, stride=2, padding="same"), "pads asymmetrically"),
        (ConvSpec(5, 3, stride=2, padding="same"), "padding=1 matches"),
        (ConvSpec((8,), 3, dilation=2, padding="causal"), "only in Keras"),
        (ConvSpec(9, 3, stride=2, dilation=2), "Keras refuses it"),
        (ConvSpec(4, 3, stride=2, padding="same", transposed=True), "shifted by 1 cell"),
        (ConvSpec(4, 3, stride=2, padding=1, output_padding=1, transposed=True),
         "output_padding: both take it"),
        (ConvSpec((4,), 2, dilation=3, output_padding=2, transposed=True),
         "Keras 3 only below the strides"),
        (ConvSpec(4, 1, stride=3, transposed=True), "max(k̂, s) − k̂ = 2"),
        (ConvSpec(5, 3, padding=((1, 0), (0, 1))), "per-side padding"),
        (ConvSpec(5, 3, padding="full"), "'full'"),
        (ConvSpec(5, 3, groups=2, in_channels=2, out_channels=2), "DepthwiseConv2D"),
    ],
)
def test_disagreements(spec, fragment):
    assert any(fragment in text for text in cli.info(spec)["disagreements"]), \
        cli.info(spec)["disagreements"]


def test_no_padding_disagreement_when_frameworks_agree():
    texts = cli.info(ConvSpec(5, 3, padding=1))["disagreements"]
    assert not any("padding" in t for t in texts)


def test_info_text_for_a_preset(capsys):
    status, out, _ = run(["info", "padding_strides_odd"], capsys)
    assert status == 0
    spec = PRESETS["padding_strides_odd"].spec
    assert out.startswith("padding_strides_odd: " + PRESETS["padding_strides_odd"].title)
    assert "= ⌊(6 + 1 + 1 − 3) / 2⌋ + 1 = 3" in out
    assert "3×3, 1 channel" in out
    assert f"parameters       {spec.parameter_count} (9 weights + 1 bias)" in out
    assert "nn.Conv2d(1, 1, kernel_size=3, stride=2, padding=1)" in out
    assert "ZeroPadding2D(((1, 1), (1, 1)))" in out


def test_info_text_per_axis_when_axes_differ(capsys):
    status, out, _ = run(["info", "-i", "6,5", "-k", "3,1", "-s", "2,1"], capsys)
    assert status == 0
    assert "formula (rows)" in out and "formula (cols)" in out
    assert "= ⌊(6 + 0 + 0 − 3) / 2⌋ + 1 = 2" in out
    assert "= ⌊(5 + 0 + 0 − 1) / 1⌋ + 1 = 5" in out


def test_info_transposed_shows_canvas(capsys):
    status, out, _ = run(["info", "padding_strides_transposed"], capsys)
    assert status == 0
    spec = PRESETS["padding_strides_transposed"].spec
    assert "= (3 − 1)·2 + 3 − 1 − 1 + 0 = 5" in out
    assert f"canvas           {spec.canvas_size[0]}×{spec.canvas_size[1]}" in out


def test_info_json_schema(capsys):
    status, out, _ = run(["info", "tf_same_strides", "--json"], capsys)
    assert status == 0
    data = json.loads(out)
    assert data["schema"] == "convviz.info/1"
    assert data["name"] == "tf_same_strides"
    spec = PRESETS["tf_same_strides"].spec
    assert data["output_size"] == list(spec.output_size)
    expected_keys = {
        "schema", "name", "title", "describe", "ndim", "kind", "spec", "input_size",
        "kernel_size", "effective_kernel_size", "stride", "dilation", "padding_before",
        "padding_after", "output_padding", "output_size", "canvas", "channels", "formula",
        "padding_rule", "receptive_field", "parameter_count", "weights", "biases",
        "multiply_count", "frame_count", "pytorch", "keras", "disagreements", "pool"}
    assert set(data) == expected_keys
    assert set(data["pytorch"]) == {"code", "crop", "exact", "note"}
    assert set(data["keras"]) == {"code", "exact", "layers", "note"}
    assert data["padding_rule"][0]["text"].startswith("same: o = ⌈i/s⌉ = ⌈6/2⌉ = 3")


def test_info_of_a_diagram_is_a_usage_error(capsys):
    from convviz.draw import diagrams

    names = list(getattr(diagrams, "DIAGRAM_PRESETS", {}))
    if not names:
        pytest.skip("no diagram presets yet")
    status, _, err = run(["info", names[0]], capsys)
    assert status == 2
    assert "diagram" in one_error_line(err)


@pytest.mark.parametrize("name", list(PRESETS))
def test_info_every_preset(name, capsys):
    status, out, _ = run(["info", name, "--json"], capsys)
    assert status == 0
    assert json.loads(out)["output_size"] == list(PRESETS[name].spec.output_size)


# ======================================================================================
# render
# ======================================================================================
def gif_frames(path: Path) -> tuple[int, list[int], tuple[int, int]]:
    from PIL import Image

    with Image.open(path) as im:
        durations = []
        for n in range(im.n_frames):
            im.seek(n)
            durations.append(im.info.get("duration"))
        return im.n_frames, durations, im.size


def png_array(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


SMALL = ["-i", "3", "-k", "2", "--scale", "0.4"]  # 2×2 output: 4 frames, tiny pictures


def test_render_preset_default_name_in_cwd(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(["render", "no_padding_no_strides", "--scale", "0.4"], capsys)
    assert status == 0, err
    path = tmp_path / "no_padding_no_strides.gif"
    assert path.read_bytes()[:6] in GIF_MAGIC
    frames, durations, _ = gif_frames(path)
    assert frames == math.prod(PRESETS["no_padding_no_strides"].spec.output_size)
    assert durations == [1000] * frames
    assert out.strip() == f"wrote no_padding_no_strides.gif ({frames} frames, " + \
        out.split(", ")[-1].strip()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no_padding_no_strides.gif"]


def test_render_custom_spec_to_file(tmp_path, capsys):
    target = tmp_path / "conv.gif"
    status, _, err = run(["render", "-i", "4", "-k", "3", "-s", "1", "-p", "1:0",
                          "--scale", "0.4", "-o", target], capsys)
    assert status == 0, err
    spec = ConvSpec(4, 3, padding=((1, 0), (1, 0)))
    assert gif_frames(target)[0] == math.prod(spec.output_size)


def test_render_custom_spec_default_name_says_the_spec(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, _, _ = run(["render", "-i", "5", "-k", "3", "-s", "2", "-p", "1", "--scale", "0.4"],
                       capsys)
    assert status == 0
    assert [p.name for p in tmp_path.iterdir()] == ["conv2d_i5_k3_s2_p1.gif"]


def test_render_1d_and_transposed(tmp_path, capsys):
    status, _, err = run(["render", "-i", "6", "--dims", "1", "-k", "3", "-d", "2",
                          "-p", "causal", "--scale", "0.4", "-o", tmp_path / "c.gif"], capsys)
    assert status == 0, err
    assert gif_frames(tmp_path / "c.gif")[0] == 6
    status, _, err = run(["render", "-i", "2", "-k", "3", "-s", "2", "-t", "--scale", "0.4",
                          "-o", tmp_path / "t.gif"], capsys)
    assert status == 0, err
    assert gif_frames(tmp_path / "t.gif")[0] == 25  # (2 − 1)·2 + 3 = 5 → 5×5 frames


def test_render_frame_is_that_frame(tmp_path, capsys):
    target = tmp_path / "still.png"
    status, out, _ = run(["render", *SMALL, "--frame", "2", "-o", target], capsys)
    assert status == 0
    assert target.read_bytes()[:8] == PNG_MAGIC
    expected = convviz.animate(ConvSpec(3, 2), scale=0.4).frame(2)
    np.testing.assert_array_equal(png_array(target), expected)
    assert "frame 2 of 4" in out


def test_render_frames_differ(tmp_path, capsys):
    for n in (0, 3):
        assert run(["render", *SMALL, "--frame", n, "-o", tmp_path / f"f{n}.png"], capsys)[0] == 0
    assert not np.array_equal(png_array(tmp_path / "f0.png"), png_array(tmp_path / "f3.png"))


def test_render_sheet_holds_every_frame(tmp_path, capsys):
    target = tmp_path / "sheet.png"
    status, out, _ = run(["render", *SMALL, "--sheet", "-o", target], capsys)
    assert status == 0
    sheet = png_array(target)
    width, height = convviz.animate(ConvSpec(3, 2), scale=0.4).size
    assert sheet.shape[0] > height and sheet.shape[1] > width  # a 2×2 grid of 4 frames
    assert "contact sheet of 4 frames" in out


def test_render_default_still_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run(["render", "no_padding_strides", "--scale", "0.4", "--frame", "1"], capsys)[0] == 0
    assert run(["render", "no_padding_strides", "--scale", "0.4", "--sheet"], capsys)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "no_padding_strides_frame1.png", "no_padding_strides_sheet.png"]


def test_render_several_names_into_a_directory(tmp_path, capsys):
    out_dir = tmp_path / "new" / "dir"
    status, out, _ = run(["render", "no_padding_no_strides", "no_padding_strides",
                          "--scale", "0.4", "-o", f"{out_dir}/"], capsys)
    assert status == 0
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "no_padding_no_strides.gif", "no_padding_strides.gif"]
    assert len(out.strip().splitlines()) == 2


def test_render_jobs_are_deterministic(tmp_path, capsys):
    names = ["no_padding_no_strides", "no_padding_strides"]
    for jobs in (1, 2):
        status, _, err = run(["render", *names, "--scale", "0.4", "-j", jobs,
                              "-o", tmp_path / f"j{jobs}"], capsys)
        assert status == 0, err
    for name in names:
        a = (tmp_path / "j1" / f"{name}.gif").read_bytes()
        b = (tmp_path / "j2" / f"{name}.gif").read_bytes()
        assert a == b, name


def test_render_twice_is_byte_identical(tmp_path, capsys):
    for n in (1, 2):
        assert run(["render", *SMALL, "-o", tmp_path / f"{n}.gif"], capsys)[0] == 0
    assert (tmp_path / "1.gif").read_bytes() == (tmp_path / "2.gif").read_bytes()


def test_render_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "x.gif"
    target.write_bytes(b"precious")
    status, _, err = run(["render", *SMALL, "-o", target], capsys)
    assert status == 1
    assert "exists; pass --force" in one_error_line(err)
    assert target.read_bytes() == b"precious"
    status, _, _ = run(["render", *SMALL, "-o", target, "--force"], capsys)
    assert status == 0
    assert target.read_bytes()[:6] in GIF_MAGIC


def test_render_checks_every_output_before_writing_any(tmp_path, capsys):
    (tmp_path / "no_padding_strides.gif").write_bytes(b"old")
    status, _, _ = run(["render", "no_padding_no_strides", "no_padding_strides",
                        "--scale", "0.4", "-o", tmp_path], capsys)
    assert status == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["no_padding_strides.gif"]


@pytest.mark.parametrize(
    "option, value",
    [("--duration", "0.5"), ("--theme", "dark"), ("--no-labels", None), ("--numbers", None),
     ("--pool", "max"), ("--scale", "0.6")],
)
def test_render_options_reach_the_animation(option, value, tmp_path, capsys):
    argv = ["render", *SMALL, "--frame", "0", "-o", tmp_path / "base.png"]
    assert run(argv, capsys)[0] == 0
    extra = [option] + ([value] if value else [])
    assert run(argv[:-1] + [tmp_path / "opt.png"] + extra, capsys)[0] == 0
    base, opt = png_array(tmp_path / "base.png"), png_array(tmp_path / "opt.png")
    if option == "--duration":
        assert np.array_equal(base, opt)
        assert run(["render", *SMALL, "-o", tmp_path / "d.gif", "--duration", "0.5"],
                   capsys)[0] == 0
        assert set(gif_frames(tmp_path / "d.gif")[1]) == {500}
    else:
        assert base.shape != opt.shape or not np.array_equal(base, opt)
    kwargs = {"--theme": {"theme": value}, "--no-labels": {"labels": False},
              "--numbers": {"numbers": True}, "--pool": {"pool": value},
              "--scale": {"scale": 0.6}, "--duration": {}}[option]
    kwargs.setdefault("scale", 0.4)
    expected = convviz.animate(ConvSpec(3, 2), **kwargs).frame(0)
    np.testing.assert_array_equal(opt, expected)


def test_render_scatter_view(tmp_path, capsys):
    target = tmp_path / "s.png"
    status, _, err = run(["render", "no_padding_strides_transposed", "--scatter",
                          "--scale", "0.4", "--frame", "1", "-o", target], capsys)
    assert status == 0, err
    expected = convviz.animate("no_padding_strides_transposed", view="scatter",
                               scale=0.4).frame(1)
    np.testing.assert_array_equal(png_array(target), expected)


def test_render_seed_changes_numbers(tmp_path, capsys):
    argv = ["render", *SMALL, "--numbers", "--frame", "0"]
    assert run(argv + ["-o", tmp_path / "a.png"], capsys)[0] == 0
    assert run(argv + ["-o", tmp_path / "b.png", "--seed", "7"], capsys)[0] == 0
    assert not np.array_equal(png_array(tmp_path / "a.png"), png_array(tmp_path / "b.png"))


def test_render_diagram_preset(tmp_path, capsys):
    from convviz.draw import diagrams

    names = list(getattr(diagrams, "DIAGRAM_PRESETS", {}))
    if not names:
        pytest.skip("no diagram presets yet")
    target = tmp_path / "d.png"
    status, _, err = run(["render", names[0], "--frame", "0", "--scale", "0.5", "-o", target],
                         capsys)
    assert status == 0, err
    assert target.read_bytes()[:8] == PNG_MAGIC


def test_render_quiet_prints_nothing(tmp_path, capsys):
    status, out, err = run(["-q", "render", *SMALL, "-o", tmp_path / "q.gif"], capsys)
    assert status == 0 and out == "" and err == ""
    status, out, err = run(["render", "-q", *SMALL, "-o", tmp_path / "q2.gif"], capsys)
    assert status == 0 and out == "" and err == ""


def test_render_verbose_logs_to_stderr(tmp_path, capsys):
    status, _, err = run(["render", "-v", *SMALL, "-o", tmp_path / "v.gif"], capsys)
    assert status == 0
    assert "convviz: info: wrote" in err


@pytest.mark.parametrize(
    "argv, flag, fragment",
    [
        (["render"], "NAME", "give one or more preset names"),
        (["render", "nosuch"], "NAME", "unknown preset 'nosuch'"),
        (["render", "padding_strides", "-i", "5"], "--input", "not both"),
        (["render", *SMALL, "--frame", "9"], "--frame", "9 is not a frame"),
        (["render", *SMALL, "--frame", "-1"], "--frame", "-1 is not >= 0"),
        (["render", *SMALL, "--frame", "1", "--sheet"], "--frame", "pick one"),
        (["render", *SMALL, "--scatter"], "--scatter", "needs a transposed spec"),
        (["render", *SMALL, "--theme", "pink"], "--theme", "invalid choice"),
        (["render", *SMALL, "--pool", "min"], "--pool", "invalid choice"),
        (["render", *SMALL, "--duration", "0"], "--duration", "not between"),
        (["render", *SMALL, "--duration", "nan"], "--duration", "not between"),
        (["render", *SMALL, "--scale", "100"], "--scale", "not between"),
        (["render", *SMALL, "-j", "0"], "--jobs", "0 is not >= 1"),
        (["render", "-i", "100", "-k", "3"], "--input", "too large to animate"),
        (["render", "-i", "100000", "-k", "3"], "--input", "at most 4096"),
        (["render", "-i", "40", "-k", "3", "-t"], "--input", "frames"),
        (["render", "no_padding_strides", "padding_strides", "-o", "one.gif"], "-o",
         "need a directory"),
        (["render", *SMALL, "-o", "x.txt"], "-o", ".txt is not a known format"),
        (["render", *SMALL, "-o", "x.png"], "-o", "add --frame N or --sheet"),
        (["render", *SMALL, "--frame", "0", "-o", "x.gif"], "-o", "write PNG files"),
        (["render", "padding_strides", "padding_strides", "-o", "d/"], "NAME", "both write"),
    ],
)
def test_render_usage_errors(argv, flag, fragment, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(argv, capsys)
    assert status == 2, err
    line = one_error_line(err)
    assert line.startswith(f"convviz: error: {flag}"), line
    assert fragment in line, line
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_render_parent_is_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    status, _, err = run(["render", *SMALL, "-o", tmp_path / "file" / "sub" / "x.gif"], capsys)
    assert status == 1
    assert "is a file, not a directory" in one_error_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_render_interrupted_leaves_nothing(tmp_path, monkeypatch, capsys):
    """Ctrl-C while the file is being put in place: exit 130, no temp file, no directory."""
    from convviz.encode import atomic

    def interrupted(src, dst):
        raise KeyboardInterrupt

    # without --force the file is put in place with os.link (with it, os.replace)
    monkeypatch.setattr(atomic.os, "replace", interrupted)
    monkeypatch.setattr(atomic.os, "link", interrupted)
    status, _, err = run(["render", *SMALL, "-o", tmp_path / "new" / "x.gif"], capsys)
    assert status == 130
    assert err == "convviz: interrupted\n"
    assert list(tmp_path.iterdir()) == []


def test_render_failure_removes_only_what_it_created(tmp_path, monkeypatch, capsys):
    keep = tmp_path / "keep.txt"
    keep.write_text("mine")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli_jobs, "save", broken)
    status, _, err = run(["render", *SMALL, "-o", tmp_path / "a" / "b" / "x.gif"], capsys)
    assert status == 1
    line = one_error_line(err)
    assert "disk on fire" in line and "--debug" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    assert keep.read_text() == "mine"
    status, _, err = run(["render", *SMALL, "-o", tmp_path / "y.gif", "--debug"], capsys)
    assert "Traceback" in err and "disk on fire" in err


# ======================================================================================
# the console script: error paths in a subprocess
# ======================================================================================
@pytest.mark.parametrize(
    "args, status, fragment",
    [
        (["render", "-i", "5", "-s", "0"], 2, "convviz: error: --stride: 0 is not >= 1"),
        (["render", "-i", "100000"], 2, "convviz: error: --input: "),
        (["info", "-i", "5", "-k", "9"], 2, "convviz: error: --kernel: "),
        (["render", "nosuch"], 2, "convviz: error: NAME: unknown preset 'nosuch'"),
        (["render", "padding_strides", "--colour"], 2, "unrecognized arguments: --colour"),
        (["frobnicate"], 2, "convviz: error: COMMAND: invalid choice: 'frobnicate'"),
        (["render", "padding_strides", "-o", "file/x.gif"], 1, "is a file, not a directory"),
        (["render", "padding_strides", "-o", "existing.gif"], 1, "exists; pass --force"),
    ],
)
def test_console_script_errors(args, status, fragment, tmp_path):
    (tmp_path / "file").write_text("not a directory")
    (tmp_path / "existing.gif").write_bytes(b"keep me")
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run_script(args, tmp_path)
    assert proc.returncode == status, proc.stderr
    assert proc.stdout == ""
    assert fragment in one_error_line(proc.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "existing.gif").read_bytes() == b"keep me"


def test_console_script_sigint_exits_130_and_leaves_no_partial_file(tmp_path):
    import signal
    import time

    names = ["full_padding_no_strides", "arbitrary_padding_no_strides", "dilation_transposed",
             "same_padding_no_strides", "padding_strides_odd_transposed",
             "full_padding_no_strides_transposed"]
    # a shell that starts us in the background ignores SIGINT, and children inherit
    # that: give the CLI the default disposition, as a terminal would
    command = console_script() + ["render", *names, "--scale", "0.5", "-o", str(tmp_path)]
    default_sigint = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                      "os.execvp(sys.argv[1], sys.argv[1:])")
    proc = subprocess.Popen([sys.executable, "-c", default_sigint, *command],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not any(tmp_path.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    left = sorted(p.name for p in tmp_path.iterdir())
    if proc.returncode in (0, -signal.SIGINT) and len(left) == len(names):
        # on a busy machine every file can be done before the signal lands (then it
        # can only hit the interpreter's exit): nothing was interrupted, nothing to check
        pytest.skip("the render finished before the signal arrived")
    assert proc.returncode == 130, (proc.returncode, err, left)
    assert err == "convviz: interrupted\n", (err, left)
    assert all(name.endswith(".gif") and not name.startswith(".") for name in left), left
    for name in left:  # every file there is complete
        frames = gif_frames(tmp_path / name)[0]
        assert frames == math.prod(PRESETS[name[:-4]].spec.output_size)


# ======================================================================================
# gallery
# ======================================================================================
class _FakeReport:
    def __init__(self, out_dir):
        self.out_dir = Path(out_dir)
        self.rendered, self.reused, self.written, self.elapsed = 3, 1, 5, 0.25
        self.omitted, self.failed = (), {}

    @property
    def index(self):
        return self.out_dir / "index.html"


def test_gallery_passes_its_options_to_site_build(tmp_path, monkeypatch, capsys):
    from convviz.site import builder as site

    calls = []

    def fake_build(out_dir, **kwargs):
        calls.append((out_dir, kwargs))
        for n in range(1, 4):
            kwargs["progress"](n, 3, f"img/{n}.gif")
        return _FakeReport(out_dir)

    monkeypatch.setattr(site, "build", fake_build)
    templates = tmp_path / "tpl"
    templates.mkdir()
    out = tmp_path / "site"
    status, stdout, err = run(["gallery", "-o", out, "--lang", "zh", "--templates", templates,
                               "-j", "3", "--force"], capsys)
    assert status == 0, err
    (out_dir, kwargs), = calls
    assert Path(out_dir) == out
    assert kwargs["lang"] == "zh" and kwargs["jobs"] == 3 and kwargs["force"] is True
    assert Path(kwargs["templates"]) == templates
    assert err == ""  # not a terminal: no progress bar
    assert stdout.strip() == (f"gallery: {out / 'index.html'} (3 pictures rendered, 1 reused, "
                              "5 files written, 0.2 s)")


def test_gallery_defaults(tmp_path, monkeypatch, capsys):
    from convviz.site import builder as site

    calls = []
    monkeypatch.setattr(site, "build", lambda out, **kw: calls.append((out, kw)) or
                        _FakeReport(out))
    monkeypatch.chdir(tmp_path)
    assert run(["gallery", "-q"], capsys)[1] == ""
    (out, kwargs), = calls
    assert out == "output" and kwargs["lang"] == "all" and kwargs["jobs"] is None
    assert kwargs["templates"] is None and kwargs["force"] is False
    assert "renderer" not in kwargs  # the real pictures unless --draft


def test_gallery_draft_uses_the_draft_renderer(tmp_path, monkeypatch, capsys):
    from convviz.site import builder as site

    calls = []
    monkeypatch.setattr(site, "build", lambda out, **kw: calls.append(kw) or _FakeReport(out))
    assert run(["gallery", "--draft", "-o", tmp_path / "s"], capsys)[0] == 0
    assert calls[0]["renderer"] is site.render_draft


def test_gallery_progress_bar_only_on_a_terminal(tmp_path, monkeypatch, capsys):
    from convviz.site import builder as site

    def fake_build(out_dir, **kwargs):
        for n in range(1, 3):
            kwargs["progress"](n, 2, f"page{n}")
        return _FakeReport(out_dir)

    monkeypatch.setattr(site, "build", fake_build)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    status, _, err = run(["gallery", "-o", tmp_path / "s"], capsys)
    assert status == 0
    assert "gallery:" in err and "/2 [" in err
    status, _, err = run(["gallery", "-q", "-o", tmp_path / "s"], capsys)
    assert err == ""


def test_gallery_failed_pictures_exit_1(tmp_path, monkeypatch, capsys):
    from convviz.site import builder as site

    def fake_build(out_dir, **kwargs):
        report = _FakeReport(out_dir)
        report.failed = {"img/x.gif": "boom\nsecond line"}
        return report

    monkeypatch.setattr(site, "build", fake_build)
    status, out, err = run(["gallery", "-o", tmp_path / "s"], capsys)
    assert status == 1
    assert err.strip() == "convviz: error: img/x.gif: boom second line"
    assert "1 failed" in out


@pytest.mark.parametrize(
    "argv, status, fragment",
    [
        (["gallery", "--lang", "fr"], 2, "--lang: invalid choice: 'fr'"),
        (["gallery", "-j", "0"], 2, "--jobs: 0 is not >= 1"),
        (["gallery", "--templates", "nowhere"], 2, "--templates: nowhere is not a directory"),
        (["gallery", "-o", "afile"], 1, "-o: afile is a file, not a directory"),
        (["gallery", "-o", "afile/sub"], 1, "afile is a file, not a directory"),
    ],
)
def test_gallery_errors(argv, status, fragment, tmp_path, monkeypatch, capsys):
    from convviz.site import builder as site

    monkeypatch.setattr(site, "build", lambda *a, **k: pytest.fail("build must not run"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    code, _, err = run(argv, capsys)
    assert code == status
    assert fragment in one_error_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_gallery_builds_a_site(tmp_path, monkeypatch, capsys):
    """The real site.build, with a stand-in for the (slow) picture renderer."""
    from PIL import Image

    from convviz.site import builder as site

    def tiny_picture(job):
        import io

        if job.path.endswith(".svg"):
            return b'<svg xmlns="http://www.w3.org/2000/svg" width="8px" height="6px"></svg>'
        buffer = io.BytesIO()
        kind = "PNG" if getattr(job, "still", None) is not None else "GIF"
        Image.new("RGB", (8, 6), (40, 120, 200)).save(buffer, format=kind)
        return buffer.getvalue()

    monkeypatch.setattr(site, "render_picture", tiny_picture)
    out = tmp_path / "site"
    status, stdout, err = run(["gallery", "-o", out, "-j", "1"], capsys)
    assert status == 0, err
    assert (out / "index.html").is_file()
    assert stdout.startswith(f"gallery: {out / 'index.html'} (")


def test_transposed_same_claim_about_pytorch_holds(torch):
    """The disagreement text says PyTorch's padding=1, output_padding=1 has Keras' size
    but is shifted by one cell: check it with PyTorch itself."""
    spec = ConvSpec(3, 3, stride=2, padding="same", transposed=True)
    text = " ".join(cli.info(spec)["disagreements"])
    assert "padding=1, output_padding=1 has the same size but is shifted by 1 cell" in text
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 1, 3, 3)), rng.standard_normal((1, 1, 3, 3))
    y = torch.nn.functional.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), stride=2,
                                             padding=1, output_padding=1).numpy()
    expected = convviz.apply(spec, x, w)
    assert y.shape == expected.shape
    assert not np.allclose(y, expected)
    np.testing.assert_allclose(y[..., :-1, :-1], expected[..., 1:, 1:])


# -- pooling ------------------------------------------------------------------------------
direct_specs = small_specs.filter(lambda s: s is not None and not s.transposed)


@settings(max_examples=60, deadline=None)
@given(direct_specs, st.sampled_from(["max", "avg"]), st.integers(0, 2**31 - 1))
def test_pool_pytorch_line_computes_engine_pool(spec, mode, seed):
    torch = require_module("torch")
    from convviz import SpecError

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, 2) + spec.input_size)
    try:
        expected = convviz.pool(spec, x, mode)
    except SpecError:  # a max window with no input cell: nothing to compare
        return
    data = cli.info(spec, pool=mode)
    assert data["parameter_count"] == 0 and data["pool"] == mode
    pytorch = data["pytorch"]
    if pytorch["code"] is None:
        assert mode == "avg" and any(d > 1 for d in spec.dilation)
        return
    module = eval(pytorch["code"], {"nn": torch.nn})
    y = module(torch.from_numpy(x)).numpy()
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


def test_pool_presets_show_pooling_layers(capsys):
    status, out, _ = run(["info", "numbers_max_pooling"], capsys)
    assert status == 0
    assert "nn.MaxPool2d(kernel_size=3, stride=1)" in out
    assert "keras.layers.MaxPooling2D(pool_size=3, strides=1)" in out
    assert "parameters       0" in out
    status, out, _ = run(["info", "-i", "5", "-k", "3", "-s", "2", "-p", "1", "--pool", "avg"],
                         capsys)
    assert status == 0
    assert "nn.AvgPool2d(kernel_size=3, stride=2, padding=1)" in out
    assert "count_include_pad" in out


def test_pool_of_a_transposed_spec_is_refused(capsys):
    status, _, err = run(["info", "-i", "3", "-t", "--pool", "max"], capsys)
    assert status == 2
    assert one_error_line(err).startswith("convviz: error: --pool: ")


def test_render_all_plans_every_preset(tmp_path, monkeypatch, capsys):
    from convviz.draw import diagrams

    planned = []

    def fake_render(job):
        planned.append(job)
        return {"path": str(job.path), "frames": 1, "bytes": 0, "label": job.label,
                "frame": job.frame, "sheet": job.sheet}

    monkeypatch.setattr(cli_jobs, "render_one", fake_render)
    status, out, err = run(["render", "--all", "--frame", "0", "-o", tmp_path / "all"], capsys)
    assert status == 0, err
    expected = list(PRESETS) + [n for n in getattr(diagrams, "DIAGRAM_PRESETS", {})
                                if n not in PRESETS]
    assert [job.label for job in planned] == expected
    assert all(job.path == tmp_path / "all" / f"{job.label}_frame0.png" for job in planned)
    assert len(out.splitlines()) == len(expected)


@pytest.mark.parametrize("argv, fragment", [
    (["render", "--all"], "-o DIR"),
    (["render", "--all", "padding_strides", "-o", "d"], "drop the NAMEs"),
    (["render", "--all", "-i", "5", "-o", "d"], "drop the --input"),
])
def test_render_all_usage(argv, fragment, capsys):
    status, _, err = run(argv, capsys)
    assert status == 2
    line = one_error_line(err)
    assert line.startswith("convviz: error: --all: ") and fragment in line


def test_render_with_groups_and_channels(tmp_path, capsys):
    target = tmp_path / "g.gif"
    status, _, err = run(["render", "-i", "3", "-k", "2", "--groups", "2", "--in-channels", "2",
                          "--out-channels", "4", "--scale", "0.4", "-o", target], capsys)
    assert status == 0, err
    # one frame per output cell (2×2) of every output channel (4)
    assert gif_frames(target)[0] == 16
    expected = convviz.animate(ConvSpec(3, 2, groups=2, in_channels=2, out_channels=4),
                               scale=0.4).frame(0)
    status, _, _ = run(["render", "-i", "3", "-k", "2", "--groups", "2", "--in-channels", "2",
                        "--out-channels", "4", "--scale", "0.4", "--frame", "0",
                        "-o", tmp_path / "g.png"], capsys)
    np.testing.assert_array_equal(png_array(tmp_path / "g.png"), expected)


def test_debug_verbosity_logs_each_render(tmp_path, capsys):
    status, _, err = run(["-vv", "render", *SMALL, "-o", tmp_path / "v.gif"], capsys)
    assert status == 0
    assert "convviz: debug: rendering" in err


@settings(max_examples=100, deadline=None)
@given(direct_specs)
def test_looks_like_same_warning_exactly_when_keras_same_differs(spec):
    """The warning appears iff explicit padding gives TF 'same''s output size with other pads."""
    texts = cli.info(spec)["disagreements"]
    warned = any("looks like 'same' but is not" in t for t in texts)
    explicit = not isinstance(spec.padding, str) and any(spec.padding_before + spec.padding_after)
    pads = [(_keras_same_pads(g.input_size, g.effective_kernel, g.stride)) for g in spec.axes]
    out = [-(-g.input_size // g.stride) for g in spec.axes]
    expected = (explicit and out == list(spec.output_size)
                and pads != list(zip(spec.padding_before, spec.padding_after)))
    assert warned == expected


def test_padding_strides_odd_is_not_keras_same():
    texts = cli.info(PRESETS["padding_strides_odd"].spec)["disagreements"]
    assert any("pads rows: 0 before, 1 after, cols: 0 before, 1 after" in t for t in texts)
