"""Exceptions raised by convviz.

::

    ConvvizError                 base of everything convviz raises on purpose
    ├── SpecError (ValueError)   an invalid parameter: names it, its value, the rule
    └── OutputError (OSError)    a file could not be written where it was asked to be

Every message names the parameter (or path), the value, and the rule, so the
command line can print it as one line and the notebook user knows what to fix.
"""

from __future__ import annotations


class ConvvizError(Exception):
    """Base class of the errors convviz raises deliberately."""


class SpecError(ConvvizError, ValueError):
    """A parameter is invalid: the message names it, its value and the rule."""


class OutputError(ConvvizError, OSError):
    """An output file cannot be written (bad path, parent is a file, ...)."""
