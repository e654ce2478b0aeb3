"""The gallery's English words (see :mod:`convviz.site.text`, which joins the languages)."""

from __future__ import annotations

EN: dict[str, str] = {
    "html_lang": "en",
    "lang_name": "English",
    "site_title": "convviz — convolution arithmetic, made visible",
    "site_subtitle": (
        "Every picture, number and hover map on this page is computed by convviz's "
        "engine from the convolution's parameters."
    ),
    "contents": "Contents",
    "playground": "Playground: any convolution, live in the browser",
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
        "The seven direct cases of conv_arithmetic. Each card shows the "
        "animation, its parameters, the output size worked out, and the same layer in "
        "PyTorch and Keras. Hover over an output cell of the picture, or tab to one in "
        "the small grid beside it, to see which input cells it reads; an input cell "
        "shows the outputs it feeds."
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
        "Keras takes dilation_rate; PyTorch calls it dilation."
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
        "Shapes per case: PyTorch tensors are (N, C, …), Keras tensors (N, …, C), "
        "where … is the spatial size: L for 1-D, H, W for 2-D. Padding is given per side "
        "(per axis, before/after); for transposed convolutions it is "
        "PyTorch's padding, which crops the output."
    ),
    "sh_table": "Input and output shapes (batch 1, one channel unless stated)",
    "sh_case": "case",
    "sh_torch": "PyTorch (N, C, …)",
    "sh_keras": "Keras (N, …, C)",
    "sh_pad": "padding before/after per axis",
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
    "download_gif": "GIF",
    "download_png": "still PNG",
    "open_playground": "open in the playground",
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
    "alt_zeros": " stretched with {zeros} between cells",
    "alt_crop": ", {p} cropped from each side",
    "alt_diagram": "{what}: {title}. {description}",
}

# Notes, the fuller seed sections and the gate's re-parametrisation: the same table, merged
EN.update({
    "why_lstm": (
        "Recurrence is hard to train fast: every LSTM cell applies four affine transforms at "
        "every time step, so the cost is bound by memory bandwidth, and adding bandwidth is "
        "much harder than adding arithmetic units — the mismatch with today's accelerators."
    ),
    "why_seq": (
        "Recurrence is also sequential: information from far back passes through every cell "
        "in between, which invites vanishing gradients. An LSTM can skip unimportant parts, "
        "but when the whole sequence matters it still walks it in order, like a plain RNN."
    ),
    "why_attn": (
        "Attention and hierarchical attention encoders look back differently: they sum past "
        "encodings up a tree into a context vector, a path of about log N steps where a "
        "chain (RNN/LSTM) needs N."
    ),
    "why_task": (
        "The task matters too: an LSTM remembers long context, which helps inference, but "
        "in factual question answering the answer usually sits in an n-gram phrase, and "
        "convolutions model n-grams well."
    ),
    "sources": "Sources (in Chinese unless marked)",
    "src_jiqizhixin": "On sequence modelling, time to drop RNN and LSTM (Synced)",
    "src_tds": "The fall of RNN / LSTM (English original)",
    "src_csdn_rnn": "Give up RNN/LSTM (CSDN)",
    "src_csdn_glu": "Convolutions for language models (CSDN)",
    "src_kexue": "DGCNN: a CNN reading-comprehension QA model (Scientific Spaces)",
    "tr_checker": (
        "The scatter view also explains the checkerboard of transposed convolutions: when "
        "the stride does not divide the kernel size, the k×k blocks overlap unevenly, so "
        "neighbouring output cells are written by different numbers of input cells and the "
        "output shows a regular pattern. A kernel size that is a multiple of the stride "
        "writes every output cell away from the borders equally often."
    ),
    "note_transposed_of": "The transposed convolution of “{title}”.",
    "note_dilation_transposed": (
        "The transposed convolution of “{title}”: {i} back to {o}; the originals lack it."
    ),
    "note_causal_1d": (
        "Keras padding='causal': d(k−1) cells before, none after; output t reads {reads}."
    ),
    "note_tf_same_strides": (
        "o = ⌈i/s⌉ with the odd padding cell after (bottom/right), unlike PyTorch's "
        "symmetric padding."
    ),
    "note_output_padding_transposed": (
        "PyTorch's usual 2× upsampling: k={k}, s={s}, p={p}, output_padding={op} gives "
        "{i} → {o}."
    ),
    "note_depthwise": "groups = C_in: every channel has its own kernel.",
    "note_path_length": (
        "Steps from the first to the last of N consecutive positions: N − 1 through an RNN "
        "chain, ⌈(N−1)/(k−1)⌉ plain convolution layers, ⌈log₂N⌉ dilated layers (log scale)."
    ),
    "note_glu_block": (
        "Y = X + (X∗W + b) ⊗ σ(X∗V + c): two unshared causal Conv1D lanes read the same "
        "window; the gate σ scales the value lane."
    ),
    "note_glu_same": (
        "(X∗W + b) ⊗ σ(X∗V + c) without a residual, not causal: the window is centred on t."
    ),
    "note_highway_block": (
        "Y = X ⊗ (1 − σ) + (X∗W + b) ⊗ σ: the input passes straight through with weight "
        "1 − σ or transformed with weight σ (“same” padding, as in DGCNN)."
    ),
    "note_dilated_stack": (
        "Plain against dilated layers: the same parameters and cost, a much wider reach. "
        "Every connection is faint, one output's paths are bright."
    ),
    "note_wavenet": (
        "Causal k = 2 layers with dilations doubling: each output sees the inputs up to its "
        "own time step, none after."
    ),
    "note_separable": (
        "One k×k kernel per channel (depthwise), then 1×1 across channels (pointwise): "
        "{sep} multiplications instead of {std}."
    ),
    "alt_figure": "Diagram",
    "sep_code": "PyTorch and Keras",
    "sep_keras_pair": "Keras, as two layers",
    "sep_bias_note": (
        "SeparableConv2D has no bias on its depthwise step: with use_bias it adds one bias "
        "per output channel after the pointwise step, {n} parameters fewer than the two "
        "layers."
    ),
    "sep_spatial": "Spatially separable: a column, then a row",
    "sep_spatial_p": (
        "A spatially separable convolution splits the k×k kernel itself: a {first} "
        "convolution, then a {then} one. It equals the k×k convolution only when the kernel "
        "is the outer product of a column and a row (rank 1), so it is a cheaper layer rather "
        "than the same one."
    ),
    "sep_spatial_table": "The same example, {first} then {then}",
    "sh_layer": "layer",
    "sh_torch_n": "PyTorch (N, C, {axes})",
    "sh_keras_n": "Keras (N, {axes}, C)",
    "net_title": "Through whole networks",
    "net_p": (
        "Every layer changes the shape: the spatial size by the formula above, the channels "
        "to the layer's filters. A Conv1D text model takes (N, T, C) — T tokens of C "
        "embedding values — to (N, T′, filters). Shapes, receptive fields and parameters "
        "below are computed layer by layer by convviz.network (batch N = 1)."
    ),
    "net_text": "A Conv1D text model: {t} tokens × {c} embedding values, two dilated layers",
    "net_wavenet": "A WaveNet-style causal stack (k = 2, dilations 1, 2, 4, 8, 32 channels)",
    "net_stem": "An image stem like ResNet's: 7×7 stride-2 convolution, then 3×3 max pooling",
    "g_reparam": (
        "A re-parametrisation, not an identity: with Conv1D′₁ = Conv1D₁ + I (the identity "
        "added to the kernel — again a linear Conv1D), the residual block is the gate:"
    ),
    "g_dgcnn": (
        "DGCNN (a dilated gated CNN for reading-comprehension question answering) stacks "
        "such blocks: each a residual gated Conv1D with “same” padding, so the length is "
        "kept, and with the dilation growing from block to block the receptive field grows "
        "fast — k = {k} with dilations {dil} reaches {rf} positions."
    ),
})
