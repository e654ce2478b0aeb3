"""The front end of convviz.widget() (templates/widget.js) in Chromium: a minimal anywidget
model filled with the state of the real Python widget, which plays the kernel (each
model.set from the page is applied to it and its new state sent back); and the same ESM
under anywidget's own front-end runtime.

The model.set values are checked against specs written out by hand here; the text shown
against the Python widget's traits.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import require_module

import convviz
from convviz import ConvSpec
from convviz.look.scene import build_scene

pytestmark = [pytest.mark.browser]

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

ORIGIN = "http://widget.test"
#: the ESM as anywidget ships it: the hover script, then widget.js
ESM = ((TEMPLATES / "convviz-hover.js").read_text("utf-8") + "\n"
       + (TEMPLATES / "widget.js").read_text("utf-8"))

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


def _synced(w) -> dict:
    """The widget's synced state as the front end receives it (JSON)."""
    keys = [k for k in w.keys if not k.startswith("_")]
    return json.loads(json.dumps({k: v for k, v in w.get_state(keys).items()}))


class FrontEnd:
    """The page, with the real Python widget behind it playing the kernel."""

    def __init__(self, browser, w, motion: str = "no-preference"):
        self.w = w
        self.page = browser.new_page(viewport={"width": 1000, "height": 900},
                                     reduced_motion=motion)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console",
                     lambda m: self.errors.append(m.text) if m.type == "error" else None)
        html = PAGE % {"css": (TEMPLATES / "widget.css").read_text("utf-8"),
                       "state": json.dumps(_synced(w)), "origin": ORIGIN}
        files = {"/": ("text/html", html),
                 "/widget.js": ("text/javascript", ESM)}

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
def front(chromium):
    require_module("anywidget")
    ends = []

    def make(*args, motion: str = "no-preference", **kwargs):
        end = FrontEnd(chromium, convviz.widget(*args, **kwargs), motion)
        ends.append(end)
        return end

    yield make
    for end in ends:
        assert not end.errors, end.errors
        end.page.close()


def test_front_end_shows_the_python_state(front):
    end = front("padding_strides")
    w, page = end.w, end.page
    assert end.text(".cvw-pytorch") == w.pytorch["code"]
    assert end.text(".cvw-keras") == w.keras["code"]
    assert end.text(".cvw-formula") == "\n".join(w.formula)
    assert end.text(".cvw-size strong") == "3 × 3"
    assert page.eval_on_selector_all(".cvw-disagreements li", "l => l.map(e => e.textContent)") \
        == w.disagreements
    # the picture is the Python SVG, inline: node for node what an SVG parser makes of
    # w.svg, once the hover's own additions (overlay, focus, labels) are taken off
    assert page.locator(".cvw-picture img").count() == 0
    assert page.evaluate(SAME_SVG, w.svg)
    assert page.get_attribute(".cvw-svg svg", "width") == \
        w.svg.split(' width="', 1)[1].split('"', 1)[0]
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


#: whether the inline picture is the SVG text given, but for the hover's additions
SAME_SVG = """text => {
  const want = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  const got = document.querySelector(".cvw-svg svg").cloneNode(true);
  got.querySelectorAll(".cv-hover").forEach((g) => g.remove());
  for (const name of ["tabindex", "aria-label", "aria-keyshortcuts"]) got.removeAttribute(name);
  return want.namespaceURI === "http://www.w3.org/2000/svg" && got.isEqualNode(want); }"""


def _change(page, name: str, value: str) -> None:
    page.fill(f"[name={name}]", value)
    page.press(f"[name={name}]", "Enter")


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
    assert w.svg.count('<g class="cv-f') == 9  # every frame, animated by CSS
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


def test_keyboard_reaches_every_control_with_a_visible_focus(front):
    end = front("padding_strides")
    page = end.page
    order = []
    for _ in range(27):
        page.keyboard.press("Tab")
        order.append(page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e); "
            "return [e.tagName === 'svg' ? 'svg' : e.getAttribute('name') || "
            "e.getAttribute('aria-label') || e.textContent,"
            " s.outlineStyle, s.outlineWidth]; })()"))
    names = [name for name, _, _ in order]
    taps = [f"kernel tap {r}, {c}" for r in range(3) for c in range(3)]
    assert names == ["n", "input_size", "kernel_size", "stride", "padding", "dilation",
                     "transposed", "output_padding", "groups", "in_channels", "out_channels",
                     "svg", *taps, "previous frame", "Pause", "next frame", "frame",
                     "save_path", "save_overwrite"]
    # the picture keeps the hover's focus ring (as in the playground), the rest the widget's
    assert all(style == "solid" and width == ("3px" if name == "svg" else "2px")
               for name, style, width in order), order
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


def test_front_end_under_anywidgets_own_runtime(chromium):
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
    page = chromium.new_page()
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
    page.wait_for_function("document.querySelector('.cvw-svg svg[tabindex]') !== null")
    styles = page.eval_on_selector_all("style", "l => l.map(s => s.textContent)")
    assert (TEMPLATES / "widget.css").read_text("utf-8") in styles
    page.fill("[name=dilation]", "1")
    page.press("[name=dilation]", "Enter")
    assert page.evaluate("window.calls.set") == [["spec", {**w.spec, "dilation": 1}]]
    assert not errors, errors
    page.close()


# -- the picture's hover (the playground's, templates/convviz-hover.js) ---------------------

#: picture px -> window px (scrolled into view first)
TO_CLIENT = """([x, y]) => { const svg = document.querySelector(".cvw-svg svg");
  const p = svg.createSVGPoint(); p.x = x; p.y = y;
  let q = p.matrixTransform(svg.getScreenCTM());
  if (q.y < 0 || q.y > innerHeight) {
    scrollBy(0, q.y - innerHeight / 2); q = p.matrixTransform(svg.getScreenCTM());
  }
  return [q.x, q.y]; }"""
LIT = """side => { const p = document.querySelector(".cvw-svg .cv-lit-" + side);
  return p ? p.dataset.cells.split(" ").filter(Boolean).sort() : []; }"""
HELD = """() => { const svg = document.querySelector(".cvw-svg svg");
  return svg.classList.contains("cv-hold") ?
    Array.from(svg.querySelectorAll(".cv-f.cv-on")).map(g => Number(g.dataset.frame)) : null; }"""

HOVER_SPECS = [ConvSpec(5, 3, stride=2, padding=1),
               ConvSpec((3, 4), 3, stride=2, padding=((1, 0), (0, 1)), transposed=True,
                        output_padding=1)]


def _point_at(page, xy) -> None:
    x, y = page.evaluate(TO_CLIENT, list(xy))
    page.mouse.move(x, y)


@pytest.mark.parametrize("spec", HOVER_SPECS, ids=["strided", "transposed"])
def test_pointing_at_a_cell_lights_what_the_engine_says(front, spec):
    from test_playground import centres, key

    end = front(spec)
    page = end.page
    outs, ins = centres(spec)
    taps = spec.taps.reshape(*spec.output_size, -1, spec.ndim)
    for n, out in enumerate(outs):
        _point_at(page, outs[out])
        index = tuple(int(v) for v in out.split(","))
        assert page.evaluate(LIT, "in") == sorted(key(c) for c in taps[index]), out
        assert page.evaluate(LIT, "out") == [out]
        assert page.evaluate(HELD) == [n]  # the picture holds that output's frame
    flat = spec.taps.reshape(spec.frame_count, -1, spec.ndim)
    outputs = [key(o) for o in np.ndindex(*spec.output_size)]
    for cell in list(ins)[::3]:
        _point_at(page, ins[cell])
        want = sorted(outputs[o] for o in range(len(outputs))
                      if cell in {key(c) for c in flat[o]})
        assert page.evaluate(LIT, "out") == want, cell
    page.mouse.move(0, 0)  # away: nothing lit, the picture plays again
    assert page.evaluate(LIT, "in") == [] and page.evaluate(HELD) is None
    # the kernel taps: a transposed spec's are applied flipped (the gallery's wording)
    label = page.get_attribute(".cvw-picture .cv-kernel", "aria-label")
    assert ("applied flipped" in label) == spec.transposed
    scene = build_scene(spec)
    for w, tap in enumerate(np.ndindex(*spec.kernel_size)):
        want = sorted({key(f.taps[t]) for f in scene.frames
                       for t in np.flatnonzero(f.weight_index == w)})
        page.hover(f'.cvw-picture [data-tap="{key(tap)}"]')
        assert page.evaluate(LIT, "in") == want, tap
    assert end.sets() == []  # pointing sets nothing in the model


def _svg_listeners(page) -> list[str]:
    """The event types listened for on the picture (Chromium's DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    found = cdp.send("Runtime.evaluate", {"expression": "document.querySelector('.cvw-svg svg')"})
    listeners = cdp.send("DOMDebugger.getEventListeners",
                         {"objectId": found["result"]["objectId"]})["listeners"]
    cdp.detach()
    return sorted(entry["type"] for entry in listeners)


def test_a_new_picture_and_cleanup_remove_the_hover(front):
    end = front("padding_strides")
    page = end.page
    assert _svg_listeners(page) == ["blur", "click", "focus", "keydown", "pointerleave",
                                    "pointermove"]
    _change(page, "stride", "1")  # a new picture: one hover, on it
    end.kernel()
    assert end.w.output_size == [5, 5]
    assert page.evaluate(SAME_SVG, end.w.svg)
    assert page.locator(".cvw-picture .cv-kernel").count() == 1
    assert page.locator(".cvw-picture .cv-hover").count() == 1
    assert len(_svg_listeners(page)) == 6
    page.evaluate("window.cleanup()")
    assert _svg_listeners(page) == []
    assert page.locator(".cvw-picture .cv-kernel, .cvw-picture .cv-hover").count() == 0


def test_reduced_motion_starts_held_on_the_poster_frame(front):
    from convviz.notebook_widget import animation, as_spec

    end = front("padding_strides", motion="reduce")
    poster = animation(as_spec(end.w.spec)).poster_frame
    assert end.kernel() == [["frame", poster]]
    assert end.w.frame == poster
    assert end.text(".cvw-frame-text") == f"frame {poster + 1} of 9"
    assert end.page.evaluate(HELD) == [poster]
