"""The gallery's Chinese words, the seed notes' language (see :mod:`convviz.site.text`)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "html_lang": "zh-Hans",
    "lang_name": "中文",
    "site_title": "convviz — 卷积算术可视化",
    "site_subtitle": "本页所有图片、数字和悬停索引图都由 convviz 引擎根据卷积参数计算得出。",
    "contents": "目录",
    "playground": "在线演示：在浏览器中实时查看任意卷积",
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
    "why_p2": (
        "下表给出每个 N 对应的 RNN 步数，"
        "以及感受野覆盖 N 个输入所需的最少步幅为 1 的层数。"
    ),
    "why_table": "跨越 N 个连续位置的路径长度（首尾相距 N − 1）",
    "why_n": "N",
    "why_rnn": "RNN / LSTM（步）",
    "why_plain": "普通卷积，k = {k}（层）",
    "why_dilated": "空洞卷积，k = {k}，d = 1, 2, 4, …（层）",
    "basic_p1": (
        "conv_arithmetic 的七种基本卷积。每张卡片给出动画、参数、输出尺寸的"
        "计算过程，以及对应的 PyTorch 和 Keras 写法。把鼠标移到图中的输出格上（或用 Tab 键"
        "选中旁边小网格中的输出格），即可看到它读取的输入格；移到输入格上，则显示它参与"
        "计算的输出格。"
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
        "各种情况下的张量形状：PyTorch 为 (N, C, …)，Keras 为 (N, …, C)，其中 … 为空间尺寸："
        "一维为 L，二维为 H, W。填充按每个轴的前/后给出；"
        "转置卷积的填充是 PyTorch 的 padding，它裁剪输出。"
    ),
    "sh_table": "输入与输出的形状（批大小 1，除注明外单通道）",
    "sh_case": "情况",
    "sh_torch": "PyTorch (N, C, …)",
    "sh_keras": "Keras (N, …, C)",
    "sh_pad": "每个轴的填充 前/后",
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
    "download_gif": "GIF 动画",
    "download_png": "静态 PNG",
    "open_playground": "在演示页中打开",
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
    "alt_zeros": "（输入格之间插入{zeros}）",
    "alt_crop": "，每侧裁掉 {p} 格",
    "alt_diagram": "{what}：{title}。{description}",
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

ZH.update({
    "why_lstm": (
        "RNN 需要更多的资源来训练，与硬件加速不匹配：每个 LSTM 单元需要四个仿射变换，且每个"
        "时间步都要运行一次，要求非常多的内存带宽；添加计算单元很容易，添加内存带宽却很难。"
    ),
    "why_seq": (
        "RNN 容易梯度消失，即使是 LSTM：长期信息要按顺序通过之前所有的单元。LSTM 能跳过不太"
        "重要的部分，但如果整段信息都很重要，它依然需要完整的顺序访问，与 RNN 没有区别。"
    ),
    "why_attn": (
        "注意力机制与分层注意力编码器换了一种观察过去的方式：通过层次结构把过去的编码汇总为"
        "上下文向量，这棵树的路径长度约为 log N，而 RNN/LSTM 相当于链表，路径长度为 N。"
    ),
    "why_task": (
        "从任务本身考虑：LSTM 能记忆较长的信息，在推断方面表现不错；但在事实类问答中并不"
        "需要复杂的推断，答案往往藏在一个 n-gram 短语中，而卷积能很好地对 n-gram 建模。"
    ),
    "sources": "参考资料",
    "src_jiqizhixin": "关于序列建模，是时候抛弃 RNN 和 LSTM 了（机器之心）",
    "src_tds": "英文原文：The fall of RNN / LSTM",
    "src_csdn_rnn": "放弃 RNN/LSTM 吧，因为真的不好用！（CSDN）",
    "src_csdn_glu": "卷积新用之语言模型（CSDN）",
    "src_kexue": "基于 CNN 的阅读理解式问答模型：DGCNN（科学空间）",
    "tr_checker": (
        "散射视图也解释了转置卷积的棋盘效应：步幅不能整除卷积核大小时，各个 k×k 块的重叠"
        "不均匀，相邻输出格被不同数量的输入格写入，输出上就出现规则的格子图案。卷积核大小是"
        "步幅的整数倍时，远离边界的每个输出格被写入的次数相同。"
    ),
    "note_transposed_of": "“{title}”的转置卷积。",
    "note_dilation_transposed": "“{title}”的转置卷积：从 {i} 回到 {o}；原动画没有这种情况。",
    "note_causal_1d": (
        "Keras 的 padding='causal'：前面填充 "
        "d(k−1) 格，后面不填充；输出 t 读取 {reads}。"
    ),
    "note_tf_same_strides": "o = ⌈i/s⌉，多出的填充格放在后面（下/右），与 PyTorch 的对称填充不同。",
    "note_output_padding_transposed": (
        "PyTorch 常用的 2 倍上采样：k={k}，s={s}，p={p}，output_padding={op}，{i} → {o}。"
    ),
    "note_depthwise": "groups = C_in：每个通道有自己的卷积核。",
    "note_path_length": (
        "从 N 个连续位置的第一个到最后一个所需的步数：RNN 链要 N − 1 步，普通卷积要 "
        "⌈(N−1)/(k−1)⌉ 层，空洞卷积要 ⌈log₂N⌉ 层（对数坐标）。"
    ),
    "note_glu_block": (
        "Y = X + (X∗W + b) ⊗ σ(X∗V + c)：两条参数不共享的因果 Conv1D 读取同一个窗口，"
        "门 σ 缩放数值那一条。"
    ),
    "note_glu_same": "(X∗W + b) ⊗ σ(X∗V + c)，没有残差、不是因果的：窗口以 t 为中心。",
    "note_highway_block": (
        "Y = X ⊗ (1 − σ) + (X∗W + b) ⊗ σ：输入以权重 1 − σ 直接通过，或以权重 σ 经变换后"
        "通过（“same” 填充，与 DGCNN 相同）。"
    ),
    "note_dilated_stack": (
        "普通卷积与膨胀卷积的堆叠：参数和计算量相同，"
        "感受野大得多。所有连接都淡显，一个输出的路径高亮。"
    ),
    "note_wavenet": (
        "卷积核为 2、空洞率逐层加倍的因果卷积："
        "每个输出只看到它自己的时间步及之前的输入。"
    ),
    "note_separable": (
        "每个通道一个 k×k 卷积核（深度卷积），再做跨通道的 1×1 "
        "卷积（逐点卷积）：{sep} 次乘法，而不是 {std} 次。"
    ),
    "alt_figure": "示意图",
    "sep_code": "PyTorch 与 Keras 实现",
    "sep_keras_pair": "Keras（两层）",
    "sep_bias_note": (
        "SeparableConv2D 的深度卷积一步没有偏置：use_bias 只在逐点卷积之后为每个输出通道加一个"
        "偏置，比两层的写法少 {n} 个参数。"
    ),
    "sep_spatial": "空间可分离卷积：先一列，再一行",
    "sep_spatial_p": (
        "空间可分离卷积拆分的是 k×k 卷积核本身：先做 {first} 卷积，再做 {then} 卷积。只有当卷积核"
        "是一列与一行的外积（秩为 1）时它才等于 k×k 卷积，所以它是更便宜的另一种层，而不是同一层。"
    ),
    "sep_spatial_table": "同一个例子：先 {first}，再 {then}",
    "sh_layer": "层",
    "sh_torch_n": "PyTorch (N, C, {axes})",
    "sh_keras_n": "Keras (N, {axes}, C)",
    "net_title": "整个网络中的维度变化",
    "net_p": (
        "每一层都改变形状：空间尺寸按上面的公式变化，通道数变为该层的卷积核个数。"
        "Conv1D 文本模型把 (N, T, C)（T 个词，每个词 C 维嵌入）变为 (N, T′, filters)。"
        "下表的形状、感受野和参数由 convviz.network 逐层计算（批大小 N = 1）。"
    ),
    "net_text": "Conv1D 文本模型：{t} 个词 × {c} 维嵌入，两层空洞卷积",
    "net_wavenet": "WaveNet 式的因果卷积堆叠（k = 2，空洞率 1, 2, 4, 8，32 个通道）",
    "net_stem": "类似 ResNet 的图像主干：7×7、步幅 2 的卷积，再接 3×3 最大池化",
    "g_reparam": (
        "这是重新参数化，而不是恒等变形：令 Conv1D′₁ = Conv1D₁ + I（在卷积核上加上恒等映射，"
        "仍是线性的 Conv1D），带残差的 Block 就成为门的形式："
    ),
    "g_dgcnn": (
        "DGCNN（膨胀门卷积网络，用于阅读理解式问答）把这样的 Block 堆叠起来：每个 Block 是"
        "带残差、“same” 填充的门卷积，长度不变；空洞率逐个 Block 增大，感受野增长很快——"
        "k = {k}、空洞率 {dil} 时覆盖 {rf} 个位置。"
    ),
})
