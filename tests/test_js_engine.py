"""The browser's engine (templates/convviz.js and convviz-code.js) equals the Python
engine, in Chromium (the playground page built on it: tests/test_playground.py).

Every preset and thousands of generated specs (1-D, 2-D and some 3-D; every padding
form; transposed with output_padding and dilation; groups and channels; a third of them
refused) go through ``convviz.geometry``, ``convviz.code``, ``convviz.disagreements`` and
``convviz.formula`` in the page, and through :class:`convviz.ConvSpec` and
:func:`convviz.info` here. Every index map, size, code line, formula and sentence must be
equal, and the JavaScript must refuse exactly the specs Python refuses, with the same
message (which names the parameter).
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from conftest import page_with_scripts

from convviz import ConvSpec, SpecError, info
from convviz.core.arithmetic import formula_lines
from convviz.core.info import spec_dict
from convviz.presets import PRESETS
from convviz.site.assets import shipped

pytestmark = [pytest.mark.browser]

#: the browser engine: the geometry, then the framework code and formula (in this order)
SCRIPTS = ("convviz.js", "convviz-code.js")
GENERATED = 6000
BATCH = 1500

#: runs in the page: every spec through the module, an error as {error, name}; the
#: answer travels as one JSON string (far faster than Playwright's value transfer)
RUN = """specs => JSON.stringify(specs.map(spec => {
  // window(o) of every output cell must list the cells of taps[o] and input_taps[o]
  const windowsAgree = g => {
    const n = g.ndim, flat = (a, depth) => depth ? a.flatMap(x => flat(x, depth - 1)) : [a];
    const cells = flat(g.taps, 2 * n), inputs = flat(g.input_taps, 2 * n);
    const k = g.kernel_size.reduce((a, b) => a * b, 1);
    return cells.every((_, o) => {
      if (o % k) return true;
      const index = [];
      for (let a = n - 1, rest = o / k; a >= 0; a--) {
        index.unshift(rest % g.output_size[a]); rest = Math.floor(rest / g.output_size[a]);
      }
      const [canvas, input] = g.window(index);
      return JSON.stringify(canvas) === JSON.stringify(cells.slice(o, o + k))
        && JSON.stringify(input) === JSON.stringify(inputs.slice(o, o + k));
    });
  };
  try {
    const g = convviz.geometry(spec);
    const c = convviz.code(spec);
    return {output_size: g.output_size, canvas_size: g.canvas_size,
            padding_before: g.padding_before, padding_after: g.padding_after,
            applied_output_padding: g.applied_output_padding, channels: g.channels,
            describe: g.describe, taps: g.taps, input_taps: g.input_taps,
            canvas_kind: g.canvas_kind, pytorch: c.pytorch, keras: c.keras,
            disagreements: convviz.disagreements(spec), windows_agree: windowsAgree(g),
            formula: convviz.formula(spec)};
  } catch (e) {
    return {error: e.message, name: e.name, is_spec_error: e instanceof convviz.SpecError};
  }
}))"""


def source(name: str) -> str:
    """The script as the gallery ships it (compacted), so what is tested is what ships."""
    return shipped(name).decode("utf-8")


def python_side(raw: dict[str, Any]) -> dict[str, Any]:
    """What the JavaScript must return for ``raw``, from the Python engine."""
    try:
        spec = ConvSpec(**raw)
    except SpecError as exc:
        return {"error": str(exc), "name": "SpecError", "is_spec_error": True}
    explained = info(spec)
    return {
        "output_size": list(spec.output_size),
        "canvas_size": list(spec.canvas_size),
        "padding_before": list(spec.padding_before),
        "padding_after": list(spec.padding_after),
        "applied_output_padding": list(spec.applied_output_padding),
        "channels": list(spec.channels),
        "describe": spec.describe(),
        "taps": spec.taps.tolist(),
        "input_taps": spec.input_taps.tolist(),
        "canvas_kind": spec.canvas_kind.tolist(),
        "pytorch": explained["pytorch"]["code"],
        "keras": explained["keras"]["code"],
        "disagreements": explained["disagreements"],
        "windows_agree": True,
        "formula": {"formula": explained["formula"], "padding_rule": explained["padding_rule"],
                    "lines": list(formula_lines(spec))},
    }


# -- generated specs ---------------------------------------------------------------------

def _per_axis(rng: random.Random, values: list[int]) -> Any:
    """An int when the axes agree and the coin says so, else a list."""
    if len(set(values)) == 1 and rng.random() < 0.5:
        return values[0]
    return list(values)


def _padding(rng: random.Random, ndim: int, transposed: bool, k_hat: list[int]) -> Any:
    form = rng.randrange(6)
    top = max(k_hat)
    if form == 0:
        return rng.randrange(top + 1)
    if form == 1:
        return [rng.randrange(top + 1) for _ in range(ndim)]
    if form == 2:
        return [[rng.randrange(top + 1), rng.randrange(top + 1)] for _ in range(ndim)]
    if form == 3:  # mixed: ints and pairs
        return [rng.randrange(top + 1) if rng.random() < 0.5
                else [rng.randrange(top + 1), rng.randrange(top + 1)] for _ in range(ndim)]
    names = ["valid", "same"] if transposed else ["valid", "same", "full", "causal"]
    name = rng.choice(names)
    return name.upper() if rng.random() < 0.1 else name


def valid_looking(rng: random.Random) -> dict[str, Any]:
    """A spec built from sensible parts (the kernel may still be too wide)."""
    ndim = rng.choice([1, 1, 2, 2, 2, 3]) if rng.random() < 0.95 else 3
    small = ndim == 3
    i = [rng.randint(1, 4 if small else 9) for _ in range(ndim)]
    k = [rng.randint(1, 2 if small else 4) for _ in range(ndim)]
    s = [rng.randint(1, 3) for _ in range(ndim)]
    d = [rng.randint(1, 3) if rng.random() < 0.4 else 1 for _ in range(ndim)]
    transposed = rng.random() < 0.4
    k_hat = [dd * (kk - 1) + 1 for dd, kk in zip(d, k)]
    raw: dict[str, Any] = {
        "input_size": i[0] if ndim == 2 and len(set(i)) == 1 and rng.random() < 0.5 else i,
        "kernel_size": _per_axis(rng, k),
        "stride": _per_axis(rng, s),
        "dilation": _per_axis(rng, d),
        "padding": _padding(rng, ndim, transposed, k_hat),
    }
    if transposed:
        raw["transposed"] = True
        if rng.random() < 0.6 and raw["padding"] not in ("same", "SAME"):
            raw["output_padding"] = _per_axis(
                rng, [rng.randrange(max(ss, dd)) for ss, dd in zip(s, d)])
    elif rng.random() < 0.1:
        raw["transposed"] = False
    if rng.random() < 0.3:
        groups = rng.randint(1, 4)
        raw["groups"] = groups
        if rng.random() < 0.7:
            raw["in_channels"] = groups * rng.randint(1, 3)
        if rng.random() < 0.7:
            raw["out_channels"] = groups * rng.randint(1, 3)
    return raw


BAD_VALUES: dict[str, list[Any]] = {
    "input_size": [0, -3, [], [4, 4, 4, 4], [3, 0], [2.5], True, "7", None, [[3]], [3, True]],
    "kernel_size": [0, -1, [3, 3, 3, 3, 3], [0], 1.5, False, "3", None, [3, None]],
    "stride": [0, -2, [1, 2, 3, 4], [0, 0, 0], 1.5, True, "2", None, [2, 1.5, 1], [[1]]],
    "dilation": [0, -1, [0], [1, 2, 3, 4], 2.5, False, "1", None, [True]],
    "padding": [-1, [-1, 0, 0], [[0, -1]] * 3, [[1, 2, 3]], [1] * 4, "bogus", "causal",
                "full", "Same ", True, None, 1.5, [[1, 2], [1]], [None], [], ["same"]],
    "output_padding": [-1, 1, 2, 5, [0, 0, 0, 0], 1.5, True, "1", [[0]], None],
    "transposed": [1, 0, "yes", None, [True]],
    "groups": [0, -1, 1.5, True, "2", None, 3],
    "in_channels": [0, -2, 1.5, True, "4", 5, 7],
    "out_channels": [0, -1, 2.5, False, "4", 5, 7],
}


def broken(rng: random.Random) -> dict[str, Any]:
    """A sensible spec with one parameter replaced by a value the engine should refuse."""
    raw = valid_looking(rng)
    name = rng.choice(sorted(BAD_VALUES))
    value = rng.choice(BAD_VALUES[name])
    if name == "transposed" and value is None:
        value = "no"
    if value is None and name in ("input_size", "kernel_size"):
        value = "none"
    raw[name] = value
    if name in ("in_channels", "out_channels") and isinstance(value, int) and value > 1:
        raw["groups"] = 2 if value % 2 else 3
    return raw


def generated_specs(count: int, seed: int = 13) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [broken(rng) if rng.random() < 0.25 else valid_looking(rng) for _ in range(count)]


# -- the browser ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(chromium):
    """A blank page with the module loaded."""
    with page_with_scripts(chromium, "convviz.js", map(source, SCRIPTS)) as page:
        assert page.evaluate("typeof window.convviz.code") == "function"
        yield page


def run(page, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(specs), BATCH):
        out.extend(json.loads(page.evaluate(RUN, specs[start:start + BATCH])))
    return out


def mismatches(specs, got) -> list[str]:
    bad = []
    for raw, js in zip(specs, got):
        want = python_side(raw)
        if js != want:
            keys = sorted(k for k in set(js) | set(want) if js.get(k) != want.get(k))
            detail = {k: (js.get(k), want.get(k)) for k in keys[:3]}
            bad.append(f"{raw!r}: js vs python differ in {keys}: {detail!r}"[:600])
    return bad


def test_every_preset_matches_the_python_engine(page):
    specs = [spec_dict(preset.spec) for preset in PRESETS.values()]
    assert len(specs) >= 15
    bad = mismatches(specs, run(page, specs))
    assert not bad, "\n".join(bad[:10])


def test_generated_specs_match_the_python_engine(page):
    specs = generated_specs(GENERATED)
    got = run(page, specs)
    assert len(got) == len(specs)
    refused = sum("error" in js for js in got)
    # the mix the test promises: thousands of specs, about a third refused
    assert len(specs) >= 5000 and 0.25 <= refused / len(specs) <= 0.45, refused
    ndims = {len(g["output_size"]) for g in got if "error" not in g}
    assert ndims == {1, 2, 3}
    bad = mismatches(specs, got)
    assert not bad, f"{len(bad)} of {len(specs)} differ:\n" + "\n".join(bad[:10])
    errors = [g for g in got if "error" in g]
    assert all(g["is_spec_error"] and g["name"] == "SpecError" for g in errors)


def test_a_refused_spec_names_the_parameter_and_value(page):
    message = page.evaluate("""() => { try { convviz.geometry({input_size: [5, 5],
        kernel_size: 3, stride: [1, 0]}); } catch (e) { return e.message; } }""")
    assert message == "stride must be >= 1 on every axis, got [1, 0]"
    message = page.evaluate("""() => { try { convviz.code({input_size: 4, kernel_size: 3,
        padding: "causal", transposed: true}); } catch (e) { return e.message; } }""")
    assert message.startswith("padding 'causal' is not a padding name for a transposed")
    kind = page.evaluate("() => { try { convviz.geometry(null); } catch (e) { return e.name; } }")
    assert kind == "TypeError"


def test_the_scripts_are_plain_scripts_without_network_or_globals_beyond_convviz(page):
    for name in SCRIPTS:
        text = source(name)
        assert not re.search(r"^\s*(import|export)\b", text, re.MULTILINE), name
        assert not re.search(r"https?:|fetch\(|XMLHttpRequest|WebSocket", text), name
    names = page.evaluate("Object.keys(window.convviz).sort()")
    assert {"geometry", "code", "disagreements", "SpecError"} <= set(names)
