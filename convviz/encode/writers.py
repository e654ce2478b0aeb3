"""The writers' former home, kept so that older imports keep working.

New code imports from :mod:`convviz.encode.gif`, :mod:`convviz.encode.png`,
:mod:`convviz.encode.sheet`, :mod:`convviz.encode.imageio_formats`,
:mod:`convviz.encode.palette` and :mod:`convviz.encode.atomic`.
"""

from convviz.encode.atomic import atomic_write
from convviz.encode.gif import gif_from_indices, write_gif
from convviz.encode.imageio_formats import write_imageio
from convviz.encode.palette import as_frames, build_palette, count_colours
from convviz.encode.png import write_png
from convviz.encode.sheet import contact_sheet, write_sheet

__all__ = [
    "as_frames",
    "atomic_write",
    "build_palette",
    "contact_sheet",
    "count_colours",
    "gif_from_indices",
    "write_gif",
    "write_imageio",
    "write_png",
    "write_sheet",
]
