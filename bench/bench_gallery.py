"""Gallery build: both languages cold against the old English-only build, a rebuild with
nothing changed, and the bytes a reader's browser loads.

    python bench/bench_gallery.py [--jobs N] [--repeat N] [--baseline-ref REV] [--draft]
                                  [--out DIR]

The baseline, in the same process tree: the gallery as it was at ``--baseline-ref``
(default 841d290, the last raster gallery: GIF/PNG pictures and their dark twins),
checked out with ``git archive`` into a temporary folder and built there, English only,
cold; this code (the working tree, copied beside it) builds both languages cold. Both
packages are laid out as installed (templates as the package ``convviz.templates``) and
byte-compiled as pip compiles a package it installs: neither compiles its sources again
in every process, which only a source tree run with ``PYTHONDONTWRITEBYTECODE`` does.
"Cold" is about the pictures: every one is drawn. The two alternate, ``--repeat`` times
each, in ABBA order (default 5: a shared machine's speed drifts by a third within
minutes, so one pair of runs can say either), after an untimed import by each, and their
medians are compared. Each cold build runs in a child
process of its own (same imports, same pool). Then this code builds twice more with
nothing changed, in a fresh process: the first timed with that process's imports, the
second (the target) right after it, as the old benchmark timed it after its cold build.

Page bytes: a page's HTML, its style sheet and scripts, and every picture it loads in
the light scheme without reduced motion (``<img src>``; inline pictures are in the HTML).

Targets on a 2-core machine: both languages cold in no more time than the baseline's
English-only cold build; no-change rebuild < 0.3 s; page bytes < half the baseline's.
Prints PASS/FAIL per target (exit status 1 if one is missed). Without git or the
revision, the baseline is skipped and said so (the targets that need it are not judged).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE_REF = "841d290"
REBUILD_TARGET = 0.3
BYTES_RATIO_TARGET = 0.5

_CHILD = """
import json, sys, time
from convviz.site import builder
start = time.perf_counter()
report = builder.build(sys.argv[1], lang=sys.argv[2], jobs=None if sys.argv[3] == "-" else
                       int(sys.argv[3]), force=True,
                       renderer=builder.render_draft if sys.argv[4] == "draft" else None)
print(json.dumps({"seconds": time.perf_counter() - start, "rendered": report.rendered,
                  "failed": len(report.failed)}))
"""


_REBUILDS = """
import json, sys, time
start = time.perf_counter()
from convviz.site import builder
jobs = None if sys.argv[2] == "-" else int(sys.argv[2])
renderer = builder.render_draft if sys.argv[3] == "draft" else None
first = builder.build(sys.argv[1], lang="all", jobs=jobs, renderer=renderer)
first_s = time.perf_counter() - start
start = time.perf_counter()
warm = builder.build(sys.argv[1], lang="all", jobs=jobs, renderer=renderer)
print(json.dumps({"first": first_s, "first_rendered": first.rendered,
                  "seconds": time.perf_counter() - start, "rendered": warm.rendered,
                  "reused": warm.reused, "written": warm.written}))
"""


def _run_under(root: Path, code: str, *args: object) -> subprocess.CompletedProcess[str]:
    """``python -c code args`` with the package under ``root`` first on the path."""
    return subprocess.run([sys.executable, "-c", code, *map(str, args)],
                          env={**os.environ, "PYTHONPATH": str(root)}, cwd=root,
                          capture_output=True, text=True, check=False)


def _report(root: Path, what: str, code: str, *args: object) -> dict:
    """The JSON line a child running ``code`` prints last (RuntimeError if it failed)."""
    done = _run_under(root, code, *args)
    if done.returncode != 0:
        raise RuntimeError(f"{what} under {root} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _rebuilds(root: Path, out: Path, jobs: int | None, draft: bool) -> dict:
    """Two builds with nothing changed by the package under ``root``, in a fresh child
    process: the first timed with its imports, the second (the target) after it."""
    return _report(root, "rebuild", _REBUILDS, out, jobs or "-", "draft" if draft else "full")


def _warm_up(root: Path) -> None:
    """Import the package under ``root`` and what drawing needs, untimed."""
    _run_under(root, "import convviz.site.builder, matplotlib.figure, PIL.Image, "
                     "matplotlib.backends.backend_agg, matplotlib.backends.backend_svg")


def _cold(root: Path, out: Path, lang: str, jobs: int | None, draft: bool) -> dict:
    """A cold build by the package under ``root``, in a child process."""
    return _report(root, "build", _CHILD, out, lang, jobs or "-", "draft" if draft else "full")


def _old_tree(ref: str, where: Path) -> Path | None:
    """The package at ``ref`` unpacked into ``where`` as installed (None without git or
    the revision)."""
    try:
        data = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", ref,
                               "convviz", "templates"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    tar = where / "old.tar"
    tar.write_bytes(data)
    with tarfile.open(tar) as archive:
        archive.extractall(where / "old", filter="data")
    # an installed convviz holds its templates as the package convviz.templates
    (where / "old" / "templates").rename(where / "old" / "convviz" / "templates")
    return _installed(where / "old")


def _new_tree(where: Path) -> Path:
    """This working tree's package copied into ``where`` as installed."""
    root = where / "new"
    shutil.copytree(REPO / "convviz", root / "convviz",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "templates", root / "convviz" / "templates")
    return _installed(root)


def _installed(root: Path) -> Path:
    """``root`` with its package byte-compiled, as pip compiles a package it installs."""
    if not compileall.compile_dir(str(root / "convviz"), quiet=2, force=True):
        raise RuntimeError(f"could not byte-compile the package under {root}")
    return root


def page_bytes(out: Path) -> dict[str, tuple[int, int, int]]:
    """page -> (total bytes, HTML bytes, picture bytes) loaded in the light scheme."""
    result = {}
    for page in sorted(out.glob("**/index.html")):
        html = page.read_text("utf-8")
        refs = set(re.findall(r'<img[^>]* src="([^"]+)"', html))
        assets = set(re.findall(r'<link[^>]* href="([^"]+\.css)"', html))
        assets |= set(re.findall(r'<script[^>]* src="([^"]+)"', html))
        pictures = sum((page.parent / r).stat().st_size for r in refs)
        other = sum((page.parent / r).stat().st_size for r in assets)
        size = page.stat().st_size
        result[str(page.relative_to(out))] = (size + pictures + other, size, pictures)
    return result


def _median(runs: list[dict]) -> dict | None:
    """The run of median time (the upper one of an even count); None without runs."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2] if runs else None


def _runs(runs: list[dict]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5,
                        help="cold builds of each, alternating; their medians are compared")
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--draft", action="store_true", help="one frame per drawn animation")
    parser.add_argument("--out", type=Path, default=None, help="keep the new site here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="convviz-bench-") as tmp_name:
        tmp = Path(tmp_name)
        old_root = _old_tree(args.baseline_ref, tmp)
        new_root = _new_tree(tmp)
        bases: list[dict] = []
        colds: list[dict] = []
        out = args.out or tmp / "site"
        runs: list[tuple[list[dict], Path, Path, str]] = [(colds, new_root, out, "all")]
        if old_root is not None:
            runs.insert(0, (bases, old_root, tmp / "baseline", "en"))
        for tree in (old_root, new_root):  # untimed: the files both read are in the page cache
            if tree is not None:
                _warm_up(tree)
        for n in range(max(1, args.repeat)):
            # in turn, ABBA: a drift of the machine's speed favours neither
            for times, root, site, lang in (runs if n % 2 == 0 else runs[::-1]):
                times.append(_cold(root, site, lang, args.jobs, args.draft))
        base_bytes = page_bytes(tmp / "baseline")["index.html"] if bases else None
        base = _median(bases)
        cold = _median(colds)
        assert cold is not None  # (at least one run)
        warm = _rebuilds(new_root, out, args.jobs, args.draft)
        pages = page_bytes(out)

    first_s, warm_s = warm["first"], warm["seconds"]
    ok = all(c["failed"] == 0 for c in colds) and warm["rendered"] == 0
    if base is not None:
        print(f"baseline       {base['seconds']:7.2f} s  {args.baseline_ref}, English only, "
              f"cold, drew {base['rendered']} pictures (median of {_runs(bases)})")
    else:
        print(f"baseline       skipped: no git revision {args.baseline_ref!r} here")
    verdict = ""
    if base is not None:
        ok_cold = cold["seconds"] <= base["seconds"]
        ok &= ok_cold
        verdict = (f"  (target <= baseline {base['seconds']:.2f} s)  "
                   f"{'PASS' if ok_cold else 'FAIL'}")
    print(f"cold, en + zh  {cold['seconds']:7.2f} s  drew {cold['rendered']}, "
          f"failed {cold['failed']}{verdict}  (median of {_runs(colds)})")
    ok_warm = warm_s < REBUILD_TARGET
    ok &= ok_warm
    print(f"no-change      {first_s:7.2f} s  the first in a fresh process, with its imports "
          f"(drew {warm['first_rendered']})")
    print(f"no-change      {warm_s:7.2f} s  (target < {REBUILD_TARGET:g} s)  "
          f"{'PASS' if ok_warm else 'FAIL'}  rendered {warm['rendered']}, reused "
          f"{warm['reused']}, written {warm['written']}")
    for page, (total, html, pictures) in pages.items():
        line = (f"page bytes     {total:,} {page} (HTML {html:,}, pictures {pictures:,}, "
                "light scheme)")
        if base_bytes is not None:
            ratio = total / base_bytes[0]
            ok_bytes = ratio < BYTES_RATIO_TARGET
            ok &= ok_bytes
            line += (f"  {ratio:.2f} of the baseline's {base_bytes[0]:,} "
                     f"(target < {BYTES_RATIO_TARGET:g})  {'PASS' if ok_bytes else 'FAIL'}")
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
