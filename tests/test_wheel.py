"""The wheel ships the templates: build it, install it into a fresh virtual environment,
and build the gallery from an unrelated directory with convviz coming from the wheel.

The wheel is built by the ``build`` frontend in an isolated environment from a copy of
the source tree, so nothing (build/, *.egg-info, dist/) is written into the checkout.
The fresh venv gets its dependencies the ordinary way, from the package index (or
pip's cache), exactly as a user's ``pip install convviz-*.whl`` would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import require_module

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# what a checkout may hold that is not part of the source
NOT_SOURCE = shutil.ignore_patterns(
    ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
    ".venv", "output", ".convviz-cache",
)


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, check=False,
                            stdin=subprocess.DEVNULL, **kw)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


def clean_env() -> dict[str, str]:
    """The environment minus what would let the source tree or this venv leak in."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``root`` but .git's, ignored
    files included: build/, dist/ and *.egg-info appearing or being rewritten show."""
    state = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = Path(folder, name)
            stat = path.lstat()
            state[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return state


def copy_source(dest: Path) -> None:
    """The files a checkout would build from: git's list when there is one."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                     cwd=ROOT).stdout.split("\0")
        for name in filter(None, listed):
            source = ROOT / name
            if source.is_file():  # deleted but not yet committed: skip
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest / name)
    else:
        shutil.copytree(ROOT, dest, ignore=NOT_SOURCE, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(wheel path, the source tree's state before the build, and after it)."""
    require_module("build")
    before = tree_state(ROOT)
    source = tmp_path_factory.mktemp("source")
    copy_source(source)
    dist = tmp_path_factory.mktemp("dist")
    # an sdist first, then the wheel from the sdist: the sdist must be complete too
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)],
        cwd=dist, env=clean_env())
    assert len(list(dist.glob("convviz-*.tar.gz"))) == 1
    (path,) = dist.glob("convviz-*.whl")
    return path, before, tree_state(ROOT)


@pytest.fixture(scope="module")
def wheel(built):
    return built[0]


def test_building_writes_nothing_into_the_source_tree(built):
    _, before, after = built
    added = sorted(after.keys() - before.keys())
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    removed = sorted(before.keys() - after.keys())
    assert not (added or changed or removed), (added[:5], changed[:5], removed[:5])


def test_wheel_contains_the_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("index.html", "_macros.html", "style.css", "gallery.js", "__init__.py"):
        assert f"convviz/templates/{name}" in names
    assert "convviz/site/builder.py" in names and "convviz/py.typed" in names
    for package in ("core", "look", "draw", "draw/diagrams", "encode", "site", "cli"):
        assert f"convviz/{package}/__init__.py" in names
    assert not any(n.startswith(("templates/", "tests/")) for n in names)


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv (no system site-packages) with the wheel and its dependencies."""
    env_dir = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", str(env_dir)], env=clean_env())
    run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", str(wheel)], env=clean_env())
    return env_dir


def test_gallery_from_the_installed_wheel(venv, tmp_path):
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = clean_env()
    python = venv / "bin" / "python"
    code = ("import convviz, importlib.resources as r; print(convviz.__file__); "
            "print(r.files('convviz.templates'))")
    where = run([str(python), "-c", code], cwd=cwd, env=env).stdout.split()
    assert all(str(venv) in line for line in where), where
    assert not any(str(ROOT) in line for line in where)
    out = tmp_path / "site"
    convviz = venv / "bin" / "convviz"
    result = run([str(convviz), "gallery", "--draft", "-o", str(out), "--quiet"],
                 cwd=cwd, env=env)
    assert (out / "index.html").is_file(), result.stdout + result.stderr
    html = (out / "index.html").read_text("utf-8")
    assert "assets/style.css" in html and (out / "assets" / "style.css").is_file()
    assert (out / "img" / "no_padding_no_strides.gif").is_file()
    # nothing was written where the command ran
    assert not any(cwd.iterdir())
