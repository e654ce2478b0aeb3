"""The gallery's words, in English and in Chinese (the seed notes' language).

Data only: plain strings with ``{name}`` fields that :mod:`convviz.site.models`
fills with numbers computed by the engine. Nothing here is HTML; the
templates escape everything.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["DIAGRAM_TITLES_ZH", "LANGS", "PRESET_TITLES_ZH", "TEXT", "text"]

LANGS = ("en", "zh")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "html_lang": "en",
        "lang_name": "English",
        "site_title": "convviz — convolution arithmetic, made visible",
        "site_subtitle": (
            "Every picture, number and hover map on this page is computed by convviz's "
            "engine from the convolution's parameters."
        ),
        "contents": "Contents",
        "skip": "Skip to the gallery",
        "footer": (
            "Built by convviz {version}. Animation style after Dumoulin & Visin, "
            "“A guide to convolution arithmetic for deep learning” (arXiv:1603.07285)."
        ),
        "legend": (
            "Input cells are blue, padding and inserted zeros are dashed, the output is "
            "the plane on top; the shadow is the kernel."
        ),
        # section titles
        "s_why": "Why convolutions instead of recurrence",
        "s_basic": "Basic convolution",
        "s_transposed": "Transposed convolution",
        "s_dilated": "Dilated convolution",
        "s_separable": "Separable convolution",
        "s_shapes": "How shapes change",
        "s_gated": "Gated convolution",
        # section 1
        "why_p1": (
            "To connect the first and the last of N consecutive positions (N − 1 apart), "
            "information crosses N − 1 steps of an RNN chain, ⌈(N − 1)/(k − 1)⌉ layers of "
            "stacked convolutions with kernel k, and ⌈log₂N⌉ layers of dilated convolutions "
            "with kernel 2 and dilations 1, 2, 4, …. Shorter paths keep gradients alive, "
            "and every position of a convolution is computed at once, which suits hardware "
            "made for parallel arithmetic."
        ),
        "why_p2": (
            "The table counts, for each N, the RNN steps and the fewest stride-1 layers "
            "whose receptive field spans N inputs."
        ),
        "why_table": "Path length across N consecutive positions (first to last, N − 1 apart)",
        "why_n": "N",
        "why_rnn": "RNN / LSTM (steps)",
        "why_plain": "plain convolutions, k = {k} (layers)",
        "why_dilated": "dilated convolutions, k = {k}, d = 1, 2, 4, … (layers)",
        # section 2
        "basic_p1": (
            "The seven direct cases of conv_arithmetic, four to a row. Each card shows the "
            "animation, its parameters, the output size worked out, and the same layer in "
            "PyTorch and Keras. Hover over (or tab to) an output cell of the small grid to "
            "see which input cells it reads."
        ),
        # section 3
        "tr_p1": (
            "A transposed convolution (also called fractionally strided convolution, or, "
            "loosely, deconvolution) goes the other way: from the output size of a direct "
            "convolution back to its input size. It does not invert the values — it is "
            "still an ordinary convolution, which is why it works so well in "
            "encoder–decoder networks."
        ),
        "tr_p2": (
            "Each card gives both parameter sets: the direct convolution it transposes and "
            "its own ConvTranspose2d. The gather view (left) is the classic drawing: a "
            "stride-1 convolution over the input with s − 1 zeros inserted between cells. "
            "The scatter view (right) is what the layer computes: every input cell writes "
            "a k×k block of the output."
        ),
        "tr_ours": "Two more cases the originals lack",
        "gather_view": "gather view",
        "scatter_view": "scatter view",
        "transposes": "Transposes",
        "own_params": "Its own parameters",
        "drawn_as": "Drawn as",
        "drawn_as_value": (
            "stride-1 convolution over {stretched} (the input with {zeros} between "
            "neighbouring cells): {before}, {after}"
        ),
        "zeros_none": "no zeros",
        "zeros_one": "1 zero",
        "zeros_many": "{n} zeros",
        "side_pad": "padded {where}: {n}",
        "side_cut": "cut off {where}: {n} (k̂ − 1 − p is negative)",
        "before": "before",
        "after": "after",
        # section 4
        "dil_p1": (
            "Dilated (atrous) convolution spreads the kernel's taps d cells apart: the "
            "receptive field grows without more parameters and without slowing training."
        ),
        "dil_stack": "Stacked 1-D convolutions, plain vs dilated",
        "dil_table": "Receptive field of a stack (stride 1)",
        "dil_layers": "layers",
        "dil_kernel": "kernel k",
        "dil_dilations": "dilations",
        "dil_rf": "receptive field",
        "dil_params": "parameters (1 channel)",
        "dil_code": "Keras and PyTorch",
        "dil_code_note": (
            "Keras takes dilation_rate (the seed's example); PyTorch calls it dilation."
        ),
        # section 5
        "sep_p1": (
            "A separable convolution splits a standard one in two: a depthwise convolution "
            "(one k×k kernel per input channel, groups = C_in) and a pointwise 1×1 "
            "convolution that mixes the channels."
        ),
        "sep_table": (
            "Worked example: {i}×{i}×{c_in} input, {k}×{k} kernel, {c_out} output channels, "
            "{o}×{o} result"
        ),
        "sep_layer": "layer",
        "sep_params": "parameters (weights + biases)",
        "sep_mults": "multiplications",
        "sep_standard": "standard convolution",
        "sep_depthwise": "depthwise {k}×{k}",
        "sep_pointwise": "pointwise 1×1",
        "sep_total": "separable, total",
        "sep_ratio": (
            "The separable form needs {ratio} of the multiplications of the standard one "
            "({sep} vs {std})."
        ),
        # section 6
        "sh_p1": (
            "Shapes per case: PyTorch tensors are (N, C, H, W), Keras tensors "
            "(N, H, W, C). Padding is given per side; for transposed convolutions it is "
            "PyTorch's padding, which crops the output."
        ),
        "sh_table": "Input and output shapes (batch 1, one channel unless stated)",
        "sh_case": "case",
        "sh_torch": "PyTorch (N, C, H, W)",
        "sh_keras": "Keras (N, H, W, C)",
        "sh_pad": "padding top/bottom, left/right",
        "sh_same_title": "TensorFlow “same” vs PyTorch padding at stride 2",
        "sh_same_p": (
            "With stride 2 TensorFlow's “same” pads asymmetrically — the odd cell goes "
            "after (bottom/right) — so its windows start at {tf_starts}, while PyTorch's "
            "padding={torch_p} starts them at {torch_starts}. Same output size, different "
            "numbers. PyTorch refuses padding='same' when the stride is above 1."
        ),
        "sh_causal_title": "Causal padding",
        "sh_causal_p": (
            "Keras padding='causal' pads d(k−1) = {before} cells before and {after} after, "
            "so output t reads only inputs {reads}: nothing from the future. PyTorch has no "
            "such mode; pad by hand."
        ),
        "window_starts": "window starts",
        # section 7
        "g_p1": (
            "A gated convolution combines a convolution with a gated linear unit (GLU), a "
            "filter much like an LSTM's gates. Two convolutions of the same shape, with "
            "unshared weights W and V, see the same window; the second goes through a "
            "sigmoid and gates the first element-wise (tf.multiply in TensorFlow, "
            "F.glu in PyTorch)."
        ),
        "g_p2": (
            "Why it keeps gradients alive: one branch has no activation, so its "
            "derivative is a constant. With equal input and output shapes a residual can "
            "be added, and since Conv1D₁(X) − X is itself a linear Conv1D the block reads "
            "as a gate: information passes straight through with weight 1 − σ, or "
            "transformed with weight σ — like a GRU (DGCNN's form)."
        ),
        "g_core": "Core formula",
        "g_residual": "With a residual",
        "g_highway": "Rewritten as a gate (DGCNN)",
        "g_where": "⊗ is element-wise multiplication, σ the sigmoid.",
        "g_cost": (
            "Example with k = {k}, C = {c} channels in and n = {n} out: {params} parameters "
            "(2·(k·C·n + n)); over T = {t} steps {mults} multiplications plus {gates} "
            "sigmoids and {gates} products."
        ),
        # cards
        "still": "still PNG",
        "numbers": "with numbers",
        "caption_label": "parameters",
        "output_size": "output size",
        "grid_label": "Index map of {title}: focus an output cell to see the input cells it reads",
        "grid_input": "input (padded)",
        "grid_output": "output",
        "grid_hint": "hover or focus an output cell",
        "out_cell": "output cell {pos}",
        # alt text
        "alt_direct": (
            "{what}of a convolution: a {k} kernel slides over a {i} input{pad}{stride}"
            "{dil}, giving a {o} output ({frames} frames, one per output cell)."
        ),
        "alt_transposed": (
            "{what}of a transposed convolution: a {i} input{zeros}, padded {cb} before and "
            "{ca} after, is read by a {k} kernel{dil} with stride 1, giving a {o} output "
            "({frames} frames)."
        ),
        "alt_scatter": (
            "{what}of a transposed convolution in scatter form: each of the {i} input cells "
            "writes a {k} block of the {o} output, blocks {s} cell(s) apart{crop}."
        ),
        "alt_animation": "Animated diagram ",
        "alt_still": "Still frame ",
        "alt_numbers": "with numbers ",
        "alt_pad": ", padded {before} before and {after} after",
        "alt_pad_sym": ", padded {p} on each side",
        "alt_stride": ", stride {s}",
        "alt_dil": ", dilation {d}",
        "alt_zeros": " stretched with {n} zero(s) between cells",
        "alt_crop": ", {p} cropped from each side",
        "alt_diagram": "{what}: {title}. {description}",
    },
    "zh": {
        "html_lang": "zh-Hans",
        "lang_name": "中文",
        "site_title": "convviz — 卷积算术可视化",
        "site_subtitle": "本页所有图片、数字和悬停索引图都由 convviz 引擎根据卷积参数计算得出。",
        "contents": "目录",
        "skip": "跳到正文",
        "footer": (
            "由 convviz {version} 生成。动画风格参考 Dumoulin & Visin《A guide to "
            "convolution arithmetic for deep learning》（arXiv:1603.07285）。"
        ),
        "legend": "蓝色为输入，虚线格为填充和插入的零，上方平面为输出，阴影为卷积核。",
        "s_why": "为什么使用 CNN 代替 RNN",
        "s_basic": "基本卷积",
        "s_transposed": "转置卷积",
        "s_dilated": "空洞卷积",
        "s_separable": "可分离卷积",
        "s_shapes": "维度变化",
        "s_gated": "门卷积",
        "why_p1": (
            "要连接 N 个连续位置中的第一个与最后一个（相距 N − 1），信息在 RNN 链中要走 "
            "N − 1 步，在卷积核为 k 的堆叠普通卷积中需要 ⌈(N − 1)/(k − 1)⌉ 层，在卷积核为 2、"
            "空洞率为 1, 2, 4, … 的空洞卷积中只需 ⌈log₂N⌉ 层。路径越短越不容易梯度消失；"
            "而且卷积的所有位置可以同时计算，与硬件加速相匹配。"
        ),
        "why_p2": "下表给出每个 N 对应的 RNN 步数，以及感受野覆盖 N 个输入所需的最少步幅为 1 的层数。",
        "why_table": "跨越 N 个连续位置的路径长度（首尾相距 N − 1）",
        "why_n": "N",
        "why_rnn": "RNN / LSTM（步）",
        "why_plain": "普通卷积，k = {k}（层）",
        "why_dilated": "空洞卷积，k = {k}，d = 1, 2, 4, …（层）",
        "basic_p1": (
            "conv_arithmetic 的七种基本卷积，每行四个。每张卡片给出动画、参数、输出尺寸的"
            "计算过程，以及对应的 PyTorch 和 Keras 写法。把鼠标移到（或用 Tab 键选中）小网格"
            "中的输出格，即可看到它读取的输入格。"
        ),
        "tr_p1": (
            "转置卷积（Transposed Convolution），又称反卷积（Deconvolution）、"
            "Fractionally Strided Convolution。“反卷积”的说法不够准确：它在数值上并不能还原"
            "卷积，内部执行的仍是常规卷积，只是重建了先前的空间分辨率；用于编码器-解码器"
            "结构中效果仍然很好。"
        ),
        "tr_p2": (
            "每张卡片给出两组参数：它所转置的直接卷积，以及它自己的 ConvTranspose2d 参数。"
            "左边的聚集视图是经典画法：在输入格之间插入 s − 1 个零后做步幅为 1 的卷积；"
            "右边的散射视图是该层实际的计算：每个输入格向输出写入一个 k×k 的块。"
        ),
        "tr_ours": "原动画没有的两种情况",
        "gather_view": "聚集视图",
        "scatter_view": "散射视图",
        "transposes": "所转置的卷积",
        "own_params": "自身参数",
        "drawn_as": "画法",
        "drawn_as_value": (
            "在 {stretched}（相邻输入格之间插入{zeros}）上做步幅为 1 的卷积：{before}，{after}"
        ),
        "zeros_none": " 0 个零",
        "zeros_one": " 1 个零",
        "zeros_many": " {n} 个零",
        "side_pad": "{where}填充 {n} 格",
        "side_cut": "{where}裁掉 {n} 格（k̂ − 1 − p 为负）",
        "before": "前面",
        "after": "后面",
        "dil_p1": (
            "空洞卷积（Atrous Convolution）也称扩张卷积、膨胀卷积：卷积核的各个抽头相隔 d 格，"
            "能捕捉更远的信息、获得更大的感受野，同时不增加参数数量，也不影响训练速度。"
        ),
        "dil_stack": "一维卷积的堆叠：普通卷积与膨胀卷积",
        "dil_table": "堆叠卷积的感受野（步幅为 1）",
        "dil_layers": "层数",
        "dil_kernel": "卷积核 k",
        "dil_dilations": "空洞率",
        "dil_rf": "感受野",
        "dil_params": "参数（单通道）",
        "dil_code": "Keras 与 PyTorch 实现",
        "dil_code_note": "Keras 通过在卷积层中加入参数 dilation_rate 实现；PyTorch 中叫 dilation。",
        "sep_p1": (
            "可分离卷积（separable convolution）把标准卷积拆成两步：深度卷积（每个输入通道"
            "一个 k×k 卷积核，groups = C_in），再做混合通道的逐点 1×1 卷积。"
        ),
        "sep_table": (
            "例：{i}×{i}×{c_in} 的输入，{k}×{k} 卷积核，{c_out} 个输出通道，输出 {o}×{o}"
        ),
        "sep_layer": "层",
        "sep_params": "参数（权重 + 偏置）",
        "sep_mults": "乘法次数",
        "sep_standard": "标准卷积",
        "sep_depthwise": "深度卷积 {k}×{k}",
        "sep_pointwise": "逐点卷积 1×1",
        "sep_total": "可分离卷积合计",
        "sep_ratio": "可分离卷积的乘法次数只有标准卷积的 {ratio}（{sep} 对 {std}）。",
        "sh_p1": (
            "各种情况下的张量形状：PyTorch 为 (N, C, H, W)，Keras 为 (N, H, W, C)。"
            "填充按每一侧给出；转置卷积的填充是 PyTorch 的 padding，它裁剪输出。"
        ),
        "sh_table": "输入与输出的形状（批大小 1，除注明外单通道）",
        "sh_case": "情况",
        "sh_torch": "PyTorch (N, C, H, W)",
        "sh_keras": "Keras (N, H, W, C)",
        "sh_pad": "填充 上/下，左/右",
        "sh_same_title": "步幅为 2 时 TensorFlow 的 “same” 与 PyTorch 的填充",
        "sh_same_p": (
            "步幅为 2 时 TensorFlow 的 “same” 填充不对称——多出的一格放在后面（下/右），"
            "所以窗口从 {tf_starts} 开始；而 PyTorch 的 padding={torch_p} 从 {torch_starts} "
            "开始。输出尺寸相同，数值不同。步幅大于 1 时 PyTorch 不接受 padding='same'。"
        ),
        "sh_causal_title": "因果填充",
        "sh_causal_p": (
            "Keras 的 padding='causal' 在前面填充 d(k−1) = {before} 格、后面 {after} 格，"
            "所以输出 t 只读取输入 {reads}，看不到未来。PyTorch 没有这种模式，需要手动填充。"
        ),
        "window_starts": "窗口起点",
        "g_p1": (
            "门卷积类似 LSTM 的过滤机制，实际上是卷积网络与门限单元（Gated Linear Unit）的"
            "组合。两个形状相同、参数不共享（W 和 V）的卷积读取同一个窗口；后一个卷积使用 "
            "sigmoid 激活函数，再与前一个逐位相乘（TensorFlow 中由 tf.multiply 实现，"
            "PyTorch 中为 F.glu）。"
        ),
        "g_p2": (
            "为什么能防止梯度消失：公式中有一个卷积没有经过激活函数，对这部分求导是个常数。"
            "输入输出形状一致时还可以加入残差；因为 Conv1D₁(X) − X 本身也是线性的 Conv1D，"
            "整个 Block 可以理解为门：信息以 1 − σ 的概率直接通过，以 σ 的概率经过变换后"
            "通过——类似 GRU（DGCNN 的写法）。"
        ),
        "g_core": "核心公式",
        "g_residual": "加入残差",
        "g_highway": "改写为门的形式（DGCNN）",
        "g_where": "⊗ 表示逐位相乘，σ 为 sigmoid。",
        "g_cost": (
            "例：k = {k}，输入 C = {c} 个通道，输出 n = {n} 个通道：共 {params} 个参数"
            "（2·(k·C·n + n)）；T = {t} 步时需 {mults} 次乘法，外加 {gates} 次 sigmoid 和 "
            "{gates} 次逐位相乘。"
        ),
        "still": "静态 PNG",
        "numbers": "带数字",
        "caption_label": "参数",
        "output_size": "输出尺寸",
        "grid_label": "{title} 的索引图：选中一个输出格，查看它读取的输入格",
        "grid_input": "输入（含填充）",
        "grid_output": "输出",
        "grid_hint": "悬停或选中输出格",
        "out_cell": "输出格 {pos}",
        "alt_direct": (
            "{what}：卷积。{k} 的卷积核在 {i} 的输入上滑动{pad}{stride}{dil}，得到 {o} 的"
            "输出（{frames} 帧，每个输出格一帧）。"
        ),
        "alt_transposed": (
            "{what}：转置卷积。{i} 的输入{zeros}，前面填充 {cb}、后面填充 {ca}，由 {k} 的"
            "卷积核{dil}以步幅 1 读取，得到 {o} 的输出（{frames} 帧）。"
        ),
        "alt_scatter": (
            "{what}：散射形式的转置卷积。{i} 个输入格中的每一个向 {o} 的输出写入一个 {k} 的块，"
            "块与块相隔 {s} 格{crop}。"
        ),
        "alt_animation": "动画",
        "alt_still": "静态帧",
        "alt_numbers": "（带数字）",
        "alt_pad": "，前面填充 {before}、后面填充 {after}",
        "alt_pad_sym": "，每侧填充 {p}",
        "alt_stride": "，步幅 {s}",
        "alt_dil": "，空洞率 {d}",
        "alt_zeros": "（输入格之间插入 {n} 个零）",
        "alt_crop": "，每侧裁掉 {p} 格",
        "alt_diagram": "{what}：{title}。{description}",
    },
}

PRESET_TITLES_ZH: dict[str, str] = {
    "no_padding_no_strides": "无填充、无步幅",
    "arbitrary_padding_no_strides": "任意填充、无步幅",
    "same_padding_no_strides": "半填充（same）、无步幅",
    "full_padding_no_strides": "全填充、无步幅",
    "no_padding_strides": "无填充、有步幅",
    "padding_strides": "有填充、有步幅",
    "padding_strides_odd": "有填充、有步幅（奇数）",
    "dilation": "空洞卷积，无填充、无步幅",
    "dilation_transposed": "空洞卷积的转置",
    "causal_1d": "因果一维卷积，空洞率 2",
    "tf_same_strides": "TensorFlow 的 “same” 填充，步幅 2",
    "output_padding_transposed": "转置卷积，步幅 2，output_padding 1",
    "depthwise": "深度卷积（groups = 通道数）",
}

DIAGRAM_TITLES_ZH: dict[str, str] = {
    "path_length": "路径长度：RNN、普通卷积与空洞卷积",
    "glu_block": "门卷积 Block（GLU）",
    "highway_block": "带残差的门卷积（DGCNN）",
    "dilated_stack": "普通卷积与膨胀卷积",
    "wavenet": "WaveNet：因果空洞卷积的堆叠",
    "glu_same": "门卷积 Block（“same” 填充，空洞率 2）",
    "separable": "可分离卷积：深度卷积 + 逐点卷积",
}


def text(lang: str) -> Mapping[str, str]:
    """The strings of one language (``"en"`` or ``"zh"``)."""
    return TEXT[lang]
