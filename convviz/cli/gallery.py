"""``convviz gallery``: build the static HTML gallery with :func:`convviz.site.builder.build`.

The output directory is checked before anything is built (a file in its place is
refused); progress goes to a bar on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from convviz.cli.console import emit
from convviz.errors import ConvvizError, UsageError

__all__ = ["cmd_gallery"]

log = logging.getLogger(__name__)


def cmd_gallery(args: argparse.Namespace) -> int:
    try:
        from convviz.site import builder as site
    except ImportError as exc:
        raise ConvvizError(f"gallery: the site builder is not available ({exc})") from exc
    if not hasattr(site, "build"):
        raise ConvvizError("gallery: convviz.site.builder has no build()")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise ConvvizError(f"-o: {out} is a file, not a directory")
    probe = out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ConvvizError(f"-o: {out}: {probe} is a file, not a directory")
    if args.templates is not None and not Path(args.templates).is_dir():
        raise UsageError(f"--templates: {args.templates} is not a directory")
    state: dict[str, Any] = {"bar": None}
    show = not args.quiet and sys.stderr.isatty()

    def progress(done: int, total: int, name: str) -> None:
        log.debug("gallery %d/%d %s", done, total, name)
        if not show:
            return
        if state["bar"] is None:
            from tqdm import tqdm  # type: ignore[import-untyped]

            state["bar"] = tqdm(total=total, desc="gallery", unit="file", file=sys.stderr,
                                leave=False)
        bar = state["bar"]
        bar.total = total
        bar.set_postfix_str(str(name)[-40:], refresh=False)
        bar.update(done - bar.n)

    kwargs: dict[str, Any] = {"lang": args.lang, "templates": args.templates, "jobs": args.jobs,
                              "progress": progress, "force": bool(args.force)}
    if args.draft:
        draft = getattr(site, "render_draft", None)
        if draft is None:
            raise ConvvizError("--draft: this convviz.site.builder has no render_draft")
        kwargs["renderer"] = draft
    try:
        report = site.build(str(out), **kwargs)
    finally:
        if state["bar"] is not None:
            state["bar"].close()
    failed = dict(getattr(report, "failed", {}) or {})
    for path, message in sorted(failed.items()):
        log.error("%s: %s", path, " ".join(str(message).split()))
    if not args.quiet:
        emit(_report_line(report, out))
    return 1 if failed else 0


def _report_line(report: Any, out: Path) -> str:
    """One summary line from site.build's BuildReport."""
    index = getattr(report, "index", None) or out / "index.html"
    parts = []
    for attr, word in (("rendered", "pictures rendered"), ("reused", "reused"),
                       ("written", "files written")):
        value = getattr(report, attr, None)
        if isinstance(value, int):
            parts.append(f"{value} {word}")
    omitted = getattr(report, "omitted", ()) or ()
    if omitted:
        parts.append(f"{len(omitted)} omitted")
    failed = getattr(report, "failed", {}) or {}
    if failed:
        parts.append(f"{len(failed)} failed")
    seconds = getattr(report, "elapsed", None)
    if isinstance(seconds, (int, float)):
        parts.append(f"{seconds:.1f} s")
    return f"gallery: {index} ({', '.join(parts)})"


