"""Rendering the outputs of ``convviz render``, in this process or in ``--jobs N`` workers.

Each output is rendered independently of the others, so every file is the same
whatever N is; only the order of the report lines may differ. Workers never
outlive the command (:mod:`convviz.workers`: each watches a lifeline pipe).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convviz.workers import GRACE_SECONDS, busy, lifeline_pool, worker_init

__all__ = ["GRACE_SECONDS", "Job", "animation_of", "render_one", "run_jobs", "save",
           "worker_init"]

log = logging.getLogger(__name__)



@dataclass
class Job:
    """One requested output: what to render and where."""

    label: str  # preset name or custom slug
    target: Any  # preset name (str) or ConvSpec
    path: Path
    options: dict[str, Any] = field(default_factory=dict)
    frame: int | None = None
    sheet: bool = False
    force: bool = False  # replace a file that exists (also one that appears while rendering)


def animation_of(job: Job) -> Any:
    """The (lazy, not yet drawn) Animation of a job; SpecError if its options are invalid."""
    from convviz import animate

    return animate(job.target, **job.options)


def render_one(job: Job) -> dict[str, Any]:
    """Render and save one output (runs in a worker process with --jobs)."""
    with busy():
        anim = animation_of(job)
        save(anim, job.path, frame=job.frame, sheet=job.sheet, overwrite=job.force)
        frames = anim.frame_count
    return {"path": str(job.path), "frames": frames, "bytes": job.path.stat().st_size,
            "label": job.label, "frame": job.frame, "sheet": job.sheet}


def save(anim: Any, path: Path, **kw: Any) -> None:
    """Animation.save (the writer comes from convviz.encode's registry by extension;
    ``overwrite=False`` refuses a file that appeared at ``path`` while rendering)."""
    anim.save(path, **kw)


def progress_bar(total: int, quiet: bool, desc: str) -> Any:
    """A tqdm bar on stderr when it is a terminal and not -q, else None."""
    if quiet or total <= 1 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(total=total, desc=desc, unit="file", file=sys.stderr, leave=False)


def run_jobs(jobs: list[Job], args: argparse.Namespace,
             done: Callable[[dict[str, Any], Any], None]) -> None:
    """Render every job (in processes with --jobs N > 1); ``done(result, bar)`` after each."""
    workers = min(args.jobs or 1, len(jobs))
    bar = progress_bar(len(jobs), args.quiet, "render")
    try:
        if workers <= 1:
            for job in jobs:
                log.debug("rendering %s -> %s", job.label, job.path)
                result = render_one(job)
                if bar:
                    bar.update(1)
                done(result, bar)
        else:
            _run_in_workers(jobs, workers, bar, done)
    finally:
        if bar:
            bar.close()


def _run_in_workers(jobs: list[Job], workers: int, bar: Any,
                    done: Callable[[dict[str, Any], Any], None]) -> None:
    from concurrent.futures import FIRST_COMPLETED, wait

    with lifeline_pool(workers) as (pool, cut):
        pending: set[Any] = set()
        try:
            pending = {pool.submit(render_one, job) for job in jobs}
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    result = fut.result()  # re-raises a worker's error
                    if bar:
                        bar.update(1)
                    done(result, bar)
        except Exception:
            raise  # a render failed: the others finish (in the shutdown), as they were
        except BaseException:
            # interrupted or terminated: cut the lifeline so that running renders stop
            # now (their temporary files removed), then say which files did get written
            # before the stop
            cut()
            pool.shutdown(wait=True, cancel_futures=True)
            for fut in pending:
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    done(fut.result(), bar)
            raise
