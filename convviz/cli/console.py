"""Writing to standard output: a failure names it (``standard output: No space left
on device``) instead of being lost, as argparse's own printing would lose it."""

from __future__ import annotations

import sys

from convviz.errors import OutputError

__all__ = ["emit"]


def emit(text: str, end: str = "\n", *, flush: bool = False) -> None:
    """Print ``text`` on standard output; OutputError naming it if that fails.

    A closed pipe (``convviz list | head``) is left to the caller as BrokenPipeError:
    the reader has gone, which is not worth a message.
    """
    try:
        sys.stdout.write(text + end)
        if flush:
            sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"standard output: {reason}") from None
