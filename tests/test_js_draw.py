"""The browser's picture geometry (templates/convviz-draw.js) equals Python's, in Chromium.

For every preset and a few hundred generated 1-, 2- and 3-D specs, the page's
``convviz.scene`` (every frame's output cell, taps, kernel taps, extent, channels),
``convviz.layout`` (picture size, every plane's origin and basis vectors) and
``convviz.frameGeometry`` (every frame's shadow polygons, extent grid, clipped
projection lines and output cell) are compared with :func:`convviz.look.scene.build_scene`
and the oblique renderer's classic layout and :func:`~convviz.draw.oblique_frame.frame_geometry`
here: the same structure, every number the same double (so within 1e-9 px).
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import numpy as np
import pytest
from conftest import page_with_scripts
from test_js_engine import valid_looking

from convviz import ConvSpec, SpecError
from convviz.core.info import spec_dict
from convviz.draw.oblique_clip import inward_edges
from convviz.draw.oblique_frame import frame_geometry
from convviz.draw.oblique_layout import _layout
from convviz.look.scene import build_scene
from convviz.look.themes import check_scale, get_theme
from convviz.presets import PRESETS
from convviz.site.assets import shipped

pytestmark = [pytest.mark.browser]

SCRIPTS = ("convviz.js", "convviz-draw.js")
TOLERANCE = 1e-9
#: and not only close: every number is the same double (the SVG text is printed from them)
EXACT = True
GENERATED = 300
#: generated specs stay small enough to compare every frame (frames × taps)
MOST_TAP_CELLS = 3000

#: runs in the page: the scene, layout and every frame's geometry of each [spec, scale]
RUN = """cases => JSON.stringify(cases.map(([spec, scale]) => {
  try {
    const sc = convviz.scene(spec), lay = convviz.layout(sc, {scale});
    const plane = p => ({rows: p.rows, cols: p.cols, origin: p.origin, ex: p.ex, ey: p.ey});
    return {
      frames: sc.frames.map(f => ({output_index: f.output_index, taps: f.taps,
        weight_index: f.weight_index, extent: f.extent, bias_only: f.bias_only,
        out_channel: f.out_channel, reads: f.reads})),
      layout: {width: lay.width, height: lay.height, flat: lay.flat,
               inputs: lay.inputs.map(plane), outputs: lay.outputs.map(plane), hiders: lay.hiders},
      geometry: sc.frames.map((_, n) => convviz.frameGeometry(sc, lay, n)),
    };
  } catch (e) {
    return {error: e.message, name: e.name};
  }
}))"""


def source(name: str) -> str:
    """The script as the gallery ships it (compacted), so what is tested is what ships."""
    return shipped(name).decode("utf-8")


def _points(values: Any) -> Any:
    """NumPy arrays and tuples as nested lists of floats."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, (list, tuple)):
        return [_points(v) for v in values]
    return values


def python_side(raw: dict[str, Any], scale: float) -> dict[str, Any]:
    """What the page must return for ``raw`` at ``scale``, from the Python renderer."""
    try:
        scene = build_scene(ConvSpec(**raw))
        lay = _layout(scene, get_theme("classic"), check_scale(scale))
    except SpecError as exc:
        return {"error": str(exc), "name": "SpecError"}
    hiders = [inward_edges(p.outline_extent()) for p in lay.outputs]

    def plane(p: Any) -> dict[str, Any]:
        return {"rows": p.rows, "cols": p.cols, "origin": list(p.origin), "ex": list(p.ex),
                "ey": list(p.ey)}

    geometry = []
    for n in range(scene.frame_count):
        shadow, segs, lines, cell = frame_geometry(scene, lay, hiders, n)
        geometry.append({"shadow": _points(shadow), "segs": _points(segs),
                         "lines": _points(lines), "cell": _points(cell)})
    return {
        "frames": [{"output_index": list(f.output_index), "taps": f.taps.tolist(),
                    "weight_index": f.weight_index.tolist(), "extent": _points(f.extent),
                    "bias_only": f.bias_only, "out_channel": f.out_channel,
                    "reads": list(f.reads)} for f in scene.frames],
        "layout": {"width": lay.width, "height": lay.height, "flat": lay.flat,
                   "inputs": [plane(p) for p in lay.inputs],
                   "outputs": [plane(p) for p in lay.outputs], "hiders": _points(hiders)},
        "geometry": geometry,
    }


def difference(js: Any, py: Any, path: str = "") -> str | None:
    """Where ``js`` and ``py`` differ (structure, or a number by more than TOLERANCE)."""
    if isinstance(py, dict):
        if not isinstance(js, dict) or set(js) != set(py):
            return f"{path}: keys {sorted(js) if isinstance(js, dict) else js!r} vs {sorted(py)}"
        for key in py:
            found = difference(js[key], py[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(py, list):
        if not isinstance(js, list) or len(js) != len(py):
            return f"{path}: {str(js)[:200]} vs {str(py)[:200]}"
        for at, (a, b) in enumerate(zip(js, py)):
            found = difference(a, b, f"{path}[{at}]")
            if found:
                return found
        return None
    if isinstance(py, (bool, str)) or py is None:
        return None if js == py else f"{path}: {js!r} vs {py!r}"
    if isinstance(js, bool) or not isinstance(js, (int, float)):
        return f"{path}: {js!r} vs {py!r}"
    close = math.isclose(js, py, rel_tol=0, abs_tol=TOLERANCE)
    return None if close and (not EXACT or js == py) else f"{path}: {js!r} vs {py!r}"


def generated_specs(count: int, seed: int = 31) -> list[dict[str, Any]]:
    """``count`` specs the renderer draws: 1-, 2- and 3-D, small enough to compare every frame."""
    rng = random.Random(seed)
    specs: list[dict[str, Any]] = []
    ndims: dict[int, int] = {}
    while len(specs) < count:
        raw = valid_looking(rng)
        try:
            scene = build_scene(ConvSpec(**raw))
        except SpecError:
            continue
        if scene.frame_count * len(scene.frames[0].taps) > MOST_TAP_CELLS:
            continue
        ndim = scene.ndim
        if ndim == 3 and ndims.get(3, 0) > count // 4:
            continue
        ndims[ndim] = ndims.get(ndim, 0) + 1
        specs.append(raw)
    return specs


@pytest.fixture(scope="module")
def page(chromium):
    """A blank page with the scripts loaded."""
    with page_with_scripts(chromium, "convviz-draw.js", map(source, SCRIPTS)) as page:
        yield page


def compare(page, cases: list[tuple[dict[str, Any], float]]) -> list[str]:
    got: list[Any] = []
    for start in range(0, len(cases), 50):
        got.extend(json.loads(page.evaluate(RUN, [list(c) for c in cases[start:start + 50]])))
    assert len(got) == len(cases)
    bad = []
    for (raw, scale), js in zip(cases, got):
        found = difference(js, python_side(raw, scale))
        if found:
            bad.append(f"{raw!r} at scale {scale}: {found}"[:700])
    return bad


def test_every_preset_is_laid_out_and_drawn_as_in_python(page):
    cases = [(spec_dict(preset.spec), 1.0) for preset in PRESETS.values()]
    bad = compare(page, cases)
    assert not bad, "\n".join(bad[:10])


def test_generated_specs_are_laid_out_and_drawn_as_in_python(page):
    specs = generated_specs(GENERATED)
    ndims = {len(spec_dict(ConvSpec(**raw))["input_size"]) for raw in specs}
    assert ndims == {1, 2, 3}
    rng = random.Random(7)
    # most at scale 1 (the playground's), some at other scales (whole-pixel rounding)
    cases = [(raw, 1.0 if rng.random() < 0.7 else rng.choice([0.5, 0.75, 1.3, 2.0, 3.7]))
             for raw in specs]
    bad = compare(page, cases)
    assert not bad, f"{len(bad)} of {len(cases)} differ:\n" + "\n".join(bad[:10])


def test_a_spec_too_big_to_draw_is_refused_with_python_s_message(page):
    cases = [
        ({"input_size": 70, "kernel_size": 3}, 1.0),  # canvas over 64 cells a side
        ({"input_size": [4096 * 2], "kernel_size": 1}, 1.0),  # too many frames
        ({"input_size": 64, "kernel_size": 1}, 8.0),  # the picture is too many pixels
        ({"input_size": 5, "kernel_size": 3}, 0.05),  # scale out of range
    ]
    got = json.loads(page.evaluate(RUN, [list(c) for c in cases]))
    for (raw, scale), js in zip(cases, got):
        want = python_side(raw, scale)
        assert "error" in want, raw
        assert js == want, raw


def test_python_round_halves_to_even(page):
    values = [0.5, 1.5, 2.5, 3.5, 2.4999999, 2.5000001, 1234.5, 1235.5, 7.0]
    got = page.evaluate("values => values.map(convviz.draw.pyRound)", values)
    assert got == [round(v) for v in values]


# -- the SVG text (templates/convviz-svg.js vs convviz/draw/oblique_svg.py) ---------------

SVG_SCRIPTS = (*SCRIPTS, "convviz-svg.js")

#: runs in the page: the whole document and its pieces for each [spec, options]
SVG_RUN = """cases => JSON.stringify(cases.map(([spec, opts]) => {
  try {
    const pic = convviz.obliqueSvg(spec, opts);
    return {document: convviz.pictureSvg(spec, opts), static: pic.static(),
            frame0: pic.frame(0), planes: pic.planesJson()};
  } catch (e) {
    return {error: e.message, name: e.name};
  }
}))"""


def python_svg(raw: dict[str, Any], opts: dict[str, Any]) -> dict[str, Any]:
    from convviz.draw.oblique_svg import ObliqueSvg, picture_svg

    try:
        scene = build_scene(ConvSpec(**raw))
        kwargs = {k: v for k, v in opts.items() if k != "scale"}
        pic = ObliqueSvg(scene, "classic", opts.get("scale", 1.0))
        return {"document": picture_svg(scene, "classic", scale=opts.get("scale", 1.0), **kwargs),
                "static": pic.static(), "frame0": pic.frame(0), "planes": pic.planes_json()}
    except SpecError as exc:
        return {"error": str(exc), "name": "SpecError"}


@pytest.fixture(scope="module")
def svg_page(page):
    page.add_script_tag(content=source("convviz-svg.js"))
    return page


def svg_mismatches(page, cases: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    got: list[Any] = []
    for start in range(0, len(cases), 50):
        got.extend(json.loads(page.evaluate(SVG_RUN, [list(c) for c in cases[start:start + 50]])))
    bad = []
    for (raw, opts), js in zip(cases, got):
        want = python_svg(raw, opts)
        for key in want:
            if js.get(key) != want[key]:
                a, b = str(js.get(key)), want[key]
                at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                bad.append(f"{raw!r} {opts!r}: {key} differs at {at}: "
                           f"{a[max(0, at - 80):at + 80]!r} vs {b[max(0, at - 80):at + 80]!r}")
                break
    return bad


def test_every_preset_s_svg_is_python_s_byte_for_byte(svg_page):
    cases = [(spec_dict(p.spec), {}) for p in PRESETS.values()]
    cases += [(spec_dict(p.spec), {"dark": "dark", "frame": 1, "scale": 0.75})
              for p in PRESETS.values()]
    # one frame (held, not animated); halves of a millisecond round up, as Math.round
    cases += [({"input_size": 3, "kernel_size": 3}, {}),
              ({"input_size": [4], "kernel_size": 4}, {"duration_ms": 2.5}),
              ({"input_size": 4, "kernel_size": 3}, {"duration_ms": 2.5}),
              ({"input_size": 4, "kernel_size": 3}, {"duration_ms": 0.5})]
    bad = svg_mismatches(svg_page, cases)
    assert not bad, "\n".join(bad[:5])


def test_generated_specs_svg_is_python_s_byte_for_byte(svg_page):
    rng = random.Random(11)
    cases = []
    for raw in generated_specs(GENERATED, seed=5):
        opts: dict[str, Any] = {}
        if rng.random() < 0.3:
            opts["scale"] = rng.choice([0.5, 0.75, 1.3, 2.0, 3.7])
        if rng.random() < 0.3:
            opts["duration_ms"] = rng.choice([1, 40, 333.5, 500, 1000, 2500])
        if rng.random() < 0.3:
            opts["dark"] = "dark"
        if rng.random() < 0.2:
            opts["frame"] = 0
        if rng.random() < 0.1:
            opts["style"] = False
        cases.append((raw, opts))
    bad = svg_mismatches(svg_page, cases)
    assert not bad, f"{len(bad)} of {len(cases)} differ:\n" + "\n".join(bad[:5])


def test_the_script_s_theme_values_are_python_s(svg_page):
    """The colours and widths the browser writes into its CSS are the themes' own."""
    import dataclasses

    got = svg_page.evaluate("convviz.SVG_THEMES")
    for name, values in got.items():
        theme = dataclasses.asdict(get_theme(name))
        want = {k: list(theme[k]) if isinstance(theme[k], tuple) else theme[k] for k in values}
        assert values == want, name


# -- convviz.attachHover on a picture Python wrote (as the gallery inlines them) ------------

HOVER_SPECS = [
    ConvSpec(5, 3, stride=2, padding=1),
    ConvSpec((3, 4), 3, stride=2, padding=1, transposed=True, output_padding=1),
    ConvSpec((7,), 3, dilation=2, padding="causal"),
    ConvSpec((3, 4, 4), 2, stride=(1, 2, 2), padding=(1, 0, 1)),
]
LIT = """side => { const p = document.querySelector(".cv-lit-" + side);
  return p ? p.dataset.cells.split(" ").filter(Boolean).sort() : []; }"""
TO_CLIENT = """([x, y]) => { const svg = document.querySelector("svg.cv");
  const p = svg.createSVGPoint(); p.x = x; p.y = y;
  const q = p.matrixTransform(svg.getScreenCTM()); return [q.x, q.y]; }"""
SHOWN = """() => { const svg = document.querySelector("svg.cv");
  const on = svg.querySelectorAll(".cv-f.cv-on");
  return [svg.classList.contains("cv-hold"), Array.from(on).map(g => Number(g.dataset.frame))]; }"""


def cell_key(cell: Any) -> str:
    return ",".join(str(int(v)) for v in cell)


def hover_targets(spec: ConvSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    """The centre (px) of every output cell and every canvas cell, from Python's layout."""
    lay = _layout(build_scene(spec), get_theme("classic"), 1.0)
    outs: dict[str, Any] = {}
    ins: dict[str, Any] = {}
    for index in np.ndindex(*spec.output_size):
        if spec.ndim == 1:
            outs[cell_key(index)] = lay.outputs[index[0]].point(0.5, 0.5)
        else:
            plane = lay.outputs[index[0]] if spec.ndim == 3 else lay.outputs[0]
            r, c = index[-2:]
            outs[cell_key(index)] = plane.point(c + 0.5, plane.rows - 1 - r + 0.5)
    for index in np.ndindex(*spec.canvas_size):
        if spec.ndim == 1:
            ins[cell_key(index)] = lay.inputs[0].point(index[0] + 0.5, 0.5)
        else:
            plane = lay.inputs[index[0]] if spec.ndim == 3 else lay.inputs[0]
            r, c = index[-2:]
            ins[cell_key(index)] = plane.point(c + 0.5, plane.rows - 1 - r + 0.5)
    return outs, ins


@pytest.fixture()
def hover_page(chromium):
    """The test page with convviz-hover.js and nothing else."""
    fresh = chromium.new_page(viewport={"width": 1400, "height": 1400})
    errors: list[str] = []
    fresh.on("pageerror", lambda e: errors.append(str(e)))
    yield fresh
    assert not errors, errors
    fresh.close()


@pytest.mark.parametrize("spec", HOVER_SPECS, ids=lambda s: s.describe())
def test_attach_hover_on_python_s_picture(hover_page, spec):
    from convviz.draw.oblique_svg import picture_svg

    page = hover_page
    scene = build_scene(spec)
    page.set_content("<!doctype html><meta charset='utf-8'><title>hover</title><div>"
                     + picture_svg(scene, "classic", dark="dark") + "</div>")
    page.add_script_tag(content=source("convviz-hover.js"))
    assert page.evaluate("typeof convviz.geometry") == "undefined"  # the hover needs nothing else
    page.evaluate("flipped => { window.hover = convviz.attachHover("
                  "document.querySelector('svg.cv'), {flipped}); }", spec.transposed)
    outs, ins = hover_targets(spec)
    taps = spec.taps.reshape(spec.frame_count, -1, spec.ndim)
    names = [cell_key(o) for o in np.ndindex(*spec.output_size)]

    def point(xy: Any) -> None:
        x, y = page.evaluate(TO_CLIENT, [float(xy[0]), float(xy[1])])
        page.mouse.move(x, y)

    for n, name in enumerate(names):
        point(outs[name])
        assert page.evaluate(LIT, "in") == sorted(cell_key(c) for c in taps[n]), name
        assert page.evaluate(LIT, "out") == [name]
        assert page.evaluate(SHOWN) == [True, [n]]  # held on that output cell's frame
    for cell, xy in ins.items():
        point(xy)
        want = sorted(names[o] for o in range(len(names)) if cell in
                      {cell_key(c) for c in taps[o]})
        assert page.evaluate(LIT, "out") == want, cell
    page.mouse.move(1, 1)
    assert page.evaluate(SHOWN) == [False, []]  # the animation's own state again
    for w, tap in enumerate(np.ndindex(*spec.kernel_size)):
        want = sorted({cell_key(f.taps[t]) for f in scene.frames
                       for t in np.flatnonzero(f.weight_index == w)})
        page.hover(f'.cv-kernel [data-tap="{cell_key(tap)}"]')
        assert page.evaluate(LIT, "in") == want, tap
    # the keyboard: focus starts on the first output cell; PageDown is the next depth (3-D)
    page.focus("svg.cv")
    assert page.evaluate(LIT, "out") == [names[0]]
    if spec.ndim == 3:
        page.keyboard.press("PageDown")
        assert page.evaluate(LIT, "out") == [cell_key((1, 0, 0))]
    page.keyboard.press("Enter")
    pinned = page.evaluate(LIT, "in")
    point(ins[cell_key((0,) * spec.ndim)])
    assert page.evaluate(LIT, "in") == pinned
    page.keyboard.press("Escape")
    assert page.evaluate(LIT, "in") == [cell_key((0,) * spec.ndim)]
