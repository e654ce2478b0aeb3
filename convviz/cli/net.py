"""``convviz net``: the shapes and receptive fields of a network written as text.

::

    convviz net "conv k7 s2 p3 c64 | bn | relu | maxpool k3 s2 p1" -i 224
    convviz net "conv k3 d2 causal | conv k3 d4 causal" -i 100 --dims 1 --json

Thin: parse the flags, call :func:`convviz.network`, print its table or JSON.
Bad input is a SpecError naming the layer or flag (one line, exit status 2).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from convviz.cli.console import emit
from convviz.errors import SpecError

__all__ = ["add_net_parser", "run_net"]


def _input_size(text: str, dims: int | None) -> tuple[int, ...]:
    """'224' (square, or --dims axes), '224,160' or '224x160' (one per axis)."""
    parts = [p for p in re.split(r"[x,]", text.strip()) if p.strip()]
    if not parts or not all(p.strip().isdigit() for p in parts):
        raise SpecError(f"--input: {text!r} is not a size such as 224 or 224,160")
    values = tuple(int(p) for p in parts)
    if len(values) == 1:
        values = values * (dims or 2)
    elif dims is not None and len(values) != dims:
        raise SpecError(f"--input: {text!r} has {len(values)} values but --dims is {dims}")
    if not 1 <= len(values) <= 3 or min(values) < 1:
        raise SpecError(f"--input: {text!r} must be 1 to 3 whole numbers >= 1")
    return values


def run_net(args: argparse.Namespace) -> int:
    """Print the table (or JSON) of ``args.layers`` on an input of ``args.input``."""
    from convviz.core.network import network

    size = _input_size(args.input, args.dims)
    net = network(args.layers, size, input_channels=args.channels)
    emit(net.to_json() if args.json else net.table())
    return 0


def add_net_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the ``net`` sub-command on the ``convviz`` parser's sub-parsers."""
    net = sub.add_parser(
        "net", parents=[common], help="shapes and receptive fields through a whole network",
        description="One row per layer that changes spatial geometry: input and output size,\n"
                    "channels, receptive field, jump and start (in input cells), parameters\n"
                    "and multiply-adds. Layers are separated by |; each is a kind with\n"
                    "options: conv, tconv, maxpool, avgpool, pad, crop, up; k kernel,\n"
                    "s stride, p padding (or same/valid/full/causal), d dilation, g groups,\n"
                    "c output channels, op output padding, ceil, nobias. Element-wise words\n"
                    "(relu, bn, dropout, ...) fold into the layer before.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               '  convviz net "conv k3 s2 p1 | conv k3 d2 | maxpool k2 s2" -i 224\n'
               '  convviz net "conv k7 s2 p3 c64 | bn | relu | maxpool k3 s2 p1" -i 224 -c 3\n'
               '  convviz net "tconv k4 s2 p1 | conv k3 p1" -i 16 --dims 1 --json')
    net.add_argument("layers", metavar="LAYERS", help='the network, e.g. "conv k3 s2 | relu"')
    net.add_argument("-i", "--input", required=True, metavar="SIZE",
                     help="input size: 224 (square), 224,160 (one per axis)")
    net.add_argument("--dims", type=int, choices=(1, 2, 3),
                     help="number of axes for a bare --input number (default 2)")
    net.add_argument("-c", "--channels", type=int, metavar="C",
                     help="input channels (needed for parameter counts)")
    net.add_argument("--json", action="store_true",
                     help="JSON (schema 'convviz.network/1')")
    net.set_defaults(func=run_net)
