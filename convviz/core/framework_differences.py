"""Where PyTorch and Keras 3 differ for one spec, as sentences, and the spellings both use.

:func:`disagreements` says, most specific first, where the two frameworks part
for a spec: padding names one of them lacks, TensorFlow's asymmetric 'same',
stride with dilation, output_padding limits, groups, weight layouts. The
helpers before it write a spec's sizes and paddings the way PyTorch and Keras
take them (``3`` or ``(3, 2)``, ``nn.ZeroPadNd``'s last-axis-first order); the
code lines of :mod:`convviz.core.frameworks` are written with the same helpers,
and that module re-exports :func:`disagreements`.

Nothing here imports torch or keras: the sentences are text.
"""

from __future__ import annotations

from collections.abc import Sequence

from convviz.core.arithmetic import AXIS_NAMES
from convviz.core.spec import ConvSpec

__all__ = ["disagreements"]

Pairs = list[tuple[int, int]]


def _num(values: Sequence[int]) -> str:
    """3 if every axis agrees, else (3, 2) — how PyTorch and Keras take sizes."""
    values = list(values)
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(map(str, values)) + ")"


def _pairs(spec: ConvSpec) -> Pairs:
    """Per axis, the (before, after) padding cells of ``spec``."""
    return list(zip(spec.padding_before, spec.padding_after))


def _last_axis_first(pairs: Sequence[tuple[int, int]]) -> str:
    """nn.ZeroPadNd order: the last axis first, (before, after) each."""
    return "(" + ", ".join(str(v) for pair in reversed(pairs) for v in pair) + ")"


def _strided_and_dilated(spec: ConvSpec) -> bool:
    """Stride > 1 and dilation > 1 at once: PyTorch takes it, Keras refuses it."""
    return set(spec.stride) != {1} and set(spec.dilation) != {1}


def _where(names: Sequence[str], pairs: Pairs, axes: Sequence[int]) -> str:
    """The padding of the given axes, by name: "cols: 0 before, 1 after"."""
    return ", ".join(f"{names[a]}: {pairs[a][0]} before, {pairs[a][1]} after" for a in axes)


def _direct_disagreements(spec: ConvSpec) -> list[str]:
    n = spec.ndim
    names = AXIS_NAMES[n]
    pairs = _pairs(spec)
    strided = set(spec.stride) != {1}
    asym = [a for a, (lo, hi) in enumerate(pairs) if lo != hi]
    out = []
    if spec.padding == "same" and strided:
        if asym:
            out.append(
                "'same' with stride > 1: TensorFlow/Keras pads asymmetrically, the odd cell "
                f"after ({_where(names, pairs, asym)}); PyTorch refuses padding='same' with "
                "stride > 1, and a symmetric padding=p starts every window one cell earlier "
                "— different outputs")
        else:
            out.append("'same' with stride > 1: PyTorch refuses padding='same' with stride "
                       "> 1; here Keras' 'same' is symmetric, so padding="
                       f"{_num([lo for lo, _ in pairs])} matches it")
    elif spec.padding == "causal":
        out.append("'causal' padding exists only in Keras (Conv1D); PyTorch has no such "
                   f"padding name: pad first with nn.ZeroPad1d({_last_axis_first(pairs)})")
    elif spec.padding == "full":
        out.append("neither framework has 'full' padding by name: PyTorch padding=d(k − 1) "
                   f"= {_num([lo for lo, _ in pairs])}, Keras needs ZeroPadding{n}D")
    elif asym and not isinstance(spec.padding, str):
        out.append(f"per-side padding: PyTorch's padding argument is symmetric (pad first with "
                   f"nn.ZeroPad{n}d), Keras pads by name only (valid, same, causal) or with "
                   f"ZeroPadding{n}D")
    if not isinstance(spec.padding, str) and any(lo or hi for lo, hi in pairs):
        tf = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride,
                      dilation=spec.dilation, padding="same")
        tf_pairs = _pairs(tf)
        if tf.output_size == spec.output_size and tf_pairs != pairs:
            differ = [a for a in range(n) if tf_pairs[a] != pairs[a]]
            out.append(
                "looks like 'same' but is not: Keras padding='same' gives the same output "
                f"size here but pads {_where(names, tf_pairs, differ)}, so its windows sit "
                f"elsewhere; keep the explicit ZeroPadding{n}D")
    if _strided_and_dilated(spec):
        out.append("stride > 1 with dilation > 1: PyTorch allows it, Keras refuses it")
    if spec.groups != 1 and spec.groups == spec.channels[0] and n <= 2:
        out.append(f"depthwise (groups = C_in = {spec.groups}): PyTorch says groups={spec.groups}; "
                   f"Keras has groups too, but the idiom is DepthwiseConv{n}D(depth_multiplier="
                   f"{spec.channels[1] // spec.groups})")
    out.append("layouts: PyTorch N, C, *spatial with weights (C_out, C_in/g, *k); Keras "
               "channels-last with kernels (*k, C_in/g, C_out)")
    return out


def _transposed_disagreements(spec: ConvSpec) -> list[str]:
    names = AXIS_NAMES[spec.ndim]
    pairs = _pairs(spec)
    asym = [a for a, (lo, hi) in enumerate(pairs) if lo != hi]
    same = ConvSpec(spec.input_size, spec.kernel_size, stride=spec.stride,
                    dilation=spec.dilation, padding="same", transposed=True)
    keras_same = (pairs == _pairs(same)
                  and spec.applied_output_padding == same.applied_output_padding)
    out = []
    if keras_same and asym:
        torch_p = [max(lo, hi) for lo, hi in pairs]
        torch_q = [2 * p - lo - hi + op for p, (lo, hi), op in
                   zip(torch_p, pairs, spec.applied_output_padding)]
        shift = [p - lo for p, (lo, _) in zip(torch_p, pairs)]
        out.append(
            f"transposed 'same': Keras gives o = i·s by cropping {_where(names, pairs, asym)}; "
            "PyTorch's padding crops both sides equally and output_padding adds at the "
            f"end, so padding={_num(torch_p)}, output_padding={_num(torch_q)} has the same "
            f"size but is shifted by {_num(shift)} cell(s)")
    elif spec.padding == "same":
        out.append("transposed 'same': Keras gives o = i·s by name; in PyTorch choose "
                   "padding and output_padding yourself")
    ops = spec.applied_output_padding
    if any(op >= s for op, s in zip(ops, spec.stride)):
        out.append("output_padding: PyTorch takes it below max(stride, dilation), Keras 3 "
                   "only below the strides")
    elif any(ops) and not keras_same:
        out.append("output_padding: both take it (PyTorch below max(stride, dilation), "
                   "Keras 3 below the strides)")
    extra = [max(g.effective_kernel, g.stride) - g.effective_kernel for g in spec.axes]
    if any(extra) and not keras_same:
        out.append(
            "transposed 'valid' with stride > k̂: Keras (output_padding=None) adds max(k̂, s) − "
            f"k̂ = {_num(extra)} cells at the end, PyTorch adds only output_padding")
    if _strided_and_dilated(spec):
        out.append("stride > 1 with dilation > 1: PyTorch allows it, Keras refuses it")
    if spec.groups != 1:
        out.append("groups: PyTorch's ConvTranspose takes groups, Keras' transposed layers "
                   "do not")
    out.append("layouts: PyTorch N, C, *spatial with weights (C_in, C_out/g, *k); Keras "
               "channels-last with kernels (*k, C_out, C_in)")
    return out


def disagreements(spec: ConvSpec) -> list[str]:
    """Where PyTorch and Keras differ for this spec, most specific first."""
    if spec.transposed:
        return _transposed_disagreements(spec)
    return _direct_disagreements(spec)
