"""The geometry of one spatial axis of a convolution; every N-D map is a product of these.

Symbols follow Dumoulin & Visin: i input size, k kernel size, s stride,
d dilation, k̂ = d(k − 1) + 1; see :mod:`convviz.core.spec` for the canvas
the animations draw. NumPy only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import numpy as np

from convviz.errors import SpecError

__all__ = ["AxisGeometry", "CellKind", "is_whole"]


class CellKind(enum.IntEnum):
    """What a canvas cell is."""

    INPUT = 0  #: a real input cell
    PADDING = 1  #: zero padding around the input
    ZERO = 2  #: a zero inserted between input cells (transposed, stride > 1)


def is_whole(value: Any) -> bool:
    """An int (Python or NumPy), not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


@dataclass(frozen=True)
class AxisGeometry:
    """The geometry of one spatial axis; every N-D map is a product of these.

    ``pad_before``/``pad_after`` are the padding in the framework's sense
    (direct: added to the input; transposed: PyTorch's ``padding``, cropped
    from the full output), ``output_padding`` the extra cells at the end of a
    transposed output.
    """

    input_size: int
    kernel_size: int
    stride: int
    dilation: int
    pad_before: int
    pad_after: int
    transposed: bool
    output_padding: int = 0

    def __post_init__(self) -> None:
        for name in ("input_size", "kernel_size", "stride", "dilation"):
            value = getattr(self, name)
            if not is_whole(value) or value < 1:
                raise SpecError(f"{name} must be a whole number >= 1, got {value!r}")
        for name in ("pad_before", "pad_after", "output_padding"):
            value = getattr(self, name)
            if not is_whole(value) or value < 0:
                raise SpecError(f"{name} must be a whole number >= 0, got {value!r}")
        if not isinstance(self.transposed, (bool, np.bool_)):
            raise SpecError(f"transposed must be True or False, got {self.transposed!r}")

    @property
    def effective_kernel(self) -> int:
        """k̂ = d(k − 1) + 1, the extent one window covers."""
        return self.dilation * (self.kernel_size - 1) + 1

    @property
    def output_size(self) -> int:
        i, s, k_hat = self.input_size, self.stride, self.effective_kernel
        if self.transposed:
            return (i - 1) * s + k_hat - self.pad_before - self.pad_after + self.output_padding
        return (i + self.pad_before + self.pad_after - k_hat) // s + 1

    # -- the drawn canvas ------------------------------------------------------
    @property
    def _canvas_pads_signed(self) -> tuple[int, int]:
        if not self.transposed:
            return self.pad_before, self.pad_after
        k_hat = self.effective_kernel
        return (k_hat - 1 - self.pad_before, k_hat - 1 - self.pad_after + self.output_padding)

    @property
    def canvas_padding(self) -> tuple[int, int]:
        """Cells drawn before and after the (stretched) input on the canvas."""
        before, after = self._canvas_pads_signed
        return max(before, 0), max(after, 0)

    @property
    def stretched_size(self) -> int:
        """The input as drawn: i cells, or (i − 1)s + 1 with inserted zeros."""
        if self.transposed:
            return (self.input_size - 1) * self.stride + 1
        return self.input_size

    @property
    def canvas_size(self) -> int:
        before, after = self.canvas_padding
        return before + self.stretched_size + after

    @property
    def canvas_stride(self) -> int:
        """How far the window moves per output cell on the canvas (1 if transposed)."""
        return 1 if self.transposed else self.stride

    def input_positions(self) -> np.ndarray:
        """Canvas index of every input cell, shape (i,)."""
        step = self.stride if self.transposed else 1
        return self.canvas_padding[0] + step * np.arange(self.input_size, dtype=np.intp)

    def canvas_kind(self) -> np.ndarray:
        """CellKind of every canvas cell along this axis, shape (canvas,)."""
        kind = np.full(self.canvas_size, CellKind.PADDING, dtype=np.int8)
        before = self.canvas_padding[0]
        kind[before : before + self.stretched_size] = CellKind.ZERO
        kind[self.input_positions()] = CellKind.INPUT
        return kind

    def canvas_input(self) -> np.ndarray:
        """Input index of every canvas cell, −1 where it is not an input cell."""
        index = np.full(self.canvas_size, -1, dtype=np.intp)
        index[self.input_positions()] = np.arange(self.input_size, dtype=np.intp)
        return index

    def window_starts(self) -> np.ndarray:
        """Canvas index of every output cell's first tap, shape (o,)."""
        signed_before = self._canvas_pads_signed[0]
        offset = self.canvas_padding[0] - signed_before
        return offset + self.canvas_stride * np.arange(self.output_size, dtype=np.intp)

    def canvas_taps(self) -> np.ndarray:
        """Canvas cell read by output cell o at window position t, shape (o, k)."""
        taps = self.dilation * np.arange(self.kernel_size, dtype=np.intp)
        return self.window_starts()[:, None] + taps[None, :]

    def weight_taps(self) -> np.ndarray:
        """Kernel tap used at window position t, shape (k,): flipped if transposed."""
        taps = np.arange(self.kernel_size, dtype=np.intp)
        return taps[::-1].copy() if self.transposed else taps

    def input_taps(self) -> np.ndarray:
        """Input cell read by output o at window position t (−1: padding/zero), (o, k)."""
        return self.canvas_input()[self.canvas_taps()]

    def scatter_taps(self) -> np.ndarray:
        """Output cell that input j reaches through weight tap t (−1: none), (i, k).

        Transposed: j·s − p_lo + t·d. Direct: the o with o·s − p_lo + t·d = j.
        """
        j = np.arange(self.input_size, dtype=np.intp)[:, None]
        t = np.arange(self.kernel_size, dtype=np.intp)[None, :]
        if self.transposed:
            out = j * self.stride - self.pad_before + t * self.dilation
        else:
            num = j + self.pad_before - t * self.dilation
            out = np.where(num % self.stride == 0, num // self.stride, -1)
        return np.where((out >= 0) & (out < self.output_size), out, -1)
