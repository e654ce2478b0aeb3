"""Keras models read through ``get_config()`` (Sequential or functional; Keras is not imported).

Each layer's config gives its geometry; a functional model's ``inbound_nodes``
give the graph, so Add / Concatenate merge branches. Channels are followed
here (Keras configs name only the output channels) to count parameters.
"""

from __future__ import annotations

import math
import re
from typing import Any

from convviz.core.layers import Layer
from convviz.core.network import INPUT, Node
from convviz.core.readers import ELEMENTWISE, FLATTEN
from convviz.errors import SpecError

__all__ = ["keras_nodes"]

_MERGE = {"Add": "add", "Subtract": "add", "Multiply": "add", "Average": "add",
          "Maximum": "add", "Minimum": "add", "Concatenate": "concat"}
_TAIL_CLASSES = FLATTEN | {"Dense", "Reshape"}


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _pads(value: Any, ndim: int) -> Any:
    """Keras padding/cropping: an int, one int per axis, or one (before, after) per axis;
    for 1-D layers a bare (before, after) pair."""
    if isinstance(value, (list, tuple)):
        if ndim == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
            return ((value[0], value[1]),)
        return tuple(_tuple(v) for v in value)
    return value


def _inbound(entry: dict[str, Any]) -> list[str]:
    """Names of the layers feeding a functional model's layer."""
    names: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            history = value.get("config", {}).get("keras_history") if isinstance(
                value.get("config"), dict) else None
            if history:
                names.append(history[0])
                return
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            if len(value) >= 3 and isinstance(value[0], str) and isinstance(value[1], int):
                names.append(value[0])  # Keras 2: [name, node, tensor, kwargs]
                return
            for v in value:
                walk(v)

    walk(entry.get("inbound_nodes", []))
    return list(dict.fromkeys(names))


def keras_nodes(model: Any) -> tuple[list[Node], tuple[int, ...] | None, int | None, list[str]]:
    """Nodes, input size (None if not fixed), input channels and tail of a Keras model."""
    config = model.get_config()
    entries = config.get("layers") if isinstance(config, dict) else None
    if not isinstance(entries, list):
        raise SpecError(f"the Keras model {type(model).__name__} has no layer list in its "
                        "config")
    functional = any(e.get("inbound_nodes") for e in entries)
    nodes: list[Node] = []
    where: dict[str, int] = {}  # layer name -> node index (or INPUT / -2 for the tail)
    channels: dict[int, int | None] = {}
    size: tuple[int, ...] | None = None
    c_input: int | None = None
    tail: list[str] = []
    previous = INPUT
    for entry in entries:
        cls = entry.get("class_name", "")
        cfg = entry.get("config", {})
        name = cfg.get("name") or entry.get("name") or cls
        channels_first = cfg.get("data_format") == "channels_first"
        if cls == "InputLayer":
            shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
            if shape:
                spatial = shape[2:] if channels_first else shape[1:-1]
                if all(isinstance(v, int) for v in spatial):
                    size = tuple(spatial)
                last = shape[1] if channels_first else shape[-1]
                c_input = last if isinstance(last, int) else None
            where[name] = INPUT
            channels[INPUT] = c_input
            previous = INPUT
            continue
        inbound = _inbound(entry) if functional else []
        unknown = [n for n in inbound if n not in where]
        if unknown:
            raise SpecError(f"layer {name!r} ({cls}) reads {unknown[0]!r}, which is not a "
                            "layer before it in the model's config")
        sources = [where[n] for n in inbound] if functional else [previous]
        if not sources:
            sources = [INPUT]
        if -2 in sources or cls in _TAIL_CLASSES:
            tail.append(name)
            where[name] = previous = -2
            continue
        c_in: int | None = channels.get(sources[0], c_input)
        c_out: int | None
        if cls in _MERGE:
            nodes.append(Node(Layer(_MERGE[cls], name=name), sources, [], 0))
            if cls == "Concatenate":
                known = [channels.get(s) for s in sources]
                c_out = sum(c for c in known if c is not None) if None not in known else None
            else:
                c_out = c_in
        elif cls in ELEMENTWISE or cls in ("ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"):
            n = sources[0]
            extra = 0
            if cls == "BatchNormalization" and c_in is not None:
                extra = c_in * (2 + int(cfg.get("center", True)) + int(cfg.get("scale", True)))
            if n == INPUT:
                raise SpecError(f"layer {name!r} ({cls}) comes before any spatial layer")
            nodes[n].folded.append(name)
            nodes[n].parameters = (nodes[n].parameters or 0) + extra
            where[name] = previous = n
            continue
        else:
            made = _layers(cls, cfg, name, c_in)
            for layer, params in made[:-1]:
                nodes.append(Node(layer, sources, [], params))
                channels[len(nodes) - 1] = _out_channels(layer, c_in)
                sources = [len(nodes) - 1]
                c_in = channels[len(nodes) - 1]
            layer, params = made[-1]
            nodes.append(Node(layer, sources, [], params))
            c_out = _out_channels(layer, c_in)
        index = len(nodes) - 1
        channels[index] = c_out
        where[name] = previous = index
    return nodes, size, c_input, tail


def _out_channels(layer: Layer, c_in: int | None) -> int | None:
    if layer.depth_multiplier is not None:
        return None if c_in is None else c_in * layer.depth_multiplier
    if layer.kind in ("conv", "conv_transpose"):
        return layer.out_channels
    return c_in


def _layers(cls: str, cfg: dict[str, Any], name: str, c_in: int | None
            ) -> list[tuple[Layer, int | None]]:
    """The Layer(s) of one Keras layer with their parameter counts."""
    dims = re.fullmatch(r"([A-Za-z]+?)([123])D([A-Za-z]*)", cls)
    ndim = int(dims.group(2)) if dims else 2
    base = dims.group(1) + dims.group(3) if dims else cls
    if cfg.get("data_format") == "channels_first":
        raise SpecError(f"layer {name!r}: data_format='channels_first' is not read; use "
                        "channels_last")
    common = {"padding": cfg.get("padding", "valid"), "name": name}
    if base in ("Conv", "ConvTranspose", "DepthwiseConv", "SeparableConv"):
        kernel = _tuple(cfg["kernel_size"])
        stride = _tuple(cfg.get("strides", 1))
        dilation = _tuple(cfg.get("dilation_rate", 1))
        bias = bool(cfg.get("use_bias", True))
        if base == "ConvTranspose":
            layer = Layer("conv_transpose", kernel, stride, dilation=dilation,
                          out_channels=cfg["filters"], bias=bias,
                          output_padding=_transposed_extra(cfg, kernel, stride, dilation, ndim),
                          **{**common, "padding": _transposed_padding(cfg, kernel, dilation)})
        elif base == "Conv":
            layer = Layer("conv", kernel, stride, dilation=dilation, groups=cfg.get("groups", 1),
                          out_channels=cfg["filters"], bias=bias, **common)
        else:
            dm = int(cfg.get("depth_multiplier", 1))
            depthwise = Layer("conv", kernel, stride, dilation=dilation, depth_multiplier=dm,
                              bias=bias if base == "DepthwiseConv" else False,
                              **{**common, "name": name + ("" if base == "DepthwiseConv"
                                                           else "/depthwise")})
            if base == "DepthwiseConv":
                return [(depthwise, _count(depthwise, c_in, ndim))]
            pointwise = Layer("conv", 1, out_channels=cfg["filters"], bias=bias,
                              name=name + "/pointwise")
            c_mid = None if c_in is None else c_in * dm
            return [(depthwise, _count(depthwise, c_in, ndim)),
                    (pointwise, _count(pointwise, c_mid, ndim))]
        return [(layer, _count(layer, c_in, ndim))]
    if base in ("MaxPooling", "AveragePooling"):
        pool = _tuple(cfg.get("pool_size", 2))
        stride = _tuple(cfg.get("strides") or pool)
        return [(Layer("maxpool" if base == "MaxPooling" else "avgpool", pool, stride,
                       **common), 0)]
    if base == "ZeroPadding":
        return [(Layer("pad", padding=_pads(cfg.get("padding", 1), ndim), name=name), 0)]
    if base == "Cropping":
        return [(Layer("crop", padding=_pads(cfg.get("cropping", 1), ndim), name=name), 0)]
    if base == "UpSampling":
        if cfg.get("interpolation", "nearest") != "nearest":
            raise SpecError(f"layer {name!r} ({cls}, interpolation="
                            f"{cfg.get('interpolation')!r}): only nearest upsampling has a "
                            "convolution's geometry")
        return [(Layer("upsample", stride=_tuple(cfg.get("size", 2)), name=name), 0)]
    raise SpecError(f"layer {name!r} ({cls}) is not a layer convviz can follow")


def _count(layer: Layer, c_in: int | None, ndim: int) -> int | None:
    """Weights and bias of a convolution (None while the input channels are unknown)."""
    c_out = _out_channels(layer, c_in)
    if c_in is None or c_out is None:
        return None
    groups = c_in if layer.depth_multiplier is not None else layer.groups
    kernel = layer.kernel_size
    taps = math.prod(kernel) if isinstance(kernel, tuple) else kernel ** ndim
    return c_out * (c_in // groups) * taps + (c_out if layer.bias else 0)


def _k_hat(kernel: Any, dilation: Any, ndim: int) -> tuple[int, ...]:
    ks = kernel if isinstance(kernel, tuple) else (kernel,) * ndim
    ds = dilation if isinstance(dilation, tuple) else (dilation,) * ndim
    return tuple(d * (k - 1) + 1 for k, d in zip(ks, ds))


def _transposed_padding(cfg: dict[str, Any], kernel: Any, dilation: Any) -> Any:
    """Keras' transposed padding; with an explicit output_padding, 'same' crops k̂//2."""
    padding = cfg.get("padding", "valid")
    if cfg.get("output_padding") is None or padding == "valid":
        return padding
    ndim = len(cfg["output_padding"])
    return tuple(k // 2 for k in _k_hat(_tuple(kernel), _tuple(dilation), ndim))


def _transposed_extra(cfg: dict[str, Any], kernel: Any, stride: Any, dilation: Any,
                      ndim: int) -> Any:
    """Keras' output length i·s + max(k̂ − s, 0) for 'valid' without output_padding."""
    if cfg.get("output_padding") is not None:
        return _tuple(cfg["output_padding"])
    if cfg.get("padding", "valid") != "valid":
        return 0
    ss = stride if isinstance(stride, tuple) else (stride,) * ndim
    return tuple(max(s - k, 0) for s, k in zip(ss, _k_hat(kernel, dilation, ndim)))
