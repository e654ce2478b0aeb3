"""Shared test helpers.

Tests that need a reference tool (PyTorch, Keras, Chromium) call ``require_...``
or take the ``torch`` / ``keras`` / ``chromium`` fixture: it skips with a reason when the
tool is missing, or fails when CONVVIZ_REQUIRE_REFERENCE=1 (as .ci/run sets), so CI cannot
pass silently.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Any

import pytest

REQUIRE_REFERENCE = os.environ.get("CONVVIZ_REQUIRE_REFERENCE") == "1"

#: every browser test's Chromium flags: no sandbox (containers run as root) and no GPU,
#: and no traffic of Chromium's own (background networking, component updates, sync,
#: first-run), so the only requests are those of the page under test
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")


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


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (a Playwright ``Browser``) launched with CHROMIUM_ARGS, or skip/fail
    as :func:`require_chromium`. Pages and contexts (viewport, colour scheme, reduced
    motion) are each test's own, to close when done.

    One per test module, not per session: between two calls Playwright's sync API leaves
    its event loop marked as running in this thread, so while it is open ``asyncio.run()``
    (as in the notebook tests) and any other ``sync_playwright()`` fail. Module scope
    closes it after the module's last test.
    """
    executable = require_chromium()
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def page_with_scripts(browser: Any, title: str, scripts: Iterable[str]) -> Iterator[Any]:
    """A blank page of ``browser`` with each script (its text) added in turn. It is closed
    on leaving, and then must have thrown no page error."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.set_content(f"<!doctype html><meta charset='utf-8'><title>{title}</title>")
        for script in scripts:
            page.add_script_tag(content=script)
        yield page
        assert not errors, errors
    finally:
        page.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that takes the ``chromium`` fixture is marked ``browser`` (so that
    ``-m "not browser"`` leaves out every test that needs Chromium)."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def torch():
    return require_module("torch")


@pytest.fixture
def keras():
    return require_keras()
