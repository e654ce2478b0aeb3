"""The same layer in PyTorch and in Keras 3, as code that runs, and where they differ.

Every ``code`` string is one expression: PyTorch's with ``nn`` (``torch.nn``)
in scope, Keras' with ``keras`` in scope. Where one layer cannot express the
spec, the code is the shortest exact composition (``nn.Sequential`` /
``keras.Sequential`` with zero padding, cropping or subsampling layers) and the
note says why; ``code`` is None only where no composition of standard layers
exists. The test-suite runs every line under both frameworks with the same
weights and compares with :func:`convviz.apply` / :func:`convviz.pool`.

:func:`disagreements` (where the two frameworks differ, as sentences) lives in
:mod:`convviz.core.framework_differences` with the size and padding spellings
both modules write, and is re-exported here.

Nothing here imports torch or keras: the code is text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from convviz.core.framework_differences import (
    Pairs,
    _last_axis_first,
    _num,
    _pairs,
    _strided_and_dilated,
    disagreements,
)
from convviz.core.spec import ConvSpec
from convviz.errors import SpecError

__all__ = ["disagreements", "keras_layer", "pool_layers", "pytorch_layer", "separable_layers"]


def _nested(pairs: Sequence[tuple[int, int]]) -> str:
    """keras ZeroPaddingND / CroppingND order: one (before, after) pair per axis."""
    if len(pairs) == 1:
        return f"({pairs[0][0]}, {pairs[0][1]})"
    return "(" + ", ".join(f"({a}, {b})" for a, b in pairs) + ")"


def _same_pairs(spec: ConvSpec, stride: Sequence[int] | None = None) -> Pairs:
    """TensorFlow's 'same' padding of this spec's input (with ``stride`` if given)."""
    same = ConvSpec(spec.input_size, spec.kernel_size, stride=stride or spec.stride,
                    dilation=spec.dilation, padding="same")
    return _pairs(same)


# -------------------------------------------------------------------------------------------
# PyTorch


def _torch_transposed_args(spec: ConvSpec) -> tuple[list[int], list[int], Pairs]:
    """PyTorch's (padding, output_padding) per axis and the crop left over.

    ConvTranspose crops ``padding`` from both ends and adds ``output_padding``
    (< max(s, d)) at the end; an asymmetric crop keeps the larger side where
    output_padding can make up the difference, and crops the rest afterwards.
    """
    paddings, out_paddings, crops = [], [], []
    for g in spec.axes:
        lo, hi, op = g.pad_before, g.pad_after, g.output_padding
        limit = max(g.stride, g.dilation)
        if lo >= hi:
            p = min(lo, hi + limit - 1 - op)
            q = op + p - hi
            crop = (lo - p, 0)
        else:
            p = lo
            q = max(0, op + lo - hi)
            crop = (0, q - (op + lo - hi))
        paddings.append(p)
        out_paddings.append(q)
        crops.append(crop)
    return paddings, out_paddings, crops


def pytorch_layer(spec: ConvSpec) -> dict[str, Any]:
    """The PyTorch module computing ``spec``: {code, crop, exact, note}.

    ``crop``: per axis, the (before, after) cells a final ``nn.ZeroPadNd`` with
    negative padding cuts from the layer's output (None if nothing is cut).
    """
    n = spec.ndim
    c_in, c_out = spec.channels
    kw = [f"kernel_size={_num(spec.kernel_size)}"]
    if set(spec.stride) != {1}:
        kw.append(f"stride={_num(spec.stride)}")
    pairs = _pairs(spec)
    crop = None
    note = None
    if not spec.transposed:
        before = None
        if spec.padding == "same" and set(spec.stride) == {1}:
            kw.append('padding="same"')
        elif all(lo == hi for lo, hi in pairs):
            if any(lo for lo, _ in pairs):
                kw.append(f"padding={_num([lo for lo, _ in pairs])}")
        else:
            before = f"nn.ZeroPad{n}d({_last_axis_first(pairs)})"
            note = ("PyTorch's padding argument pads both sides equally; the zero padding "
                    "layer first pads each side as asked")
        if set(spec.dilation) != {1}:
            kw.append(f"dilation={_num(spec.dilation)}")
        if spec.groups != 1:
            kw.append(f"groups={spec.groups}")
        layer = f"nn.Conv{n}d({c_in}, {c_out}, {', '.join(kw)})"
        code = f"nn.Sequential({before}, {layer})" if before else layer
        return {"code": code, "crop": None, "exact": True, "note": note}
    paddings, out_paddings, crops = _torch_transposed_args(spec)
    if any(paddings):
        kw.append(f"padding={_num(paddings)}")
    if any(out_paddings):
        kw.append(f"output_padding={_num(out_paddings)}")
    if spec.groups != 1:
        kw.append(f"groups={spec.groups}")
    if set(spec.dilation) != {1}:
        kw.append(f"dilation={_num(spec.dilation)}")
    layer = f"nn.ConvTranspose{n}d({c_in}, {c_out}, {', '.join(kw)})"
    if any(any(c) for c in crops):
        crop = [list(c) for c in crops]
        negative = [(-lo, -hi) for lo, hi in crops]
        code = f"nn.Sequential({layer}, nn.ZeroPad{n}d({_last_axis_first(negative)}))"
        note = ("ConvTranspose crops its padding from both ends equally; the zero padding "
                "layer with negative padding cuts the remaining cells")
    else:
        code = layer
    return {"code": code, "crop": crop, "exact": True, "note": note}


# -------------------------------------------------------------------------------------------
# Keras 3


def _keras_padding_name(spec: ConvSpec, pairs: Pairs, stride: Sequence[int]) -> str | None:
    """The Keras padding name giving ``pairs`` for a direct layer with ``stride``, or None."""
    if all(p == (0, 0) for p in pairs):
        return "valid"
    if pairs == _same_pairs(spec, stride):
        return "same"
    if spec.ndim == 1 and pairs == [(spec.axes[0].effective_kernel - 1, 0)]:
        return "causal"
    return None


def _keras_direct(spec: ConvSpec) -> dict[str, Any]:
    n = spec.ndim
    _, c_out = spec.channels
    pairs = _pairs(spec)
    subsample = _strided_and_dilated(spec)
    stride = [1] * n if subsample else list(spec.stride)
    layers: list[dict[str, Any]] = []
    parts: list[str] = []
    padding = _keras_padding_name(spec, pairs, stride)
    if padding is None:
        parts.append(f"keras.layers.ZeroPadding{n}D({_nested(pairs)})")
        layers.append({"class": f"ZeroPadding{n}D", "padding": [list(p) for p in pairs]})
        padding = "valid"
    kw = [str(c_out), _num(spec.kernel_size)]
    if set(stride) != {1}:
        kw.append(f"strides={_num(stride)}")
    if padding != "valid":
        kw.append(f'padding="{padding}"')
    if set(spec.dilation) != {1}:
        kw.append(f"dilation_rate={_num(spec.dilation)}")
    if spec.groups != 1:
        kw.append(f"groups={spec.groups}")
    parts.append(f"keras.layers.Conv{n}D({', '.join(kw)})")
    layers.append({"class": f"Conv{n}D", "filters": c_out, "kernel_size": list(spec.kernel_size),
                   "strides": stride, "padding": padding,
                   "dilation_rate": list(spec.dilation), "groups": spec.groups})
    notes = []
    if subsample:
        parts.append(f"keras.layers.MaxPooling{n}D(pool_size=1, strides={_num(spec.stride)})")
        layers.append({"class": f"MaxPooling{n}D", "pool_size": [1] * n,
                       "strides": list(spec.stride)})
        notes.append("Keras refuses strides > 1 together with dilation_rate > 1: the stride-1 "
                     "dilated layer runs first, then a 1-cell max pooling with the strides "
                     "keeps every s-th output")
    if spec.groups != 1 and spec.groups == spec.channels[0] and n <= 2:
        notes.append(f"depthwise: keras.layers.DepthwiseConv{n}D({_num(spec.kernel_size)}, "
                     f"depth_multiplier={c_out // spec.groups}) in place of the Conv{n}D layer "
                     "computes the same")
    code = parts[0] if len(parts) == 1 else "keras.Sequential([" + ", ".join(parts) + "])"
    return {"code": code, "exact": True, "layers": layers, "note": "; ".join(notes) or None}


def _stretch_lambda(spec: ConvSpec) -> str:
    """A Lambda inserting s − 1 zeros after every input cell (channels-last, sizes known)."""
    c_in = spec.channels[0]
    sizes = list(spec.input_size)
    expr = "x"
    rank = spec.ndim + 3
    for a, s in enumerate(spec.stride):
        if s == 1:
            continue
        widths = [(0, 0)] * rank
        widths[a + 2] = (0, s - 1)
        sizes[a] *= s
        shape = ", ".join(str(v) for v in (-1, *sizes, c_in))
        expr = (f"keras.ops.reshape(keras.ops.pad(keras.ops.expand_dims({expr}, {a + 2}), "
                f"{tuple(widths)!r}), ({shape}))")
    return f"keras.layers.Lambda(lambda x: {expr})"


def _keras_transposed(spec: ConvSpec) -> dict[str, Any]:
    n = spec.ndim
    _, c_out = spec.channels
    cls = f"Conv{n}DTranspose"
    if spec.groups != 1:
        return {"code": None, "exact": False, "layers": None, "note": (
            f"no Keras equivalent: keras.layers.{cls} takes no groups argument")}
    same = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride,
                    dilation=spec.dilation, padding="same", transposed=True)
    stretch = _strided_and_dilated(spec)
    parts: list[str] = []
    layers: list[dict[str, Any]] = []
    notes: list[str] = []
    kw = [str(c_out), _num(spec.kernel_size)]
    if not stretch and _pairs(spec) == _pairs(same) and (
            spec.applied_output_padding == same.applied_output_padding):
        padding, q = "same", None
        if set(spec.stride) != {1}:
            kw.append(f"strides={_num(spec.stride)}")
        kw.append('padding="same"')
        crops: Pairs = [(0, 0)] * n
        extra: list[int] = [0] * n
    else:
        padding = "valid"
        strides = [1] * n if stretch else list(spec.stride)
        # the layer's output ('valid'): full length (i' − 1)s' + k̂ + q, where i' is the
        # (stretched) input, then extra zero inputs at the end where more cells are needed
        q_list, crops, extra = [], [], []
        for g, s in zip(spec.axes, strides):
            i = g.input_size * g.stride if stretch else g.input_size
            k_hat = g.effective_kernel
            default = max(k_hat, s) - k_hat
            need = g.pad_before + g.output_size
            q = min(max(0, need - ((i - 1) * s + k_hat)), s - 1)
            q = max(default, q)
            length = (i - 1) * s + k_hat + q
            more = max(0, -(-(need - length) // s))
            length += more * s
            q_list.append(q)
            extra.append(more)
            crops.append((g.pad_before, length - need))
        defaults = [max(g.effective_kernel, s) - g.effective_kernel
                    for g, s in zip(spec.axes, strides)]
        if set(strides) != {1}:
            kw.append(f"strides={_num(strides)}")
        if q_list != defaults:
            kw.append(f"output_padding={_num(q_list)}")
        q = q_list
        if stretch:
            parts.append(_stretch_lambda(spec))
            layers.append({"class": "Lambda", "inserts_zeros": list(spec.stride)})
            notes.append(
                f"Keras refuses strides > 1 together with dilation_rate > 1: the Lambda "
                f"inserts s − 1 zeros after every input cell, then a stride-1 dilated "
                f"{cls} runs over it")
        if any(extra):
            pads = [(0, e) for e in extra]
            parts.append(f"keras.layers.ZeroPadding{n}D({_nested(pads)})")
            layers.append({"class": f"ZeroPadding{n}D", "padding": [list(p) for p in pads]})
            notes.append("zero input cells at the end extend the output where output_padding "
                         "must stay below the strides in Keras")
    if set(spec.dilation) != {1}:
        kw.append(f"dilation_rate={_num(spec.dilation)}")
    parts.append(f"keras.layers.{cls}({', '.join(kw)})")
    layers.append({"class": cls, "filters": c_out, "kernel_size": list(spec.kernel_size),
                   "padding": padding, "output_padding": q,
                   "dilation_rate": list(spec.dilation)})
    if any(any(c) for c in crops):
        parts.append(f"keras.layers.Cropping{n}D({_nested(crops)})")
        layers.append({"class": f"Cropping{n}D", "cropping": [list(c) for c in crops]})
    code = parts[0] if len(parts) == 1 else "keras.Sequential([" + ", ".join(parts) + "])"
    return {"code": code, "exact": True, "layers": layers, "note": "; ".join(notes) or None}


def keras_layer(spec: ConvSpec) -> dict[str, Any]:
    """The Keras 3 layer(s) computing ``spec``: {code, exact, layers, note}.

    ``layers`` lists the layers of the code in order (class and arguments).
    """
    return _keras_transposed(spec) if spec.transposed else _keras_direct(spec)


# -------------------------------------------------------------------------------------------
# pooling


def pool_layers(spec: ConvSpec, mode: str) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """PyTorch and Keras pooling over the spec's windows, and where they differ.

    Max pooling ignores padding (as if −∞), average pooling counts it as zeros,
    as :func:`convviz.pool` does by default.
    """
    if mode not in ("max", "avg"):
        raise SpecError(f"pool must be None, 'max' or 'avg', got {mode!r}")
    if spec.transposed:
        raise SpecError("pool needs a direct spec; pooling is not transposed")
    n = spec.ndim
    pairs = _pairs(spec)
    dilated = set(spec.dilation) != {1}
    padded = any(lo or hi for lo, hi in pairs)
    word = "Max" if mode == "max" else "Avg"
    kw = [f"kernel_size={_num(spec.kernel_size)}", f"stride={_num(spec.stride)}"]
    before = None
    # PyTorch takes padding up to half the kernel (k, even when dilated), and its 3-D
    # pooling wants the unpadded input to hold a window: else pad with a layer first
    fits = all(2 * lo <= g.kernel_size and g.input_size >= g.effective_kernel
               for (lo, _), g in zip(pairs, spec.axes))
    fill = 'float("-inf")' if mode == "max" else "0.0"
    if padded:
        if all(lo == hi for lo, hi in pairs) and fits:
            kw.append(f"padding={_num([lo for lo, _ in pairs])}")
        else:
            before = f"nn.ConstantPad{n}d({_last_axis_first(pairs)}, {fill})"
    if dilated:
        kw.append(f"dilation={_num(spec.dilation)}")
    if mode == "avg" and dilated:
        pytorch: dict[str, Any] = {"code": None, "crop": None, "exact": False,
                                   "note": f"no PyTorch layer: nn.AvgPool{n}d has no dilation"}
    else:
        layer = f"nn.{word}Pool{n}d({', '.join(kw)})"
        pytorch = {"code": f"nn.Sequential({before}, {layer})" if before else layer,
                   "crop": None, "exact": True, "note": None}
    cls = f"{'Max' if mode == 'max' else 'Average'}Pooling{n}D"
    if dilated:
        keras: dict[str, Any] = {"code": None, "exact": False, "layers": None,
                                 "note": f"no Keras equivalent: {cls} has no dilation"}
    else:
        args = [f"pool_size={_num(spec.kernel_size)}", f"strides={_num(spec.stride)}"]
        layers: list[dict[str, Any]] = []
        parts = []
        same = padded and pairs == _same_pairs(spec)
        if same and mode == "max":
            args.append('padding="same"')
        elif padded and mode == "avg":
            parts.append(f"keras.layers.ZeroPadding{n}D({_nested(pairs)})")
            layers.append({"class": f"ZeroPadding{n}D", "padding": [list(p) for p in pairs]})
        elif padded:
            widths = ((0, 0), *pairs, (0, 0))
            parts.append(f"keras.layers.Lambda(lambda x: keras.ops.pad(x, {widths!r}, "
                         f"constant_values=float(\"-inf\")))")
            layers.append({"class": "Lambda", "pads_with": "-inf",
                           "padding": [list(p) for p in pairs]})
        parts.append(f"keras.layers.{cls}({', '.join(args)})")
        layers.append({"class": cls, "pool_size": list(spec.kernel_size),
                       "strides": list(spec.stride),
                       "padding": "same" if same and mode == "max" else "valid"})
        code = parts[0] if len(parts) == 1 else "keras.Sequential([" + ", ".join(parts) + "])"
        keras = {"code": code, "exact": True, "layers": layers, "note": None}
    out = []
    if mode == "avg" and padded:
        out.append("average pooling over padding: convviz and PyTorch (count_include_pad=True) "
                   "count the padding cells in the mean; Keras' padding=\"same\" divides by the "
                   "real cells only, so the Keras code pads with zeros first")
    return pytorch, keras, out


# -------------------------------------------------------------------------------------------
# separable convolutions: two layers


def separable_layers(depthwise: ConvSpec, pointwise: ConvSpec) -> dict[str, Any]:
    """A depthwise separable convolution in both frameworks: {pytorch, keras, keras_pair, note}.

    ``depthwise``: groups = C_in (each channel its own kernel, C_out = m·C_in
    for a depth multiplier m); ``pointwise``: a 1×1 convolution of its output.
    ``pytorch`` is the two layers in ``nn.Sequential``; ``keras_pair`` the same two
    layers in Keras (``DepthwiseConv{n}D`` + ``Conv{n}D``, both with bias, exactly
    the PyTorch pair); ``keras`` the one ``SeparableConv{n}D`` layer, which has no
    bias on its depthwise step (the note says so). SpecError if the two specs are
    not a depthwise and a pointwise convolution that follow each other, or if the
    depthwise padding is neither none nor stride-1 'same'.
    """
    n = depthwise.ndim
    c_in, c_dw = depthwise.channels
    c_pw_in, c_out = pointwise.channels
    if depthwise.transposed or depthwise.groups != c_in or n > 2:
        raise SpecError(f"depthwise must be a direct 1-D or 2-D convolution with groups = "
                        f"in_channels, got {depthwise!r}")
    if (pointwise.transposed or set(pointwise.kernel_size) != {1} or pointwise.groups != 1
            or set(pointwise.stride) != {1} or any(pointwise.padding_before)
            or any(pointwise.padding_after) or c_pw_in != c_dw
            or pointwise.input_size != depthwise.output_size):
        raise SpecError(f"pointwise must be a 1×1, stride-1, unpadded convolution of the "
                        f"depthwise output ({c_dw} channels, size {depthwise.output_size}), "
                        f"got {pointwise!r}")
    pairs = _pairs(depthwise)
    if not any(lo or hi for lo, hi in pairs):
        padding = "valid"
    elif _keras_padding_name(depthwise, pairs, list(depthwise.stride)) == "same":
        padding = "same"
    else:
        raise SpecError(f"depthwise padding {pairs} is not 'valid' or 'same' for Keras' "
                        "SeparableConv layers")
    kw = [str(c_out), _num(depthwise.kernel_size)]
    dw_kw = [_num(depthwise.kernel_size)]
    extra = []
    if set(depthwise.stride) != {1}:
        extra.append(f"strides={_num(depthwise.stride)}")
    if padding != "valid":
        extra.append(f'padding="{padding}"')
    if c_dw != c_in:
        extra.append(f"depth_multiplier={c_dw // c_in}")
    if set(depthwise.dilation) != {1}:
        extra.append(f"dilation_rate={_num(depthwise.dilation)}")
    keras = f"keras.layers.SeparableConv{n}D({', '.join(kw + extra)})"
    pair = (f"keras.Sequential([keras.layers.DepthwiseConv{n}D({', '.join(dw_kw + extra)}), "
            f"keras.layers.Conv{n}D({c_out}, 1)])")
    torch = (f"nn.Sequential({pytorch_layer(depthwise)['code']}, "
             f"{pytorch_layer(pointwise)['code']})")
    note = (f"SeparableConv{n}D has no bias on its depthwise step: with use_bias it adds one "
            f"bias per output channel after the pointwise step, {c_dw} parameters fewer "
            "than the two layers")
    return {"pytorch": torch, "keras": keras, "keras_pair": pair, "note": note}
