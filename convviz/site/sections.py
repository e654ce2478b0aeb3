"""The gallery's sections, card by card: the seed's notes as a view model.

:func:`collect` turns the preset and diagram tables into a
:class:`~convviz.site.models.SiteModel` (sections → blocks → cards) and the
:class:`~convviz.site.models.ImageJob` s its pictures need, for one language.
Every number comes from the engine (:mod:`convviz.core.arithmetic`,
:mod:`convviz.core.frameworks`, :mod:`convviz.core.network`); every word from
the text table (:mod:`convviz.site.text`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from convviz.core.arithmetic import (
    formula_lines,
    path_lengths,
    separable_example,
    spatially_separable_example,
    stack_receptive_field,
)
from convviz.core.frameworks import keras_layer, pytorch_layer, separable_layers
from convviz.core.spec import ConvSpec
from convviz.errors import SpecError
from convviz.site.models import (
    Block,
    Card,
    CodeLine,
    Figure,
    ImageJob,
    Link,
    Section,
    SiteModel,
    Table,
    _num,
    _one,
    _size,
    alt_text,
    drawn_as,
    hover_grid,
    paired_durations,
    playground_fragment,
    scatter_frames,
    shape_row,
    window_starts,
)
from convviz.site.pictures import Pictures
from convviz.site.text import DIAGRAM_TITLES_ZH, LANGS, PRESET_TITLES_ZH, TEXT

__all__ = ["DIAGRAM_ROLES", "collect", "diagram_roles"]

# -------------------------------------------------------------------------------------------
# collecting the site


#: which diagram plays which part, matched against diagrams.DIAGRAM_PRESETS names
DIAGRAM_ROLES: dict[str, tuple[str, ...]] = {
    "path_length": ("path_length", "path"),
    "dilated_stack": ("stack_plain_vs_dilated", "dilated_stack", "stack"),
    "wavenet": ("wavenet",),
    "separable": ("separable_conv", "separable"),
    "glu_block": ("glu_block", "glu"),
    "glu_same": ("glu_block_same",),
    "highway_block": ("highway_block", "highway", "dgcnn"),
}


def diagram_roles(names: Iterable[str]) -> dict[str, str]:
    """role -> diagram name, the first name matching each role's patterns (exact first)."""
    names = list(names)
    roles: dict[str, str] = {}
    for role, patterns in DIAGRAM_ROLES.items():
        for pattern in patterns:
            hit = [n for n in names if n == pattern] or [n for n in names if pattern in n]
            hit = [n for n in hit if n not in roles.values()]
            if hit:
                roles[role] = hit[0]
                break
    return roles


def _title(preset: Any, lang: str) -> str:
    if lang == "zh":
        if preset.name in PRESET_TITLES_ZH:
            return PRESET_TITLES_ZH[preset.name]
        if preset.name.endswith("_transposed") and preset.name[:-11] in PRESET_TITLES_ZH:
            return PRESET_TITLES_ZH[preset.name[:-11]] + "，转置"
    return preset.title


class _Builder:
    def __init__(self, lang: str, pics: Pictures, presets: Mapping[str, Any],
                 diagrams: Mapping[str, Any]):
        self.lang = lang
        self.t = TEXT[lang]
        self.pics = pics
        self.presets = presets
        self.diagrams = diagrams
        self.roles = diagram_roles(diagrams)
        self.omitted: list[str] = []

    # -- cards ------------------------------------------------------------------------------
    def _figure(self, name: str, spec: ConvSpec | None, label: str = "", view: str = "gather",
                alt: Callable[[bool], str] | None = None,
                duration: float | None = None, words: bool = False) -> Figure | None:
        """The SVG animation, its SVG still and the GIF and PNG downloads of one view.

        A preset's gather view is the oblique picture: inlined in the page (hover works
        on it), it shows its poster frame under reduced motion by itself (no still).
        """
        def alt_for(still: bool) -> str:
            if alt is not None:
                return alt(still)
            assert spec is not None
            return alt_text(spec, self.lang, view=view, still=still)

        anim = self.pics.add(name, alt_for(False), view=view, duration=duration, words=words)
        if anim is None:
            return None
        oblique = spec is not None and view == "gather"
        still = None if oblique else self.pics.add(name, alt_for(True), still=True, view=view,
                                                   optional=True, duration=duration,
                                                   words=words)
        downloads = []
        for is_still, key in ((False, "download_gif"), (True, "download_png")):
            href = self.pics.download(name, still=is_still, view=view, duration=duration,
                                      words=words)
            if href is not None:
                downloads.append(Link(href, self.t[key] + (f" ({label})" if label else "")))
        return Figure(label, anim, still, downloads=tuple(downloads))

    def _links(self, name: str, spec: ConvSpec, figures: Sequence[Figure]) -> tuple[Link, ...]:
        """The card's links: the spec in the playground, then the downloads."""
        links = [Link(self.pics.root + "playground.html" + playground_fragment(spec),
                      self.t["open_playground"])]
        for fig in figures:
            links += fig.downloads
        # the numbers-mode version as a still: drawing every numbers frame costs ~10× an
        # oblique frame, and the paper's numerical figures are stills too
        numbers = self.pics.download(name, still=True, numbers=True)
        if numbers is not None:
            links.append(Link(numbers, self.t["numbers"]))
        return tuple(links)

    def conv_card(self, name: str, *, grid: bool = True, anchor: str = "") -> Card | None:
        """The card of preset ``name``; ``anchor`` makes its ids unique when shown twice."""
        anchor = anchor or name
        preset = self.presets.get(name)
        if preset is None:
            self.omitted.append(name)
            return None
        spec: ConvSpec = preset.spec
        title = _title(preset, self.lang)
        if spec.transposed:
            gather, scatter = paired_durations(spec.frame_count, scatter_frames(spec))
            figs = [self._figure(name, spec, self.t["gather_view"], duration=gather),
                    self._figure(name, spec, self.t["scatter_view"], view="scatter",
                                 duration=scatter)]
            figures = tuple(f for f in figs if f is not None)
            if not figs[0]:
                self.omitted.append(name)
                return None
        else:
            fig = self._figure(name, spec)
            if fig is None:
                self.omitted.append(name)
                return None
            figures = (fig,)
        params: list[tuple[str, str]] = []
        code: list[CodeLine] = []
        formula = formula_lines(spec)
        if spec.transposed:
            direct = spec.transpose()
            shapes = f"{_size(direct.input_size)} → {_size(direct.output_size)}"
            params.append((self.t["transposes"], f"{pytorch_layer(direct)['code']}  # {shapes}"))
            params.append((self.t["own_params"], pytorch_layer(spec)["code"]))
            params.append((self.t["drawn_as"], drawn_as(spec, self.lang)))
        else:
            code.append(CodeLine("PyTorch", pytorch_layer(spec)["code"]))
        keras = keras_layer(spec)
        code.append(CodeLine("Keras", keras["code"] or keras["note"]))
        hover = None
        if grid and spec.ndim <= 2:
            hover = hover_grid(spec, f"grid-{anchor}", self.t["grid_label"].format(title=title),
                               self.t["out_cell"])
        return Card(
            id=anchor, title=title, caption=spec.describe(), figures=figures,
            links=self._links(name, spec, figures), formula=formula, params=tuple(params),
            code=tuple(code), grid=hover, note=self._note(name, spec),
            wide=spec.transposed,
        )

    def _note(self, name: str, spec: ConvSpec) -> str:
        """The card's note from the text table, its numbers from the engine ("" if none)."""
        t = self.t
        direct = name[:-len("_transposed")] if name.endswith("_transposed") else ""
        if f"note_{name}" not in t:
            if direct in self.presets and self.presets[name].classic:
                return t["note_transposed_of"].format(title=_title(self.presets[direct],
                                                                   self.lang))
            return ""
        values: dict[str, Any] = {"i": _size(spec.input_size), "o": _size(spec.output_size),
                                  "k": _one(spec.kernel_size), "s": _one(spec.stride),
                                  "p": _one(spec.padding_before),
                                  "op": _one(spec.output_padding)}
        if direct in self.presets:
            values["title"] = _title(self.presets[direct], self.lang)
        if spec.ndim == 1:
            last = spec.output_size[0] - 1
            values["reads"] = ", ".join(
                "t" if r == 0 else f"t−{-r}" for r in
                (int(v) - last for v in spec.input_taps[last, :, 0]) if r <= 0)
        return t[f"note_{name}"].format(**values)

    def diagram_card(self, role: str) -> Card | None:
        name = self.roles.get(role)
        if name is None:
            self.omitted.append(role)
            return None
        d = self.diagrams[name]
        title = DIAGRAM_TITLES_ZH.get(role, d.title) if self.lang == "zh" else d.title
        description = self.t.get(f"note_{role}", "")
        if role == "separable":
            ex = separable_example()
            std = ex["standard"].multiply_count
            sep = ex["depthwise"].multiply_count + ex["pointwise"].multiply_count
            description = description.format(sep=_num(sep), std=_num(std))

        def alt(still: bool) -> str:
            what = self.t["alt_still"].strip() if still else self.t["alt_figure"]
            return self.t["alt_diagram"].format(what=what, title=title,
                                                description=description).strip()

        fig = self._figure(name, None, alt=alt, words=True)
        if fig is None:
            self.omitted.append(name)
            return None
        fig = Figure(fig.label, fig.animation, fig.still, zoom=True, downloads=fig.downloads)
        links = fig.downloads
        return Card(id=name, title=title, caption="", figures=(fig,), links=links,
                    note=description, wide=True)

    @staticmethod
    def _cards(*cards: Card | None) -> tuple[Card, ...]:
        return tuple(c for c in cards if c is not None)

    # -- sections ---------------------------------------------------------------------------
    def why(self) -> tuple[Block, ...]:
        t = self.t
        ns = (16, 128, 1024)
        lengths = path_lengths(ns, 3, 2)
        rows = [(n, lengths["rnn"][r], lengths["conv"][r], lengths["dilated"][r])
                for r, n in enumerate(ns)]
        table = Table(t["why_table"],
                      (t["why_n"], t["why_rnn"], t["why_plain"].format(k=3),
                       t["why_dilated"].format(k=2)),
                      tuple(tuple(_num(int(v)) for v in row) for row in rows),
                      (True, True, True, True))
        sources = (Link("https://www.jiqizhixin.com/articles/041503", t["src_jiqizhixin"]),
                   Link("https://towardsdatascience.com/the-fall-of-rnn-lstm-2d1594c74ce0",
                        t["src_tds"], "en"),
                   Link("https://blog.csdn.net/heyc861221/article/details/80174475",
                        t["src_csdn_rnn"]))
        return (Block("text", paragraphs=(t["why_p1"],)),
                Block("cards", cards=self._cards(self.diagram_card("path_length")), per_row=1),
                Block("text", paragraphs=(t["why_p2"],)),
                Block("table", table=table),
                Block("text", paragraphs=(t["why_lstm"], t["why_seq"], t["why_attn"],
                                          t["why_task"])),
                Block("sources", title=t["sources"], links=sources))

    def basic(self) -> tuple[Block, ...]:
        names = [n for n, p in self.presets.items() if p.classic and p.family == "direct"]
        return (Block("text", paragraphs=(self.t["basic_p1"], self.t["legend"])),
                Block("cards", cards=self._cards(*(self.conv_card(n) for n in names)), per_row=4))

    def transposed(self) -> tuple[Block, ...]:
        names = [n for n, p in self.presets.items() if p.classic and p.family == "transposed"]
        ours = [n for n in ("output_padding_transposed", "dilation_transposed")
                if n in self.presets]
        return (Block("text", paragraphs=(self.t["tr_p1"], self.t["tr_p2"],
                                          self.t["tr_checker"])),
                Block("cards", cards=self._cards(*(self.conv_card(n) for n in names)), per_row=2),
                Block("heading", title=self.t["tr_ours"]),
                Block("cards", cards=self._cards(*(self.conv_card(n) for n in ours)), per_row=2))

    def dilated(self) -> tuple[Block, ...]:
        t = self.t
        rows = []
        for k, dil in ((3, (1, 1, 1)), (3, (1, 2, 4)), (2, (1, 2, 4, 8))):
            rf, params = stack_receptive_field(k, dil)
            rows.append((str(len(dil)), str(k), ", ".join(map(str, dil)), str(rf), str(params)))
        table = Table(t["dil_table"], (t["dil_layers"], t["dil_kernel"], t["dil_dilations"],
                                       t["dil_rf"], t["dil_params"]),
                      tuple(rows), (True, True, False, True, True))
        example = ConvSpec((16,), 3, dilation=2, in_channels=4, out_channels=8)
        code = (CodeLine("Keras", str(keras_layer(example)["code"])),
                CodeLine("PyTorch", str(pytorch_layer(example)["code"])))
        return (Block("text", paragraphs=(t["dil_p1"],)),
                Block("cards", cards=self._cards(self.conv_card("dilation")), per_row=2),
                Block("heading", title=t["dil_stack"]),
                Block("cards", cards=self._cards(self.diagram_card("dilated_stack"),
                                                 self.diagram_card("wavenet")), per_row=1),
                Block("table", table=table),
                Block("code", title=t["dil_code"], code=code, note=t["dil_code_note"]))

    def separable(self) -> tuple[Block, ...]:
        t = self.t
        ex = separable_example()
        std, dw, pw = ex["standard"], ex["depthwise"], ex["pointwise"]
        k = std.kernel_size[0]
        rows = (
            (t["sep_standard"], _num(std.parameter_count), _num(std.multiply_count)),
            (t["sep_depthwise"].format(k=k), _num(dw.parameter_count), _num(dw.multiply_count)),
            (t["sep_pointwise"], _num(pw.parameter_count), _num(pw.multiply_count)),
            (t["sep_total"], _num(dw.parameter_count + pw.parameter_count),
             _num(dw.multiply_count + pw.multiply_count)),
        )
        caption = t["sep_table"].format(i=std.input_size[0], c_in=std.channels[0], k=k,
                                        c_out=std.channels[1], o=std.output_size[0])
        table = Table(caption, (t["sep_layer"], t["sep_params"], t["sep_mults"]), rows,
                      (False, True, True))
        sep = dw.multiply_count + pw.multiply_count
        ratio = t["sep_ratio"].format(ratio=f"{100 * sep / std.multiply_count:.1f}%",
                                      sep=_num(sep), std=_num(std.multiply_count))
        layers = separable_layers(dw, pw)
        code = (CodeLine("PyTorch", layers["pytorch"]), CodeLine("Keras", layers["keras"]),
                CodeLine(t["sep_keras_pair"], layers["keras_pair"]))
        sp = spatially_separable_example()
        col, row = sp["column"], sp["row"]
        kk = f"{col.kernel_size[0]}×{col.kernel_size[1]}"
        rk = f"{row.kernel_size[0]}×{row.kernel_size[1]}"
        sp_rows = (
            (t["sep_standard"], _num(std.parameter_count), _num(std.multiply_count)),
            (kk, _num(col.parameter_count), _num(col.multiply_count)),
            (rk, _num(row.parameter_count), _num(row.multiply_count)),
            (t["sep_total"], _num(col.parameter_count + row.parameter_count),
             _num(col.multiply_count + row.multiply_count)),
        )
        sp_table = Table(t["sep_spatial_table"].format(first=kk, then=rk), table.head, sp_rows,
                         (False, True, True))
        sp_code = (CodeLine("PyTorch", f"nn.Sequential({pytorch_layer(col)['code']}, "
                                       f"{pytorch_layer(row)['code']})"),
                   CodeLine("Keras", f"keras.Sequential([{keras_layer(col)['code']}, "
                                     f"{keras_layer(row)['code']}])"))
        return (Block("text", paragraphs=(t["sep_p1"],)),
                Block("cards", cards=self._cards(self.diagram_card("separable")), per_row=1),
                Block("cards", cards=self._cards(self.conv_card("depthwise")), per_row=2),
                Block("table", table=table),
                Block("text", paragraphs=(ratio,)),
                Block("code", title=t["sep_code"], code=code,
                      note=t["sep_bias_note"].format(n=dw.channels[1])),
                Block("heading", title=t["sep_spatial"]),
                Block("text", paragraphs=(t["sep_spatial_p"].format(first=kk, then=rk),)),
                Block("table", table=sp_table),
                Block("code", title=t["sep_code"], code=sp_code))

    def shapes(self) -> tuple[Block, ...]:
        t = self.t
        rows = []
        for preset in self.presets.values():
            if preset.family not in ("direct", "transposed", "dilated", "ours"):
                continue
            rows.append((_title(preset, self.lang), preset.spec.describe(),
                         *shape_row(preset.spec)))
        table = Table(t["sh_table"], (t["sh_case"], t["caption_label"], t["sh_torch"],
                                      t["sh_keras"], t["sh_pad"]),
                      tuple(rows), (False, False, False, False, False))
        blocks = [Block("text", paragraphs=(t["sh_p1"],)), Block("table", table=table)]
        tf, pt = self.presets.get("tf_same_strides"), self.presets.get("padding_strides_odd")
        if tf is not None and pt is not None:
            p_torch = _one(pt.spec.padding_before)
            para = t["sh_same_p"].format(
                tf_starts=", ".join(map(str, window_starts(tf.spec))),
                torch_p=p_torch, torch_starts=", ".join(map(str, window_starts(pt.spec))))
            blocks += [Block("heading", title=t["sh_same_title"]),
                       Block("text", paragraphs=(para,)),
                       Block("cards", cards=self._cards(self.conv_card("tf_same_strides"),
                                                        self.conv_card("padding_strides_odd",
                                                                       anchor="torch_padding_strides_odd")),
                             per_row=2)]
        causal = self.presets.get("causal_1d")
        if causal is not None:
            spec = causal.spec
            last = spec.output_size[0] - 1
            reads = [int(v) - last for v in spec.input_taps[last, :, 0]]
            reads_text = ", ".join("t" if r == 0 else f"t−{-r}" if r < 0 else f"t+{r}"
                                   for r in reads)
            para = t["sh_causal_p"].format(before=spec.padding_before[0],
                                           after=spec.padding_after[0], reads=reads_text)
            blocks += [Block("heading", title=t["sh_causal_title"]),
                       Block("text", paragraphs=(para,)),
                       Block("cards", cards=self._cards(self.conv_card("causal_1d")), per_row=2)]
        return (*blocks, *self.networks())

    def networks(self) -> tuple[Block, ...]:
        """Whole networks, layer by layer: shapes with channels and receptive fields."""
        from convviz.core.network import network

        t = self.t
        text_model = [ConvSpec((50,), 3, dilation=2, in_channels=128, out_channels=64),
                      ConvSpec((46,), 3, dilation=2, in_channels=64, out_channels=64)]
        wavenet = "|".join(f"conv k2 d{d} causal c32" for d in (1, 2, 4, 8))
        cases = (("net_text", network(text_model)),
                 ("net_wavenet", network(wavenet, (64,), input_channels=32)),
                 ("net_stem", network("conv k7 s2 p3 c64 | maxpool k3 s2 p1", 224,
                                      input_channels=3)))
        blocks: list[Block] = [Block("heading", title=t["net_title"]),
                               Block("text", paragraphs=(t["net_p"],))]
        for key, net in cases:
            rows = []
            for n, row in enumerate(net.rows, start=1):
                c_in = row.in_channels if row.in_channels is not None else net.input_channels
                c_out = row.out_channels if row.out_channels is not None else c_in
                i, o = tuple(row.input_size), tuple(row.output_size)
                torch = f"{(1, c_in, *i)} → {(1, c_out, *o)}".replace(",)", ")")
                keras = f"{(1, *i, c_in)} → {(1, *o, c_out)}".replace(",)", ")")
                rows.append((f"{n}. {row.kind}", torch, keras, _size(row.receptive_field),
                             "–" if row.parameters is None else _num(row.parameters)))
            axes = "L" if len(net.input_size) == 1 else "H, W"
            head = (t["sh_layer"], t["sh_torch_n"].format(axes=axes),
                    t["sh_keras_n"].format(axes=axes), t["dil_rf"], t["sep_params"])
            caption = t[key].format(t=net.input_size[0], c=net.input_channels)
            blocks.append(Block("table", table=Table(caption, head, tuple(rows),
                                                     (False, False, False, True, True))))
        return tuple(blocks)

    def gated(self) -> tuple[Block, ...]:
        t = self.t
        k, c, n, steps = 3, 4, 4, 8
        spec = ConvSpec((steps,), k, padding="causal", in_channels=c, out_channels=n)
        cost = t["g_cost"].format(k=k, c=c, n=n, params=_num(2 * spec.parameter_count), t=steps,
                                  mults=_num(2 * spec.multiply_count),
                                  gates=_num(math.prod(spec.output_size) * n))
        dil = (1, 2, 4, 8)
        rf, _ = stack_receptive_field(k, dil)
        dgcnn = t["g_dgcnn"].format(k=k, dil=", ".join(map(str, dil)), rf=rf)
        sources = (Link("https://blog.csdn.net/stdcoutzyx/article/details/55004458",
                        t["src_csdn_glu"]),
                   Link("https://kexue.fm/archives/5409#门机制", t["src_kexue"]))
        return (Block("text", paragraphs=(t["g_p1"],)),
                Block("formulas"),
                Block("cards", cards=self._cards(self.diagram_card("glu_block"),
                                                 self.diagram_card("highway_block"),
                                                 self.diagram_card("glu_same")), per_row=1),
                Block("text", paragraphs=(t["g_p2"], dgcnn, cost)),
                Block("sources", title=t["sources"], links=sources))


def collect(
    lang: str = "en",
    *,
    presets: Mapping[str, Any],
    diagrams: Mapping[str, Any],
    available: Callable[[str], bool],
    identities: Mapping[str, str],
    version: str,
    failed: Iterable[str] = (),
    sizes: Mapping[str, tuple[int, ...]] | None = None,
    root: str = "",
    languages: Sequence[Link] = (),
    takes_lang: bool = False,
    inline: Mapping[str, str] | None = None,
    picture_css: str = "",
) -> tuple[SiteModel, dict[str, ImageJob]]:
    """The whole site as a view model, and the pictures it needs (path -> job).

    ``available(name)``: whether a picture of preset/diagram ``name`` can be
    made; ``failed``: picture paths whose rendering failed (their cards, or
    links, are left out); ``sizes``: path -> (width, height, narrowest display width
    for its text, 0 if none) of made pictures; ``takes_lang``: whether the renderer
    draws a diagram's words in the page's language; ``inline``: path -> the markup of
    an SVG to put in the page itself, ``picture_css`` the CSS those pictures share;
    ``root``: what the page's URLs of pictures and assets start with (``"../"``
    for a page one folder down); ``languages``: links to the page in other
    languages.
    """
    if lang not in LANGS:
        raise SpecError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    pics = Pictures(available, frozenset(failed), identities, sizes or {}, root, lang,
                     takes_lang, inline or {})
    b = _Builder(lang, pics, presets, diagrams)
    t = TEXT[lang]
    parts = [("why", t["s_why"], b.why), ("basic", t["s_basic"], b.basic),
             ("transposed", t["s_transposed"], b.transposed),
             ("dilated", t["s_dilated"], b.dilated), ("separable", t["s_separable"], b.separable),
             ("shapes", t["s_shapes"], b.shapes), ("gated", t["s_gated"], b.gated)]
    sections = tuple(Section(sid, n, title, make())
                     for n, (sid, title, make) in enumerate(parts, start=1))
    model = SiteModel(lang, t["html_lang"], t["site_title"], t["site_subtitle"], sections,
                      t, version, tuple(dict.fromkeys(b.omitted)), root, tuple(languages),
                      picture_css)
    return model, pics.jobs
