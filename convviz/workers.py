"""Worker processes that never outlive the process that started them.

Used by ``convviz render --jobs N`` and by the gallery's parallel build. Each
worker watches a *lifeline*: the read end of a pipe whose only write end the
parent holds (workers close their copy). When the parent ends in any way — it
returns, it is interrupted, terminated or killed (SIGKILL included: the kernel
closes its descriptors) — the pipe reports end-of-file, and a thread in the
worker stops it: work in progress (inside :func:`busy`) is interrupted like
Ctrl-C, so the atomic writer removes its temporary file, then the worker exits
within :data:`GRACE_SECONDS`. The worker also stops if its parent process
changes (``os.getppid()``), whichever it notices first. SIGTERM sent to a worker
(a pool ending its workers) ends it as the default action would, but its work in
progress is first stopped the same way. Nothing here needs Linux-only calls (no
``prctl``).
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["GRACE_SECONDS", "busy", "lifeline_pool", "worker_init"]

#: seconds a worker whose parent is gone gives interrupted work to clean up
GRACE_SECONDS = 2.0
#: how often (seconds) a worker checks that its parent is still the same process
_PARENT_POLL = 0.5

_STATE = {"busy": False, "interrupted": False, "ending": False}


@contextlib.contextmanager
def busy() -> Iterator[None]:
    """Mark work in progress: the only time a worker may be interrupted."""
    _STATE["busy"] = True
    try:
        yield
    finally:
        _STATE["busy"] = False


def worker_init(lifeline: Any = None, keeper: Any = None) -> None:
    """Set up a worker process.

    Ctrl-C interrupts work in progress (so its temporary file is removed by the
    atomic writer) but never the pool's own machinery; SIGTERM ends the worker, now if it
    is idle, else once its work is interrupted so (at the latest after
    :data:`GRACE_SECONDS`). ``lifeline`` (the read end of
    the parent's pipe) and ``keeper`` (its write end, closed here: only the parent may
    hold it) make the worker stop when the parent is gone. The parent watched is the
    process that started this one: the command itself, or the server that forks
    workers for it (which ends with the command).
    """

    def handler(signum: int, frame: Any) -> None:
        if _STATE["busy"] and not _STATE["interrupted"]:
            _STATE["interrupted"] = True  # once: never interrupt the clean-up itself
            raise KeyboardInterrupt

    def terminate(signum: int, frame: Any) -> None:
        # SIGTERM (a pool ending its workers, or anyone): the worker ends as the default
        # action would, but its work in progress is first stopped like Ctrl-C (its
        # temporary file removed). A forked worker would otherwise run its parent's handler
        # (the command's, whose exception a callback could only report).
        if not _STATE["busy"]:
            os._exit(128 + signum)
        if not _STATE["ending"]:
            _STATE["ending"] = True
            threading.Thread(target=_end_when_idle, args=(128 + signum,),
                             name="convviz-terminate", daemon=True).start()
        handler(signum, frame)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, terminate)
    sys.unraisablehook = _quiet_interruption
    # the last thing a worker does (multiprocessing's exit handlers, lowest priority): end
    # without tearing the interpreter down — freeing every module, figure and font it
    # holds takes a quarter of a second, while the pool's shutdown waits for it
    multiprocessing.util.Finalize(None, _exit_now, exitpriority=-100)
    if keeper is not None:
        keeper.close()
    if lifeline is not None:
        threading.Thread(target=_watch_parent, args=(lifeline, os.getppid()),
                         name="convviz-lifeline", daemon=True).start()


def _quiet_interruption(unraisable: Any) -> None:
    """Python's report of an exception it cannot raise, except the interruption this
    worker asked for when it landed in a callback (a weak reference's, a finaliser's):
    that one is dropped quietly — the worker still ends (:func:`_watch_parent`)."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _STATE["interrupted"]:
        return
    sys.__unraisablehook__(unraisable)


def _exit_now() -> None:
    """End this worker now, its output flushed (its results are sent: the pool's worker
    loop has returned)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _watch_parent(lifeline: Any, parent: int) -> None:
    """Wait until the parent is gone, then stop this worker (a daemon thread)."""
    while os.getppid() == parent:
        try:
            if lifeline.poll(_PARENT_POLL):
                lifeline.recv_bytes()  # the parent never writes: data or EOF ends the wait
                break
        except (EOFError, OSError):
            break
    if _STATE["busy"]:
        os.kill(os.getpid(), signal.SIGINT)  # stop the work; its temp file is removed
    _end_when_idle(1)


def _end_when_idle(status: int) -> None:
    """End this worker with ``status`` once no work is in progress, at the latest after
    :data:`GRACE_SECONDS` (the work was told to stop)."""
    deadline = time.monotonic() + GRACE_SECONDS
    while _STATE["busy"] and time.monotonic() < deadline:
        time.sleep(0.05)
    os._exit(status)


@contextlib.contextmanager
def lifeline_pool(workers: int, mp_context: Any = None) -> Iterator[tuple[Any, Any]]:
    """``(pool, cut)``: a ProcessPoolExecutor whose workers die with this process.

    ``cut()`` drops the lifeline at once, so that running work stops now (use it
    when interrupted); leaving the block shuts the pool down and drops it too.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp_context or multiprocessing.get_context()
    lifeline, keeper = ctx.Pipe(duplex=False)  # (read end, write end)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker_init,
                               initargs=(lifeline, keeper))
    try:
        yield pool, keeper.close
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        keeper.close()
        lifeline.close()
