"""convviz.widget(): the engine's answers through the widget's state, saving through the
writers, a real Jupyter kernel (nbclient), and the front end (templates/widget.js) in
Chromium with a minimal anywidget model filled by the real Python widget.

The state is checked against convviz.info and ConvSpec (the engine's own answers); the
saved files against Animation.save; the front end's model.set calls against specs written
out by hand here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REQUIRE_REFERENCE, require_chromium, require_module
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
    assert (tmp_path / "sub" / "picture.svg").read_bytes()[:5] == b"<?xml"
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
    assert model["svg"].startswith("<?xml")
    assert model["_esm"] == (TEMPLATES / "widget.js").read_text("utf-8")  # the shipped ESM


# -------------------------------------------------------------------------------------------
# the front end in Chromium

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ORIGIN = "http://widget.test"

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>%(css)s</style></head>
<body><div id="root"></div><script type="module">
// a minimal anywidget model: get / set / on / off / save_changes / send
const state = %(state)s, listeners = {};
window.calls = { set: [], send: [], saves: 0 };
function fire(key) { (listeners["change:" + key] || []).slice().forEach((f) => f()); }
window.model = {
  get: (key) => state[key],
  set: (key, value) => { state[key] = value; window.calls.set.push([key, value]); fire(key); },
  on: (event, f) => { (listeners[event] = listeners[event] || []).push(f); },
  off: (event, f) => { listeners[event] = (listeners[event] || []).filter((g) => g !== f); },
  save_changes: () => { window.calls.saves += 1; },
  send: (message) => { window.calls.send.push(message); },
};
window.listenerCount = () => Object.values(listeners).reduce((n, l) => n + l.length, 0);
window.update = (changes) => {  // what the kernel sends back
  for (const [key, value] of Object.entries(changes)) state[key] = value;
  for (const key of Object.keys(changes)) fire(key);
};
const widget = await import("%(origin)s/widget.js");
window.cleanup = widget.default.render({ model: window.model,
                                         el: document.getElementById("root") });
window.ready = true;
</script></body></html>"""


@pytest.fixture(scope="module")
def browser():
    chromium = require_chromium()
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


def _synced(w) -> dict:
    """The widget's synced state as the front end receives it (JSON)."""
    keys = [k for k in w.keys if not k.startswith("_")]
    return json.loads(json.dumps({k: v for k, v in w.get_state(keys).items()}))


class FrontEnd:
    """The page, with the real Python widget behind it playing the kernel."""

    def __init__(self, browser, w):
        self.w = w
        self.page = browser.new_page(viewport={"width": 1000, "height": 900})
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console",
                     lambda m: self.errors.append(m.text) if m.type == "error" else None)
        html = PAGE % {"css": (TEMPLATES / "widget.css").read_text("utf-8"),
                       "state": json.dumps(_synced(w)), "origin": ORIGIN}
        files = {"/": ("text/html", html),
                 "/widget.js": ("text/javascript", (TEMPLATES / "widget.js").read_text("utf-8"))}

        def serve(route):
            path = "/" + route.request.url[len(ORIGIN):].lstrip("/")
            kind, body = files[path]
            route.fulfill(status=200, content_type=kind, body=body)

        self.page.route(ORIGIN + "/**", serve)
        self.page.goto(ORIGIN + "/")
        self.page.wait_for_function("window.ready === true")
        self.seen = 0

    def sets(self) -> list:
        return self.page.evaluate("window.calls.set")

    def kernel(self) -> list:
        """Apply the front end's new model.set calls to the Python widget, and send its
        state back, as the kernel does; returns those calls."""
        calls = self.sets()[self.seen:]
        self.seen += len(calls)
        for key, value in calls:
            setattr(self.w, key, value)
        self.page.evaluate("s => window.update(s)", _synced(self.w))
        return calls

    def text(self, selector: str) -> str:
        return self.page.inner_text(f".convviz-widget {selector}")


@pytest.fixture
def front(browser):
    _anywidget()
    ends = []

    def make(*args, **kwargs):
        end = FrontEnd(browser, convviz.widget(*args, **kwargs))
        ends.append(end)
        return end

    yield make
    for end in ends:
        assert not end.errors, end.errors
        end.page.close()


@pytest.mark.browser
def test_front_end_shows_the_python_state(front):
    end = front("padding_strides")
    w, page = end.w, end.page
    assert end.text(".cvw-pytorch") == w.pytorch["code"]
    assert end.text(".cvw-keras") == w.keras["code"]
    assert end.text(".cvw-formula") == "\n".join(w.formula)
    assert end.text(".cvw-size strong") == "3 × 3"
    assert page.eval_on_selector_all(".cvw-disagreements li", "l => l.map(e => e.textContent)") \
        == w.disagreements
    # the picture is the Python SVG, decoded by the browser
    page.wait_for_function("document.querySelector('.cvw-picture img').complete")
    width = page.eval_on_selector(".cvw-picture img", "i => i.naturalWidth")
    assert width == int(w.svg.split('width="', 1)[1].split("px", 1)[0])
    shown = page.eval_on_selector(".cvw-picture img", "i => fetch(i.src).then(r => r.text())")
    assert shown == w.svg
    # the controls say the spec
    values = page.eval_on_selector_all(".cvw-controls [name]",
                                       "l => l.map(e => [e.name, e.type === 'checkbox' ? "
                                       "e.checked : e.value])")
    assert dict(values) == {"n": "2", "input_size": "5", "kernel_size": "3", "stride": "2",
                            "padding": "1", "dilation": "1", "transposed": False,
                            "output_padding": "0", "groups": "1", "in_channels": "",
                            "out_channels": ""}
    assert page.input_value("[name=save_path]") == "padding_strides.gif"
    assert end.text(".cvw-frame-text") == "all 9 frames, looping"


def _change(page, name: str, value: str) -> None:
    page.fill(f"[name={name}]", value)
    page.press(f"[name={name}]", "Enter")


@pytest.mark.browser
def test_controls_set_the_spec_and_python_answers(front):
    end = front("padding_strides")
    w, page = end.w, end.page
    spec = dict(w.spec)
    _change(page, "kernel_size", "4")
    assert end.kernel() == [["spec", {**spec, "kernel_size": 4}]]
    assert end.text(".cvw-size strong") == "2 × 2" and w.output_size == [2, 2]
    _change(page, "padding", "1/2,0/1")
    assert end.kernel() == [["spec", {**spec, "kernel_size": 4, "padding": [[1, 2], [0, 1]]}]]
    assert end.text(".cvw-pytorch") == w.pytorch["code"] + "\n" + w.pytorch["note"]
    assert w.pytorch["code"].startswith("nn.Sequential(nn.ZeroPad2d((0, 1, 1, 2))")
    _change(page, "padding", "same")
    page.check("[name=transposed]")
    page.fill("[name=in_channels]", "2")
    page.fill("[name=out_channels]", "4")
    page.press("[name=out_channels]", "Enter")
    spec = {**spec, "kernel_size": 4, "padding": "same", "transposed": True, "in_channels": 2,
            "out_channels": 4}
    calls = end.kernel()
    assert calls[-1] == ["spec", spec]
    assert w.spec == spec and w.error == ""
    assert end.text(".cvw-keras") == w.keras["code"]
    assert "Conv2DTranspose" in w.keras["code"]
    page.select_option("[name=n]", "1")
    assert end.kernel() == [["spec", {**spec, "input_size": [5]}]]
    assert end.text(".cvw-size strong") == " × ".join(map(str, w.output_size))
    assert len(w.output_size) == 1
    page.fill("[name=input_size]", "7,5")  # sent when the typing stops
    page.wait_for_function(f"window.calls.set.length > {end.seen}")
    assert end.kernel() == [["spec", {**spec, "input_size": [7, 5]}]]
    assert page.input_value("[name=n]") == "2"


@pytest.mark.browser
def test_an_invalid_spec_shows_the_engine_message(front):
    end = front("padding_strides")
    page = end.page
    _change(page, "input_size", "5x")
    end.kernel()
    assert end.w.error == "input_size must be an int or a tuple of ints, got '5x'"
    assert end.text(".cvw-error") == end.w.error
    assert page.eval_on_selector(".cvw-result", "e => e.hidden")
    assert page.get_attribute(".cvw-error", "role") == "alert"
    invalid = "l => l.map(e => e.name)"
    assert page.eval_on_selector_all("[aria-invalid=true]", invalid) == ["input_size"]
    _change(page, "kernel_size", "9")
    _change(page, "input_size", "5")
    end.kernel()
    assert "kernel_size=(9, 9)" in end.text(".cvw-error")
    assert page.eval_on_selector_all("[aria-invalid=true]", invalid) == ["kernel_size"]
    _change(page, "kernel_size", "3")
    end.kernel()
    assert end.text(".cvw-error") == ""
    assert not page.eval_on_selector(".cvw-result", "e => e.hidden")
    assert page.eval_on_selector_all("[aria-invalid=true]", invalid) == []


@pytest.mark.browser
def test_python_changes_show_in_the_controls(front):
    end = front("padding_strides")
    page = end.page
    end.w.spec = ConvSpec((6, 5), 3, stride=2, padding=((1, 2), (0, 0)), dilation=(1, 2),
                          transposed=True, output_padding=1)
    end.kernel()
    values = dict(page.eval_on_selector_all(
        ".cvw-controls [name]",
        "l => l.map(e => [e.name, e.type === 'checkbox' ? e.checked : e.value])"))
    assert values == {"n": "2", "input_size": "6,5", "kernel_size": "3", "stride": "2",
                      "padding": "1/2,0/0", "dilation": "1,2", "transposed": True,
                      "output_padding": "1", "groups": "1", "in_channels": "",
                      "out_channels": ""}
    assert end.sets() == []  # showing the spec sets nothing back


@pytest.mark.browser
def test_frames_and_save_controls(front):
    end = front("padding_strides")
    w, page = end.w, end.page
    page.click("[aria-label='next frame']")
    assert end.kernel() == [["frame", 0]]
    assert end.text(".cvw-frame-text") == "frame 1 of 9"
    assert page.get_attribute(".cvw-play", "aria-pressed") == "false"
    page.click("[aria-label='previous frame']")
    assert end.kernel() == [["frame", 8]]
    page.click(".cvw-play")
    assert end.kernel() == [["frame", -1]]
    assert w.svg.count("<animate") == 9
    page.fill("[name=save_path]", "mine.svg")
    page.check("[name=save_overwrite]")
    calls = end.kernel()
    assert calls[-2:] == [["save_path", "mine.svg"], ["save_overwrite", True]]
    page.click(".cvw-save-button")
    assert page.evaluate("window.calls.send") == [{"type": "save"}]
    end.page.evaluate("s => window.update(s)", {"save_message": "disk full",
                                               "save_failed": True})
    assert end.text(".cvw-save-message") == "disk full"
    assert "cvw-failed" in page.get_attribute(".cvw-save-message", "class")


@pytest.mark.browser
def test_keyboard_reaches_every_control_with_a_visible_focus(front):
    end = front("padding_strides")
    page = end.page
    order = []
    for _ in range(17):
        page.keyboard.press("Tab")
        order.append(page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e); "
            "return [e.getAttribute('name') || e.getAttribute('aria-label') || e.textContent,"
            " s.outlineStyle, s.outlineWidth]; })()"))
    names = [name for name, _, _ in order]
    assert names == ["n", "input_size", "kernel_size", "stride", "padding", "dilation",
                     "transposed", "output_padding", "groups", "in_channels", "out_channels",
                     "previous frame", "Pause", "next frame", "frame", "save_path",
                     "save_overwrite"]
    assert all(style == "solid" and width == "2px" for _, style, width in order), order
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Save"
    page.keyboard.press("Enter")
    assert page.evaluate("window.calls.send") == [{"type": "save"}]
    page.focus("[name=stride]")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    assert end.kernel()[-1][1]["stride"] == 1
    assert end.w.output_size == [5, 5]


@pytest.mark.browser
def test_two_widgets_in_one_page_and_cleanup(front):
    end = front("dilation")
    page = end.page
    assert page.evaluate("window.listenerCount()") > 0
    page.evaluate("window.cleanup()")
    assert page.evaluate("window.listenerCount()") == 0
    # a second view of the same model: its datalist id differs from the first one's
    page.evaluate(f"import('{ORIGIN}/widget.js').then(m => {{ m.default.render("
                  "{model: window.model, el: document.body}); })")
    lists = page.eval_on_selector_all("datalist", "l => l.map(e => e.id)")
    assert len(lists) == 2 and len(set(lists)) == 2
    inputs = page.eval_on_selector_all("[name=padding]", "l => l.map(e => e.list.id)")
    assert inputs == lists


RUNTIME_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body><script>
// @jupyter-widgets/base as far as anywidget's runtime uses it: Backbone-style events
// (on/off/once with a context), get/set/save_changes/send, a view with el and $el.empty()
window.calls = { set: [], send: [], saves: 0 };
class Events {
  constructor() { this.listeners = []; }
  on(name, callback, context) { this.listeners.push({ name, callback, context }); }
  once(name, callback, context) {
    const wrapper = (...args) => { this.off(name, wrapper, context); callback(...args); };
    this.on(name, wrapper, context);
  }
  off(name, callback, context) {
    this.listeners = this.listeners.filter((l) => !((name == null || l.name === name) &&
      (callback == null || l.callback === callback) && (context == null || l.context === context)));
  }
  trigger(name, ...args) {
    this.listeners.filter((l) => l.name === name).forEach((l) => l.callback.apply(l.context, args));
  }
}
class DOMWidgetModel extends Events {
  constructor(state) { super(); this.attributes = Object.assign({}, state); this.initialize(); }
  initialize() {}
  get(key) { return this.attributes[key]; }
  set(key, value) {
    this.attributes[key] = value;
    window.calls.set.push([key, value]);
    this.trigger("change:" + key, this, value);
  }
  save_changes() { window.calls.saves += 1; }
  send(message) { window.calls.send.push(message); }
}
class DOMWidgetView {
  constructor(model) {
    this.model = model;
    this.el = document.body.appendChild(document.createElement("div"));
    this.$el = { empty: () => { this.el.textContent = ""; } };
  }
  remove() { this.el.remove(); }
}
window.define = (deps, factory) => {
  window.anywidget = factory({ DOMWidgetModel, DOMWidgetView });
};
</script><script src="%(origin)s/anywidget.js"></script><script>
const model = new window.anywidget.AnyModel(%(state)s);
const view = new window.anywidget.AnyView(model);
window.model = model;
window.view = view;
view.render();
</script></body></html>"""


@pytest.mark.browser
def test_front_end_under_anywidgets_own_runtime(browser):
    """anywidget's own front end (its notebook bundle, as Jupyter loads it) loads the ESM
    from the model's _esm, injects _css, renders, and sends control changes."""
    anywidget = require_module("anywidget")
    bundle = Path(anywidget.__file__).parent / "nbextension" / "index.js"
    if not bundle.exists():
        pytest.skip(f"anywidget {anywidget.__version__} ships no notebook bundle at {bundle}")
    w = convviz.widget("dilation")
    state = json.loads(json.dumps(w.get_state([k for k in w.keys if k != "layout"])))
    files = {"/": ("text/html", RUNTIME_PAGE % {"origin": ORIGIN, "state": json.dumps(state)}),
             "/anywidget.js": ("text/javascript", bundle.read_text("utf-8"))}
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route(ORIGIN + "/**", lambda route: route.fulfill(
        status=200, content_type=files[route.request.url[len(ORIGIN):] or "/"][0],
        body=files[route.request.url[len(ORIGIN):] or "/"][1]))
    page.goto(ORIGIN + "/")
    page.wait_for_selector(".convviz-widget .cvw-pytorch", timeout=15_000)
    assert page.inner_text(".cvw-pytorch") == w.pytorch["code"]
    assert page.inner_text(".cvw-size strong") == "3 × 3"
    page.wait_for_function("document.querySelector('.cvw-picture img').naturalWidth > 0")
    styles = page.eval_on_selector_all("style", "l => l.map(s => s.textContent)")
    assert (TEMPLATES / "widget.css").read_text("utf-8") in styles
    page.fill("[name=dilation]", "1")
    page.press("[name=dilation]", "Enter")
    assert page.evaluate("window.calls.set") == [["spec", {**w.spec, "dilation": 1}]]
    assert not errors, errors
    page.close()
