"""The ``convviz`` command line (see :mod:`convviz.cli.app`)."""

from convviz.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
