"""The whole explanation of one spec, as data (:func:`info`) and as text (:func:`info_text`).

``convviz info`` prints :func:`info_text`; ``convviz info --json`` prints
:func:`info`. Every number comes from :mod:`convviz.core.arithmetic`, every
framework line from :mod:`convviz.core.frameworks`. NumPy only, and no array
the size of the input: ``info_text(ConvSpec(10**9, 3))`` returns at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from convviz.core import arithmetic, frameworks
from convviz.core.spec import ConvSpec

__all__ = ["info", "info_text", "spec_dict"]

SCHEMA = "convviz.info/1"


def spec_dict(spec: ConvSpec) -> dict[str, Any]:
    """The spec's parameters, JSON-ready (padding as a name or [before, after] pairs)."""
    padding = spec.padding if isinstance(spec.padding, str) else [list(p) for p in spec.padding]
    c_in, c_out = spec.channels
    return {
        "input_size": list(spec.input_size),
        "kernel_size": list(spec.kernel_size),
        "stride": list(spec.stride),
        "padding": padding,
        "dilation": list(spec.dilation),
        "transposed": spec.transposed,
        "output_padding": list(spec.output_padding),
        "groups": spec.groups,
        "in_channels": c_in,
        "out_channels": c_out,
    }


def _title(name: str | None) -> str | None:
    if name is None:
        return None
    from convviz.presets import PRESETS  # the catalogue sits above core: looked up lazily

    preset = PRESETS.get(name)
    return preset.title if preset is not None else None


def info(spec: ConvSpec, name: str | None = None, pool: str | None = None) -> dict[str, Any]:
    """The arithmetic of ``spec`` as a JSON-ready dict (schema ``convviz.info/1``).

    Keys: schema, name, title, describe, ndim, kind, spec (the parameters),
    input_size, kernel_size, effective_kernel_size, stride, dilation,
    padding_before, padding_after, output_padding (in effect), output_size,
    canvas {size, padding, signed_padding}, channels {in, out, groups}, formula
    (one entry per group of identical axes: axes, symbolic, filled, value,
    where, terms), padding_rule (list or None), receptive_field,
    parameter_count, weights, biases, multiply_count, frame_count, pytorch
    {code, crop, exact, note}, keras {code, exact, layers, note},
    disagreements (list of str), pool (None, "max" or "avg": then the layers
    are pooling layers, with no parameters).

    ``pytorch.code`` is one expression over ``nn`` (torch.nn), ``keras.code``
    one over ``keras``; either is None only where no layer or composition of
    layers computes the spec (then ``exact`` is False and ``note`` says why).
    """
    if not isinstance(spec, ConvSpec):
        raise TypeError(f"spec must be a ConvSpec, got {type(spec).__name__}")
    c_in, c_out = spec.channels
    weights = spec.parameter_count - c_out
    biases, parameters, multiplies = c_out, spec.parameter_count, spec.multiply_count
    if pool is not None:
        pytorch, keras, differ = frameworks.pool_layers(spec, pool)
        weights = biases = parameters = multiplies = 0
    else:
        pytorch = frameworks.pytorch_layer(spec)
        keras = frameworks.keras_layer(spec)
        differ = frameworks.disagreements(spec)
    formulas, rules = [], []
    for axes in arithmetic.axis_groups(spec):
        formulas.append({"axes": axes, **arithmetic.formula(spec, axes[0])})
        rule = arithmetic.padding_rule(spec, axes[0])
        if rule:
            rules.append({"axes": axes, "text": rule})
    return {
        "schema": SCHEMA,
        "name": name,
        "title": _title(name),
        "describe": spec.describe(),
        "ndim": spec.ndim,
        "kind": "transposed" if spec.transposed else "direct",
        "spec": spec_dict(spec),
        "input_size": list(spec.input_size),
        "kernel_size": list(spec.kernel_size),
        "effective_kernel_size": list(spec.effective_kernel_size),
        "stride": list(spec.stride),
        "dilation": list(spec.dilation),
        "padding_before": list(spec.padding_before),
        "padding_after": list(spec.padding_after),
        "output_padding": list(spec.applied_output_padding),
        "output_size": list(spec.output_size),
        "canvas": {"size": list(spec.canvas_size),
                   "padding": [list(p) for p in spec.canvas_padding],
                   "signed_padding": [list(p) for p in arithmetic.canvas_pads(spec)]},
        "channels": {"in": c_in, "out": c_out, "groups": spec.groups},
        "formula": formulas,
        "padding_rule": rules or None,
        "receptive_field": list(arithmetic.receptive_field_size(spec)),
        "parameter_count": parameters,
        "weights": weights,
        "biases": biases,
        "multiply_count": multiplies,
        "frame_count": spec.frame_count,
        "pytorch": pytorch,
        "keras": keras,
        "disagreements": differ,
        "pool": pool,
    }


# -------------------------------------------------------------------------------------------
# text


def _size(values: Sequence[int]) -> str:
    return "×".join(str(v) for v in values)


def _one_or_all(values: Sequence[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else _size(values)


def _axes_label(axes: Sequence[int], ndim: int) -> str:
    if len(axes) == ndim:
        return ""
    return " (" + ", ".join(arithmetic.AXIS_NAMES[ndim][a] for a in axes) + ")"


def _padding_text(data: dict[str, Any]) -> str:
    before, after, ndim = data["padding_before"], data["padding_after"], data["ndim"]
    if len(set(before + after)) == 1:
        text = f"{before[0]} on every side"
    else:
        names = arithmetic.AXIS_NAMES[ndim]
        text = "; ".join(f"{names[a]} {b} before, {aft} after"
                         for a, (b, aft) in enumerate(zip(before, after)))
    spec_padding = data["spec"]["padding"]
    if isinstance(spec_padding, str):
        text += f"  ('{spec_padding}')"
    return text


def _side(value: int, where: str) -> str:
    return f"{value} {where}" if value >= 0 else f"{-value} skipped {where}"


def _canvas_text(data: dict[str, Any]) -> str:
    size = _size(data["canvas"]["size"])
    if data["kind"] == "direct":
        return f"{size}: the input with its padding"
    zeros = [s - 1 for s in data["stride"]]
    between = ("no zeros between cells" if not any(zeros) else
               f"s − 1 = {_one_or_all(zeros)} zero{'s' if max(zeros) > 1 else ''} between "
               "neighbouring cells")
    signed = [tuple(p) for p in data["canvas"]["signed_padding"]]
    names = arithmetic.AXIS_NAMES[data["ndim"]]
    sides = [f"{_side(b, 'before')}, {_side(a, 'after')}" for b, a in signed]
    where = sides[0] if len(set(signed)) == 1 else "; ".join(
        f"{names[n]} {text}" for n, text in enumerate(sides))
    return (f"{size}: the input with {between}, then k̂ − 1 − p_before cells before and "
            f"k̂ − 1 − p_after + output_padding after (a negative count: the windows skip "
            f"that many cells of it instead): {where}; a stride-1 convolution over it with "
            "the kernel flipped")


def info_text(data_or_spec: Any, name: str | None = None) -> str:
    """`convviz info` as text; takes a ConvSpec or the dict from :func:`info`."""
    if isinstance(data_or_spec, dict):
        data = data_or_spec
    elif isinstance(data_or_spec, ConvSpec):
        data = info(data_or_spec, name)
    else:
        raise TypeError(f"info_text takes a ConvSpec or the dict from info(), got "
                        f"{type(data_or_spec).__name__}")
    ndim = data["ndim"]
    transposed = data["kind"] == "transposed"
    head = f"{'ConvTranspose' if transposed else 'Conv'}{ndim}d  {data['describe']}"
    if data.get("pool"):
        head = f"{'MaxPool' if data['pool'] == 'max' else 'AvgPool'}{ndim}d  {data['describe']}"
    if data["title"]:
        head = f"{data['name']}: {data['title']}\n{head}"
    elif data["name"]:
        head = f"{data['name']}\n{head}"
    c = data["channels"]

    def ch(count: int) -> str:
        return f"{count} channel" + ("" if count == 1 else "s")

    rows: list[tuple[str, str]] = [
        ("input", f"{_size(data['input_size'])}, {ch(c['in'])}"),
        ("kernel", (f"{_size(data['kernel_size'])}, effective k̂ = d(k − 1) + 1 = "
                    f"{_size(data['effective_kernel_size'])}")),
        ("stride", _one_or_all(data["stride"])),
        ("dilation", _one_or_all(data["dilation"])),
        ("padding", _padding_text(data) + ("  (cropped from the output)" if transposed else "")),
    ]
    if transposed:
        rows.append(("output_padding", _one_or_all(data["output_padding"])
                     + "  (cells added at the end of the output)"))
    if c["groups"] != 1:
        rows.append(("groups", str(c["groups"])))
    rows.append(("output", f"{_size(data['output_size'])}, {ch(c['out'])}"))
    for entry in data["padding_rule"] or []:
        rows.append(("padding rule" + _axes_label(entry["axes"], ndim), entry["text"]))
    for entry in data["formula"]:
        rows.append(("formula" + _axes_label(entry["axes"], ndim), entry["symbolic"]))
        rows.append(("", f"  = {entry['filled']} = {entry['value']}"))
    rows += [
        ("canvas", _canvas_text(data)),
        ("receptive field", _size(data["receptive_field"])),
        ("parameters", "0 (pooling has none)" if data.get("pool") else
         f"{data['parameter_count']:,} ({data['weights']:,} weights + "
         f"{data['biases']:,} bias{'' if data['biases'] == 1 else 'es'})"),
        ("multiplications", f"{data['multiply_count']:,}"),
        ("frames", f"{data['frame_count']:,} (one per output cell)"),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [head, ""]
    lines += [f"  {label:<{width}}{value}".rstrip() for label, value in rows]
    torch_info, keras_info = data["pytorch"], data["keras"]
    lines += ["", f"  PyTorch  {torch_info['code'] or torch_info['note']}"]
    if torch_info["code"] and torch_info["note"]:
        lines.append(f"           {torch_info['note']}")
    lines.append(f"  Keras    {keras_info['code'] or keras_info['note']}")
    if keras_info["code"] and keras_info["note"]:
        lines.append(f"           {keras_info['note']}")
    if data["disagreements"]:
        lines += ["", "  Where PyTorch and Keras differ:"]
        lines += [f"  - {text}" for text in data["disagreements"]]
    return "\n".join(lines)

