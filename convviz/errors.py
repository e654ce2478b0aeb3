"""Exceptions raised by convviz: one tree.

::

    ConvvizError                   base of everything convviz raises on purpose
    ├── SpecError (ValueError)     an invalid parameter: names it, its value, the rule
    │   ├── BudgetError            the work asked for would not fit in memory: names
    │   │                          the limit and the size asked
    │   └── TemplateError          a gallery template cannot be used: ``file:line: why``
    ├── UsageError                 a bad command line (flag, value, name); the command
    │                              line exits with status 2
    └── OutputError (OSError)      a file could not be written where it was asked to be
                                   (bad path, file exists, disk full): names the file

Every message names the parameter (or path), the value, and the rule, so the
command line can print it as one line and the notebook user knows what to fix.
The command line's exit status: 2 for SpecError and UsageError (the request was
wrong), 1 for the rest.
"""

from __future__ import annotations

__all__ = [
    "BudgetError", "ConvvizError", "OutputError", "SpecError", "TemplateError", "UsageError",
]


class ConvvizError(Exception):
    """Base class of the errors convviz raises deliberately.

    ``status``: the command line's exit status for this error.
    """

    status: int = 1


class SpecError(ConvvizError, ValueError):
    """A parameter is invalid: the message names it, its value and the rule."""

    status = 2


class BudgetError(SpecError):
    """The frames (or sheet) asked for would need more memory than convviz allows:
    the message names the limit and the size asked."""


class TemplateError(SpecError):
    """A gallery template cannot be used: the message starts with ``file:line:``."""


class UsageError(ConvvizError):
    """A bad command-line flag, value or name (exit status 2)."""

    status = 2


class OutputError(ConvvizError, OSError):
    """An output file cannot be written (bad path, parent is a file, exists, disk full).

    The message is the one given; ``errno`` and ``filename`` may be set as well
    (they do not change the message).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()
