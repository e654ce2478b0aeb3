"""Readers: models of every kind turned into the layer graph of :mod:`convviz.core.network`.

- a list of ConvSpecs, :class:`~convviz.core.layers.Layer` objects or layer dicts;
- the compact text form of the command line (``"conv k3 s2 p1 | maxpool k2 s2"``);
- a PyTorch ``nn.Sequential`` (nested too), read by its attributes without
  importing torch; any PyTorch module with an example input, by forward hooks
  (:mod:`convviz.core.torch_trace`), so that branches are followed;
- a Keras model, through ``get_config()`` (Sequential or functional).

Element-wise layers (activations, normalisation, dropout) fold into the row
before them; a layer that is neither is named in a SpecError.
"""

from __future__ import annotations

import re
from typing import Any

from convviz.core.axis import is_whole
from convviz.core.layers import EveryAxis, Layer
from convviz.core.network import INPUT, Network, Node, build_network
from convviz.core.spec import ConvSpec
from convviz.errors import SpecError

__all__ = ["ELEMENTWISE", "parse_text", "read", "torch_layer"]

#: class names (PyTorch and Keras) of layers that act on each cell alone
ELEMENTWISE = frozenset(
    [
        "ReLU",
        "ReLU6",
        "LeakyReLU",
        "PReLU",
        "ELU",
        "SELU",
        "CELU",
        "GELU",
        "SiLU",
        "Sigmoid",
        "Tanh",
        "Hardswish",
        "Hardsigmoid",
        "Hardtanh",
        "Mish",
        "Softplus",
        "Softsign",
        "Tanhshrink",
        "Threshold",
        "GLU",
        "Identity",
        "Dropout",
        "Dropout1d",
        "Dropout2d",
        "Dropout3d",
        "AlphaDropout",
        "FeatureAlphaDropout",
        "BatchNorm1d",
        "BatchNorm2d",
        "BatchNorm3d",
        "SyncBatchNorm",
        "InstanceNorm1d",
        "InstanceNorm2d",
        "InstanceNorm3d",
        "GroupNorm",
        "LocalResponseNorm",
        "Activation",
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianNoise",
        "GaussianDropout",
        "InputLayer",
    ]
)
#: class names that end the spatial part (what follows is listed as the tail)
FLATTEN = frozenset(
    [
        "Flatten",
        "GlobalAveragePooling1D",
        "GlobalAveragePooling2D",
        "GlobalAveragePooling3D",
        "GlobalMaxPooling1D",
        "GlobalMaxPooling2D",
        "GlobalMaxPooling3D",
    ]
)


def _size(value: Any, name: str = "input_size") -> tuple[int, ...]:
    if is_whole(value):
        value = (int(value),) * 2
    if (not isinstance(value, (tuple, list)) or not 1 <= len(value) <= 3
            or not all(is_whole(v) and v >= 1 for v in value)):
        raise SpecError(f"{name} must be a whole number >= 1 or a tuple of 1 to 3 of them, "
                        f"got {value!r}")
    return tuple(int(v) for v in value)


def read(model: Any, input_size: Any, *, input_channels: int | None = None,
         example_input: Any = None) -> Network:
    """The :class:`Network` of ``model`` (see :func:`convviz.network`)."""
    if input_channels is not None and (not is_whole(input_channels) or input_channels < 1):
        raise SpecError(f"input_channels must be a whole number >= 1, got {input_channels!r}")
    if example_input is not None:
        from convviz.core.torch_trace import trace

        traced = trace(model, example_input)
        if input_size is not None and _size(input_size) != traced[1]:
            raise SpecError(f"input_size={input_size!r} differs from example_input's spatial "
                            f"size {traced[1]}")
        return build_network(*traced)
    if _is_keras(model):
        from convviz.core.keras_reader import keras_nodes

        nodes, fixed, channels, tail = keras_nodes(model)
        size = _size(input_size) if input_size is not None else fixed
        if size is None:
            raise SpecError("input_size is needed: the Keras model does not fix its input size")
        return build_network(nodes, size, input_channels or channels, tail)
    if isinstance(model, (list, tuple)) and model and isinstance(model[0], ConvSpec):
        if input_size is None:
            input_size = model[0].input_size
        input_channels = input_channels or model[0].in_channels
    nodes, tail = _chain(model)
    if input_size is None:
        raise SpecError("input_size is needed (e.g. input_size=224, or (64,) for 1-D)")
    return build_network(nodes, _size(input_size), input_channels, tail)


def _chain(model: Any) -> tuple[list[Node], list[str]]:
    """Nodes of a model that is one chain of layers (text, list, nn.Sequential)."""
    tail: list[str] = []
    if isinstance(model, str):
        items: list[tuple[Layer | str, int | None]] = [(x, None) for x in parse_text(model)]
    elif isinstance(model, (list, tuple)):
        items = [(_item(x, n), None) for n, x in enumerate(model)]
    elif hasattr(model, "named_children") and hasattr(model, "forward"):
        found, tail = _torch_sequential(model, "")
        items = []
        for spatial, folded, total in found:
            items += [(spatial, total)] + [(name, 0) for name in folded]
    else:
        raise TypeError(f"model must be a list of ConvSpecs or layer dicts, a text form, a "
                        f"PyTorch module or a Keras model; got {type(model).__name__}")
    nodes: list[Node] = []
    for layer, params in items:
        if isinstance(layer, str):  # an element-wise layer: folds into the one before
            if not nodes:
                raise SpecError(f"{layer!r} comes before any layer; put it after one")
            nodes[-1].folded.append(layer)
            continue
        nodes.append(Node(layer, [len(nodes) - 1 if nodes else INPUT], [], params))
    if not nodes:
        raise SpecError("the model has no layers")
    return nodes, tail


def _item(x: Any, n: int) -> Layer:
    if isinstance(x, Layer):
        return x
    if isinstance(x, ConvSpec):
        return Layer("conv_transpose" if x.transposed else "conv", x.kernel_size, x.stride,
                     x.padding, x.dilation, x.output_padding, x.groups, x.in_channels,
                     x.out_channels, name=f"layer{n}")
    if isinstance(x, dict):
        try:
            layer = Layer(**x)
        except TypeError as exc:
            raise SpecError(f"layers[{n}] = {x!r}: {exc}") from None
        return layer if layer.name else layer.with_name(f"{layer.kind}{n}")
    raise SpecError(f"layers[{n}] must be a ConvSpec, a Layer or a dict, got "
                    f"{type(x).__name__}")


# -- the compact text form ------------------------------------------------------------------
_ALIASES = {"conv": "conv", "tconv": "conv_transpose", "deconv": "conv_transpose",
            "conv_transpose": "conv_transpose", "maxpool": "maxpool", "avgpool": "avgpool",
            "pad": "pad", "crop": "crop", "up": "upsample", "upsample": "upsample",
}
_WORDS = {"relu", "gelu", "silu", "sigmoid", "tanh", "bn", "batchnorm", "norm", "dropout",
          "act", "leakyrelu", "elu"}
_OPTION = re.compile(r"^(k|s|p|d|g|c|op)(\d+(?:[x,]\d+)*)$")
_FIELDS = {"k": "kernel_size", "s": "stride", "p": "padding", "d": "dilation", "g": "groups",
           "c": "out_channels", "op": "output_padding"}


def parse_text(text: str) -> list[Layer | str]:
    """Layers from ``"conv k3 s2 p1 c64 | relu | maxpool k2 s2 | tconv k4 s2 p1"``.

    Words: a kind (conv, tconv, maxpool, avgpool, pad, crop, up) then options
    k (kernel), s (stride; for up the scale), p (padding: pN, pNxM per axis,
    or a name: same, valid, full, causal), d (dilation), g (groups),
    c (output channels), op (output padding), ``ceil``, ``nobias``. An
    element-wise word (relu, bn, dropout, …) folds into the layer before.
    For pad and crop, pN or pB,A gives (before, after) cells on every axis.
    """
    if not isinstance(text, str) or not text.strip():
        raise SpecError(f"the layer text must be a non-empty string, got {text!r}")
    out: list[Layer | str] = []
    for n, part in enumerate(text.split("|")):
        words = part.split()
        if not words:
            raise SpecError(f"layer {n + 1} of {text!r} is empty")
        head = words[0].lower()
        if head in _WORDS and len(words) == 1:
            out.append(head)
            continue
        if head not in _ALIASES:
            raise SpecError(f"unknown layer {words[0]!r} in {part.strip()!r}; use one of "
                            f"{', '.join(sorted(_ALIASES))} or an element-wise word "
                            f"({', '.join(sorted(_WORDS))})")
        kind = _ALIASES[head]
        options: dict[str, Any] = {}
        for word in words[1:]:
            low = word.lower()
            if low in ("same", "valid", "full", "causal"):
                options["padding"] = low
            elif low == "ceil":
                options["ceil_mode"] = True
            elif low == "nobias":
                options["bias"] = False
            elif m := _OPTION.match(low):
                key, raw = m.groups()
                if key == "p" and kind in ("pad", "crop") and "," in raw:
                    value: Any = tuple(int(v) for v in raw.split(","))
                    options["padding"] = "pair", value
                    continue
                values = [int(v) for v in re.split("[x,]", raw)]
                options[_FIELDS[key]] = values[0] if len(values) == 1 else tuple(values)
            else:
                raise SpecError(f"unknown option {word!r} in {part.strip()!r}; options: "
                                "kN sN pN dN gN cN opN, same/valid/full/causal, ceil, nobias")
        if kind == "maxpool" or kind == "avgpool":
            options.setdefault("stride", options.get("kernel_size", 1))
        if kind == "upsample":
            options.setdefault("stride", options.pop("kernel_size", 2))
        out.append(_text_layer(kind, options, f"{head}{n + 1}"))
    return out


def _text_layer(kind: str, options: dict[str, Any], name: str) -> Layer:
    pad = options.get("padding")
    if isinstance(pad, tuple) and pad and pad[0] == "pair":
        if len(pad[1]) != 2:
            raise SpecError(f"padding of {name} must be pN or pB,A, got p{pad[1]}")
        options["padding"] = EveryAxis(pad[1])
    try:
        return Layer(kind, name=name, **options)
    except TypeError as exc:
        raise SpecError(f"{name}: {exc}") from None


# -- PyTorch by attributes ------------------------------------------------------------------
def _pt_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (tuple, list)) else value


def torch_layer(module: Any, name: str) -> Layer | str | None:
    """The Layer of one PyTorch module; "elementwise", "flatten", or None if unknown."""
    cls = type(module).__name__
    if cls in ELEMENTWISE:
        return "elementwise"
    if cls in ("Flatten", "Linear", "LazyLinear", "Unflatten"):
        return "flatten"
    if cls.startswith("Adaptive") and cls.endswith(("Pool1d", "Pool2d", "Pool3d")):
        size = module.output_size
        if all(v == 1 for v in (size if isinstance(size, (tuple, list)) else (size,))):
            return "flatten"  # global pooling to one cell: the end of the spatial part
        return None
    conv = re.fullmatch(r"(Lazy)?Conv(Transpose)?([123])d", cls)
    if conv:
        transposed = bool(conv.group(2))
        padding = module.padding if isinstance(module.padding, str) else _pt_tuple(module.padding)
        return Layer("conv_transpose" if transposed else "conv", _pt_tuple(module.kernel_size),
                     _pt_tuple(module.stride), padding, _pt_tuple(module.dilation),
                     _pt_tuple(module.output_padding) if transposed else 0, module.groups,
                     module.in_channels or None, module.out_channels,
                     bias=module.bias is not None, name=name)
    pool = re.fullmatch(r"(Max|Avg)Pool([123])d", cls)
    if pool:
        kernel = _pt_tuple(module.kernel_size)
        stride = _pt_tuple(module.stride) if module.stride not in (None, ()) else kernel
        return Layer("maxpool" if pool.group(1) == "Max" else "avgpool", kernel, stride,
                     _pt_tuple(module.padding), _pt_tuple(getattr(module, "dilation", 1)),
                     ceil_mode=bool(module.ceil_mode), name=name)
    pad = re.fullmatch(r"(Zero|Constant|Reflection|Replication|Circular)Pad([123])d", cls)
    if pad:
        ndim = int(pad.group(2))
        values = module.padding
        values = (values,) * (2 * ndim) if is_whole(values) else tuple(values)
        # PyTorch lists (before, after) from the last axis to the first
        pairs = tuple((values[2 * a], values[2 * a + 1]) for a in range(ndim))[::-1]
        return Layer("pad", padding=pairs, name=name)
    if cls in ("Upsample", "UpsamplingNearest2d"):
        scale = module.scale_factor
        if module.mode != "nearest" or scale is None:
            raise SpecError(f"layer {name!r} ({cls}, mode={module.mode!r}, "
                            f"scale_factor={scale!r}): only nearest upsampling by a whole "
                            "scale_factor has a convolution's geometry")
        scales = scale if isinstance(scale, (tuple, list)) else (scale,)
        if not all(float(v).is_integer() for v in scales):
            raise SpecError(f"layer {name!r} ({cls}) scale_factor={scale!r} must be whole")
        return Layer("upsample", stride=tuple(int(v) for v in scales) if len(scales) > 1
                     else int(scales[0]), name=name)
    return None


def _parameters(module: Any) -> int:
    return sum(int(p.numel()) for p in module.parameters())


def _torch_sequential(model: Any, prefix: str
                      ) -> tuple[list[tuple[Layer, list[str], int]], list[str]]:
    rows: list[tuple[Layer, list[str], int]] = []
    tail: list[str] = []
    children = list(model.named_children())
    if not children:
        children = [(prefix or type(model).__name__, model)]
        prefix = ""
    for child_name, module in children:
        name = f"{prefix}.{child_name}" if prefix else child_name
        if tail:
            tail.append(name)
            continue
        cls = type(module).__name__
        if cls == "Sequential":
            inner, inner_tail = _torch_sequential(module, name)
            rows += inner
            tail += inner_tail
            continue
        found = torch_layer(module, name)
        if found == "elementwise":
            if not rows:
                raise SpecError(f"layer {name!r} ({cls}) comes before any spatial layer")
            rows[-1][1].append(name)
            rows[-1] = (rows[-1][0], rows[-1][1], rows[-1][2] + _parameters(module))
        elif found == "flatten":
            tail.append(name)
        elif found is None:
            hint = (" (it is not an nn.Sequential: pass example_input=a tensor to trace it)"
                    if list(module.named_children()) else "")
            raise SpecError(f"layer {name!r} ({cls}) is not a layer convviz can follow{hint}")
        else:
            assert isinstance(found, Layer)
            rows.append((found, [], _parameters(module)))
    return rows, tail


def _is_keras(model: Any) -> bool:
    return any(c.__module__.startswith("keras") for c in type(model).__mro__) and hasattr(
        model, "get_config")
