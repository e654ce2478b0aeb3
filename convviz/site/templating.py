"""The gallery's Jinja2 environment: templates that stay in their folders, errors that say where.

Templates come from the user's ``templates`` folder (if given), then the
packaged ones. A template name is a relative path inside those folders:
``..``, absolute names and files that resolve (through links) outside their
folder are refused with a :class:`TemplateError` naming the template. Every
``.html`` template is compiled by :func:`check` before anything is drawn, and
every error — syntax, a missing or refused include, a typo found while
rendering — is a :class:`TemplateError` whose message starts with
``file:line:``.
"""

from __future__ import annotations

import importlib.resources
import os
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from convviz.errors import SpecError, TemplateError

__all__ = ["TemplateError", "check", "environment", "render"]

#: nodes of a template that name another template
_REFERENCES = ("Extends", "Include", "Import", "FromImport")


def _parts(name: str) -> list[str]:
    """The path segments of template ``name``; TemplateError if it could leave its folder."""
    if (not isinstance(name, str) or not name or "\0" in name or "\\" in name
            or name.startswith("/") or os.path.isabs(name)):
        raise TemplateError(f"template name {name!r} is not a relative path inside the "
                            "template folders")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise TemplateError(f"template name {name!r} leaves the template folders "
                            "('..' is not allowed)")
    return parts


def _loader_class() -> type:
    import jinja2

    class FolderLoader(jinja2.BaseLoader):
        """Templates from a list of folders; nothing outside them is ever read."""

        def __init__(self, folders: list[Path]) -> None:
            self.folders = folders
            self.roots = [folder.resolve() for folder in folders]
            self.files: set[str] = set()  # file names served (to find them in tracebacks)

        def get_source(self, environment: Any, template: str
                       ) -> tuple[str, str, Callable[[], bool]]:
            parts = _parts(template)
            for folder, root in zip(self.folders, self.roots):
                path = folder.joinpath(*parts)
                if not path.is_file():
                    continue
                if not path.resolve().is_relative_to(root):
                    raise TemplateError(f"{path}: template {template!r} resolves outside its "
                                        f"folder {str(folder)!r}")
                try:
                    info = path.stat()
                    source = path.read_text("utf-8")
                except UnicodeDecodeError as exc:
                    raise TemplateError(f"{path}: not UTF-8 text ({exc.reason})") from exc
                except OSError as exc:
                    raise TemplateError(f"{path}: cannot read ({exc.strerror or exc})") from exc
                self.files.add(str(path))

                def uptodate(path: Path = path, seen: tuple[int, int] = (info.st_mtime_ns,
                                                                        info.st_size)) -> bool:
                    try:
                        now = path.stat()
                    except OSError:
                        return False
                    return (now.st_mtime_ns, now.st_size) == seen

                return source, str(path), uptodate
            raise jinja2.TemplateNotFound(template)

        def list_templates(self) -> list[str]:
            return sorted({(Path(where).relative_to(folder) / name).as_posix()
                           for folder in self.folders
                           for where, name in _template_files(folder)})

    return FolderLoader


#: the environment of each list of template folders, kept for the next build in this
#: process (Jinja2 loads a template again when its file changes)
_ENVIRONMENTS: dict[tuple[str, ...], Any] = {}


def environment(templates: str | os.PathLike[str] | None) -> Any:
    """The Jinja2 environment of the gallery (autoescape, StrictUndefined): one per list of
    template folders in a process, so a rebuild does not compile unchanged templates again."""
    import jinja2

    folders: list[Path] = []
    if templates is not None:
        folder = Path(templates)
        if not folder.is_dir():
            raise SpecError(f"templates={str(templates)!r} is not a directory of templates")
        folders.append(folder)
    folders.append(Path(str(importlib.resources.files("convviz.templates"))))
    key = tuple(str(folder.resolve()) for folder in folders)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = _ENVIRONMENTS[key] = jinja2.Environment(
            loader=_loader_class()(folders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return env


def _literal_names(node: Any) -> Iterator[str]:
    """The template names a reference node spells out (a string or a list of strings)."""
    from jinja2 import nodes

    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, (nodes.List, nodes.Tuple)):
        for item in node.items:
            yield from _literal_names(item)


def _located(exc: BaseException, filename: str | None, lineno: int | None) -> TemplateError:
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, TemplateError):
        message = str(exc)
    where = f"{filename}:{lineno}" if lineno else str(filename)
    return TemplateError(f"{where}: {message}")


def _template_files(folder: Path) -> Iterator[tuple[str, str]]:
    """(directory, file name) of every file in a template folder, in order."""
    # os.walk does not follow links to folders (no loops, nothing outside)
    for where, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            yield where, name


def _state(env: Any) -> tuple[Any, ...]:
    """Every template file the environment's folders hold, with its size and time."""
    state = []
    for folder in env.loader.folders:
        for where, name in _template_files(folder):
            try:
                info = os.stat(os.path.join(where, name))
            except OSError:
                continue
            state.append((where, name, info.st_size, info.st_mtime_ns))
    return tuple(state)


def check(env: Any) -> None:
    """Compile every ``.html`` template and resolve every literal include/import/extends
    (again only if a template file changed since the last check of ``env``).

    TemplateError ``file:line: …`` on the first problem.
    """
    state = _state(env)
    if getattr(env, "_convviz_checked", None) == state:
        return
    _check(env)
    env._convviz_checked = state


def _check(env: Any) -> None:
    import jinja2
    from jinja2 import nodes

    kinds = tuple(getattr(nodes, kind) for kind in _REFERENCES)
    for name in env.list_templates(extensions=["html"]):
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise _located(exc, exc.filename or name, exc.lineno) from None
        for node in tree.find_all(kinds):
            for ref in _literal_names(node.template):
                try:
                    env.get_template(ref)
                except jinja2.TemplateSyntaxError as exc:
                    raise _located(exc, exc.filename or ref, exc.lineno) from None
                except jinja2.TemplateNotFound:
                    raise TemplateError(f"{filename}:{node.lineno}: template {ref!r} not found "
                                        "in the template folders") from None
                except TemplateError as exc:
                    raise _located(exc, filename, node.lineno) from None


def _frame_line(tb: types.TracebackType | None, files: set[str]) -> tuple[str | None, int | None]:
    """The innermost traceback frame that runs one of the template ``files``."""
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in files:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render(env: Any, name: str, **context: Any) -> str:
    """Render template ``name``; any template error becomes a TemplateError ``file:line:``."""
    import jinja2

    try:
        return str(env.get_template(name).render(**context))
    except jinja2.TemplateSyntaxError as exc:
        raise _located(exc, exc.filename or name, exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        filename, lineno = _frame_line(exc.__traceback__, env.loader.files)
        raise TemplateError(f"{filename or name}:{lineno or 0}: template {exc.name!r} not "
                            "found in the template folders") from None
    except (jinja2.TemplateError, TemplateError) as exc:
        filename, lineno = _frame_line(exc.__traceback__, env.loader.files)
        raise _located(exc, filename or name, lineno) from None
