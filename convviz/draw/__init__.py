"""Drawing with matplotlib: the oblique conv_arithmetic renderer, the flat
numbers and scatter renderers, and the diagrams. Every renderer is a frame
source (see :mod:`convviz.animation`)."""
