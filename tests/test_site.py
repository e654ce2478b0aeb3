"""Tests of the gallery: view models against independent formulas, and the build pipeline.

The view-model tests need no pictures. The build tests use ``tiny_renderer``,
a deterministic Pillow stand-in for the drawing code (the pipeline —
manifest, reuse, atomic writes, templates — is what they test); the browser
test builds with the real renderers.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from reference import direct_output_size, transposed_output_size

import convviz
from convviz.core.arithmetic import (
    formula_lines,
    path_lengths,
    separable_example,
    stack_receptive_field,
)
from convviz.core.frameworks import keras_layer, pytorch_layer
from convviz.core.spec import ConvSpec
from convviz.presets import CLASSIC_NAMES, PRESETS
from convviz.site import builder as site
from convviz.site.models import (
    alt_text,
    drawn_as,
    hover_grid,
    shape_row,
    window_starts,
)
from convviz.site.sections import collect, diagram_roles
from convviz.site.text import TEXT

FAIL: set[str] = set()  # picture paths tiny_renderer refuses (in-process builds only)


def tiny_renderer(job) -> bytes:
    """A small deterministic picture per job (its path written on it), in the format its
    path names (an SVG with one text, a PNG still or a GIF)."""
    if job.path in FAIL:
        raise RuntimeError("boom")
    if job.path.endswith(".svg"):
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="40px" height="30px" '
                f'data-text-px="8"><text y="12" style="font-size: 8px">{job.path[-12:]}'
                f'</text></svg>').encode()
    im = Image.new("RGB", (40, 30), "white")
    ImageDraw.Draw(im).text((2, 2), job.path[-12:], fill="black")
    buf = io.BytesIO()
    im.save(buf, "PNG" if job.still else "GIF")
    return buf.getvalue()


class FakeDiagram:
    def __init__(self, name):
        self.name, self.title, self.family = name, f"Diagram {name}", "test"
        self.description = f"About {name}."


DIAGRAMS = {n: FakeDiagram(n) for n in ("path_length", "stack_plain_vs_dilated", "wavenet",
                                        "separable_conv", "glu_block", "glu_block_same",
                                        "highway_block")}


def model(lang="en", **kw):
    identities = {n: f"preset:{p.spec!r}" for n, p in PRESETS.items()}
    args = dict(presets=PRESETS, diagrams=DIAGRAMS, available=lambda name: True,
                identities=identities, version="test")
    args.update(kw)
    return collect(lang, **args)


def cards_by_id(m):
    return {c.id: c for c in m.cards}


# -------------------------------------------------------------------------------------------
# view models


def test_sections_follow_the_seed_order():
    en, _ = model("en")
    assert [s.id for s in en.sections] == ["why", "basic", "transposed", "dilated", "separable",
                                           "shapes", "gated"]
    zh, _ = model("zh")
    titles = [s.title for s in zh.sections]
    # the seed's own headings
    for heading in ("为什么使用 CNN 代替 RNN", "基本卷积", "转置卷积", "空洞卷积", "可分离卷积",
                    "维度变化", "门卷积"):
        assert heading in titles


def test_unknown_lang_is_a_spec_error():
    with pytest.raises(convviz.SpecError, match="lang"):
        model("fr")


def test_basic_section_has_the_seven_direct_cases_four_to_a_row():
    m, _ = model()
    block = next(b for b in m.sections[1].blocks if b.kind == "cards")
    assert [c.id for c in block.cards] == list(CLASSIC_NAMES[:7])
    assert block.per_row == 4


def test_transposed_section_has_the_seven_classic_cases_and_ours():
    m, _ = model()
    ids = [c.id for b in m.sections[2].blocks for c in b.cards]
    assert ids[:7] == list(CLASSIC_NAMES[7:14])
    assert "output_padding_transposed" in ids and "dilation_transposed" in ids


@pytest.mark.parametrize("name", CLASSIC_NAMES[:7] + ("dilation",))
def test_direct_card_formula_matches_the_paper(name):
    card = cards_by_id(model()[0])[name]
    spec = PRESETS[name].spec
    i, k, s, d = spec.input_size[0], spec.kernel_size[0], spec.stride[0], spec.dilation[0]
    p = spec.padding_before[0]
    o = direct_output_size(i, k, s, d, p, p)
    (line,) = card.formula
    # the numbers filled in, and the result of the independent reference
    k_hat = d * (k - 1) + 1
    assert f"⌊({i} + {p} + {p} − {k_hat}) / {s}⌋ + 1 = {o}," in line
    assert f"where k̂ = d(k − 1) + 1 = {d}·({k} − 1) + 1 = {k_hat}" in line
    assert card.caption == spec.describe()
    assert f"i={i}" in card.caption and f"o={o}" in card.caption


@pytest.mark.parametrize("name", CLASSIC_NAMES[7:14])
def test_transposed_card_gives_both_parameter_sets(name):
    card = cards_by_id(model()[0])[name]
    spec = PRESETS[name].spec
    g = spec.axes[0]
    o = transposed_output_size(g.input_size, g.kernel_size, g.stride, g.dilation,
                               g.pad_before, g.pad_after, g.output_padding)
    assert f" = {o}, where k̂" in card.formula[0]
    params = dict(card.params)
    labels = TEXT["en"]
    assert params[labels["transposes"]].startswith("nn.Conv2d(")
    assert params[labels["own_params"]].startswith("nn.ConvTranspose2d(")
    # gather and scatter views side by side
    assert [f.label for f in card.figures] == [labels["gather_view"], labels["scatter_view"]]
    assert card.figures[1].animation.path.endswith("-scatter.svg")


def test_formulas_per_axis_for_non_square_specs():
    spec = ConvSpec((5, 7), (3, 2), stride=(2, 1), padding=1)
    lines = formula_lines(spec)
    assert len(lines) == 2 and lines[0].startswith("rows: ") and lines[1].startswith("cols: ")
    assert f"= {direct_output_size(5, 3, 2, 1, 1, 1)}, where" in lines[0]
    assert f"= {direct_output_size(7, 2, 1, 1, 1, 1)}, where" in lines[1]
    t = ConvSpec(3, 3, stride=2, padding=1, output_padding=1, transposed=True)
    (line,) = formula_lines(t)
    assert "+ output_padding" in line  # no unnamed symbol: output_padding is spelled out
    assert f"= {transposed_output_size(3, 3, 2, 1, 1, 1, 1)}, where" in line


def test_asymmetric_padding_formula():
    spec = ConvSpec((8,), 3, dilation=2, padding="causal")
    (line,) = formula_lines(spec)
    assert "p_before + p_after" in line and "⌊(8 + 4 + 0 − 5) / 1⌋ + 1 = 8," in line


def _brute_input_taps(spec):
    """Independent: output o reads input o·s − p_lo + t·d (semantics.md), −1 off the input."""
    out = np.full(spec.output_size + spec.kernel_size + (spec.ndim,), -1)
    for o in np.ndindex(*spec.output_size):
        for t in np.ndindex(*spec.kernel_size):
            pos = [o[a] * spec.stride[a] - spec.padding_before[a] + t[a] * spec.dilation[a]
                   for a in range(spec.ndim)]
            if all(0 <= pos[a] < spec.input_size[a] for a in range(spec.ndim)):
                out[o + t] = pos
    return out


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items()
                                  if p.family in ("direct", "dilated", "ours")
                                  and not p.spec.transposed])
def test_hover_json_equals_the_engine_and_the_brute_force(name):
    card = cards_by_id(model()[0])[name]
    spec = PRESETS[name].spec
    data = card.grid.data
    n_out, n_k = math.prod(spec.output_size), math.prod(spec.kernel_size)
    assert data["input_taps"] == spec.input_taps.reshape(n_out, n_k, spec.ndim).tolist()
    assert data["taps"] == spec.taps.reshape(n_out, n_k, spec.ndim).tolist()
    assert np.array_equal(np.array(data["input_taps"]).reshape(spec.input_taps.shape),
                          _brute_input_taps(spec))
    # one button per output cell, one canvas cell per padded-input cell
    assert sum(len(r) for r in card.grid.output) == n_out
    assert sum(len(r) for r in card.grid.canvas) == math.prod(spec.canvas_size)
    inputs = {c.input for r in card.grid.canvas for c in r if c.kind == "input"}
    assert len(inputs) == math.prod(spec.input_size)


def test_hover_json_for_transposed_reads_only_real_input_cells():
    spec = PRESETS["padding_strides_transposed"].spec
    grid = hover_grid(spec, "g", "label", "out {pos}")
    reads = {tuple(c) for row in grid.data["input_taps"] for c in row if c[0] >= 0}
    assert reads == {(r, c) for r in range(3) for c in range(3)}
    kinds = {c.kind for row in grid.canvas for c in row}
    assert kinds == {"input", "padding", "zero"}
    with pytest.raises(convviz.SpecError):
        hover_grid(ConvSpec((4, 4, 4), 3), "g", "l", "{pos}")


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items()
                                  if p.family in ("direct", "transposed", "dilated", "ours")])
def test_cards_show_the_core_framework_code(name):
    """The gallery prints exactly the lines tests/test_frameworks.py runs (one copy)."""
    card = cards_by_id(model()[0]).get(name)
    if card is None:  # not every preset has a card
        return
    spec = PRESETS[name].spec
    code = {line.label: line.code for line in card.code}
    keras = keras_layer(spec)
    assert code["Keras"] == (keras["code"] or keras["note"])
    if spec.transposed:
        params = dict(card.params)
        assert params[TEXT["en"]["own_params"]] == pytorch_layer(spec)["code"]
        assert params[TEXT["en"]["transposes"]].startswith(
            pytorch_layer(spec.transpose())["code"] + "  # ")
    else:
        assert code["PyTorch"] == pytorch_layer(spec)["code"]


@pytest.mark.torch
@pytest.mark.parametrize("name", [n for n, p in PRESETS.items() if p.spec.transposed])
def test_transposed_cards_name_the_direct_layer_they_transpose(torch, name):
    spec = PRESETS[name].spec
    direct = spec.transpose()
    layer = eval(pytorch_layer(direct)["code"], {"nn": torch.nn})
    y = layer(torch.zeros(1, direct.channels[0], *direct.input_size))
    assert tuple(y.shape[2:]) == spec.input_size


def test_transposed_card_words_a_cropping_canvas_truthfully():
    # k̂ − 1 − p = 2 − 1 − 2 = −1: the canvas is cut, not padded
    spec = ConvSpec((5, 6), 2, padding=2, transposed=True)
    text = drawn_as(spec, "en")
    assert "cut off before: 1" in text and "cut off after: 1" in text
    assert "padded" not in text
    assert "padded before: 1, padded after: 1" in drawn_as(
        ConvSpec(3, 3, stride=2, padding=1, transposed=True), "en")


def test_path_lengths_rnn_conv_dilated():
    ns = (2, 3, 5, 9, 16, 100, 1024, 1025)
    got = path_lengths(ns, 3, 2)
    for r, n in enumerate(ns):
        assert got["rnn"][r] == n - 1  # N − 1 steps from the first position to the last
        for key, layer in (("conv", lambda l: ConvSpec((1,), 3, padding="same")),
                           ("dilated", lambda l: ConvSpec((1,), 2, dilation=2**l,
                                                          padding="same"))):
            count = int(got[key][r])
            # the fewest stride-1 layers whose receptive field spans n inputs (engine)
            assert convviz.receptive_field([layer(l) for l in range(count)]).size[0] >= n
            if count > 1:
                fewer = [layer(l) for l in range(count - 1)]
                assert convviz.receptive_field(fewer).size[0] < n
    m, _ = model()
    table = next(b.table for b in m.sections[0].blocks if b.kind == "table")
    assert table.rows[0] == ("16", "15", "8", "4")


def test_stack_receptive_fields_match_the_seed():
    assert stack_receptive_field(3, (1, 1, 1))[0] == 7
    assert stack_receptive_field(3, (1, 2, 4))[0] == 15
    assert stack_receptive_field(2, (1, 2, 4, 8))[0] == 16
    # same parameters for plain and dilated
    assert stack_receptive_field(3, (1, 1, 1))[1] == stack_receptive_field(3, (1, 2, 4))[1]


def test_separable_worked_example():
    ex = separable_example()
    assert ex["standard"].multiply_count == 1_228_800
    assert ex["depthwise"].multiply_count + ex["pointwise"].multiply_count == 53_952
    m, _ = model()
    table = next(b.table for b in m.sections[4].blocks if b.kind == "table")
    cells = [c for row in table.rows for c in row]
    assert "1,228,800" in cells and "53,952" in cells
    text = " ".join(p for b in m.sections[4].blocks for p in b.paragraphs)
    assert "4.4%" in text


def test_tf_same_versus_pytorch_window_starts():
    tf, pt = PRESETS["tf_same_strides"].spec, PRESETS["padding_strides_odd"].spec
    assert window_starts(tf) == (0, 2, 4)
    assert window_starts(pt) == (-1, 1, 3)
    m, _ = model()
    text = " ".join(p for b in m.sections[5].blocks for p in b.paragraphs)
    assert "0, 2, 4" in text and "-1, 1, 3" in text


def test_shapes_table_rows():
    torch_shape, keras_shape, pads = shape_row(PRESETS["depthwise"].spec)
    assert torch_shape == "(1, 3, 5, 5) → (1, 3, 5, 5)"
    assert keras_shape == "(1, 5, 5, 3) → (1, 5, 5, 3)"
    assert pads == "1/1, 1/1"
    assert shape_row(PRESETS["causal_1d"].spec) == ("(1, 1, 8) → (1, 1, 8)",
                                                    "(1, 8, 1) → (1, 8, 1)", "4/0")
    m, _ = model()
    causal = " ".join(p for b in m.sections[5].blocks for p in b.paragraphs)
    assert "t−4, t−2, t" in causal


def test_alt_text_describes_each_spec():
    spec = PRESETS["padding_strides"].spec
    text = alt_text(spec, "en")
    assert "3×3 kernel" in text and "5×5 input" in text and "stride 2" in text
    assert "3×3 output" in text and "9 frames" in text
    tr = alt_text(PRESETS["padding_strides_transposed"].spec, "en")
    assert "transposed" in tr and "1 zero" in tr
    assert "scatter" in alt_text(PRESETS["padding_strides_transposed"].spec, "en", view="scatter")
    assert "卷积" in alt_text(spec, "zh")
    m, _ = model()
    for card in m.cards:
        for fig in card.figures:
            assert fig.animation.alt
            if fig.still is not None:  # (an inline oblique picture has no separate still)
                assert fig.still.alt and fig.animation.alt != fig.still.alt


def test_cards_show_svgs_and_link_light_downloads():
    m, jobs = model()
    card = cards_by_id(m)["padding_strides"]
    hrefs = [link.href for link in card.links]
    light = {"labels": False, "theme": "classic"}
    # shown: the SVG animation (the oblique picture, inlined in the page, shows its poster
    # under reduced motion itself: no still); a scatter view also has its SVG still
    fig = card.figures[0]
    assert fig.animation.path == "img/padding_strides.svg" and fig.still is None
    assert jobs[fig.animation.path].still is None
    assert "img/padding_strides-still.svg" not in jobs
    scatter = cards_by_id(m)["padding_strides_transposed"].figures[1]
    assert scatter.animation.path == "img/padding_strides_transposed-scatter.svg"
    assert scatter.still.path == "img/padding_strides_transposed-scatter-still.svg"
    assert jobs[scatter.still.path].still and jobs[scatter.animation.path].still is None
    # downloads: the GIF, the PNG still and the numbers still, in the light theme only
    for path in ("img/padding_strides.gif", "img/padding_strides.png",
                 "img/padding_strides-numbers.png"):
        assert path in hrefs
        assert jobs[path].kwargs["theme"] == "classic"
    assert jobs["img/padding_strides-numbers.png"].kwargs == {"numbers": True, **light}
    assert jobs["img/padding_strides.gif"].kwargs == light
    assert not any("dark" in path or "dark" in str(job.options) for path, job in jobs.items())
    # every picture a card shows is a job
    for c in m.cards:
        for f in c.figures:
            assert f.animation.path in jobs and f.animation.path.endswith(".svg")
            assert f.still is None or (f.still.path in jobs and f.still.path.endswith(".svg"))
            oblique = c.id not in DIAGRAMS and not f.label.startswith("scatter")
            assert (f.still is None) == oblique, (c.id, f.label)


def test_missing_pictures_leave_cards_out():
    m, _ = model(available=lambda name: name != "padding_strides")
    assert "padding_strides" not in cards_by_id(m)
    assert "padding_strides" in m.omitted
    m, _ = model(failed={"img/padding_strides-numbers.png"})
    links = [link.href for link in cards_by_id(m)["padding_strides"].links]
    assert "img/padding_strides-numbers.png" not in links  # an optional picture: link only
    m, _ = model(diagrams={})
    assert "path_length" in m.omitted


def test_diagram_roles_prefer_exact_names():
    roles = diagram_roles(["wavenet", "stack_plain_vs_dilated", "glu_block_same", "glu_block"])
    assert roles["glu_block"] == "glu_block" and roles["glu_same"] == "glu_block_same"
    assert roles["dilated_stack"] == "stack_plain_vs_dilated" and roles["wavenet"] == "wavenet"


def test_real_diagram_presets_fill_every_role():
    diagrams = pytest.importorskip("convviz.draw.diagrams")
    roles = diagram_roles(diagrams.DIAGRAM_PRESETS)
    assert set(roles) == {"path_length", "dilated_stack", "wavenet", "separable", "glu_block",
                          "glu_same", "highway_block"}


# -------------------------------------------------------------------------------------------
# templates


def test_pages_escape_everything():
    m, _ = model()
    evil = dataclasses.replace(m, title="<script>alert(1)</script>",
                               subtitle='"quoted" & <b>bold</b>')
    html = site.render_pages(evil)["index.html"].decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_pages_have_no_external_references():
    m, _ = model()
    files = site.render_pages(m)
    html = files["index.html"].decode()
    # nothing the page loads comes from the network; the only external URLs are the
    # reading list's hyperlinks (<a href>, never fetched by the page)
    assert not re.search(r"""(src|srcset)=["']?(https?:)?//""", html)
    assert not re.search(r"""<link[^>]*href=["']?(https?:)?//""", html)
    external = re.findall(r"<a href=\"(https?://[^\"]+)\"", html)
    assert external and all(href.startswith("https://") for href in external)
    assert len(re.findall(r"""href=["']?(https?:)?//""", html)) == len(external)
    assert "http" not in files["assets/gallery.js"].decode()
    assert "url(" not in files["assets/style.css"].decode()
    assert 'media="(prefers-reduced-motion: reduce)' in html
    assert "prefers-color-scheme: dark" in files["assets/style.css"].decode()


def test_embedded_json_parses_back_to_the_engine_maps():
    m, _ = model()
    html = site.render_pages(m)["index.html"].decode()
    blocks = re.findall(r'<div class="hover-grid" id="grid-([a-z0-9_]+)">\s*'
                        r'<script type="application/json" class="grid-data">(.*?)</script>',
                        html, re.DOTALL)
    assert len(blocks) >= 7
    for name, text in blocks:
        spec = PRESETS[name if name in PRESETS else name.replace("torch_", "")].spec
        data = json.loads(text)
        assert np.array_equal(np.array(data["input_taps"]).reshape(spec.input_taps.shape),
                              spec.input_taps)


def test_zh_page_is_in_chinese():
    m, _ = model("zh")
    html = site.render_pages(m)["index.html"].decode()
    assert '<html lang="zh-Hans">' in html
    assert "基本卷积" in html and "无填充、无步幅" in html


def test_strict_undefined_catches_template_typos(tmp_path):
    tdir = tmp_path / "t"
    tdir.mkdir()
    (tdir / "index.html").write_text("{{ site.no_such_field }}")
    m, _ = model()
    from convviz.site.templating import TemplateError

    with pytest.raises(TemplateError, match=r"index\.html:1: .*no_such_field"):
        site.render_pages(m, tdir)


# -------------------------------------------------------------------------------------------
# the build


def _referenced(out: Path) -> set[str]:
    html = (out / "index.html").read_text("utf-8")
    return set(re.findall(r'(?:src|href|srcset)="((?:img|assets)/[^"]+)"', html))


def test_build_writes_a_self_contained_site(tmp_path):
    out = tmp_path / "site"
    calls = []
    report = site.build(out, jobs=1, renderer=tiny_renderer,
                        progress=lambda done, total, name: calls.append((done, total, name)))
    assert (out / "index.html").is_file()
    refs = _referenced(out)
    assert refs and all((out / r).is_file() for r in refs)
    assert "assets/style.css" in refs and "assets/gallery.js" in refs
    assert report.rendered == len(list((out / "img").iterdir())) and report.reused == 0
    # both pages (en, zh) and every asset
    assert report.written == report.rendered + len(site.LANG_PAGES) + len(site.ASSET_FILES)
    zh = (out / "zh" / "index.html").read_text("utf-8")
    zh_refs = set(re.findall(r'(?:src|href|srcset)="\.\./((?:img|assets)/[^"]+)"', zh))
    assert zh_refs == refs  # the Chinese page shows the very same picture files
    # both pages link to the one playground, which the build ships
    en = (out / "index.html").read_text("utf-8")
    assert 'href="playground.html"' in en and 'href="../playground.html"' in zh
    assert (out / "playground.html").is_file()
    assert not report.failed and not report.omitted
    assert [c[0] for c in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1]
    assert not list(out.rglob("*.tmp"))  # atomic writes leave no temp files
    assert report.index == out / "index.html"


def test_rebuild_without_changes_renders_nothing(tmp_path):
    out = tmp_path / "site"
    first = site.build(out, jobs=1, renderer=tiny_renderer)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = site.build(out, jobs=1, renderer=tiny_renderer)
    assert again.rendered == 0 and again.written == 0
    assert again.reused == first.rendered
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_changed_template_rerenders_pages_only(tmp_path):
    out = tmp_path / "site"
    site.build(out, jobs=1, renderer=tiny_renderer)
    tdir = tmp_path / "templates"
    tdir.mkdir()
    import importlib.resources

    packaged = Path(str(importlib.resources.files("convviz.templates")))
    text = (packaged / "index.html").read_text("utf-8")
    (tdir / "index.html").write_text(text.replace("<main id=\"main\">",
                                                  "<main id=\"main\"><p>CUSTOM</p>"))
    report = site.build(out, jobs=1, renderer=tiny_renderer, templates=tdir)
    assert report.rendered == 0 and report.written == 2  # the English and the Chinese page
    assert "<p>CUSTOM</p>" in (out / "index.html").read_text("utf-8")
    assert "<p>CUSTOM</p>" in (out / "zh" / "index.html").read_text("utf-8")


def test_a_missing_picture_is_rendered_again_alone(tmp_path):
    out = tmp_path / "site"
    site.build(out, jobs=1, renderer=tiny_renderer)
    (out / "img" / "dilation.gif").unlink()
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    assert report.rendered == 1 and (out / "img" / "dilation.gif").is_file()
    assert site.build(out, jobs=1, renderer=tiny_renderer, force=True).reused == 0


def test_lang_changes_pages_not_pictures(tmp_path):
    out = tmp_path / "site"
    site.build(out, jobs=1, renderer=tiny_renderer)
    report = site.build(out, jobs=1, renderer=tiny_renderer, lang="zh")
    assert report.rendered == 0
    assert "门卷积" in (out / "index.html").read_text("utf-8")


def test_builds_are_deterministic_and_parallel_builds_agree(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    site.build(a, jobs=1, renderer=tiny_renderer)
    site.build(b, jobs=2, renderer=tiny_renderer)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_a_template_error_stops_a_cold_parallel_build_before_any_picture(tmp_path):
    """A cold build starts its workers before the pages are checked: a page that cannot
    be rendered still stops it before any picture is written, and its workers with it."""
    import multiprocessing

    from convviz.site.templating import TemplateError

    tdir = tmp_path / "t"
    tdir.mkdir()
    (tdir / "index.html").write_text("{{ site.no_such_field }}")
    out = tmp_path / "site"
    with pytest.raises(TemplateError, match="no_such_field"):
        site.build(out, jobs=2, renderer=tiny_renderer, templates=tdir)
    assert not [p for p in out.rglob("*") if p.is_file()]
    assert not multiprocessing.active_children()


def test_failed_picture_leaves_its_card_out(tmp_path, monkeypatch):
    out = tmp_path / "site"
    monkeypatch.setattr(__import__(__name__), "FAIL", {"img/padding_strides.svg"})
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    assert list(report.failed) == ["img/padding_strides.svg"]
    assert "boom" in report.failed["img/padding_strides.svg"]
    html = (out / "index.html").read_text("utf-8")
    assert 'id="padding_strides"' not in html
    assert all((out / r).is_file() for r in _referenced(out))
    # the next build tries it again
    monkeypatch.setattr(__import__(__name__), "FAIL", set())
    assert site.build(out, jobs=1, renderer=tiny_renderer).rendered == 1


def test_bad_arguments(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(convviz.OutputError):
        site.build(afile, renderer=tiny_renderer)
    with pytest.raises(convviz.SpecError, match="jobs"):
        site.build(tmp_path / "o", jobs=0, renderer=tiny_renderer)
    with pytest.raises(convviz.SpecError, match="templates"):
        site.build(tmp_path / "o", templates=tmp_path / "nowhere", renderer=tiny_renderer)
    with pytest.raises(convviz.SpecError, match="lang"):
        site.build(tmp_path / "o", lang="xx", renderer=tiny_renderer)


def test_corrupt_manifest_means_a_full_build(tmp_path):
    out = tmp_path / "site"
    site.build(out, jobs=1, renderer=tiny_renderer)
    (out / site.MANIFEST_NAME).write_text("{not json")
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    assert report.reused == 0 and report.rendered > 0


def test_the_real_renderer_draws_a_gif_and_its_still():
    job = model()[1]["img/no_padding_no_strides.gif"]
    gif = site.render_picture(job)
    with Image.open(io.BytesIO(gif)) as im:
        assert im.format == "GIF" and im.n_frames == PRESETS[job.source].spec.frame_count
    still = model()[1]["img/no_padding_no_strides.png"]
    with Image.open(io.BytesIO(site.render_picture(still))) as im:
        assert im.format == "PNG"
    with Image.open(io.BytesIO(site.render_draft(job))) as im:
        assert im.n_frames == 1


def _svg_texts(svg: bytes) -> list[str]:
    """Every text an SVG writes (matplotlib's SVG keeps words as <text>)."""
    import xml.etree.ElementTree as ET

    tag = "{http://www.w3.org/2000/svg}text"
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(tag)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_diagram_pictures_are_asked_for_without_their_title(lang):
    from convviz.draw.diagrams import DIAGRAM_PRESETS

    _, jobs = model(lang, diagrams=DIAGRAM_PRESETS, takes_lang=True)
    sources = {job.source for job in jobs.values()}
    assert set(DIAGRAM_PRESETS) <= sources
    for job in jobs.values():  # every file of a diagram, the downloads too
        assert job.kwargs.get("title") is (False if job.source in DIAGRAM_PRESETS else None)


def test_no_card_picture_repeats_the_card_heading():
    """The drafts of the diagram cards' pictures, read as SVG text: neither the card's
    heading nor the picture's own title line is in them (it would be without
    title=False, as the last check shows)."""
    from convviz.draw.diagrams import DIAGRAM_PRESETS

    m, jobs = model(diagrams=DIAGRAM_PRESETS)
    cards = [c for c in m.cards if c.id in DIAGRAM_PRESETS]
    assert {c.id for c in cards} == set(DIAGRAM_PRESETS)
    for card in cards:
        (fig,) = card.figures
        for image in (fig.animation, fig.still):
            job = jobs[image.path]
            own = convviz.animate(job.source, **job.kwargs).source.title
            texts = _svg_texts(site.render_draft(job))
            assert len(texts) > 5 and own and card.title
            for text in texts:
                assert card.title not in text and own not in text, (image.path, text)
    job = jobs[cards[-1].figures[0].animation.path]
    titled = dataclasses.replace(job, options=tuple(o for o in job.options if o[0] != "title"))
    assert any(convviz.animate(job.source).source.title in text
               for text in _svg_texts(site.render_draft(titled)))


def test_importing_the_site_module_does_not_load_matplotlib():
    import subprocess
    import sys

    code = "import sys, convviz.site.builder; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_pictures_no_longer_shown_are_removed(tmp_path, monkeypatch):
    out = tmp_path / "site"
    site.build(out, jobs=1, renderer=tiny_renderer)
    assert (out / "img" / "causal_1d.gif").is_file()
    import convviz.presets

    monkeypatch.delitem(convviz.presets.PRESETS, "causal_1d")
    report = site.build(out, jobs=1, renderer=tiny_renderer)
    assert report.rendered == 0
    assert not list((out / "img").glob("causal_1d*"))
    assert "causal_1d" not in (out / "index.html").read_text("utf-8")
    manifest = json.loads((out / site.MANIFEST_NAME).read_text("utf-8"))
    assert not any("causal_1d" in p for p in manifest["pictures"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ids_are_unique_and_anchors_resolve(lang):
    import collections

    m, _ = model(lang)
    html = site.render_pages(m)["index.html"].decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert [i for i, n in collections.Counter(ids).items() if n > 1] == []
    assert set(re.findall(r'href="#([^"]+)"', html)) <= set(ids)


def test_every_text_key_exists_in_every_language():
    from convviz.site.text import LANGS, TEXT

    keys = {lang: set(TEXT[lang]) for lang in LANGS}
    for lang in LANGS:
        missing = set().union(*keys.values()) - keys[lang]
        assert not missing, f"{lang} lacks {sorted(missing)}"


def test_both_languages_have_the_same_notes_and_pictures():
    en, en_jobs = model("en")
    zh, zh_jobs = model("zh")
    # the renderer draws no words in Chinese: one set of pictures for both languages
    assert en_jobs == zh_jobs
    en_notes = [c.note for c in en.cards]
    zh_notes = [c.note for c in zh.cards]
    assert [bool(n) for n in en_notes] == [bool(n) for n in zh_notes]
    assert sum(map(bool, zh_notes)) >= 15
    for note in zh_notes:
        assert not note or re.search(r"[\u4e00-\u9fff]", note), note
    # every gallery picture is drawn without labels, in the light theme (the SVG turns
    # dark with the page)
    for job in en_jobs.values():
        assert job.kwargs["labels"] is False and job.kwargs["theme"] == "classic"
    # with a renderer that draws words in a language, the diagrams are drawn per language
    # and the text-free pictures still shared
    _, zh_own = model("zh", takes_lang=True)
    _, en_own = model("en", takes_lang=True)
    per_lang = {p for p in zh_own if p not in en_own}
    assert per_lang and all(p.endswith(("-zh.svg", "-zh-still.svg", "-zh.gif", "-zh.png"))
                            for p in per_lang)
    assert all(zh_own[p].kwargs["lang"] == "zh" for p in per_lang)
    assert {p.split("-zh")[0].removeprefix("img/") for p in per_lang} <= set(DIAGRAMS)
    assert set(en_own) == set(en_jobs)  # English: the default words, the same files


def test_drawn_as_describes_every_axis():
    from convviz.core.arithmetic import canvas_pads
    from convviz.site.models import drawn_as

    spec = convviz.ConvSpec((5, 6), (3, 2), stride=(2, 1), padding=0, transposed=True)
    pads = canvas_pads(spec)
    text = drawn_as(spec, "en")
    assert pads[0] != pads[1]
    assert f"padded before: {pads[0][0]}, {pads[1][0]}" in text
    assert "1, 0 zeros" in text


# -------------------------------------------------------------------------------------------
# dark pictures: the light ones recoloured into the dark theme


def test_recolouring_maps_theme_colours_and_their_blends():
    import numpy as np

    from convviz.look.themes import blend, get_theme, hex_to_rgb
    from convviz.site.recolour import to_dark

    light, dark = get_theme("classic"), get_theme("dark")
    for name in ("background", "input_fill", "output_fill", "stroke", "line"):
        got = to_dark(np.array([hex_to_rgb(getattr(light, name))], dtype=np.uint8))[0]
        assert tuple(got) == hex_to_rgb(getattr(dark, name)), name
    # an anti-aliased edge: halfway between input and background stays halfway
    mid = blend(light.input_fill, light.background, 0.5)
    got = to_dark(np.array([hex_to_rgb(mid)], dtype=np.uint8))[0]
    want = hex_to_rgb(blend(dark.input_fill, dark.background, 0.5))
    assert max(abs(int(a) - b) for a, b in zip(got, want)) <= 1


@pytest.mark.parametrize("name", ["padding_strides_transposed", "glu_block"])
def test_recoloured_pictures_match_the_dark_theme(name):

    import numpy as np

    from convviz.site.recolour import frame_to_dark

    light = convviz.animate(name, theme="classic", labels=False)
    dark = convviz.animate(name, theme="dark", labels=False)
    frame = light.poster_frame
    ours = frame_to_dark(light.frame(frame)).astype(float)
    real = dark.frame(frame).astype(float)
    assert ours.shape == real.shape
    assert np.abs(ours - real).mean() < 4  # of 255: the same picture, anti-aliasing aside
    assert ours.mean() / 255 < 0.5


def _shown(svg: bytes, frame: int | None, count: int) -> list[tuple[str, ...]]:
    """What an SVG paints at ``frame`` (None: under reduced motion, i.e. the groups the
    stylesheet keeps), in painting order: (tag, path data with numbers to 2 decimals,
    text), read with ElementTree from the SMIL display animations."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"

    def visible(group) -> bool:
        animate = group.find(f"{ns}animate")
        if frame is None:
            classes = (group.get("class") or "").split()
            return "p" in classes if "f" in classes else True
        if animate is None:
            return group.get("display") != "none"
        values = animate.get("values").split(";")
        times = [float(t) for t in animate.get("keyTimes").split(";")]
        at = frame / count
        return [v for v, t in zip(values, times) if t <= at + 1e-9][-1] == "inline"

    def number(m):
        return f"{float(m.group(0)) + 0.0:.2f}".replace("-0.00", "0.00")

    out: list[tuple[str, ...]] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag.replace(ns, "")
            if tag == "g":
                if visible(child):
                    walk(child)
            elif tag in ("path", "text", "image"):
                d = re.sub(r"-?\d+(\.\d+)?", number, child.get("d") or "")
                out.append((tag, " ".join(re.sub(r"([A-Za-z])", r" \1 ", d).split()),
                            "".join(child.itertext())))

    walk(ET.fromstring(svg))
    return out


@pytest.mark.parametrize("name, view", [("padding_strides_transposed", "scatter"),
                                        ("glu_block", "gather")])
def test_themed_svgs_take_the_dark_colours_from_the_one_mapping(name, view):
    from convviz.encode.vector import svg_bytes
    from convviz.look.themes import hex_to_rgb
    from convviz.site.recolour import to_dark
    from convviz.site.themed import poster_svg, svg_size, svg_text_px, themed_svg

    anim = convviz.animate(name, theme="classic", labels=False, view=view)
    raw = svg_bytes(anim, duration_ms=anim.duration_ms)
    svg = themed_svg(raw)
    text = svg.decode()
    assert themed_svg(raw) == svg  # deterministic
    # no literal colour is left outside the two blocks of custom properties
    light_block = re.search(r":root\{([^}]*)\}", text).group(1)
    dark_block = re.search(r"prefers-color-scheme: dark\)\{:root\{([^}]*)\}", text).group(1)
    body = text.replace(light_block, "").replace(dark_block, "")
    assert not re.search(r"#[0-9a-fA-F]{6}\b", body)
    light = dict(item.split(":") for item in light_block.split(";"))
    dark = dict(item.split(":") for item in dark_block.split(";"))
    assert light.keys() == dark.keys() and len(light) >= 3
    for var, colour in light.items():
        want = to_dark(np.array([hex_to_rgb(colour)], dtype=np.uint8))[0]
        assert hex_to_rgb(dark[var]) == tuple(int(v) for v in want), var
        assert f"var({var})" in body
    # every frame shows exactly what it showed, in the same order; text stays text
    assert "prefers-reduced-motion: reduce" in text
    for n in range(anim.frame_count):
        assert _shown(svg, n, anim.frame_count) == _shown(raw, n, anim.frame_count), n
    assert _shown(svg, None, anim.frame_count) == _shown(raw, anim.poster_frame,
                                                        anim.frame_count)
    # its still (the reduced-motion picture) is the poster frame, not animated
    still = poster_svg(svg)
    assert b"<animate" not in still
    for n in (0, anim.frame_count - 1):
        assert _shown(still, n, anim.frame_count) == _shown(raw, anim.poster_frame,
                                                           anim.frame_count)
    assert svg_size(svg) == tuple(int(v) for v in anim.source.size)
    sizes = [float(v) for v in re.findall(r"font-size: ?([\d.]+)px", raw.decode())]
    assert svg_text_px(svg) == (pytest.approx(min(sizes), abs=1e-3) if sizes else None)


def test_gather_and_scatter_views_loop_in_step():
    from convviz.animation import animate

    _, jobs = model()
    gifs = {path: job for path, job in jobs.items()
            if path.endswith("-scatter.gif")}
    assert len(gifs) >= 9
    for path, scatter in gifs.items():
        gather = jobs[path.replace("-scatter", "")]
        loops = []
        for job in (gather, scatter):
            kw = job.kwargs
            seconds = kw["duration"]
            assert abs(round(seconds * 100) - seconds * 100) < 1e-9  # whole centiseconds (GIF)
            frames = animate(job.source, **kw).frame_count  # the real animations' frames
            loops.append(round(frames * seconds * 100))
        assert loops[0] == loops[1], path
        assert gather.kwargs["duration"] >= 1.0


def test_network_tables_come_from_the_engine():
    m, _ = model()
    tables = {b.table.caption: b.table for s in m.sections for b in s.blocks if b.table}
    stem = next(t for c, t in tables.items() if "ResNet" in c)
    conv = convviz.ConvSpec((224, 224), 7, stride=2, padding=3, in_channels=3, out_channels=64)
    o = conv.output_size
    assert stem.rows[0][1] == f"(1, 3, 224, 224) → (1, 64, {o[0]}, {o[1]})"
    assert stem.rows[0][2] == f"(1, 224, 224, 3) → (1, {o[0]}, {o[1]}, 64)"
    assert stem.rows[0][4] == f"{7 * 7 * 3 * 64 + 64:,}"
    pool = convviz.ConvSpec(o, 3, stride=2, padding=1)
    assert stem.rows[1][1].endswith(f"(1, 64, {pool.output_size[0]}, {pool.output_size[1]})")
    assert stem.rows[1][3] == "11×11"  # 7 + (3 − 1)·2
    text = next(t for c, t in tables.items() if "Conv1D" in c)
    assert text.head[1] == "PyTorch (N, C, L)" and text.head[2] == "Keras (N, L, C)"
    assert text.rows[0][2] == "(1, 50, 128) → (1, 46, 64)"  # (N, T, C) → (N, T′, filters)
    assert [r[3] for r in text.rows] == ["5", "9"]  # 1 + 2·2, then + 2·2


def test_separable_section_prints_the_frameworks_code():
    from convviz.core.arithmetic import separable_example
    from convviz.core.frameworks import separable_layers

    m, _ = model()
    ex = separable_example()
    code = separable_layers(ex["depthwise"], ex["pointwise"])
    section = next(s for s in m.sections if s.id == "separable")
    printed = [line.code for b in section.blocks if b.kind == "code" for line in b.code]
    assert code["pytorch"] in printed and code["keras"] in printed
    assert any("SeparableConv2D" in c for c in printed)
    assert any("kernel_size=(5, 1)" in c and "kernel_size=(1, 5)" in c for c in printed)


def test_formulas_break_only_between_equalities():
    import html as html_module

    m, _ = model()
    page = site.render_pages(m)["index.html"].decode()
    rendered = re.findall(r'<p class="formula">(.*?)</p>', page)
    lines = [line for card in m.cards for line in card.formula]
    assert len(rendered) == len(lines) > 0
    for got, line in zip(rendered, lines):
        terms = re.findall(r'<span class="term">(.*?)</span>', got)
        assert html_module.unescape(" ".join(terms)) == line  # nothing lost or reordered
        assert all(" = " not in t.partition(" = ")[2] for t in terms[1:])  # one "=" per term


def test_diagrams_open_full_size_on_tap():
    m, _ = model()
    page = site.render_pages(m)["index.html"].decode()
    diagrams = [c for c in m.cards if not c.caption]  # diagram cards carry no spec caption
    assert diagrams
    for card in diagrams:
        (fig,) = card.figures
        assert fig.zoom and f'<a class="zoom" href="{fig.animation.path}">' in page


_WARM = """
import gc, json, sys
from convviz.site.pictures import WORKER_GC_THRESHOLD, warm
before = gc.get_freeze_count()
warm()
from convviz.draw.canvas import size_blind_fonts
print(json.dumps([before, gc.get_freeze_count(), gc.get_threshold()[0], WORKER_GC_THRESHOLD,
                  "matplotlib.backends.backend_svg" in sys.modules, size_blind_fonts()]))
"""


def test_a_warmed_worker_has_drawing_imported_and_its_imports_out_of_the_collector():
    """convviz.site.pictures.warm, in a gallery worker of its own: what drawing needs is
    imported, fonts are looked up size-blind, what the imports made is frozen out of the
    cyclic collector's scans and its youngest generation collected less often."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", _WARM], capture_output=True, text=True,
                         check=True)
    before, frozen, threshold, wanted, imported, blind = json.loads(run.stdout)
    assert frozen > before + 10_000  # (matplotlib's modules alone make far more)
    assert threshold == wanted > 700  # (Python's default)
    assert imported and blind
