"""The gallery's static assets as they ship: scripts compacted, everything else as written.

A script in ``templates/`` is written to be read: block comments that document each
function, full-line ``//`` comments, two-space indentation. The gallery ships it
*compacted* (:func:`compact_script`): those comments, leading indentation, trailing
spaces and blank lines removed, every other character kept, each remaining line still
ending in a newline (so automatic semicolon insertion sees the same line breaks). The
browser tests load the compacted bytes (:func:`shipped`), so what is tested is what ships.

>>> print(compact_script('/** Doc. */\\nfunction f(a) {\\n  // why\\n  return a;  \\n}\\n'), end="")
function f(a) {
return a;
}
"""

from __future__ import annotations

from importlib import resources

__all__ = ["compact_script", "shipped"]


def compact_script(source: str) -> str:
    """``source`` (a JavaScript file) without its full-line comments and indentation.

    Removed: a line whose first non-blank characters are ``//``; a block comment that
    starts a line (``/*`` first), up to its ``*/`` (what follows on that line is kept);
    leading and trailing spaces and tabs; blank lines. Nothing inside a line of code
    changes. The function refuses (ValueError) a source it cannot compact safely: one
    with a backtick outside the removed comments (a template literal may span lines,
    and its lines must keep their spaces), a line ending in a backslash (a string
    continued on the next line), a removed ``//`` line holding ``*/`` (it may end a block
    comment opened after code), or a block comment that is never closed.
    """
    kept: list[str] = []
    lines = source.splitlines()
    n = 0
    while n < len(lines):
        line = lines[n].strip(" \t")
        n += 1
        if line.endswith("\\"):
            raise ValueError(f"compact_script: line {n} ends in a backslash (a continued "
                             "string), which compacting could change")
        if line.startswith("/*"):
            start = n
            end = line.find("*/", 2)
            while end < 0:
                if n >= len(lines):
                    raise ValueError(f"compact_script: the block comment of line {start} "
                                     "is never closed")
                line = lines[n].strip(" \t")
                n += 1
                end = line.find("*/")
            line = line[end + 2:].strip(" \t")
        elif line.startswith("//"):
            if "*/" in line:
                raise ValueError(f"compact_script: line {n} is a // comment holding */, "
                                 "which may close a block comment")
            continue
        if line:
            if "`" in line:
                raise ValueError(f"compact_script: line {n} holds a backtick (a template "
                                 "literal may span lines), which compacting could change")
            kept.append(line)
    return "".join(line + "\n" for line in kept)


def shipped(name: str, source: str | None = None) -> bytes:
    """The bytes the gallery ships for the template file ``name``.

    ``source``: its text (read from the installed ``convviz.templates`` when None). A
    script (``.js``) is compacted by :func:`compact_script`; any other file ships as is.
    """
    if source is None:
        source = resources.files("convviz.templates").joinpath(name).read_text("utf-8")
    if name.endswith(".js"):
        source = compact_script(source)
    return source.encode("utf-8")
