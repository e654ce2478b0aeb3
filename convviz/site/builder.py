"""The gallery: a self-contained static site built from the presets and diagrams.

A pipeline in four steps::

    gather      presets, diagrams, the engine's numbers  → SiteModel + ImageJobs
    render      only the pictures whose inputs changed   → img/*.gif, img/*.png
    template    Jinja2 (autoescape on, StrictUndefined)  → index.html
    write       every file atomically, only if its bytes changed

What a picture depends on (its preset's spec and options, the animate()
options, the convviz version and the source of the drawing modules) is hashed
into a manifest kept in the output directory (``.convviz-manifest.json``); a
rebuild renders only pictures whose hash changed or whose file is gone.
Pictures are rendered in parallel (``jobs`` processes). The library never
prints: progress goes to the ``progress(done, total, name)`` callback.

>>> from convviz.site.builder import build
>>> report = build("output", lang="en")           # doctest: +SKIP
>>> report.rendered, report.reused, report.written  # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import importlib
import importlib.resources
import importlib.util
import io
import json
import logging
import math
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convviz.errors import OutputError, SpecError
from convviz.site.models import ImageJob, SiteModel, collect

__all__ = ["MANIFEST_NAME", "PAGE_FILES", "BuildReport", "build", "render_draft", "render_pages", "render_picture"]

log = logging.getLogger(__name__)

MANIFEST_NAME = ".convviz-manifest.json"
#: template name -> output file, rendered with the view model
PAGE_FILES = {"index.html": "index.html"}
#: static assets copied from the templates directory
ASSET_FILES = {"style.css": "assets/style.css", "gallery.js": "assets/gallery.js"}
#: the gallery's picture theme (classic look plus input/output labels)
THEME = "default"
#: modules whose source decides what a picture looks like (hashed into every key)
DRAWING_MODULES = ("animation", "render", "flat", "scene", "themes", "writers", "diagrams")

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


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory + os.replace."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise OutputError(f"cannot create directory {path.parent}: a file is in the way") from exc
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    _atomic_write(path, data)
    return True


def _read_manifest(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# -------------------------------------------------------------------------------------------
# what pictures depend on


def _code_digest() -> str:
    """Hash of the drawing modules' source: a change there re-renders every picture."""
    h = hashlib.sha256()
    for name in DRAWING_MODULES:
        spec = importlib.util.find_spec(f"convviz.{name}")
        if spec is None or not spec.origin:
            continue
        paths = [Path(spec.origin)]
        if spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                paths = sorted(Path(location).glob("*.py"))
        for path in paths:
            try:
                h.update(path.name.encode() + b"\0" + path.read_bytes())
            except OSError:
                pass
    return h.hexdigest()


def _renderer_name(renderer: Renderer) -> str:
    return f"{getattr(renderer, '__module__', '')}.{getattr(renderer, '__qualname__', repr(renderer))}"


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


# -------------------------------------------------------------------------------------------
# drawing one picture (runs in worker processes)


@functools.lru_cache(maxsize=2)
def _animation(source: str, options: tuple[tuple[str, Any], ...]) -> Any:
    """The Animation of one picture group: its GIF and its still share the drawn frames."""
    from convviz.animation import animate

    return animate(source, theme=THEME, **dict(options))


def render_picture(job: ImageJob) -> bytes:
    """The encoded file (GIF, or PNG still) of one picture, via convviz.animate."""
    anim = _animation(job.source, job.options)
    if job.still is None:
        return anim.to_gif_bytes()
    return anim.to_png_bytes()  # the animation's representative frame


def render_draft(job: ImageJob) -> bytes:
    """Like :func:`render_picture` but every GIF holds only the representative frame.

    A draft gallery draws one frame per picture with the real renderers: a fast
    preview of the layout (and what the tests build).
    """
    from convviz.encode.writers import write_gif

    anim = _animation(job.source, job.options)
    if job.still is not None:
        return anim.to_png_bytes()
    data = write_gif([anim.frame(anim.representative_frame)], None, anim.duration_ms)
    assert data is not None
    return data


def _cost(job: ImageJob, presets: Mapping[str, Any]) -> int:
    """Rough drawing cost (frames) to start the longest pictures first."""
    if job.still is not None:
        return 1
    preset = presets.get(job.source)
    if preset is None:
        return 10_000  # diagrams: big figures
    spec = preset.spec
    return spec.frame_count if job.kwargs.get("view") != "scatter" else 2 * math.prod(spec.input_size)


def _run(renderer: Renderer, job: ImageJob) -> tuple[str, bytes | None, str]:
    try:
        return job.path, renderer(job), ""
    except Exception as exc:  # noqa: BLE001 - reported in BuildReport.failed, card left out
        return job.path, None, f"{type(exc).__name__}: {exc}"


def _run_group(renderer: Renderer, group: list[ImageJob]) -> list[tuple[str, bytes | None, str]]:
    """The pictures of one source and options, in one process (they share the drawing)."""
    return [_run(renderer, job) for job in group]


def _groups(todo: list[ImageJob], presets: Mapping[str, Any]) -> list[list[ImageJob]]:
    """Jobs grouped by (source, options), the costliest group first."""
    groups: dict[tuple[str, Any], list[ImageJob]] = {}
    for job in sorted(todo, key=lambda j: j.path):
        groups.setdefault((job.source, job.options), []).append(job)
    return sorted(groups.values(),
                  key=lambda g: (-sum(_cost(j, presets) for j in g), g[0].path))


def _image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return im.size


# -------------------------------------------------------------------------------------------
# templates


def _environment(templates: str | os.PathLike[str] | None):
    import jinja2

    loaders: list[Any] = []
    if templates is not None:
        tdir = Path(templates)
        if not tdir.is_dir():
            raise SpecError(f"templates={str(templates)!r} is not a directory of templates")
        loaders.append(jinja2.FileSystemLoader(str(tdir)))
    packaged = importlib.resources.files("convviz.templates")
    loaders.append(jinja2.FileSystemLoader(str(packaged)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def render_pages(model: SiteModel, templates: str | os.PathLike[str] | None = None
                 ) -> dict[str, bytes]:
    """Output path -> bytes of every page and asset, from the view model."""
    env = _environment(templates)
    files: dict[str, bytes] = {}
    for name, target in PAGE_FILES.items():
        html = env.get_template(name).render(site=model, t=model.text)
        files[target] = html.encode("utf-8")
    for name, target in ASSET_FILES.items():
        source, _, _ = env.loader.get_source(env, name)
        files[target] = source.encode("utf-8")
    return files


# -------------------------------------------------------------------------------------------
# the build


def build(
    out_dir: str | os.PathLike[str] = "output",
    *,
    lang: str = "en",
    templates: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int, str], Any] | None = None,
    force: bool = False,
    renderer: Renderer | None = None,
) -> BuildReport:
    """Build the gallery into ``out_dir`` and return a :class:`BuildReport`.

    ``lang``: ``"en"`` or ``"zh"``; ``templates``: a directory whose files
    override the packaged templates (``index.html``, ``style.css``,
    ``gallery.js``, ``_macros.html``); ``jobs``: worker processes for the
    pictures (default: the CPU count); ``progress(done, total, name)`` is
    called after every picture and page; ``force`` re-renders every picture;
    ``renderer(job) -> bytes`` replaces :func:`render_picture` (it must be
    picklable when ``jobs`` > 1).
    """
    start = time.perf_counter()
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise SpecError(f"jobs must be a whole number >= 1 or None, got {jobs!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"out_dir {str(out)!r} exists and is not a directory")
    custom = renderer is not None
    renderer = renderer or render_picture
    from convviz import __version__

    # 1. gather: the view model and the pictures it needs
    presets, diagrams, available, identities = _sources(custom)
    gather: dict[str, Any] = dict(presets=presets, diagrams=diagrams, available=available,
                  identities=identities, version=__version__)
    _, wanted = collect(lang, **gather)
    _environment(templates)  # fail early on a bad templates directory

    # 2. render what changed
    code = _code_digest()
    old = _read_manifest(out)
    old_pictures = old.get("pictures", {}) if isinstance(old.get("pictures"), dict) else {}
    rname = _renderer_name(renderer)
    keys = {path: _job_key(job, __version__, code, rname) for path, job in wanted.items()}
    todo = [job for path, job in sorted(wanted.items())
            if force or old_pictures.get(path, {}).get("key") != keys[path]
            or not (out / path).is_file()]
    reused = [path for path in sorted(wanted) if path not in {j.path for j in todo}]
    total = len(wanted) + len(PAGE_FILES) + len(ASSET_FILES)
    done = 0

    def tick(name: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, name)

    sizes: dict[str, tuple[int, int]] = {}
    manifest: dict[str, Any] = {}
    for path in reused:
        entry = old_pictures[path]
        sizes[path] = tuple(entry.get("size", (0, 0)))  # type: ignore[assignment]
        manifest[path] = entry
        tick(path)
    failed: dict[str, str] = {}
    written = 0

    def store(path: str, data: bytes | None, error: str) -> None:
        nonlocal written
        if data is None:
            failed[path] = error
            log.warning("picture %s failed: %s", path, error)
        else:
            _atomic_write(out / path, data)
            written += 1
            size = _image_size(data)
            sizes[path] = size
            manifest[path] = {"key": keys[path], "size": list(size)}
        tick(path)

    groups = _groups(todo, presets)
    workers = min(jobs or os.cpu_count() or 1, len(groups))
    if workers <= 1:
        for group in groups:
            for result in _run_group(renderer, group):
                store(*result)
    else:
        # spawn, not fork: the caller may hold threads (a notebook, torch) that fork breaks
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            # costliest first keeps every worker busy to the end
            futures = [pool.submit(_run_group, renderer, group) for group in groups]
            for future in concurrent.futures.as_completed(futures):
                for result in future.result():
                    store(*result)

    # pictures of the previous build that this one no longer shows
    for path in sorted(set(old_pictures) - set(wanted)):
        stale = out / path
        if path.startswith("img/") and stale.is_file():
            stale.unlink()
            log.info("removed %s (no longer in the gallery)", path)

    # 3. the final view model (failed pictures leave their cards out) and the pages
    model, _ = collect(lang, failed=failed, sizes=sizes, **gather)
    files = render_pages(model, templates)
    for target, data in sorted(files.items()):
        if _write_if_changed(out / target, data):
            written += 1
        tick(target)
    manifest_bytes = json.dumps({"version": __version__, "pictures": dict(sorted(manifest.items()))},
                                indent=1, sort_keys=True).encode()
    _write_if_changed(out / MANIFEST_NAME, manifest_bytes)
    return BuildReport(
        out_dir=out, rendered=len(todo) - len(failed), reused=len(reused), written=written,
        elapsed=time.perf_counter() - start, pages=tuple(sorted(files)),
        omitted=model.omitted, failed=failed,
    )
