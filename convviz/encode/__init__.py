"""Encoding frame sources into files: GIF, PNG stills, contact sheets, other formats.

- :mod:`convviz.encode.atomic`: :func:`atomic_write`, the one way files are written;
- :mod:`convviz.encode.registry`: which writer saves which extension
  (:func:`register`, :func:`writer_for`);
- :mod:`convviz.encode.gif`, :mod:`~convviz.encode.png`,
  :mod:`~convviz.encode.sheet`, :mod:`~convviz.encode.imageio_formats`: the
  writers; :mod:`convviz.encode.palette`: frames and their shared palette.

Importing this package loads neither Pillow nor imageio.
"""

from convviz.encode.atomic import atomic_write
from convviz.encode.registry import FALLBACK, Writer, extensions, register, writer_for

__all__ = ["FALLBACK", "Writer", "atomic_write", "extensions", "register", "writer_for"]
