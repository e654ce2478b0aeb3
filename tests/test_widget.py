"""convviz.widget(): the engine's answers through the widget's state, saving through the
writers, and a real Jupyter kernel (nbclient). The front end: test_widget_browser.py.

The state is checked against convviz.info and ConvSpec (the engine's own answers); the
saved files against Animation.save.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REQUIRE_REFERENCE, require_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convviz
from convviz import ConvSpec, OutputError, SpecError
from convviz.core.info import spec_dict
from convviz.presets import PRESETS

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PICTURE = dict(theme="classic", labels=False)


def _anywidget():
    require_module("anywidget")


def _same(a: ConvSpec, b: ConvSpec) -> bool:
    """The same convolution (channel counts left to their default or given alike)."""
    return spec_dict(a) == spec_dict(b)


def _engine_error(spec: dict) -> str:
    with pytest.raises(SpecError) as caught:
        ConvSpec(**spec)
    return str(caught.value)


def _assert_state_is_info(state_or_widget, spec: ConvSpec) -> None:
    def get(key):
        if isinstance(state_or_widget, dict):
            return state_or_widget[key]
        return getattr(state_or_widget, key)

    data = convviz.info(spec)
    assert get("error") == ""
    assert get("output_size") == list(spec.output_size) == data["output_size"]
    assert get("describe") == spec.describe()
    assert get("pytorch") == data["pytorch"]
    assert get("keras") == data["keras"]
    assert get("disagreements") == data["disagreements"]
    assert get("frame_count") == spec.frame_count
    lines = get("formula")
    rules = [entry["text"] for entry in data["padding_rule"] or []]
    assert len(lines) == len(data["formula"]) + len(rules)
    for line, entry in zip(lines, data["formula"]):
        assert entry["symbolic"] in line and entry["where"] in line
        assert line.split(entry["symbolic"], 1)[1].startswith(
            f" = {entry['filled']} = {entry['value']}")
    assert lines[len(data["formula"]):] == rules


# -------------------------------------------------------------------------------------------
# import: light, and a clear error without anywidget


def test_import_convviz_loads_neither_anywidget_nor_matplotlib():
    code = ("import sys, convviz; f = convviz.widget; "
            "print(callable(f), 'anywidget' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "False", "False"]


def test_without_anywidget_the_error_names_the_extra():
    code = ("import sys; sys.modules['anywidget'] = None\n"
            "import convviz\n"
            "try:\n    convviz.widget()\n"
            "except ImportError as e:\n    print('ImportError:', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("ImportError:")
    assert 'pip install "convviz[widget]"' in out


# -------------------------------------------------------------------------------------------
# the engine's answers (no anywidget needed)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_state_of_every_preset_is_convviz_info(name):
    from convviz.notebook_widget import initial_spec, spec_state

    spec, preset_name = initial_spec(name)
    assert preset_name == name
    assert _same(ConvSpec(**spec), PRESETS[name].spec)
    _assert_state_is_info(spec_state(spec), PRESETS[name].spec)


_values = st.one_of(st.integers(-1, 9), st.lists(st.integers(-1, 9), min_size=1, max_size=3))
_padding = st.one_of(
    st.integers(-1, 4), st.sampled_from(["valid", "same", "full", "causal", "bogus", "SAME"]),
    st.lists(st.one_of(st.integers(0, 3), st.lists(st.integers(-1, 3), min_size=2,
                                                   max_size=2)), min_size=1, max_size=3))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(input_size=st.one_of(st.integers(0, 12), st.lists(st.integers(0, 12), min_size=1,
                                                         max_size=4), st.just("5x")),
       kernel_size=_values, stride=_values, padding=_padding, dilation=_values,
       transposed=st.booleans(), output_padding=_values, groups=st.integers(0, 4),
       in_channels=st.one_of(st.none(), st.integers(0, 8)),
       out_channels=st.one_of(st.none(), st.integers(0, 8)))
def test_state_is_the_engine_answer_valid_or_not(**spec):
    from convviz.notebook_widget import PARAMETERS, spec_state

    state = spec_state(spec)
    try:
        conv = ConvSpec(**spec)
    except SpecError as error:
        assert state["error"] == str(error)
        assert state["error_parameter"] in PARAMETERS and state["error_parameter"] in str(error)
        assert state["output_size"] == [] and state["formula"] == [] and state["pytorch"] == {}
    else:
        _assert_state_is_info(state, conv)


def test_initial_spec_forms():
    from convviz.notebook_widget import initial_spec

    spec, name = initial_spec()
    assert name is None and _same(ConvSpec(**spec), ConvSpec(5, 3))
    spec, _ = initial_spec(ConvSpec((8,), 3, padding="causal", dilation=2))
    assert spec["input_size"] == [8] and spec["padding"] == "causal" and spec["dilation"] == 2
    spec, name = initial_spec("padding_strides", stride=1, padding=((1, 2), (0, 1)))
    assert name == "padding_strides"
    assert _same(ConvSpec(**spec), ConvSpec(5, 3, padding=((1, 2), (0, 1))))
    assert spec["padding"] == [[1, 2], [0, 1]]  # JSON-ready: tuples as lists
    # a one-axis spec from a two-axis preset: its uniform values follow input_size
    spec, _ = initial_spec("padding_strides", input_size=[9])
    assert _same(ConvSpec(**spec), ConvSpec((9,), 3, stride=2, padding=1))
    spec, _ = initial_spec("depthwise")
    assert spec["groups"] == 3 and spec["in_channels"] is None  # the default: groups
    assert _same(ConvSpec(**spec), PRESETS["depthwise"].spec)
    with pytest.raises(TypeError, match="'strides' is not a parameter"):
        initial_spec(strides=2)
    with pytest.raises(SpecError, match="unknown preset 'nope'"):
        initial_spec("nope")
    with pytest.raises(SpecError, match="'glu_block' is a diagram"):
        initial_spec("glu_block")
    with pytest.raises(TypeError, match="spec_or_preset must be"):
        initial_spec(3.5)


# -------------------------------------------------------------------------------------------
# the widget's traits (anywidget, in this process)


@pytest.fixture
def make_widget():
    _anywidget()
    return convviz.widget


def test_widget_state_round_trip(make_widget):
    w = make_widget("padding_strides")
    assert w.save_path == "padding_strides.gif"
    _assert_state_is_info(w, PRESETS["padding_strides"].spec)
    specs = [
        ConvSpec((7,), 3, stride=2, padding="same"),
        ConvSpec(4, 3, stride=2, padding=1, output_padding=1, transposed=True),
        ConvSpec((6, 5), (3, 2), padding=((1, 2), (0, 1)), dilation=(1, 2)),
        ConvSpec(5, 3, padding=1, groups=2, in_channels=4, out_channels=6),
        ConvSpec((3, 3, 3), 2),
    ]
    for spec in specs:
        w.spec = convviz.info(spec)["spec"]  # the JSON form: lists, [before, after] pairs
        _assert_state_is_info(w, spec)
        w.spec = spec  # a ConvSpec is taken as its parameters
        assert _same(ConvSpec(**w.spec), spec)
        _assert_state_is_info(w, spec)


@pytest.mark.parametrize("change,parameter", [
    (dict(kernel_size=9), "kernel_size"),
    (dict(stride=0), "stride"),
    (dict(padding="bogus"), "padding"),
    (dict(output_padding=1), "output_padding"),
    (dict(groups=2, in_channels=3), "in_channels"),
    (dict(input_size="5x"), "input_size"),
    (dict(transposed="yes"), "transposed"),
    (dict(padding=[[1, 2]]), "padding"),
])
def test_invalid_spec_shows_the_engine_message(make_widget, change, parameter):
    w = make_widget("padding_strides")
    good = dict(w.spec)
    w.spec = {**good, **change}  # no exception escapes
    assert w.error == _engine_error({**good, **change})
    assert w.error_parameter == parameter and parameter in w.error
    assert w.output_size == [] and w.formula == [] and w.svg == "" and w.frame_count == 0
    w.spec = good
    assert w.error == w.error_parameter == "" and w.output_size == [3, 3] and w.svg


def test_missing_size_and_unknown_parameter(make_widget):
    w = make_widget()
    w.spec = {"input_size": 5}
    assert "kernel_size is missing" in w.error and w.error_parameter == "kernel_size"
    with pytest.raises(TypeError, match="'strides' is not a parameter"):
        w.spec = {"input_size": 5, "kernel_size": 3, "strides": 2}


def test_picture_is_the_vector_writer_output(make_widget):
    from convviz.encode.vector import svg_bytes

    spec = ConvSpec(5, 3, stride=2, padding=1)
    anim = convviz.animate(spec, **PICTURE)
    w = make_widget(spec)
    assert w.frame == -1 and w.picture_note == ""
    assert w.svg.encode() == svg_bytes(anim, duration_ms=anim.duration_ms)
    w.frame = 4
    assert w.svg.encode() == svg_bytes(anim, duration_ms=anim.duration_ms, frame=4)
    w.frame = 99  # clamped to the last frame
    assert w.frame == 8
    assert w.svg.encode() == svg_bytes(anim, duration_ms=anim.duration_ms, frame=8)
    w.spec = dict(w.spec, stride=1)  # 25 frames: the frame shown stays
    assert w.frame == 8 and w.frame_count == 25
    w.frame = -5
    assert w.frame == -1


def test_large_pictures_become_a_still_or_a_note(make_widget):
    from convviz.notebook_widget import MAX_ANIMATED_FRAMES, MAX_PICTURE_CELLS

    w = make_widget(input_size=14, kernel_size=3)  # 144 frames
    assert w.frame_count > MAX_ANIMATED_FRAMES
    anim = convviz.animate(ConvSpec(14, 3), **PICTURE)
    assert f"Frame {anim.poster_frame + 1} of 144" in w.picture_note
    from convviz.encode.vector import svg_bytes

    assert w.svg.encode() == svg_bytes(anim, duration_ms=anim.duration_ms,
                                       frame=anim.poster_frame)  # a still
    w.spec = dict(w.spec, input_size=[40, 40])
    assert w.svg == ""
    assert f"40×40 = 1,600 cells; the widget draws up to {MAX_PICTURE_CELLS:,}" in w.picture_note
    assert w.output_size == [38, 38]  # the arithmetic is shown all the same


# -------------------------------------------------------------------------------------------
# saving


def test_save_writes_through_the_writers(make_widget, tmp_path):
    spec = ConvSpec(5, 3, stride=2, padding=1, transposed=True)
    w = make_widget(spec)
    anim = convviz.animate(spec, **PICTURE)
    for ext in (".gif", ".svg", ".png"):
        assert w.save(tmp_path / f"w{ext}") == tmp_path / f"w{ext}"
        anim.save(tmp_path / f"a{ext}")
        assert (tmp_path / f"w{ext}").read_bytes() == (tmp_path / f"a{ext}").read_bytes()
    w.save(tmp_path / "w3.png", frame=3)
    anim.save(tmp_path / "a3.png", frame=3)
    assert (tmp_path / "w3.png").read_bytes() == (tmp_path / "a3.png").read_bytes()


def test_save_refuses_to_overwrite_unless_asked(make_widget, tmp_path):
    w = make_widget("padding_strides")
    target = tmp_path / "x.gif"
    target.write_bytes(b"mine")
    with pytest.raises(OutputError, match="x.gif"):
        w.save(target)
    assert target.read_bytes() == b"mine"
    w.save(target, overwrite=True)
    assert target.read_bytes()[:6] == b"GIF89a"
    w.spec = dict(w.spec, kernel_size=9)
    with pytest.raises(SpecError, match="kernel_size"):
        w.save(tmp_path / "bad.gif")
    assert not (tmp_path / "bad.gif").exists()


def test_save_button_writes_into_the_working_folder_and_reports(make_widget, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = make_widget("padding_strides")
    anim = convviz.animate(PRESETS["padding_strides"].spec, **PICTURE)
    anim.save(tmp_path / "expected.gif")
    # what the front end's Save button sends (ipywidgets' handler of custom messages)
    w._handle_custom_msg({"type": "save"}, [])
    written = tmp_path / "padding_strides.gif"
    assert written.read_bytes() == (tmp_path / "expected.gif").read_bytes()
    assert not w.save_failed
    assert w.save_message == f"Wrote {written} ({written.stat().st_size:,} bytes)."
    w._handle_custom_msg({"type": "save"}, [])  # again: refused, shown, nothing raised
    assert w.save_failed and "padding_strides.gif" in w.save_message
    assert "exists" in w.save_message
    w.save_overwrite = True
    w.save_path = "sub/picture.svg"  # a new folder is made, as Animation.save does
    w.save_from_controls()
    assert not w.save_failed, w.save_message
    assert (tmp_path / "sub" / "picture.svg").read_bytes()[:5] == b"<svg "
    (tmp_path / "folder.gif").mkdir()
    for path, words in [("", "path must name a file"), ("x.nope", "nope"),
                        ("folder.gif", "it is a directory")]:
        w.save_path = path
        w.save_from_controls()
        assert w.save_failed and words in w.save_message, (path, w.save_message)
    w.spec = dict(w.spec, stride=0)
    w.save_path = "invalid.gif"
    w.save_from_controls()
    assert w.save_failed and w.save_message == w.error
    assert not (tmp_path / "invalid.gif").exists()


# -------------------------------------------------------------------------------------------
# a real kernel


def _kernel_or_skip() -> None:
    require_module("nbclient")
    require_module("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        reason = "no 'python3' Jupyter kernel (python -m ipykernel install --user)"
        if REQUIRE_REFERENCE:
            pytest.fail(reason + " (CONVVIZ_REQUIRE_REFERENCE=1 makes this a failure)")
        pytest.skip(reason)


CELLS = [
    'import convviz\nw = convviz.widget("padding_strides")\nw',
    "w.spec = dict(w.spec, stride=1)\nprint(w.output_size, w.describe)",
    ('w.save_path = "from_button.gif"\nw.save_from_controls()\nprint(w.save_failed)\n'
     'print(w.save("from_method.svg"))'),
    "w.save_from_controls()\nprint(w.save_failed)",
]


@pytest.mark.slow
def test_widget_in_a_real_kernel(tmp_path):
    _anywidget()
    _kernel_or_skip()
    nbformat = require_module("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.outputs
    shown = [o for o in nb.cells[0].outputs if o.output_type in ("display_data",
                                                                  "execute_result")]
    assert len(shown) == 1
    view = shown[0]["data"]["application/vnd.jupyter.widget-view+json"]
    assert view["version_major"] == 2

    def printed(cell):
        return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")

    spec = ConvSpec(5, 3, stride=1, padding=1)
    assert printed(nb.cells[1]) == f"[5, 5] {spec.describe()}\n"
    assert printed(nb.cells[2]) == "False\nfrom_method.svg\n"
    assert printed(nb.cells[3]) == "True\n"  # the second Save refuses to overwrite
    anim = convviz.animate(spec, **PICTURE)
    anim.save(tmp_path / "expected.gif")
    anim.save(tmp_path / "expected.svg")
    assert (tmp_path / "from_button.gif").read_bytes() == (tmp_path / "expected.gif").read_bytes()
    assert (tmp_path / "from_method.svg").read_bytes() == (tmp_path / "expected.svg").read_bytes()
    # the notebook keeps the widget's state: the model the output shows, as the kernel left it
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    model = state[view["model_id"]]["state"]
    assert model["output_size"] == [5, 5]
    assert model["spec"]["stride"] == 1
    assert model["svg"].startswith("<svg ")
    # the shipped ESM: the hover script, then the widget's module
    assert model["_esm"] == ((TEMPLATES / "convviz-hover.js").read_text("utf-8") + "\n"
                             + (TEMPLATES / "widget.js").read_text("utf-8"))
