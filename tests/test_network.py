"""convviz.network: every row's shape and field checked against PyTorch and Keras themselves.

Shapes: the output of every layer as the framework computes it. Fields: the
input cells with a non-zero gradient for one output cell, weights and inputs
positive (so nothing cancels), max pooling swapped for average pooling over
the same windows (the gradient of a max reaches one cell only). A cell is
checked when its field lies inside the input (no border clipping): there the
autograd extent equals the padding-included field the network reports.
"""

from __future__ import annotations

import copy
import json
import random
from fractions import Fraction

import pytest

import convviz
from convviz import ConvSpec, SpecError
from tests.conftest import require_module

# -- helpers: the field found by autograd ---------------------------------------------------


def _positive(model, torch):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand_like(p) * 0.5 + 0.5)
    return model


def _swap_max(module, torch):
    """The same model with every (undilated) max pool replaced by an average pool."""
    nn = torch.nn
    for name, child in list(module.named_children()):
        cls = type(child).__name__
        if cls.startswith("MaxPool"):
            dims = int(cls[-2])
            avg = getattr(nn, f"AvgPool{dims}d")(child.kernel_size, child.stride, child.padding,
                                                 ceil_mode=child.ceil_mode)
            setattr(module, name, avg)
        else:
            _swap_max(child, torch)
    return module


def _outputs(model, x, names, torch):
    """Output tensor of every named module in one forward pass (the last: the model's)."""
    found = {}
    handles = [m.register_forward_hook(lambda m, i, o, n=n: found.setdefault(n, o))
               for n, m in model.named_modules() if n in names]
    try:
        out = model(x)
    finally:
        for h in handles:
            h.remove()
    return found, out


def _autograd_extent(tensor, cell, x, torch):
    """Per spatial axis the (first, last) input index with a non-zero gradient, or None."""
    (grad,) = torch.autograd.grad(tensor[(0, 0, *cell)], x, retain_graph=True)
    hit = grad[0].abs().sum(0) > 0
    if not hit.any():
        return None
    extent = []
    for axis in range(hit.ndim):
        others = tuple(a for a in range(hit.ndim) if a != axis)
        along = hit.any(dim=others) if others else hit
        idx = torch.nonzero(along).flatten()
        extent.append((int(idx.min()), int(idx.max())))
    return tuple(extent)


def _inside(field, size):
    return all(f is not None and f[0] >= 0 and f[1] < n for f, n in zip(field, size))


def _cone_inside(net, row, cell):
    """True if every cell that ``cell`` reads, through every layer back to the input, is a
    real cell (no padding of any layer): there autograd sees the whole padding-included
    field. Worked out from each layer's k, s, d, p as sets of cells."""
    rows = {r.name: r for r in net.rows}

    def ok(r, axis, cells):
        if r.kind in ("add", "concat"):
            return all(name == "input" or ok(rows[name], axis, cells) for name in r.inputs)
        g = r.spec.axes[axis]
        s, d, k, p = g.stride, g.dilation, g.kernel_size, g.pad_before
        if g.transposed:
            reads = {(o + p - t * d) // s for o in cells for t in range(k)
                     if (o + p - t * d) % s == 0}
        else:
            reads = {o * s - p + t * d for o in cells for t in range(k)}
        if any(not 0 <= j < g.input_size for j in reads):
            return False
        parent = r.inputs[0]
        return parent == "input" or ok(rows[parent], axis, reads)

    return all(ok(row, a, {c}) for a, c in enumerate(cell))


def _check_fields(net, model, x, torch, cells_per_row=None):
    """Every row with a module name: its fields against autograd on interior cells."""
    twin = _positive(_swap_max(copy.deepcopy(model), torch), torch).double()
    x = x.double().abs() + 1
    x.requires_grad_(True)
    names = {r.name for r in net.rows}
    found, out = _outputs(twin, x, names, torch)
    checked = 0
    for n, row in enumerate(net.rows):
        tensor = found.get(row.name, out if n == len(net.rows) - 1 else None)
        if tensor is None:
            continue
        assert tuple(tensor.shape[2:]) == row.output_size, row.name
        spans = {a: [] for a in range(len(row.output_size))}
        cells = _cells(row.output_size, cells_per_row)
        for cell in cells:
            expected = row.field_of(cell)
            if not _cone_inside(net, row, cell):
                continue
            got = _autograd_extent(tensor, cell, x, torch)
            if None in expected:  # reads only inserted zeros: depends on no input cell
                assert got is None, (row.name, cell, got)
                continue
            assert _inside(expected, net.input_size), (row.name, cell, expected)
            assert got == expected, (row.name, cell, got, expected)
            checked += 1
            for a, (lo, hi) in enumerate(got):
                spans[a].append((cell[a], lo, hi))
        for a, seen in spans.items():
            field = row.fields[a]
            if len({c for c, _, _ in seen}) >= 2 * field.period:
                assert max(hi - lo + 1 for _, lo, hi in seen) == row.receptive_field[a]
                (c0, lo0, _), (c1, lo1, _) = seen[0], seen[-1]
                if (c1 - c0) % field.period == 0 and c1 > c0:
                    assert Fraction(lo1 - lo0, c1 - c0) == row.jump[a]
    return checked


def _cells(size, limit):
    import itertools

    every = list(itertools.product(*(range(n) for n in size)))
    if limit is None or len(every) <= limit:
        return every
    return random.Random(0).sample(every, limit)


# -- generated nn.Sequential models ---------------------------------------------------------


def _random_layer(rng, nn, dims, channels, with_dilated_max):
    Conv, ConvT = getattr(nn, f"Conv{dims}d"), getattr(nn, f"ConvTranspose{dims}d")
    choice = rng.choice(["conv", "conv", "tconv", "max", "avg", "pad", "same"])
    c_out = rng.choice([2, 4])
    if choice in ("conv", "same"):
        k, d, g = rng.randint(1, 4), rng.randint(1, 3), rng.choice([1, 2])
        if choice == "same":
            return Conv(channels, c_out, k, padding="same", dilation=d, groups=g), c_out
        return Conv(channels, c_out, k, stride=rng.randint(1, 3), padding=rng.randint(0, 2),
                    dilation=d, groups=g), c_out
    if choice == "tconv":
        k, s, d = rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 2)
        op = rng.randint(0, max(s, d) - 1)
        return ConvT(channels, c_out, k, stride=s, padding=rng.randint(0, 1), dilation=d,
                     output_padding=op, groups=rng.choice([1, 2])), c_out
    if choice == "max":
        k = rng.randint(2, 3)
        return getattr(nn, f"MaxPool{dims}d")(
            k, rng.randint(1, 3), rng.randint(0, k // 2),
            dilation=rng.randint(1, 2) if with_dilated_max else 1,
            ceil_mode=rng.random() < 0.5), channels
    if choice == "avg":
        k = rng.randint(2, 3)
        return getattr(nn, f"AvgPool{dims}d")(k, rng.randint(1, 3), rng.randint(0, k // 2),
                                              ceil_mode=rng.random() < 0.5), channels
    pads = tuple(rng.randint(0, 2) for _ in range(2 * dims))
    return getattr(nn, f"ZeroPad{dims}d")(pads), channels


def _random_model(seed, dims, torch, with_dilated_max=False):
    rng = random.Random(seed)
    nn = torch.nn
    layers, channels = [], 2
    for _ in range(rng.randint(2, 5)):
        layer, channels = _random_layer(rng, nn, dims, channels, with_dilated_max)
        layers.append(layer)
        if rng.random() < 0.4:
            layers.append(rng.choice([nn.ReLU(), getattr(nn, f"BatchNorm{dims}d")(channels)]))
    return nn.Sequential(*layers)


@pytest.mark.parametrize("seed", range(40))
def test_sequential_1d_shapes_and_fields_match_pytorch(seed, torch):
    model = _random_model(seed, 1, torch).eval()
    x = torch.ones(1, 2, 40)
    try:
        model(x)
    except RuntimeError:
        with pytest.raises(SpecError):
            convviz.network(model, (40,))
        return
    net = convviz.network(model, (40,), input_channels=2)
    spatial = [n for n, m in model.named_children()
               if not type(m).__name__.startswith(("ReLU", "BatchNorm"))]
    assert [r.name for r in net.rows] == spatial
    _check_fields(net, model, x, torch)


@pytest.mark.parametrize("seed", range(12))
def test_sequential_2d_shapes_and_fields_match_pytorch(seed, torch):
    model = _random_model(100 + seed, 2, torch).eval()
    x = torch.ones(1, 2, 20, 17)
    try:
        model(x)
    except RuntimeError:
        with pytest.raises(SpecError):
            convviz.network(model, (20, 17))
        return
    net = convviz.network(model, (20, 17), input_channels=2)
    found, _ = _outputs(model, x, {r.name for r in net.rows}, torch)
    for row in net.rows:
        assert tuple(found[row.name].shape[2:]) == row.output_size
        assert found[row.name].shape[1] == row.out_channels
    _check_fields(net, model, x, torch, cells_per_row=60)


@pytest.mark.parametrize("seed", range(15))
def test_dilated_max_pool_and_3d_shapes_match_pytorch(seed, torch):
    dims = 3 if seed % 3 == 0 else 1
    size = (9, 8, 7) if dims == 3 else (33,)
    model = _random_model(200 + seed, dims, torch, with_dilated_max=True).eval()
    x = torch.ones(1, 2, *size)
    try:
        model(x)
    except RuntimeError:
        with pytest.raises(SpecError):
            convviz.network(model, size)
        return
    net = convviz.network(model, size)
    found, _ = _outputs(model, x, {r.name for r in net.rows}, torch)
    assert [tuple(found[r.name].shape[2:]) for r in net.rows] == [r.output_size for r in net.rows]


def test_parameters_count_like_pytorch(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                          nn.Conv2d(8, 8, 3, groups=4, bias=False), nn.MaxPool2d(2),
                          nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1))
    net = convviz.network(model, 16)
    assert sum(r.parameters for r in net.rows) == sum(p.numel() for p in model.parameters())
    assert net.rows[0].folded == ("1", "2")
    assert net.rows[1].multiply_adds == 14 * 14 * 8 * 2 * 9


def test_nested_sequential_is_read_without_torch_imported():
    """The attribute reader needs only named_children/parameters: a stand-in object."""

    class Module:
        def __init__(self, **attrs):
            self.__dict__.update(attrs)

        def named_children(self):
            return list(self.__dict__.get("children", {}).items())

        def parameters(self):
            return []

        def forward(self, x):  # pragma: no cover - never called
            return x

    class Sequential(Module):
        pass

    class Conv1d(Module):
        pass

    conv = Conv1d(kernel_size=(3,), stride=(2,), padding=(1,), dilation=(1,), groups=1,
                  in_channels=1, out_channels=1, bias=None)
    model = Sequential(children={"a": Sequential(children={"c": conv})})
    net = convviz.network(model, (9,))
    assert [(r.name, r.output_size) for r in net.rows] == [("a.c", (5,))]


def test_unsupported_layers_are_named(torch):
    nn = torch.nn
    with pytest.raises(SpecError, match="'1' \\(LSTM\\)"):
        convviz.network(nn.Sequential(nn.Conv1d(1, 1, 3), nn.LSTM(3, 3)), (9,))
    with pytest.raises(SpecError, match="bilinear"):
        convviz.network(nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear")), 8)
    with pytest.raises(SpecError, match="example_input"):

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(1, 1, 3)

            def forward(self, x):
                return self.conv(x) + 1

        convviz.network(nn.Sequential(Block()), 8)


def test_tail_after_flatten_is_listed_not_rows(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(4, 2))
    net = convviz.network(model, 8, example_input=torch.ones(1, 1, 8, 8))
    assert [r.name for r in net.rows] == ["0"]
    assert net.tail == ("1", "2", "3")
    assert "not spatial" in net.table()


# -- branches through forward hooks -----------------------------------------------------------


def _branchy(torch):
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, c, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(c, c, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(c)
            self.conv2 = nn.Conv2d(c, c, 3, dilation=2, padding=2)
            self.down = nn.Conv2d(c, c, 1, stride=stride) if stride > 1 else None

        def forward(self, x):
            out = self.conv2(torch.relu(self.bn1(self.conv1(x))))
            identity = self.down(x) if self.down is not None else x
            return torch.relu(out + identity)

    class Mixed(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.a = nn.Conv2d(c, c, 1)
            self.b = nn.Conv2d(c, c, 5, padding=2)
            self.pool = nn.MaxPool2d(3, 1, 1)

        def forward(self, x):
            return torch.cat([self.a(x), self.b(x), self.pool(x)], 1)

    class Up(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.up = nn.ConvTranspose2d(c, c, 4, stride=2, padding=1)
            self.skip = nn.Upsample(scale_factor=2)

        def forward(self, x):
            return self.up(x) + self.skip(x)

    return nn.Sequential(nn.Conv2d(2, 4, 3, stride=2, padding=1), Block(4, 1), Block(4, 2),
                         Mixed(4), Up(12), nn.Conv2d(12, 2, 3))


def test_branches_via_hooks_match_autograd(torch):
    model = _branchy(torch).eval()
    x = torch.ones(1, 2, 41, 38)
    net = convviz.network(model, example_input=x)
    kinds = [r.kind for r in net.rows]
    assert kinds.count("add") == 3 and kinds.count("concat") == 1
    assert net.rows[-1].output_size == tuple(model(x).shape[2:])
    checked = _check_fields(net, model, x, torch, cells_per_row=40)
    assert checked > 100
    # the sum of a block: the union of its branches, the wider (3x3 + dilated 3x3) wins
    block = net.row("1.conv2")
    merged = net.rows[net.rows.index(block) + 1]
    assert merged.kind == "add" and merged.receptive_field == block.receptive_field


def test_branch_fields_union_exact_on_1d(torch):
    nn = torch.nn

    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv1d(1, 1, 3, padding=5, dilation=5)
            self.b = nn.ConvTranspose1d(1, 1, 3, stride=1, padding=1)

        def forward(self, x):
            return self.a(x) + self.b(x)

    model = nn.Sequential(nn.Conv1d(1, 1, 2, stride=2), Two())
    x = torch.ones(1, 1, 60)
    net = convviz.network(model, example_input=x)
    assert _check_fields(net, model, x, torch) > 20


# -- Keras 3 on the torch backend ---------------------------------------------------------------


@pytest.fixture
def keras(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    return require_module("keras")


def _keras_layers(keras, pool):
    L = keras.layers
    return [
        L.Conv2D(4, 3, strides=2, padding="same"), L.BatchNormalization(), L.ReLU(),
        L.ZeroPadding2D(((1, 0), (2, 1))),
        pool(2, strides=2, padding="same"),
        L.Conv2D(4, (3, 2), dilation_rate=2, padding="same"),
        L.Conv2DTranspose(3, 3, strides=2, padding="same"),
        L.Cropping2D(((1, 2), (0, 1))),
        L.UpSampling2D(2),
        L.Conv2DTranspose(2, 2, strides=3, padding="valid"),
        L.DepthwiseConv2D(3, depth_multiplier=2),
        L.SeparableConv2D(3, 3, strides=2, padding="same"),
    ]


@pytest.mark.parametrize("size", [(23, 30), (32, 21)])
def test_keras_sequential_shapes_and_fields(keras, torch, size):
    import numpy as np

    def build(pool):
        model = keras.Sequential([keras.Input((*size, 2)), *_keras_layers(keras, pool)])
        return model

    model = build(keras.layers.MaxPooling2D)
    net = convviz.network(model)
    assert net.input_size == size and net.input_channels == 2
    shapes = [tuple(layer.output.shape[1:3]) for layer in model.layers
              if not isinstance(layer, (keras.layers.BatchNormalization, keras.layers.ReLU))]
    rows = [r.output_size for r in net.rows if not r.name.endswith("/depthwise")]
    assert rows == shapes
    assert sum(r.parameters for r in net.rows) == model.count_params()
    # fields: average pooling over the same windows, positive weights
    twin = build(keras.layers.AveragePooling2D)
    for layer in twin.layers:
        layer.set_weights([np.abs(w) + 0.5 for w in layer.get_weights()])
    outs = keras.Model(twin.inputs, [layer.output for layer in twin.layers])
    x = torch.ones(1, *size, 2, dtype=torch.float32, requires_grad=True)
    values = {layer.name: v for layer, v in zip(twin.layers, outs(x))}
    checked = 0
    for row, layer in zip(net.rows, [l for l in model.layers if l.name in
                                     {r.name.split("/")[0] for r in net.rows}]):
        if row.name.endswith("/depthwise"):
            continue
        out = values[twin.layers[model.layers.index(layer)].name].permute(0, 3, 1, 2)
        for cell in _cells(row.output_size, 25):
            expected = row.field_of(cell)
            if not _inside(expected, size):
                continue
            (grad,) = torch.autograd.grad(out[(0, 0, *cell)], x, retain_graph=True)
            hit = grad[0].abs().sum(-1) > 0
            got = tuple((int(i.min()), int(i.max())) for i in
                        (torch.nonzero(hit.any(1)).flatten(), torch.nonzero(hit.any(0)).flatten()))
            assert got == expected, (row.name, cell)
            checked += 1
    assert checked > 20


def test_keras_functional_branches(keras):
    L = keras.layers
    inp = keras.Input((40, 3))
    a = L.Conv1D(4, 3, padding="causal", dilation_rate=2, name="a")(inp)
    b = L.Conv1D(4, 5, padding="same", name="b")(inp)
    s = L.Add(name="sum")([a, b])
    c = L.Concatenate(name="cat")([s, L.Conv1D(2, 1, name="p")(s)])
    out = L.MaxPooling1D(3, name="pool")(c)
    model = keras.Model(inp, out)
    net = convviz.network(model)
    assert [r.name for r in net.rows] == ["a", "b", "sum", "p", "cat", "pool"]
    assert net.row("cat").out_channels == 6
    assert net.row("sum").fields[0].at(10) == (6, 12)  # causal a: 6 … 10, same b: 8 … 12
    assert net.row("pool").output_size == tuple(model.output.shape[1:2])


# -- published figures --------------------------------------------------------------------------
# google-research/receptive_field, receptive_field/RECEPTIVE_FIELD_TABLE.md (TF-Slim models):
# the rows of "alexnet_v2", "vgg_a", "vgg_16" (resolution 224) and "resnet_v1_50" (224 and
# 321): receptive field, effective stride and effective padding of each end-point.


def _slim_same(k, s):  # conv2d_same of TF-Slim: explicit (k−1)//2 before, rest after, then VALID
    total = k - 1
    return f"pad p{total // 2},{total - total // 2} | conv k{k} s{s}"


ALEXNET = ("conv k11 s4 valid | maxpool k3 s2 | conv k5 same | maxpool k3 s2 | conv k3 same | "
           "conv k3 same | conv k3 same | maxpool k3 s2")
VGG16 = " | ".join(" | ".join(["conv k3 same"] * n) + " | maxpool k2 s2" for n in (2, 2, 3, 3, 3))
VGG_A = " | ".join(" | ".join(["conv k3 same"] * n) + " | maxpool k2 s2" for n in (1, 1, 2, 2, 2))


def _resnet50():
    parts = [_slim_same(7, 2), "maxpool k3 s2 same"]
    ends = []
    for units, stride in ((3, 2), (4, 2), (6, 2), (3, 1)):
        for u in range(units):
            last = u == units - 1 and stride > 1
            parts += ["conv k1", _slim_same(3, 2) if last else "conv k3 same", "conv k1"]
        ends.append(" | ".join(parts).count("|"))
    return " | ".join(parts), ends


PUBLISHED = {  # (model text, row indices of the end-points): [(resolution, [(rf, stride, pad)])]
    "alexnet_v2": (ALEXNET, [0, 1, 2, 4, 5, 6, 7], {
        224: [(11, 4, 0), (19, 8, 0), (51, 8, 16), (99, 16, 32), (131, 16, 48),
              (163, 16, 64), (195, 32, 64)]}),
    "vgg_a": (VGG_A, list(range(13)), {
        224: [(3, 1, 1), (4, 2, 1), (8, 2, 3), (10, 4, 3), (18, 4, 7), (26, 4, 11), (30, 8, 11),
              (46, 8, 19), (62, 8, 27), (70, 16, 27), (102, 16, 43), (134, 16, 59),
              (150, 32, 59)]}),
    "vgg_16": (VGG16, [0, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17], {
        224: [(3, 1, 1), (6, 2, 2), (10, 2, 4), (16, 4, 6), (24, 4, 10), (32, 4, 14),
              (44, 8, 18), (60, 8, 26), (76, 8, 34), (100, 16, 42), (132, 16, 58),
              (164, 16, 74), (212, 32, 90)]}),
    "resnet_v1_50": (*_resnet50(), {
        224: [(35, 8, 15), (99, 16, 47), (291, 32, 143), (483, 32, 239)],
        321: [(35, 8, 17), (99, 16, 49), (291, 32, 145), (483, 32, 241)]}),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_receptive_fields(name):
    text, ends, table = PUBLISHED[name]
    for resolution, expected in table.items():
        net = convviz.network(text, resolution)
        got = []
        for n in ends:
            row = net.rows[n]
            first = row.field_of((0, 0))[0][0]
            got.append((row.receptive_field[0], row.jump[0], -first))
        assert got == expected, (name, resolution)


# -- the library's own surface ------------------------------------------------------------------


def test_text_form_and_json():
    net = convviz.network("conv k3 s2 p1 c8 | relu | tconv k3 s2 c4 | up s2 | crop p1,0 | "
                          "pad p1 | avgpool k2 ceil", (16,), input_channels=3)
    data = json.loads(net.to_json())
    assert data["schema"] == "convviz.network/1"
    assert [r["kind"] for r in data["rows"]] == ["conv", "conv_transpose", "upsample", "crop",
                                                 "pad", "avgpool"]
    assert data["rows"][0]["folded"] == ["relu"]
    assert data["rows"][1]["jump"] == [1] and data["rows"][2]["jump"] == ["1/2"]
    assert [r.output_size for r in net.rows] == [(8,), (17,), (34,), (33,), (35,), (18,)]
    assert isinstance(net.rows[2].jump[0], Fraction)


def test_conv_specs_and_dicts_chain_with_exact_same_padding():
    specs = [ConvSpec((10,), 3, stride=2, padding="same"), {"kind": "conv", "kernel_size": 4,
                                                            "stride": 2, "padding": "same"}]
    net = convviz.network(specs)
    assert [r.output_size for r in net.rows] == [(5,), (3,)]
    assert net.rows[1].spec.padding_before == (1,) and net.rows[1].spec.padding_after == (2,)


def test_bad_input_is_named():
    with pytest.raises(SpecError, match="unknown layer 'lstm'"):
        convviz.network("conv k3 | lstm", 8)
    with pytest.raises(SpecError, match="unknown option 'q3'"):
        convviz.network("conv k3 q3", 8)
    with pytest.raises(SpecError, match="input_size"):
        convviz.network("conv k3", 0)
    with pytest.raises(SpecError, match="'conv2'"):
        convviz.network("conv k3 | conv k9", 8)
    with pytest.raises(TypeError, match="model"):
        convviz.network(3.5, 8)
    net = convviz.network("conv k3", 8)
    with pytest.raises(SpecError, match="rows: conv1"):
        net.row("nope")


def test_table_html_and_animation():
    net = convviz.network("conv k3 s2 p1 | conv k3 d2 | maxpool k2 s2", 16)
    table = net.table()
    assert table.splitlines()[2].split()[:6] == ["0", "conv1", "conv", "16", "8", "3"]
    assert "<table" in net._repr_html_() and "maxpool3" in net._repr_html_()
    anim = net.animate(1)
    assert anim.spec == net.rows[1].spec and anim.frame_count == 4 * 4
    with pytest.raises(SpecError, match="no convolution"):
        convviz.network("crop p1", 8).animate(0)
    assert [s.output_size for s in net.stack(0)] == [(8,), (4,), (2,)]


def test_bench_target_shape_no_big_arrays():
    """200 layers on a 10⁹-cell axis: sizes only, so this is instant (timed in bench/)."""
    net = convviz.network(" | ".join(["conv k3 same"] * 199 + ["conv k3 s2"]), (10**9,))
    assert net.rows[-1].receptive_field == (401,) and net.rows[-1].output_size == (499999999,)


def test_stack_picture_of_the_network():
    net = convviz.network("conv k3 | conv k3 d2 | maxpool k2 s2", (12,))
    picture = net.diagram()
    assert picture.frame_count == net.rows[-1].output_size[0]
    with pytest.raises(SpecError, match="stack picture"):
        convviz.network("tconv k3 s2", (5,)).diagram()


def test_cli_net_table_json_and_errors(capsys):
    from convviz.cli.app import main

    assert main(["net", "conv k3 s2 p1 | conv k3 d2 | maxpool k2 s2", "-i", "224"]) == 0
    out = capsys.readouterr().out
    assert out == convviz.network("conv k3 s2 p1 | conv k3 d2 | maxpool k2 s2", 224).table() + "\n"
    assert main(["net", "conv k3 | tconv k2 s2", "-i", "9", "--dims", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "convviz.network/1" and data["rows"][1]["output_size"] == [14]
    assert main(["net", "conv k3 | lstm", "-i", "8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convviz: error: unknown layer 'lstm'") and err.count("\n") == 1
    assert main(["net", "conv k3", "-i", "8,8", "--dims", "1"]) == 2
    assert "--dims" in capsys.readouterr().err


def test_readme_network_table_is_what_the_library_prints():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Networks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shown = section.split("```text\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    printed = []
    exec(code, {"print": printed.append, **namespace})  # noqa: S102 - the README's own example
    assert printed == [shown.rstrip("\n")]


def test_hooks_name_what_they_cannot_follow(torch):
    nn, F = torch.nn, torch.nn.functional

    class Pools(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3)

        def forward(self, x):
            return F.max_pool2d(self.conv(x), 2)

    with pytest.raises(SpecError, match="max_pool2d changes the spatial size"):
        convviz.network(Pools(), example_input=torch.ones(1, 1, 9, 9))

    class Odd(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(1, 2, 3)
            self.rnn = nn.GRU(7, 3)

        def forward(self, x):
            return self.rnn(self.conv(x))

    with pytest.raises(SpecError, match="'rnn' \\(GRU\\)"):
        convviz.network(Odd(), example_input=torch.ones(1, 1, 9))
    with pytest.raises(TypeError, match="example_input"):
        convviz.network(Odd(), example_input=[1, 2, 3])
    with pytest.raises(SpecError, match="input_size"):
        convviz.network(nn.Sequential(nn.Conv1d(1, 1, 3)), (8,),
                        example_input=torch.ones(1, 1, 9))


def test_global_pooling_ends_the_spatial_part_of_a_sequential(torch):
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                          nn.Linear(8, 2))
    net = convviz.network(model, 32)
    assert [r.name for r in net.rows] == ["0"] and net.tail == ("1", "2", "3")
    with pytest.raises(SpecError, match="AdaptiveMaxPool2d"):
        convviz.network(nn.Sequential(nn.AdaptiveMaxPool2d(4)), 32)


def test_network_imports_neither_torch_nor_matplotlib():
    import subprocess
    import sys

    code = ("import sys, convviz\n"
            "net = convviz.network('conv k3 s2 | maxpool k2', 64)\n"
            "net.table(); net.to_json(); net._repr_html_()\n"
            "bad = [m for m in ('torch', 'keras', 'matplotlib') if m in sys.modules]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True)
