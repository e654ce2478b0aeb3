"""The wheel ships the templates: build it, install it into a fresh virtual environment,
and build the gallery from an unrelated directory with convviz coming from the wheel.

The venv sees the system site-packages (numpy, matplotlib, … are not downloaded
again); convviz itself is installed from the wheel with --ignore-installed and the
test checks that it is the wheel's copy that runs, not the source tree's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("setuptools")
    dist = tmp_path_factory.mktemp("dist")
    # no build isolation: nothing is downloaded, the installed setuptools builds it
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(dist), str(ROOT)], cwd=dist)
    (path,) = dist.glob("convviz-*.whl")
    return path


def test_wheel_contains_the_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("index.html", "_macros.html", "style.css", "gallery.js", "__init__.py"):
        assert f"convviz/templates/{name}" in names
    assert "convviz/site/builder.py" in names and "convviz/py.typed" in names
    for package in ("core", "look", "draw", "draw/diagrams", "encode", "site", "cli"):
        assert f"convviz/{package}/__init__.py" in names
    assert not any(n.startswith("templates/") for n in names)


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    env_dir = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)])
    python = env_dir / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
         "--disable-pip-version-check", "-q", str(wheel)])
    return env_dir


def test_gallery_from_the_installed_wheel(venv, tmp_path):
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    python = venv / "bin" / "python"
    code = ("import convviz, importlib.resources as r; print(convviz.__file__); "
            "print(r.files('convviz.templates'))")
    where = run([str(python), "-c", code], cwd=cwd, env=env).stdout.split()
    assert all(str(venv) in line for line in where), where
    assert not any(str(ROOT) in line for line in where)
    out = tmp_path / "site"
    convviz = venv / "bin" / "convviz"
    result = run([str(convviz), "gallery", "-o", str(out), "--jobs", "2", "--quiet"],
                 cwd=cwd, env=env)
    assert (out / "index.html").is_file(), result.stdout + result.stderr
    html = (out / "index.html").read_text("utf-8")
    assert "assets/style.css" in html and (out / "assets" / "style.css").is_file()
    assert (out / "img" / "no_padding_no_strides.gif").is_file()
    # nothing was written where the command ran
    assert not any(cwd.iterdir())
