"""The playground page (templates/playground.html) in Chromium, from file:// as the gallery
ships it: the engine's numbers and code, the gallery's picture (Python's SVG, frame by
frame), play/pause/step/slider, what lights up when one points at an output cell, an
input cell or a kernel tap (checked against the engine's index maps), pinning, and
keyboard-only use at phone and desktop widths in the light and the dark scheme, with no
console errors and no network requests.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from convviz import ConvSpec, SpecError, info
from convviz.core.arithmetic import formula_lines
from convviz.draw.oblique_layout import _layout
from convviz.draw.oblique_svg import ObliqueSvg
from convviz.look.scene import build_scene
from convviz.look.themes import get_theme

pytestmark = [pytest.mark.browser]

#: fragment -> the spec it means
SPECS = {
    "#i=5&k=3&s=2&p=1": ConvSpec(5, 3, stride=2, padding=1),
    "#i=3,4&k=3&s=2&p=1/0,0/1&t=1&op=1": ConvSpec((3, 4), 3, stride=2, padding=((1, 0), (0, 1)),
                                                 transposed=True, output_padding=1),
    "#n=1&i=6&k=2&d=2&p=causal": ConvSpec((6,), 2, dilation=2, padding="causal"),
    "#i=4&k=2,3&d=2,1": ConvSpec(4, (2, 3), dilation=(2, 1)),
}
CONTROLS = ["n", "i", "k", "s", "p", "d", "t", "op", "g", "ci", "co", "play", "prev", "next",
            "frame"]


@pytest.fixture(scope="module")
def playground(tmp_path_factory):
    """playground.html beside its assets, as the gallery build writes them."""
    from convviz.site import assets, builder

    out = tmp_path_factory.mktemp("playground")
    for name, target in builder.ASSET_FILES.items():  # the bytes the gallery ships
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        (out / target).write_bytes(assets.shipped(name))
    return out / "playground.html"


class Opened:
    def __init__(self, page: Any):
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: self.requests.append(r.url))

    def check(self) -> None:
        assert not self.errors, self.errors
        assert all(url.startswith("file://") for url in self.requests), self.requests


@pytest.fixture()
def opener(chromium, playground):
    pages = []

    def open_page(fragment: str, width: int = 1280, scheme: str = "light",
                  motion: str = "reduce") -> Any:
        page = chromium.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                 reduced_motion=motion)
        opened = Opened(page)
        page.goto(playground.as_uri() + fragment)
        page.wait_for_load_state("load")
        pages.append(opened)
        return opened

    yield open_page
    for opened in pages:
        opened.check()
        opened.page.close()


# -- numbers, code, errors -----------------------------------------------------------------

def test_the_playground_shows_the_engine_s_numbers_and_code(opener):
    page = opener("#i=7&k=3&s=2&p=same").page
    spec = ConvSpec(7, 3, stride=2, padding="same")
    assert page.text_content("#output-size") == " × ".join(map(str, spec.output_size))
    assert page.text_content("#describe") == spec.describe()
    explained = info(spec)
    assert page.text_content("#pytorch") == explained["pytorch"]["code"]
    assert page.text_content("#keras") == explained["keras"]["code"]
    shown = page.eval_on_selector_all("#disagreements li", "items => items.map(i => i.textContent)")
    assert shown == explained["disagreements"]
    rules = [rule["text"] for rule in explained["padding_rule"]]
    assert page.text_content("#formula") == "\n".join([*formula_lines(spec), *rules])
    assert page.text_content("#error") == ""
    page.fill("#s", "1")  # a control changes the numbers, and the state in the URL fragment
    page.wait_for_function("location.hash === '#i=7&p=same'", timeout=5000)  # (once changes pause)
    assert page.text_content("#output-size") == "7 × 7"


def test_the_playground_names_the_refused_parameter(opener):
    page = opener("#n=1&i=5&k=3&t=1&p=causal").page
    with pytest.raises(SpecError) as refused:
        ConvSpec((5,), 3, padding="causal", transposed=True)
    assert page.text_content("#error") == str(refused.value)
    assert page.is_hidden("#result")
    page.fill("#s", "x")
    assert page.text_content("#error") == (
        "stride must be whole numbers separated by commas, got 'x'")
    page.fill("#s", "1")
    page.fill("#i", "70")  # too big to draw: the renderer's own message
    with pytest.raises(SpecError) as too_big:
        build_scene(ConvSpec((70,), 3, padding="causal", transposed=False))
    page.uncheck("#t")
    assert page.text_content("#error") == str(too_big.value)


# -- the picture ---------------------------------------------------------------------------

SLIDE = "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }"
PATHS = re.compile(r'<path class="([^"]+)" d="([^"]+)"/>')
SHOWN = """() => { const g = document.querySelector("#picture .cv-f.cv-on");
  return g && [Number(g.dataset.frame), Array.from(g.querySelectorAll("path"))
    .map(p => [p.getAttribute("class"), p.getAttribute("d")])]; }"""


def shown_frame(page) -> tuple[int, list[list[str]]]:
    n, paths = page.evaluate(SHOWN)
    return n, paths


def python_frame(pic: ObliqueSvg, n: int) -> list[list[str]]:
    return [list(m) for m in PATHS.findall(pic.frame(n))]


@pytest.mark.parametrize("fragment", list(SPECS))
def test_the_picture_is_the_gallery_s_svg_frame_by_frame(opener, fragment):
    page = opener(fragment).page
    pic = ObliqueSvg(build_scene(SPECS[fragment]), "classic")
    svg = page.locator("#picture svg")
    assert svg.get_attribute("data-planes") == pic.planes_json()
    assert svg.get_attribute("viewBox") == f"0 0 {pic.size[0]} {pic.size[1]}"
    static = page.evaluate("""() => Array.from(document.querySelectorAll("#picture svg > path"))
        .map(p => [p.getAttribute("class"), p.getAttribute("d")])""")
    assert static == [list(m) for m in PATHS.findall(pic.static())]
    # reduced motion: it opens paused on the poster frame; step, slider, play. The static
    # part stays the same element throughout (frames are switched, not redrawn)
    page.evaluate("document.querySelector('#picture svg > path.cv-out').dataset.kept = 'yes'")
    n, paths = shown_frame(page)
    assert (n, paths) == (pic.frame_count // 2, python_frame(pic, n))
    for _ in range(3):
        page.click("#next")
        n = (n + 1) % pic.frame_count
        assert shown_frame(page) == (n, python_frame(pic, n))
    page.click("#prev")
    n = (n - 1) % pic.frame_count
    assert shown_frame(page) == (n, python_frame(pic, n))
    page.eval_on_selector("#frame", SLIDE, "0")
    assert shown_frame(page) == (0, python_frame(pic, 0))
    assert page.locator("#picture .cv-f.cv-on").count() == 1
    # each frame's group is made once and then shown by class
    page.click("#next")
    page.click("#prev")
    assert page.locator('#picture .cv-f[data-frame="0"]').count() == 1
    assert page.locator("#picture path.cv-out[data-kept=yes]").count() == 1
    first = ", ".join(map(str, pic.scene.frames[0].output_index))
    assert page.text_content("#frame-text") == f"frame 1 of {pic.frame_count}: output ({first})"


#: control changes from "#i=5&k=3&s=2&p=1" (field, value, the spec then): the static paths
#: lose the dashed grid, gain it back, the picture turns 1-D and 2-D again
REDRAWS = [("#p", "0", ConvSpec(5, 3, stride=2)),
           ("#t", True, ConvSpec(5, 3, stride=2, transposed=True)),
           ("#n", "1", ConvSpec((5,), 3, stride=2, transposed=True)),
           ("#i", "6", ConvSpec((6,), 3, stride=2, transposed=True)),
           ("#n", "2", ConvSpec(6, 3, stride=2, transposed=True)),
           ("#t", False, ConvSpec(6, 3, stride=2))]
PICTURE = """() => { const svg = document.querySelector("#picture svg");
  return {same: svg.kept === true, pictures: document.querySelectorAll("#picture svg").length,
    viewBox: svg.getAttribute("viewBox"), planes: svg.dataset.planes,
    cls: svg.getAttribute("class"),
    title: svg.querySelector("title").textContent, desc: svg.querySelector("desc").textContent,
    style: svg.querySelector("style").textContent,
    static: Array.from(svg.querySelectorAll(":scope > path"))
      .map(p => [p.getAttribute("class"), p.getAttribute("d")]),
    bg: svg.querySelector(":scope > path.cv-bg").kept === true,
    groups: svg.querySelectorAll(".cv-f").length,
    overlays: svg.querySelectorAll(".cv-hover").length};
}"""


def test_a_control_change_redraws_the_picture_in_place_as_the_gallery_draws_it(opener):
    page = opener("#i=5&k=3&s=2&p=1").page
    page.evaluate("""() => { const svg = document.querySelector("#picture svg");
        svg.kept = true; svg.querySelector("path.cv-bg").kept = true; }""")
    style = page.evaluate(PICTURE)["style"]
    for field, value, spec in REDRAWS:
        if isinstance(value, bool):
            page.set_checked(field, value)
        elif field == "#n":
            page.select_option(field, value)
        else:
            page.fill(field, value)
        pic = ObliqueSvg(build_scene(spec), "classic")
        shown = page.evaluate(PICTURE)
        assert shown["same"] and shown["bg"] and shown["pictures"] == 1, field  # elements reused
        assert shown["viewBox"] == f"0 0 {pic.size[0]} {pic.size[1]}"
        assert shown["planes"] == pic.planes_json() and shown["cls"] == "cv cv-hold"
        assert shown["static"] == [list(m) for m in PATHS.findall(pic.static())]
        assert shown["title"] == pic.caption and shown["style"] == style
        n = pic.frame_count // 2
        assert shown["desc"] == f"{pic.caption} (frame {n} of {pic.frame_count})"
        assert (shown["groups"], shown["overlays"]) == (1, 1)
        assert shown_frame(page) == (n, python_frame(pic, n))
        page.click("#next")  # frames made after a redraw are the new picture's
        assert shown_frame(page) == ((n + 1) % pic.frame_count,
                                     python_frame(pic, (n + 1) % pic.frame_count))


def test_a_fragment_navigated_to_wins_over_the_pending_write_of_the_last_change(opener):
    page = opener("#i=5&k=3").page
    url = page.url.split("#")[0]
    for _ in range(2):  # a change, its fragment still to be written, then a navigation
        page.fill("#s", "2")
        page.evaluate("""() => { location.hash = "#i=9&k=5"; // then hold until the write is due
            for (const start = performance.now(); performance.now() - start < 200;); }""")
        page.wait_for_timeout(250)  # (past the pending write)
        assert page.evaluate("location.hash") == "#i=9&k=5"
        assert page.input_value("#i") == "9" and page.input_value("#s") == "1"
        assert page.text_content("#output-size") == "5 × 5"
        page.goto(url + "#i=5&k=3")
        page.wait_for_function("document.getElementById('i').value === '5'", timeout=5000)


def test_play_advances_the_frames_and_pause_stops_them(opener):
    page = opener("#i=5&k=3", motion="no-preference").page
    assert page.get_attribute("#play", "aria-pressed") == "true"
    first = shown_frame(page)[0]
    page.wait_for_function(
        f"document.querySelector('#picture .cv-f.cv-on').dataset.frame != {first}", timeout=5000)
    page.click("#play")
    assert page.get_attribute("#play", "aria-pressed") == "false"
    stopped = shown_frame(page)[0]
    page.wait_for_timeout(1600)
    assert shown_frame(page)[0] == stopped


# -- pointing at cells ---------------------------------------------------------------------

#: picture px -> window px (scrolled into view first)
TO_CLIENT = """([x, y]) => { const svg = document.querySelector("#picture svg");
  const p = svg.createSVGPoint(); p.x = x; p.y = y;
  let q = p.matrixTransform(svg.getScreenCTM());
  if (q.y < 0 || q.y > innerHeight) {
    scrollBy(0, q.y - innerHeight / 2); q = p.matrixTransform(svg.getScreenCTM());
  }
  return [q.x, q.y]; }"""
LIT = """side => { const p = document.querySelector("#picture .cv-lit-" + side);
  return p ? p.dataset.cells.split(" ").filter(Boolean).sort() : []; }"""


def key(cell: Any) -> str:
    return ",".join(str(int(v)) for v in cell)


Centres = dict[str, tuple[float, float]]


def centres(spec: ConvSpec) -> tuple[Centres, Centres]:
    """The centre (px) of every output cell and every canvas cell, from Python's layout."""
    lay = _layout(build_scene(spec), get_theme("classic"), 1.0)
    outs, ins = {}, {}
    if spec.ndim == 1:
        for t, plane in enumerate(lay.outputs):
            outs[key([t])] = tuple(plane.point(0.5, 0.5))
        for c in range(spec.canvas_size[0]):
            ins[key([c])] = tuple(lay.inputs[0].point(c + 0.5, 0.5))
        return outs, ins
    plane, rows = lay.outputs[0], spec.output_size[0]
    for r in range(rows):
        for c in range(spec.output_size[1]):
            outs[key([r, c])] = tuple(plane.point(c + 0.5, rows - 1 - r + 0.5))
    plane, rows = lay.inputs[0], spec.canvas_size[0]
    for r in range(rows):
        for c in range(spec.canvas_size[1]):
            ins[key([r, c])] = tuple(plane.point(c + 0.5, rows - 1 - r + 0.5))
    return outs, ins


def point_at(page, xy: tuple[float, float]) -> None:
    x, y = page.evaluate(TO_CLIENT, list(xy))
    page.mouse.move(x, y)


@pytest.mark.parametrize("fragment", list(SPECS))
def test_pointing_at_an_output_cell_lights_its_window_and_shows_its_frame(opener, fragment):
    page = opener(fragment).page
    spec = SPECS[fragment]
    outs, _ = centres(spec)
    taps = spec.taps.reshape(*spec.output_size, -1, spec.ndim)
    for n, out in enumerate(outs):
        point_at(page, outs[out])
        index = tuple(int(v) for v in out.split(","))
        assert page.evaluate(LIT, "in") == sorted(key(c) for c in taps[index]), out
        assert page.evaluate(LIT, "out") == [out]
        assert shown_frame(page)[0] == n
    page.mouse.move(0, 0)  # away: the picture's own frame again, nothing lit
    assert page.evaluate(LIT, "in") == []
    assert shown_frame(page)[0] == spec.frame_count // 2


@pytest.mark.parametrize("fragment", list(SPECS))
def test_pointing_at_an_input_cell_lights_the_outputs_it_feeds(opener, fragment):
    page = opener(fragment).page
    spec = SPECS[fragment]
    _, ins = centres(spec)
    taps = spec.taps.reshape(spec.frame_count, -1, spec.ndim)
    outputs = [key(o) for o in np.ndindex(*spec.output_size)]
    for cell in ins:
        want = sorted(outputs[o] for o in range(len(outputs))
                      if cell in {key(c) for c in taps[o]})
        point_at(page, ins[cell])
        assert page.evaluate(LIT, "out") == want, cell
        assert page.evaluate(LIT, "in") == [cell]
        assert page.locator("#picture .cv-f.cv-on").count() == 0  # held, no frame


@pytest.mark.parametrize("fragment", list(SPECS))
def test_pointing_at_a_kernel_tap_lights_the_cells_it_meets(opener, fragment):
    page = opener(fragment).page
    spec = SPECS[fragment]
    scene = build_scene(spec)
    for w, tap in enumerate(np.ndindex(*spec.kernel_size)):
        # the window positions that use weight tap w (flipped for a transposed spec)
        want = sorted({key(f.taps[t]) for f in scene.frames
                       for t in np.flatnonzero(f.weight_index == w)})
        page.hover(f'#kernel [data-tap="{key(tap)}"]')
        assert page.evaluate(LIT, "in") == want, tap


def test_a_click_pins_and_escape_or_a_second_click_unpins(opener):
    page = opener("#i=5&k=3&s=2&p=1").page
    spec = SPECS["#i=5&k=3&s=2&p=1"]
    outs, ins = centres(spec)
    point_at(page, outs["0,1"])
    page.mouse.down()
    page.mouse.up()
    pinned = page.evaluate(LIT, "in")
    point_at(page, ins["6,6"])  # pinned: pointing elsewhere changes nothing
    assert page.evaluate(LIT, "in") == pinned
    assert shown_frame(page)[0] == 1
    page.keyboard.press("Escape")
    assert page.evaluate(LIT, "in") == ["6,6"]  # unpinned: what the pointer is at
    point_at(page, outs["1,1"])
    page.mouse.down()
    page.mouse.up()
    page.mouse.down()
    page.mouse.up()  # the same cell again: unpinned
    point_at(page, ins["0,0"])
    assert page.evaluate(LIT, "in") == ["0,0"]


# -- keyboard, widths, schemes -------------------------------------------------------------

FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return [e.id || e.dataset.tap && "tap " + e.dataset.tap || e.tagName.toLowerCase(),
          s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2]; }"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_only_use(opener, width, scheme):
    opened = opener("#i=4&k=3", width=width, scheme=scheme)
    page = opened.page
    spec = ConvSpec(4, 3)
    # nothing wider than the window; the picture in the scheme's colours
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    background = page.eval_on_selector("#picture .cv-bg", "p => getComputedStyle(p).fill")
    want = get_theme("dark" if scheme == "dark" else "classic").background
    assert background == "rgb({}, {}, {})".format(*(int(want[i:i + 2], 16) for i in (1, 3, 5)))
    reached: dict[str, bool] = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        name, visible = page.evaluate(FOCUSED)
        reached[name] = visible
        if name == "tap 2,2":
            break
    for control in [*CONTROLS, "svg", *(f"tap {r},{c}" for r in range(3) for c in range(3))]:
        assert control in reached, (control, sorted(reached))
        assert reached[control], f"{control}: no visible focus"
    # the picture from the keyboard: it starts on the first output cell, arrows move
    page.focus("#picture svg")
    taps = spec.taps
    assert page.evaluate(LIT, "out") == ["0,0"]
    assert page.evaluate(LIT, "in") == sorted(key(c) for c in taps[0, 0].reshape(-1, 2))
    page.keyboard.press("ArrowRight")
    assert page.evaluate(LIT, "out") == ["0,1"]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(LIT, "out") == ["1,1"]
    assert page.evaluate(LIT, "in") == sorted(key(c) for c in taps[1, 1].reshape(-1, 2))
    page.keyboard.press("ArrowDown")  # the last row: stays
    assert page.evaluate(LIT, "out") == ["1,1"]
    page.keyboard.press("Enter")  # pinned
    page.keyboard.press("i")  # the cursor goes to the input side, the pin stays
    assert page.evaluate(LIT, "out") == ["1,1"]
    page.keyboard.press("Escape")
    assert page.evaluate(LIT, "in") == ["0,0"]
    assert sorted(page.evaluate(LIT, "out")) == ["0,0"]
    # the kernel taps are buttons: focus lights the cells the tap meets
    page.focus('#kernel [data-tap="0,0"]')
    assert page.evaluate(LIT, "in") == sorted({key(taps[o][0, 0]) for o in [(0, 0), (0, 1),
                                                                           (1, 0), (1, 1)]})


def test_a_multi_channel_spec_names_each_frame_s_output_channel(opener):
    page = opener("#g=2&ci=4&co=4").page
    scene = build_scene(ConvSpec(5, 3, groups=2, in_channels=4, out_channels=4))
    assert page.evaluate("document.querySelector('#frame').max") == str(scene.frame_count - 1)
    for n in (0, 9, 20, scene.frame_count - 1):
        page.eval_on_selector("#frame", SLIDE, str(n))
        f = scene.frames[n]
        assert page.text_content("#frame-text") == (
            f"frame {n + 1} of {scene.frame_count}: output ({', '.join(map(str, f.output_index))})"
            f" of output channel {f.out_channel}")
