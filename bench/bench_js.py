"""Benchmark: the browser engine (templates/convviz.js, convviz-code.js) in headless Chromium.

Run: python bench/bench_js.py   (needs Playwright and /usr/bin/chromium);
     python bench/bench_js.py playground   (the sizes and the playground only)

Prints the scripts' sizes as the gallery ships them (compacted: convviz/site/assets.py; raw
and gzip, next to their sources) and the playground's (page and scripts; target ≤ 100 KB
besides fonts) and, for the largest specs the renderer accepts (canvas ≤ 64 cells
a side, ≤ 4,096 frames), median times in the page of ``convviz.geometry(spec)``
(sizes and per-axis tables), of geometry plus one output cell's ``window`` (what a
hover redraw reads; target: with the redraw within one 16 ms frame), of geometry
plus ``code``, and of geometry plus the three full index maps (taps, input_taps,
canvas_kind as nested arrays), the last next to the Python engine building the same
maps as nested lists in this process, and their ratio.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convviz import ConvSpec
from convviz.core.info import spec_dict
from convviz.look.scene import MAX_CANVAS_CELLS, MAX_FRAMES
from convviz.site.assets import shipped

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SCRIPTS = ("convviz.js", "convviz-code.js", "convviz-draw.js", "convviz-svg.js", "convviz-hover.js")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

#: label -> spec; each within the renderer's limits (checked below)
CASES = {
    "i=64 k=3 (typical, largest input)": ConvSpec(64, 3),
    "i=64 k=33 (most taps)": ConvSpec(64, 33),
    "i=31 k=3 s=2 p=1 transposed": ConvSpec(31, 3, stride=2, padding=1, transposed=True),
    "i=(64,) k=33 1-D": ConvSpec((64,), 33),
}

#: runs in the page: median milliseconds of `repeats` calls of geometry (sizes and per-axis
#: tables), geometry + one window (what a hover redraw reads), geometry + code, and
#: geometry + the three full index maps
TIME = """([spec, repeats]) => {
  const median = (f, times = []) => {
    for (let r = 0; r < repeats; r++) {
      const start = performance.now(); f(); times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  };
  const middle = g => g.output_size.map(o => Math.floor(o / 2));
  for (let w = 0; w < 3; w++) { const g = convviz.geometry(spec); g.taps; g.input_taps; }
  return [median(() => convviz.geometry(spec)),
          median(() => { const g = convviz.geometry(spec); g.window(middle(g)); }),
          median(() => { convviz.geometry(spec); convviz.code(spec); }),
          median(() => { const g = convviz.geometry(spec); g.taps; g.input_taps; g.canvas_kind; })];
}"""


def python_ms(spec: ConvSpec, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fresh = ConvSpec(**spec_dict(spec))  # maps are cached per spec: build a new one
        fresh.taps.tolist(), fresh.input_taps.tolist(), fresh.canvas_kind.tolist()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    from playwright.sync_api import sync_playwright

    sources = [shipped(name).decode("utf-8") for name in SCRIPTS]  # what the gallery ships
    for name, text in zip(SCRIPTS, sources):
        data = text.encode("utf-8")
        packed = len(gzip.compress(data, 9))
        written = (TEMPLATES / name).stat().st_size
        print(f"{name:<16} {len(data) / 1024:5.1f} KB raw, {packed / 1024:4.1f} KB gzip "
              f"(source {written / 1024:5.1f} KB)")
    page = shipped("playground.html")
    page_bytes = len(page) + sum(len(t.encode()) for t in sources)
    packed = len(gzip.compress(page, 9)) + sum(len(gzip.compress(t.encode(), 9)) for t in sources)
    print(f"playground.html with its {len(SCRIPTS)} scripts, shipped: {page_bytes / 1024:.1f} KB "
          f"raw, {packed / 1024:.1f} KB gzip (target ≤ 100 KB)")
    for label, spec in CASES.items():
        assert max(spec.canvas_size) <= MAX_CANVAS_CELLS, label
        assert spec.frame_count <= MAX_FRAMES, label
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        if sys.argv[1:] == ["playground"]:
            playground(browser, sources)
            browser.close()
            return
        page.set_content("<!doctype html><meta charset='utf-8'><title>bench</title>")
        for text in sources:
            page.add_script_tag(content=text)
        for label, spec in CASES.items():
            entries = spec.taps.size
            repeats = 15 if entries > 200_000 else 60
            geometry, window, code, maps = page.evaluate(TIME, [spec_dict(spec), repeats])
            py_ms = python_ms(spec, max(5, repeats // 4))
            print(f"{label:<34} canvas {max(spec.canvas_size):>2}  taps {entries:>9,}\n"
                  f"    js: geometry {geometry:7.2f} ms  +window {window:7.2f} ms  "
                  f"+code {code:7.2f} ms  +full maps {maps:8.2f} ms\n"
                  f"    python full maps {py_ms:8.2f} ms   "
                  f"js/python (full maps) {maps / py_ms:5.2f}")
        playground(browser, sources)
        browser.close()


#: runs in the playground: median milliseconds (script, style and layout: each ends by reading
#: the picture's box) of pointing at an output cell (light its window, show its frame), of
#: stepping one frame, and of a control change (engine, code, formula, the picture redrawn);
#: on a loaded machine the median includes time the page was not running, the fastest less so
PLAYGROUND = """repeats => {
  const median = times => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const picture = () => document.querySelector("#picture svg");
  const settle = () => picture().getBoundingClientRect().width;
  const planes = JSON.parse(picture().dataset.planes).filter(p => p.side === "out");
  const plane = planes[0], hover = [], step = [], update = [];
  settle();
  for (let r = 0; r < repeats; r++) {
    const n = (r * 7919) % (plane.rows * plane.cols), row = Math.floor(n / plane.cols);
    const x = n % plane.cols + 0.5, y = plane.rows - 1 - row + 0.5;
    const p = picture().createSVGPoint();
    p.x = plane.origin[0] + x * plane.ex[0] + y * plane.ey[0];
    p.y = plane.origin[1] + x * plane.ex[1] + y * plane.ey[1];
    const q = p.matrixTransform(picture().getScreenCTM()), start = performance.now();
    picture().dispatchEvent(new PointerEvent("pointermove", {clientX: q.x, clientY: q.y}));
    settle();
    hover.push(performance.now() - start);
  }
  picture().dispatchEvent(new PointerEvent("pointerleave"));
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    document.getElementById("next").click();
    settle();
    step.push(performance.now() - start);
  }
  const field = document.getElementById("d"); // dilation 1 <-> 2: a new picture every time
  for (let r = 0; r < repeats; r++) {
    field.value = r % 2 ? "1" : "2";
    const start = performance.now();
    document.getElementById("controls").dispatchEvent(new Event("input"));
    settle();
    update.push(performance.now() - start);
  }
  return [plane.rows * plane.cols, median(hover), median(step), median(update),
          Math.min(...update), picture().outerHTML.length];
}"""

#: the playground's largest pictures: a 64-cell canvas (the most it draws), most frames
PLAYGROUND_CASES = ("#i=7&k=3&s=2&p=same", "#i=16&k=3&s=2&p=1&t=1", "#i=64&k=3",
                    "#i=64&k=1", "#i=62&k=3&p=1", "#n=1&i=64&k=3")


def playground(browser, sources: list[str]) -> None:
    """Hover, step and update times of the playground, up to its largest picture."""
    with tempfile.TemporaryDirectory(prefix="convviz-bench-") as folder:
        out = Path(folder)
        (out / "assets").mkdir()
        (out / "playground.html").write_bytes(shipped("playground.html"))
        for name, text in zip(SCRIPTS, sources):
            (out / "assets" / name).write_text(text, "utf-8")
        for fragment in PLAYGROUND_CASES:  # a page each (a new fragment alone is read later)
            page = browser.new_page(viewport={"width": 1280, "height": 900},
                                    reduced_motion="reduce")
            page.goto((out / "playground.html").as_uri() + fragment)
            page.wait_for_load_state("load")
            cells, hover, step, update, fastest, size = page.evaluate(PLAYGROUND, 30)
            page.close()
            print(f"playground {fragment:<22} ({cells:>5,} output cells, "
                  f"picture {size / 1024:6.1f} KB): hover {hover:6.2f} ms  step {step:6.2f} ms  "
                  f"control change -> redrawn picture {update:7.2f} ms (fastest {fastest:6.2f}; "
                  "target ≤ 16 ms)")


if __name__ == "__main__":
    main()
