"""Benchmark: the browser engine (templates/convviz.js, convviz-code.js) in headless Chromium.

Run: python bench/bench_js.py   (needs Playwright and /usr/bin/chromium)

Prints the scripts' sizes (raw and gzip) and the playground's (page and scripts;
target ≤ 100 KB besides fonts) and, for the largest specs the renderer accepts (canvas ≤ 64 cells
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

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SCRIPTS = ("convviz.js", "convviz-code.js")
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

    sources = [(TEMPLATES / name).read_text("utf-8") for name in SCRIPTS]
    for name, text in zip(SCRIPTS, sources):
        data = text.encode("utf-8")
        packed = len(gzip.compress(data, 9))
        print(f"{name:<16} {len(data) / 1024:5.1f} KB raw, {packed / 1024:4.1f} KB gzip")
    page_bytes = (TEMPLATES / "playground.html").stat().st_size
    page_bytes += sum(len(t.encode()) for t in sources)
    print(f"playground.html with both scripts: {page_bytes / 1024:.1f} KB (target ≤ 100 KB)")
    for label, spec in CASES.items():
        assert max(spec.canvas_size) <= MAX_CANVAS_CELLS, label
        assert spec.frame_count <= MAX_FRAMES, label
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
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


#: runs in the playground: median milliseconds of a hover (focus an output cell: light its
#: window) and of a full update (a control changes: engine, code, formula, redraw of the grid)
PLAYGROUND = """repeats => {
  const median = times => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const outputs = Array.from(document.querySelectorAll("svg rect.o")), hover = [], update = [];
  for (let r = 0; r < repeats; r++) {
    const rect = outputs[(r * 7919) % outputs.length], start = performance.now();
    rect.dispatchEvent(new FocusEvent("focusin", {bubbles: true}));
    hover.push(performance.now() - start);
  }
  const field = document.getElementById("s");
  for (let r = 0; r < repeats; r++) {
    field.value = r % 2 ? "1" : " 1";
    const start = performance.now();
    document.getElementById("controls").dispatchEvent(new Event("input"));
    update.push(performance.now() - start);
  }
  return [outputs.length, median(hover), median(update)];
}"""


def playground(browser, sources: list[str]) -> None:
    """Hover and update times of the playground, up to its largest grid (canvas 64 a side)."""
    with tempfile.TemporaryDirectory(prefix="convviz-bench-") as folder:
        out = Path(folder)
        (out / "assets").mkdir()
        (out / "playground.html").write_bytes((TEMPLATES / "playground.html").read_bytes())
        for name, text in zip(SCRIPTS, sources):
            (out / "assets" / name).write_text(text, "utf-8")
        page = browser.new_page()
        for fragment in ("#i=7&k=3&s=2&p=same", "#i=16&k=3&s=2&p=1&t=1", "#i=64&k=3"):
            page.goto((out / "playground.html").as_uri() + fragment)
            page.wait_for_load_state("load")
            cells, hover, update = page.evaluate(PLAYGROUND, 40)
            print(f"playground {fragment:<22} ({cells:>5,} output cells): hover {hover:6.2f} ms  "
                  f"update (engine + code + redraw) {update:7.2f} ms  (target ≤ 16 ms)")
        page.close()


if __name__ == "__main__":
    main()
