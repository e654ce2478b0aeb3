"""Independent brute-force references for the engine tests.

Plain Python loops over the formulas in semantics.md — no index maps, no
vectorisation — so that a bug in the engine cannot hide in the reference:

- direct: output o reads input o·s − p_lo + t·d (zero outside [0, i));
- transposed: input j writes output j·s − p_lo + t·d with weight tap t.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def same_padding(i: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow's 'same' rule: o = ⌈i/s⌉, the odd cell after."""
    k_hat = d * (k - 1) + 1
    o = math.ceil(i / s)
    total = max((o - 1) * s + k_hat - i, 0)
    return total // 2, total - total // 2


def direct_output_size(i, k, s, d, lo, hi):
    return (i + lo + hi - d * (k - 1) - 1) // s + 1


def transposed_output_size(i, k, s, d, lo, hi, op):
    return (i - 1) * s + d * (k - 1) + 1 - lo - hi + op


def conv_loops(x, w, stride, dilation, pads, groups=1):
    """Direct convolution. x (C_in, *i), w (C_out, C_in/g, *k), pads [(lo, hi)] per axis."""
    _, *isz = x.shape
    c_out, cig, *ksz = w.shape
    nd = len(isz)
    osz = [direct_output_size(isz[a], ksz[a], stride[a], dilation[a], *pads[a]) for a in range(nd)]
    out = np.zeros([c_out] + osz, dtype=np.result_type(x, w))
    cog = c_out // groups
    for oc in range(c_out):
        grp = oc // cog
        for o in itertools.product(*[range(n) for n in osz]):
            acc = 0
            for icl in range(cig):
                ic = grp * cig + icl
                for t in itertools.product(*[range(n) for n in ksz]):
                    pos = [o[a] * stride[a] - pads[a][0] + t[a] * dilation[a] for a in range(nd)]
                    if all(0 <= pos[a] < isz[a] for a in range(nd)):
                        acc += x[(ic, *pos)] * w[(oc, icl, *t)]
            out[(oc, *o)] = acc
    return out


def conv_transpose_loops(x, w, stride, dilation, pads, output_padding, groups=1):
    """Transposed convolution by scattering. x (C_in, *i), w (C_in, C_out/g, *k)."""
    c_in, *isz = x.shape
    _, cog, *ksz = w.shape
    nd = len(isz)
    osz = [
        transposed_output_size(isz[a], ksz[a], stride[a], dilation[a], *pads[a], output_padding[a])
        for a in range(nd)
    ]
    c_out = cog * groups
    cig = c_in // groups
    out = np.zeros([c_out] + osz, dtype=np.result_type(x, w))
    for ic in range(c_in):
        grp = ic // cig
        for j in itertools.product(*[range(n) for n in isz]):
            for ocl in range(cog):
                oc = grp * cog + ocl
                for t in itertools.product(*[range(n) for n in ksz]):
                    pos = [j[a] * stride[a] - pads[a][0] + t[a] * dilation[a] for a in range(nd)]
                    if all(0 <= pos[a] < osz[a] for a in range(nd)):
                        out[(oc, *pos)] += x[(ic, *j)] * w[(ic, ocl, *t)]
    return out


def reads_loops(isz, ksz, stride, dilation, pads):
    """For every output cell (tuple) the set of input cells it reads (direct conv)."""
    nd = len(isz)
    osz = [direct_output_size(isz[a], ksz[a], stride[a], dilation[a], *pads[a]) for a in range(nd)]
    reads = {}
    for o in itertools.product(*[range(n) for n in osz]):
        cells = set()
        for t in itertools.product(*[range(n) for n in ksz]):
            pos = tuple(o[a] * stride[a] - pads[a][0] + t[a] * dilation[a] for a in range(nd))
            if all(0 <= pos[a] < isz[a] for a in range(nd)):
                cells.add(pos)
        reads[o] = cells
    return reads


def layer_dependency(i, k, s, d, lo, o, transposed):
    """Boolean (o, i) matrix of one axis of one layer, from the reading rules above:
    direct output o reads input o·s − p_lo + t·d; transposed input j reaches output
    j·s − p_lo + t·d."""
    dep = np.zeros((o, i), dtype=bool)
    for t in range(k):
        if transposed:
            for j in range(i):
                out = j * s - lo + t * d
                if 0 <= out < o:
                    dep[out, j] = True
        else:
            for out in range(o):
                j = out * s - lo + t * d
                if 0 <= j < i:
                    dep[out, j] = True
    return dep


def receptive_field_matrix(specs, output_index=None):
    """The matrix method: per axis the product of the layers' dependency matrices.

    Returns (size per axis, mask or None). Size: the textbook 1 + Σ(k̂ − 1)Π s for a
    direct stack, else the widest span (last − first + 1) over every output.
    """
    ndim = specs[0].ndim
    deps = []
    for a in range(ndim):
        dep = None
        for spec in specs:
            m = layer_dependency(
                spec.input_size[a], spec.kernel_size[a], spec.stride[a], spec.dilation[a],
                spec.padding_before[a], spec.output_size[a], spec.transposed,
            ).astype(np.int64)
            dep = m if dep is None else (m @ dep > 0).astype(np.int64)
        deps.append(dep > 0)
    if any(spec.transposed for spec in specs):
        size = []
        for dep in deps:
            widths = [row.nonzero()[0] for row in dep]
            size.append(max((int(w[-1] - w[0] + 1) for w in widths if w.size), default=0))
    else:
        size = []
        for a in range(ndim):
            r, jump = 1, 1
            for spec in specs:
                r += spec.dilation[a] * (spec.kernel_size[a] - 1) * jump
                jump *= spec.stride[a]
            size.append(r)
    if output_index is None:
        return tuple(size), None
    mask = deps[0][output_index[0]]
    for dep, v in zip(deps[1:], output_index[1:]):
        mask = np.logical_and.outer(mask, dep[v])
    return tuple(size), mask


def field_by_sets(specs, output_index):
    """Per axis, the set of first-layer inputs one output reads, by walking the reading
    rules back layer by layer with Python sets (cheap for small fields on long axes)."""
    fields = []
    for a, index in enumerate(output_index):
        cells = {index}
        for spec in reversed(specs):
            i, k, s, d = spec.input_size[a], spec.kernel_size[a], spec.stride[a], spec.dilation[a]
            lo = spec.padding_before[a]
            found = set()
            for o in cells:
                for t in range(k):
                    if spec.transposed:
                        if (o + lo - t * d) % s == 0 and 0 <= (o + lo - t * d) // s < i:
                            found.add((o + lo - t * d) // s)
                    elif 0 <= o * s - lo + t * d < i:
                        found.add(o * s - lo + t * d)
            cells = found
        fields.append(sorted(cells))
    return fields
