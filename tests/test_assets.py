"""The gallery ships its scripts compacted (convviz/site/assets.py): comments and indentation
gone, every character of code kept, and the playground within its byte budget."""

from __future__ import annotations

import doctest
import re
from importlib import resources

import pytest
from test_site import model

from convviz.site import assets, builder
from convviz.site.assets import compact_script, shipped

SCRIPTS = [name for name in builder.ASSET_FILES if name.endswith(".js")]
#: the playground page and the scripts it loads
PLAYGROUND = ("playground.html", "convviz.js", "convviz-code.js", "convviz-draw.js",
              "convviz-svg.js", "convviz-hover.js")


def template(name: str) -> str:
    return resources.files("convviz.templates").joinpath(name).read_text("utf-8")


def without_comments(text: str) -> str:
    """``text`` without block comments and full-line // comments, by whole-text patterns."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"^[ \t]*//.*$", "", text, flags=re.MULTILINE)


def test_compacting_removes_comments_and_indentation_and_keeps_code_and_line_breaks():
    source = ("/** A function.\n *  More.\n */\n"
              "function f(a) {\n"
              "  // a full-line comment\n"
              "    var url = \"http://x\";  // a comment after code stays\n"
              "\n"
              "  /* one */ return a + '  //  ' + url;\t\n"
              "}\r\n")
    assert compact_script(source) == ("function f(a) {\n"
                                      "var url = \"http://x\";  // a comment after code stays\n"
                                      "return a + '  //  ' + url;\n"
                                      "}\n")
    assert compact_script("") == ""
    assert compact_script("  a\n  /* x */\n  b") == "a\nb\n"


def test_the_docstring_example_runs_as_written():
    result = doctest.testmod(assets)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("source, reason", [
    ("var s = `a\n  b`;\n", "backtick"),
    ("var s = 'a\\\n  b';\n", "backslash"),
    ("f(); /* a\n// b */\ng();\n", r"holding \*/"),
    ("/* never closed\n  f();\n", "never closed"),
])
def test_compacting_refuses_what_it_could_change(source, reason):
    with pytest.raises(ValueError, match=reason):
        compact_script(source)


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_shipped_script_is_its_source_less_comments_and_spaces(name):
    source, ships = template(name), shipped(name).decode("utf-8")
    assert len(ships) < 0.9 * len(source)
    # every character but comments and whitespace kept, in order ...
    assert re.sub(r"\s", "", ships) == re.sub(r"\s", "", without_comments(source))
    # ... the spaces inside a line too, and a line break wherever the source had one
    lines = iter(line.strip() for line in without_comments(source).splitlines())
    assert all(line in lines for line in ships.splitlines())
    assert not re.search(r"^[ \t]|[ \t]$", ships, re.MULTILINE) and "\n\n" not in ships


def test_the_gallery_writes_the_shipped_bytes_and_the_playground_fits_its_budget():
    files = builder.render_pages(model()[0])
    for name, target in builder.ASSET_FILES.items():
        assert files[target] == shipped(name), name
    assert files["playground.html"] == template("playground.html").encode("utf-8")
    total = sum(len(shipped(name)) for name in PLAYGROUND)
    assert total <= 100 * 1024, f"the playground ships {total:,} bytes (budget 100 KB)"
