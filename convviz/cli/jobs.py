"""Rendering the outputs of ``convviz render``, in this process or in ``--jobs N`` workers.

Each output is rendered independently of the others, so every file is the same
whatever N is; only the order of the report lines may differ.

Workers never outlive the command. Each one watches a *lifeline*: the read end
of a pipe whose only write end the parent holds (workers close their copy).
When the parent ends in any way — it returns, it is interrupted, terminated or
killed (SIGKILL included: the kernel closes its descriptors) — the pipe reports
end-of-file, and a thread in the worker stops it: a render in progress is
interrupted like Ctrl-C (its temporary file is removed by the atomic writer),
then the worker exits within :data:`GRACE_SECONDS`. The worker also stops if its
parent process changes (``os.getppid()``), whichever it notices first. Nothing
here needs Linux-only calls (no ``prctl``).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["GRACE_SECONDS", "Job", "animation_of", "render_one", "run_jobs", "save",
           "worker_init"]

log = logging.getLogger(__name__)

#: seconds a worker whose parent is gone gives an interrupted render to clean up
GRACE_SECONDS = 2.0
#: how often (seconds) a worker checks that its parent is still the same process
_PARENT_POLL = 0.5


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
    _WORKER_STATE["busy"] = True
    try:
        anim = animation_of(job)
        save(anim, job.path, frame=job.frame, sheet=job.sheet, overwrite=job.force)
        frames = anim.frame_count
    finally:
        _WORKER_STATE["busy"] = False
    return {"path": str(job.path), "frames": frames, "bytes": job.path.stat().st_size,
            "label": job.label, "frame": job.frame, "sheet": job.sheet}


def save(anim: Any, path: Path, **kw: Any) -> None:
    """Animation.save (the writer comes from convviz.encode's registry by extension;
    ``overwrite=False`` refuses a file that appeared at ``path`` while rendering)."""
    anim.save(path, **kw)


_WORKER_STATE = {"busy": False, "interrupted": False}


def worker_init(lifeline: Any = None, keeper: Any = None) -> None:
    """Set up a worker process.

    Ctrl-C interrupts a render in progress (so its temporary file is removed by the
    atomic writer) but never the pool's own machinery. ``lifeline`` (the read end of
    the parent's pipe) and ``keeper`` (its write end, closed here: only the parent may
    hold it) make the worker stop when the parent is gone (see the module docstring).
    The parent watched is the process that started this one: the command itself, or
    the server that forks workers for it (which ends with the command).
    """

    def handler(signum: int, frame: Any) -> None:
        if _WORKER_STATE["busy"] and not _WORKER_STATE["interrupted"]:
            _WORKER_STATE["interrupted"] = True  # once: never interrupt the clean-up itself
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    if keeper is not None:
        keeper.close()
    if lifeline is not None:
        threading.Thread(target=_watch_parent, args=(lifeline, os.getppid()),
                         name="convviz-lifeline", daemon=True).start()


def _watch_parent(lifeline: Any, parent: int) -> None:
    """Wait until the parent is gone, then stop this worker (a daemon thread)."""
    while os.getppid() == parent:
        try:
            if lifeline.poll(_PARENT_POLL):
                lifeline.recv_bytes()  # the parent never writes: data or EOF ends the wait
                break
        except (EOFError, OSError):
            break
    if _WORKER_STATE["busy"]:
        os.kill(os.getpid(), signal.SIGINT)  # stop the render; its temp file is removed
        deadline = time.monotonic() + GRACE_SECONDS
        while _WORKER_STATE["busy"] and time.monotonic() < deadline:
            time.sleep(0.05)
    os._exit(1)


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
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    lifeline, keeper = multiprocessing.Pipe(duplex=False)  # (read end, write end)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_init,
                               initargs=(lifeline, keeper))
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
        raise  # a render failed: the others finish (in the shutdown below), as they were
    except BaseException:
        # interrupted, terminated or a render failed: cut the lifeline so that running
        # renders stop now (their temporary files removed), then say which files did
        # get written before the stop
        keeper.close()
        pool.shutdown(wait=True, cancel_futures=True)
        for fut in pending:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                done(fut.result(), bar)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        keeper.close()
        lifeline.close()
