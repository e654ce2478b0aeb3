"""The built gallery in headless Chromium over file://: pictures decode, nothing is
fetched from the network, no console errors, the hover maps light exactly the
input cells the engine's index map names, every picture turns dark with the page,
reduced motion shows stills, no picture's text is under 10 CSS px at 390 px, the
Chinese page is Chinese, and the cards' playground links open the same spec.

The site is built once with ``render_draft`` (the real renderers, one frame per
drawn animation; the oblique SVGs whole) to keep the test fast.
"""

from __future__ import annotations

import re

import pytest
from conftest import require_chromium

from convviz.presets import PRESETS
from convviz.site import builder as site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """The built site's folder (no build without Chromium to look at it)."""
    require_chromium()
    out = tmp_path_factory.mktemp("gallery")
    report = site.build(out, jobs=2, renderer=site.render_draft)
    assert not report.failed, report.failed
    return out


@pytest.fixture(scope="module")
def browser(gallery, chromium):
    """The module's Chromium, launched once the gallery is built."""
    return chromium


def open_page(browser, out, page_path="index.html", **kw):
    page = browser.new_page(**kw)
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / page_path).as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


PICTURES = ".pic img, .pic-svg > svg"


def test_every_picture_decodes_and_nothing_leaves_file_urls(gallery, browser, tmp_path):
    out = gallery
    page, errors, requests = open_page(browser, out, viewport={"width": 1280, "height": 900})
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.currentSrc || i.src, i.complete, i.naturalWidth])")
    assert len(images) >= 10
    bad = [src for src, complete, width in images if not complete or width == 0]
    assert not bad
    assert all(src.endswith(".svg") for src, _, _ in images)
    # the oblique pictures are in the page, each one's hover attached
    inline = page.evaluate("""() => Array.from(document.querySelectorAll('.pic-svg > svg.cv'),
        svg => [svg.querySelectorAll('.cv-f').length, !!svg.querySelector('.cv-hover'),
                svg.getBoundingClientRect().width])""")
    assert len(inline) >= 20
    assert all(frames >= 1 and hover and width > 50 for frames, hover, width in inline), inline
    assert requests and all(url.startswith("file://") for url in requests), requests
    assert not errors
    page.screenshot(path=str(tmp_path / "gallery.png"), full_page=True)
    assert (tmp_path / "gallery.png").stat().st_size > 0
    page.close()


@pytest.mark.parametrize("scheme,lang", [("light", "en"), ("dark", "zh")])
def test_reduced_motion_shows_the_stills(gallery, browser, scheme, lang):
    out = gallery
    page, errors, _ = open_page(browser, out, PAGES[lang], reduced_motion="reduce",
                                color_scheme=scheme)
    sources = page.evaluate("Array.from(document.querySelectorAll('.pic img'))"
                            ".map(i => [i.currentSrc, i.naturalWidth])")
    assert sources and all(src.endswith("-still.svg") and width > 0 for src, width in sources)
    # an inline picture: nothing runs, its poster frame (and no other) shows
    states = page.evaluate("""() => Array.from(document.querySelectorAll('.pic-svg > svg.cv'),
        svg => [svg.getAnimations({subtree: true}).length,
                Array.from(svg.querySelectorAll('.cv-f'),
                           g => getComputedStyle(g).visibility === 'visible'),
                Array.from(svg.querySelectorAll('.cv-f'), g => g.classList.contains('cv-p')
                           || (svg.classList.contains('cv-hold') && g.classList.contains('cv-on')))
               ])""")
    assert states
    for running, shown, poster in states:
        assert running == 0 and shown == poster and sum(shown) == 1
    assert not errors
    page.close()


def test_without_reduced_motion_the_pictures_play(gallery, browser):
    out = gallery
    page, errors, _ = open_page(browser, out)
    running = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.pic-svg > svg.cv:not(.cv-hold)'), svg => svg.getAnimations({subtree: true}).length)""")
    assert running and all(n >= 2 for n in running)
    sources = page.evaluate("Array.from(document.querySelectorAll('.pic img'), i => i.currentSrc)")
    assert sources and not any(src.endswith("-still.svg") for src in sources)
    assert not errors
    page.close()


def _lit(page, grid_id):
    return page.evaluate(
        """id => {
            const root = document.getElementById(id);
            const hit = Array.from(root.querySelectorAll('.canvas .cell.hit'))
                .map(e => e.dataset.i);
            const read = Array.from(root.querySelectorAll('.canvas .cell.read'))
                .map(e => e.dataset.c);
            return [hit, read];
        }""", grid_id)


@pytest.mark.parametrize("name", ["padding_strides", "padding_strides_odd_transposed",
                                  "dilation", "causal_1d"])
def test_hovering_an_output_cell_lights_the_engines_input_cells(gallery, browser, name):
    out = gallery
    spec = PRESETS[name].spec
    page, errors, _ = open_page(browser, out, viewport={"width": 1280, "height": 900})
    grid_id = f"grid-{name}"
    buttons = page.locator(f"#{grid_id} .output .cell")
    n_out = buttons.count()
    assert n_out == spec.frame_count
    k = spec.kernel_size
    for n in range(n_out):
        index = tuple(int(v) for v in __import__("numpy").unravel_index(n, spec.output_size))
        buttons.nth(n).hover()
        hit, read = _lit(page, grid_id)
        taps = spec.input_taps[index].reshape(-1, spec.ndim)
        expected = {",".join(map(str, t)) for t in taps if t[0] >= 0}
        assert set(hit) == expected, (index, hit)
        canvas = {",".join(map(str, t)) for t in spec.taps[index].reshape(-1, spec.ndim)}
        assert set(read) == canvas
        assert len(read) == int(__import__("math").prod(k))
    page.mouse.move(0, 0)
    assert _lit(page, grid_id) == [[], []]
    assert not errors
    page.close()


def test_output_cells_are_reachable_by_keyboard(gallery, browser):
    out = gallery
    spec = PRESETS["padding_strides"].spec
    page, errors, _ = open_page(browser, out)
    page.focus("#grid-padding_strides .output .cell >> nth=0")
    page.keyboard.press("Tab")  # moves focus to output cell 1
    hit, _ = _lit(page, "grid-padding_strides")
    expected = {",".join(map(str, t)) for t in spec.input_taps[0, 1].reshape(-1, 2) if t[0] >= 0}
    assert set(hit) == expected
    status = page.text_content("#grid-padding_strides .grid-hint")
    assert "(0, 1)" in status
    assert not errors
    page.close()


@pytest.mark.parametrize("width,scheme,lang", [(1280, "light", "en"), (390, "dark", "en"),
                                               (390, "light", "zh"), (320, "dark", "zh")])
def test_layout_fits_the_viewport(gallery, browser, tmp_path, width, scheme, lang):
    out = gallery
    page, errors, requests = open_page(browser, out, PAGES[lang],
                                       viewport={"width": width, "height": 800},
                                       color_scheme=scheme)
    assert all(url.startswith("file://") for url in requests)
    # no text renders below 10 CSS px
    smallest = page.evaluate("""() => {
        let min = 1e9;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const el = walker.currentNode.parentElement;
            if (!walker.currentNode.textContent.trim() || !el.offsetParent) continue;
            min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
        }
        return min; }""")
    assert smallest >= 10
    # no picture's text under 10 CSS px: an inline picture's text at its drawn scale, an
    # <img>'s smallest font size (recorded in its SVG) times its displayed scale
    inline_text = page.evaluate("""() => {
        let min = 1e9;
        document.querySelectorAll('.pic-svg > svg').forEach(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            svg.querySelectorAll('text').forEach(t => {
                min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale); });
        });
        return min; }""")
    assert inline_text >= 10
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('.pic img'),
        i => [i.getAttribute('src'), i.getBoundingClientRect().width])""")
    assert shown
    page_dir = (out / PAGES[lang]).parent
    for src, drawn in shown:
        data = (page_dir / src).read_bytes()
        own = float(re.search(rb'<svg[^>]* width="([\d.]+)px"', data).group(1))
        sizes = [float(v) for v in re.findall(rb"font-size: ?([\d.]+)px", data)]
        if sizes:
            assert min(sizes) * drawn / own >= 10 - 1e-6, (src, min(sizes), drawn, own)
    # nothing but the tables' and pictures' own scrollers is wider than the page
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    dark = sum(int(v) for v in background[4:-1].split(",")[:3]) < 200
    assert dark == (scheme == "dark")
    page.screenshot(path=str(tmp_path / f"gallery-{width}-{scheme}.png"), full_page=True)
    assert not errors
    page.close()


PAGES = {"en": "index.html", "zh": "zh/index.html"}


def _luminance(png: bytes) -> float:
    import io

    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.float64)
    return float((rgb @ np.array([0.2126, 0.7152, 0.0722])).mean() / 255)


@pytest.mark.parametrize("scheme,lang", [("dark", "en"), ("light", "en"), ("dark", "zh")])
def test_every_picture_follows_the_colour_scheme(gallery, browser, scheme, lang):
    out = gallery
    page, errors, _ = open_page(browser, out, PAGES[lang],
                                viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    pictures = page.locator(PICTURES)
    count = pictures.count()
    assert count >= 30
    for n in range(count):
        picture = pictures.nth(n)
        picture.scroll_into_view_if_needed()
        level = _luminance(picture.screenshot())
        what = picture.evaluate("el => el.currentSrc || el.querySelector('title').textContent")
        assert (level < 0.5) == (scheme == "dark"), (what, level)
    assert not errors
    page.close()


def test_both_languages_have_the_same_notes_and_chinese_prose(gallery, browser):
    out = gallery
    counts = {}
    for lang, path in PAGES.items():
        page, errors, _ = open_page(browser, out, path)
        counts[lang] = page.locator(".note").count()
        if lang == "zh":
            prose = page.evaluate("""() => Array.from(document.querySelectorAll(
                '.prose p, .note, .subhead, h2, .pic figcaption, .table-caption'),
                el => el.textContent.trim()).filter(Boolean)""")
            latin_only = [p for p in prose if not re.search(r"[\u4e00-\u9fff]", p)]
            assert not latin_only, latin_only
            alts = page.evaluate("""() => Array.from(document.images, i => i.alt).concat(
                Array.from(document.querySelectorAll('.pic-svg svg title'), t => t.textContent))""")
            assert alts and all(re.search(r"[\u4e00-\u9fff]", a) for a in alts), alts
            # the pictures' own words: Chinese (a label may hold code or a formula)
            for src in page.evaluate("Array.from(document.images, i => i.getAttribute('src'))"):
                labels = re.findall(r"<text[^>]*>([^<]*)</text>",
                                    (out / "zh" / src).read_text("utf-8"))
                english = [t for t in labels if re.search(r"[A-Za-z]{4,}", t)
                           and not re.search(r"[\u4e00-\u9fff]", t)]
                assert not english, (src, english)
        assert not errors
        page.close()
    assert counts["en"] == counts["zh"] >= 15


@pytest.mark.parametrize("name", ["padding_strides", "tf_same_strides", "causal_1d",
                                  "padding_strides_odd_transposed", "dilation", "depthwise"])
def test_a_cards_playground_link_opens_the_same_spec(gallery, browser, name):
    from convviz.core.arithmetic import formula_lines

    out = gallery
    spec = PRESETS[name].spec
    page, errors, _ = open_page(browser, out)
    href = page.get_attribute(f"#{name} .links a[href^='playground.html#']", "href")
    page.goto((out / "index.html").as_uri().rsplit("/", 1)[0] + "/" + href)
    page.wait_for_load_state("load")
    assert page.text_content("#output-size") == " × ".join(map(str, spec.output_size))
    shown = page.text_content("#formula").splitlines()
    assert shown[:len(formula_lines(spec))] == list(formula_lines(spec))
    assert not page.text_content("#error")
    assert not errors
    page.close()
