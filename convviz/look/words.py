"""The words pictures carry, in every language: one table per language, and their fonts.

Every title, label, caption and note a picture draws comes from :data:`WORDS`
(``WORDS[lang][key]``, a ``str.format`` template): :data:`WORDS_EN` holds the
English pictures' words exactly as they always were, :data:`WORDS_ZH` the
Chinese ones. Both tables have the same keys and the same ``{fields}`` (a
test checks). Numbers, symbols (σ, ⊗, ×) and code names (``Conv1D``, ``k``,
``groups``) stay as they are in both.

Fonts: Latin text is drawn in DejaVu Sans (ships with matplotlib) in every
language; a Chinese picture lists a CJK font after it, which matplotlib uses
for the glyphs DejaVu Sans lacks (its font fallback). :func:`font_families`
gives that list, :func:`check_fonts` refuses (SpecError) a Chinese picture on
a machine with no CJK font rather than draw empty boxes.

Data and font lookup only: importing this module does not import matplotlib.

>>> word("zh", "stack.inputs", n=7)
'7 个输入'
"""

from __future__ import annotations

import functools
import string
from typing import Any

from convviz.core.arithmetic import PATH_LENGTH_DEFINITION
from convviz.errors import SpecError

__all__ = ["CJK_FONTS", "LANGS", "PRESET_TITLES_ZH", "WORDS", "WORDS_EN", "WORDS_ZH",
           "check_fonts", "check_lang", "describe", "font_families", "svg_font_family", "word"]

#: the picture languages, the default first
LANGS = ("en", "zh")

#: the Latin font of every picture (ships with matplotlib)
LATIN_FONT = "DejaVu Sans"
LATIN_MONO = "DejaVu Sans Mono"
#: CJK fonts a Chinese picture falls back to, in order of preference (the first one
#: installed is used; Noto Sans CJK comes with the fonts-noto-cjk package)
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei")

WORDS_EN: dict[str, str] = {
    # -- the theme's plane labels ---------------------------------------------------------
    "input": "input",
    "output": "output",
    "sep": "; ",
    "list_sep": ", ",
    # -- oblique pictures (scene captions, labels) ---------------------------------------------
    "scene.title_params": "{title}: {params}",
    "scene.note": " ({note})",
    "scene.frame": "output {index}{of_channel} reads the window at canvas [{where}] ({taps} taps)",
    "scene.of_channel": " of output channel {channel}",
    "scene.channel_of": "channel {channel} of {channels}: ",
    "scene.depthwise": "depthwise, groups={groups}: every channel has its own kernel",
    "scene.groups": ("groups={groups}: each output channel sees {seen} of {channels} input "
                     "channels"),
    "scene.summed": "{c_in} input channels, {c_out} output channels, summed over channels",
    "scene.rule_causal": "output t sits over its window's last cell (causal)",
    "scene.rule_centre": "output t sits over its window's centre",
    "scene.pads_before_after": "p′={before} before, {after} after",
    "scene.zero_between": ", {zeros} zero between inputs",
    "scene.zeros_between": ", {zeros} zeros between inputs",
    "scene.as_drawn": "as drawn: direct, s′=1, {pads}{inserted}",
    "scene.flipped_crop": "kernel flipped; crop p={crop} (PyTorch padding)",
    "scene.crop": "crop p=",
    "scene.lit_current": "lit: the input channels the current output channel reads",
    "scene.lit_zero": "lit: the input channels output channel 0 reads",
    "oblique.bias_only": "this output reads only zeros: bias only",
    "oblique.channel": "{label} channel {channel}",
    "oblique.channels": " ({channels} channels)",
    "oblique.pad": "pad",
    "oblique.zero": "zero",
    "oblique.output_pad": "output pad",
    # -- flat pictures: numbers mode and the scatter view ------------------------------------------
    "flat.convolution": "convolution",
    "flat.transposed": "transposed convolution",
    "flat.max_pooling": "max pooling",
    "flat.avg_pooling": "average pooling",
    "flat.numbers_caption": "{kind_capitalised} with numbers, {params}",
    "flat.title_params": "{title}: {params}",
    "flat.stretched": ", stretched and padded",
    "flat.max_pool": "max pool",
    "flat.avg_pool": "average pool",
    "flat.kernel": "kernel w",
    "flat.flipped": "as applied: w flipped",
    "flat.caption_line": "{kind}, {spelled}{note}",
    "flat.kernel_flipped": ", kernel flipped",
    "spelled.i": "input {value}",
    "spelled.k": "kernel {value}",
    "spelled.s": "stride {value}",
    "spelled.p": "padding {value}",
    "spelled.d": "dilation {value}",
    "spelled.op": "output padding {value}",
    "spelled.g": "groups {value}",
    "spelled.o": "output {value}",
    "spelled.transposed": "transposed",
    "describe.transposed": ", transposed",
    "scatter.caption": "Scatter view of a transposed convolution, {params}",
    "scatter.caption_numbers": "Scatter view of a transposed convolution with numbers, {params}",
    "scatter.line2": "scatter view, {spelled}",
    "scatter.line2_numbers": "scatter view with numbers, {spelled}",
    "scatter.sum_so_far": "sum of the x·w added so far",
    "scatter.count": "overlap count",
    "scatter.out_label": "{label}: {what}",
    "scatter.in_label": "{label} x",
    "scatter.output_sum": "the output: the sum of every input's x·w",
    "scatter.adds": "input ({where}) = {value} adds {value}·w",
    "scatter.writes": "input ({where}) writes into a {patch} patch of the output",
    "scatter.cells_1d": "{size}-cell",
    "scatter.and": "{first} and {last}",
    "scatter.uniform_one": "every output cell is written {n} time",
    "scatter.uniform": "every output cell is written {n} times",
    "scatter.cell": "cell {cells}",
    "scatter.cells": "cells {cells}",
    "scatter.rows_columns": "rows and columns {lines}",
    "scatter.row": "row {lines}",
    "scatter.rows": "rows {lines}",
    "scatter.column": "column {lines}",
    "scatter.columns": "columns {lines}",
    "scatter.never_one": "overlap {low}–{high}: {lines} is never written",
    "scatter.never": "overlap {low}–{high}: {lines} are never written",
    "scatter.uneven": "overlap {low}–{high}: uneven, every output cell is near a border",
    "scatter.even_inside": "overlap {low}–{high}: even away from the borders ({count} each)",
    "scatter.checkerboard": ("overlap {low}–{high}: a checkerboard, counts {counts} alternate "
                             "away from the borders"),
    "scatter.stripes_rows": ("overlap {low}–{high}: stripes, counts {counts} alternate from "
                             "row to row away from the borders"),
    "scatter.stripes_columns": ("overlap {low}–{high}: stripes, counts {counts} alternate from "
                                "column to column away from the borders"),
    # -- the stack diagrams -----------------------------------------------------------------
    "stack.input_row": "input (i={size})",
    "stack.output_row": "output · {label}",
    "stack.layer": "layer {n}: {parts}",
    "stack.field_sum": "receptive field r = 1 + (k−1)·Σd = 1 + {k1}·({dilations}) = {r}",
    "stack.field": "receptive field r = {r} inputs",
    "stack.inputs": "{n} inputs",
    "stack.default_title": "Stacked convolutions",
    "stack.panel_title": "{n} stacked 1-D convolutions",
    "stack.reads": "output {index} reads inputs {first}…{last}",
    "stack.versus": " vs ",
    "stack.reach": "output {index}: {counts} inputs reach it (bright paths); padding paths dashed",
    "stack.cells": " ({n} cells; bright: its paths, dashed: paths onto zero padding)",
    "stack.plain": "plain: dilations 1, 1, 1",
    "stack.dilated": "dilated: dilations 1, 2, 4",
    "stack.plain_vs_dilated": "Same parameters, larger receptive field: plain vs dilated Conv1D",
    "stack.causal": "causal, k=2, dilations {dilations}",
    "stack.wavenet": "WaveNet: a causal dilated stack sees the past only",
    # -- the path length plot --------------------------------------------------------------------
    "path.rnn": "RNN chain: N − 1 steps",
    "path.conv": "plain convolutions, k={k}: ⌈(N − 1)/{k1}⌉ layers",
    "path.dilated": "dilated convolutions, k=2 (d = 1, 2, 4, …): ⌈log₂N⌉ layers",
    "path.steps": "{n} steps",
    "path.layers": "{n} layers",
    "path.x": "N consecutive positions, first to last (log scale)",
    "path.y": "steps / layers a signal crosses (log scale)",
    "path.title": "Why convolutions for long sequences: shorter paths",
    "path.note": ("Fewer steps between two positions means shorter gradient paths and more "
                  "parallel work."),
    "path.definition": PATH_LENGTH_DEFINITION,
    # -- the separable diagram -----------------------------------------------------------------
    "sep.caption": ("Depthwise separable convolution: {i}×{i}×{c} input, {k}×{k} kernels, "
                    "{c_out} outputs — {separable} multiplications instead of {standard}"),
    "sep.title": ("Depthwise separable convolution: {i}×{i}×{c} → {o}×{o}×{c_out} with "
                  "{k}×{k} kernels"),
    "sep.input": "input {i}×{i}×{c}",
    "sep.kernels": "{c} depthwise\nkernels {k}×{k}",
    "sep.dw_output": "depthwise output\n{o}×{o}×{c}",
    "sep.pointwise": "pointwise\n1×1×{c}, ×{c_out}",
    "sep.output": "output\n{o}×{o}×{c_out}",
    "sep.channel": "ch {c}",
    "sep.planes": "{c_out} planes ({depth} drawn)",
    "sep.standard": "standard convolution",
    "sep.standard_how": "{c_out} kernels {k}×{k}×{c}:  {o}·{o}·{c_out}·{k}·{k}·{c}",
    "sep.depthwise": "depthwise (groups = C)",
    "sep.depthwise_how": "{c} kernels {k}×{k}:  {o}·{o}·{c}·{k}·{k}",
    "sep.pointwise_row": "pointwise (1×1)",
    "sep.pointwise_how": "{c_out} kernels 1×1×{c}:  {o}·{o}·{c_out}·{c}",
    "sep.total": "separable total",
    "sep.how_many": "how many",
    "sep.multiplications": "multiplications",
    "sep.weights": "weights (no biases)",
    "sep.ratio": ("separable / standard = {ratio:.1%} of the multiplications "
                  "(= 1/{c_out} + 1/{kk} = 1/C_out + 1/k²)"),
    "sep.step1": ("Step 1 of 2 — depthwise: each channel gets its own {k}×{k} kernel "
                  "(groups = {c}); channels do not mix"),
    "sep.step2": ("Step 2 of 2 — pointwise: {c_out} kernels of 1×1×{c} mix the {c} channels "
                  "at each position"),
    "sep.at_dw": ("output position ({r}, {col}): {k}×{k} window at rows {r}…{r_end}, "
                  "columns {col}…{col_end} of every channel"),
    "sep.at_pw": ("output position ({r}, {col}): the {c} depthwise values there, weighted and "
                  "summed, once per output channel"),
    "sep.shown": "  ({shown} of the {total} positions shown)",
    # -- the gated block diagrams ---------------------------------------------------------------
    "gated.title_highway": ("Highway form (DGCNN): Y = X ⊗ (1 − σ) + (X∗W + b) ⊗ σ,  "
                            "σ = σ(X∗V + c)"),
    "gated.title_residual": "Gated convolution block (GLU): Y = X + (X∗W + b) ⊗ σ(X∗V + c)",
    "gated.title": "Gated convolution block (GLU): H = (X∗W + b) ⊗ σ(X∗V + c)",
    "gated.causal": "causal",
    "gated.same": "'same'",
    "gated.subtitle_one": ("T={t} time steps, C={c} input channels, n={n} output, k={k}, d={d}, "
                           "{padding} padding; unshared weights W ≠ V"),
    "gated.subtitle": ("T={t} time steps, C={c} input channels, n={n} outputs, k={k}, d={d}, "
                       "{padding} padding; unshared weights W ≠ V"),
    "gated.caption": "{title} (T={t}, C={c}, n={n}, k={k}, d={d}, {padding})",
    "gated.padded": "X ({t}, {c})  →  padded ({canvas}, {c})",
    "gated.zero": "{n} zero",
    "gated.zeros": "{n} zeros",
    "gated.time": "time →",
    "gated.value_weights": "Conv1D₁: value weights W ({n}, {c}, {k})",
    "gated.gate_weights": "Conv1D₂: gate weights V ({n}, {c}, {k})",
    "gated.sigma_shape": "σ(B) in (0, 1)  ({t}, {n})",
    "gated.straight": "X passes\nstraight\nthrough",
    "gated.residual": "residual: + X\n(needs n = C)",
    "gated.parameters": "parameters",
    "gated.multiply_adds": "multiply-adds",
    "gated.sigmoids": "sigmoids",
    "gated.products": "products ⊗",
    "gated.badge": "{label}: {value}",
    "gated.cost": "Cost of this block",
    "gated.colours": "Colours",
    "gated.input_x": "input X",
    "gated.zero_padding": "zero padding",
    "gated.value_lane": "value lane A = X∗W + b",
    "gated.gate_lane": "gate lane B = X∗V + c",
    "gated.output": "output",
    "gated.window_step": "window and step t",
    "gated.sigma_scale": "σ(B): 0 … 1 (gate closed … open)",
    "gated.values_at": "at t = {t}, channels (0, 1, …):",
    "gated.window": "window {where}",
    "gated.step": "{span} step {step}",
    "gated.zeros_outside": " (zeros outside 0…{last})",
    "gated.zeros_before": " (zeros before 0)",
    "gated.zeros_after": " (zeros after {last})",
    "gated.lanes_read": "t = {t}: both lanes read inputs {inputs}",
}

WORDS_ZH: dict[str, str] = {
    "input": "输入",
    "output": "输出",
    "sep": "；",
    "list_sep": "，",
    "scene.title_params": "{title}：{params}",
    "scene.note": "（{note}）",
    "scene.frame": "输出 {index}{of_channel} 读取画布 [{where}] 处的窗口（{taps} 个抽头）",
    "scene.of_channel": "（输出通道 {channel}）",
    "scene.channel_of": "通道 {channel}（共 {channels} 个）：",
    "scene.depthwise": "深度卷积，groups={groups}：每个通道有自己的卷积核",
    "scene.groups": "groups={groups}：每个输出通道看到 {channels} 个输入通道中的 {seen} 个",
    "scene.summed": "{c_in} 个输入通道，{c_out} 个输出通道，对通道求和",
    "scene.rule_causal": "输出 t 位于其窗口最后一格的上方（因果）",
    "scene.rule_centre": "输出 t 位于其窗口中心的上方",
    "scene.pads_before_after": "p′ 前 {before}、后 {after}",
    "scene.zero_between": "，输入之间插入 {zeros} 个零",
    "scene.zeros_between": "，输入之间插入 {zeros} 个零",
    "scene.as_drawn": "画法：直接卷积，s′=1，{pads}{inserted}",
    "scene.flipped_crop": "卷积核翻转；裁剪 p={crop}（PyTorch 的 padding）",
    "scene.crop": "裁剪 p=",
    "scene.lit_current": "高亮：当前输出通道读取的输入通道",
    "scene.lit_zero": "高亮：输出通道 0 读取的输入通道",
    "oblique.bias_only": "此输出只读取零：只有偏置",
    "oblique.channel": "{label}通道 {channel}",
    "oblique.channels": "（{channels} 个通道）",
    "oblique.pad": "填充",
    "oblique.zero": "零",
    "oblique.output_pad": "输出填充",
    "flat.convolution": "卷积",
    "flat.transposed": "转置卷积",
    "flat.max_pooling": "最大池化",
    "flat.avg_pooling": "平均池化",
    "flat.numbers_caption": "带数字的{kind}，{params}",
    "flat.title_params": "{title}：{params}",
    "flat.stretched": "（拉伸并填充）",
    "flat.max_pool": "最大池化",
    "flat.avg_pool": "平均池化",
    "flat.kernel": "卷积核 w",
    "flat.flipped": "实际使用：w 翻转",
    "flat.caption_line": "{kind}，{spelled}{note}",
    "flat.kernel_flipped": "，卷积核翻转",
    "spelled.i": "输入 {value}",
    "spelled.k": "卷积核 {value}",
    "spelled.s": "步幅 {value}",
    "spelled.p": "填充 {value}",
    "spelled.d": "空洞率 {value}",
    "spelled.op": "输出填充 {value}",
    "spelled.g": "分组 {value}",
    "spelled.o": "输出 {value}",
    "spelled.transposed": "转置",
    "describe.transposed": "，转置",
    "scatter.caption": "转置卷积的散射视图，{params}",
    "scatter.caption_numbers": "带数字的转置卷积散射视图，{params}",
    "scatter.line2": "散射视图，{spelled}",
    "scatter.line2_numbers": "带数字的散射视图，{spelled}",
    "scatter.sum_so_far": "已加上的 x·w 之和",
    "scatter.count": "重叠次数",
    "scatter.out_label": "{label}：{what}",
    "scatter.in_label": "{label} x",
    "scatter.output_sum": "输出：每个输入的 x·w 之和",
    "scatter.adds": "输入 ({where}) = {value}，加上 {value}·w",
    "scatter.writes": "输入 ({where}) 写入输出中一个 {patch} 的块",
    "scatter.cells_1d": "{size} 格",
    "scatter.and": "{first} 和 {last}",
    "scatter.uniform_one": "每个输出格都被写入 {n} 次",
    "scatter.uniform": "每个输出格都被写入 {n} 次",
    "scatter.cell": "第 {cells} 格",
    "scatter.cells": "第 {cells} 格",
    "scatter.rows_columns": "第 {lines} 行和列",
    "scatter.row": "第 {lines} 行",
    "scatter.rows": "第 {lines} 行",
    "scatter.column": "第 {lines} 列",
    "scatter.columns": "第 {lines} 列",
    "scatter.never_one": "重叠 {low}–{high}：{lines}从未被写入",
    "scatter.never": "重叠 {low}–{high}：{lines}从未被写入",
    "scatter.uneven": "重叠 {low}–{high}：不均匀，每个输出格都靠近边界",
    "scatter.even_inside": "重叠 {low}–{high}：远离边界处均匀（每格 {count} 次）",
    "scatter.checkerboard": "重叠 {low}–{high}：棋盘格，远离边界处次数 {counts} 交替出现",
    "scatter.stripes_rows": "重叠 {low}–{high}：条纹，远离边界处次数 {counts} 逐行交替",
    "scatter.stripes_columns": "重叠 {low}–{high}：条纹，远离边界处次数 {counts} 逐列交替",
    "stack.input_row": "输入 (i={size})",
    "stack.output_row": "输出 · {label}",
    "stack.layer": "第 {n} 层：{parts}",
    "stack.field_sum": "感受野 r = 1 + (k−1)·Σd = 1 + {k1}·({dilations}) = {r}",
    "stack.field": "感受野 r = {r} 个输入",
    "stack.inputs": "{n} 个输入",
    "stack.default_title": "堆叠卷积",
    "stack.panel_title": "{n} 层堆叠的一维卷积",
    "stack.reads": "输出 {index} 读取输入 {first}…{last}",
    "stack.versus": " 和 ",
    "stack.reach": ("输出 {index}：分别有 {counts} 个输入可以到达（亮线为其路径）；"
                    "虚线为通向填充的路径"),
    "stack.cells": "（{n} 格；亮线：它的路径，虚线：通向零填充的路径）",
    "stack.plain": "普通：空洞率 1, 1, 1",
    "stack.dilated": "空洞：空洞率 1, 2, 4",
    "stack.plain_vs_dilated": "参数相同，感受野更大：普通与空洞 Conv1D 对比",
    "stack.causal": "因果，k=2，空洞率 {dilations}",
    "stack.wavenet": "WaveNet：因果空洞卷积堆叠只看得到过去",
    "path.rnn": "RNN 链：N − 1 步",
    "path.conv": "普通卷积，k={k}：⌈(N − 1)/{k1}⌉ 层",
    "path.dilated": "空洞卷积，k=2（d = 1, 2, 4, …）：⌈log₂N⌉ 层",
    "path.steps": "{n} 步",
    "path.layers": "{n} 层",
    "path.x": "N 个连续位置，从第一个到最后一个（对数坐标）",
    "path.y": "信号经过的步数 / 层数（对数坐标）",
    "path.title": "长序列为什么用卷积：路径更短",
    "path.note": "两个位置之间的步数越少，梯度路径越短，可以并行的计算越多。",
    "path.definition": (
        "跨越 N 个连续位置的路径长度：连接第一个与最后一个位置（相距 N − 1）所需的最少步数或"
        "层数。RNN 链需要 N − 1 步；步幅为 1 的卷积堆叠需要感受野覆盖 N 个输入的最少层数："
        "卷积核为 k 的普通卷积 ⌈(N − 1)/(k − 1)⌉ 层，卷积核为 2、空洞率为 1, 2, 4, … 的"
        "空洞卷积 ⌈log₂N⌉ 层"
    ),
    "sep.caption": ("深度可分离卷积：{i}×{i}×{c} 输入，{k}×{k} 卷积核，{c_out} 个输出——"
                    "{separable} 次乘法，而非 {standard} 次"),
    "sep.title": "深度可分离卷积：{i}×{i}×{c} → {o}×{o}×{c_out}，卷积核 {k}×{k}",
    "sep.input": "输入 {i}×{i}×{c}",
    "sep.kernels": "{c} 个深度卷积核\n{k}×{k}",
    "sep.dw_output": "深度卷积输出\n{o}×{o}×{c}",
    "sep.pointwise": "逐点卷积\n1×1×{c}，×{c_out}",
    "sep.output": "输出\n{o}×{o}×{c_out}",
    "sep.channel": "通道 {c}",
    "sep.planes": "{c_out} 个平面（画出 {depth} 个）",
    "sep.standard": "标准卷积",
    "sep.standard_how": "{c_out} 个 {k}×{k}×{c} 卷积核：  {o}·{o}·{c_out}·{k}·{k}·{c}",
    "sep.depthwise": "深度卷积（groups = C）",
    "sep.depthwise_how": "{c} 个 {k}×{k} 卷积核：  {o}·{o}·{c}·{k}·{k}",
    "sep.pointwise_row": "逐点卷积（1×1）",
    "sep.pointwise_how": "{c_out} 个 1×1×{c} 卷积核：  {o}·{o}·{c_out}·{c}",
    "sep.total": "可分离卷积合计",
    "sep.how_many": "数量",
    "sep.multiplications": "乘法次数",
    "sep.weights": "权重（不含偏置）",
    "sep.ratio": ("可分离 / 标准 = 乘法次数的 {ratio:.1%}"
                  "（= 1/{c_out} + 1/{kk} = 1/C_out + 1/k²）"),
    "sep.step1": "第 1 步（共 2 步）——深度卷积：每个通道有自己的 {k}×{k} 卷积核（groups = {c}）；"
                 "通道之间不混合",
    "sep.step2": "第 2 步（共 2 步）——逐点卷积：{c_out} 个 1×1×{c} 卷积核在每个位置混合 {c} 个通道",
    "sep.at_dw": ("输出位置 ({r}, {col})：每个通道第 {r}…{r_end} 行、第 {col}…{col_end} 列的 "
                  "{k}×{k} 窗口"),
    "sep.at_pw": "输出位置 ({r}, {col})：该处的 {c} 个深度卷积值加权求和，每个输出通道一次",
    "sep.shown": "  （共 {total} 个位置，展示其中 {shown} 个）",
    "gated.title_highway": "高速公路形式（DGCNN）：Y = X ⊗ (1 − σ) + (X∗W + b) ⊗ σ，σ = σ(X∗V + c)",
    "gated.title_residual": "门卷积块（GLU）：Y = X + (X∗W + b) ⊗ σ(X∗V + c)",
    "gated.title": "门卷积块（GLU）：H = (X∗W + b) ⊗ σ(X∗V + c)",
    "gated.causal": "因果",
    "gated.same": "“same”",
    "gated.subtitle_one": ("T={t} 个时间步，C={c} 个输入通道，n={n} 个输出，k={k}，d={d}，"
                           "{padding}填充；W ≠ V，权重不共享"),
    "gated.subtitle": ("T={t} 个时间步，C={c} 个输入通道，n={n} 个输出，k={k}，d={d}，"
                       "{padding}填充；W ≠ V，权重不共享"),
    "gated.caption": "{title}（T={t}，C={c}，n={n}，k={k}，d={d}，{padding}）",
    "gated.padded": "X ({t}, {c})  →  填充后 ({canvas}, {c})",
    "gated.zero": "{n} 个零",
    "gated.zeros": "{n} 个零",
    "gated.time": "时间 →",
    "gated.value_weights": "Conv1D₁：值权重 W ({n}, {c}, {k})",
    "gated.gate_weights": "Conv1D₂：门权重 V ({n}, {c}, {k})",
    "gated.sigma_shape": "σ(B) ∈ (0, 1)  ({t}, {n})",
    "gated.straight": "X 直接\n通过",
    "gated.residual": "残差：+ X\n（需要 n = C）",
    "gated.parameters": "参数",
    "gated.multiply_adds": "乘加",
    "gated.sigmoids": "σ 计算",
    "gated.products": "乘积 ⊗",
    "gated.badge": "{label}：{value}",
    "gated.cost": "本模块的计算量",
    "gated.colours": "颜色",
    "gated.input_x": "输入 X",
    "gated.zero_padding": "零填充",
    "gated.value_lane": "值支路 A = X∗W + b",
    "gated.gate_lane": "门支路 B = X∗V + c",
    "gated.output": "输出",
    "gated.window_step": "窗口与时间步 t",
    "gated.sigma_scale": "σ(B)：0 … 1（门关闭 … 打开）",
    "gated.values_at": "t = {t} 时，各通道 (0, 1, …)：",
    "gated.window": "窗口 {where}",
    "gated.step": "{span}，步长 {step}",
    "gated.zeros_outside": "（0…{last} 之外为零）",
    "gated.zeros_before": "（0 之前为零）",
    "gated.zeros_after": "（{last} 之后为零）",
    "gated.lanes_read": "t = {t}：两条支路都读取输入 {inputs}",
}

#: language -> its table
WORDS: dict[str, dict[str, str]] = {"en": WORDS_EN, "zh": WORDS_ZH}

#: the Chinese titles of the presets (``convviz.presets``), which name a picture in its caption
PRESET_TITLES_ZH: dict[str, str] = {
    "no_padding_no_strides": "无填充，无步幅",
    "arbitrary_padding_no_strides": "任意填充，无步幅",
    "same_padding_no_strides": "半填充，无步幅",
    "full_padding_no_strides": "全填充，无步幅",
    "no_padding_strides": "无填充，有步幅",
    "padding_strides": "有填充，有步幅",
    "padding_strides_odd": "有填充，有步幅（奇数）",
    "no_padding_no_strides_transposed": "无填充，无步幅，转置",
    "arbitrary_padding_no_strides_transposed": "任意填充，无步幅，转置",
    "same_padding_no_strides_transposed": "半填充，无步幅，转置",
    "full_padding_no_strides_transposed": "全填充，无步幅，转置",
    "no_padding_strides_transposed": "无填充，有步幅，转置",
    "padding_strides_transposed": "有填充，有步幅，转置",
    "padding_strides_odd_transposed": "有填充，有步幅（奇数），转置",
    "dilation": "空洞卷积，无填充，无步幅",
    "dilation_transposed": "空洞卷积，转置",
    "causal_1d": "因果一维卷积，空洞率 2",
    "tf_same_strides": "TensorFlow 的 “same” 填充，步幅 2",
    "output_padding_transposed": "转置卷积，步幅 2，output_padding 1",
    "depthwise": "深度卷积（groups = 通道数）",
    "numbers_convolution": "带数字的卷积",
    "numbers_padding_strides": "带数字的卷积，有填充和步幅",
    "numbers_average_pooling": "带数字的平均池化",
    "numbers_max_pooling": "带数字的最大池化",
    "numbers_dilation": "带数字的空洞卷积",
    "numbers_transposed": "带数字的转置卷积",
    "scatter_checkerboard": "散射视图：不均匀的重叠（k=3，s=2）",
    "scatter_even": "散射视图：均匀的重叠（k=4，s=2，p=1）",
}


def check_lang(lang: Any) -> str:
    """``lang`` if it is a picture language; SpecError naming it otherwise."""
    if not isinstance(lang, str) or lang not in LANGS:
        raise SpecError(f"lang must be one of {', '.join(map(repr, LANGS))}, got {lang!r}")
    return lang


def word(lang: str, key: str, **fields: Any) -> str:
    """The picture word ``key`` in ``lang``, its ``{fields}`` filled in."""
    text = WORDS[check_lang(lang)][key]
    return text.format(**fields) if fields else text


def describe(spec: Any, lang: str) -> str:
    """``spec.describe()`` (the paper's symbols) with its one word in ``lang``."""
    text = spec.describe()
    if spec.transposed:
        text = text.removesuffix(", transposed") + word(lang, "describe.transposed")
    return text


def fields_of(template: str) -> set[str]:
    """The ``{field}`` names of a template (what both languages must fill alike)."""
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


@functools.cache
def _installed_cjk() -> tuple[str, ...]:
    """The CJK fonts of :data:`CJK_FONTS` matplotlib can find on this machine."""
    from matplotlib.font_manager import FontProperties, findfont

    found = []
    for family in CJK_FONTS:
        try:
            findfont(FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        found.append(family)
    return tuple(found)


def font_families(lang: str, *, mono: bool = False) -> list[str]:
    """The font family list a picture in ``lang`` draws with: DejaVu Sans (Mono) first,
    then, for Chinese, the installed CJK fonts (matplotlib falls back to them)."""
    first = LATIN_MONO if mono else LATIN_FONT
    if check_lang(lang) == "en":
        return [first]
    return [first, *_installed_cjk()]


def check_fonts(lang: str) -> None:
    """SpecError when a ``lang`` picture cannot be drawn here (Chinese without a CJK font)."""
    if check_lang(lang) == "zh" and not _installed_cjk():
        raise SpecError(
            "lang='zh' needs a font with Chinese glyphs and none is installed; install "
            f"one of {', '.join(CJK_FONTS[:2])} (e.g. apt install fonts-noto-cjk)"
        )


def svg_font_family(lang: str) -> str:
    """The CSS ``font-family`` list of a picture's text in SVG (the browser's fonts draw it)."""
    names = [LATIN_FONT] + (list(CJK_FONTS[:3]) + ["PingFang SC", "Microsoft YaHei"]
                            if check_lang(lang) == "zh" else [])
    return ", ".join(f"'{n}'" for n in names) + ", sans-serif"
