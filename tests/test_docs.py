"""The examples in the README and in the engine's docstrings run as written."""

import doctest
from pathlib import Path

import convviz.core.engine
import convviz.core.spec

ROOT = Path(__file__).resolve().parents[1]


def test_readme_examples():
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_engine_docstring_examples():
    for module in (convviz.core.spec, convviz.core.engine):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__
