"""Gallery build times: a cold build, then a rebuild with nothing changed.

    python bench/bench_gallery.py [--jobs N] [--lang all|en|zh] [--draft] [--out DIR]

The baseline, in the same process tree just before: an English-only cold build that
draws every picture once and makes no dark twins (what the gallery cost before it had
a dark scheme and a second language). Targets on a 2-core machine: the cold build of
both languages, light and dark, within 10 % of the baseline; cold < 10 s; no-change
rebuild < 0.3 s. Prints the page's total bytes (every file of the output folder), the
times, what each build did, the slowest pictures, the peak resident memory of
the build process and of its largest worker, and PASS/FAIL per target
(exit status 1 if a target is missed). ``--draft`` times the one-frame draft
renderer instead of the full animations.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from convviz.site import builder as site

COLD_TARGET = 10.0
RATIO_TARGET = 1.10
REBUILD_TARGET = 0.3


def _peak_mb(who: int) -> float:
    """Peak resident set size in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def light_only(job: site.ImageJob) -> bytes:
    """The baseline's renderer: every picture drawn once in the light theme, no twins."""
    options, _ = site._light(job)
    return site._light_bytes(job.source, options, job.still is not None, False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--lang", default="all")
    parser.add_argument("--draft", action="store_true", help="one frame per animation")
    parser.add_argument("--out", type=Path, default=None, help="keep the site here")
    args = parser.parse_args(argv)
    renderer = site.render_draft if args.draft else None

    with tempfile.TemporaryDirectory(prefix="convviz-bench-") as tmp:
        out = args.out or Path(tmp) / "site"
        stamps: dict[str, float] = {}
        last = [time.perf_counter()]

        def progress(done: int, total: int, name: str) -> None:
            now = time.perf_counter()
            stamps[name] = now - last[0]  # time since the previous picture finished
            last[0] = now

        start = time.perf_counter()
        base = site.build(Path(tmp) / "baseline", lang="en", jobs=args.jobs, force=True,
                          renderer=site.render_draft if args.draft else light_only)
        base_s = time.perf_counter() - start
        start = time.perf_counter()
        cold = site.build(out, lang=args.lang, jobs=args.jobs, force=True, renderer=renderer,
                          progress=progress)
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        warm = site.build(out, lang=args.lang, jobs=args.jobs, renderer=renderer)
        warm_s = time.perf_counter() - start
        total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        pictures = sum(f.stat().st_size for f in (out / "img").glob("*") if f.is_file())

    ok_cold, ok_warm = cold_s < COLD_TARGET, warm_s < REBUILD_TARGET
    ratio = cold_s / base_s
    ok_ratio = ratio <= RATIO_TARGET
    print(f"baseline       {base_s:7.2f} s  English only, light only, drawn {base.rendered}")
    print(f"cold / base    {ratio:7.2f}    (target <= {RATIO_TARGET:g})  "
          f"{'PASS' if ok_ratio else 'FAIL'}")
    print(f"cold build     {cold_s:7.2f} s  (target < {COLD_TARGET:g} s)  "
          f"{'PASS' if ok_cold else 'FAIL'}  rendered {cold.rendered}, written {cold.written}, "
          f"failed {len(cold.failed)}")
    print(f"no-change      {warm_s:7.2f} s  (target < {REBUILD_TARGET:g} s)  "
          f"{'PASS' if ok_warm else 'FAIL'}  rendered {warm.rendered}, reused {warm.reused}, "
          f"written {warm.written}")
    print(f"output bytes   {total:,} in all ({pictures:,} in pictures, light and dark)")
    slow = sorted(((t, n) for n, t in stamps.items() if n.startswith("img/")), reverse=True)[:5]
    if slow:
        print("slowest gaps between finished pictures:",
              ", ".join(f"{n} {t:.1f} s" for t, n in slow))
    print(f"peak RSS       build process {_peak_mb(resource.RUSAGE_SELF):.0f} MB, "
          f"largest worker {_peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    for path, error in sorted(cold.failed.items()):
        print(f"FAILED {path}: {error}")
    ok = ok_cold and ok_warm and ok_ratio and not cold.failed and warm.rendered == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
