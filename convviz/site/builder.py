"""The gallery: a self-contained static site built from the presets and diagrams.

A pipeline in four steps::

    gather      presets, diagrams, the engine's numbers  → SiteModel + ImageJobs
    render      only the pictures whose inputs changed   → img/*.svg (+ .gif, .png downloads)
    template    Jinja2 (autoescape on, StrictUndefined)  → index.html
    write       every file atomically, only if its bytes changed

What a picture depends on (its preset's spec and options, the animate()
options, the convviz version and the source of every module and template of
the package) is hashed into a manifest kept in the output directory
(``.convviz-manifest.json``, see :mod:`convviz.site.manifest`); a rebuild
renders only pictures whose hash changed or whose file is not exactly the one
written. The templates are compiled before any picture is drawn. The build
writes only inside the output directory: its pictures, pages, assets and
manifest, each atomically with the user's umask; it removes only pictures of
its ``img/`` folder it no longer shows and temporary files of its own.
Pictures are rendered in parallel (``jobs`` processes). The library never
prints: progress goes to the ``progress(done, total, name)`` callback.

>>> from convviz.site.builder import build
>>> report = build("output", lang="en")           # doctest: +SKIP
>>> report.rendered, report.reused, report.written  # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import importlib
import importlib.resources
import importlib.util
import json
import logging
import math
import multiprocessing
import os
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convviz.encode.atomic import atomic_write
from convviz.errors import OutputError, SpecError
from convviz.site import assets, templating
from convviz.site.manifest import (
    MANIFEST_NAME,
    PICTURE_DIR,
    Entry,
    inside,
    manifest_bytes,
    picture_size,
    read_manifest,
    reusable,
    sweep,
)
from convviz.site.models import LIGHT_THEME, ImageJob, Link, SiteModel
from convviz.site.pictures import (
    inline_pictures,
    render_draft,
    render_picture,
    takes_lang,
    warm,
    with_text,
)
from convviz.site.sections import collect
from convviz.workers import busy, lifeline_pool

__all__ = [
    "ASSET_FILES", "LANG_PAGES", "MANIFEST_NAME", "BuildReport", "build", "render_draft",
    "render_pages", "render_picture",
]

log = logging.getLogger(__name__)

#: static assets copied from the templates directory (the playground page is static too)
ASSET_FILES = {"style.css": "assets/style.css", "gallery.js": "assets/gallery.js",
               "convviz.js": "assets/convviz.js", "convviz-code.js": "assets/convviz-code.js",
               "convviz-draw.js": "assets/convviz-draw.js",
               "convviz-svg.js": "assets/convviz-svg.js",
               "convviz-hover.js": "assets/convviz-hover.js",
               "playground.html": "playground.html"}
#: the theme the gallery's pictures are drawn in (an SVG turns dark with the page)
THEME = f"{LIGHT_THEME}+svg"
#: the languages a build of ``lang="all"`` writes: language -> its page
LANG_PAGES = {"en": "index.html", "zh": "zh/index.html"}
#: file suffixes of the package's sources hashed into every picture's key
SOURCE_SUFFIXES = (".py", ".html", ".css", ".js")

Renderer = Callable[[ImageJob], bytes]


@dataclass(frozen=True)
class BuildReport:
    """What a build did.

    ``rendered``: pictures drawn this time; ``reused``: pictures kept from the
    previous build (their inputs did not change); ``written``: files written
    (pictures, pages, assets — an unchanged page is not rewritten);
    ``omitted``: cards left out because their pictures are not available;
    ``failed``: picture path -> error message for pictures that failed.
    """

    out_dir: Path
    rendered: int
    reused: int
    written: int
    elapsed: float
    pages: tuple[str, ...] = ()
    omitted: tuple[str, ...] = ()
    failed: Mapping[str, str] = field(default_factory=dict)

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"


# -------------------------------------------------------------------------------------------
# files


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temp file beside it, then a rename)."""
    with atomic_write(path) as handle:
        handle.write(data)


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless ``path`` is a regular file holding exactly these bytes."""
    try:
        info = path.lstat()
        if (stat.S_ISREG(info.st_mode) and info.st_size == len(data)
                and path.read_bytes() == data):
            return False
    except OSError:
        pass
    _write(path, data)
    return True


# -------------------------------------------------------------------------------------------
# what pictures depend on


def _source_files() -> list[tuple[str, Path]]:
    """(name, path) of every module of the package and every packaged template, sorted."""
    import convviz

    roots = [("convviz", Path(convviz.__file__).parent),
             ("templates", Path(str(importlib.resources.files("convviz.templates"))))]
    files: list[tuple[str, Path]] = []
    for label, root in roots:
        for path in root.rglob("*"):
            rel = path.relative_to(root)
            if (path.suffix in SOURCE_SUFFIXES and "__pycache__" not in rel.parts
                    and path.is_file()):
                files.append((f"{label}/{rel.as_posix()}", path))
    return sorted(files)


def _read_source(path: Path) -> bytes:
    return path.read_bytes()


def _code_digest() -> str:
    """Hash of the package's sources: a change to any module re-renders every picture."""
    h = hashlib.sha256()
    for name, path in _source_files():
        data = _read_source(path)
        h.update(f"{name}\0{len(data)}\0".encode() + data)
    return h.hexdigest()


def _renderer_name(renderer: Renderer) -> str:
    module = getattr(renderer, "__module__", "")
    return f"{module}.{getattr(renderer, '__qualname__', repr(renderer))}"


def _job_key(job: ImageJob, version: str, code: str, renderer: str) -> str:
    payload = json.dumps(
        {"path": job.path, "source": job.source, "options": job.options, "still": job.still,
         "identity": job.identity, "theme": THEME, "version": version, "code": code,
         "renderer": renderer},
        sort_keys=True, default=repr,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _sources(custom_renderer: bool = False
             ) -> tuple[dict[str, Any], dict[str, Any], Callable[[str], bool], dict[str, str]]:
    """presets, diagrams, available(name), identities: everything the pictures come from.

    With the default renderer a picture is available once convviz.animation
    exists; a custom renderer is trusted to draw every preset and diagram.
    """
    from convviz import presets as presets_module

    presets = dict(presets_module.PRESETS)
    try:
        diagrams_module = importlib.import_module("convviz.draw.diagrams")
        diagrams = dict(getattr(diagrams_module, "DIAGRAM_PRESETS", {}))
    except Exception as exc:  # noqa: BLE001 - a broken diagram module must not stop the site
        log.warning("diagrams unavailable: %s", exc)
        diagrams = {}
    has_animate = custom_renderer or importlib.util.find_spec("convviz.animation") is not None
    identities = {name: f"preset:{p.spec!r}:{sorted(dict(p.options).items())!r}"
                  for name, p in presets.items()}
    for name, d in diagrams.items():
        identities.setdefault(name, f"diagram:{name}:{getattr(d, 'family', '')}")

    def available(name: str) -> bool:
        return has_animate and (name in presets or name in diagrams)

    return presets, diagrams, available, identities


def _cost(job: ImageJob, presets: Mapping[str, Any]) -> int:
    """Rough drawing cost (frames) to start the longest pictures first."""
    if job.still is not None:
        return 1
    preset = presets.get(job.source)
    if preset is None:
        return 10_000  # diagrams: big figures
    spec = preset.spec
    if job.kwargs.get("view") == "scatter":
        return 2 * math.prod(spec.input_size)
    return spec.frame_count


def _run(renderer: Renderer, job: ImageJob) -> tuple[str, bytes | None, str]:
    try:
        return job.path, renderer(job), ""
    except Exception as exc:  # noqa: BLE001 - reported in BuildReport.failed, card left out
        return job.path, None, f"{type(exc).__name__}: {exc}"


def _run_group(renderer: Renderer, group: list[ImageJob]) -> list[tuple[str, bytes | None, str]]:
    """The pictures of one source and options, in one process (they share the drawing).

    A group is one animation: its SVG, its still, its GIF and PNG downloads.
    """
    # the SVGs first: the GIF takes the frames the animated SVG drew (convviz.site.pictures)
    ordered = sorted(group, key=lambda job: not job.path.endswith(".svg"))
    with busy():  # a worker whose parent is gone interrupts this (convviz.workers)
        return [_run(renderer, job) for job in ordered]


def _groups(todo: list[ImageJob], presets: Mapping[str, Any]) -> list[list[ImageJob]]:
    """Jobs grouped by (source, options), the costliest group first."""
    groups: dict[tuple[str, Any], list[ImageJob]] = {}
    for job in sorted(todo, key=lambda j: j.path):
        groups.setdefault((job.source, job.options), []).append(job)
    return sorted(groups.values(),
                  key=lambda g: (-sum(_cost(j, presets) for j in g), g[0].path))


# -------------------------------------------------------------------------------------------
# templates


def _environment(templates: str | os.PathLike[str] | None) -> Any:
    """The gallery's Jinja2 environment with every template compiled (TemplateError if not)."""
    env = templating.environment(templates)
    templating.check(env)
    return env


def _render_page(model: SiteModel, env: Any) -> bytes:
    return templating.render(env, "index.html", site=model, t=model.text).encode("utf-8")


def _assets(env: Any) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name, target in ASSET_FILES.items():
        source, _, _ = env.loader.get_source(env, name)
        files[target] = assets.shipped(name, source)  # scripts compacted
    return files


def _render_pages(model: SiteModel, env: Any) -> dict[str, bytes]:
    return {"index.html": _render_page(model, env), **_assets(env)}


def _pages(lang: str) -> list[tuple[str, str, str, tuple[Link, ...]]]:
    """(language, page path, root, links to the other languages) of what ``lang`` builds."""
    if lang != "all":
        return [(lang, "index.html", "", ())]
    from convviz.site.text import TEXT

    pages = []
    for code, page in LANG_PAGES.items():
        root = "../" * page.count("/")
        links = tuple(Link(root + other, TEXT[o]["lang_name"], TEXT[o]["html_lang"])
                      for o, other in LANG_PAGES.items() if o != code)
        pages.append((code, page, root, links))
    return pages


def render_pages(model: SiteModel, templates: str | os.PathLike[str] | None = None
                 ) -> dict[str, bytes]:
    """Output path -> bytes of every page and asset, from the view model.

    A template that cannot be compiled or rendered raises
    :class:`~convviz.site.templating.TemplateError` (``file:line: …``).
    """
    return _render_pages(model, _environment(templates))


# -------------------------------------------------------------------------------------------
# the build


def _check_places(out: Path) -> None:
    """OutputError, before anything is drawn, if a file of the gallery cannot go where it goes.

    ``img/``, ``assets/`` and ``zh/`` must be folders inside ``out`` (not links);
    pages, assets and the manifest must not be folders.
    """
    img = out / PICTURE_DIR
    if os.path.lexists(img) and (img.is_symlink() or not img.is_dir()
                                 or not inside(out.resolve(), img)):
        raise OutputError(f"{str(img)!r} is not a folder inside {str(out)!r} (a link or a file "
                          "is in the way); the gallery writes its pictures only there")
    files = (*LANG_PAGES.values(), *ASSET_FILES.values(), MANIFEST_NAME)
    for folder in sorted({rel.rpartition("/")[0] for rel in files} - {""}):
        where = out / folder
        if os.path.lexists(where) and (where.is_symlink() or not where.is_dir()):
            raise OutputError(f"{str(where)!r} is not a folder inside {str(out)!r} (a link or "
                              "a file is in the way); the gallery writes its pages only there")
    for rel in files:
        if (out / rel).is_dir():
            raise OutputError(f"cannot write {str(out / rel)!r}: it is a directory")


def build(
    out_dir: str | os.PathLike[str] = "output",
    *,
    lang: str = "all",
    templates: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int, str], Any] | None = None,
    force: bool = False,
    renderer: Renderer | None = None,
) -> BuildReport:
    """Build the gallery into ``out_dir`` and return a :class:`BuildReport`.

    ``lang``: ``"all"`` (English in ``index.html``, Chinese in
    ``zh/index.html``, one set of pictures in ``img/`` for both), ``"en"`` or
    ``"zh"`` (that language alone, in ``index.html``); ``templates``: a directory whose files
    override the packaged templates (``index.html``, ``style.css``,
    ``gallery.js``, ``_macros.html``); ``jobs``: worker processes for the
    pictures (default: the CPU count); ``progress(done, total, name)`` is
    called after every picture and page; ``force`` re-renders every picture;
    ``renderer(job) -> bytes`` replaces :func:`render_picture` (it must be
    picklable when ``jobs`` > 1, and return an SVG, GIF or PNG as the path says).

    ``img/`` belongs to the gallery: a ``<name>.svg``, ``.gif`` or ``.png`` there
    that the gallery does not show is removed. Nothing outside ``out_dir`` is
    written or removed.
    """
    start, started = time.perf_counter(), time.time()
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise SpecError(f"jobs must be a whole number >= 1 or None, got {jobs!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"out_dir {str(out)!r} exists and is not a directory")
    _check_places(out)
    if lang != "all" and lang not in LANG_PAGES:
        raise SpecError(f"lang must be one of all, {', '.join(LANG_PAGES)}, got {lang!r}")
    custom = renderer is not None
    renderer = renderer or render_picture
    with contextlib.ExitStack() as stack:
        # a cold build (forced, or no manifest yet) draws every picture: its workers start
        # now, their imports overlapping the gathering
        early = None
        want = jobs or os.cpu_count() or 1
        if want > 1 and (force or not (out / MANIFEST_NAME).exists()):
            early = stack.enter_context(lifeline_pool(want,
                                                      multiprocessing.get_context("spawn")))
            for _ in range(want):
                early[0].submit(warm)
        try:
            return _build(out, lang, templates, jobs, progress, force, renderer, custom, start,
                          started, early)
        except BaseException:
            if early is not None:
                early[1]()  # the workers stop now (a template error, an interrupt)
            raise


def _build(out: Path, lang: str, templates: str | os.PathLike[str] | None, jobs: int | None,
           progress: Callable[[int, int, str], Any] | None, force: bool, renderer: Renderer,
           custom: bool, start: float, started: float, early: tuple[Any, Any] | None
           ) -> BuildReport:
    """:func:`build` once its arguments are checked (``early``: a pool already started)."""
    from convviz import __version__

    # 1. gather: the view models and the pictures they need; every template compiled (and,
    #    below, the pages rendered once if anything is to be drawn), so a template error
    #    stops the build before any drawing
    presets, diagrams, available, identities = _sources(custom)
    gather: dict[str, Any] = dict(presets=presets, diagrams=diagrams, available=available,
                                  identities=identities, version=__version__,
                                  takes_lang=takes_lang(renderer not in (render_picture,
                                                                          render_draft)))
    pages = _pages(lang)
    env = _environment(templates)
    wanted: dict[str, ImageJob] = {}
    drafts: list[SiteModel] = []
    for code, _, root, links in pages:
        draft_model, jobs_of = collect(code, root=root, languages=links, **gather)
        wanted.update(jobs_of)
        drafts.append(draft_model)

    # 2. render what changed: a picture is reused only if its key is unchanged and its file
    #    is exactly the one written (length, hash, readable header)
    code = _code_digest()
    old = {} if force else read_manifest(out)
    rname = _renderer_name(renderer)
    keys = {path: _job_key(job, __version__, code, rname) for path, job in wanted.items()}
    sizes: dict[str, tuple[int, int, int]] = {}
    manifest: dict[str, Entry] = {}
    for path in sorted(wanted):
        entry = old.get(path)
        size = reusable(out, path, entry) if entry is not None and entry.key == keys[path] else None
        if size is not None and entry is not None:
            sizes[path], manifest[path] = with_text(size, out / path), entry
    todo = [job for path, job in sorted(wanted.items()) if path not in manifest]
    if todo:  # a template error must stop the build before anything is drawn
        for draft_model in drafts:
            _render_page(draft_model, env)
    reused = sorted(manifest)
    total = len(wanted) + len(pages) + len(ASSET_FILES)
    done = 0

    def tick(name: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, name)

    for path in reused:
        tick(path)
    failed: dict[str, str] = {}
    written = 0

    def store(path: str, data: bytes | None, error: str) -> None:
        nonlocal written
        size = picture_size(data, path) if isinstance(data, bytes) else None
        if data is not None and size is None:
            error = f"the renderer returned no {path.rpartition('.')[2].upper()} picture"
        if size is None or not isinstance(data, bytes):
            failed[path] = error
            log.warning("picture %s failed: %s", path, error)
        else:
            _write(out / path, data)
            written += 1
            sizes[path] = with_text(size, data)
            manifest[path] = Entry.of(keys[path], data)
        tick(path)

    groups = _groups(todo, presets)
    workers = min(jobs or os.cpu_count() or 1, len(groups))
    if workers <= 1 and (early is None or not groups):
        for group in groups:
            for result in _run_group(renderer, group):
                store(*result)
    else:
        # spawn, not fork: the caller may hold threads (a notebook, torch) that fork breaks;
        # the workers die with this process however it ends (convviz.workers)
        with contextlib.ExitStack() as stack:
            pool, cut = early or stack.enter_context(
                lifeline_pool(workers, multiprocessing.get_context("spawn")))
            try:
                # costliest first keeps every worker busy to the end
                futures = [pool.submit(_run_group, renderer, group) for group in groups]
                for future in concurrent.futures.as_completed(futures):
                    for result in future.result():
                        store(*result)
            except BaseException:
                cut()  # stop the drawing in the workers now (their temporary files removed)
                raise

    # pictures this build no longer shows, temporary files of interrupted builds
    sweep(out, wanted, [*LANG_PAGES.values(), *ASSET_FILES.values(), MANIFEST_NAME], started)

    # 3. the final view models (failed pictures leave their cards out) and the pages
    files = _assets(env)
    omitted: list[str] = []
    inline, css = inline_pictures(out, [p for p in sorted(sizes) if p.endswith(".svg")])
    for code, page, root, links in pages:
        model, _ = collect(code, failed=failed, sizes=sizes, root=root, languages=links,
                           inline=inline, picture_css=css, **gather)
        files[page] = _render_page(model, env)
        omitted += model.omitted
    for target, data in sorted(files.items()):
        if _write_if_changed(out / target, data):
            written += 1
        tick(target)
    _write_if_changed(out / MANIFEST_NAME, manifest_bytes(__version__, manifest))
    return BuildReport(
        out_dir=out, rendered=len(todo) - len(failed), reused=len(reused), written=written,
        elapsed=time.perf_counter() - start, pages=tuple(sorted(files)),
        omitted=tuple(dict.fromkeys(omitted)), failed=failed,
    )
