"""Shapes and receptive fields through a whole network, layer by layer (NumPy free).

``convviz.network(model, input_size)`` reads a model (a list of ConvSpecs or
layer dicts, the compact text form, a PyTorch module, a Keras model; see
:mod:`convviz.core.readers`) and follows the input through it: one
:class:`Row` per layer that changes or reads spatial geometry, in execution
order, with its ConvSpec, sizes, channels, parameters, multiply-adds and per
axis the receptive field, jump and start in network-input cells.

Definitions, per axis, padding included (cells beyond the input's borders
count as if the input went on):

- ``receptive_field``: the widest last − first + 1 over the layer's output
  cells of the network-input cells each one depends on; for direct layers
  1 + Σ (k̂ − 1)·Π s, the same for every cell;
- ``jump``: network-input cells between the fields of neighbouring outputs
  (Π s; transposed layers divide it by their stride: an int when whole,
  otherwise a fractions.Fraction);
- ``start``: the network-input coordinate of the centre of output cell 0's
  field (−start + (receptive_field − 1)/2 is the "effective padding").

Every field is exact, also through transposed layers and branches: see
:class:`convviz.core.layers.AxisField`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from convviz.core.layers import AxisField, Layer, side_pairs
from convviz.core.spec import ConvSpec
from convviz.errors import SpecError

__all__ = ["SCHEMA", "Network", "Node", "Row", "build_network", "network"]

SCHEMA = "convviz.network/1"
INPUT = -1  #: the index standing for the network input among a node's inputs


@dataclass
class Node:
    """A layer in a model's graph: what a reader hands to :func:`build_network`.

    ``inputs``: indices of earlier nodes (or :data:`INPUT`); ``folded``:
    element-wise layers after it (activations, normalisation, dropout);
    ``parameters``: None to count them from the layer (weights and bias).
    """

    layer: Layer
    inputs: list[int]
    folded: list[str] = field(default_factory=list)
    parameters: int | None = None


@dataclass(frozen=True)
class Row:
    """One layer of a :class:`Network` (see the module docstring for the field terms)."""

    name: str
    kind: str
    spec: ConvSpec | None
    inputs: tuple[str, ...]
    folded: tuple[str, ...]
    input_size: tuple[int, ...]
    output_size: tuple[int, ...]
    in_channels: int | None
    out_channels: int | None
    receptive_field: tuple[int, ...]
    jump: tuple[Fraction | int, ...]
    start: tuple[Fraction | int | None, ...]
    parameters: int | None
    multiply_adds: int | None
    fields: tuple[AxisField, ...] = field(repr=False, compare=False)

    def field_of(self, index: Sequence[int]) -> tuple[tuple[int, int] | None, ...]:
        """Per axis the (first, last) network-input cell output ``index`` depends on
        (padding included; None on an axis where it reads only inserted zeros)."""
        if len(index) != len(self.fields):
            raise SpecError(f"index must have {len(self.fields)} values, got {index!r}")
        return tuple(f.at(int(o)) for f, o in zip(self.fields, index))

    def to_dict(self) -> dict[str, Any]:
        spec = None
        if self.spec is not None:
            s = self.spec
            spec = {
                "kernel_size": list(s.kernel_size), "stride": list(s.stride),
                "padding_before": list(s.padding_before), "padding_after": list(s.padding_after),
                "dilation": list(s.dilation), "transposed": s.transposed,
                "output_padding": list(s.applied_output_padding), "groups": s.groups,
                "describe": s.describe(),
            }
        return {
            "name": self.name, "kind": self.kind, "inputs": list(self.inputs),
            "folded": list(self.folded), "spec": spec,
            "input_size": list(self.input_size), "output_size": list(self.output_size),
            "in_channels": self.in_channels, "out_channels": self.out_channels,
            "receptive_field": list(self.receptive_field),
            "jump": [_number(v) for v in self.jump],
            "start": [_number(v) for v in self.start],
            "parameters": self.parameters, "multiply_adds": self.multiply_adds,
        }


def _number(value: Fraction | int | None) -> int | str | None:
    """JSON form: whole numbers as numbers, other fractions as "p/q" strings."""
    if value is None:
        return None
    value = Fraction(value)
    return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _plain(value: Fraction | None) -> Fraction | int | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else value


class Network:
    """The rows of a network; ``table()``, ``to_dict()``, ``to_json()``, ``animate(row)``,
    ``diagram()`` and a notebook table (``_repr_html_``)."""

    def __init__(self, input_size: tuple[int, ...], input_channels: int | None,
                 rows: Sequence[Row], tail: Sequence[str] = ()) -> None:
        self.input_size = tuple(input_size)
        self.input_channels = input_channels
        self.rows: tuple[Row, ...] = tuple(rows)
        self.tail: tuple[str, ...] = tuple(tail)  #: layers after the spatial part (not rows)

    def __repr__(self) -> str:
        return f"<Network: {len(self.rows)} rows, input {self.input_size}>"

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, key: int | str) -> Row:
        """A row by position or by name (SpecError naming the choices otherwise)."""
        if isinstance(key, str):
            for r in self.rows:
                if r.name == key:
                    return r
            raise SpecError(f"row {key!r} is not a layer of this network; rows: "
                            f"{', '.join(r.name for r in self.rows)}")
        if isinstance(key, bool) or not isinstance(key, int):
            raise TypeError(f"row must be an int or a layer name, got {key!r}")
        if not -len(self.rows) <= key < len(self.rows):
            raise SpecError(f"row={key} is out of range: the network has {len(self.rows)} rows")
        return self.rows[key]

    # -- views -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (schema ``convviz.network/1``)."""
        return {"schema": SCHEMA, "input_size": list(self.input_size),
                "input_channels": self.input_channels,
                "rows": [r.to_dict() for r in self.rows], "tail": list(self.tail)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def table_cells(self) -> tuple[list[str], list[list[str]]]:
        """Header and rows of :meth:`table` as strings (shared with the HTML view)."""
        header = ["#", "layer", "kind", "input", "output", "channels", "field", "jump",
                  "start", "params", "mult-adds"]
        body = []
        for n, r in enumerate(self.rows):
            channels = "" if r.out_channels is None else (
                f"{r.in_channels}→{r.out_channels}" if r.in_channels != r.out_channels
                else str(r.out_channels))
            body.append([
                str(n), r.name + ("" if not r.folded else f" +{len(r.folded)}"), r.kind,
                _axes(r.input_size), _axes(r.output_size), channels, _axes(r.receptive_field),
                _axes(r.jump), _axes(r.start), _count(r.parameters), _count(r.multiply_adds),
            ])
        return header, body

    def table(self) -> str:
        """A plain-text table, one line per row (``+n``: n element-wise layers folded in)."""
        header, body = self.table_cells()
        widths = [max(len(line[c]) for line in [header, *body]) for c in range(len(header))]
        right = {0, 5, 6, 7, 8, 9, 10}
        lines = ["  ".join(cell.rjust(w) if c in right else cell.ljust(w)
                           for c, (cell, w) in enumerate(zip(line, widths))).rstrip()
                 for line in [header, *body]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        summary = f"input {_axes(self.input_size)}"
        if self.input_channels is not None:
            summary += f" × {self.input_channels} channels"
        total = [r.parameters for r in self.rows]
        if all(p is not None for p in total):
            summary += f"; {_count(sum(p for p in total if p is not None))} parameters"
        if self.tail:
            summary += f"; not spatial (not rows): {', '.join(self.tail)}"
        return "\n".join([*lines, summary])

    def _repr_html_(self) -> str:
        from html import escape

        header, body = self.table_cells()
        head = "".join(f"<th>{escape(h)}</th>" for h in header)
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in line) + "</tr>"
                       for line in body)
        caption = escape(self.table().splitlines()[-1])
        return (f"<table class=\"convviz-network\"><caption>{caption}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")

    # -- pictures (matplotlib loaded on first use) -------------------------------------------
    def animate(self, row: int | str, **options: Any) -> Any:
        """That layer's animation (``convviz.animate`` of its ConvSpec)."""
        r = self.row(row)
        if r.spec is None:
            raise SpecError(f"row {r.name!r} ({r.kind}) has no convolution to animate")
        from convviz.animation import animate

        return animate(r.spec, **options)

    def stack(self, axis: int = 0) -> list[ConvSpec]:
        """The 1-D ConvSpecs of one axis of a chain of direct layers (for the stack picture)."""
        if not isinstance(axis, int) or not 0 <= axis < len(self.input_size):
            raise SpecError(f"axis must be in [0, {len(self.input_size)}), got {axis!r}")
        specs = []
        for r in self.rows:
            if r.spec is None or r.spec.transposed or len(r.inputs) > 1:
                raise SpecError(f"row {r.name!r} ({r.kind}) cannot be drawn in a stack picture, "
                                "which shows a chain of direct convolutions")
            g = r.spec.axes[axis]
            specs.append(ConvSpec((g.input_size,), g.kernel_size, stride=g.stride,
                                  dilation=g.dilation, padding=((g.pad_before, g.pad_after),)))
        return specs

    def diagram(self, axis: int = 0, **options: Any) -> Any:
        """The receptive-field picture of the whole stack along one axis (a stack diagram)."""
        from convviz.draw.diagrams.stack import stack_diagram

        options.setdefault("title", f"{len(self.rows)} layers, axis {axis}")
        return stack_diagram(self.stack(axis), **options)


def _axes(values: Sequence[Any]) -> str:
    text = ["–" if v is None else str(v) for v in values]
    return text[0] if len(set(text)) == 1 else "×".join(text)


def _count(value: int | None) -> str:
    if value is None:
        return "–"
    for limit, unit in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if value >= limit:
            return f"{value / limit:.3g}{unit}"
    return str(value)


# -- building -------------------------------------------------------------------------------
def _axis_numbers(spec: ConvSpec, axis: int) -> tuple[int, int, int, int]:
    g = spec.axes[axis]
    return g.kernel_size, g.stride, g.dilation, g.pad_before


def _parameters(layer: Layer, spec: ConvSpec | None) -> int | None:
    if layer.kind not in ("conv", "conv_transpose"):
        return 0
    if spec is None or spec.in_channels is None or spec.out_channels is None:
        return None
    c_in, c_out = spec.channels
    return c_out * (c_in // spec.groups) * math.prod(spec.kernel_size) + (c_out if layer.bias
                                                                          else 0)


def build_network(nodes: Sequence[Node], input_size: tuple[int, ...],
                  input_channels: int | None, tail: Sequence[str] = ()) -> Network:
    """Follow the input through ``nodes`` (in execution order) and make the rows."""
    ndim = len(input_size)
    sizes: list[tuple[int, ...]] = []
    channels: list[int | None] = []
    fields: list[tuple[AxisField, ...]] = []
    rows: list[Row] = []
    start = tuple(AxisField.identity() for _ in range(ndim))
    made: dict[Any, ConvSpec] = {}

    def source(n: int) -> tuple[tuple[int, ...], int | None, tuple[AxisField, ...]]:
        return (input_size, input_channels, start) if n == INPUT else (
            sizes[n], channels[n], fields[n])

    for index, node in enumerate(nodes):
        layer = node.layer
        name = layer.name or f"{layer.kind}{index}"
        if not node.inputs or any(n != INPUT and not 0 <= n < index for n in node.inputs):
            raise SpecError(f"layer {name!r} reads {node.inputs!r}, not earlier layers")
        ins = [source(n) for n in node.inputs]
        size, c_in, f_in = ins[0]
        spec: ConvSpec | None = None
        if layer.merges:
            for other_size, _, other in ins[1:]:
                if other_size != size:
                    raise SpecError(f"{name!r} ({layer.kind}) merges outputs of different "
                                    f"sizes {size} and {other_size}")
                f_in = tuple(a.union(b, repr(name)) for a, b in zip(f_in, other))
            out_size = size
            if layer.kind == "concat":
                known = [c for _, c, _ in ins]
                c_out = sum(c for c in known if c is not None) if None not in known else None
            else:
                c_out = c_in
            f_out = f_in
        else:
            if len(ins) != 1:
                raise SpecError(f"layer {name!r} ({layer.kind}) reads one input, got "
                                f"{len(ins)}")
            if layer.kind == "crop":
                crops = layer.padding
                pairs = side_pairs("cropping", crops, ndim)
                out_size = tuple(i - b - a for i, (b, a) in zip(size, pairs))
                if min(out_size) < 1:
                    raise SpecError(f"cropping={crops!r} of layer {name!r} removes the whole "
                                    f"input {size}")
                f_out = tuple(f.direct(1, 1, 1, -b) for f, (b, _) in zip(f_in, pairs))
            else:
                spec = _spec(layer, name, size, c_in, made)
                out_size = spec.output_size
                f_out = tuple(
                    (f.transposed if spec.transposed else f.direct)(
                        *_axis_numbers(spec, a))
                    for a, f in enumerate(f_in))
            c_out = spec.out_channels if spec is not None and layer.kind in (
                "conv", "conv_transpose") else c_in
        params = node.parameters if node.parameters is not None else _parameters(layer, spec)
        madds = None
        if layer.kind in ("conv", "conv_transpose"):
            madds = spec.multiply_count if spec is not None and params is not None else None
        elif layer.kind in ("pad", "crop", "upsample", "maxpool", "avgpool", "add", "concat"):
            madds = 0
        sizes.append(out_size)
        channels.append(c_out)
        fields.append(f_out)
        rows.append(Row(
            name=name, kind=layer.kind, spec=spec,
            inputs=tuple("input" if n == INPUT else rows[n].name for n in node.inputs),
            folded=tuple(node.folded), input_size=size, output_size=out_size,
            in_channels=c_in, out_channels=c_out,
            receptive_field=tuple(f.size for f in f_out),
            jump=tuple(_plain(f.jump) for f in f_out),  # type: ignore[misc]
            start=tuple(_plain(f.start) for f in f_out),
            parameters=params, multiply_adds=madds, fields=f_out,
        ))
    return Network(input_size, input_channels, rows, tail)


def _spec(layer: Layer, name: str, size: tuple[int, ...], channels: int | None,
          made: dict[Any, ConvSpec]) -> ConvSpec:
    """The layer's ConvSpec; ``made`` keeps those of this network (a ConvSpec is immutable,
    so repeated blocks share one)."""
    try:
        key: Any = (layer.kind, layer.kernel_size, layer.stride, layer.padding, layer.dilation,
                     layer.output_padding, layer.groups, layer.in_channels, layer.out_channels,
                     layer.bias, layer.ceil_mode, layer.depth_multiplier, size, channels)
        hash(key)
    except TypeError:  # unhashable parameters (lists)
        key = None
    if key is not None and key in made:
        return made[key]
    try:
        spec = layer.spec(size, channels)
    except SpecError as exc:
        raise SpecError(f"layer {name!r} ({layer.kind}) on input {size}: {exc}") from None
    assert spec is not None
    if key is not None:
        made[key] = spec
    return spec


def network(model: Any, input_size: Any = None, *, input_channels: int | None = None,
            example_input: Any = None) -> Network:
    """Shapes and receptive fields of every layer of ``model`` on an input of ``input_size``.

    ``model``: a list of ConvSpecs, :class:`~convviz.core.layers.Layer` objects or
    layer dicts (``{"kind": "conv", "kernel_size": 3, ...}``); the compact text
    form (``"conv k3 s2 p1 | maxpool k2 s2"``); a PyTorch ``nn.Sequential``
    (read by attributes, torch is not imported); any PyTorch module with
    ``example_input`` (a tensor: traced with forward hooks, branches
    included); a Keras model (read through ``get_config()``).
    ``input_size``: the spatial size (an int: square 2-D; a tuple: one per
    axis); taken from ``example_input`` or the first ConvSpec when omitted.
    ``input_channels``: channels of the input, when the model does not say.

    >>> net = network("conv k3 s2 p1 | conv k3 d2 | maxpool k2 s2", 224)
    >>> [r.output_size for r in net.rows]
    [(112, 112), (108, 108), (54, 54)]
    >>> net.rows[-1].receptive_field, net.rows[-1].jump
    ((13, 13), (4, 4))
    """
    from convviz.core import readers

    return readers.read(model, input_size, input_channels=input_channels,
                        example_input=example_input)
