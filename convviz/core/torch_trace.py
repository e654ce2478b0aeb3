"""Follow a PyTorch model's forward pass on an example input (torch imported here only).

Forward hooks on the leaf modules name the layers; a ``TorchFunctionMode``
sees the operations between them (``out + identity``, ``torch.cat``,
``F.relu``), so a sum or concatenation of branches becomes a merge row whose
field is the union of its branches. Each tensor is tagged with the row that
made it; operations that keep the spatial size pass the tag on.
"""

from __future__ import annotations

from typing import Any

from convviz.core.layers import Layer
from convviz.core.network import INPUT, Node
from convviz.core.readers import torch_layer
from convviz.errors import SpecError

__all__ = ["trace"]

_TAIL = -2  # tag of tensors after the spatial part (flattened, pooled to one cell)
_CONCAT = ("cat", "concat", "concatenate")


def trace(model: Any, example_input: Any
          ) -> tuple[list[Node], tuple[int, ...], int, list[str]]:
    """Nodes, spatial input size, input channels and tail of ``model(example_input)``."""
    import torch
    from torch.overrides import TorchFunctionMode

    if not isinstance(example_input, torch.Tensor):
        raise TypeError(f"example_input must be a torch.Tensor, got "
                        f"{type(example_input).__name__}")
    if not 3 <= example_input.ndim <= 5:
        raise SpecError(f"example_input must be shaped (batch, channels, *spatial) with 1 to 3 "
                        f"spatial axes, got shape {tuple(example_input.shape)}")
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    ndim = example_input.ndim
    nodes: list[Node] = []
    tail: list[str] = []
    leading: list[str] = []  # element-wise layers before the first row
    tags: dict[int, int] = {}
    keep: list[Any] = []  # tagged tensors stay alive, so their ids stay theirs
    depth = [0]

    def tag(tensor: Any, n: int) -> None:
        tags[id(tensor)] = n
        keep.append(tensor)

    def tagged(values: Any) -> list[tuple[Any, int]]:
        found: list[tuple[Any, int]] = []
        for v in values:
            if isinstance(v, (list, tuple)):
                found += tagged(v)
            elif isinstance(v, torch.Tensor) and id(v) in tags:
                found.append((v, tags[id(v)]))
        return found

    def tensors(out: Any) -> list[Any]:
        if isinstance(out, torch.Tensor):
            return [out]
        if isinstance(out, (list, tuple)):
            return [t for v in out for t in tensors(v)]
        return []

    def post_hook(name: str) -> Any:
        def hook(module: Any, inputs: Any, output: Any) -> None:
            depth[0] -= 1
            sources = tagged(inputs)
            outs = tensors(output)
            if not sources:
                return
            n = sources[0][1]
            cls = type(module).__name__
            if n == _TAIL:
                tail.append(name)
                for t in outs:
                    tag(t, _TAIL)
                return
            found = torch_layer(module, name)
            params = sum(int(p.numel()) for p in module.parameters())
            if found == "elementwise":
                if n == INPUT:
                    leading.append(name)
                else:
                    nodes[n].folded.append(name)
                    nodes[n].parameters = (nodes[n].parameters or 0) + params
                for t in outs:
                    tag(t, n)
            elif found == "flatten":
                tail.append(name)
                for t in outs:
                    tag(t, _TAIL)
            elif found is None:
                raise SpecError(f"layer {name!r} ({cls}) is not a layer convviz can follow")
            else:
                assert isinstance(found, Layer)
                nodes.append(Node(found, [n], [], params))
                for t in outs:
                    tag(t, len(nodes) - 1)
        return hook

    def pre_hook(module: Any, inputs: Any) -> None:
        depth[0] += 1

    class Follow(TorchFunctionMode):
        def __torch_function__(self, func: Any, types: Any, args: Any = (),
                               kwargs: Any = None) -> Any:
            out = func(*args, **(kwargs or {}))
            if depth[0] == 0:
                between(func, list(args) + list((kwargs or {}).values()), out)
            return out

    def between(func: Any, args: list[Any], out: Any) -> None:
        sources = tagged(args)
        outs = tensors(out)
        if not sources or not outs:
            return
        fname = getattr(func, "__name__", str(func))
        tags_in = list(dict.fromkeys(n for _, n in sources))
        if _TAIL in tags_in:
            for t in outs:
                tag(t, _TAIL)
            return
        spatial = {tuple(t.shape[2:]) for t, _ in sources if t.ndim == ndim}
        for t in outs:
            if t.ndim < ndim:
                tail.append(fname)
                tag(t, _TAIL)
                continue
            if t.ndim != ndim or len(spatial) != 1 or tuple(t.shape[2:]) not in spatial:
                raise SpecError(f"{fname} changes the spatial size {sorted(spatial)} → "
                                f"{tuple(t.shape[2:])} outside a layer convviz can follow; "
                                "use a module (nn.MaxPool2d, nn.ZeroPad2d, …) for it")
            if len(tags_in) == 1:
                tag(t, tags_in[0])
                continue
            kind = "concat" if fname in _CONCAT else "add"
            nodes.append(Node(Layer(kind, name=f"{kind}{len(nodes)}"), tags_in))
            tag(t, len(nodes) - 1)

    handles = []
    try:
        for name, module in model.named_modules():
            if any(True for _ in module.children()):
                continue
            handles.append(module.register_forward_pre_hook(pre_hook))
            handles.append(module.register_forward_hook(post_hook(name or "model")))
        tag(example_input, INPUT)
        with torch.no_grad(), Follow():
            model(example_input)
    finally:
        for h in handles:
            h.remove()
    if not nodes:
        raise SpecError("the model has no layer that changes or reads spatial geometry")
    nodes[0].folded[:0] = leading
    size = tuple(int(v) for v in example_input.shape[2:])
    return nodes, size, int(example_input.shape[1]), tail
