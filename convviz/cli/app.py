"""The ``convviz`` command line: ``render``, ``list``, ``info``, ``gallery``, ``net``.

Thin by design: parse, validate, call one library function, report. Every
module that draws (matplotlib) or builds pages (jinja2) is imported inside the
command that needs it, so ``convviz --help`` and ``convviz info`` never load
matplotlib. This module holds the parser and :func:`main`; each command lives
in its own module: :mod:`~convviz.cli.flags` (the spec flags),
:mod:`~convviz.cli.render` with :mod:`~convviz.cli.outputs` (checks of the
files) and :mod:`~convviz.cli.jobs` (the worker processes),
:mod:`~convviz.cli.info` (``list`` and ``info``), :mod:`~convviz.cli.gallery`,
:mod:`~convviz.cli.net`.

Exit status: 0 success, 1 a failure while working (a file exists, a path is
unusable, rendering failed, standard output could not be written), 2 a usage
error (a bad flag or value, an unknown preset), 130 interrupted (Ctrl-C,
SIGINT), 143 terminated (SIGTERM). Errors are one line on stderr,
``convviz: error: --stride: 0 is not >= 1``; ``--debug`` adds the traceback.
Worker processes of ``render --jobs N`` end with the command, however it ends.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from convviz.cli.flags import (
    DURATION_RANGE,
    MAX_JOBS,
    PARAM_FLAGS,
    SCALE_RANGE,
    Parser,
    VersionAction,
    add_spec_flags,
    flag_for_spec_error,
    int_type,
    positive_float,
    spec_from_flags,
)
from convviz.cli.gallery import cmd_gallery
from convviz.cli.info import cmd_info, cmd_list, preset_rows
from convviz.cli.render import cmd_render
from convviz.core.info import info, info_text  # NumPy only: the facts live in core
from convviz.errors import ConvvizError, SpecError
from convviz.look.themes import THEMES  # data only: no matplotlib

__all__ = ["PARAM_FLAGS", "Terminated", "build_parser", "info", "info_text", "main",
           "preset_rows", "spec_from_flags"]

log = logging.getLogger(__name__)


# =====================================================================================
# the parser
# =====================================================================================
def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``convviz`` (one sub-parser per command)."""
    from convviz import __version__

    common = Parser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="print only errors")
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                        help="say more (-vv: debug)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks")

    parser = Parser(
        prog="convviz",
        description="Convolution arithmetic made visible: animations, numbers and a gallery.",
        epilog="`convviz COMMAND --help` describes each command. Exit status: 0 ok, "
               "1 failure, 2 usage error, 130 interrupted, 143 terminated.",
        parents=[common],
    )
    parser.add_argument("--version", action=VersionAction, version=f"convviz {__version__}",
                        help="show program's version number and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    render = sub.add_parser(
        "render", parents=[common], help="write animations (GIF), stills or contact sheets (PNG)",
        description="Render presets or a spec to GIF (or PNG with --frame/--sheet).\n"
                    "Existing files are never overwritten without --force.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  convviz render padding_strides                 # padding_strides.gif here\n"
               "  convviz render -i 5 -k 3 -s 2 -p 1 -o conv.gif\n"
               "  convviz render -i 8 --dims 1 -d 2 -p causal --numbers --frame 3 -o c.png\n"
               "  convviz render padding_strides_transposed --scatter --sheet\n"
               "  convviz render --all -o gifs/ --jobs 2")
    render.add_argument("names", nargs="*", metavar="NAME", help="preset names (convviz list)")
    render.add_argument("--all", action="store_true",
                        help="render every preset (with -o DIR)")
    add_spec_flags(render)
    look = render.add_argument_group("picture")
    look.add_argument(
        "--theme", choices=tuple(THEMES), default="default", help="colours and labels"
    )
    look.add_argument("--numbers", action="store_true",
                      help="show the numbers: input, kernel, and the sums")
    look.add_argument("--scatter", action="store_true",
                      help="scatter view: each input cell writes through the kernel "
                           "(how a transposed convolution computes)")
    look.add_argument("--pool", choices=("max", "avg"), help="animate pooling over the windows")
    look.add_argument("--duration", type=positive_float("--duration", DURATION_RANGE),
                      default=1.0, metavar="SECONDS", help="seconds per frame (default 1.0)")
    look.add_argument("--scale", type=positive_float("--scale", SCALE_RANGE), default=1.0,
                      help="picture size factor (default 1.0)")
    look.add_argument("--no-labels", action="store_true", help="no input/output labels")
    look.add_argument("--lang", choices=("en", "zh"), default="en",
                      help="language of the picture's words: en (default) or zh (Chinese)")
    look.add_argument("--seed", type=int_type(0), default=0, metavar="N",
                      help="random numbers of --numbers/--pool pictures (default 0)")
    look.add_argument("--frame", type=int_type(0), metavar="N",
                      help="write frame N as a PNG still")
    look.add_argument("--sheet", action="store_true",
                      help="write a contact sheet (all frames on one PNG)")
    files = render.add_argument_group("files")
    files.add_argument("-o", "--output", metavar="PATH",
                       help="a file (.gif, .png) or a directory (existing, ending in /, or "
                            "without suffix) for one file per NAME; default: NAME.gif here")
    files.add_argument("--force", action="store_true", help="overwrite existing output files")
    files.add_argument("-j", "--jobs", type=int_type(1, MAX_JOBS), default=1, metavar="N",
                       help="render N files at once in separate processes")
    render.set_defaults(func=cmd_render)

    lst = sub.add_parser("list", parents=[common], help="the presets with parameters and sizes",
                         description="List the presets: name, family, parameters, output size.")
    lst.add_argument("--json", action="store_true",
                     help="JSON: {schema: 'convviz.list/1', presets: [...]}")
    lst.set_defaults(func=cmd_list)

    inf = sub.add_parser(
        "info", parents=[common], help="the arithmetic of a preset or spec as text or JSON",
        description="Output size, padding per side, the formula with the numbers filled in,\n"
                    "receptive field, parameter and multiplication counts, the PyTorch and\n"
                    "Keras layers, and where the two frameworks disagree.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  convviz info padding_strides_odd\n"
               "  convviz info -i 8 -k 3 -s 2 -p same\n"
               "  convviz info -i 4 -k 3 -s 2 -p 1 --output-padding 1 --transposed\n"
               "  convviz info -i 16 --dims 1 -k 3 -d 2 -p causal --json")
    inf.add_argument("name", nargs="?", metavar="NAME", help="a preset name")
    add_spec_flags(inf)
    inf.add_argument("--pool", choices=("max", "avg"),
                     help="pooling over the same windows instead of a convolution")
    inf.add_argument("--json", action="store_true",
                     help="JSON (schema 'convviz.info/1', see convviz.info)")
    inf.set_defaults(func=cmd_info)

    gal = sub.add_parser("gallery", parents=[common], help="build the static HTML gallery",
                         description="Build the gallery site (only what changed is re-rendered).")
    gal.add_argument("-o", "--output", default="output", metavar="DIR",
                     help="output directory (default: output)")
    gal.add_argument("--lang", choices=("all", "en", "zh"), default="all",
                     help="page language: all (default: English in DIR/index.html, Chinese in "
                          "DIR/zh/index.html, one set of pictures), en or zh alone")
    gal.add_argument("--templates", metavar="DIR", help="use these Jinja templates instead")
    gal.add_argument("-j", "--jobs", type=int_type(1, MAX_JOBS), metavar="N",
                     help="render with N processes (default: all cores)")
    gal.add_argument("--force", action="store_true", help="rebuild everything")
    gal.add_argument("--draft", action="store_true",
                     help="one frame per animation: a fast preview of the pages")
    gal.set_defaults(func=cmd_gallery)

    from convviz.cli.net import add_net_parser  # `convviz net` lives in its own module

    add_net_parser(sub, common)
    return parser


# =====================================================================================
# main
# =====================================================================================
class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C (temporary files and empty directories go)."""


@contextmanager
def _terminate_unwinds() -> Iterator[None]:
    """While the command runs, SIGTERM raises :class:`Terminated` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Terminated

    def again(unraisable: Any) -> None:
        # raised where Python cannot raise it (a weak reference's callback, a finaliser):
        # no report, and the signal is sent again a moment later (from another thread:
        # sent from here it would arrive here), to arrive where it stops the command
        signum = (signal.SIGTERM if isinstance(unraisable.exc_value, Terminated) else
                  signal.SIGINT if isinstance(unraisable.exc_value, KeyboardInterrupt)
                  else None)
        if signum is None:
            hook(unraisable)
            return
        timer = threading.Timer(0.02, os.kill, (os.getpid(), signum))
        timer.daemon = True
        timer.start()

    previous = signal.signal(signal.SIGTERM, handler)
    hook, sys.unraisablehook = sys.unraisablehook, again
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = hook


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"convviz: {record.levelname.lower()}: {record.getMessage()}"


_HANDLER: logging.Handler | None = None


def _configure_logging(quiet: bool, verbose: int) -> None:
    global _HANDLER
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO)[min(verbose, 1)]
    if verbose >= 2:
        level = logging.DEBUG
    root = logging.getLogger("convviz")
    if _HANDLER is not None:
        root.removeHandler(_HANDLER)
    _HANDLER = logging.StreamHandler(sys.stderr)
    _HANDLER.setFormatter(_OneLine())
    root.addHandler(_HANDLER)
    root.setLevel(level)


def _error(message: str) -> None:
    first = " ".join(str(message).split())  # exactly one line
    try:
        print(f"convviz: error: {first}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass  # stderr itself is gone: the exit status still says it


def _discard_stdout() -> None:
    """Standard output cannot be written: send what is still buffered nowhere, so that
    the interpreter's own flush at exit does not fail again (and print a traceback)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing is flushed at exit


def _flush_stdout() -> str | None:
    """Flush standard output; the reason if that failed (a full disk, a closed pipe)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return ""  # `convviz list | head`: the reader left; not worth a message
    except (OSError, ValueError) as exc:
        _discard_stdout()
        return f"standard output: {getattr(exc, 'strerror', None) or exc}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (never raises SystemExit)."""
    status = _run(list(sys.argv[1:] if argv is None else argv))
    problem = _flush_stdout()
    if problem is None:
        return status
    if problem:
        _error(problem)
    return status or 1


def _run(argv: list[str]) -> int:
    debug = "--debug" in argv
    try:
        with _terminate_unwinds():
            parser = build_parser()
            try:
                args = parser.parse_args(argv)
            except SystemExit as exc:  # --help, --version
                return int(exc.code or 0)
            args.quiet = getattr(args, "quiet", False)
            args.verbose = getattr(args, "verbose", 0) or 0
            debug = getattr(args, "debug", False)
            _configure_logging(args.quiet, args.verbose)
            if not getattr(args, "command", None):
                parser.print_help()
                return 2
            return int(args.func(args))
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        _say("convviz: interrupted")
        return 130
    except Terminated:
        if debug:
            traceback.print_exc()
        _say("convviz: terminated")
        return 128 + signal.SIGTERM
    except ConvvizError as exc:
        if debug:
            traceback.print_exc()
        _error(flag_for_spec_error(str(exc)) if isinstance(exc, SpecError) else str(exc))
        return exc.status
    except BrokenPipeError:
        # `convviz list | head`: stdout closed early is not an error worth a traceback
        _discard_stdout()
        return 1
    except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
        if debug:
            traceback.print_exc()
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            _error(f"{where}{exc.strerror or exc}")
            return 1
        _error(f"{type(exc).__name__}: {exc}" + ("" if debug else " (--debug shows where)"))
        return 1


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
