"""Shared test helpers.

Tests that need a reference tool (PyTorch, Keras, Chromium) call ``require_...``
or take the ``torch`` / ``keras`` fixture: it skips with a reason when the tool is
missing, or fails when CONVVIZ_REQUIRE_REFERENCE=1 (as .ci/run sets), so CI cannot
pass silently.
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import sys
import tempfile
from types import ModuleType

import pytest

REQUIRE_REFERENCE = os.environ.get("CONVVIZ_REQUIRE_REFERENCE") == "1"


def _missing(reason: str) -> None:
    if REQUIRE_REFERENCE:
        pytest.fail(f"{reason} (CONVVIZ_REQUIRE_REFERENCE=1 makes this a failure)")
    pytest.skip(reason)


def require_module(name: str):
    """Import and return module ``name`` or skip/fail the test."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(f"{name} is not installed")


def require_chromium() -> str:
    """Path of a Chromium binary usable by Playwright, or skip/fail."""
    require_module("playwright.sync_api")
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.path.exists(candidate):
            return candidate
    _missing("Chromium is not installed (apt-get install -y chromium)")
    raise AssertionError("unreachable")


def require_keras() -> ModuleType:
    """Keras 3 running on the PyTorch backend, or skip/fail.

    Keras picks its backend once, when it is first imported, from KERAS_BACKEND:
    this sets it to ``torch`` before the import (the tests compare against PyTorch
    and need no TensorFlow or JAX). Keras also writes a ``keras.json`` into
    KERAS_HOME (default ~/.keras) on import; when KERAS_HOME is unset it points
    at a temporary directory, so the tests leave the home directory alone.
    """
    require_module("torch")
    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "torch"
        if "KERAS_HOME" not in os.environ:
            home = tempfile.TemporaryDirectory(prefix="convviz-keras-")
            atexit.register(home.cleanup)
            os.environ["KERAS_HOME"] = home.name
    keras = require_module("keras")
    version = getattr(keras, "__version__", "0")
    if int(version.split(".")[0]) < 3:
        _missing(f"keras {version} is installed; the tests need Keras 3")
    backend = keras.backend.backend()
    if backend != "torch":
        pytest.fail(f"keras was imported with backend {backend!r} before the tests could "
                    "choose 'torch'; run with KERAS_BACKEND=torch")
    return keras


@pytest.fixture
def torch():
    return require_module("torch")


@pytest.fixture
def keras():
    return require_keras()
