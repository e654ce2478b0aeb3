"""Shared test helpers.

Tests that need a reference tool (PyTorch, Chromium) call ``require(...)``:
it skips with a reason when the tool is missing, or fails when
CONVVIZ_REQUIRE_REFERENCE=1 (as .ci/run sets), so CI cannot pass silently.
"""

from __future__ import annotations

import importlib
import os
import shutil

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


@pytest.fixture
def torch():
    return require_module("torch")
